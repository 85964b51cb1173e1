//! Words the kiosk builds from data: dates, times, recurrence ("elke dinsdag"), cost.
//! Fixed UI text is translated in the `.slint` files with `@tr()` and the gettext
//! catalogues in `translations/`; what is composed from activity data lives here, one
//! match arm per language. Adding a language means a `Lang` variant, a `.po` file and
//! the arms below.

use std::collections::BTreeMap;
use std::fmt;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Nl,
    En,
    Tr,
    Pl,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Nl, Lang::En, Lang::Tr, Lang::Pl];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
            Lang::Tr => "tr",
            Lang::Pl => "pl",
        }
    }

    /// The language's own name, as shown on the language buttons.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
            Lang::Tr => "Türkçe",
            Lang::Pl => "Polski",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" | "nl-nl" | "nl_nl" => Some(Lang::Nl),
            "en" | "en-gb" | "en-us" | "en_gb" | "en_us" => Some(Lang::En),
            "tr" | "tr-tr" | "tr_tr" => Some(Lang::Tr),
            "pl" | "pl-pl" | "pl_pl" => Some(Lang::Pl),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An activity's title as the screens show it: an event without a title (an
/// iCalendar VEVENT without SUMMARY) gets a neutral word in the screen's language,
/// the same as the `@tr("Activiteit")` of the detail screen.
pub fn activity_title(lang: Lang, title: &str) -> &str {
    if !title.trim().is_empty() {
        return title;
    }
    match lang {
        Lang::Nl => "Activiteit",
        Lang::En => "Activity",
        Lang::Tr => "Etkinlik",
        Lang::Pl => "Wydarzenie",
    }
}

mod dates;
mod repeat;

pub use dates::*;
pub use repeat::*;

#[cfg(test)]
mod tests;
