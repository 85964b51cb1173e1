//! `hub.toml`, in two stages: [`RawConfig`] is what serde reads (every field optional,
//! unknown keys refused), [`Config`] the validated settings with defaults applied.
//! Without a file the defaults are a working hub on 127.0.0.1:8080.
//!
//! ```toml
//! listen = "127.0.0.1:8080"
//! public_url = "https://hub.example.org"   # links in e-mails; https => Secure cookies
//! call_within_days = 2                     # working days before a request is overdue
//! good_friday_is_holiday = false
//! [retention]
//! after_outcome_days = 14
//! max_days = 60
//! [mail]                                   # optional: the daily overdue e-mail
//! smtp_url = "smtp://mail.example.org:587?tls=required"
//! password_file = "/etc/samen-hub/smtp-password"
//! from = "samen-hub <hub@example.org>"
//! to = ["coordinatoren@example.org"]
//! [fleet]
//! heartbeat_interval_s = 300               # when a heartbeat does not say its own
//! [alerts]                                 # optional: kiosk offline/degraded/recovered
//! to = ["it@example.org"]                  # sent through [mail]'s server
//! [metrics]                                # optional: GET /metrics (Prometheus)
//! token_file = "/etc/samen-hub/metrics-token"
//! [preview]                                # announcements' preview (issue 20)
//! kiosk = "/usr/bin/samen-kiosk"           # default: beside samen-hub, then PATH
//! timeout_s = 20
//! ```

use anyhow::{bail, Context};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub call_within_days: Option<u32>,
    pub good_friday_is_holiday: Option<bool>,
    pub retention: Option<RawRetention>,
    pub mail: Option<RawMail>,
    pub fleet: Option<RawFleet>,
    pub alerts: Option<RawAlerts>,
    pub metrics: Option<RawMetrics>,
    pub preview: Option<RawPreview>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreview {
    pub kiosk: Option<PathBuf>,
    pub timeout_s: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFleet {
    pub heartbeat_interval_s: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlerts {
    pub to: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetrics {
    pub token_file: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    pub after_outcome_days: Option<u32>,
    pub max_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMail {
    pub smtp_url: String,
    pub password_file: Option<PathBuf>,
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub public_url: String,
    /// Cookies carry `Secure`: on when `public_url` is https, unless overridden.
    pub secure_cookies: bool,
    pub call_within_days: u32,
    pub good_friday_is_holiday: bool,
    pub retention: Retention,
    pub mail: Option<Mail>,
    /// Seconds between heartbeats for kiosks whose heartbeat does not say (a kiosk is
    /// offline after three missed ones).
    pub heartbeat_interval_s: u64,
    /// Who gets the fleet alerts (sent through `mail`'s server); `None`: no alerts.
    pub alerts_to: Option<Vec<String>>,
    /// The bearer token of `GET /metrics`; `None`: no metrics (404).
    pub metrics_token: Option<Token>,
    /// The kiosk binary that renders announcements' previews (`None`: beside
    /// samen-hub, else on PATH) and how long one render may take.
    pub preview_kiosk: Option<PathBuf>,
    pub preview_timeout_s: u64,
}

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(pub String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub after_outcome_days: u32,
    pub max_days: u32,
}

#[derive(Clone)]
pub struct Mail {
    pub smtp_url: String,
    pub from: String,
    pub to: Vec<String>,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL may hold a password.
        f.debug_struct("Mail")
            .field("smtp_url", &"[redacted]")
            .field("to", &self.to.len())
            .finish()
    }
}

impl Default for Config {
    fn default() -> Config {
        // An empty file is valid, so this cannot fail.
        Config::from_raw(RawConfig::default()).unwrap_or_else(|_| unreachable!())
    }
}

impl Config {
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let raw: RawConfig =
            toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
        Config::from_raw(raw).with_context(|| format!("{}", path.display()))
    }

    pub fn from_raw(raw: RawConfig) -> anyhow::Result<Config> {
        let listen = raw.listen.as_deref().unwrap_or("127.0.0.1:8080");
        let listen: SocketAddr = listen
            .parse()
            .with_context(|| format!("listen: {listen:?} is not an address like 127.0.0.1:8080"))?;
        let public_url = raw
            .public_url
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("public_url: must start with http:// or https://");
        }
        let call_within_days = raw.call_within_days.unwrap_or(2);
        if !(1..=30).contains(&call_within_days) {
            bail!("call_within_days: between 1 and 30");
        }
        let r = raw.retention.unwrap_or_default();
        let retention = Retention {
            after_outcome_days: r.after_outcome_days.unwrap_or(14),
            max_days: r.max_days.unwrap_or(60),
        };
        if retention.max_days == 0 || retention.max_days > 365 {
            bail!("retention.max_days: between 1 and 365");
        }
        if retention.after_outcome_days > retention.max_days {
            bail!("retention.after_outcome_days: at most retention.max_days");
        }
        let mail = match raw.mail {
            None => None,
            Some(m) => {
                if m.to.is_empty() {
                    bail!("mail.to: at least one address");
                }
                let mut smtp_url = m.smtp_url;
                if let Some(file) = m.password_file {
                    let password = std::fs::read_to_string(&file)
                        .with_context(|| format!("mail.password_file: {}", file.display()))?;
                    smtp_url = insert_password(&smtp_url, password.trim())?;
                }
                Some(Mail {
                    smtp_url,
                    from: m.from,
                    to: m.to,
                })
            }
        };
        let heartbeat_interval_s = raw
            .fleet
            .and_then(|f| f.heartbeat_interval_s)
            .unwrap_or(300);
        if !(10..=86_400).contains(&heartbeat_interval_s) {
            bail!("fleet.heartbeat_interval_s: between 10 and 86400");
        }
        let alerts_to = match raw.alerts {
            None => None,
            Some(a) => {
                if a.to.is_empty() {
                    bail!("alerts.to: at least one address");
                }
                if mail.is_none() {
                    bail!("alerts: needs [mail] (its smtp_url and from) to send with");
                }
                Some(a.to)
            }
        };
        let metrics_token = match raw.metrics {
            None => None,
            Some(m) => {
                let token = std::fs::read_to_string(&m.token_file)
                    .with_context(|| format!("metrics.token_file: {}", m.token_file.display()))?;
                let token = token.trim().to_string();
                if token.len() < 16 || token.chars().any(|c| !c.is_ascii_graphic()) {
                    bail!("metrics.token_file: at least 16 visible ASCII characters, no spaces");
                }
                Some(Token(token))
            }
        };
        let preview = raw.preview.unwrap_or_default();
        let preview_timeout_s = preview.timeout_s.unwrap_or(20);
        if !(1..=300).contains(&preview_timeout_s) {
            bail!("preview.timeout_s: between 1 and 300");
        }
        Ok(Config {
            preview_kiosk: preview.kiosk,
            preview_timeout_s,
            heartbeat_interval_s,
            alerts_to,
            metrics_token,
            listen,
            secure_cookies: raw
                .secure_cookies
                .unwrap_or(public_url.starts_with("https://")),
            public_url,
            call_within_days,
            good_friday_is_holiday: raw.good_friday_is_holiday.unwrap_or(false),
            retention,
            mail,
        })
    }
}

/// `smtp://user@host` + password -> `smtp://user:password@host`.
fn insert_password(url: &str, password: &str) -> anyhow::Result<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        bail!("mail.smtp_url: not a URL");
    };
    let Some((user, host)) = rest.split_once('@') else {
        bail!("mail.smtp_url: a password_file needs a user name in the URL (smtp://user@host)");
    };
    let encoded: String = password
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok(format!("{scheme}://{user}:{encoded}@{host}"))
}

/// The data directory: `--data`, else systemd's `STATE_DIRECTORY`, else the platform
/// data directory (`~/.local/share/samen-hub`).
pub fn data_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Ok(state) = std::env::var("STATE_DIRECTORY") {
        if let Some(first) = state.split(':').find(|s| !s.is_empty()) {
            return Ok(PathBuf::from(first));
        }
    }
    dirs::data_dir()
        .map(|d| d.join("samen-hub"))
        .context("no data directory: pass --data DIR")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let c = Config::default();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.retention.after_outcome_days, 14);
        assert_eq!(c.retention.max_days, 60);
        assert!(!c.secure_cookies);
        let raw: RawConfig = toml::from_str("public_url = \"https://hub.example.org/\"").unwrap();
        let c = Config::from_raw(raw).unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.public_url, "https://hub.example.org");
        assert!(toml::from_str::<RawConfig>("lisen = \"x\"").is_err());
        let raw: RawConfig = toml::from_str("[retention]\nafter_outcome_days = 90").unwrap();
        assert!(Config::from_raw(raw).is_err());
        // Issue 19: the fleet's settings.
        assert_eq!(c.heartbeat_interval_s, 300);
        assert!(c.alerts_to.is_none() && c.metrics_token.is_none());
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "0123456789abcdef0123\n").unwrap();
        let text = format!(
            "[fleet]\nheartbeat_interval_s = 60\n[mail]\nsmtp_url = \"smtp://localhost\"\n\
             from = \"hub@example.org\"\nto = [\"a@example.org\"]\n[alerts]\n\
             to = [\"it@example.org\"]\n[metrics]\ntoken_file = {:?}\n",
            token.display().to_string()
        );
        let c = Config::from_raw(toml::from_str(&text).unwrap()).unwrap();
        assert_eq!(c.heartbeat_interval_s, 60);
        assert_eq!(
            c.alerts_to.as_deref(),
            Some(&["it@example.org".to_string()][..])
        );
        assert_eq!(c.metrics_token, Some(Token("0123456789abcdef0123".into())));
        assert!(
            !format!("{c:?}").contains("0123456789abcdef"),
            "the token never prints"
        );
        let no_mail: RawConfig = toml::from_str("[alerts]\nto = [\"it@example.org\"]").unwrap();
        assert!(Config::from_raw(no_mail).is_err(), "alerts need [mail]");
        std::fs::write(&token, "short").unwrap();
        assert!(Config::from_raw(toml::from_str(&text).unwrap()).is_err());
        assert_eq!(
            insert_password("smtp://hub@mail.example.org:587", "p@ss word").unwrap(),
            "smtp://hub:p%40ss%20word@mail.example.org:587"
        );
    }
}
