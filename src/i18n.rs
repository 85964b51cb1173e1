//! Words the kiosk builds from data: dates, times, recurrence ("elke dinsdag"), cost.
//! Fixed UI text is translated in the `.slint` files with `@tr()` and the gettext
//! catalogues in `translations/`; what is composed from activity data lives here, one
//! match arm per language. Adding a language means a `Lang` variant, a `.po` file and
//! the arms below.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language's own name, as shown on the language buttons.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" | "nl-nl" | "nl_nl" => Some(Lang::Nl),
            "en" | "en-gb" | "en-us" | "en_gb" | "en_us" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

pub fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Nl => [
            "maandag",
            "dinsdag",
            "woensdag",
            "donderdag",
            "vrijdag",
            "zaterdag",
            "zondag",
        ][i],
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
    }
}

fn weekday_plural(lang: Lang, day: Weekday) -> String {
    match lang {
        Lang::Nl => weekday(lang, day).to_string(),
        Lang::En => format!("{}s", weekday(lang, day)),
    }
}

pub fn month(lang: Lang, month: u32) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Nl => [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ][i],
        Lang::En => [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][i],
    }
}

/// "zaterdag 28 november" / "Saturday 28 November".
pub fn long_date(lang: Lang, date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        weekday(lang, date.weekday()),
        date.day(),
        month(lang, date.month())
    )
}

/// "za 28 nov" style is avoided on purpose: abbreviations are harder to read.
/// Relative where it helps: "vandaag", "morgen", else the long date.
pub fn relative_date(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let days = (date - today).num_days();
    match (lang, days) {
        (Lang::Nl, 0) => "vandaag".into(),
        (Lang::Nl, 1) => "morgen".into(),
        (Lang::En, 0) => "today".into(),
        (Lang::En, 1) => "tomorrow".into(),
        _ => long_date(lang, date),
    }
}

/// "vandaag", "morgen", else the weekday: enough within the coming week.
pub fn relative_weekday(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 | 1 => relative_date(lang, date, today),
        _ => weekday(lang, date.weekday()).to_string(),
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

pub fn clock(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// "10:00 - 11:30", or "hele dag" for all-day activities.
pub fn time_range(lang: Lang, start: NaiveTime, end: NaiveTime, all_day: bool) -> String {
    if all_day {
        return match lang {
            Lang::Nl => "hele dag".into(),
            Lang::En => "all day".into(),
        };
    }
    if start == end {
        return clock(start);
    }
    format!("{} - {}", clock(start), clock(end))
}

fn join(lang: Lang, parts: &[String]) -> String {
    let and = match lang {
        Lang::Nl => "en",
        Lang::En => "and",
    };
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
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

fn ordinal(lang: Lang, nth: i16) -> &'static str {
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
        }),
        Repeat::Weekly { days, interval } => {
            let names: Vec<String> = match (lang, *interval) {
                (Lang::En, 1) => days.iter().map(|d| weekday(lang, *d).to_string()).collect(),
                (Lang::En, _) => days.iter().map(|d| weekday_plural(lang, *d)).collect(),
                (Lang::Nl, _) => days.iter().map(|d| weekday(lang, *d).to_string()).collect(),
            };
            let days = join(lang, &names);
            Some(match (lang, *interval) {
                (Lang::Nl, 1) => format!("elke {days}"),
                (Lang::Nl, 2) => format!("om de week op {days}"),
                (Lang::Nl, n) => format!("om de {n} weken op {days}"),
                (Lang::En, 1) => format!("every {days}"),
                (Lang::En, 2) => format!("every other week on {days}"),
                (Lang::En, n) => format!("every {n} weeks on {days}"),
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
        }),
        Repeat::Other => Some(match lang {
            Lang::Nl => "regelmatig".into(),
            Lang::En => "regularly".into(),
        }),
    }
}

/// "Gratis" / "€ 2,50" / "€2.50", with an optional note.
pub fn cost(lang: Lang, amount_cents: Option<u32>, note: &str) -> String {
    let base = match amount_cents {
        None => String::new(),
        Some(0) => match lang {
            Lang::Nl => "Gratis".into(),
            Lang::En => "Free".into(),
        },
        Some(c) => {
            let (euros, cents) = (c / 100, c % 100);
            match (lang, cents) {
                (Lang::Nl, 0) => format!("€ {euros}"),
                (Lang::Nl, _) => format!("€ {euros},{cents:02}"),
                (Lang::En, 0) => format!("€{euros}"),
                (Lang::En, _) => format!("€{euros}.{cents:02}"),
            }
        }
    };
    match (base.is_empty(), note.is_empty()) {
        (_, true) => base,
        (true, false) => note.to_string(),
        (false, false) => format!("{base} ({note})"),
    }
}

/// "Bijgewerkt om 09:15", or with the date when it was not today.
pub fn updated_at(lang: Lang, when: chrono::DateTime<chrono_tz::Tz>, today: NaiveDate) -> String {
    let time = clock(when.time());
    let date = when.date_naive();
    match (lang, date == today) {
        (Lang::Nl, true) => format!("Bijgewerkt om {time}"),
        (Lang::Nl, false) => format!(
            "Bijgewerkt op {} {} om {time}",
            date.day(),
            month(lang, date.month())
        ),
        (Lang::En, true) => format!("Updated at {time}"),
        (Lang::En, false) => format!(
            "Updated on {} {} at {time}",
            date.day(),
            month(lang, date.month())
        ),
    }
}

/// The word for "next time" on the detail screen.
pub fn next_time(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    relative_date(lang, date, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_say_them() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(long_date(Lang::Nl, d), "zaterdag 28 november");
        assert_eq!(long_date(Lang::En, d), "Saturday 28 November");
        assert_eq!(relative_date(Lang::Nl, d, d), "vandaag");
        assert_eq!(relative_date(Lang::Nl, d, d.pred_opt().unwrap()), "morgen");
    }

    #[test]
    fn repeats_in_words() {
        let weekly = Repeat::Weekly {
            days: vec![Weekday::Mon, Weekday::Thu],
            interval: 1,
        };
        assert_eq!(
            repeat_phrase(Lang::Nl, &weekly).unwrap(),
            "elke maandag en donderdag"
        );
        assert_eq!(
            repeat_phrase(Lang::En, &weekly).unwrap(),
            "every Monday and Thursday"
        );
        let monthly = Repeat::MonthlyNth {
            nth: 1,
            day: Weekday::Sat,
        };
        assert_eq!(
            repeat_phrase(Lang::Nl, &monthly).unwrap(),
            "elke eerste zaterdag van de maand"
        );
        assert_eq!(repeat_phrase(Lang::Nl, &Repeat::Once), None);
    }

    #[test]
    fn cost_in_words() {
        assert_eq!(cost(Lang::Nl, Some(0), ""), "Gratis");
        assert_eq!(
            cost(Lang::Nl, Some(250), "inclusief koffie"),
            "€ 2,50 (inclusief koffie)"
        );
        assert_eq!(cost(Lang::En, Some(750), ""), "€7.50");
        assert_eq!(cost(Lang::En, None, ""), "");
    }
}
