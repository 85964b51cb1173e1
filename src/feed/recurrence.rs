//! Expanding an activity into occurrences: RRULE through the `rrule` crate (with a
//! skip ahead for rules that started long ago, for every frequency), RDATE, EXDATE,
//! RECURRENCE-ID overrides, each step bounded (`MAX_STEPS`, `MAX_PER_QUERY`) and all
//! of them together by a [`Budget`]. Wall-clock times are resolved in the activity's
//! zone, as calendar programs do.

use super::*;
use std::collections::HashSet;

/// What expanding may still spend, shared by every activity of one agenda or one
/// query: recurrence steps and wall-clock time. The time limit is a backstop for
/// what steps do not count (the rrule crate may loop 100,000 periods looking for a
/// rule that never matches, about 20 ms); the steps make ordinary cut-offs
/// deterministic. What was cut off is counted here and reported once by the caller.
#[derive(Debug)]
pub struct Budget {
    steps: usize,
    deadline: Option<std::time::Instant>,
    /// Activities that got nothing because the budget was spent.
    pub skipped: usize,
    /// Activities whose own step or occurrence limit cut them off.
    pub cut: usize,
}

impl Budget {
    pub fn new(steps: usize, time: Option<std::time::Duration>) -> Budget {
        Budget {
            steps,
            deadline: time.and_then(|t| std::time::Instant::now().checked_add(t)),
            skipped: 0,
            cut: 0,
        }
    }

    /// The budget of a one-shot command (`feed occurrences`): the agenda's steps,
    /// and seconds rather than a frame's milliseconds.
    pub fn for_command() -> Budget {
        Budget::new(AGENDA_STEPS, Some(std::time::Duration::from_secs(5)))
    }

    /// Nothing left: no more activities are expanded.
    pub fn spent(&self) -> bool {
        self.steps == 0
            || self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
    }

    /// Takes one step; false when there is none left.
    fn step(&mut self, taken: usize) -> bool {
        if self.steps == 0 {
            return false;
        }
        self.steps -= 1;
        // The clock is read every 256 steps: cheap, and still within a millisecond.
        !(taken % 256 == 255 && self.spent())
    }

    /// One line for the log when anything was cut off, else `None`.
    pub fn summary(&self, what: &str) -> Option<String> {
        (self.skipped > 0 || self.cut > 0).then(|| {
            format!(
                "{what}: the expansion budget is spent; {} activities cut short, {} not expanded",
                thousands(self.cut),
                thousands(self.skipped)
            )
        })
    }
}

/// 1309958 as "1,309,958" (log lines and warnings).
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Activity {
    /// Every occurrence that overlaps [from, to), overrides included, with a budget
    /// of its own (one activity: the detail screen's "next time").
    pub fn occurrences(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let mut budget = Budget::new(MAX_STEPS, Some(QUERY_TIME));
        self.occurrences_within(from, to, &mut budget)
    }

    /// Every occurrence that overlaps [from, to), overrides included, spending from
    /// `budget`.
    pub fn occurrences_within(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        budget: &mut Budget,
    ) -> Vec<Occurrence> {
        if budget.spent() {
            budget.skipped += 1;
            return Vec::new();
        }
        let t = &self.timing;
        let mut out = self.own_occurrences(from, to, budget);
        for o in &t.overrides {
            for mut occ in o.activity.own_occurrences(from, to, budget) {
                // RFC 5545: a cancelled master cancels the whole series, changed
                // instances included.
                if self.status == Status::Cancelled {
                    occ.status = Status::Cancelled;
                }
                out.push(occ);
            }
        }
        out
    }

    /// The instances of this activity itself: DTSTART, RRULE and RDATE, minus EXDATE
    /// and the overridden ones. RDATE and EXDATE are sorted lists (`Timing::tidy`):
    /// only the part near the window is looked at, and each start is checked with a
    /// binary search, so long lists cost about linear time.
    fn own_occurrences(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        budget: &mut Budget,
    ) -> Vec<Occurrence> {
        let t = &self.timing;
        let zone = if t.all_day { ZONE } else { t.zone };
        // Look back far enough that an instance that started before `from` but is
        // still going counts (all-day lengths are whole days, plus a DST hour).
        let reach = if t.all_day {
            Duration::days(t.duration.num_days().max(1)) + Duration::hours(2)
        } else {
            t.duration
        };
        let first = resolve(zone, t.start);
        // Changes with RANGE=THISANDFUTURE, by their instance: (instance, how far
        // it moved, the change). The window is widened by the moves.
        let mut futures: Vec<(DateTime<Utc>, Duration, &Override)> = t
            .overrides
            .iter()
            .filter(|o| o.this_and_future)
            .filter_map(|o| {
                let ot = &o.activity.timing;
                let moved = resolve(if ot.all_day { ZONE } else { ot.zone }, ot.start)
                    .with_timezone(&Utc)
                    .signed_duration_since(o.recurrence_id);
                (moved.abs() <= Duration::days(366)).then_some((o.recurrence_id, moved, o))
            })
            .collect();
        futures.sort_by_key(|(rid, _, _)| *rid);
        let late = futures
            .iter()
            .map(|f| f.1)
            .fold(Duration::zero(), Duration::max);
        let early = futures
            .iter()
            .map(|f| -f.1)
            .fold(Duration::zero(), Duration::max);
        let reach = reach + late;
        let window_to = to;
        let to = to.checked_add_signed(early).unwrap_or(to);
        let mut starts: Vec<(DateTime<Tz>, Duration)> = match &t.rrule {
            None => vec![(first, t.duration)],
            Some(rule) => {
                let mut s: Vec<_> = Vec::new();
                // Several RRULEs: the union of their instances (RFC 5545 3.8.5.3).
                for rule in std::iter::once(rule).chain(&t.more_rrules) {
                    s.extend(
                        self.expand(
                            rule,
                            zone,
                            from.checked_sub_signed(reach)
                                .unwrap_or(DateTime::<Utc>::MIN_UTC),
                            to,
                            budget,
                            true,
                        )
                        .into_iter()
                        .map(|d| (d, t.duration)),
                    );
                }
                if !t.more_rrules.is_empty() {
                    s.sort_by_key(|(d, _)| *d);
                    s.dedup_by_key(|(d, _)| *d);
                }
                // DTSTART is always the first instance (RFC 5545 3.8.5.3), even
                // when it does not match the rule.
                if !s.iter().any(|(d, _)| *d == first) {
                    s.push((first, t.duration));
                }
                s
            }
        };
        if !t.rdates.is_empty() {
            // Wall-clock bounds a day wider than the window (zone offsets, DST), and
            // as far back as the longest RDATE lasts.
            let longest = t
                .rdates
                .iter()
                .filter_map(|r| r.duration)
                .fold(reach, Duration::max)
                .max(Duration::days(1) * 2);
            let lo = naive_bound(zone, from, -longest);
            let hi = naive_bound(zone, to, Duration::days(2));
            let begin = t.rdates.partition_point(|r| r.start < lo);
            let end = t.rdates.partition_point(|r| r.start < hi);
            let mut seen: HashSet<DateTime<Utc>> =
                starts.iter().map(|(d, _)| d.with_timezone(&Utc)).collect();
            for r in t.rdates.get(begin..end).unwrap_or_default() {
                let start = resolve(zone, r.start);
                if seen.insert(start.with_timezone(&Utc)) {
                    starts.push((start, r.duration.unwrap_or(t.duration)));
                }
            }
        }
        let overridden: HashSet<DateTime<Utc>> =
            t.overrides.iter().map(|o| o.recurrence_id).collect();
        let mut out: Vec<Occurrence> = starts
            .into_iter()
            .filter(|(s, _)| !is_excluded(&t.exdates, zone, s))
            .filter(|(s, _)| !overridden.contains(&s.with_timezone(&Utc)))
            .filter_map(|(start, duration)| {
                // RANGE=THISANDFUTURE: the latest such change before this instance
                // gives it its title, status and length, and moves it as it moved.
                let at = futures.partition_point(|(rid, _, _)| *rid < start.with_timezone(&Utc));
                let future = at.checked_sub(1).and_then(|i| futures.get(i));
                let (activity, start, duration) = match future {
                    Some((_, shift, o)) => (
                        &o.activity,
                        start.checked_add_signed(*shift)?,
                        o.activity.timing.duration,
                    ),
                    None => (self, start, duration),
                };
                let status = if self.status == Status::Cancelled {
                    Status::Cancelled
                } else {
                    activity.status
                };
                let start = start.with_timezone(&ZONE);
                let end = if t.all_day {
                    let days = duration.num_days().max(1) as u64;
                    let end_date = start
                        .date_naive()
                        .checked_add_days(chrono::Days::new(days))?;
                    time::start_of_day(end_date)
                } else {
                    start.checked_add_signed(duration)?
                };
                let to = window_to;
                let overlaps =
                    end > from && start < to || (start == end && start >= from && start < to);
                overlaps.then(|| Occurrence {
                    activity: Arc::clone(activity),
                    start,
                    end,
                    all_day: t.all_day,
                    status,
                })
            })
            .collect();
        if out.len() > MAX_PER_QUERY {
            budget.cut += 1;
            out.sort_by_key(|o| o.start);
            out.truncate(MAX_PER_QUERY);
        }
        out
    }

    /// The rule's instances that start in [from, to), walked with a budget from a
    /// start moved close to the window (`skip_ahead`): the rrule crate has no way to
    /// jump ahead, so a rule that repeats every hour since 1900 would otherwise take
    /// a million steps.
    fn expand(
        &self,
        rule: &str,
        zone: Tz,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        budget: &mut Budget,
        skip: bool,
    ) -> Vec<DateTime<Tz>> {
        let rz = rrule::Tz::Tz(zone);
        let parsed = match parse_rule(rule) {
            Ok(r) => r,
            Err(_) => return Vec::new(),
        };
        let start = if skip {
            skip_ahead(
                &parsed,
                self.timing.start,
                from.with_timezone(&zone).naive_local(),
            )
        } else {
            self.timing.start
        };
        let dt_start = resolve(zone, start).with_timezone(&rz);
        let set = match parsed.build(dt_start) {
            // `limit` turns on the crate's own guard against rules that never match.
            Ok(s) => s.limit(),
            Err(_) => return Vec::new(),
        };
        let mut out = Vec::new();
        for (step, d) in (&set).into_iter().enumerate() {
            if step >= MAX_STEPS || !budget.step(step) {
                budget.cut += 1;
                break;
            }
            let instant = d.with_timezone(&Utc);
            if instant >= to {
                break;
            }
            if instant >= from {
                out.push(d.with_timezone(&zone));
                if out.len() > MAX_PER_QUERY {
                    break;
                }
            }
        }
        out
    }
}

/// `at` moved by `by`, as wall-clock time in `zone` (for searching the sorted
/// RDATE list); saturates instead of leaving chrono's range.
fn naive_bound(zone: Tz, at: DateTime<Utc>, by: Duration) -> NaiveDateTime {
    let moved = at
        .checked_add_signed(by)
        .unwrap_or(if by < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        });
    moved.with_timezone(&zone).naive_local()
}

/// Whether `start` is one of the EXDATEs (sorted wall-clock times in `zone`). An
/// EXDATE resolves as a start does: a skipped time moves an hour forward, so the
/// candidates are the start's own wall-clock time and the hour before.
fn is_excluded(exdates: &[NaiveDateTime], zone: Tz, start: &DateTime<Tz>) -> bool {
    if exdates.is_empty() {
        return false;
    }
    let naive = start.with_timezone(&zone).naive_local();
    let earliest = naive - Duration::hours(1);
    let begin = exdates.partition_point(|x| *x < earliest);
    exdates[begin..]
        .iter()
        .take_while(|x| **x <= naive)
        .any(|x| resolve(zone, *x) == *start)
}

/// Where to start walking a rule so that the window is reached in few steps. A rule
/// without COUNT repeats every INTERVAL periods of wall-clock time (seconds to
/// weeks), or every INTERVAL calendar months or years, and its BY* parts only pick
/// within a period; so moving DTSTART forward by whole periods (to a little before
/// `from`) yields the same instances from there on. Months and years land only on a
/// month that has DTSTART's day (the 31st, 29 February), or do not move. Found by
/// `cargo fuzz`: twenty weekly events since the year 26 took seconds (100,000 steps
/// each) before this; hourly events since 1900 took a million steps each.
pub(super) fn skip_ahead(
    rule: &rrule::RRule<rrule::Unvalidated>,
    start: NaiveDateTime,
    from: NaiveDateTime,
) -> NaiveDateTime {
    use chrono::Datelike;
    if rule.get_count().is_some() || from <= start {
        return start;
    }
    let interval = i64::from(rule.get_interval().max(1));
    let fixed = match rule.get_freq() {
        rrule::Frequency::Secondly => Duration::try_seconds(interval),
        rrule::Frequency::Minutely => Duration::try_minutes(interval),
        rrule::Frequency::Hourly => Duration::try_hours(interval),
        rrule::Frequency::Daily => Duration::try_days(interval),
        rrule::Frequency::Weekly => Duration::try_weeks(interval),
        rrule::Frequency::Monthly | rrule::Frequency::Yearly => None,
    };
    if let Some(period) = fixed {
        // Two periods in hand, and at least three hours (DST, a rule whose first
        // match is late in its period).
        let margin = (period * 2).max(Duration::hours(3));
        let Some(gap) = (from - start).checked_sub(&margin) else {
            return start;
        };
        let periods = gap.num_seconds() / period.num_seconds().max(1);
        if periods <= 0 {
            return start;
        }
        return periods
            .checked_mul(period.num_seconds())
            .and_then(Duration::try_seconds)
            .and_then(|d| start.checked_add_signed(d))
            .unwrap_or(start);
    }
    let months_per_period = match rule.get_freq() {
        rrule::Frequency::Yearly => 12 * interval,
        _ => interval,
    };
    let months = |d: NaiveDateTime| i64::from(d.year()) * 12 + i64::from(d.month0());
    let gap = months(from) - months(start) - 2 * months_per_period - 1;
    let mut periods = gap / months_per_period;
    // A few periods back at most to find a month with the day (29 February: a leap
    // year within four; the 31st: a long month within two).
    for _ in 0..8 {
        if periods <= 0 {
            return start;
        }
        let moved = u32::try_from(periods * months_per_period)
            .ok()
            .and_then(|m| start.checked_add_months(chrono::Months::new(m)));
        match moved {
            Some(d) if d.day() == start.day() => return d,
            _ => periods -= 1,
        }
    }
    start
}

/// Parses an RRULE value with the rrule crate. RRULE values are ASCII (RFC 5545
/// 3.3.10); anything else is refused here, because rrule 0.14 slices BYDAY values by
/// bytes and panics on a multi-byte character (found by `cargo fuzz`, see
/// docs/fuzzing.md).
pub fn parse_rule(rule: &str) -> Result<rrule::RRule<rrule::Unvalidated>, String> {
    if !rule.is_ascii() {
        return Err("the rule has characters other than ASCII".into());
    }
    rule.parse().map_err(|e: rrule::RRuleError| e.to_string())
}

/// Reads how a rule repeats, for "elke dinsdag" on screen.
pub fn repeat_of(rule: Option<&str>, start: NaiveDateTime) -> Repeat {
    use chrono::Datelike;
    let Some(rule) = rule else {
        return Repeat::Once;
    };
    let Ok(parsed) = parse_rule(rule) else {
        return Repeat::Other;
    };
    let by_day = parsed.get_by_weekday();
    let plain_rule = parsed.get_by_month().is_empty()
        && parsed.get_by_month_day().is_empty()
        && parsed.get_by_set_pos().is_empty()
        && parsed.get_by_year_day().is_empty()
        && parsed.get_by_week_no().is_empty();
    if !plain_rule {
        return Repeat::Other;
    }
    match parsed.get_freq() {
        rrule::Frequency::Daily if by_day.is_empty() && parsed.get_interval() <= 1 => Repeat::Daily,
        rrule::Frequency::Weekly => {
            let mut days: Vec<chrono::Weekday> = by_day
                .iter()
                .filter_map(|d| match d {
                    rrule::NWeekday::Every(w) => Some(*w),
                    rrule::NWeekday::Nth(..) => None,
                })
                .collect();
            if days.is_empty() {
                days.push(start.weekday());
            }
            days.sort_by_key(|d| d.num_days_from_monday());
            days.dedup();
            Repeat::Weekly {
                days,
                interval: parsed.get_interval().max(1),
            }
        }
        rrule::Frequency::Monthly if parsed.get_interval() <= 1 => match by_day {
            [rrule::NWeekday::Nth(n, day)] => Repeat::MonthlyNth { nth: *n, day: *day },
            _ => Repeat::Other,
        },
        _ => Repeat::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::json;

    fn activity(start: &str, rule: &str) -> Arc<Activity> {
        let text = format!(
            r#"{{"version":1,"events":[{{"id":"a","name":"A","start":"{start}","duration":"PT1H","rrule":"{rule}"}}]}}"#
        );
        let feed = json::parse(&text, NaiveDate::MIN, &|_| None).expect("test feed parses");
        Arc::new(feed.activities.into_iter().next().expect("one activity"))
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("test instant")
    }

    /// Skipping ahead gives the same instances as walking from DTSTART, for every
    /// frequency, with INTERVAL, BY* parts, DST, the 31st and 29 February; and it
    /// reaches the window in a few hundred steps however long ago the rule began.
    /// Before, only DAILY and WEEKLY skipped: HOURLY since 1900 (a million steps)
    /// was cut off and gave nothing.
    #[test]
    fn every_frequency_skips_ahead_to_the_same_instances() {
        let rules = [
            ("2024-03-01T10:15", "FREQ=HOURLY"),
            ("2024-03-01T10:15", "FREQ=HOURLY;INTERVAL=5"),
            ("2024-03-01T10:15", "FREQ=HOURLY;INTERVAL=7;BYDAY=MO,WE"),
            ("2024-03-01T10:15", "FREQ=HOURLY;BYHOUR=9,14;BYMINUTE=0,30"),
            ("2024-03-01T10:00", "FREQ=DAILY;INTERVAL=3"),
            (
                "2024-03-01T10:00",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;WKST=SU",
            ),
            ("2000-01-31T19:00", "FREQ=MONTHLY"),
            ("2000-02-29T19:00", "FREQ=MONTHLY;INTERVAL=2"),
            ("2000-01-04T19:00", "FREQ=MONTHLY;BYDAY=1TU,-1FR"),
            (
                "2000-01-04T19:00",
                "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=4,20",
            ),
            (
                "2000-01-04T19:00",
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            ),
            ("1960-02-29T12:00", "FREQ=YEARLY"),
            ("1960-12-01T12:00", "FREQ=YEARLY;BYMONTH=12;BYDAY=MO,FR"),
            (
                "1960-01-01T12:00",
                "FREQ=YEARLY;INTERVAL=3;BYWEEKNO=49;BYDAY=TH",
            ),
            ("1960-01-01T12:00", "FREQ=YEARLY;BYYEARDAY=336,-1"),
        ];
        // Across two DST changes in Amsterdam and 29 February 2028.
        let (from, to) = (utc("2026-10-20T00:00:00Z"), utc("2028-03-31T00:00:00Z"));
        for (start, rule) in rules {
            let a = activity(start, rule);
            let mut walked = Budget::new(usize::MAX, None);
            let mut skipped = Budget::new(usize::MAX, None);
            let slow = a.expand(rule, ZONE, from, to, &mut walked, false);
            let fast = a.expand(rule, ZONE, from, to, &mut skipped, true);
            assert!(!fast.is_empty(), "{rule}");
            assert_eq!(fast, slow, "{rule} from {start}");
            let steps = usize::MAX - skipped.steps;
            assert!(steps <= 2 * fast.len() + 400, "{rule}: {steps} steps");
        }
        // The same rules from very long ago: few steps, not a million.
        let since_1900 = activity("1900-01-01T00:00", "FREQ=HOURLY;INTERVAL=5");
        let mut budget = Budget::new(MAX_STEPS, None);
        let found = since_1900.occurrences_within(from, from + Duration::days(1), &mut budget);
        assert!(found.len() >= 4, "{}", found.len());
        assert!(
            MAX_STEPS - budget.steps < 50,
            "{}",
            MAX_STEPS - budget.steps
        );
        let monthly = activity("0100-01-31T19:00", "FREQ=MONTHLY");
        let mut budget = Budget::new(MAX_STEPS, None);
        let found = monthly.occurrences_within(from, utc("2027-01-01T00:00:00Z"), &mut budget);
        assert_eq!(found.len(), 2, "31 October and 31 December");
        assert!(
            MAX_STEPS - budget.steps < 20,
            "{}",
            MAX_STEPS - budget.steps
        );
    }

    /// RDATE and EXDATE are looked up in sorted lists: a thousand of each cost
    /// about a thousand steps, not a million, and give the same answer.
    #[test]
    fn rdates_and_exdates_are_searched() {
        let mut a = (*activity("2026-01-01T10:00", "FREQ=DAILY")).clone();
        let base = a.timing.start;
        for i in 0..1000 {
            a.timing.rdates.push(RDate {
                start: base + Duration::hours(i * 7 + 3),
                duration: None,
            });
            a.timing.exdates.push(base + Duration::days(i * 2));
        }
        a.timing.rdates.reverse();
        a.timing.tidy();
        let a = Arc::new(a);
        let (from, to) = (utc("2026-01-05T00:00:00Z"), utc("2026-01-09T00:00:00Z"));
        let got: Vec<String> = a
            .occurrences(from, to)
            .iter()
            .map(|o| o.start.format("%d %H:%M").to_string())
            .collect();
        // Daily at 10:00 on odd days only (even ones are excluded), and every
        // seventh hour from 13:00 on 1 January.
        assert!(got.contains(&"06 10:00".to_string()), "{got:?}");
        assert!(!got.contains(&"05 10:00".to_string()), "{got:?}");
        let rdate_hours = got.iter().filter(|g| !g.ends_with("10:00")).count();
        assert_eq!(rdate_hours, 4 * 24 / 7 + 1, "{got:?}");
    }
}
