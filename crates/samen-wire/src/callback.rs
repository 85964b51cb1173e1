//! The body of a callback request webhook, as the kiosk sends it (docs/webhook.md):
//!
//! ```json
//! {"id":"<uuid>","kiosk_id":"bibliotheek-centrum","first_name":"Anna",
//!  "phone":"+31612345678","phone_national":"06 12345678","when":"morning",
//!  "topic":{"kind":"activity","title":"Koffieochtend"},"language":"nl",
//!  "consent":{"version":"2026-11-28.1","at":"2026-11-28T10:42:00Z"}}
//! ```
//!
//! `topic` may be `null`; `test: true` marks a test request from the kiosk's admin
//! screen. Unknown fields are ignored, so a newer kiosk can add some.
//! [`CallbackBody::parse`] is the schema check: a value of this type is one the hub
//! may store. `Debug` never prints the name or the numbers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BestTime {
    Morning,
    Afternoon,
    Evening,
    Any,
}

impl BestTime {
    pub fn key(self) -> &'static str {
        match self {
            BestTime::Morning => "morning",
            BestTime::Afternoon => "afternoon",
            BestTime::Evening => "evening",
            BestTime::Any => "any",
        }
    }

    pub fn from_key(key: &str) -> Option<BestTime> {
        match key {
            "morning" => Some(BestTime::Morning),
            "afternoon" => Some(BestTime::Afternoon),
            "evening" => Some(BestTime::Evening),
            "any" => Some(BestTime::Any),
            _ => None,
        }
    }
}

/// What the call is about. Never *why*: that may be health data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Topic {
    Activity { title: String },
    Chat,
    Volunteering,
    Other,
}

impl Topic {
    pub fn kind(&self) -> &'static str {
        match self {
            Topic::Activity { .. } => "activity",
            Topic::Chat => "chat",
            Topic::Volunteering => "volunteering",
            Topic::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub version: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackBody {
    pub id: String,
    pub kiosk_id: String,
    pub first_name: String,
    /// E.164, e.g. `+31612345678`.
    pub phone: String,
    /// As written nationally, e.g. `06 12345678`.
    pub phone_national: String,
    pub when: BestTime,
    pub topic: Option<Topic>,
    pub language: String,
    pub consent: Consent,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

impl fmt::Debug for CallbackBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackBody")
            .field("id", &self.id)
            .field("kiosk_id", &self.kiosk_id)
            .field("first_name", &"[redacted]")
            .field("phone", &"[redacted]")
            .field("when", &self.when)
            .field("topic", &self.topic)
            .field("test", &self.test)
            .finish_non_exhaustive()
    }
}

/// Why a body does not fit the schema. Names the field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("not a JSON object of the expected shape: {0}")]
    Shape(String),
    #[error("field {0} is empty, too long or has characters it may not have")]
    Field(&'static str),
}

/// A request id or kiosk id: 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

fn text_ok(text: &str, max_chars: usize) -> bool {
    let n = text.chars().count();
    n >= 1 && n <= max_chars && !text.chars().any(char::is_control)
}

impl CallbackBody {
    /// Parses and checks a body. The hub shows these strings on its pages (escaped),
    /// so the rules are about size and shape, not about which letters a name has.
    pub fn parse(bytes: &[u8]) -> Result<CallbackBody, SchemaError> {
        let body: CallbackBody = serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's message names the field and the position, not the value.
            SchemaError::Shape(e.classify_name().to_string())
        })?;
        body.check()?;
        Ok(body)
    }

    pub fn check(&self) -> Result<(), SchemaError> {
        if !is_valid_id(&self.id) {
            return Err(SchemaError::Field("id"));
        }
        if !is_valid_id(&self.kiosk_id) {
            return Err(SchemaError::Field("kiosk_id"));
        }
        if !text_ok(self.first_name.trim(), 40) {
            return Err(SchemaError::Field("first_name"));
        }
        let digits = self.phone.strip_prefix('+').unwrap_or("");
        if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SchemaError::Field("phone"));
        }
        let national_ok = (1..=24).contains(&self.phone_national.len())
            && self
                .phone_national
                .chars()
                .all(|c| c.is_ascii_digit() || " -()+./".contains(c));
        if !national_ok {
            return Err(SchemaError::Field("phone_national"));
        }
        if let Some(Topic::Activity { title }) = &self.topic {
            if !text_ok(title, 120) {
                return Err(SchemaError::Field("topic.title"));
            }
        }
        let lang_ok = (2..=8).contains(&self.language.len())
            && self
                .language
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-');
        if !lang_ok {
            return Err(SchemaError::Field("language"));
        }
        if !text_ok(&self.consent.version, 40) {
            return Err(SchemaError::Field("consent.version"));
        }
        Ok(())
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "i/o",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "missing or wrong field",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const SAMPLE: &str = r#"{"id":"7f0c5a52-3b1e-4d5e-9a43-2b8f1d6c9e01","kiosk_id":"bibliotheek-centrum","first_name":"Anna","phone":"+31612345678","phone_national":"06 12345678","when":"morning","topic":{"kind":"activity","title":"Koffieochtend"},"language":"nl","consent":{"version":"2026-11-28.1","at":"2026-11-28T10:42:00Z"}}"#;

    #[test]
    fn the_kiosks_body_parses_and_round_trips() {
        let body = CallbackBody::parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(body.when, BestTime::Morning);
        assert_eq!(
            body.topic,
            Some(Topic::Activity {
                title: "Koffieochtend".into()
            })
        );
        assert!(!body.test);
        assert_eq!(serde_json::to_string(&body).unwrap(), SAMPLE);
        let debug = format!("{body:?}");
        assert!(
            !debug.contains("Anna") && !debug.contains("612345678"),
            "{debug}"
        );
    }

    #[test]
    fn schema_refuses_wrong_shapes() {
        let with = |from: &str, to: &str| SAMPLE.replace(from, to);
        for (bad, field) in [
            (with("\"Anna\"", "\"\""), "first_name"),
            (with("+31612345678", "0612345678"), "phone"),
            (with("06 12345678", "06 <b>"), "phone_national"),
            (with("bibliotheek-centrum", "a b"), "kiosk_id"),
            (with("\"nl\"", "\"NL!\""), "language"),
        ] {
            assert_eq!(
                CallbackBody::parse(bad.as_bytes()),
                Err(SchemaError::Field(field))
            );
        }
        assert!(matches!(
            CallbackBody::parse(with("\"morning\"", "\"midnight\"").as_bytes()),
            Err(SchemaError::Shape(_))
        ));
        assert!(matches!(
            CallbackBody::parse(b"[1,2"),
            Err(SchemaError::Shape(_))
        ));
        // Escaping is the pages' job: quotes and angle brackets are allowed in a name.
        assert!(CallbackBody::parse(with("\"Anna\"", r#""<script>\"x""#).as_bytes()).is_ok());
        // A newer kiosk may add fields.
        assert!(
            CallbackBody::parse(with("\"language\"", "\"extra\":1,\"language\"").as_bytes())
                .is_ok()
        );
    }
}
