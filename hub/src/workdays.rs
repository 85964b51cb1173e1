//! Working days in the Netherlands: Monday to Friday, minus the public holidays. A
//! request is overdue when more than `call_within_days` working days have passed since
//! the day it came in (that day itself does not count).
//!
//! Holidays counted (the ones in the Algemene termijnenwet plus Liberation Day, which
//! most welfare organisations give off): New Year's Day, Easter Sunday and Monday,
//! King's Day (27 April, or 26 April when the 27th is a Sunday), Liberation Day
//! (5 May, every year), Ascension Day (Easter + 39), Whit Sunday and Monday (Easter +
//! 49, + 50), Christmas Day and Boxing Day. Good Friday only when the configuration
//! says so (`good_friday_is_holiday`): it is not a general day off in the Netherlands.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday (Gregorian), the anonymous algorithm (Meeus/Jones/Butcher).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Calendar {
    pub good_friday_is_holiday: bool,
}

impl Calendar {
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        let (y, m, d) = (date.year(), date.month(), date.day());
        match (m, d) {
            (1, 1) | (5, 5) | (12, 25) | (12, 26) => return true,
            _ => {}
        }
        let kings_day = match NaiveDate::from_ymd_opt(y, 4, 27) {
            Some(k) if k.weekday() == Weekday::Sun => k - Duration::days(1),
            Some(k) => k,
            None => return false,
        };
        if date == kings_day {
            return true;
        }
        let offset = (date - easter(y)).num_days();
        matches!(offset, 0 | 1 | 39 | 49 | 50) || (self.good_friday_is_holiday && offset == -2)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            day += Duration::days(1);
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }

    /// How many working days a request that came in on `received` is late on `today`
    /// when it should be called within `within` working days; `None` when not late.
    pub fn days_late(&self, received: NaiveDate, today: NaiveDate, within: u32) -> Option<u32> {
        let passed = self.working_days_between(received, today);
        // A request is late the working day after its last allowed day; on a weekend
        // it stays as late as it was on Friday.
        (passed > within).then(|| passed - within)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), d(2024, 3, 31));
        assert_eq!(easter(2025), d(2025, 4, 20));
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2027), d(2027, 3, 28));
        assert_eq!(easter(2038), d(2038, 4, 25));
    }

    #[test]
    fn dutch_holidays() {
        let c = Calendar::default();
        for h in [
            d(2027, 1, 1),
            d(2026, 4, 6),  // Easter Monday
            d(2026, 4, 27), // King's Day, a Monday
            d(2025, 4, 26), // 27 April 2025 is a Sunday: Saturday the 26th
            d(2026, 5, 5),
            d(2026, 5, 14), // Ascension
            d(2026, 5, 25), // Whit Monday
            d(2026, 12, 25),
            d(2026, 12, 26),
        ] {
            assert!(c.is_holiday(h), "{h}");
        }
        assert!(
            !c.is_holiday(d(2026, 4, 3)),
            "Good Friday only when configured"
        );
        assert!(Calendar {
            good_friday_is_holiday: true
        }
        .is_holiday(d(2026, 4, 3)));
        assert!(!c.is_holiday(d(2026, 12, 1)));
    }

    #[test]
    fn overdue_counts_working_days_only() {
        let c = Calendar::default();
        // Tuesday 1 December 2026, within 2 working days: due Thursday.
        assert_eq!(c.days_late(d(2026, 12, 1), d(2026, 12, 3), 2), None);
        assert_eq!(c.days_late(d(2026, 12, 1), d(2026, 12, 4), 2), Some(1));
        // Friday 4 December: Monday and Tuesday; Wednesday is late.
        assert_eq!(c.days_late(d(2026, 12, 4), d(2026, 12, 6), 2), None);
        assert_eq!(c.days_late(d(2026, 12, 4), d(2026, 12, 8), 2), None);
        assert_eq!(c.days_late(d(2026, 12, 4), d(2026, 12, 9), 2), Some(1));
        // Thursday 24 December: Christmas, Boxing Day and the weekend do not count.
        assert_eq!(c.days_late(d(2026, 12, 24), d(2026, 12, 29), 2), None);
        assert_eq!(c.days_late(d(2026, 12, 24), d(2026, 12, 30), 2), Some(1));
    }
}
