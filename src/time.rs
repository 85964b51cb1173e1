//! Wall-clock time for the kiosk: everything a visitor sees is in Europe/Amsterdam,
//! whatever the device's own time zone is. The `Clock` trait lets tests and
//! `screenshot --now` fix the time; nothing here knows about Slint's timers.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::sync::Mutex;

/// The one time zone the kiosk shows.
pub const ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// A source of "now". Real kiosks use [`SystemClock`]; tests and previews use [`FixedClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    fn local_now(&self) -> DateTime<Tz> {
        self.now().with_timezone(&ZONE)
    }

    fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *guard += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Local wall-clock time to an instant. A time that does not exist (the hour skipped
/// when summer time starts) moves forward by an hour; an ambiguous one (the hour that
/// repeats in autumn) takes the first, as calendar programs do.
pub fn local(naive: NaiveDateTime) -> DateTime<Tz> {
    match ZONE.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t,
        chrono::LocalResult::Ambiguous(first, _) => first,
        chrono::LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            ZONE.from_local_datetime(&later)
                .earliest()
                .unwrap_or_else(|| ZONE.from_utc_datetime(&naive))
        }
    }
}

/// The start of a local day (midnight always exists in Europe/Amsterdam).
pub fn start_of_day(date: NaiveDate) -> DateTime<Tz> {
    local(date.and_time(chrono::NaiveTime::MIN))
}

/// [start, end) of a local day: 23, 24 or 25 hours long.
pub fn day_bounds(date: NaiveDate) -> (DateTime<Tz>, DateTime<Tz>) {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (start_of_day(date), start_of_day(next))
}

/// The Monday of the week that holds `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// Parses `--now` values: RFC 3339 (`2026-11-28T10:00:00+01:00`) or a local
/// `YYYY-MM-DDTHH:MM` taken as Europe/Amsterdam.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(local(naive).with_timezone(&Utc));
        }
    }
    Err(format!(
        "'{text}' is not a time: use RFC 3339 like 2026-11-28T10:00:00+01:00"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_bounds_follow_daylight_saving() {
        // 2026-03-29: summer time starts, the day has 23 hours.
        let (a, b) = day_bounds(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!((b - a).num_hours(), 23);
        // 2026-10-25: winter time starts, the day has 25 hours.
        let (a, b) = day_bounds(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!((b - a).num_hours(), 25);
    }

    #[test]
    fn skipped_hour_moves_forward() {
        let naive = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(local(naive).to_rfc3339(), "2026-03-29T03:30:00+02:00");
    }

    #[test]
    fn now_parses_local_and_rfc3339() {
        let a = parse_instant("2026-11-28T10:00").unwrap();
        let b = parse_instant("2026-11-28T09:00:00Z").unwrap();
        assert_eq!(a, b);
        assert!(parse_instant("morgen").is_err());
    }
}
