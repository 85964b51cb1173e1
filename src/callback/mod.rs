//! Callback requests: a visitor asks Versa Welzijn to call them back. The only place
//! where the kiosk handles personal data, so everything here is shaped to keep it
//! small and safe:
//! - raw input becomes [`FirstName`] and [`PhoneNumber`] at one boundary ("parse,
//!   don't validate"); the screen and `callback submit` use the same functions;
//! - nothing personal is ever logged: these types print as `[redacted]` in `Debug`;
//! - a request holds only what the intake needs (first name, number, time slot,
//!   optional topic, language, kiosk, consent version and time).
//!
//! No Slint, no SQL, no HTTP here: see `outbox` and `delivery`.

pub mod delivery;
pub mod email;
pub mod form;
pub mod outbox;

use crate::i18n::Lang;
use chrono::{DateTime, Timelike, Utc};
use std::fmt;

/// The version of the consent text the visitor agreed to (ui/callback.slint). Change
/// it whenever that text changes, so the intake knows what was agreed.
pub const CONSENT_VERSION: &str = "2026-11-28.1";

#[derive(Clone, PartialEq, Eq)]
pub struct FirstName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty")]
    Empty,
    #[error("longer than 40 characters")]
    TooLong,
    #[error("only letters, spaces, hyphens and apostrophes")]
    Characters,
}

impl NameError {
    /// A stable code for the UI, which words it in the visitor's language.
    pub fn code(self) -> &'static str {
        match self {
            NameError::Empty => "name-empty",
            NameError::TooLong => "name-too-long",
            NameError::Characters => "name-characters",
        }
    }
}

impl FirstName {
    pub fn parse(raw: &str) -> Result<FirstName, NameError> {
        // Composed (NFC) first: "e" + U+0301 is "é", one letter, not a refusal.
        let composed = icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(raw);
        let collapsed = composed.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(NameError::Empty);
        }
        if collapsed.chars().count() > 40 {
            return Err(NameError::TooLong);
        }
        let ok = collapsed
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '’');
        let has_letter = collapsed.chars().any(char::is_alphabetic);
        if !ok || !has_letter {
            return Err(NameError::Characters);
        }
        Ok(FirstName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FirstName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FirstName([redacted])")
    }
}

/// A Dutch (or other valid international) phone number, in E.164.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    e164: String,
    national: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("empty")]
    Empty,
    #[error("contains letters")]
    Letters,
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    /// 112, 113 and other short numbers: not a number to call back.
    #[error("a short number such as 112 or 113")]
    ShortCode,
    #[error("not a valid number")]
    Invalid,
    /// Free-phone, premium-rate, shared-cost or satellite: nobody can be called back
    /// on it, and calling it may cost the organisation.
    #[error("a service number (free-phone, premium rate, shared cost or satellite); give the number we can call you on")]
    ServiceNumber,
}

impl PhoneError {
    pub fn code(self) -> &'static str {
        match self {
            PhoneError::Empty => "phone-empty",
            PhoneError::Letters => "phone-letters",
            PhoneError::TooShort => "phone-too-short",
            PhoneError::TooLong => "phone-too-long",
            PhoneError::ShortCode => "phone-short-code",
            PhoneError::Invalid => "phone-invalid",
            PhoneError::ServiceNumber => "phone-service",
        }
    }
}

/// Dutch free-phone (0800) and premium-rate / shared-cost (0900, 0906, 0909) numbers,
/// by prefix and whatever their length (7 to 11 digits exist): libphonenumber's
/// metadata knows only some of their lengths.
fn is_dutch_service(national: &str) -> bool {
    ["0800", "0900", "0906", "0909"]
        .iter()
        .any(|p| national.starts_with(p))
}

/// Whether a number was checked since the patterns were last released.
static PATTERNS_USED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, PhoneError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        if trimmed.chars().any(char::is_alphabetic) {
            return Err(PhoneError::Letters);
        }
        let allowed = |c: char| c.is_ascii_digit() || " -.()/+".contains(c);
        if !trimmed.chars().all(allowed) || trimmed.chars().skip(1).any(|c| c == '+') {
            return Err(PhoneError::Invalid);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let international = trimmed.starts_with('+') || digits.starts_with("00");
        // Dutch short numbers (112, 113, 1400, 14 035 ...) start with 1; a short
        // input that starts with 0 is a number typed only partly.
        if !international && !digits.starts_with('0') && digits.len() <= 6 {
            return Err(PhoneError::ShortCode);
        }
        // Dutch numbers have ten digits nationally (0 + nine); the +31 / 0031 forms
        // are checked the same way so the message can say "too short" or "too long".
        let national = if let Some(rest) = trimmed.strip_prefix('+') {
            let rest: String = rest.chars().filter(char::is_ascii_digit).collect();
            rest.strip_prefix("31").map(|r| format!("0{r}"))
        } else if let Some(rest) = digits.strip_prefix("0031") {
            Some(format!("0{rest}"))
        } else if digits.starts_with("00") {
            None
        } else {
            Some(digits.clone())
        };
        if let Some(national) = &national {
            let national = national
                .strip_prefix("00")
                .map(|n| format!("0{n}"))
                .unwrap_or(national.clone());
            // Dutch service numbers have 8 or 11 digits as well as 10: refused by
            // prefix before their length is judged.
            if is_dutch_service(&national) {
                return Err(PhoneError::ServiceNumber);
            }
            if national.len() < 10 {
                return Err(PhoneError::TooShort);
            }
            if national.len() > 10 {
                return Err(PhoneError::TooLong);
            }
        } else if digits.len() > 17 {
            return Err(PhoneError::TooLong);
        }
        let normalised = if digits.starts_with("00") && !trimmed.starts_with('+') {
            format!("+{}", &digits[2..])
        } else if trimmed.starts_with('+') {
            format!("+{}", digits)
        } else {
            digits.clone()
        };
        PATTERNS_USED.store(true, std::sync::atomic::Ordering::Relaxed);
        let parsed = phonenumber::parse(Some(phonenumber::country::Id::NL), &normalised)
            .map_err(|_| PhoneError::Invalid)?;
        // The international satellite networks (+881, +882, +883): libphonenumber
        // calls some of them mobile, but calling one back costs like premium rate.
        if matches!(parsed.code().value(), 881..=883) {
            return Err(PhoneError::ServiceNumber);
        }
        if !phonenumber::is_valid(&parsed) {
            return Err(PhoneError::Invalid);
        }
        if matches!(
            parsed.number_type(&phonenumber::metadata::DATABASE),
            phonenumber::Type::TollFree
                | phonenumber::Type::PremiumRate
                | phonenumber::Type::SharedCost
        ) {
            return Err(PhoneError::ServiceNumber);
        }
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        let national = parsed
            .format()
            .mode(phonenumber::Mode::National)
            .to_string();
        Ok(PhoneNumber { e164, national })
    }

    /// Gives back what checking numbers keeps in memory: the compiled number
    /// patterns and the automata the regex engine builds lazily while matching, which
    /// grow with every new number (about 1 MB after a day of requests). Called when a
    /// visit ends; the next number checked compiles the patterns again (milliseconds).
    /// Does nothing when no number was checked since: touching the database would
    /// load it (about 3.5 MB) just to empty its cache.
    pub fn release_patterns() {
        if !PATTERNS_USED.swap(false, std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.clear();
        }
    }

    pub fn e164(&self) -> &str {
        &self.e164
    }

    pub fn national(&self) -> &str {
        &self.national
    }

    /// "06 •••••• 78": enough for the visitor to recognise, not enough to read over
    /// a shoulder.
    pub fn masked(&self) -> String {
        let digits: Vec<char> = self.national.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 5 {
            return "•".repeat(digits.len());
        }
        let head: String = digits[..2].iter().collect();
        let tail: String = digits[digits.len() - 2..].iter().collect();
        format!("{head} {} {tail}", "•".repeat(digits.len() - 4))
    }

    /// The last two digits, which speech mode may say aloud.
    pub fn last_two(&self) -> String {
        let digits: Vec<char> = self.e164.chars().filter(char::is_ascii_digit).collect();
        digits[digits.len().saturating_sub(2)..].iter().collect()
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber([redacted])")
    }
}

/// The best time to call and the topic are the wire contract's own types
/// (`samen_wire::callback`), so the kiosk and the hub agree on every spelling.
pub use samen_wire::callback::{BestTime as TimeSlot, Topic};

/// A time slot as typed (`callback submit --when`) or tapped: the English key, or the
/// Dutch word.
pub fn parse_slot(text: &str) -> Option<TimeSlot> {
    match text.trim().to_ascii_lowercase().as_str() {
        "morning" | "ochtend" => Some(TimeSlot::Morning),
        "afternoon" | "middag" => Some(TimeSlot::Afternoon),
        "evening" | "avond" => Some(TimeSlot::Evening),
        "any" | "maakt-niet-uit" => Some(TimeSlot::Any),
        _ => None,
    }
}

/// Text from a feed (an activity's title) made fit for one line of an e-mail or a
/// field of the webhook body: control characters, line and paragraph separators become
/// spaces, runs of white space one space.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A topic as typed: `activity:<title>` (at most 120 characters, on one line: see
/// [`one_line`]), `chat`, `volunteering`, `other`.
pub fn parse_topic(text: &str) -> Option<Topic> {
    let text = text.trim();
    if let Some(title) = text.strip_prefix("activity:") {
        let title: String = one_line(title).chars().take(120).collect();
        return (!title.is_empty()).then_some(Topic::Activity { title });
    }
    match text {
        "chat" => Some(Topic::Chat),
        "volunteering" => Some(Topic::Volunteering),
        "other" => Some(Topic::Other),
        _ => None,
    }
}

/// A complete, valid request, ready for the outbox.
#[derive(Debug, Clone)]
pub struct CallbackRequest {
    pub id: uuid::Uuid,
    pub kiosk_id: String,
    pub first_name: FirstName,
    pub phone: PhoneNumber,
    pub slot: TimeSlot,
    pub topic: Option<Topic>,
    pub lang: Lang,
    pub consent_version: String,
    pub consented_at: DateTime<Utc>,
    /// Sent from the admin screen to check delivery: the intake ignores it.
    pub test: bool,
}

impl CallbackRequest {
    pub fn new(
        kiosk_id: &str,
        first_name: FirstName,
        phone: PhoneNumber,
        slot: TimeSlot,
        topic: Option<Topic>,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> CallbackRequest {
        CallbackRequest {
            id: uuid::Uuid::new_v4(),
            kiosk_id: kiosk_id.to_string(),
            first_name,
            phone,
            slot,
            topic,
            lang,
            consent_version: CONSENT_VERSION.to_string(),
            consented_at: now,
            test: false,
        }
    }

    /// The webhook body (docs/webhook.md, `samen_wire::callback::CallbackBody`).
    /// Built once at submit time and stored, so every retry sends the same bytes.
    pub fn payload(&self) -> Vec<u8> {
        let body = samen_wire::callback::CallbackBody {
            id: self.id.to_string(),
            kiosk_id: self.kiosk_id.clone(),
            first_name: self.first_name.as_str().to_string(),
            phone: self.phone.e164().to_string(),
            phone_national: self.phone.national().to_string(),
            when: self.slot,
            topic: self.topic.clone(),
            language: self.lang.code().to_string(),
            consent: samen_wire::callback::Consent {
                version: self.consent_version.clone(),
                // Whole seconds, as the consent was always stated.
                at: self
                    .consented_at
                    .with_nanosecond(0)
                    .unwrap_or(self.consented_at),
            },
            test: self.test,
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

/// What a visitor entered, as text: the screen and `callback submit` both hand their
/// input over in this form, so both go through the same checks.
#[derive(Clone, Copy)]
pub struct Form<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub slot: &'a str,
    pub topic: Option<&'a str>,
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("first name: {0}")]
    Name(NameError),
    #[error("phone number: {0}")]
    Phone(PhoneError),
    #[error("time to call: use morning, afternoon, evening or any")]
    Slot,
    #[error("topic: use activity:<title>, chat, volunteering or other")]
    Topic,
    #[error("{0:#}")]
    Save(anyhow::Error),
}

/// Checks the form and commits the request to the outbox. `Ok` means it is on disk.
pub fn submit(
    outbox: &outbox::Outbox,
    kiosk_id: &str,
    form: Form<'_>,
    now: DateTime<Utc>,
) -> Result<CallbackRequest, SubmitError> {
    let request = build(kiosk_id, form, now)?;
    outbox.submit(&request).map_err(SubmitError::Save)?;
    tracing::info!(request = %request.id, "callback request saved");
    Ok(request)
}

/// The same checks as `submit`, for a demonstration (`callback.demo`): the request is
/// built and dropped, never stored.
pub fn check(form: Form<'_>, now: DateTime<Utc>) -> Result<CallbackRequest, SubmitError> {
    build("demo", form, now)
}

fn build(
    kiosk_id: &str,
    form: Form<'_>,
    now: DateTime<Utc>,
) -> Result<CallbackRequest, SubmitError> {
    let first_name = FirstName::parse(form.name).map_err(SubmitError::Name)?;
    let phone = PhoneNumber::parse(form.phone).map_err(SubmitError::Phone)?;
    let slot = parse_slot(form.slot).ok_or(SubmitError::Slot)?;
    let topic = match form.topic.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(parse_topic(t).ok_or(SubmitError::Topic)?),
    };
    Ok(CallbackRequest::new(
        kiosk_id, first_name, phone, slot, topic, form.lang, now,
    ))
}

/// A test request from the admin screen: "Test" with the intake's own number and
/// `"test": true`, through the outbox and the configured delivery like any other.
pub fn submit_test(
    outbox: &outbox::Outbox,
    kiosk_id: &str,
    intake_phone: &str,
    now: DateTime<Utc>,
) -> Result<CallbackRequest, SubmitError> {
    let phone = PhoneNumber::parse(intake_phone).map_err(SubmitError::Phone)?;
    let first_name = FirstName::parse("Test").map_err(SubmitError::Name)?;
    let mut request = CallbackRequest::new(
        kiosk_id,
        first_name,
        phone,
        TimeSlot::Any,
        Some(Topic::Other),
        Lang::Nl,
        now,
    );
    request.test = true;
    outbox.submit(&request).map_err(SubmitError::Save)?;
    tracing::info!(request = %request.id, "test callback request saved");
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_body_is_the_wire_contract_the_hub_checks() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T09:42:10.987Z")
            .unwrap()
            .with_timezone(&Utc);
        let request = CallbackRequest::new(
            "bieb-centrum",
            FirstName::parse("Zoë").unwrap(),
            PhoneNumber::parse("06 12345678").unwrap(),
            TimeSlot::Evening,
            parse_topic("activity:Koffieochtend"),
            Lang::Nl,
            now,
        );
        let bytes = request.payload();
        let body = samen_wire::callback::CallbackBody::parse(&bytes).expect("the hub accepts it");
        assert_eq!(body.id, request.id.to_string());
        assert_eq!(body.when, TimeSlot::Evening);
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains(r#""consent":{"version":"2026-11-28.1","at":"2026-11-28T09:42:10Z"}"#),
            "whole seconds, as before: {text}"
        );
        assert!(text
            .contains(r#""when":"evening","topic":{"kind":"activity","title":"Koffieochtend"}"#));
    }

    /// Every Dutch service prefix at every length (7 to 11 digits nationally), in
    /// national, +31 and 0031 form, with and without spaces: refused as a service
    /// number, never as "too short" or "too long".
    #[test]
    fn dutch_service_numbers_of_every_length_are_refused() {
        for prefix in ["0800", "0900", "0906", "0909"] {
            for len in 7..=11 {
                let national = format!("{prefix}{}", &"1234567"[..len - 4]);
                let rest = &national[1..];
                for raw in [
                    national.clone(),
                    format!("{prefix}-{}", &national[4..]),
                    format!("{} {}", &national[..4], &national[4..]),
                    format!("+31{rest}"),
                    format!("+31 {} {}", &rest[..3], &rest[3..]),
                    format!("0031{rest}"),
                ] {
                    assert_eq!(
                        PhoneNumber::parse(&raw).err(),
                        Some(PhoneError::ServiceNumber),
                        "{raw}"
                    );
                }
            }
        }
        assert_eq!(PhoneError::ServiceNumber.code(), "phone-service");
    }

    /// Foreign service numbers by the type libphonenumber gives them, and the
    /// satellite networks by their country code.
    #[test]
    fn foreign_service_and_satellite_numbers_are_refused() {
        for raw in [
            "+44 909 879 0000",  // UK premium rate
            "+44 800 123 4567",  // UK free-phone
            "+44 843 123 4567",  // UK shared cost
            "+1 800 234 5678",   // North American toll-free
            "+1 900 234 5678",   // North American premium rate
            "+49 800 1234567",   // German free-phone
            "+49 900 1 123456",  // German premium rate
            "+32 800 12345",     // Belgian free-phone
            "+32 90 123 456",    // Belgian premium rate
            "+33 8 91 12 34 56", // French premium rate
            "+881234567890",     // satellite (GMSS)
            "+881 6 12345678",
            "+882 13 1234567", // international networks
            "+883 510 012345",
            "00881234567890",
            "+800 1234 5678", // international free-phone
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).err(),
                Some(PhoneError::ServiceNumber),
                "{raw}"
            );
        }
    }

    /// The form shows `phone-service` with its own sentence, translated in every
    /// language; `callback submit` prints the error's own text.
    #[test]
    fn the_service_number_message_is_in_all_four_languages() {
        const NL: &str = "Dit is een servicenummer. Vul het nummer in waarop wij u kunnen bellen.";
        let slint = include_str!("../../ui/callback.slint");
        assert!(slint.contains(&format!(
            "if code == \"phone-service\" {{ return @tr(\"{NL}\"); }}"
        )));
        for po in [
            include_str!("../../translations/en/LC_MESSAGES/samen-kiosk.po"),
            include_str!("../../translations/tr/LC_MESSAGES/samen-kiosk.po"),
            include_str!("../../translations/pl/LC_MESSAGES/samen-kiosk.po"),
        ] {
            let entry = format!("msgid \"{NL}\"\nmsgstr \"");
            let at = po.find(&entry).expect("translated") + entry.len();
            assert!(!po[at..].starts_with('"'), "an empty translation");
        }
        let err = SubmitError::Phone(PhoneError::ServiceNumber).to_string();
        assert!(err.contains("service number"), "{err}");
    }

    /// Numbers a visitor can be called back on stay accepted: mobile, fixed line,
    /// VoIP (085, 091), UAN (088), personal (087), foreign mobile and fixed.
    #[test]
    fn numbers_that_can_be_called_back_are_kept() {
        for raw in [
            "06 12345678",       // mobile
            "020 123 4567",      // fixed line
            "035 623 11 00",     // fixed line
            "085 123 4567",      // VoIP
            "091 123 4567",      // VoIP
            "088 123 4567",      // UAN (company number)
            "087 123 4567",      // personal number
            "+31 6 12345678",    // mobile, international form
            "+44 7911 123456",   // UK mobile
            "+44 20 7946 0000",  // UK fixed line
            "+49 30 1234567",    // German fixed line
            "+49 151 12345678",  // German mobile
            "+32 474 09 11 50",  // Belgian mobile
            "+90 532 123 45 67", // Turkish mobile
            "+48 512 345 678",   // Polish mobile
            "+1 613 782 7274",   // Canada, fixed line or mobile
        ] {
            assert!(
                PhoneNumber::parse(raw).is_ok(),
                "{raw}: {:?}",
                PhoneNumber::parse(raw).err()
            );
        }
    }

    #[test]
    fn dutch_numbers_in_every_usual_form() {
        for raw in [
            "06 12345678",
            "06-12345678",
            "0612345678",
            "+31 6 12345678",
            "0031 6 1234 5678",
            "035-6231100",
            "035 623 11 00",
            "(035) 623 1100",
        ] {
            let n = PhoneNumber::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert!(n.e164().starts_with("+31"), "{raw} -> {}", n.e164());
        }
        assert_eq!(
            PhoneNumber::parse("06 12345678").unwrap().e164(),
            "+31612345678"
        );
        assert_eq!(
            PhoneNumber::parse("0031612345678").unwrap().e164(),
            "+31612345678"
        );
    }

    #[test]
    fn wrong_numbers_say_what_is_wrong() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        assert_eq!(PhoneNumber::parse("06 1234567"), Err(PhoneError::TooShort));
        assert_eq!(PhoneNumber::parse("06 123456789"), Err(PhoneError::TooLong));
        assert_eq!(PhoneNumber::parse("06 1234 abcd"), Err(PhoneError::Letters));
        assert_eq!(PhoneNumber::parse("112"), Err(PhoneError::ShortCode));
        assert_eq!(PhoneNumber::parse("113"), Err(PhoneError::ShortCode));
        assert_eq!(PhoneNumber::parse("14035"), Err(PhoneError::ShortCode));
        assert_eq!(PhoneNumber::parse("06123"), Err(PhoneError::TooShort));
        assert_eq!(PhoneNumber::parse("+31 6 1234"), Err(PhoneError::TooShort));
        assert_eq!(PhoneNumber::parse("0000000000"), Err(PhoneError::Invalid));
    }

    #[test]
    fn masking_hides_the_middle() {
        let n = PhoneNumber::parse("06 12345678").unwrap();
        assert_eq!(n.masked(), "06 •••••• 78");
        assert_eq!(n.last_two(), "78");
        assert_eq!(format!("{n:?}"), "PhoneNumber([redacted])");
    }

    #[test]
    fn first_names() {
        assert_eq!(FirstName::parse("  Anna  ").unwrap().as_str(), "Anna");
        assert_eq!(FirstName::parse("Zoë-Marie").unwrap().as_str(), "Zoë-Marie");
        assert_eq!(
            FirstName::parse("D'Artagnan Jan").unwrap().as_str(),
            "D'Artagnan Jan"
        );
        assert_eq!(FirstName::parse("Çağla").unwrap().as_str(), "Çağla");
        assert_eq!(FirstName::parse("   "), Err(NameError::Empty));
        // Decomposed (NFD), as some keyboards and pastes give it: the same name, NFC.
        assert_eq!(
            FirstName::parse("Rene\u{301}e").map(|n| n.as_str().to_string()),
            Ok("Renée".to_string())
        );
        assert_eq!(
            FirstName::parse("S\u{327}u\u{308}kru\u{308}").map(|n| n.as_str().to_string()),
            Ok("Şükrü".to_string())
        );
        assert_eq!(FirstName::parse("R2D2"), Err(NameError::Characters));
        assert_eq!(FirstName::parse("--"), Err(NameError::Characters));
        assert_eq!(FirstName::parse(&"a".repeat(41)), Err(NameError::TooLong));
        assert!(
            FirstName::parse(&"é".repeat(40)).is_ok(),
            "40 characters, not bytes"
        );
    }
}
