//! How often an activity comes back, in words: "elke dinsdag", "om de week op
//! vrijdag", "elke eerste zondag van de maand" (and the same in en, tr, pl).

use super::dates::*;
use super::Lang;
use chrono::Weekday;

pub(super) fn weekday_plural(lang: Lang, day: Weekday) -> String {
    match lang {
        Lang::Nl => weekday(lang, day).to_string(),
        Lang::En => format!("{}s", weekday(lang, day)),
        // Turkish says "her pazartesi": the day does not change.
        Lang::Tr => weekday(lang, day).to_string(),
        // "w poniedziałki i czwartki".
        Lang::Pl => [
            "poniedziałki",
            "wtorki",
            "środy",
            "czwartki",
            "piątki",
            "soboty",
            "niedziele",
        ][day.num_days_from_monday() as usize]
            .to_string(),
    }
}

/// Polish: środa, sobota and niedziela are feminine, the other days masculine. The
/// gender decides "w każdy poniedziałek" or "w każdą środę".
pub(super) fn pl_feminine(day: Weekday) -> bool {
    matches!(day, Weekday::Wed | Weekday::Sat | Weekday::Sun)
}

/// Polish accusative after "w": "w środę", "w sobotę"; the masculine days stay the same.
pub(super) fn pl_accusative(day: Weekday) -> &'static str {
    [
        "poniedziałek",
        "wtorek",
        "środę",
        "czwartek",
        "piątek",
        "sobotę",
        "niedzielę",
    ][day.num_days_from_monday() as usize]
}

/// Polish "in/on": "we wtorek", "we wtorki", but "w" before every other day.
pub(super) fn pl_in(first: Option<Weekday>) -> &'static str {
    if first == Some(Weekday::Tue) {
        "we"
    } else {
        "w"
    }
}

/// Polish "every 3 weeks" / "every 5 weeks": "co 3 tygodnie", "co 5 tygodni".
pub(super) fn pl_weeks(n: u16) -> &'static str {
    if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        "tygodnie"
    } else {
        "tygodni"
    }
}

/// How an activity repeats, in a form that can be put into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repeat {
    Once,
    Daily,
    /// Every `interval` weeks on these days.
    Weekly {
        days: Vec<Weekday>,
        interval: u16,
    },
    /// The n-th (1..=5, or -1 for last) weekday of every month.
    MonthlyNth {
        nth: i16,
        day: Weekday,
    },
    /// Some other rule: shown as "regelmatig" with the next date.
    Other,
}

pub(super) fn ordinal(lang: Lang, nth: i16) -> &'static str {
    match (lang, nth) {
        (Lang::Nl, 1) => "eerste",
        (Lang::Nl, 2) => "tweede",
        (Lang::Nl, 3) => "derde",
        (Lang::Nl, 4) => "vierde",
        (Lang::Nl, 5) => "vijfde",
        (Lang::Nl, _) => "laatste",
        (Lang::En, 1) => "first",
        (Lang::En, 2) => "second",
        (Lang::En, 3) => "third",
        (Lang::En, 4) => "fourth",
        (Lang::En, 5) => "fifth",
        (Lang::En, _) => "last",
        // "her ayın ilk cumartesi günü".
        (Lang::Tr, 1) => "ilk",
        (Lang::Tr, 2) => "ikinci",
        (Lang::Tr, 3) => "üçüncü",
        (Lang::Tr, 4) => "dördüncü",
        (Lang::Tr, 5) => "beşinci",
        (Lang::Tr, _) => "son",
        // Masculine: "w każdy pierwszy poniedziałek"; see `pl_ordinal_feminine`.
        (Lang::Pl, 1) => "pierwszy",
        (Lang::Pl, 2) => "drugi",
        (Lang::Pl, 3) => "trzeci",
        (Lang::Pl, 4) => "czwarty",
        (Lang::Pl, 5) => "piąty",
        (Lang::Pl, _) => "ostatni",
    }
}

/// Polish feminine accusative: "w każdą pierwszą sobotę miesiąca".
pub(super) fn pl_ordinal_feminine(nth: i16) -> &'static str {
    match nth {
        1 => "pierwszą",
        2 => "drugą",
        3 => "trzecią",
        4 => "czwartą",
        5 => "piątą",
        _ => "ostatnią",
    }
}

/// "elke dinsdag", "elke maandag en donderdag", "om de week op vrijdag",
/// "elke eerste zaterdag van de maand"; `None` for one-offs.
pub fn repeat_phrase(lang: Lang, repeat: &Repeat) -> Option<String> {
    match repeat {
        Repeat::Once => None,
        Repeat::Daily => Some(match lang {
            Lang::Nl => "elke dag".into(),
            Lang::En => "every day".into(),
            Lang::Tr => "her gün".into(),
            Lang::Pl => "codziennie".into(),
        }),
        Repeat::Weekly { days, interval } => {
            let first = days.first().copied();
            let several = days.len() > 1;
            let names: Vec<String> = match (lang, *interval) {
                (Lang::En, 1) => days.iter().map(|d| weekday(lang, *d).to_string()).collect(),
                (Lang::En, _) => days.iter().map(|d| weekday_plural(lang, *d)).collect(),
                (Lang::Nl, _) => days.iter().map(|d| weekday(lang, *d).to_string()).collect(),
                (Lang::Tr, _) => days.iter().map(|d| weekday(lang, *d).to_string()).collect(),
                // "w poniedziałki i czwartki": the plural needs no "każdy"/"każdą" that
                // would have to agree with days of different genders.
                (Lang::Pl, 1) if several => days.iter().map(|d| weekday_plural(lang, *d)).collect(),
                (Lang::Pl, _) => days.iter().map(|d| pl_accusative(*d).to_string()).collect(),
            };
            let days = join(lang, &names);
            Some(match (lang, *interval) {
                (Lang::Nl, 1) => format!("elke {days}"),
                (Lang::Nl, 2) => format!("om de week op {days}"),
                (Lang::Nl, n) => format!("om de {n} weken op {days}"),
                (Lang::En, 1) => format!("every {days}"),
                (Lang::En, 2) => format!("every other week on {days}"),
                (Lang::En, n) => format!("every {n} weeks on {days}"),
                (Lang::Tr, 1) => format!("her {days}"),
                // Digits, not "iki": `capitalise` would turn a leading "i" into "I", not
                // the Turkish "İ" (which the bundled font does not have either).
                (Lang::Tr, n) => format!("{n} haftada bir {days}"),
                (Lang::Pl, 1) if several => format!("{} {days}", pl_in(first)),
                (Lang::Pl, 1) => {
                    let every = if first.is_some_and(pl_feminine) {
                        "każdą"
                    } else {
                        "każdy"
                    };
                    format!("w {every} {days}")
                }
                (Lang::Pl, 2) => format!("co drugi tydzień {} {days}", pl_in(first)),
                (Lang::Pl, n) => format!("co {n} {} {} {days}", pl_weeks(n), pl_in(first)),
            })
        }
        Repeat::MonthlyNth { nth, day } => Some(match lang {
            Lang::Nl => format!(
                "elke {} {} van de maand",
                ordinal(lang, *nth),
                weekday(lang, *day)
            ),
            Lang::En => format!(
                "every {} {} of the month",
                ordinal(lang, *nth),
                weekday(lang, *day)
            ),
            Lang::Tr => format!(
                "her ayın {} {} günü",
                ordinal(lang, *nth),
                weekday(lang, *day)
            ),
            Lang::Pl => {
                let (every, ord) = if pl_feminine(*day) {
                    ("każdą", pl_ordinal_feminine(*nth))
                } else {
                    ("każdy", ordinal(lang, *nth))
                };
                format!("w {every} {ord} {} miesiąca", pl_accusative(*day))
            }
        }),
        Repeat::Other => Some(match lang {
            Lang::Nl => "regelmatig".into(),
            Lang::En => "regularly".into(),
            Lang::Tr => "düzenli olarak".into(),
            Lang::Pl => "regularnie".into(),
        }),
    }
}
