//! From the TOML as written to a valid [`Config`]: every value checked, the defaults
//! applied, and every problem collected with its key path, so that one look at the
//! output of `config check` shows all that is wrong.

use super::raw::*;
use super::*;

pub(super) const KIOSK_ID_RULE: &str = "use 1 to 64 letters, digits, '-' or '_'";

/// Whether `id` may be a `kiosk_id` (and so a `[kiosks.<kiosk_id>]` name).
pub(super) fn is_kiosk_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub(super) struct Problems(pub(super) Vec<String>);

impl Problems {
    pub(super) fn push(&mut self, key: &str, reason: impl std::fmt::Display) {
        self.0.push(format!("{key}: {reason}"));
    }

    fn range(&mut self, key: &str, value: Option<i64>, min: i64, max: i64, default: u32) -> u32 {
        match value {
            None => default,
            Some(v) if (min..=max).contains(&v) => v as u32,
            Some(v) => {
                self.push(key, format!("{v} is out of range {min}..={max}"));
                default
            }
        }
    }

    /// A duration like "5m" within `(min, max)` seconds.
    fn duration(
        &mut self,
        key: &str,
        text: Option<&str>,
        (min, max): (u64, u64),
        default: u64,
    ) -> std::time::Duration {
        match text {
            None => std::time::Duration::from_secs(default),
            Some(text) => match parse_duration(text) {
                Some(d) if (min..=max).contains(&d.as_secs()) => d,
                _ => {
                    self.push(
                        key,
                        format!("'{text}' is not a duration like \"5m\" ({min}s to {max}s)"),
                    );
                    std::time::Duration::from_secs(default)
                }
            },
        }
    }

    /// Exactly one of `secret` and `secret_file`, at least 16 characters; a `whsec_`
    /// secret (Standard Webhooks, as `samen-hub kiosk add` prints it) must decode.
    fn secret(
        &mut self,
        key: &str,
        secret: Option<String>,
        file: Option<String>,
    ) -> crate::signing::Secret {
        let secret = match (secret, file) {
            (Some(s), None) => s,
            (None, Some(file)) => match read_secret_file(&file) {
                Ok(s) => s.trim().to_string(),
                Err(err) => {
                    self.push(
                        &format!("{key}.secret_file"),
                        format!("cannot read {file}: {err}"),
                    );
                    String::new()
                }
            },
            _ => {
                self.push(key, "give exactly one of secret and secret_file");
                String::new()
            }
        };
        if secret.len() < 16 {
            self.push(&format!("{key}.secret"), "use at least 16 characters");
        }
        let secret = crate::signing::Secret::new(secret);
        if let Err(err) = secret.webhook_key() {
            self.push(
                &format!("{key}.secret"),
                format!("a whsec_ secret must be base64 of at least 24 bytes ({err})"),
            );
        }
        secret
    }

    /// One `[[signage.messages]]`: text, window, picture, link, priority.
    fn message(
        &mut self,
        i: usize,
        m: &RawMessage,
        ids: &mut std::collections::HashSet<String>,
    ) -> Message {
        let key = format!("signage.messages[{i}]");
        let id =
            m.id.as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_string();
        if m.id.is_some() {
            if !is_kiosk_id(&id) {
                self.push(&format!("{key}.id"), KIOSK_ID_RULE);
            } else if !ids.insert(id.clone()) {
                self.push(&format!("{key}.id"), format!("'{id}' is used twice"));
            }
        }
        let raw = crate::messages::RawWindow {
            from: m.from.as_deref(),
            until: m.until.as_deref(),
            days: m.days.as_deref(),
            hours: m.hours.as_deref(),
            priority: m.priority.as_deref(),
        };
        let (window, priority, problems) = crate::messages::check_window(&raw);
        for (field, reason) in problems {
            self.push(&format!("{key}.{field}"), reason);
        }
        let image = m.image.as_deref().map(str::trim).and_then(|path| {
            let file = Path::new(path);
            if path.contains("://") || !file.is_absolute() {
                self.push(
                    &format!("{key}.image"),
                    "a picture file on the kiosk, as an absolute path (pictures from the web: use a feed's messages)",
                );
                None
            } else {
                Some(crate::feed::ImageRef::File(file.to_path_buf()))
            }
        });
        let url = m
            .url
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        let https = url.starts_with("https://") && reqwest::Url::parse(&url).is_ok();
        if !url.is_empty() && !https {
            self.push(&format!("{key}.url"), "must be an https:// web address");
        }
        Message {
            id,
            title: self.localized(&format!("{key}.title"), &m.title),
            body: m
                .body
                .as_ref()
                .map(|b| self.localized(&format!("{key}.body"), b))
                .unwrap_or_default(),
            window,
            image,
            url,
            priority,
            kiosks: None,
        }
    }

    fn localized(&mut self, key: &str, raw: &RawLocalized) -> Localized {
        match raw {
            RawLocalized::Plain(text) => Localized::new(text.trim()),
            RawLocalized::Table(table) => {
                let mut out = Localized::default();
                for (code, text) in table {
                    match Lang::parse(code) {
                        Some(lang) => out = out.with(lang, text.trim()),
                        None => self.push(&format!("{key}.{code}"), "unknown language"),
                    }
                }
                if out.get(Lang::Nl).is_empty() {
                    self.push(&format!("{key}.nl"), "the Dutch text is required");
                }
                out
            }
        }
    }
}

impl Config {
    pub(super) fn validate(raw: RawConfig) -> Result<Config, Vec<String>> {
        let defaults = Config::default();
        let mut p = Problems(Vec::new());

        let kiosk_id = match raw.kiosk_id {
            None => defaults.kiosk_id.clone(),
            Some(id) => {
                if !is_kiosk_id(&id) {
                    p.push("kiosk_id", KIOSK_ID_RULE);
                }
                id
            }
        };
        let campaign_name = match &raw.campaign_name {
            None => defaults.campaign_name.clone(),
            Some(r) => p.localized("campaign_name", r),
        };
        let languages = match raw.languages {
            None => defaults.languages.clone(),
            Some(codes) => {
                let mut langs = Vec::new();
                for (i, code) in codes.iter().enumerate() {
                    match Lang::parse(code) {
                        Some(l) if !langs.contains(&l) => langs.push(l),
                        Some(_) => p.push(&format!("languages[{i}]"), "listed twice"),
                        None => p.push(
                            &format!("languages[{i}]"),
                            format!("'{code}' is not a supported language (nl, en, tr, pl)"),
                        ),
                    }
                }
                if langs.is_empty() {
                    p.push("languages", "list at least one language");
                    langs.push(Lang::Nl);
                }
                langs
            }
        };
        let default_language = match raw.default_language {
            None => languages.first().copied().unwrap_or(Lang::Nl),
            Some(code) => match Lang::parse(&code) {
                Some(l) if languages.contains(&l) => l,
                Some(_) => {
                    p.push("default_language", "must be one of `languages`");
                    Lang::Nl
                }
                None => {
                    p.push(
                        "default_language",
                        format!("'{code}' is not a supported language"),
                    );
                    Lang::Nl
                }
            },
        };

        let s = raw.signage.unwrap_or_default();
        let messages = match &s.messages {
            None => defaults.signage.messages.clone(),
            Some(list) => {
                let mut ids = std::collections::HashSet::new();
                list.iter()
                    .enumerate()
                    .map(|(i, m)| p.message(i, m, &mut ids))
                    .collect()
            }
        };
        let signage = SignageConfig {
            slide_seconds: p.range("signage.slide_seconds", s.slide_seconds, 3, 600, 10),
            fade_ms: p.range("signage.fade_ms", s.fade_ms, 0, 2000, 400),
            help_every: p.range("signage.help_every", s.help_every, 0, 100, 7),
            messages,
        };

        let se = raw.session.unwrap_or_default();
        let session = SessionConfig {
            inactivity_seconds: p.range(
                "session.inactivity_seconds",
                se.inactivity_seconds,
                20,
                3600,
                60,
            ),
            // WCAG 2.2.1: at least 20 seconds to answer "Bent u er nog?".
            warning_seconds: p.range("session.warning_seconds", se.warning_seconds, 20, 300, 30),
        };

        let helplines = match raw.helplines {
            None => defaults.helplines.clone(),
            Some(list) => {
                if list.is_empty() {
                    p.push(
                        "helplines",
                        "list at least one helpline (or leave the key out for the defaults)",
                    );
                }
                list.iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let number = p.localized(&format!("helplines[{i}].number"), &h.number);
                        if number.get(Lang::Nl).is_empty() {
                            p.push(&format!("helplines[{i}].number"), "is empty");
                        }
                        Helpline {
                            name: p.localized(&format!("helplines[{i}].name"), &h.name),
                            number,
                            detail: h
                                .detail
                                .as_ref()
                                .map(|d| p.localized(&format!("helplines[{i}].detail"), d))
                                .unwrap_or_default(),
                        }
                    })
                    .collect()
            }
        };

        let feeds = raw
            .feeds
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let url = f.url.trim().to_string();
                if url.is_empty() {
                    p.push(&format!("feeds[{i}].url"), "is empty");
                } else if url.contains("://")
                    && !(url.starts_with("http://")
                        || url.starts_with("https://")
                        || url.starts_with("file://"))
                {
                    p.push(
                        &format!("feeds[{i}].url"),
                        "not a URL (use https://... or a file path)",
                    );
                }
                let refresh = match f.refresh.as_deref() {
                    None => std::time::Duration::from_secs(15 * 60),
                    Some(text) => match parse_duration(text) {
                        Some(d) if d.as_secs() >= 1 && d.as_secs() <= 7 * 86_400 => d,
                        _ => {
                            p.push(
                                &format!("feeds[{i}].refresh"),
                                format!("'{text}' is not a duration like \"15m\" (1s to 7d)"),
                            );
                            std::time::Duration::from_secs(15 * 60)
                        }
                    },
                };
                FeedConfig {
                    // Without a name, the URL without its query (which may hold a token)
                    // names the source in logs and status.
                    name: f.name.unwrap_or_else(|| crate::fetch::loggable(&url)),
                    url,
                    refresh,
                    categories: f
                        .categories
                        .unwrap_or_default()
                        .iter()
                        .map(|c| c.trim().to_lowercase())
                        .collect(),
                    location_contains: f.location_contains.filter(|l| !l.trim().is_empty()),
                    image_hosts: f
                        .image_hosts
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .filter_map(|(j, h)| {
                            let host = h.trim().to_ascii_lowercase();
                            let ok = !host.is_empty()
                                && host.len() <= 253
                                && host.chars().all(|c| {
                                    c.is_ascii_alphanumeric() || c == '.' || c == '-'
                                });
                            if !ok {
                                p.push(
                                    &format!("feeds[{i}].image_hosts[{j}]"),
                                    "a host name only, like \"cdn.example.org\" (no scheme, port or path)",
                                );
                            }
                            ok.then_some(host)
                        })
                        .collect(),
                    http_links: f.http_links.unwrap_or(false),
                    urgent_allowed: f.urgent_allowed.unwrap_or(false),
                }
            })
            .collect();

        let c = raw.callback.unwrap_or_default();
        let webhook = c.webhook.map(|w| {
            let url = w.url.trim().to_string();
            check_secure_url(&mut p, "callback.webhook.url", &url);
            crate::callback::delivery::Webhook {
                url,
                secret: p.secret("callback.webhook", w.secret, w.secret_file),
            }
        });
        let email = c.email.map(|e| {
            let host = e.smtp_host.trim().to_string();
            let local = host == "127.0.0.1" || host == "localhost" || host == "::1";
            let starttls = e.starttls.unwrap_or(true);
            if !starttls && !local {
                p.push(
                    "callback.email.starttls",
                    "may only be false for a server on this machine",
                );
            }
            let password = match (e.password, e.password_file) {
                (Some(pw), None) => Some(crate::signing::Secret::new(pw)),
                (None, Some(file)) => match read_secret_file(&file) {
                    Ok(pw) => Some(crate::signing::Secret::new(pw.trim())),
                    Err(err) => {
                        p.push(
                            "callback.email.password_file",
                            format!("cannot read {file}: {err}"),
                        );
                        None
                    }
                },
                (None, None) => None,
                (Some(_), Some(_)) => {
                    p.push(
                        "callback.email",
                        "give at most one of password and password_file",
                    );
                    None
                }
            };
            for (key, value) in [("from", &e.from), ("to", &e.to)] {
                if value.parse::<lettre::Address>().is_err()
                    && value.parse::<lettre::message::Mailbox>().is_err()
                {
                    p.push(&format!("callback.email.{key}"), "not an e-mail address");
                }
            }
            crate::callback::email::EmailChannel {
                host,
                port: p.range("callback.email.smtp_port", e.smtp_port, 1, 65535, 587) as u16,
                starttls,
                username: e.username,
                password,
                from: e.from,
                to: e.to,
            }
        });
        let channel = match (webhook, email) {
            (Some(w), _) => Some(crate::callback::delivery::Channel::Webhook(w)),
            (None, Some(e)) => Some(crate::callback::delivery::Channel::Email(e)),
            (None, None) => None,
        };
        let callback = CallbackConfig {
            intake_name: c.intake_name.unwrap_or(defaults.callback.intake_name),
            intake_phone: c.intake_phone.unwrap_or(defaults.callback.intake_phone),
            call_within_days: p.range("callback.call_within_days", c.call_within_days, 1, 30, 2),
            retry_first: std::time::Duration::from_secs(u64::from(p.range(
                "callback.retry_first_seconds",
                c.retry_first_seconds,
                1,
                600,
                5,
            ))),
            retry_max: std::time::Duration::from_secs(u64::from(p.range(
                "callback.retry_max_seconds",
                c.retry_max_seconds,
                10,
                900,
                900,
            ))),
            channel,
            max_age_days: p.range("callback.max_age_days", c.max_age_days, 1, 60, 14),
            demo: c.demo.unwrap_or(false),
        };

        let remote = raw.remote.map(|r| {
            check_secure_url(&mut p, "remote.url", &r.url);
            let public_key = r.public_key.trim().to_string();
            if minisign_verify::PublicKey::from_base64(&public_key).is_err() {
                p.push(
                    "remote.public_key",
                    "not a minisign public key (the base64 line of minisign.pub, RW...)",
                );
            }
            RemoteConfig {
                url: r.url.trim().to_string(),
                public_key,
                poll_interval: p.duration(
                    "remote.poll_interval",
                    r.poll_interval.as_deref(),
                    (1, 86_400),
                    300,
                ),
            }
        });
        let heartbeat = raw.heartbeat.map(|h| {
            check_secure_url(&mut p, "heartbeat.url", &h.url);
            let secret = match (h.secret, h.secret_file) {
                (None, None) => None,
                (secret, file) => Some(p.secret("heartbeat", secret, file)),
            };
            let style = match h.style.as_deref() {
                None => HeartbeatStyle::Json,
                Some(text) => HeartbeatStyle::parse(text).unwrap_or_else(|| {
                    p.push(
                        "heartbeat.style",
                        format!("'{text}': use \"json\", \"uptime-kuma\" or \"healthchecks\""),
                    );
                    HeartbeatStyle::Json
                }),
            };
            let screenshot = h.screenshot.unwrap_or(false);
            if screenshot && style != HeartbeatStyle::Json {
                p.push(
                    "heartbeat.screenshot",
                    "only a style = \"json\" heartbeat can carry a screenshot",
                );
            }
            HeartbeatConfig {
                url: h.url.trim().to_string(),
                interval: p.duration(
                    "heartbeat.interval",
                    h.interval.as_deref(),
                    (10, 86_400),
                    300,
                ),
                secret,
                style,
                screenshot,
            }
        });
        let no_touch_days = p.range(
            "health.no_touch_days",
            raw.health.and_then(|h| h.no_touch_days),
            0,
            60,
            3,
        );
        let schedule = match raw.schedule {
            None => crate::schedule::Schedule::always(),
            Some(s) => {
                let days = [
                    s.monday.as_deref(),
                    s.tuesday.as_deref(),
                    s.wednesday.as_deref(),
                    s.thursday.as_deref(),
                    s.friday.as_deref(),
                    s.saturday.as_deref(),
                    s.sunday.as_deref(),
                ];
                match crate::schedule::Schedule::parse(days, &s.exceptions.unwrap_or_default()) {
                    Ok(schedule) => schedule,
                    Err(problems) => {
                        for (key, reason) in problems {
                            p.push(&format!("schedule.{key}"), reason);
                        }
                        crate::schedule::Schedule::always()
                    }
                }
            }
        };
        let admin_pin_hash = raw.admin.and_then(|a| a.pin_hash).map(|hash| {
            let hash = hash.trim().to_string();
            if !crate::admin::is_pin_hash(&hash) {
                p.push(
                    "admin.pin_hash",
                    "not an Argon2 hash (make one with `samen-kiosk admin hash-pin`)",
                );
            }
            hash
        });

        let high_contrast = match raw.theme.as_deref().map(str::trim) {
            None | Some("normal") => false,
            Some("high-contrast") => true,
            Some(other) => {
                p.push(
                    "theme",
                    format!("'{other}': use \"normal\" or \"high-contrast\""),
                );
                false
            }
        };
        let private_output = raw
            .speech
            .and_then(|s| s.private_output)
            .and_then(|device| {
                let device = device.trim().to_string();
                if crate::speech::is_alsa_device(&device) {
                    Some(device)
                } else {
                    p.push(
                        "speech.private_output",
                        "not an ALSA device name (like \"plughw:CARD=Headphones\"; `aplay -L` lists them)",
                    );
                    None
                }
            });
        let display_width_mm = p.range(
            "display.width_mm",
            raw.display.and_then(|d| d.width_mm),
            50,
            5000,
            154,
        );

        if !p.0.is_empty() {
            return Err(p.0);
        }
        Ok(Config {
            kiosk_id,
            campaign_name,
            default_language,
            languages,
            signage,
            session,
            helplines,
            feeds,
            callback,
            remote,
            heartbeat,
            no_touch_days,
            schedule,
            admin_pin_hash,
            config_version: None,
            display_width_mm,
            high_contrast,
            private_output,
        })
    }
}

/// A secret or password file: a regular file of at most 4 KiB.
fn read_secret_file(file: &str) -> std::io::Result<String> {
    crate::files::read_regular_text(Path::new(file), crate::files::MAX_SECRET_BYTES)
}

/// https, or plain http only to this very machine (tests, a local relay): decided on
/// the parsed host, never on how the text starts.
fn check_secure_url(p: &mut Problems, key: &str, url: &str) {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) => {
            let loopback = matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
            let ok = u.scheme() == "https" || (u.scheme() == "http" && loopback);
            if !ok || !u.username().is_empty() || u.password().is_some() {
                p.push(key, "must be https:// (plain http only to this machine)");
            }
        }
        Err(_) => p.push(key, "not a URL"),
    }
}
