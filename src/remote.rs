//! The fleet document: the IT team's one TOML file for every kiosk, signed with
//! `minisign -S`. The kiosk fetches `[remote] url` and `url + ".minisig"` with
//! conditional requests, verifies the signature with the configured public key,
//! refuses anything older than what it applied, layers the document under its own
//! file (see `Config::layered`) and hands the result over to be applied live. The last
//! good document and its signature are kept together in one file in the state
//! directory (`fleet-last-good.json`) and used at start-up, before any network; they are
//! verified again then.
//!
//! Rollback protection has three parts: a document must be newer than the one applied;
//! the highest version ever applied is also kept in a small file of its own
//! (`fleet-version-floor`), so a lost or damaged last-good copy does not let an older
//! document in; and every document carries a signed `expires`, after which it is not
//! taken from the network at all (this part also holds on a kiosk whose state
//! directory is lost at every reboot). Redirects are followed only to https on the same
//! host, and a document over [`MAX_FLEET_BYTES`] is refused, not retried.

use crate::config::{Config, ConfigError, FleetDoc, RemoteConfig};
use crate::fetch::{FetchError, Fetched, Fetcher, Limits, Validators};
use std::path::{Path, PathBuf};

/// The last good fleet document and its signature, as one JSON object
/// `{"document": "...", "signature": "..."}`: one file, so one rename replaces both.
pub const LAST_GOOD_FILE: &str = "fleet-last-good.json";

/// The highest fleet document version this kiosk ever applied: one decimal number.
pub const FLOOR_FILE: &str = "fleet-version-floor";

/// A fleet document (or its signature) larger than this is refused.
pub const MAX_FLEET_BYTES: usize = 1024 * 1024;

/// `config check` warns when a document expires within this time.
pub const EXPIRY_WARNING: chrono::Duration = chrono::Duration::days(7);

#[derive(serde::Serialize, serde::Deserialize)]
struct LastGood {
    document: String,
    signature: String,
}

/// Checks a minisign signature (the text of a `.minisig` file) over `doc`.
pub fn verify(doc: &[u8], signature: &str, public_key: &str) -> Result<(), String> {
    let key = minisign_verify::PublicKey::from_base64(public_key.trim())
        .map_err(|e| format!("the public key cannot be read: {e}"))?;
    let signature = minisign_verify::Signature::decode(signature)
        .map_err(|e| format!("the signature cannot be read: {e}"))?;
    // Legacy (not prehashed) signatures from older minisign versions are accepted too.
    key.verify(doc, &signature, true)
        .map_err(|e| format!("the signature does not match ({e})"))
}

/// The local file's text and name, read once; every layering starts from it.
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub text: String,
    pub origin: String,
}

impl LocalFile {
    /// `--config FILE`, or the built-in defaults without one.
    pub fn read(path: Option<&Path>) -> Result<LocalFile, ConfigError> {
        match path {
            None => Ok(LocalFile {
                text: String::new(),
                origin: "built-in defaults".into(),
            }),
            Some(path) => {
                let text = crate::files::read_regular_text(path, crate::files::MAX_CONFIG_BYTES)
                    .map_err(|error| ConfigError::Read {
                        path: path.display().to_string(),
                        error,
                    })?;
                Ok(LocalFile {
                    text,
                    origin: path.display().to_string(),
                })
            }
        }
    }

    pub fn config(&self) -> Result<Config, ConfigError> {
        Config::parse(&self.text, &self.origin)
    }
}

/// A document that passed every check.
#[derive(Debug, Clone)]
pub struct Applied {
    pub version: i64,
    pub bytes: Vec<u8>,
}

/// Why a fleet document was not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("fleet document refused: {0}")]
    Signature(String),
    #[error(
        "fleet document refused: version {got} is not newer than the applied version {applied}"
    )]
    OldVersion { got: i64, applied: i64 },
    #[error(
        "fleet document refused: version {got} is older than version {floor}, which this kiosk applied before"
    )]
    BelowFloor { got: i64, floor: i64 },
    #[error("fleet document refused: version {version} expired at {expires}")]
    Expired {
        version: i64,
        expires: chrono::DateTime<chrono::Utc>,
    },
    #[error("fleet document refused: more than {MAX_FLEET_BYTES} bytes")]
    TooLarge,
    #[error("fleet document refused: {0}")]
    Invalid(String),
}

/// What a document is checked against besides its signature: the one applied now, the
/// version floor, and (for documents from the network) the time, for `expires`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Against<'a> {
    pub applied: Option<&'a Applied>,
    pub floor: Option<i64>,
    /// `None` at start-up: the last good copy was taken while it was valid, and an
    /// offline kiosk keeps running on it (see the README).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Verifies, parses and layers a document, checking it `against` what runs now.
pub fn check(
    doc: &[u8],
    signature: &str,
    remote: &RemoteConfig,
    local: &LocalFile,
    against: Against<'_>,
) -> Result<(Config, Applied), Refusal> {
    if doc.len() > MAX_FLEET_BYTES || signature.len() > MAX_FLEET_BYTES {
        return Err(Refusal::TooLarge);
    }
    verify(doc, signature, &remote.public_key).map_err(Refusal::Signature)?;
    let text = std::str::from_utf8(doc).map_err(|_| Refusal::Invalid("not UTF-8 text".into()))?;
    let fleet = FleetDoc::parse(text, "fleet document")
        .map_err(|e| Refusal::Invalid(e.problems().join("; ")))?;
    if let Some(applied) = against.applied {
        if fleet.version <= applied.version && doc != applied.bytes.as_slice() {
            return Err(Refusal::OldVersion {
                got: fleet.version,
                applied: applied.version,
            });
        }
    }
    if let Some(floor) = against.floor {
        if fleet.version < floor {
            return Err(Refusal::BelowFloor {
                got: fleet.version,
                floor,
            });
        }
    }
    if let Some(now) = against.now {
        if fleet.expired(now) {
            return Err(Refusal::Expired {
                version: fleet.version,
                expires: fleet.expires,
            });
        }
    }
    let config = Config::layered(&local.text, &local.origin, Some(&fleet))
        .map_err(|e| Refusal::Invalid(e.problems().join("; ")))?;
    if let Some(notice) = fleet.missing_kiosk_notice(&config.kiosk_id) {
        tracing::warn!("{notice}");
    }
    Ok((
        config,
        Applied {
            version: fleet.version,
            bytes: doc.to_vec(),
        },
    ))
}

/// The configuration at start-up: the local file, layered over the last good fleet
/// document if there is one and it still verifies. A last-known-good that no longer
/// passes (another key, a damaged file) is reported and left out.
pub fn startup(
    local: &LocalFile,
    state_dir: Option<&Path>,
) -> Result<(Config, Option<Applied>, Option<String>), ConfigError> {
    let config = local.config()?;
    let (Some(remote), Some(dir)) = (&config.remote, state_dir) else {
        return Ok((config, None, None));
    };
    let (floor, floor_problem) = match read_floor(dir) {
        Ok(floor) => (floor, None),
        Err(message) => (None, Some(message)),
    };
    let Ok(bytes) = crate::files::read_regular(&dir.join(LAST_GOOD_FILE), 3 * MAX_FLEET_BYTES)
    else {
        return Ok((config, None, floor_problem));
    };
    let last: LastGood = match serde_json::from_slice(&bytes) {
        Ok(last) => last,
        Err(err) => {
            let message = format!("last-known-good {LAST_GOOD_FILE} cannot be read: {err}");
            tracing::warn!("{message}");
            return Ok((config, None, Some(message)));
        }
    };
    let against = Against {
        floor,
        ..Against::default()
    };
    match check(
        last.document.as_bytes(),
        &last.signature,
        remote,
        local,
        against,
    ) {
        Ok((layered, applied)) => Ok((layered, Some(applied), floor_problem)),
        Err(refusal) => {
            let message = format!("last-known-good {LAST_GOOD_FILE}: {refusal}");
            tracing::warn!("{message}");
            Ok((config, None, Some(message)))
        }
    }
}

/// Writes the document and its signature so that a power cut leaves either the old
/// pair or the new one: both in one temporary file, synced, then renamed over the old.
pub fn store(dir: &Path, doc: &[u8], signature: &str) -> std::io::Result<()> {
    let last = LastGood {
        document: String::from_utf8_lossy(doc).into_owned(),
        signature: signature.to_string(),
    };
    let bytes = serde_json::to_vec(&last).map_err(std::io::Error::other)?;
    write_atomically(dir, LAST_GOOD_FILE, &bytes)
}

/// The version floor kept in the state directory: `Ok(None)` when there is none yet,
/// `Err` (for the status) when the file is there but cannot be read.
pub fn read_floor(dir: &Path) -> Result<Option<i64>, String> {
    let path = dir.join(FLOOR_FILE);
    match crate::files::read_regular(&path, 64) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(format!("version floor {FLOOR_FILE} cannot be read: {err}")),
        Ok(bytes) => match std::str::from_utf8(&bytes)
            .ok()
            .and_then(|t| t.trim().parse::<i64>().ok())
            .filter(|v| (1..=crate::config::MAX_VERSION).contains(v))
        {
            Some(v) => Ok(Some(v)),
            None => {
                let message = format!("version floor {FLOOR_FILE} is damaged");
                tracing::warn!("{message}");
                Err(message)
            }
        },
    }
}

/// Raises the version floor to `version` (never lowers it): written to a temporary
/// file, synced and renamed, like the last good copy.
pub fn store_floor(dir: &Path, version: i64) -> std::io::Result<()> {
    if read_floor(dir).ok().flatten().is_some_and(|f| f >= version) {
        return Ok(());
    }
    write_atomically(dir, FLOOR_FILE, format!("{version}\n").as_bytes())
}

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, dir.join(name))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Redirects of the fleet document are followed only to https on the same host (at
/// most 5); anything else ends the request with an error.
pub fn same_host_https_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first_host = attempt
            .previous()
            .first()
            .and_then(|u| u.host_str())
            .map(str::to_string);
        let to = attempt.url();
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if to.scheme() == "https"
            && to.host_str().is_some()
            && to.host_str() == first_host.as_deref()
        {
            attempt.follow()
        } else {
            attempt.error("redirect not followed: only to https on the same host")
        }
    })
}

/// What one poll did.
#[derive(Debug)]
pub enum PollOutcome {
    /// Nothing new (304s, or the same bytes as before).
    Unchanged,
    /// A new configuration to apply.
    Applied(Box<Config>),
    Refused(Refusal),
    /// The server could not be reached; the current configuration stays.
    Failed(String),
}

/// Polls the fleet document.
pub struct FleetPoller {
    remote: RemoteConfig,
    local: LocalFile,
    state_dir: Option<PathBuf>,
    fetcher: Fetcher,
    doc: Option<(Vec<u8>, Validators)>,
    sig: Option<(String, Validators)>,
    applied: Option<Applied>,
    /// The highest version applied here before (the floor file), if known.
    floor: Option<i64>,
    refused: Option<Vec<u8>>,
}

impl FleetPoller {
    pub fn new(
        remote: RemoteConfig,
        local: LocalFile,
        state_dir: Option<PathBuf>,
        applied: Option<Applied>,
    ) -> anyhow::Result<FleetPoller> {
        // A floor file that cannot be read counts for nothing; the applied version
        // (and `expires`) still hold.
        let floor = state_dir
            .as_deref()
            .and_then(|dir| read_floor(dir).ok().flatten());
        let floor = floor.max(applied.as_ref().map(|a| a.version));
        Ok(FleetPoller {
            remote,
            local,
            state_dir,
            fetcher: Fetcher::with_redirects(
                Limits {
                    max_bytes: MAX_FLEET_BYTES,
                    ..Limits::default()
                },
                same_host_https_redirects(),
            )?,
            doc: None,
            sig: None,
            applied,
            floor,
            refused: None,
        })
    }

    pub fn applied_version(&self) -> Option<i64> {
        self.applied.as_ref().map(|a| a.version)
    }

    pub async fn poll_once(&mut self) -> PollOutcome {
        let doc_url = self.remote.url.clone();
        let sig_url = self.remote.signature_url();
        let doc_known = self
            .doc
            .as_ref()
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let sig_known = self
            .sig
            .as_ref()
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let doc = match self.fetcher.get(&doc_url, &doc_known).await {
            Ok(fetched) => fetched,
            Err(FetchError::TooLarge(_)) => return self.refuse_too_large(),
            Err(e) => return PollOutcome::Failed(format!("fleet document: {e}")),
        };
        let sig = match self.fetcher.get(&sig_url, &sig_known).await {
            Ok(fetched) => fetched,
            Err(FetchError::TooLarge(_)) => return self.refuse_too_large(),
            Err(e) => return PollOutcome::Failed(format!("fleet document signature: {e}")),
        };
        let changed = matches!(doc, Fetched::New { .. }) || matches!(sig, Fetched::New { .. });
        if let Fetched::New { body, validators } = doc {
            self.doc = Some((body, validators));
        }
        if let Fetched::New { body, validators } = sig {
            self.sig = Some((String::from_utf8_lossy(&body).into_owned(), validators));
        }
        let (Some((doc, _)), Some((sig, _))) = (&self.doc, &self.sig) else {
            return PollOutcome::Failed("fleet document: no answer yet".into());
        };
        if !changed || self.applied.as_ref().is_some_and(|a| a.bytes == *doc) {
            return PollOutcome::Unchanged;
        }
        let against = Against {
            applied: self.applied.as_ref(),
            floor: self.floor,
            now: Some(chrono::Utc::now()),
        };
        match check(doc, sig, &self.remote, &self.local, against) {
            Ok((config, applied)) => {
                self.floor = self.floor.max(Some(applied.version));
                if let Some(dir) = &self.state_dir {
                    // The floor first: a power cut in between leaves a floor that is
                    // ahead of the last good copy, never behind it.
                    if let Err(err) = store_floor(dir, applied.version) {
                        tracing::warn!("version floor not kept: {err}");
                    }
                    if let Err(err) = store(dir, doc, sig) {
                        tracing::warn!(
                            "fleet document version {} applied but not kept: {err}",
                            applied.version
                        );
                    }
                }
                self.applied = Some(applied);
                self.refused = None;
                PollOutcome::Applied(Box::new(config))
            }
            Err(refusal) => {
                // A document refused once is not reported again until it changes.
                if self.refused.as_deref() == Some(doc.as_slice()) {
                    return PollOutcome::Unchanged;
                }
                self.refused = Some(doc.clone());
                PollOutcome::Refused(refusal)
            }
        }
    }

    /// A document (or signature) over the size limit: a refusal for the status, once.
    fn refuse_too_large(&mut self) -> PollOutcome {
        if self.refused.as_deref() == Some(b"\0too-large".as_slice()) {
            return PollOutcome::Unchanged;
        }
        self.refused = Some(b"\0too-large".to_vec());
        PollOutcome::Refused(Refusal::TooLarge)
    }

    /// Polls every `poll_interval` (and at once when `refresh` is notified) until
    /// `stop` turns true. `report` hears every outcome but `Unchanged`.
    pub async fn run<F>(
        mut self,
        mut report: F,
        refresh: std::sync::Arc<tokio::sync::Notify>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) where
        F: FnMut(PollOutcome),
    {
        let mut last_failure: Option<String> = None;
        loop {
            match self.poll_once().await {
                PollOutcome::Unchanged => {}
                PollOutcome::Failed(message) => {
                    // One line per new kind of failure, not one per poll.
                    if last_failure.as_deref() != Some(message.as_str()) {
                        tracing::warn!("{message}; keeping the current configuration");
                        last_failure = Some(message.clone());
                    }
                    report(PollOutcome::Failed(message));
                }
                outcome => {
                    last_failure = None;
                    report(outcome);
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.remote.poll_interval) => {}
                _ = refresh.notified() => {}
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() { return; }
                }
            }
        }
    }
}
