//! Configuration in two stages: `Raw*` serde structs that mirror the TOML with every
//! field optional, then one validated [`Config`] with the defaults applied. An invalid
//! value is reported with its key path (`signage.slide_seconds: ...`) and the whole
//! document is refused, so a kiosk never runs half-configured.
//!
//! This module knows nothing about Slint, the network or the disk layout.

use crate::i18n::Lang;
use std::path::Path;

pub use crate::i18n::Localized;

mod fleet;
mod raw;
mod validate;

use fleet::{key_path, line_of, parse_table, path_text, remove_path};
pub use fleet::{FleetDoc, MAX_VERSION};
use raw::RawConfig;

/// A campaign message: text, and optionally a schedule, a picture, a link and a
/// priority (`crate::messages`).
pub use crate::messages::{Message, Priority};

#[derive(Debug, Clone, PartialEq)]
pub struct Helpline {
    pub name: Localized,
    pub number: Localized,
    pub detail: Localized,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignageConfig {
    pub slide_seconds: u32,
    pub fade_ms: u32,
    /// Every n-th slide is the help slide; 0 never shows it.
    pub help_every: u32,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    pub inactivity_seconds: u32,
    pub warning_seconds: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    /// An http(s) URL or a local path.
    pub url: String,
    pub name: String,
    pub refresh: std::time::Duration,
    pub categories: Vec<String>,
    pub location_contains: Option<String>,
    /// Hosts besides the feed's own folder that pictures may come from
    /// (`feed_policy`); lower case, no scheme or path.
    pub image_hosts: Vec<String>,
    /// Plain `http://` activity links become QR codes too (default: only https).
    pub http_links: bool,
    /// The feed's `messages` may be urgent (pre-empt the rotation). Feeds are not
    /// signed; this setting is (in the fleet document).
    pub urgent_allowed: bool,
}

impl FeedConfig {
    pub fn is_http(&self) -> bool {
        self.url.starts_with("http://") || self.url.starts_with("https://")
    }
}

/// Parses durations as written in configuration: "30s", "15m", "1h", "1d".
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackConfig {
    pub intake_name: String,
    pub intake_phone: String,
    pub call_within_days: u32,
    pub retry_first: std::time::Duration,
    pub retry_max: std::time::Duration,
    /// Where requests are delivered: the webhook, else e-mail. Without either the
    /// kiosk does not offer "Bel mij terug" (unless `demo`): nobody would call.
    pub channel: Option<crate::callback::delivery::Channel>,
    /// Requests not delivered within this many days are erased (count kept).
    pub max_age_days: u32,
    /// The form works but stores and sends nothing, and the thank-you says so.
    pub demo: bool,
}

impl CallbackConfig {
    /// Whether the screens offer "Bel mij terug": only when a request can reach
    /// someone, or as a demonstration that says so.
    pub fn offered(&self) -> bool {
        self.channel.is_some() || self.demo
    }
}

/// Where the fleet document comes from and who must have signed it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteConfig {
    pub url: String,
    /// The minisign public key, base64 (the second line of `minisign.pub`).
    pub public_key: String,
    pub poll_interval: std::time::Duration,
}

impl RemoteConfig {
    /// The signature's URL: the document's with `.minisig` added to the path.
    pub fn signature_url(&self) -> String {
        match reqwest::Url::parse(&self.url) {
            Ok(mut u) => {
                let path = format!("{}.minisig", u.path());
                u.set_path(&path);
                u.to_string()
            }
            Err(_) => format!("{}.minisig", self.url),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeartbeatConfig {
    pub url: String,
    pub interval: std::time::Duration,
    /// Signs the body like callback webhooks (`X-Samen-Signature` and the Standard
    /// Webhooks headers); optional because push monitors do not check it.
    pub secret: Option<crate::signing::Secret>,
    /// What the receiver understands (`style`, default `json`).
    pub style: HeartbeatStyle,
    /// `screenshot = true`: a small picture of signage or the dark screen goes with a
    /// `json` heartbeat.
    pub screenshot: bool,
}

/// `[heartbeat] style`: how the kiosk tells the receiver how it is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeartbeatStyle {
    /// POST the signed status object with its health (samen-hub, your own endpoint).
    #[default]
    Json,
    /// GET the push URL with `status=up|down` and `msg` (Uptime Kuma's push monitor).
    UptimeKuma,
    /// POST the URL when ok, `URL/fail` with the reasons when degraded (Healthchecks).
    Healthchecks,
}

impl HeartbeatStyle {
    pub fn parse(text: &str) -> Option<HeartbeatStyle> {
        match text.trim() {
            "json" => Some(HeartbeatStyle::Json),
            "uptime-kuma" => Some(HeartbeatStyle::UptimeKuma),
            "healthchecks" => Some(HeartbeatStyle::Healthchecks),
            _ => None,
        }
    }
}

/// The validated configuration: every value here is usable as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub kiosk_id: String,
    pub campaign_name: Localized,
    pub default_language: Lang,
    pub languages: Vec<Lang>,
    pub signage: SignageConfig,
    pub session: SessionConfig,
    pub helplines: Vec<Helpline>,
    /// Empty: the bundled example feed is shown.
    pub feeds: Vec<FeedConfig>,
    pub callback: CallbackConfig,
    /// Only from the kiosk's own file.
    pub remote: Option<RemoteConfig>,
    pub heartbeat: Option<HeartbeatConfig>,
    /// `[health] no_touch_days`: degraded after this many opening days without a
    /// touch (a dead touch panel); 0 turns the check off. Default 3.
    pub no_touch_days: u32,
    pub schedule: crate::schedule::Schedule,
    /// Argon2 PHC string; without it the admin screen cannot be opened.
    pub admin_pin_hash: Option<String>,
    /// The `version` of the fleet document this configuration includes, if any.
    pub config_version: Option<i64>,
    /// The screen's visible width in millimetres (touch targets are checked against
    /// 9 mm with it). Default: a 7-inch 800x480 panel, 154 mm.
    pub display_width_mm: u32,
    /// `theme = "high-contrast"`: every visit (and signage) starts in high contrast.
    pub high_contrast: bool,
    /// `[speech] private_output`: an ALSA device only the visitor hears (a headset on
    /// a jack that cannot detect a plug). Speech always goes there, and the visitor
    /// can have what they typed read back (`docs/accessibility.md`).
    pub private_output: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The message carries the I/O error's words; it is not a `source` as well, so
    /// that `{:#}` does not say them twice.
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: {}", .problems.join("; "))]
    Invalid { path: String, problems: Vec<String> },
}

impl ConfigError {
    /// Every problem on its own line, for `config check`.
    pub fn problems(&self) -> Vec<String> {
        match self {
            ConfigError::Invalid { problems, .. } => problems.clone(),
            other => vec![other.to_string()],
        }
    }
}

pub fn default_messages() -> Vec<Message> {
    vec![
        Message {
            id: "samen-is-leuker".into(),
            priority: Priority::Normal,
            window: Default::default(),
            image: None,
            url: String::new(),
            kiosks: None,
            title: Localized::new("Samen is leuker!")
                .with(Lang::En, "Together is better!")
                .with(Lang::Tr, "Birlikte daha güzel!")
                .with(Lang::Pl, "Razem raźniej!"),
            body: Localized::new(
                "Er is veel te doen in Hilversum. Kom langs, ook als u niemand kent.",
            )
            .with(
                Lang::En,
                "There is a lot to do in Hilversum. Come along, even if you don't know anyone.",
            )
            .with(
                Lang::Tr,
                "Hilversum'da yapacak çok şey var. Kimseyi tanımasanız da gelin.",
            )
            .with(
                Lang::Pl,
                "W Hilversum dużo się dzieje. Zapraszamy także osoby, które nikogo nie znają.",
            ),
        },
        Message {
            id: "even-een-praatje".into(),
            priority: Priority::Normal,
            window: Default::default(),
            image: None,
            url: String::new(),
            kiosks: None,
            title: Localized::new("Even een praatje?")
                .with(Lang::En, "Fancy a chat?")
                .with(Lang::Tr, "Biraz sohbet etmek ister misiniz?")
                .with(Lang::Pl, "Może chwila rozmowy?"),
            body: Localized::new(
                "Een kopje koffie, een wandeling, samen eten. Kijk wat er vandaag is.",
            )
            .with(
                Lang::En,
                "A cup of coffee, a walk, a shared meal. See what is on today.",
            )
            .with(
                Lang::Tr,
                "Bir fincan kahve, bir yürüyüş, birlikte yemek. Bugün neler var, bakın.",
            )
            .with(
                Lang::Pl,
                "Kawa, spacer, wspólny posiłek. Proszę zobaczyć, co jest dzisiaj.",
            ),
        },
        Message {
            id: "kijk-om-naar-elkaar".into(),
            priority: Priority::Normal,
            window: Default::default(),
            image: None,
            url: String::new(),
            kiosks: None,
            title: Localized::new("Kijk om naar elkaar")
                .with(Lang::En, "Look out for each other")
                .with(Lang::Tr, "Birbirimize göz kulak olalım")
                .with(Lang::Pl, "Troszczmy się o siebie nawzajem"),
            body: Localized::new(
                "Kent u iemand die vaak alleen is? Vraag of hij of zij mee wil doen.",
            )
            .with(
                Lang::En,
                "Do you know someone who is often alone? Ask them to come along.",
            )
            .with(
                Lang::Tr,
                "Sık sık yalnız kalan birini tanıyor musunuz? Onu da davet edin.",
            )
            .with(
                Lang::Pl,
                "Czy zna Pan/Pani kogoś, kto często bywa sam? Proszę zaprosić tę osobę.",
            ),
        },
    ]
}

pub fn default_helplines() -> Vec<Helpline> {
    vec![
        Helpline {
            name: Localized::new("De Luisterlijn"),
            number: Localized::new("088 0767 000"),
            detail: Localized::new("Dag en nacht. U kunt anoniem bellen of chatten.")
                .with(Lang::En, "Day and night. You can call or chat anonymously.")
                .with(
                    Lang::Tr,
                    "Gece gündüz açık. Adınızı vermeden arayabilir ya da yazışabilirsiniz.",
                )
                .with(
                    Lang::Pl,
                    "Przez całą dobę. Można dzwonić lub pisać na czacie anonimowo.",
                ),
        },
        Helpline {
            name: Localized::new("113 Zelfmoordpreventie")
                .with(Lang::En, "113 Suicide Prevention")
                .with(Lang::Tr, "113 Zelfmoordpreventie (intihar önleme hattı)")
                .with(
                    Lang::Pl,
                    "113 Zelfmoordpreventie (zapobieganie samobójstwom)",
                ),
            number: Localized::new("113 of 0800-0113 (gratis)")
                .with(Lang::En, "113 or 0800-0113 (free)")
                .with(Lang::Tr, "113 veya 0800-0113 (ücretsiz)")
                .with(Lang::Pl, "113 lub 0800-0113 (bezpłatnie)"),
            detail: Localized::new("Dag en nacht. Chatten kan op 113.nl.")
                .with(
                    Lang::En,
                    "Day and night. Chat at 113.nl. 0800-0113 is free.",
                )
                .with(
                    Lang::Tr,
                    "Gece gündüz açık. 113.nl sitesinde yazışabilirsiniz.",
                )
                .with(Lang::Pl, "Przez całą dobę. Czat na stronie 113.nl."),
        },
    ]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            kiosk_id: "kiosk".into(),
            campaign_name: Localized::new("Samen is leuker!")
                .with(Lang::En, "Together is better!")
                .with(Lang::Tr, "Birlikte daha güzel!")
                .with(Lang::Pl, "Razem raźniej!"),
            default_language: Lang::Nl,
            languages: Lang::ALL.to_vec(),
            signage: SignageConfig {
                slide_seconds: 10,
                fade_ms: 400,
                help_every: 7,
                messages: default_messages(),
            },
            session: SessionConfig {
                inactivity_seconds: 60,
                warning_seconds: 30,
            },
            helplines: default_helplines(),
            feeds: Vec::new(),
            callback: CallbackConfig {
                intake_name: "Versa Welzijn".into(),
                intake_phone: "035 623 1100".into(),
                call_within_days: 2,
                retry_first: std::time::Duration::from_secs(5),
                retry_max: std::time::Duration::from_secs(900),
                channel: None,
                max_age_days: 14,
                demo: false,
            },
            remote: None,
            heartbeat: None,
            no_touch_days: 3,
            schedule: crate::schedule::Schedule::always(),
            admin_pin_hash: None,
            config_version: None,
            display_width_mm: 154,
            high_contrast: false,
            private_output: None,
        }
    }
}

impl Config {
    /// Reads and validates a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::files::read_regular_text(path, crate::files::MAX_CONFIG_BYTES).map_err(
            |error| ConfigError::Read {
                path: path.display().to_string(),
                error,
            },
        )?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and validates TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let mut table = parse_table(text, origin)?;
        // Every problem, not only the first: a key of the wrong type (or unknown) is
        // reported and left out, and the rest is read again, then checked.
        let first_line = toml::from_str::<RawConfig>(text)
            .err()
            .and_then(|e| e.span())
            .map(|s| format!(" (at line {})", line_of(text, s.start)))
            .unwrap_or_default();
        let mut problems = Vec::new();
        let raw = loop {
            match toml::Value::Table(table.clone()).try_into::<RawConfig>() {
                Ok(raw) => break Some(raw),
                Err(e) => {
                    let message = e.message().trim().to_string();
                    let path = key_path(&table, &message);
                    let at = if problems.is_empty() {
                        first_line.as_str()
                    } else {
                        ""
                    };
                    let named = path_text(&path);
                    // A key left out above now counts as missing: not a new problem.
                    let consequence = message
                        .strip_prefix("missing field `")
                        .and_then(|m| m.strip_suffix('`'))
                        .is_some_and(|field| {
                            let full = if named.is_empty() {
                                field.to_string()
                            } else {
                                format!("{named}.{field}")
                            };
                            problems
                                .iter()
                                .any(|p: &String| p.starts_with(&format!("{full}: ")))
                        });
                    if !consequence {
                        problems.push(if named.is_empty() {
                            format!("{message}{at}")
                        } else {
                            format!("{named}: {message}{at}")
                        });
                    }
                    if problems.len() >= MAX_PROBLEMS || !remove_path(&mut table, &path) {
                        break None;
                    }
                }
            }
        };
        match raw.map(Config::validate) {
            Some(Ok(config)) if problems.is_empty() => Ok(config),
            Some(Err(more)) => {
                problems.extend(more);
                Err(ConfigError::Invalid {
                    path: origin.to_string(),
                    problems,
                })
            }
            _ => Err(ConfigError::Invalid {
                path: origin.to_string(),
                problems,
            }),
        }
    }
}

/// `config check` names at most this many problems of one file.
const MAX_PROBLEMS: usize = 50;

#[cfg(test)]
mod tests;
