//! The screen schedule: opening hours per weekday plus dated exceptions, in
//! Europe/Amsterdam wall-clock time. Outside them the kiosk's screen is dark.
//!
//! Written in configuration as `"08:30-17:00"`, several ranges separated by commas
//! (`"09:00-12:00, 13:00-17:00"`), or `"closed"`. A range may end at `24:00`; a range
//! that ends before it starts (`"20:00-02:00"`) runs past midnight into the next day.
//! Pure functions of an instant: the controller asks [`Schedule::next_change`] when to
//! look again, so no timer ticks while the screen is dark.

use crate::time::ZONE;
use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use std::collections::BTreeMap;

/// Minutes since local midnight, `0..=1440`.
type Minute = u16;

/// One day's opening hours: ranges `[from, to)` in minutes, sorted, within the day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayHours(Vec<(Minute, Minute)>);

impl DayHours {
    pub fn closed() -> DayHours {
        DayHours(Vec::new())
    }

    /// Parses `"08:30-17:00"`, `"09:00-12:00, 13:00-17:00"` or `"closed"`. A range
    /// that ends before it starts is returned in `spill` as the part after midnight.
    fn parse(text: &str) -> Result<(DayHours, DayHours), String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("closed") || text.eq_ignore_ascii_case("gesloten") {
            return Ok((DayHours::closed(), DayHours::closed()));
        }
        let mut today = Vec::new();
        let mut spill = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            let (a, b) = part
                .split_once('-')
                .ok_or_else(|| format!("'{part}' is not a range like \"08:30-17:00\""))?;
            let from = minute(a.trim()).ok_or_else(|| format!("'{}' is not a time", a.trim()))?;
            let to = minute(b.trim()).ok_or_else(|| format!("'{}' is not a time", b.trim()))?;
            if from == 1440 {
                return Err(format!("'{part}' starts at 24:00"));
            }
            match to.cmp(&from) {
                std::cmp::Ordering::Greater => today.push((from, to)),
                std::cmp::Ordering::Equal => return Err(format!("'{part}' is empty")),
                std::cmp::Ordering::Less => {
                    today.push((from, 1440));
                    if to > 0 {
                        spill.push((0, to));
                    }
                }
            }
        }
        Ok((DayHours::normalised(today), DayHours::normalised(spill)))
    }

    fn normalised(mut ranges: Vec<(Minute, Minute)>) -> DayHours {
        ranges.sort_unstable();
        let mut out: Vec<(Minute, Minute)> = Vec::new();
        for (a, b) in ranges {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        DayHours(out)
    }

    fn merged(&self, other: &DayHours) -> DayHours {
        DayHours::normalised(self.0.iter().chain(other.0.iter()).copied().collect())
    }

    fn contains(&self, m: Minute) -> bool {
        self.0.iter().any(|&(a, b)| a <= m && m < b)
    }
}

/// `"08:30"` (or `"24:00"`) as minutes since midnight.
pub(crate) fn minute(text: &str) -> Option<Minute> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Opening hours. The default is "always on".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Monday first; `None` for "always on" (no schedule configured).
    week: Option<[DayHours; 7]>,
    /// What spills past midnight from each weekday, into the next day.
    spill: [DayHours; 7],
    exceptions: BTreeMap<NaiveDate, (DayHours, DayHours)>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::always()
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Schedule {
    pub fn always() -> Schedule {
        Schedule {
            week: None,
            spill: Default::default(),
            exceptions: BTreeMap::new(),
        }
    }

    /// Builds a schedule from per-weekday texts (Monday first; `None` is closed) and
    /// dated exceptions. Problems come back as `(key, reason)`.
    pub fn parse(
        days: [Option<&str>; 7],
        exceptions: &BTreeMap<String, String>,
    ) -> Result<Schedule, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut week: [DayHours; 7] = Default::default();
        let mut spill: [DayHours; 7] = Default::default();
        for (i, text) in days.iter().enumerate() {
            if let Some(text) = text {
                match DayHours::parse(text) {
                    Ok((d, s)) => (week[i], spill[i]) = (d, s),
                    Err(e) => problems.push((WEEKDAYS[i].to_string(), e)),
                }
            }
        }
        let mut dated = BTreeMap::new();
        for (date, text) in exceptions {
            let key = format!("exceptions.\"{date}\"");
            match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Err(_) => problems.push((key, "not a date like \"2026-12-25\"".into())),
                Ok(d) => match DayHours::parse(text) {
                    Ok(hours) => {
                        dated.insert(d, hours);
                    }
                    Err(e) => problems.push((key, e)),
                },
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Schedule {
            week: Some(week),
            spill,
            exceptions: dated,
        })
    }

    pub fn is_always_on(&self) -> bool {
        self.week.is_none()
    }

    /// The hours of one local date: its own ranges plus what spills over from the day
    /// before.
    fn hours_of(&self, date: NaiveDate) -> DayHours {
        let Some(week) = &self.week else {
            return DayHours(vec![(0, 1440)]);
        };
        let own = |d: NaiveDate| -> (DayHours, DayHours) {
            match self.exceptions.get(&d) {
                Some(hours) => hours.clone(),
                None => {
                    let i = d.weekday().num_days_from_monday() as usize;
                    (week[i].clone(), self.spill[i].clone())
                }
            }
        };
        let (today, _) = own(date);
        let from_yesterday = date
            .pred_opt()
            .map(|y| own(y).1)
            .unwrap_or_else(DayHours::closed);
        today.merged(&from_yesterday)
    }

    /// Whether the local `date` has any opening hours (always, without a schedule).
    pub fn open_on(&self, date: NaiveDate) -> bool {
        !self.hours_of(date).0.is_empty()
    }

    /// Whether the screen should be on at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        if self.week.is_none() {
            return true;
        }
        let local = now.with_timezone(&ZONE).naive_local();
        let m = (local.time().num_seconds_from_midnight() / 60) as Minute;
        self.hours_of(local.date()).contains(m)
    }

    /// The first instant after `now` at which [`Schedule::is_open`] changes, looking up
    /// to 400 days ahead; `None` if it never does.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.week.as_ref()?;
        let open = self.is_open(now);
        let start = now.with_timezone(&ZONE).date_naive();
        for offset in 0..=400u64 {
            let date = start.checked_add_days(Days::new(offset))?;
            let hours = self.hours_of(date);
            let mut edges: Vec<Minute> = hours.0.iter().flat_map(|&(a, b)| [a, b]).collect();
            edges.push(1440);
            for edge in edges {
                let at = instant(date, edge);
                if at > now && self.is_open(at) != open {
                    return Some(at);
                }
            }
        }
        None
    }
}

/// Local date + minute of the day to an instant; a minute in the hour skipped when
/// summer time starts counts as the first minute after it.
fn instant(date: NaiveDate, minute: Minute) -> DateTime<Utc> {
    let naive = if minute >= 1440 {
        date.succ_opt().unwrap_or(date).and_time(NaiveTime::MIN)
    } else {
        NaiveDateTime::new(
            date,
            NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
                .unwrap_or(NaiveTime::MIN),
        )
    };
    match ZONE.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => crate::time::local(naive).with_timezone(&Utc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        crate::time::parse_instant(text).expect("valid instant")
    }

    fn weekdays(text: &str) -> Schedule {
        let mut days = [Some(text); 7];
        days[6] = None; // Sunday closed
        Schedule::parse(days, &BTreeMap::new()).expect("valid")
    }

    #[test]
    fn opening_hours_and_the_next_change() {
        let s = weekdays("08:30-17:00");
        // Saturday 28 November 2026.
        assert!(!s.is_open(at("2026-11-28T08:29:59+01:00")));
        assert!(s.is_open(at("2026-11-28T08:30:00+01:00")));
        assert!(s.is_open(at("2026-11-28T16:59:59+01:00")));
        assert!(!s.is_open(at("2026-11-28T17:00:00+01:00")));
        assert_eq!(
            s.next_change(at("2026-11-28T12:00:00+01:00")),
            Some(at("2026-11-28T17:00:00+01:00"))
        );
        // Closed on Sunday: from Saturday evening the next change is Monday 08:30.
        assert_eq!(
            s.next_change(at("2026-11-28T17:00:00+01:00")),
            Some(at("2026-11-30T08:30:00+01:00"))
        );
        assert!(Schedule::always().is_open(at("2026-11-29T03:00:00+01:00")));
        assert_eq!(
            Schedule::always().next_change(at("2026-11-29T03:00:00+01:00")),
            None
        );
    }

    #[test]
    fn across_midnight() {
        // Open until midnight, and a late evening that runs on into the night.
        let mut days = [Some("08:00-24:00"); 7];
        days[4] = Some("18:00-02:00"); // Friday
        let s = Schedule::parse(days, &BTreeMap::new()).expect("valid");
        assert!(s.is_open(at("2026-11-26T23:59:00+01:00"))); // Thursday
        assert!(!s.is_open(at("2026-11-27T00:00:00+01:00"))); // Friday, just after midnight
        assert_eq!(
            s.next_change(at("2026-11-26T23:00:00+01:00")),
            Some(at("2026-11-27T00:00:00+01:00"))
        );
        // Friday 18:00 to Saturday 02:00, then Saturday from 08:00.
        assert!(s.is_open(at("2026-11-28T01:59:00+01:00")));
        assert!(!s.is_open(at("2026-11-28T02:00:00+01:00")));
        assert_eq!(
            s.next_change(at("2026-11-27T20:00:00+01:00")),
            Some(at("2026-11-28T02:00:00+01:00"))
        );
        assert_eq!(
            s.next_change(at("2026-11-28T02:00:00+01:00")),
            Some(at("2026-11-28T08:00:00+01:00"))
        );
    }

    #[test]
    fn across_daylight_saving_changes() {
        let s = Schedule::parse([Some("08:00-17:00"); 7], &BTreeMap::new()).expect("valid");
        // Summer time ends on Sunday 25 October 2026: 08:00 is still 08:00 local,
        // 25 hours after Saturday's opening.
        let saturday_close = at("2026-10-24T17:00:00+02:00");
        assert_eq!(
            s.next_change(saturday_close),
            Some(at("2026-10-25T08:00:00+01:00"))
        );
        assert!(s.is_open(at("2026-10-25T08:00:00+01:00")));
        assert!(!s.is_open(at("2026-10-25T07:59:00+01:00")));
        // Summer time starts on Sunday 29 March 2026.
        assert_eq!(
            s.next_change(at("2026-03-28T17:00:00+01:00")),
            Some(at("2026-03-29T08:00:00+02:00"))
        );
        // A night schedule through the skipped hour: 01:00-03:00 is one real hour.
        let night = Schedule::parse([Some("01:00-03:00"); 7], &BTreeMap::new()).expect("valid");
        let open = at("2026-03-29T01:00:00+01:00");
        assert_eq!(
            night.next_change(open),
            Some(at("2026-03-29T03:00:00+02:00"))
        );
        assert_eq!(
            night.next_change(open).map(|t| t - open),
            Some(chrono::Duration::hours(1))
        );
    }

    #[test]
    fn exceptions_replace_the_weekday() {
        let mut ex = BTreeMap::new();
        ex.insert("2026-12-25".to_string(), "closed".to_string());
        ex.insert("2026-12-24".to_string(), "08:30-14:00".to_string());
        let s = Schedule::parse([Some("08:30-17:00"); 7], &ex).expect("valid");
        assert!(!s.is_open(at("2026-12-25T12:00:00+01:00")));
        assert!(s.is_open(at("2026-12-24T13:00:00+01:00")));
        assert!(!s.is_open(at("2026-12-24T15:00:00+01:00")));
        assert_eq!(
            s.next_change(at("2026-12-24T15:00:00+01:00")),
            Some(at("2026-12-26T08:30:00+01:00"))
        );
    }

    #[test]
    fn bad_values_are_named() {
        let mut ex = BTreeMap::new();
        ex.insert("25-12-2026".to_string(), "closed".to_string());
        let mut days = [None; 7];
        days[0] = Some("8.30-17");
        days[1] = Some("17:00-17:00");
        days[2] = Some("25:00-26:00");
        let problems = Schedule::parse(days, &ex).unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "monday",
                "tuesday",
                "wednesday",
                "exceptions.\"25-12-2026\""
            ]
        );
    }
}
