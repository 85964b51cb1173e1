//! Announcements (issue 20): roles, CSRF, the form's checks, the urgent rules, the
//! preview drawn by the real kiosk binary (and a clear message when it is missing or
//! too slow), pictures, publish and withdraw with the audit log, the feed's ETag,
//! Last-Modified and 304s, and the command line's import and list.

use crate::support::*;
use samen_hub::accounts::Role;
use samen_hub::config::Config;
use std::path::PathBuf;

const BIN: &str = env!("CARGO_BIN_EXE_samen-hub");

/// The kiosk binary the workspace builds (`cargo test --workspace` builds it), next to
/// this test's own directory (target/debug/deps/..), wherever CARGO_TARGET_DIR is.
fn kiosk_binary() -> PathBuf {
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("samen-kiosk")))
        .unwrap_or_else(|| PathBuf::from("target/debug/samen-kiosk"));
    assert!(
        path.is_file(),
        "{} is missing: build it first (cargo build --bin samen-kiosk)",
        path.display()
    );
    path
}

fn with_kiosk(kiosk: PathBuf, timeout_s: u64) -> Config {
    Config {
        preview_kiosk: Some(kiosk),
        preview_timeout_s: timeout_s,
        ..Config::default()
    }
}

fn audit_of(t: &TestHub, id: i64) -> Vec<String> {
    t.audit(&format!("announcement-{id}"))
}

fn count(t: &TestHub) -> i64 {
    t.count("announcements")
}

/// Saves a message through the form; its id from the redirect.
async fn write(b: &mut Browser, fields: &[(&str, &str)]) -> i64 {
    let r = b
        .submit("/announcements/new", "/announcements/new", fields)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.location.unwrap();
    location
        .trim_start_matches("/announcements/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn version_of(page: &Page) -> String {
    let start = page
        .body
        .find("name=\"version\" value=\"")
        .expect("publish form")
        + "name=\"version\" value=\"".len();
    let end = page.body[start..].find('"').unwrap();
    page.body[start..start + end].to_string()
}

#[tokio::test]
async fn only_editors_and_admins_and_every_form_needs_its_token() {
    let t = TestHub::start().await;
    let mut anonymous = Browser::new(&t.url);
    assert_eq!(
        anonymous.get("/announcements").await.location.as_deref(),
        Some("/login")
    );
    for (name, role, home) in [
        ("ans", Role::Coordinator, "/worklist"),
        ("ivo", Role::It, "/fleet"),
    ] {
        let mut b = t.login(name, role).await;
        assert_eq!(b.get("/announcements").await.status, 403, "{name}");
        assert_eq!(b.get("/announcements/new").await.status, 403, "{name}");
        let csrf = b.get(home).await.csrf();
        let r = b
            .post(
                "/announcements/new",
                &[("csrf", &csrf), ("title_nl", "Hallo")],
            )
            .await;
        assert_eq!(r.status, 403, "{name}");
    }
    let mut eva = t.login("eva", Role::Editor).await;
    assert_eq!(eva.get("/announcements").await.status, 200);
    let r = eva
        .post("/announcements/new", &[("title_nl", "Zonder token")])
        .await;
    assert_eq!(r.status, 403);
    let r = eva
        .post(
            "/announcements/new",
            &[("csrf", "wrong"), ("title_nl", "Fout token")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(count(&t), 0, "nothing saved without the form's token");
    let id = write(&mut eva, &[("title_nl", "Koffie"), ("target", "all")]).await;
    for action in ["publish", "withdraw", "picture/remove"] {
        let r = eva
            .post(&format!("/announcements/{id}/{action}"), &[])
            .await;
        assert_eq!(r.status, 403, "{action}");
    }
    assert_eq!(audit_of(&t, id), ["eva announcement-save"]);
    let mut admin = t.login("ada", Role::Admin).await;
    assert_eq!(admin.get("/announcements").await.status, 200);
}

#[tokio::test]
async fn the_form_names_every_problem_and_keeps_what_was_typed() {
    let t = TestHub::start().await;
    t.add_kiosk("oost");
    let mut eva = t.login("eva", Role::Editor).await;
    let long_body = "x".repeat(161);
    let r = eva
        .submit(
            "/announcements/new",
            "/announcements/new",
            &[
                ("title_nl", ""),
                ("title_en", "<script>alert(1)</script>"),
                ("body_nl", &long_body),
                ("from_date", "2026-12-10"),
                ("until_date", "2026-12-09"),
                ("hours", "9 tot 12"),
                ("url", "javascript:alert(1)"),
                ("target", "some"),
                ("kiosks", "west"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    for text in [
        "Vul een Nederlandse kop in",
        "De tekst is langer dan 160 tekens",
        "De einddatum moet na de begindatum liggen",
        "Schrijf de uren als 09:00-12:00",
        "De link moet met https:// beginnen",
        "Deze kiosk bestaat niet",
        "href=\"#title_nl\"",
    ] {
        assert!(r.body.contains(text), "{text}");
    }
    assert!(
        r.body.contains("&lt;script&gt;alert(1)") || r.body.contains("&#60;script&#62;alert(1)")
    );
    assert!(!r.body.contains("<script>alert(1)"));
    assert!(
        r.body.contains("value=\"2026-12-10\""),
        "kept what was typed"
    );
    assert_eq!(count(&t), 0);
    // A title of 41 characters does not fit on the kiosk.
    let r = eva
        .submit(
            "/announcements/new",
            "/announcements/new",
            &[("title_nl", &"a".repeat(41)), ("target", "all")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("De kop is langer dan 40 tekens"));
    // Choosing "only these kiosks" without one.
    let r = eva
        .submit(
            "/announcements/new",
            "/announcements/new",
            &[("title_nl", "Hallo"), ("target", "some")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Kies minstens één kiosk"));
    assert_eq!(count(&t), 0);
}

#[tokio::test]
async fn urgent_needs_the_right_and_an_end_within_seven_days() {
    let t = TestHub::start().await;
    let mut eva = t.login("eva", Role::Editor).await;
    // Tuesday 1 December 2026, 10:00.
    let urgent = |until: &'static str| {
        vec![
            ("title_nl", "Vandaag gesloten"),
            ("urgent", "on"),
            ("until_date", until),
            ("target", "all"),
        ]
    };
    let form = eva.get("/announcements/new").await;
    assert!(
        !form.body.contains("id=\"urgent\""),
        "no urgent box without the right"
    );
    let r = eva
        .submit(
            "/announcements/new",
            "/announcements/new",
            &urgent("2026-12-02"),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("U mag geen dringende berichten plaatsen"));
    t.hub
        .db
        .blocking(|c| samen_hub::announcements::set_urgent_right(c, "eva", true))
        .unwrap();
    let form = eva.get("/announcements/new").await;
    assert!(form.body.contains("id=\"urgent\""));
    for (until, ok) in [("", false), ("2026-12-09", false), ("2026-12-08", true)] {
        let r = eva
            .submit("/announcements/new", "/announcements/new", &urgent(until))
            .await;
        assert_eq!(r.status == 303, ok, "until {until}: {}", r.body);
        if !ok {
            assert!(r.body.contains("hooguit 7 dagen"), "{until}");
        }
    }
    // Urgent with a long text: an urgent notice's type is larger, 90 characters fit.
    let mut fields = urgent("2026-12-08");
    let body = "b".repeat(91);
    fields.push(("body_nl", &body));
    let r = eva
        .submit("/announcements/new", "/announcements/new", &fields)
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("hooguit 90 tekens"));
    // An admin may without a right of their own.
    let mut ada = t.login("ada", Role::Admin).await;
    let r = ada
        .submit(
            "/announcements/new",
            "/announcements/new",
            &urgent("2026-12-05"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(count(&t), 2);
}

#[tokio::test]
async fn publish_after_the_kiosks_preview_then_the_feed_with_etag_and_304_then_withdraw() {
    let t = TestHub::start_with(with_kiosk(kiosk_binary(), 60)).await;
    t.add_kiosk("oost");
    t.add_kiosk("west");
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(
        &mut eva,
        &[
            ("title_nl", "Kerstdiner voor iedereen"),
            ("title_en", "Christmas dinner"),
            ("body_nl", "Eet mee op 24 december."),
            ("from_date", "2026-12-01"),
            ("until_date", "2026-12-25"),
            ("days", "monday"),
            ("days", "tuesday"),
            ("hours", "09:00-17:00"),
            ("url", "https://example.org/kerst"),
            ("target", "some"),
            ("kiosks", "oost"),
        ],
    )
    .await;
    let feed_url = format!("{}/feeds/messages.json", t.url);
    let empty: serde_json::Value = json(client().get(&feed_url).send().await.unwrap()).await;
    assert_eq!(
        empty["messages"],
        serde_json::json!([]),
        "a draft is not in the feed"
    );

    // The page shows the kiosk's own drawing at both sizes.
    let page = eva.get(&format!("/announcements/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("Er is geen voorbeeld"), "{}", page.body);
    let mut dutch = Vec::new();
    for size in ["800x480", "1920x1080"] {
        let src = format!("/announcements/{id}/preview/{size}-nl?v=");
        assert!(page.body.contains(&src), "{size}");
        let bytes = preview(&t, &eva, id, &format!("{size}-nl")).await;
        let (w, h) = png_size(&bytes);
        assert_eq!(format!("{w}x{h}"), size);
        dutch.push(bytes);
    }
    // In English: the kiosk draws the English title.
    let english = eva.get(&format!("/announcements/{id}?preview=en")).await;
    assert!(english.body.contains("/preview/800x480-en?v="));
    assert!(english.body.contains("aria-current=\"page\">English"));
    assert_ne!(preview(&t, &eva, id, "800x480-en").await, dutch[0]);
    // Publishing an older version (the editor saw another preview) is refused.
    let r = eva
        .post(
            &format!("/announcements/{id}/publish"),
            &[("csrf", &page.csrf()), ("version", "0000")],
        )
        .await;
    assert_eq!(r.status, 409);
    let r = eva
        .post(
            &format!("/announcements/{id}/publish"),
            &[("csrf", &page.csrf()), ("version", &version_of(&page))],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    // The feed: the message in the feed format, for its kiosk only.
    let response = client().get(&feed_url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let modified = response.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_string();
    let body: serde_json::Value = json(response).await;
    assert_eq!(body["format"], "samen-kiosk-feed");
    assert_eq!(body["events"], serde_json::json!([]));
    let m = &body["messages"][0];
    assert_eq!(m["id"], format!("hub-{id}"));
    assert_eq!(m["title"]["nl"], "Kerstdiner voor iedereen");
    assert_eq!(m["title"]["en"], "Christmas dinner");
    assert_eq!(m["days"], serde_json::json!(["monday", "tuesday"]));
    assert_eq!(m["hours"], "09:00-17:00");
    assert_eq!(m["until"], "2026-12-25");
    assert_eq!(m["kiosks"], serde_json::json!(["oost"]));
    assert_eq!(m["priority"], "normal");
    let for_west: serde_json::Value = json(
        client()
            .get(format!("{feed_url}?kiosk=west"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(for_west["messages"], serde_json::json!([]));

    // Conditional requests.
    let r = client()
        .get(&feed_url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = client()
        .get(&feed_url)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = client()
        .get(&feed_url)
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Withdraw: gone from the feed, a new ETag, a later Last-Modified.
    t.advance_minutes(5);
    let csrf = eva.get(&format!("/announcements/{id}")).await.csrf();
    let r = eva
        .post(&format!("/announcements/{id}/withdraw"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303);
    let r = client()
        .get(&feed_url)
        .header("if-none-match", &etag)
        .header("if-modified-since", &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "withdrawn: the old ETag no longer matches");
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);
    assert_ne!(r.headers()["last-modified"].to_str().unwrap(), modified);
    let body: serde_json::Value = json(r).await;
    assert_eq!(body["messages"], serde_json::json!([]));
    assert_eq!(
        audit_of(&t, id),
        [
            "eva announcement-save",
            "eva announcement-publish",
            "eva announcement-withdraw"
        ]
    );
    let list = eva.get("/announcements").await;
    assert!(list.body.contains("Ingetrokken"));
}

#[tokio::test]
async fn an_expired_message_leaves_the_feed_and_changes_last_modified() {
    let t = TestHub::start().await;
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(
        &mut eva,
        &[
            ("title_nl", "Vandaag markt"),
            ("until_date", "2026-12-01"),
            ("until_time", "12:00"),
            ("target", "all"),
        ],
    )
    .await;
    let page = eva.get(&format!("/announcements/{id}")).await;
    let r = eva
        .post(
            &format!("/announcements/{id}/publish"),
            &[("csrf", &page.csrf()), ("version", &version_of(&page))],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let feed_url = format!("{}/feeds/messages.json", t.url);
    let r = client().get(&feed_url).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body: serde_json::Value = json(r).await;
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    t.advance_minutes(125); // 12:05 in Amsterdam
    let r = client()
        .get(&feed_url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["last-modified"].to_str().unwrap(),
        "Tue, 01 Dec 2026 11:00:00 GMT",
        "the moment it ended"
    );
    let body: serde_json::Value = json(r).await;
    assert_eq!(body["messages"], serde_json::json!([]));
    let now = t.now();
    let state = t
        .hub
        .db
        .blocking(|c| samen_hub::announcements::get(c, id, now))
        .unwrap()
        .unwrap()
        .state;
    assert_eq!(state, samen_hub::announcements::State::Expired);
}

#[tokio::test]
async fn without_a_kiosk_binary_or_when_it_hangs_the_page_says_so() {
    let t = TestHub::start_with(with_kiosk("/nonexistent/samen-kiosk".into(), 20)).await;
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(&mut eva, &[("title_nl", "Koffie"), ("target", "all")]).await;
    let page = eva.get(&format!("/announcements/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("het kioskprogramma (samen-kiosk) staat niet op deze server"));
    assert!(
        page.body.contains("name=\"version\""),
        "publishing still possible"
    );

    let dir = tempfile::tempdir().unwrap();
    let slow = dir.path().join("slow-kiosk");
    std::fs::write(&slow, "#!/bin/sh\nexec sleep 30\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
    let t = TestHub::start_with(with_kiosk(slow, 1)).await;
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(&mut eva, &[("title_nl", "Koffie"), ("target", "all")]).await;
    let page = eva.get(&format!("/announcements/{id}")).await;
    assert!(
        page.body.contains("het tekenen duurde te lang"),
        "{}",
        page.body
    );

    let failing = dir.path().join("failing-kiosk");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'samen-kiosk: broken' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let t = TestHub::start_with(with_kiosk(failing, 5)).await;
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(&mut eva, &[("title_nl", "Koffie"), ("target", "all")]).await;
    let page = eva.get(&format!("/announcements/{id}")).await;
    assert!(page.body.contains("het kioskprogramma gaf een fout"));
}

fn cookie_header(b: &Browser) -> String {
    b.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn preview(t: &TestHub, b: &Browser, id: i64, key: &str) -> Vec<u8> {
    let r = client()
        .get(format!("{}/announcements/{id}/preview/{key}", t.url))
        .header("cookie", cookie_header(b))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{key}");
    assert_eq!(r.headers()["content-type"], "image/png");
    r.bytes().await.unwrap().to_vec()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// A PNG of `w` x `h` pixels, with a text chunk standing in for metadata.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([30, 120, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn upload(t: &TestHub, b: &mut Browser, id: i64, name: &str, bytes: &[u8]) -> Page {
    let csrf = b.get(&format!("/announcements/{id}")).await.csrf();
    let boundary = "----samen-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = client()
        .post(format!("{}/announcements/{id}/picture", t.url))
        .header("cookie", cookie_header(b))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    Page {
        status: r.status().as_u16(),
        location: r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string()),
        body: r.text().await.unwrap(),
    }
}

#[tokio::test]
async fn pictures_are_checked_scaled_and_served_to_kiosks_only_while_live() {
    let t = TestHub::start().await;
    let mut eva = t.login("eva", Role::Editor).await;
    let id = write(&mut eva, &[("title_nl", "Buurtfeest"), ("target", "all")]).await;
    let r = upload(&t, &mut eva, id, "a.gif", b"GIF89a not a picture").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Dit is geen JPEG- of PNG-foto"));
    let r = upload(&t, &mut eva, id, "big.png", &vec![0u8; 9 * 1024 * 1024]).await;
    assert!(matches!(r.status, 413 | 422), "{}", r.status);
    let r = upload(&t, &mut eva, id, "feest.png", &png(1600, 1200)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = eva.get(&format!("/announcements/{id}")).await;
    let r = eva
        .post(
            &format!("/announcements/{id}/publish"),
            &[("csrf", &page.csrf()), ("version", &version_of(&page))],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let feed: serde_json::Value = json(
        client()
            .get(format!("{}/feeds/messages.json", t.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let image = feed["messages"][0]["image"].as_str().unwrap().to_string();
    assert!(image.starts_with(&format!("pictures/hub-{id}-")), "{image}");
    let url = format!("{}/feeds/{image}", t.url);
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let jpeg = r.bytes().await.unwrap();
    let decoded = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (800, 600));
    // Withdrawn: the kiosks no longer get it.
    let csrf = eva.get(&format!("/announcements/{id}")).await.csrf();
    eva.post(&format!("/announcements/{id}/withdraw"), &[("csrf", &csrf)])
        .await;
    assert_eq!(client().get(&url).send().await.unwrap().status(), 404);
    assert_eq!(
        audit_of(&t, id),
        [
            "eva announcement-save",
            "eva announcement-picture:set",
            "eva announcement-publish",
            "eva announcement-withdraw"
        ]
    );
}

fn hub_cli(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap()
}

#[test]
fn import_names_every_problem_imports_nothing_then_publishes_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(hub_cli(&data, &["kiosk", "add", "oost"]).status.success());
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"
[[messages]]
id = "goed"
title = "Koffieochtend"
until = "2099-01-01"

[[messages]]
id = "fout"
title = { nl = "Te lang: deze kop past echt niet meer op het scherm" }
until = "2020-01-01"
days = ["maandag"]
url = "http://example.org"
kiosks = ["west"]

[[messages]]
title = "Storm"
priority = "urgent"
until = "2099-01-01"
"#,
    )
    .unwrap();
    let out = hub_cli(&data, &["messages", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    for line in [
        "messages[1].title.nl: the title is longer than 40 characters",
        "messages[1].until: lies in the past",
        "messages[1].days: not a weekday",
        "messages[1].url: only an https:// address",
        "messages[1].kiosks: no such kiosk",
        "messages[2].until: an urgent notice needs an `until` at most 7 days",
        "nothing imported",
    ] {
        assert!(err.contains(line), "{line} in\n{err}");
    }
    let list = hub_cli(&data, &["messages", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows, serde_json::json!([]), "nothing imported");

    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        serde_json::json!({
            "format": "samen-kiosk-feed",
            "version": 1,
            "events": [],
            "messages": [
                {"id": "koffie", "title": {"nl": "Koffieochtend", "en": "Coffee morning"},
                 "body": "Elke dinsdag.", "days": ["tuesday"], "hours": ["09:00-12:00"],
                 "until": "2099-01-01", "kiosks": ["oost"]},
                {"title": "Gesloten", "priority": "urgent", "until": "2026-12-03"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    // The urgent one ends within 7 days of today only if today is near; use a far
    // date for the test's own check of the window instead.
    let text = std::fs::read_to_string(&good).unwrap();
    let today = chrono::Utc::now().date_naive();
    let soon = (today + chrono::Duration::days(3)).to_string();
    std::fs::write(&good, text.replace("2026-12-03", &soon)).unwrap();
    let out = hub_cli(&data, &["messages", "import", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = hub_cli(&data, &["messages", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["state"] == "published"));
    let koffie = rows.iter().find(|r| r["id"] == "koffie").unwrap();
    assert_eq!(koffie["kiosks"], serde_json::json!(["oost"]));
    assert!(rows.iter().any(|r| r["priority"] == "urgent"));
    // Again: the same id replaces, it is not added twice.
    assert!(
        hub_cli(&data, &["messages", "import", good.to_str().unwrap()])
            .status
            .success()
    );
    let list = hub_cli(&data, &["messages", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        3,
        "koffie replaced, the id-less one added"
    );
    let db = samen_hub::db::Db::open(&data).unwrap();
    let actions: Vec<String> = db
        .blocking(|c| {
            let mut s = c.prepare("SELECT actor || ' ' || action FROM audit ORDER BY id")?;
            let rows = s.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("cli announcement-import"))
            .count(),
        4
    );
}

async fn json(r: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

#[test]
fn a_broken_import_file_says_where_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(hub_cli(&data, &["kiosk", "add", "oost"]).status.success());
    // (file name, its text, what the error must say)
    let cases = [
        (
            "unclosed.toml",
            "[[messages]]\ntitle = \"Koffieochtend\"\nuntil = \"2099-01-01\n",
            vec!["unclosed.toml", "line 3"],
        ),
        (
            "comma.json",
            "{\"messages\": [{\"title\": \"Koffieochtend\", \"until\": \"2099-01-01\",}]}",
            vec!["comma.json", "trailing comma", "line 1"],
        ),
        (
            "typo.toml",
            "[[messages]]\ntitel = \"Koffieochtend\"\nuntil = \"2099-01-01\"\n",
            vec!["messages[0]", "unknown field `titel`"],
        ),
        (
            "no-messages.json",
            "{\"berichten\": []}",
            vec!["no-messages.json", "berichten"],
        ),
    ];
    for (name, text, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = hub_cli(&data, &["messages", "import", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        for s in says {
            assert!(err.contains(s), "{name}: {s:?} in\n{err}");
        }
        assert!(err.contains("nothing imported"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let out = hub_cli(
        &data,
        &["messages", "import", "/nonexistent/berichten.toml"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot read /nonexistent/berichten.toml"),
        "{err}"
    );

    let list = hub_cli(&data, &["messages", "list", "--json"]);
    assert!(list.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows, serde_json::json!([]), "nothing saved");
    let db = samen_hub::db::Db::open(&data).unwrap();
    let audited: i64 = db
        .blocking(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM audit WHERE action LIKE 'announcement%'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 0, "nothing audited either");
}
