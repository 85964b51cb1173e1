//! The fleet document (a top-level `version` and `[kiosks.<kiosk_id>]` tables) and
//! the layering of a kiosk's configuration: built-in defaults < the fleet's values <
//! the kiosk's own table < the local file, merged key by key.

use super::raw::RawConfig;
use super::validate::{is_kiosk_id, Problems, KIOSK_ID_RULE};
use super::{Config, ConfigError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The highest `version` a fleet document may have: ten digits, room for a date and a
/// counter (`2026120101`) or a Unix time (until 2286). A larger number is a mistake
/// that would block every later document (each must be newer).
pub const MAX_VERSION: i64 = 9_999_999_999;

/// A fleet document: the schema of the local file plus a top-level `version`, a
/// top-level `expires` and `[kiosks.<kiosk_id>]` tables with values for one kiosk only.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetDoc {
    pub version: i64,
    /// After this instant the document is not taken from the network any more (as
    /// TUF's `expires`): an old signed copy cannot be replayed for ever.
    pub expires: DateTime<Utc>,
    fleet: toml::Table,
    kiosks: BTreeMap<String, toml::Table>,
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
            Some(toml::Value::Integer(v)) if (1..=MAX_VERSION).contains(&v) => v,
            Some(_) => {
                p.push(
                    "version",
                    format!("must be a whole number from 1 to {MAX_VERSION}"),
                );
                0
            }
            None => {
                p.push("version", "is required in a fleet document");
                0
            }
        };
        let expires = match table.remove("expires") {
            None => {
                p.push(
                    "expires",
                    "is required in a fleet document (e.g. expires = 2027-01-01T00:00:00Z)",
                );
                DateTime::<Utc>::MIN_UTC
            }
            Some(value) => match parse_expires(&value) {
                Some(at) => at,
                None => {
                    p.push(
                        "expires",
                        "must be a date and time with its offset, e.g. 2027-01-01T00:00:00Z",
                    );
                    DateTime::<Utc>::MIN_UTC
                }
            },
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
            expires,
            fleet: table,
            kiosks,
        })
    }
}

/// `expires = 2027-01-01T00:00:00Z` (a TOML offset date-time) or the same as a string.
fn parse_expires(value: &toml::Value) -> Option<DateTime<Utc>> {
    let text = match value {
        toml::Value::Datetime(dt) => {
            // Only a full date-time with an offset names one instant.
            dt.date.as_ref()?;
            dt.time.as_ref()?;
            dt.offset.as_ref()?;
            dt.to_string()
        }
        toml::Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    DateTime::parse_from_rfc3339(&text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

impl FleetDoc {
    /// Whether the document has expired at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires
    }

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

impl Config {
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
}

pub(super) fn parse_table(text: &str, origin: &str) -> Result<toml::Table, ConfigError> {
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
pub(super) fn raw_from(table: toml::Table) -> Result<RawConfig, String> {
    toml::Value::Table(table.clone())
        .try_into::<RawConfig>()
        .map_err(|e| with_key_path(&table, e.message().trim()))
}

/// `over` on top of `base`: tables merge key by key, anything else (values, arrays
/// such as `[[feeds]]`) is replaced whole.
pub(super) fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// Serde's message for a table that does not fit the schema, with the key path it is
/// about in front (`signage.slide_secs: unknown field ...`).
pub(super) fn with_key_path(table: &toml::Table, message: &str) -> String {
    let path = key_path(table, message);
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{}: {message}", path_text(&path))
    }
}

/// One step of a key path: a key of a table or an item of a list.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    Key(String),
    Item(usize),
}

pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Item(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The key path serde's `message` is about. Found by narrowing: the same message
/// from a copy that holds only one key (or one list item) at each level names the
/// culprit. Empty when it cannot be narrowed (e.g. a missing key).
pub(super) fn key_path(table: &toml::Table, message: &str) -> Vec<Step> {
    fn fails_alike(candidate: toml::Value, message: &str) -> bool {
        candidate
            .try_into::<RawConfig>()
            .is_err_and(|e| e.message().trim() == message)
    }
    fn narrow(
        wrap: &dyn Fn(toml::Value) -> toml::Value,
        value: &toml::Value,
        mut path: Vec<Step>,
        message: &str,
    ) -> Vec<Step> {
        match value {
            toml::Value::Table(t) => {
                // A missing field fails alike for every key of its table (and for a
                // table of one plain value): then the table itself is the culprit.
                let missing = message.starts_with("missing field");
                let alike: Vec<&String> = t
                    .iter()
                    .filter(|(key, inner)| {
                        let mut one = toml::Table::new();
                        one.insert((*key).clone(), (*inner).clone());
                        fails_alike(wrap(toml::Value::Table(one)), message)
                    })
                    .map(|(key, _)| key)
                    .collect();
                if let [key] = alike.as_slice() {
                    let inner = &t[*key];
                    let plain = !matches!(inner, toml::Value::Table(_) | toml::Value::Array(_));
                    if !(missing && plain) {
                        let key = (*key).clone();
                        let only = |x: toml::Value| {
                            let mut one = toml::Table::new();
                            one.insert(key.clone(), x);
                            wrap(toml::Value::Table(one))
                        };
                        path.push(Step::Key(key.clone()));
                        return narrow(&only, inner, path, message);
                    }
                }
            }
            toml::Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    let only = |x: toml::Value| wrap(toml::Value::Array(vec![x]));
                    if fails_alike(only(inner.clone()), message) {
                        path.push(Step::Item(i));
                        return narrow(&only, inner, path, message);
                    }
                }
            }
            _ => {}
        }
        path
    }
    narrow(
        &|x| x,
        &toml::Value::Table(table.clone()),
        Vec::new(),
        message,
    )
}

/// Removes what `path` names from `table`; false when there is nothing there.
pub(super) fn remove_path(table: &mut toml::Table, path: &[Step]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut here: &mut toml::Value = match parents.first() {
        None => {
            return match last {
                Step::Key(k) => table.remove(k).is_some(),
                Step::Item(_) => false,
            }
        }
        Some(Step::Key(k)) => match table.get_mut(k) {
            Some(v) => v,
            None => return false,
        },
        Some(Step::Item(_)) => return false,
    };
    for step in &parents[1..] {
        here = match (here, step) {
            (toml::Value::Table(t), Step::Key(k)) => match t.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (toml::Value::Array(a), Step::Item(i)) => match a.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    match (here, last) {
        (toml::Value::Table(t), Step::Key(k)) => t.remove(k).is_some(),
        (toml::Value::Array(a), Step::Item(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        _ => false,
    }
}
