//! Activities and their occurrences. An [`Activity`] is what a feed describes (with
//! its recurrence); an [`Occurrence`] is one concrete time it takes place, in
//! Europe/Amsterdam. A [`Catalog`] merges the activities of every source and answers
//! "what happens between these two instants".
//!
//! No Slint, no network here: sources hand over bytes, this module detects the format
//! ([`parse_any`]: iCalendar or the project's JSON feed), parses and expands.

pub mod bundled;
pub mod ical;
pub mod json;
mod windows_zones;

use crate::config::Localized;
use crate::i18n::Repeat;
use crate::time::{self, ZONE};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Confirmed,
    Tentative,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "CONFIRMED",
            Status::Tentative => "TENTATIVE",
            Status::Cancelled => "CANCELLED",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Organizer {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub url: String,
}

/// Where an activity's picture comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImageRef {
    /// Compiled into the binary (the example feed's pictures).
    Bundled(&'static str),
    File(std::path::PathBuf),
    Url(String),
}

/// When an activity takes place, in the wall-clock time of `zone`.
///
/// Recurrence is expanded in the event's own zone (a weekly 10:00 meeting in New York
/// stays at 10:00 New York time) and only the resulting instants are shown in
/// Europe/Amsterdam. All-day events are zone-less dates; they use [`time::ZONE`].
#[derive(Debug, Clone)]
pub struct Timing {
    pub start: NaiveDateTime,
    /// The zone `start`, `exdates` and `rdates` are wall-clock times in. JSON feeds
    /// and all-day events: Europe/Amsterdam; iCalendar UTC times: `UTC`.
    pub zone: Tz,
    pub duration: Duration,
    pub all_day: bool,
    /// RFC 5545 RRULE value, already checked to parse (UNTIL in UTC for iCalendar).
    pub rrule: Option<String>,
    /// Extra instances (RDATE), each with its own length when it was a PERIOD.
    pub rdates: Vec<RDate>,
    pub exdates: Vec<NaiveDateTime>,
    /// Single instances replaced by their own VEVENT (RECURRENCE-ID): the master's
    /// instance at `recurrence_id` is not produced, the override's is instead.
    pub overrides: Vec<Override>,
}

impl Timing {
    /// A single instance in Europe/Amsterdam wall-clock time, nothing else yet.
    pub fn local(start: NaiveDateTime, duration: Duration, all_day: bool) -> Self {
        Timing {
            start,
            zone: ZONE,
            duration,
            all_day,
            rrule: None,
            rdates: Vec::new(),
            exdates: Vec::new(),
            overrides: Vec::new(),
        }
    }
}

/// One RDATE instance, wall-clock time in the master's zone.
#[derive(Debug, Clone, PartialEq)]
pub struct RDate {
    pub start: NaiveDateTime,
    /// From a PERIOD value; else the master's duration applies.
    pub duration: Option<Duration>,
}

/// One changed instance of a recurring activity (an iCalendar RECURRENCE-ID event).
/// Its `activity` carries its own title, place, status and single timing; it has the
/// master's id.
#[derive(Debug, Clone)]
pub struct Override {
    /// The master's original instance this replaces, as an instant.
    pub recurrence_id: DateTime<Utc>,
    pub activity: Arc<Activity>,
}

#[derive(Debug, Clone)]
pub struct Activity {
    /// Stable across refreshes (the feed's id or the iCalendar UID).
    pub id: String,
    pub title: Localized,
    pub description: Localized,
    pub accessibility: Localized,
    pub location: Location,
    pub organizer: Organizer,
    pub url: String,
    pub image: Option<ImageRef>,
    /// Euro cents; `None` when the feed does not say.
    pub cost_cents: Option<u32>,
    pub cost_note: Localized,
    pub categories: Vec<String>,
    pub status: Status,
    pub timing: Timing,
    pub repeat: Repeat,
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub activity: Arc<Activity>,
    pub start: DateTime<Tz>,
    pub end: DateTime<Tz>,
    pub all_day: bool,
    pub status: Status,
}

impl Occurrence {
    pub fn is_cancelled(&self) -> bool {
        self.status == Status::Cancelled
    }

    /// Still worth advertising at `now`: not over and not cancelled.
    pub fn is_upcoming_or_ongoing(&self, now: DateTime<Utc>) -> bool {
        self.end > now && !self.is_cancelled()
    }

    pub fn local_date(&self) -> NaiveDate {
        self.start.date_naive()
    }
}

/// Upper bound on the occurrences one activity may produce in one query, so a
/// hostile rule (every second, forever) cannot stall the kiosk.
const MAX_PER_QUERY: usize = 500;
/// Upper bound on the occurrences of one whole query (all activities together).
pub const MAX_PER_WINDOW: usize = 20_000;
/// Upper bound on the recurrence steps walked for one activity in one query, counted
/// from DTSTART (the rrule crate cannot jump to the window). A daily rule since 1970
/// takes about 21,000 steps; a rule that would need more is cut off with a warning.
const MAX_STEPS: usize = 100_000;

/// Local wall-clock time in `zone` to an instant, resolved as [`time::local`] does: a
/// skipped time moves forward by an hour, an ambiguous one takes the first.
pub fn resolve(zone: Tz, naive: NaiveDateTime) -> DateTime<Tz> {
    use chrono::TimeZone;
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t,
        chrono::LocalResult::Ambiguous(first, _) => first,
        chrono::LocalResult::None => zone
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .unwrap_or_else(|| zone.from_utc_datetime(&naive)),
    }
}

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

/// All activities of all sources, merged.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    activities: Vec<Arc<Activity>>,
    /// True when what is shown is the bundled example (the UI says so).
    pub example: bool,
}

impl Catalog {
    /// The same id from two sources is one activity (the first one seen); changed
    /// instances the later copy has and the first lacks are merged into the first,
    /// so dropping a duplicate never drops an override.
    pub fn new(activities: Vec<Activity>, example: bool) -> Self {
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut kept: Vec<Activity> = Vec::with_capacity(activities.len());
        for a in activities {
            match index.get(&a.id) {
                Some(&i) => {
                    let first = &mut kept[i].timing.overrides;
                    for o in a.timing.overrides {
                        if !first.iter().any(|f| f.recurrence_id == o.recurrence_id) {
                            first.push(o);
                        }
                    }
                }
                None => {
                    index.insert(a.id.clone(), kept.len());
                    kept.push(a);
                }
            }
        }
        let activities = kept.into_iter().map(Arc::new).collect();
        Catalog {
            activities,
            example,
        }
    }

    pub fn activities(&self) -> &[Arc<Activity>] {
        &self.activities
    }

    pub fn find(&self, id: &str) -> Option<&Arc<Activity>> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// Every occurrence that overlaps [from, to), sorted by start, then title; at
    /// most [`MAX_PER_WINDOW`] (with a warning), so memory stays bounded.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = Vec::new();
        for a in &self.activities {
            all.extend(a.occurrences(from, to));
            if all.len() > MAX_PER_WINDOW {
                tracing::warn!("more than {MAX_PER_WINDOW} occurrences in one window; cut off");
                all.truncate(MAX_PER_WINDOW);
                break;
            }
        }
        all.sort_by(|a, b| {
            a.start.cmp(&b.start).then_with(|| {
                a.activity
                    .title
                    .get(crate::i18n::Lang::Nl)
                    .cmp(b.activity.title.get(crate::i18n::Lang::Nl))
            })
        });
        all
    }

    /// Occurrences on one local day (overlapping it).
    pub fn on_day(&self, date: NaiveDate) -> Vec<Occurrence> {
        let (a, b) = time::day_bounds(date);
        self.occurrences(a.with_timezone(&Utc), b.with_timezone(&Utc))
    }

    /// The next occurrence of an activity that has not ended at `now`.
    pub fn next_of(&self, activity: &Arc<Activity>, now: DateTime<Utc>) -> Option<Occurrence> {
        let horizon = now + Duration::days(400);
        activity
            .occurrences(now, horizon)
            .into_iter()
            .find(|o| o.end > now)
    }
}

/// A parsed feed: its activities, whether it is an example, and one line for each
/// event that was skipped because it was invalid (for the log). `warnings` are about
/// data that was kept but guessed at (an unknown time zone, a truncated file).
#[derive(Debug, Default)]
pub struct ParsedFeed {
    pub activities: Vec<Activity>,
    pub example: bool,
    pub skipped: Vec<String>,
    pub warnings: Vec<String>,
}

/// Feeds larger than this are refused before parsing (the fetcher has the same limit).
pub const MAX_FEED_BYTES: usize = 10 * 1024 * 1024;

/// A source that cannot be used at all: nothing in it is shown. The CLI exits with
/// code 2 for these (1 stays for usage and other errors).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("feed is {0} bytes, more than the limit of {MAX_FEED_BYTES}")]
    TooLarge(usize),
    #[error("feed is empty")]
    Empty,
    #[error("neither an iCalendar (BEGIN:VCALENDAR) nor a JSON feed (starts with {0:?})")]
    UnknownFormat(String),
    #[error(transparent)]
    Ical(#[from] ical::IcalError),
    #[error(transparent)]
    Json(#[from] json::FeedError),
}

/// Which format a feed is in, told from its first bytes (never from a file name or
/// a Content-Type, which publishers get wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ical,
    Json,
}

/// Detects the format: `BEGIN:VCALENDAR` (any case) or `{`, after an optional UTF-8
/// byte-order mark and white space.
pub fn detect(bytes: &[u8]) -> Result<Format, SourceError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    if body.is_empty() {
        return Err(SourceError::Empty);
    }
    if body.len() >= 15 && body[..15].eq_ignore_ascii_case(b"BEGIN:VCALENDAR") {
        return Ok(Format::Ical);
    }
    if body[0] == b'{' {
        return Ok(Format::Json);
    }
    // The first line, shortened, with anything unprintable as '?', so that the error
    // stays one readable line whatever the bytes are.
    let shown: String = String::from_utf8_lossy(&body[..body.len().min(20)])
        .chars()
        .take_while(|c| *c != '\n' && *c != '\r')
        .map(|c| {
            if c.is_control() || c == '\u{fffd}' {
                '?'
            } else {
                c
            }
        })
        .collect();
    Err(SourceError::UnknownFormat(shown))
}

/// Parses a feed in either format. `today` only matters for example JSON feeds;
/// `images` resolves JSON `image` values (iCalendar images are URLs).
pub fn parse_any(
    bytes: &[u8],
    today: NaiveDate,
    images: json::ImageResolver,
) -> Result<ParsedFeed, SourceError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(SourceError::TooLarge(bytes.len()));
    }
    match detect(bytes)? {
        Format::Ical => Ok(ical::parse(bytes)?),
        Format::Json => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| json::FeedError::Malformed(format!("not UTF-8: {e}")))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            Ok(json::parse(text, today, images)?)
        }
    }
}

/// Reads a feed (iCalendar or JSON, told from the content) from a local file;
/// pictures are looked up beside it.
pub fn load_file(path: &std::path::Path, today: NaiveDate) -> anyhow::Result<ParsedFeed> {
    use anyhow::Context;
    use std::io::Read;
    let unreadable = |reason: String| SourceError::Unreadable {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    // Read one byte past the limit, so that a huge file is never read whole.
    let mut bytes = Vec::new();
    file.take(MAX_FEED_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    let base = path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let resolve = move |name: &str| -> Option<ImageRef> {
        if name.starts_with("http://") || name.starts_with("https://") {
            return Some(ImageRef::Url(name.to_string()));
        }
        let relative = std::path::Path::new(name);
        // Only plain relative paths below the feed's folder.
        let safe = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        safe.then(|| ImageRef::File(base.join(relative)))
    };
    parse_any(&bytes, today, &resolve).with_context(|| format!("{}", path.display()))
}

/// The catalog for a configuration: the bundled example when no feed is configured,
/// else every configured source that loads (a failing one is logged and left out).
pub fn build_catalog(feeds: &[crate::config::FeedConfig], today: NaiveDate) -> Catalog {
    if feeds.is_empty() {
        return match bundled::example(today) {
            Ok(feed) => Catalog::new(feed.activities, true),
            Err(err) => {
                tracing::error!("bundled example feed is broken: {err}");
                Catalog::default()
            }
        };
    }
    let mut activities = Vec::new();
    for feed in feeds {
        if feed.url.starts_with("http://") || feed.url.starts_with("https://") {
            tracing::warn!(feed = %feed.name, "feeds over HTTP are not supported by this version; skipped");
            continue;
        }
        let path = feed.url.strip_prefix("file://").unwrap_or(&feed.url);
        match load_file(std::path::Path::new(path), today) {
            Ok(parsed) => {
                for skipped in &parsed.skipped {
                    tracing::warn!(feed = %feed.name, "skipped {skipped}");
                }
                for warning in &parsed.warnings {
                    tracing::warn!(feed = %feed.name, "{warning}");
                }
                activities.extend(parsed.activities);
            }
            Err(err) => tracing::warn!(feed = %feed.name, "feed not loaded: {err:#}"),
        }
    }
    Catalog::new(activities, false)
}
