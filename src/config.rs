//! Configuration in two stages: `Raw*` serde structs that mirror the TOML with every
//! field optional, then one validated [`Config`] with the defaults applied. An invalid
//! value is reported with its key path (`signage.slide_seconds: ...`) and the whole
//! document is refused, so a kiosk never runs half-configured.
//!
//! This module knows nothing about Slint, the network or the disk layout.

use crate::i18n::Lang;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Text in one or more languages. In TOML either a plain string (Dutch, used for every
/// language) or a table: `{ nl = "...", en = "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    nl: String,
    others: BTreeMap<Lang, String>,
}

impl Localized {
    pub fn new(nl: impl Into<String>) -> Self {
        Self {
            nl: nl.into(),
            others: BTreeMap::new(),
        }
    }

    pub fn with(mut self, lang: Lang, text: impl Into<String>) -> Self {
        if lang == Lang::Nl {
            self.nl = text.into();
        } else {
            self.others.insert(lang, text.into());
        }
        self
    }

    /// The text in `lang`, falling back to Dutch (the source language).
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.nl,
            other => self
                .others
                .get(&other)
                .map(String::as_str)
                .unwrap_or(&self.nl),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nl.is_empty() && self.others.values().all(String::is_empty)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawLocalized {
    Plain(String),
    Table(BTreeMap<String, String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    kiosk_id: Option<String>,
    campaign_name: Option<RawLocalized>,
    default_language: Option<String>,
    languages: Option<Vec<String>>,
    signage: Option<RawSignage>,
    session: Option<RawSession>,
    helplines: Option<Vec<RawHelpline>>,
    feeds: Option<Vec<RawFeed>>,
    callback: Option<RawCallback>,
    remote: Option<RawRemote>,
    heartbeat: Option<RawHeartbeat>,
    schedule: Option<RawSchedule>,
    admin: Option<RawAdmin>,
    display: Option<RawDisplay>,
    /// "normal" or "high-contrast": the colours every visit starts with.
    theme: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    width_mm: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRemote {
    url: String,
    public_key: String,
    poll_interval: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeartbeat {
    url: String,
    interval: Option<String>,
    secret: Option<String>,
    secret_file: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    monday: Option<String>,
    tuesday: Option<String>,
    wednesday: Option<String>,
    thursday: Option<String>,
    friday: Option<String>,
    saturday: Option<String>,
    sunday: Option<String>,
    exceptions: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    pin_hash: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignage {
    slide_seconds: Option<i64>,
    fade_ms: Option<i64>,
    help_every: Option<i64>,
    messages: Option<Vec<RawMessage>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    title: RawLocalized,
    body: Option<RawLocalized>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    inactivity_seconds: Option<i64>,
    warning_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHelpline {
    name: RawLocalized,
    /// The number as people should dial it, e.g. "113 of 0800-0113 (gratis)".
    number: RawLocalized,
    detail: Option<RawLocalized>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: String,
    name: Option<String>,
    /// How often to fetch, e.g. "15m", "1h", "30s".
    refresh: Option<String>,
    /// Categories given to this source's activities that have none.
    categories: Option<Vec<String>>,
    /// Only activities whose place or address contains this text.
    location_contains: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallback {
    intake_name: Option<String>,
    intake_phone: Option<String>,
    /// Working days within which the intake calls back (shown to the visitor).
    call_within_days: Option<i64>,
    /// Seconds before the first retry of a failed delivery (doubles each time).
    retry_first_seconds: Option<i64>,
    /// The longest wait between tries (seconds, at most 900).
    retry_max_seconds: Option<i64>,
    webhook: Option<RawWebhook>,
    email: Option<RawEmail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    smtp_host: String,
    smtp_port: Option<i64>,
    starttls: Option<bool>,
    username: Option<String>,
    password: Option<String>,
    password_file: Option<String>,
    from: String,
    to: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    url: String,
    secret: Option<String>,
    secret_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub title: Localized,
    pub body: Localized,
}

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
    /// Where requests are delivered: the webhook, else e-mail; without either they
    /// wait in the outbox.
    pub channel: Option<crate::callback::delivery::Channel>,
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
    /// Signs the body like callback webhooks (`X-Samen-Signature`); optional because
    /// push monitors do not check it.
    pub secret: Option<crate::callback::delivery::Secret>,
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
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
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
            },
            remote: None,
            heartbeat: None,
            schedule: crate::schedule::Schedule::always(),
            admin_pin_hash: None,
            config_version: None,
            display_width_mm: 154,
            high_contrast: false,
        }
    }
}

struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, key: &str, reason: impl std::fmt::Display) {
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

    /// Exactly one of `secret` and `secret_file`, at least 16 characters.
    fn secret(
        &mut self,
        key: &str,
        secret: Option<String>,
        file: Option<String>,
    ) -> crate::callback::delivery::Secret {
        let secret = match (secret, file) {
            (Some(s), None) => s,
            (None, Some(file)) => match std::fs::read_to_string(&file) {
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
        crate::callback::delivery::Secret::new(secret)
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
    /// Reads and validates a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and validates TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let table = parse_table(text, origin)?;
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| format!(" (at line {})", line_of(text, s.start)))
                .unwrap_or_default();
            let message = e.message().trim().to_string();
            ConfigError::Invalid {
                path: origin.to_string(),
                problems: vec![format!("{}{at}", with_key_path(&table, &message))],
            }
        })?;
        Config::validate(raw).map_err(|problems| ConfigError::Invalid {
            path: origin.to_string(),
            problems,
        })
    }

    /// The kiosk's configuration: built-in defaults < the fleet document's values <
    /// its `[kiosks.<kiosk_id>]` values < the local file. The local file must be valid
    /// on its own; the result of the layering is validated once more as a whole.
    pub fn layered(
        local_text: &str,
        origin: &str,
        fleet: Option<&FleetDoc>,
    ) -> Result<Config, ConfigError> {
        let local = Config::parse(local_text, origin)?;
        let Some(fleet) = fleet else {
            return Ok(local);
        };
        let local_table = parse_table(local_text, origin)?;
        let mut merged = fleet.fleet.clone();
        if let Some(own) = fleet.kiosks.get(&local.kiosk_id) {
            merge(&mut merged, own.clone());
        }
        merge(&mut merged, local_table);
        let origin = format!("{origin} with fleet document version {}", fleet.version);
        let raw = raw_from(merged).map_err(|message| ConfigError::Invalid {
            path: origin.clone(),
            problems: vec![message],
        })?;
        let mut config = Config::validate(raw).map_err(|problems| ConfigError::Invalid {
            path: origin.clone(),
            problems,
        })?;
        config.config_version = Some(fleet.version);
        Ok(config)
    }

    fn validate(raw: RawConfig) -> Result<Config, Vec<String>> {
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
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, m)| Message {
                    title: p.localized(&format!("signage.messages[{i}].title"), &m.title),
                    body: m
                        .body
                        .as_ref()
                        .map(|b| p.localized(&format!("signage.messages[{i}].body"), b))
                        .unwrap_or_default(),
                })
                .collect(),
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
                    name: f
                        .name
                        .unwrap_or_else(|| crate::feed_service::loggable(&url)),
                    url,
                    refresh,
                    categories: f
                        .categories
                        .unwrap_or_default()
                        .iter()
                        .map(|c| c.trim().to_lowercase())
                        .collect(),
                    location_contains: f.location_contains.filter(|l| !l.trim().is_empty()),
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
                (Some(pw), None) => Some(crate::callback::delivery::Secret::new(pw)),
                (None, Some(file)) => match std::fs::read_to_string(&file) {
                    Ok(pw) => Some(crate::callback::delivery::Secret::new(pw.trim())),
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
            HeartbeatConfig {
                url: h.url.trim().to_string(),
                interval: p.duration(
                    "heartbeat.interval",
                    h.interval.as_deref(),
                    (10, 86_400),
                    300,
                ),
                secret,
            }
        });
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
            schedule,
            admin_pin_hash,
            config_version: None,
            display_width_mm,
            high_contrast,
        })
    }
}

/// A fleet document: the schema of the local file plus a top-level `version` and
/// `[kiosks.<kiosk_id>]` tables with values for one kiosk only.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetDoc {
    pub version: i64,
    fleet: toml::Table,
    kiosks: BTreeMap<String, toml::Table>,
}

const KIOSK_ID_RULE: &str = "use 1 to 64 letters, digits, '-' or '_'";

/// Whether `id` may be a `kiosk_id` (and so a `[kiosks.<kiosk_id>]` name).
fn is_kiosk_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Keys that only the kiosk's own file may set: who it is and whom it trusts.
const LOCAL_ONLY: [&str; 2] = ["kiosk_id", "remote"];

impl FleetDoc {
    /// Parses and validates a fleet document: the fleet values and every kiosk's
    /// values must each be valid on their own, or the whole document is refused.
    pub fn parse(text: &str, origin: &str) -> Result<FleetDoc, ConfigError> {
        let mut table = parse_table(text, origin)?;
        let mut p = Problems(Vec::new());
        let version = match table.remove("version") {
            Some(toml::Value::Integer(v)) if v >= 1 => v,
            Some(_) => {
                p.push("version", "must be a whole number, 1 or more");
                0
            }
            None => {
                p.push("version", "is required in a fleet document");
                0
            }
        };
        let mut kiosks = BTreeMap::new();
        match table.remove("kiosks") {
            None => {}
            Some(toml::Value::Table(all)) => {
                for (id, value) in all {
                    if !is_kiosk_id(&id) {
                        // No kiosk can have this id, so these values would never apply.
                        p.push(
                            &format!("kiosks.{id}"),
                            format!("no kiosk can have this id: {KIOSK_ID_RULE}"),
                        );
                    }
                    match value {
                        toml::Value::Table(own) => {
                            kiosks.insert(id, own);
                        }
                        _ => p.push(&format!("kiosks.{id}"), "must be a table"),
                    }
                }
            }
            Some(_) => p.push("kiosks", "must hold [kiosks.<kiosk_id>] tables"),
        }
        // The fleet values on their own, then each kiosk's values on top of them (so a
        // kiosk may set just `[kiosks.x.heartbeat] interval`); a problem a kiosk's table
        // adds is reported under its key path.
        let problems_of = |layer: &toml::Table| -> Vec<String> {
            match raw_from(layer.clone()) {
                Err(message) => vec![message],
                Ok(raw) => Config::validate(raw).err().unwrap_or_default(),
            }
        };
        let fleet_problems = problems_of(&table);
        p.0.extend(fleet_problems.iter().cloned());
        for (prefix, layer) in std::iter::once((String::new(), &table))
            .chain(kiosks.iter().map(|(id, t)| (format!("kiosks.{id}."), t)))
        {
            for key in LOCAL_ONLY {
                if layer.contains_key(key) {
                    p.push(
                        &format!("{prefix}{key}"),
                        "only the kiosk's own file may set this",
                    );
                }
            }
        }
        for (id, own) in &kiosks {
            // While the fleet values themselves are refused, each kiosk's table is
            // checked on its own, so that every problem shows at once.
            let mut merged = if fleet_problems.is_empty() {
                table.clone()
            } else {
                toml::Table::new()
            };
            merge(&mut merged, own.clone());
            for problem in problems_of(&merged) {
                if !fleet_problems.contains(&problem) {
                    p.0.push(format!("kiosks.{id}.{problem}"));
                }
            }
        }
        if !p.0.is_empty() {
            return Err(ConfigError::Invalid {
                path: origin.to_string(),
                problems: p.0,
            });
        }
        Ok(FleetDoc {
            version,
            fleet: table,
            kiosks,
        })
    }
}

impl FleetDoc {
    /// The kiosk ids that have their own `[kiosks.<kiosk_id>]` values.
    pub fn kiosk_ids(&self) -> impl Iterator<Item = &str> {
        self.kiosks.keys().map(String::as_str)
    }

    /// A warning for the log when the document has values for single kiosks but none
    /// for `kiosk_id`: most often an id mistyped in one of the two files.
    pub fn missing_kiosk_notice(&self, kiosk_id: &str) -> Option<String> {
        if self.kiosks.is_empty() || self.kiosks.contains_key(kiosk_id) {
            return None;
        }
        Some(format!(
            "fleet document version {} has [kiosks.<kiosk_id>] values for {} but none for \
             this kiosk ('{kiosk_id}'): it runs on the fleet-wide values; if it should have \
             its own, check the id in both files",
            self.version,
            self.kiosk_ids().collect::<Vec<_>>().join(", ")
        ))
    }
}

fn parse_table(text: &str, origin: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>()
        .map_err(|e| ConfigError::Syntax {
            path: origin.to_string(),
            message: e.message().to_string()
                + &e.span()
                    .map(|s| format!(" (at line {})", line_of(text, s.start)))
                    .unwrap_or_default(),
        })
}

/// The typed form of a table; a wrong type or unknown key comes back as one message.
fn raw_from(table: toml::Table) -> Result<RawConfig, String> {
    toml::Value::Table(table.clone())
        .try_into::<RawConfig>()
        .map_err(|e| with_key_path(&table, e.message().trim()))
}

/// `over` on top of `base`: tables merge key by key, anything else (values, arrays
/// such as `[[feeds]]`) is replaced whole.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
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

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// Serde's message for a table that does not fit the schema, with the key path it is
/// about in front (`signage.slide_secs: unknown field ...`). Found by narrowing: the
/// same message from a copy that holds only one key (or one list item) at each level
/// names the culprit.
fn with_key_path(table: &toml::Table, message: &str) -> String {
    fn fails_alike(candidate: toml::Value, message: &str) -> bool {
        candidate
            .try_into::<RawConfig>()
            .is_err_and(|e| e.message().trim() == message)
    }
    fn narrow(
        wrap: &dyn Fn(toml::Value) -> toml::Value,
        value: &toml::Value,
        path: String,
        message: &str,
    ) -> String {
        match value {
            toml::Value::Table(t) => {
                for (key, inner) in t {
                    let only = |x: toml::Value| {
                        let mut one = toml::Table::new();
                        one.insert(key.clone(), x);
                        wrap(toml::Value::Table(one))
                    };
                    if fails_alike(only(inner.clone()), message) {
                        let path = if path.is_empty() {
                            key.clone()
                        } else {
                            format!("{path}.{key}")
                        };
                        return narrow(&only, inner, path, message);
                    }
                }
            }
            toml::Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    let only = |x: toml::Value| wrap(toml::Value::Array(vec![x]));
                    if fails_alike(only(inner.clone()), message) {
                        return narrow(&only, inner, format!("{path}[{i}]"), message);
                    }
                }
            }
            _ => {}
        }
        path
    }
    let path = narrow(
        &|x| x,
        &toml::Value::Table(table.clone()),
        String::new(),
        message,
    );
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_defaults() {
        assert_eq!(Config::parse("", "t").unwrap(), Config::default());
    }

    #[test]
    fn values_are_read() {
        let c = Config::parse(
            r#"
            kiosk_id = "bieb-centrum"
            languages = ["en", "nl"]
            [signage]
            slide_seconds = 8
            fade_ms = 300
            [[signage.messages]]
            title = { nl = "Hallo", en = "Hello" }
            [[helplines]]
            name = "Test"
            number = "0800 1234"
            "#,
            "t",
        )
        .unwrap();
        assert_eq!(c.kiosk_id, "bieb-centrum");
        assert_eq!(c.default_language, Lang::En);
        assert_eq!(c.signage.slide_seconds, 8);
        assert_eq!(c.signage.messages[0].title.get(Lang::En), "Hello");
        assert_eq!(c.helplines.len(), 1);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let err = Config::parse(
            "[signage]\nslide_seconds = 0\n[session]\nwarning_seconds = 5\n[[feeds]]\nurl = \"ftp://x\"\n",
            "t",
        )
        .unwrap_err();
        let problems = err.problems();
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("signage.slide_seconds:")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("session.warning_seconds:")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("feeds[0].url: not a URL")),
            "{problems:?}"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("15m"),
            Some(std::time::Duration::from_secs(900))
        );
        assert_eq!(
            parse_duration("2s"),
            Some(std::time::Duration::from_secs(2))
        );
        assert_eq!(
            parse_duration("1h"),
            Some(std::time::Duration::from_secs(3600))
        );
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5"), None);
        let err = Config::parse(
            "[[feeds]]\nurl = \"https://x.org/a.ics\"\nrefresh = \"often\"\n",
            "t",
        )
        .unwrap_err();
        assert!(err.to_string().contains("feeds[0].refresh"), "{err}");
    }

    #[test]
    fn webhooks_need_https_except_to_this_machine() {
        let check = |url: &str, secret: &str| {
            Config::parse(
                &format!("[callback.webhook]\nurl = \"{url}\"\nsecret = \"{secret}\"\n"),
                "t",
            )
        };
        let good = "0123456789abcdef";
        assert!(check("https://intake.example.org/hook", good).is_ok());
        assert!(check("http://127.0.0.1:8080/hook", good).is_ok());
        assert!(check("http://localhost/hook", good).is_ok());
        for bad in [
            "http://intake.example.org/",
            "http://localhost.example.org/",
            "http://127.0.0.1@intake.example.org/",
            "ftp://x",
        ] {
            let err = check(bad, good).unwrap_err().to_string();
            assert!(err.contains("callback.webhook.url"), "{bad}: {err}");
        }
        assert!(check("https://intake.example.org/hook", "")
            .unwrap_err()
            .to_string()
            .contains("callback.webhook.secret"));
    }

    #[test]
    fn typos_are_refused() {
        let err = Config::parse("[signage]\nslide_secs = 5\n", "t").unwrap_err();
        assert!(
            err.to_string()
                .contains("signage.slide_secs: unknown field `slide_secs`"),
            "{err}"
        );
        assert!(err.to_string().contains("(at line 2)"), "{err}");
    }

    #[test]
    fn a_kiosk_may_set_one_key_of_a_fleet_table() {
        let doc = FleetDoc::parse(
            "version = 1\n[heartbeat]\nurl = \"https://status.example.org/beat\"\n[kiosks.bieb.heartbeat]\ninterval = \"1m\"\n",
            "fleet",
        )
        .expect("a partial table on top of the fleet's is fine");
        let c = Config::layered("kiosk_id = \"bieb\"\n", "local", Some(&doc)).expect("valid");
        let hb = c.heartbeat.expect("heartbeat");
        assert_eq!(hb.url, "https://status.example.org/beat");
        assert_eq!(hb.interval, std::time::Duration::from_secs(60));
    }

    #[test]
    fn fleet_documents_name_the_key_of_a_wrong_value() {
        let err = FleetDoc::parse(
            "version = 2\n[[feeds]]\nurl = \"https://a.example/a.ics\"\n[[feeds]]\nurl = \"https://a.example/b.ics\"\nrefresh = 5\n[kiosks.bieb.signage]\nslide_secs = 5\n[kiosks.dorp.session]\ninactivity_seconds = \"lang\"\n",
            "fleet",
        )
        .unwrap_err();
        let problems = err.problems();
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("feeds[1].refresh: invalid type")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("kiosks.bieb.signage.slide_secs: unknown field")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("kiosks.dorp.session.inactivity_seconds: invalid type")),
            "{problems:?}"
        );
    }

    #[test]
    fn kiosk_tables_that_can_never_apply_are_caught() {
        // An id no kiosk can have refuses the document, with its key path.
        let err = FleetDoc::parse(
            "version = 3
[kiosks.\"bieb centrum\".signage]
slide_seconds = 5
",
            "fleet",
        )
        .unwrap_err();
        assert!(
            err.problems()
                .iter()
                .any(|p| p.starts_with("kiosks.bieb centrum: no kiosk can have this id")),
            "{:?}",
            err.problems()
        );

        // A well-formed id for another kiosk: this kiosk is told, by id, in the log.
        let doc = FleetDoc::parse(
            "version = 4
[kiosks.bieb-centrum.signage]
slide_seconds = 5
[kiosks.dorp]
",
            "fleet",
        )
        .expect("valid");
        assert_eq!(
            doc.kiosk_ids().collect::<Vec<_>>(),
            ["bieb-centrum", "dorp"]
        );
        let notice = doc
            .missing_kiosk_notice("bieb-centrm")
            .expect("a mistyped id is noticed");
        assert!(notice.contains("version 4"), "{notice}");
        assert!(notice.contains("bieb-centrum, dorp"), "{notice}");
        assert!(notice.contains("'bieb-centrm'"), "{notice}");
        assert_eq!(doc.missing_kiosk_notice("dorp"), None);
        let plain = FleetDoc::parse(
            "version = 1
",
            "fleet",
        )
        .expect("valid");
        assert_eq!(plain.missing_kiosk_notice("dorp"), None);
    }
}
