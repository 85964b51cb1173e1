//! Expanding an activity into occurrences: RRULE through the `rrule` crate (with a
//! skip ahead for rules that started long ago), RDATE, EXDATE, RECURRENCE-ID
//! overrides, each step bounded (`MAX_STEPS`, `MAX_PER_WINDOW`). Wall-clock times are
//! resolved in the activity's zone, as calendar programs do.

use super::*;

impl Activity {
    /// Every occurrence that overlaps [from, to), overrides included.
    pub fn occurrences(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let t = &self.timing;
        let mut out = self.own_occurrences(from, to);
        for o in &t.overrides {
            for mut occ in o.activity.occurrences(from, to) {
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
    /// and the overridden ones.
    fn own_occurrences(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
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
        let mut starts: Vec<(DateTime<Tz>, Duration)> = match &t.rrule {
            None => vec![(first, t.duration)],
            Some(rule) => {
                let mut s: Vec<_> = self
                    .expand(
                        rule,
                        zone,
                        from.checked_sub_signed(reach)
                            .unwrap_or(DateTime::<Utc>::MIN_UTC),
                        to,
                    )
                    .into_iter()
                    .map(|d| (d, t.duration))
                    .collect();
                // DTSTART is always the first instance (RFC 5545 3.8.5.3), even
                // when it does not match the rule.
                if !s.iter().any(|(d, _)| *d == first) {
                    s.push((first, t.duration));
                }
                s
            }
        };
        for r in &t.rdates {
            let start = resolve(zone, r.start);
            if !starts.iter().any(|(d, _)| *d == start) {
                starts.push((start, r.duration.unwrap_or(t.duration)));
            }
        }
        let mut out: Vec<Occurrence> = starts
            .into_iter()
            .filter(|(s, _)| !t.exdates.iter().any(|x| resolve(zone, *x) == *s))
            .filter(|(s, _)| {
                let instant = s.with_timezone(&Utc);
                !t.overrides.iter().any(|o| o.recurrence_id == instant)
            })
            .filter_map(|(start, duration)| {
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
                let overlaps =
                    end > from && start < to || (start == end && start >= from && start < to);
                overlaps.then(|| Occurrence {
                    activity: Arc::clone(self),
                    start,
                    end,
                    all_day: t.all_day,
                    status: self.status,
                })
            })
            .collect();
        if out.len() > MAX_PER_QUERY {
            tracing::warn!(id = %self.id, "more than {MAX_PER_QUERY} occurrences in one window; cut off");
            out.sort_by_key(|o| o.start);
            out.truncate(MAX_PER_QUERY);
        }
        out
    }

    /// The rule's instances that start in [from, to), walked from DTSTART with a
    /// budget: the rrule crate has no way to jump ahead, so a rule that repeats every
    /// minute since years ago would otherwise take seconds.
    fn expand(
        &self,
        rule: &str,
        zone: Tz,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<DateTime<Tz>> {
        let rz = rrule::Tz::Tz(zone);
        let parsed = match parse_rule(rule) {
            Ok(r) => r,
            Err(_) => return Vec::new(),
        };
        let start = skip_ahead(
            &parsed,
            self.timing.start,
            from.with_timezone(&zone).naive_local(),
        );
        let dt_start = resolve(zone, start).with_timezone(&rz);
        let set = match parsed.build(dt_start) {
            // `limit` turns on the crate's own guard against rules that never match.
            Ok(s) => s.limit(),
            Err(_) => return Vec::new(),
        };
        let mut out = Vec::new();
        for (step, d) in (&set).into_iter().enumerate() {
            if step >= MAX_STEPS {
                tracing::warn!(id = %self.id, "recurrence needs more than {MAX_STEPS} steps to reach the window; cut off");
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

/// Where to start walking a rule so that the window is reached in few steps: DAILY
/// and WEEKLY rules without COUNT repeat exactly every INTERVAL days or weeks of
/// wall-clock time, so moving DTSTART forward by whole periods (to just before
/// `from`) yields the same instances from there on. Everything else starts at
/// DTSTART. Found by `cargo fuzz`: twenty weekly events since the year 26 took
/// seconds (100,000 steps each) before this.
fn skip_ahead(
    rule: &rrule::RRule<rrule::Unvalidated>,
    start: NaiveDateTime,
    from: NaiveDateTime,
) -> NaiveDateTime {
    if rule.get_count().is_some() {
        return start;
    }
    let interval = i64::from(rule.get_interval().max(1));
    let period_days = match rule.get_freq() {
        rrule::Frequency::Daily => interval,
        rrule::Frequency::Weekly => 7 * interval,
        _ => return start,
    };
    let gap_days = (from - start).num_days();
    // Keep a period or two in hand (DST, a rule whose first match is late in its
    // period); only long gaps are worth it.
    let periods = gap_days / period_days - 2;
    if periods <= 0 {
        return start;
    }
    Duration::try_days(periods * period_days)
        .and_then(|d| start.checked_add_signed(d))
        .unwrap_or(start)
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
