//! Dates and times in words for the pages ("vandaag 10:42", "2 werkdagen te laat"),
//! in the hub's time zone, Europe/Amsterdam.

use crate::i18n::Lang;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

pub fn local(ts: i64) -> DateTime<chrono_tz::Tz> {
    Amsterdam.from_utc_datetime(
        &DateTime::<Utc>::from_timestamp(ts, 0)
            .unwrap_or_default()
            .naive_utc(),
    )
}

pub fn local_date(ts: i64) -> NaiveDate {
    local(ts).date_naive()
}

/// The first second of a calendar day in Amsterdam, as unix seconds.
pub fn day_start(date: NaiveDate) -> i64 {
    Amsterdam
        .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.timestamp())
        .unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

pub fn rfc3339(ts: i64) -> String {
    DateTime::<Utc>::from_timestamp(ts, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// "10:42"
pub fn time(ts: i64) -> String {
    local(ts).format("%H:%M").to_string()
}

/// "vandaag 10:42", "gisteren 16:05", "3 dagen geleden (za 28 nov)".
pub fn received(ts: i64, now: i64, lang: Lang) -> String {
    let days = (local_date(now) - local_date(ts)).num_days();
    let t = local(ts);
    match (days, lang) {
        (..=0, Lang::Nl) => format!("vandaag {}", time(ts)),
        (..=0, Lang::En) => format!("today {}", time(ts)),
        (1, Lang::Nl) => format!("gisteren {}", time(ts)),
        (1, Lang::En) => format!("yesterday {}", time(ts)),
        (n, Lang::Nl) => {
            const DAYS: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ];
            use chrono::Datelike;
            format!(
                "{n} dagen geleden ({} {} {})",
                DAYS[t.weekday().num_days_from_monday() as usize],
                t.day(),
                MONTHS[t.month0() as usize]
            )
        }
        (n, Lang::En) => format!("{n} days ago ({})", t.format("%a %-d %b")),
    }
}

/// A length of time, roughly: "40 s", "5 min", "2 u 5 min", "3 dagen".
pub fn duration(seconds: i64, lang: Lang) -> String {
    let s = seconds.max(0);
    let (hours, minutes) = (s / 3600, (s % 3600) / 60);
    match (lang, s) {
        (_, 0..60) => format!("{s} s"),
        (_, 60..3600) => format!("{minutes} min"),
        (Lang::Nl, 3600..86_400) if minutes == 0 => format!("{hours} u"),
        (Lang::Nl, 3600..86_400) => format!("{hours} u {minutes} min"),
        (Lang::En, 3600..86_400) if minutes == 0 => format!("{hours} h"),
        (Lang::En, 3600..86_400) => format!("{hours} h {minutes} min"),
        (Lang::Nl, _) if s / 86_400 == 1 => "1 dag".into(),
        (Lang::Nl, _) => format!("{} dagen", s / 86_400),
        (Lang::En, _) if s / 86_400 == 1 => "1 day".into(),
        (Lang::En, _) => format!("{} days", s / 86_400),
    }
}

/// "di 1 dec", "Tue 1 Dec".
pub fn short_date(date: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Nl => {
            const DAYS: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ];
            format!(
                "{} {} {}",
                DAYS[date.weekday().num_days_from_monday() as usize],
                date.day(),
                MONTHS[date.month0() as usize]
            )
        }
        Lang::En => date.format("%a %-d %b").to_string(),
    }
}

/// "1 werkdag te laat", "3 werkdagen te laat".
pub fn late(days: u32, lang: Lang) -> String {
    match (days, lang) {
        (1, Lang::Nl) => "1 werkdag te laat".into(),
        (n, Lang::Nl) => format!("{n} werkdagen te laat"),
        (1, Lang::En) => "1 working day overdue".into(),
        (n, Lang::En) => format!("{n} working days overdue"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_words() {
        // 2026-12-01 10:42 in Amsterdam is 09:42 UTC.
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 42, 0)
            .unwrap()
            .timestamp();
        assert_eq!(received(now, now, Lang::Nl), "vandaag 10:42");
        assert_eq!(received(now - 86_400, now, Lang::Nl), "gisteren 10:42");
        assert_eq!(
            received(now - 3 * 86_400, now, Lang::Nl),
            "3 dagen geleden (za 28 nov)"
        );
        assert_eq!(
            received(now - 3 * 86_400, now, Lang::En),
            "3 days ago (Sat 28 Nov)"
        );
        assert_eq!(late(2, Lang::Nl), "2 werkdagen te laat");
        assert_eq!(duration(7500, Lang::Nl), "2 u 5 min");
        assert_eq!(duration(3 * 86_400 + 5, Lang::En), "3 days");
        assert_eq!(short_date(local_date(now), Lang::Nl), "di 1 dec");
        assert_eq!(
            day_start(local_date(now)),
            Utc.with_ymd_and_hms(2026, 11, 30, 23, 0, 0)
                .unwrap()
                .timestamp()
        );
    }
}
