//! What a feed may point the kiosk at, decided per source after parsing:
//! - **links** (an activity's `url`, shown as text and as a QR code a visitor scans):
//!   only `https://`, and `http://` where the source's `http_links = true`. Anything
//!   else (`javascript:`, `data:`, `file:`, `tel:`, `sms:`, `WIFI:`...) is dropped.
//! - **pictures**: from the feed's own folder on its own origin (same scheme, host and
//!   port; a path below the folder the feed is in), or from a host the source lists in
//!   `image_hosts` in the (signed) configuration. Never through `..`, an absolute path
//!   or an encoded slash onto another path of the host. A local feed file's pictures
//!   are files beside it (`feed::load_file`) or URLs on a listed host.
//!
//! What is dropped is counted and logged once per refresh and kind, not per event.

use crate::config::FeedConfig;
use crate::feed::{Activity, ImageRef};
use reqwest::Url;

/// Whether `url` may become a link and a QR code. An empty `url` is no link at all.
pub fn link_allowed(url: &str, http_links: bool) -> bool {
    match Url::parse(url.trim()) {
        Ok(u) => {
            let scheme_ok = u.scheme() == "https" || (u.scheme() == "http" && http_links);
            scheme_ok && u.host_str().is_some() && u.username().is_empty() && u.password().is_none()
        }
        Err(_) => false,
    }
}

/// A JSON feed's `image` value read against the feed's URL: a full http(s) URL as it
/// is (checked by [`picture_allowed`] afterwards), or a plain relative path (no leading
/// `/`, no `.` or `..`, no `\`, no scheme, no encoded dots or slashes) below it.
pub fn resolve_picture(base: Option<&Url>, name: &str) -> Option<Url> {
    let name = name.trim();
    if let Ok(url) = Url::parse(name) {
        return matches!(url.scheme(), "http" | "https").then_some(url);
    }
    let plain = !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !has_encoded_dot_or_slash(name)
        && name
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if !plain {
        return None;
    }
    base?.join(name).ok()
}

fn has_encoded_dot_or_slash(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["%2e", "%2f", "%5c"].iter().any(|e| lower.contains(e))
}

/// Whether a picture at `url` may be downloaded for `feed`.
pub fn picture_allowed(url: &Url, feed: &FeedConfig) -> bool {
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
        || has_encoded_dot_or_slash(url.path())
    {
        return false;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let feed_url = Url::parse(&feed.url).ok().filter(|_| feed.is_http());
    if let Some(feed_url) = &feed_url {
        let folder = match feed_url.path().rfind('/') {
            Some(i) => &feed_url.path()[..=i],
            None => "/",
        };
        if url.scheme() == feed_url.scheme()
            && url.host_str() == feed_url.host_str()
            && url.port_or_known_default() == feed_url.port_or_known_default()
            && url.path().starts_with(folder)
        {
            return true;
        }
    }
    let listed = feed
        .image_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host));
    // https from a listed host; plain http only for a feed that is plain http itself.
    let scheme_ok =
        url.scheme() == "https" || feed_url.as_ref().is_some_and(|f| f.scheme() == "http");
    listed && scheme_ok
}

/// Drops the links and pictures of `activities` that `feed` may not have, with one
/// warning per kind.
pub fn apply(mut activities: Vec<Activity>, feed: &FeedConfig) -> Vec<Activity> {
    let (mut links, mut pictures) = (0usize, 0usize);
    for a in &mut activities {
        if !a.url.is_empty() && !link_allowed(&a.url, feed.http_links) {
            a.url.clear();
            links += 1;
        }
        if let Some(ImageRef::Url(u)) = &a.image {
            let ok = Url::parse(u).is_ok_and(|u| picture_allowed(&u, feed));
            if !ok {
                a.image = None;
                pictures += 1;
            }
        }
    }
    if links > 0 {
        tracing::warn!(
            feed = %feed.name,
            "{links} activity link(s) dropped: only https:// links become QR codes{}",
            if feed.http_links { " (and http://)" } else { "" }
        );
    }
    if pictures > 0 {
        tracing::warn!(
            feed = %feed.name,
            "{pictures} picture(s) dropped: not below the feed's own folder and not on a host in its image_hosts"
        );
    }
    activities
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str, hosts: &[&str]) -> FeedConfig {
        FeedConfig {
            url: url.into(),
            name: "t".into(),
            refresh: std::time::Duration::from_secs(60),
            categories: Vec::new(),
            location_contains: None,
            image_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            http_links: false,
            urgent_allowed: false,
        }
    }

    #[test]
    fn links_are_https_only_unless_allowed() {
        assert!(link_allowed("https://example.org/a", false));
        assert!(!link_allowed("http://example.org/a", false));
        assert!(link_allowed("http://example.org/a", true));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "file:///etc/passwd",
            "tel:09001234567",
            "sms:09001234567?body=x",
            "WIFI:T:WPA;S:gratis;P:x;;",
            "HTTPS//missing-colon",
            "https://user:pw@example.org/",
        ] {
            assert!(!link_allowed(bad, true), "{bad}");
        }
    }

    #[test]
    fn pictures_come_from_the_feeds_folder_or_listed_hosts() {
        let f = feed("https://agenda.example/feeds/week.json", &["cdn.example"]);
        let base = Url::parse(&f.url).ok();
        let ok = |name: &str| {
            resolve_picture(base.as_ref(), name).is_some_and(|u| picture_allowed(&u, &f))
        };
        assert!(ok("img/yoga.jpg"));
        assert!(ok("https://agenda.example/feeds/img/yoga.jpg"));
        assert!(ok("https://cdn.example/any/path.jpg"));
        assert!(
            !ok("http://cdn.example/any/path.jpg"),
            "https only from a listed host"
        );
        for bad in [
            "../secret.png",
            "img/../../secret.png",
            "/admin/x.png",
            "//evil.example/x.png",
            "img/%2e%2e/%2e%2e/x.png",
            "img\\..\\x.png",
            "https://agenda.example/admin/x.png",
            "https://agenda.example/feeds/%2e%2e/x.png",
            "https://agenda.example:8443/feeds/x.png",
            "http://agenda.example/feeds/x.png",
            "https://evil.example/x.png",
            "file:///etc/passwd",
        ] {
            assert!(!ok(bad), "{bad}");
        }
        // A local feed file: only listed hosts.
        let local = feed("/srv/agenda.ics", &["cdn.example"]);
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(picture_allowed(&url("https://cdn.example/a.png"), &local));
        assert!(!picture_allowed(
            &url("https://other.example/a.png"),
            &local
        ));
    }
}
