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
        // Lower case inside a sentence ("her pazartesi"); `long_date` capitalises.
        Lang::Tr => [
            "pazartesi",
            "salı",
            "çarşamba",
            "perşembe",
            "cuma",
            "cumartesi",
            "pazar",
        ][i],
        Lang::Pl => [
            "poniedziałek",
            "wtorek",
            "środa",
            "czwartek",
            "piątek",
            "sobota",
            "niedziela",
        ][i],
    }
}

fn weekday_plural(lang: Lang, day: Weekday) -> String {
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
fn pl_feminine(day: Weekday) -> bool {
    matches!(day, Weekday::Wed | Weekday::Sat | Weekday::Sun)
}

/// Polish accusative after "w": "w środę", "w sobotę"; the masculine days stay the same.
fn pl_accusative(day: Weekday) -> &'static str {
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
fn pl_in(first: Option<Weekday>) -> &'static str {
    if first == Some(Weekday::Tue) {
        "we"
    } else {
        "w"
    }
}

/// Polish "every 3 weeks" / "every 5 weeks": "co 3 tygodnie", "co 5 tygodni".
fn pl_weeks(n: u16) -> &'static str {
    if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        "tygodnie"
    } else {
        "tygodni"
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
        // Turkish writes month names with a capital in a date: "28 Kasım".
        Lang::Tr => [
            "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
            "Ekim", "Kasım", "Aralık",
        ][i],
        // Genitive, as in a date: "28 listopada".
        Lang::Pl => [
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ][i],
    }
}

/// "zaterdag 28 november" / "Saturday 28 November" / "28 Kasım Cumartesi" /
/// "sobota, 28 listopada". Callers capitalise the first letter where it starts a line.
pub fn long_date(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::Nl | Lang::En => format!(
            "{} {} {}",
            weekday(lang, date.weekday()),
            date.day(),
            month(lang, date.month())
        ),
        // In a Turkish date the day name has a capital too.
        Lang::Tr => format!(
            "{} {} {}",
            date.day(),
            month(lang, date.month()),
            capitalise(weekday(lang, date.weekday()))
        ),
        Lang::Pl => format!(
            "{}, {} {}",
            weekday(lang, date.weekday()),
            date.day(),
            month(lang, date.month())
        ),
    }
}

/// "za 28 nov" style is avoided on purpose: abbreviations are harder to read.
/// Relative where it helps: "vandaag", "morgen", else the long date.
pub fn relative_date(lang: Lang, date: NaiveDate, today: NaiveDate) -> String {
    let days = (date - today).num_days();
    match (lang, days) {
        (Lang::Nl, 0) => "vandaag".into(),
        (Lang::Nl, 1) => "morgen".into(),
        (Lang::Nl, _) => long_date(lang, date),
        (Lang::En, 0) => "today".into(),
        (Lang::En, 1) => "tomorrow".into(),
        (Lang::En, _) => long_date(lang, date),
        (Lang::Tr, 0) => "bugün".into(),
        (Lang::Tr, 1) => "yarın".into(),
        (Lang::Tr, _) => long_date(lang, date),
        (Lang::Pl, 0) => "dzisiaj".into(),
        (Lang::Pl, 1) => "jutro".into(),
        (Lang::Pl, _) => long_date(lang, date),
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
            Lang::Tr => "tüm gün".into(),
            Lang::Pl => "cały dzień".into(),
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
        Lang::Tr => "ve",
        Lang::Pl => "i",
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
fn pl_ordinal_feminine(nth: i16) -> &'static str {
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

/// "Gratis" / "€ 2,50" / "€2.50" / "2,50 €", with an optional note.
pub fn cost(lang: Lang, amount_cents: Option<u32>, note: &str) -> String {
    let base = match amount_cents {
        None => String::new(),
        Some(0) => match lang {
            Lang::Nl => "Gratis".into(),
            Lang::En => "Free".into(),
            Lang::Tr => "Ücretsiz".into(),
            Lang::Pl => "Bezpłatnie".into(),
        },
        Some(c) => {
            let (euros, cents) = (c / 100, c % 100);
            match (lang, cents) {
                (Lang::Nl, 0) => format!("€ {euros}"),
                (Lang::Nl, _) => format!("€ {euros},{cents:02}"),
                (Lang::En, 0) => format!("€{euros}"),
                (Lang::En, _) => format!("€{euros}.{cents:02}"),
                (Lang::Tr | Lang::Pl, 0) => format!("{euros} €"),
                (Lang::Tr | Lang::Pl, _) => format!("{euros},{cents:02} €"),
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
        (Lang::Tr, true) => format!("Son güncelleme: {time}"),
        (Lang::Tr, false) => format!(
            "Son güncelleme: {} {}, {time}",
            date.day(),
            month(lang, date.month())
        ),
        (Lang::Pl, true) => format!("Zaktualizowano o {time}"),
        (Lang::Pl, false) => format!(
            "Zaktualizowano {} {} o {time}",
            date.day(),
            month(lang, date.month())
        ),
    }
}

/// Speech mode's word before a screen's list of choices.
pub fn choices_word(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "U kunt kiezen",
        Lang::En => "You can choose",
        Lang::Tr => "Seçebilirsiniz",
        Lang::Pl => "Do wyboru",
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
        assert_eq!(cost(Lang::Tr, Some(0), ""), "Ücretsiz");
        assert_eq!(cost(Lang::Tr, Some(250), ""), "2,50 €");
        assert_eq!(cost(Lang::Pl, Some(0), ""), "Bezpłatnie");
        assert_eq!(cost(Lang::Pl, Some(500), "z kawą"), "5 € (z kawą)");
    }

    #[test]
    fn every_language_reads_its_own_code() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(Lang::parse("tr-TR"), Some(Lang::Tr));
        assert_eq!(Lang::parse("pl_PL"), Some(Lang::Pl));
        assert_eq!(Lang::Tr.endonym(), "Türkçe");
        assert_eq!(Lang::Pl.endonym(), "Polski");
    }

    #[test]
    fn turkish_and_polish_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(long_date(Lang::Tr, d), "28 Kasım Cumartesi");
        assert_eq!(long_date(Lang::Pl, d), "sobota, 28 listopada");
        assert_eq!(capitalise(&long_date(Lang::Pl, d)), "Sobota, 28 listopada");
        assert_eq!(relative_date(Lang::Tr, d, d), "bugün");
        assert_eq!(relative_date(Lang::Pl, d, d.pred_opt().unwrap()), "jutro");
        let t = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        assert_eq!(time_range(Lang::Tr, t, t, true), "tüm gün");
        assert_eq!(time_range(Lang::Pl, t, t, true), "cały dzień");
    }

    #[test]
    fn turkish_and_polish_updated_at() {
        use chrono::TimeZone;
        let when = chrono_tz::Europe::Amsterdam
            .with_ymd_and_hms(2026, 11, 27, 9, 15, 0)
            .single()
            .unwrap();
        let same_day = when.date_naive();
        let next_day = same_day.succ_opt().unwrap();
        assert_eq!(
            updated_at(Lang::Tr, when, same_day),
            "Son güncelleme: 09:15"
        );
        assert_eq!(
            updated_at(Lang::Tr, when, next_day),
            "Son güncelleme: 27 Kasım, 09:15"
        );
        assert_eq!(
            updated_at(Lang::Pl, when, same_day),
            "Zaktualizowano o 09:15"
        );
        assert_eq!(
            updated_at(Lang::Pl, when, next_day),
            "Zaktualizowano 27 listopada o 09:15"
        );
    }

    #[test]
    fn turkish_repeats_in_words() {
        let weekly = |days: Vec<Weekday>, interval| Repeat::Weekly { days, interval };
        let tr = |r: &Repeat| repeat_phrase(Lang::Tr, r).unwrap();
        assert_eq!(tr(&weekly(vec![Weekday::Mon], 1)), "her pazartesi");
        assert_eq!(
            tr(&weekly(vec![Weekday::Mon, Weekday::Thu], 1)),
            "her pazartesi ve perşembe"
        );
        assert_eq!(tr(&weekly(vec![Weekday::Fri], 2)), "2 haftada bir cuma");
        assert_eq!(
            tr(&Repeat::MonthlyNth {
                nth: 1,
                day: Weekday::Sat
            }),
            "her ayın ilk cumartesi günü"
        );
        assert_eq!(tr(&Repeat::Daily), "her gün");
        assert_eq!(tr(&Repeat::Other), "düzenli olarak");
    }

    #[test]
    fn polish_repeats_agree_in_gender_and_case() {
        let weekly = |days: Vec<Weekday>, interval| Repeat::Weekly { days, interval };
        let pl = |r: &Repeat| repeat_phrase(Lang::Pl, r).unwrap();
        assert_eq!(pl(&weekly(vec![Weekday::Mon], 1)), "w każdy poniedziałek");
        assert_eq!(pl(&weekly(vec![Weekday::Wed], 1)), "w każdą środę");
        assert_eq!(
            pl(&weekly(vec![Weekday::Mon, Weekday::Thu], 1)),
            "w poniedziałki i czwartki"
        );
        assert_eq!(
            pl(&weekly(vec![Weekday::Tue, Weekday::Sat], 1)),
            "we wtorki i soboty"
        );
        assert_eq!(
            pl(&weekly(vec![Weekday::Fri], 2)),
            "co drugi tydzień w piątek"
        );
        assert_eq!(
            pl(&weekly(vec![Weekday::Tue, Weekday::Sun], 2)),
            "co drugi tydzień we wtorek i niedzielę"
        );
        assert_eq!(pl(&weekly(vec![Weekday::Sat], 3)), "co 3 tygodnie w sobotę");
        assert_eq!(pl(&weekly(vec![Weekday::Sat], 5)), "co 5 tygodni w sobotę");
        assert_eq!(
            pl(&Repeat::MonthlyNth {
                nth: 1,
                day: Weekday::Sat
            }),
            "w każdą pierwszą sobotę miesiąca"
        );
        assert_eq!(
            pl(&Repeat::MonthlyNth {
                nth: -1,
                day: Weekday::Mon
            }),
            "w każdy ostatni poniedziałek miesiąca"
        );
        assert_eq!(pl(&Repeat::Daily), "codziennie");
        assert_eq!(pl(&Repeat::Other), "regularnie");
    }
}
