//! The callback form as the visitor goes through it, one question a screen, as plain
//! Rust: which step shows, what each step takes, when "Verder" moves on, where "Terug"
//! leads. The UI (`ui::callback`) only shows it; the same checks as `submit` decide.
//!
//! Steps: 16 or older? (no: `Under16`, the helplines, nothing stored) → what about
//! (optional) → first name → phone number → best time → consent → `Done` (saved) or
//! `Failed` (could not be saved).

use super::{FirstName, PhoneNumber};
use crate::i18n::Lang;
use std::fmt;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    #[default]
    Age,
    Under16,
    Topic,
    Name,
    Phone,
    Time,
    Consent,
    Done,
    Failed,
}

impl Step {
    /// Where "Terug" leads within the form; `None`: out of it.
    pub fn previous(self) -> Option<Step> {
        match self {
            Step::Age | Step::Done | Step::Failed => None,
            Step::Under16 | Step::Topic => Some(Step::Age),
            Step::Name => Some(Step::Topic),
            Step::Phone => Some(Step::Name),
            Step::Time => Some(Step::Phone),
            Step::Consent => Some(Step::Time),
        }
    }

    /// The form has ended (saved, or could not be saved): "Terug" ends the visit.
    pub fn is_final(self) -> bool {
        matches!(self, Step::Done | Step::Failed)
    }
}

/// The longest first name the keyboard takes (as `FirstName::parse` allows).
const NAME_MAX: usize = 40;
/// The most digits the number pad takes (E.164 has at most 15, plus a leading 0).
const PHONE_MAX: usize = 16;

/// What the visitor entered so far. Wiped with the session; never printed.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Entry {
    pub step: Step,
    pub name: String,
    pub phone: String,
    /// `activity:<title>`, `chat`, `volunteering`, `other`, or none.
    pub topic: Option<String>,
    /// The activity the form was opened from ("" when none).
    pub activity_title: String,
    /// `morning`, `afternoon`, `evening` or `any` once chosen.
    pub slot: String,
    pub consent: bool,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("step", &self.step)
            .field("name", &"[redacted]")
            .field("phone", &"[redacted]")
            .field("topic", &self.topic.as_ref().map(|_| "[set]"))
            .field("slot", &self.slot)
            .field("consent", &self.consent)
            .finish()
    }
}

impl Entry {
    /// A fresh form, with the activity filled in when opened from its detail.
    pub fn new(activity_title: impl Into<String>) -> Entry {
        Entry {
            activity_title: activity_title.into(),
            ..Entry::default()
        }
    }

    /// "Ik ben 16 of ouder" / "Ik ben jonger dan 16".
    pub fn answer_age(&mut self, adult: bool) {
        self.step = if adult { Step::Topic } else { Step::Under16 };
    }

    /// The topic by its key ("" for none, "activity" for the activity the form was
    /// opened from); then the name.
    pub fn choose_topic(&mut self, key: &str) {
        self.topic = match key {
            "" => None,
            "activity" => Some(format!("activity:{}", self.activity_title)),
            other => Some(other.to_string()),
        };
        self.step = Step::Name;
    }

    /// A key of the keyboard or number pad. The name gets a capital at the start of
    /// each part, as people write it; the number only digits. Both are bounded.
    pub fn type_text(&mut self, text: &str) {
        match self.step {
            Step::Name if self.name.chars().count() < NAME_MAX => {
                let capital = self.name.is_empty() || self.name.ends_with([' ', '-']);
                if capital {
                    self.name.extend(text.chars().flat_map(char::to_uppercase));
                } else {
                    self.name.push_str(text);
                }
            }
            Step::Phone
                if self.phone.len() < PHONE_MAX && text.chars().all(|c| c.is_ascii_digit()) =>
            {
                self.phone.push_str(text);
            }
            _ => {}
        }
    }

    /// The erase key: the last character of the field on screen.
    pub fn erase(&mut self) {
        match self.step {
            Step::Name => drop(self.name.pop()),
            Step::Phone => drop(self.phone.pop()),
            _ => {}
        }
    }

    /// Whether "Verder" may move on from the step on screen: `Err` holds the code of
    /// the message that says what is wrong (`CallbackWords.error()`).
    pub fn check(&self) -> Result<(), &'static str> {
        match self.step {
            Step::Name => FirstName::parse(&self.name)
                .map(|_| ())
                .map_err(|e| e.code()),
            Step::Phone => PhoneNumber::parse(&self.phone)
                .map(|_| ())
                .map_err(|e| e.code()),
            _ => Ok(()),
        }
    }

    /// "Verder" on the name or number step: the next step, or the message code.
    pub fn proceed(&mut self) -> Result<(), &'static str> {
        let next = match self.step {
            Step::Name => Step::Phone,
            Step::Phone => Step::Time,
            _ => return Ok(()),
        };
        self.check()?;
        self.step = next;
        Ok(())
    }

    /// The best time to call; then the consent.
    pub fn choose_slot(&mut self, slot: &str) {
        self.slot = slot.to_string();
        self.step = Step::Consent;
    }

    pub fn toggle_consent(&mut self) {
        self.consent = !self.consent;
    }

    /// "Ja, bel mij" counts only on the consent step with the box ticked, and only
    /// once: after it the step is `Done` or `Failed`.
    pub fn can_confirm(&self) -> bool {
        self.step == Step::Consent && self.consent
    }

    /// What `callback::submit` takes.
    pub fn request(&self, lang: Lang) -> super::Form<'_> {
        super::Form {
            name: &self.name,
            phone: &self.phone,
            slot: &self.slot,
            topic: self.topic.as_deref(),
            lang,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys one at a time, as the keyboard sends them.
    fn keys(e: &mut Entry, text: &str) {
        for c in text.chars() {
            e.type_text(&c.to_string());
        }
    }

    fn at_name() -> Entry {
        let mut e = Entry::new("Koffieochtend");
        e.answer_age(true);
        e.choose_topic("activity");
        e
    }

    #[test]
    fn under_16_leads_away_from_the_questions() {
        let mut e = Entry::default();
        e.answer_age(false);
        assert_eq!(e.step, Step::Under16);
        assert_eq!(e.step.previous(), Some(Step::Age));
    }

    #[test]
    fn the_topic_can_be_the_activity_or_nothing() {
        let e = at_name();
        assert_eq!(e.topic.as_deref(), Some("activity:Koffieochtend"));
        assert_eq!(e.step, Step::Name);
        let mut e = Entry::default();
        e.answer_age(true);
        e.choose_topic("");
        assert_eq!(e.topic, None);
    }

    #[test]
    fn names_get_capitals_and_a_bound() {
        let mut e = at_name();
        for c in ["a", "n", "n", "a", "-", "m", "a", "r", "i", "e"] {
            e.type_text(c);
        }
        assert_eq!(e.name, "Anna-Marie");
        for _ in 0..60 {
            e.type_text("x");
        }
        assert_eq!(e.name.chars().count(), NAME_MAX);
        e.erase();
        assert_eq!(e.name.chars().count(), NAME_MAX - 1);
    }

    #[test]
    fn verder_needs_a_valid_name_then_a_valid_number() {
        let mut e = at_name();
        assert_eq!(e.proceed(), Err("name-empty"));
        assert_eq!(e.step, Step::Name, "stays on the step with a message");
        keys(&mut e, "anna");
        assert_eq!(e.proceed(), Ok(()));
        assert_eq!(e.step, Step::Phone);
        e.type_text("06");
        e.type_text("x");
        assert_eq!(e.phone, "06", "only digits on the number pad");
        assert!(e.proceed().is_err(), "a number that is too short");
        assert_eq!(e.step, Step::Phone);
        keys(&mut e, "12345678");
        assert_eq!(e.proceed(), Ok(()));
        assert_eq!(e.step, Step::Time);
        assert_eq!(e.step.previous(), Some(Step::Phone));
    }

    #[test]
    fn a_service_number_stays_on_the_number_step_with_its_own_message() {
        let mut e = at_name();
        keys(&mut e, "anna");
        e.proceed().unwrap();
        for number in ["0800", "0800123", "09001234", "0906123456", "09091234567"] {
            e.phone.clear();
            keys(&mut e, number);
            assert_eq!(e.proceed(), Err("phone-service"), "{number}");
            assert_eq!(e.step, Step::Phone);
        }
    }

    #[test]
    fn confirm_needs_the_consent_step_and_the_box() {
        let mut e = at_name();
        keys(&mut e, "anna");
        e.proceed().unwrap();
        keys(&mut e, "0612345678");
        e.proceed().unwrap();
        assert!(!e.can_confirm());
        e.choose_slot("morning");
        assert_eq!(e.step, Step::Consent);
        assert!(!e.can_confirm(), "nothing is pre-ticked");
        e.toggle_consent();
        assert!(e.can_confirm());
        let form = e.request(Lang::Nl);
        assert_eq!((form.name, form.slot), ("Anna", "morning"));
        e.step = Step::Done;
        assert!(!e.can_confirm(), "only once");
        assert!(e.step.is_final());
    }

    #[test]
    fn debug_hides_what_the_visitor_typed() {
        let mut e = at_name();
        keys(&mut e, "anna");
        let text = format!("{e:?}");
        assert!(!text.contains("Anna") && !text.contains("Koffie"), "{text}");
    }
}
