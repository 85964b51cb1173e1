//! Dates and times in words, as people say them: "zaterdag 28 november", "morgen",
//! "10:00 - 11:30", "bijgewerkt om 09:15", and the cost line.

use super::Lang;
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

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

pub(super) fn join(lang: Lang, parts: &[String]) -> String {
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
