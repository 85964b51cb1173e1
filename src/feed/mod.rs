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

use crate::i18n::Localized;
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
    /// Further RRULE values of the same event (RFC 5545 allows several; some servers
    /// send them): the instances are the union of all rules.
    pub more_rrules: Vec<String>,
    /// Extra instances (RDATE), each with its own length when it was a PERIOD.
    pub rdates: Vec<RDate>,
    pub exdates: Vec<NaiveDateTime>,
    /// Single instances replaced by their own VEVENT (RECURRENCE-ID): the master's
    /// instance at `recurrence_id` is not produced, the override's is instead.
    pub overrides: Vec<Override>,
}

impl Timing {
    /// Sorts RDATE and EXDATE (expansion searches them) and drops doubles.
    pub fn tidy(&mut self) {
        self.exdates.sort_unstable();
        self.exdates.dedup();
        self.rdates.sort_by_key(|r| r.start);
        self.rdates.dedup_by_key(|r| r.start);
    }

    /// A single instance in Europe/Amsterdam wall-clock time, nothing else yet.
    pub fn local(start: NaiveDateTime, duration: Duration, all_day: bool) -> Self {
        Timing {
            start,
            zone: ZONE,
            duration,
            all_day,
            rrule: None,
            more_rrules: Vec::new(),
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
    /// RECURRENCE-ID;RANGE=THISANDFUTURE: the master's later instances take this
    /// one's title, place, status and length, moved as far as it was moved.
    pub this_and_future: bool,
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
/// hostile rule (every hour with every BYMINUTE) cannot stall the kiosk.
const MAX_PER_QUERY: usize = 500;
/// Upper bound on the occurrences of one whole query (all activities together).
pub const MAX_PER_WINDOW: usize = 20_000;
/// Upper bound on the recurrence steps walked for one activity in one query, counted
/// from where `skip_ahead` starts (the rrule crate cannot jump to the window); a rule
/// that would need more is cut off.
const MAX_STEPS: usize = 100_000;
/// The overall budget of one query that the agenda cannot answer (all activities
/// together): steps, and wall-clock time as a backstop. One screen makes a handful
/// of queries, and only when its agenda is missing or out of date.
const QUERY_STEPS: usize = 200_000;
const QUERY_TIME: std::time::Duration = std::time::Duration::from_millis(40);
/// The overall budget of one catalog's agenda (all activities, all days), spent on
/// the services thread once per catalog and day.
const AGENDA_STEPS: usize = 2_000_000;
const AGENDA_TIME: std::time::Duration = std::time::Duration::from_millis(300);
/// The agenda covers yesterday to this many days after today: the screens ask for
/// at most a week ahead, and a day to spare keeps yesterday's agenda good after
/// midnight until the new one arrives.
pub const AGENDA_DAYS: u64 = 10;
/// Upper bound on the occurrences kept for one day of the agenda.
pub const MAX_PER_DAY: usize = 2_000;

/// Length caps of feed text, the same in both readers. A title longer than
/// `MAX_TITLE_CHARS` is not a title (the event is skipped); other text is cut.
pub const MAX_TITLE_CHARS: usize = 1_000;
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
/// Place, address, organizer, cost note, accessibility note, a category.
pub const MAX_SHORT_CHARS: usize = 500;
/// A link (web page, picture) longer than this is dropped, not cut.
pub const MAX_URL_CHARS: usize = 2_000;
pub const MAX_CATEGORIES: usize = 20;
/// Events read from one feed; the rest are ignored (with one warning). Ten years of
/// an Outlook calendar's history stay under it; 200,000 tiny events in 10 MB took
/// 430 MB before.
pub const MAX_EVENTS: usize = 20_000;
/// RDATE and EXDATE values kept per event (each); the rest are ignored.
pub const MAX_DATES_PER_EVENT: usize = 1_000;
/// Changed instances (RECURRENCE-ID) kept per recurring event.
pub const MAX_OVERRIDES: usize = 1_000;

/// `text` trimmed and cut to `max` characters; `cut` counts what was cut.
pub(crate) fn capped(text: &str, max: usize, cut: &mut usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            *cut += 1;
            text[..at].trim_end().to_string()
        }
        None => text.to_string(),
    }
}

/// Warnings about one feed, summarised per kind: the first few of each kind word
/// for word, then one line with the count ("1,309,958 EXDATE values ignored in
/// all"), so a hostile feed cannot write a million log lines at every parse.
#[derive(Debug)]
pub struct Tally {
    /// Kept lines, with their kind.
    lines: Vec<(&'static str, String)>,
    /// Per kind: how many in all, and how many the kept lines describe.
    kinds: Vec<(&'static str, usize, usize)>,
    examples: usize,
}

impl Default for Tally {
    fn default() -> Self {
        Tally::with_examples(Tally::EXAMPLES)
    }
}

impl Tally {
    /// Lines kept word for word per kind.
    pub const EXAMPLES: usize = 3;
    /// Skipped events are worth a few more lines: each names a broken event.
    pub const SKIPPED_EXAMPLES: usize = 20;

    pub fn with_examples(examples: usize) -> Tally {
        Tally {
            lines: Vec::new(),
            kinds: Vec::new(),
            examples,
        }
    }

    /// One warning of `kind` (a plural noun phrase: "EXDATE values ignored"); the
    /// line is only made when it is kept.
    pub fn note(&mut self, kind: &'static str, line: impl FnOnce() -> String) {
        self.note_many(kind, 1, line);
    }

    /// `count` warnings of `kind` at once, described by one line.
    pub fn note_many(&mut self, kind: &'static str, count: usize, line: impl FnOnce() -> String) {
        if count == 0 {
            return;
        }
        let kept = self.lines.iter().filter(|(k, _)| *k == kind).count();
        let described = if kept < self.examples {
            self.lines.push((kind, line()));
            count
        } else {
            0
        };
        self.count(kind, count, described);
    }

    /// Adds `count` to `kind`, `described` of them by kept lines.
    fn count(&mut self, kind: &'static str, count: usize, described: usize) {
        match self.kinds.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, n, d)) => {
                *n = n.saturating_add(count);
                *d = d.saturating_add(described);
            }
            None => self.kinds.push((kind, count, described)),
        }
    }

    /// Adds what `other` counted and kept.
    pub fn merge(&mut self, other: Tally) {
        let mut lines = other.lines;
        for (kind, count, described) in other.kinds {
            let theirs: Vec<String> = lines
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, l)| l.clone())
                .collect();
            lines.retain(|(k, _)| *k != kind);
            let kept = self.lines.iter().filter(|(k, _)| *k == kind).count();
            let take = theirs.len().min(self.examples.saturating_sub(kept));
            let all_taken = take == theirs.len();
            for line in theirs.into_iter().take(take) {
                self.lines.push((kind, line));
            }
            self.count(kind, count, if all_taken { described } else { take });
        }
    }

    /// The first line kept.
    pub fn first(&self) -> Option<&str> {
        self.lines.first().map(|(_, l)| l.as_str())
    }

    /// The kept lines, then one summary line for each kind that had more.
    pub fn finish(self) -> Vec<String> {
        let mut lines: Vec<String> = self.lines.into_iter().map(|(_, l)| l).collect();
        for (kind, count, described) in self.kinds {
            if count > described {
                lines.push(format!("{} {kind} in all", recurrence::thousands(count)));
            }
        }
        lines
    }
}

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

mod recurrence;
mod source;

pub use recurrence::{parse_rule, repeat_of, thousands, Budget};
pub use source::{detect, load_file, parse_any, Format, ParsedFeed, SourceError, MAX_FEED_BYTES};

/// All activities of all sources, merged, with the occurrences of the coming days
/// once they are prepared ([`Catalog::prepared`]).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    activities: Vec<Arc<Activity>>,
    /// True when what is shown is the bundled example (the UI says so).
    pub example: bool,
    agenda: Option<Arc<Agenda>>,
    /// The messages of the JSON feeds (`crate::messages::from_feed`), for this kiosk.
    pub messages: Vec<crate::messages::Message>,
}

/// The occurrences of the days around one date, expanded once (off the UI thread)
/// within an overall budget, so that the screens only read them.
#[derive(Debug)]
pub struct Agenda {
    /// The local date it was made for.
    pub day: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    /// Sorted by start, then title.
    list: Vec<Occurrence>,
}

impl Agenda {
    /// Every activity's occurrences overlapping yesterday to `AGENDA_DAYS` after
    /// `today`, within `AGENDA_STEPS` and `AGENDA_TIME` for all of them, and at most
    /// `MAX_PER_DAY` a day. What was cut off is one warning.
    fn build(activities: &[Arc<Activity>], today: NaiveDate) -> Agenda {
        let first = today.pred_opt().unwrap_or(today);
        let last = today
            .checked_add_days(chrono::Days::new(AGENDA_DAYS))
            .unwrap_or(today);
        let from = time::start_of_day(first).with_timezone(&Utc);
        let to = time::start_of_day(last).with_timezone(&Utc);
        let mut budget = Budget::new(AGENDA_STEPS, Some(AGENDA_TIME));
        let mut per_day: std::collections::HashMap<NaiveDate, usize> =
            std::collections::HashMap::new();
        let mut list = Vec::new();
        let mut dropped = 0usize;
        // Once every day is full nothing more can go in: the rest is not expanded.
        let days = (last - first).num_days().max(0) as usize;
        let mut full = 0usize;
        let mut left = 0usize;
        for (i, a) in activities.iter().enumerate() {
            if full >= days {
                left = activities.len() - i;
                break;
            }
            for o in a.occurrences_within(from, to, &mut budget) {
                let date = o.local_date();
                let n = per_day.entry(date).or_default();
                if *n >= MAX_PER_DAY {
                    dropped += 1;
                    continue;
                }
                *n += 1;
                if *n == MAX_PER_DAY && date >= first && date < last {
                    full += 1;
                }
                list.push(o);
            }
        }
        if let Some(line) = budget.summary("agenda") {
            tracing::warn!("{line}");
        }
        if dropped > 0 || left > 0 {
            tracing::warn!(
                "agenda: more than {MAX_PER_DAY} occurrences on a day; {} left out, {} activities not expanded",
                thousands(dropped),
                thousands(left)
            );
        }
        sort(&mut list);
        Agenda {
            day: today,
            from,
            to,
            list,
        }
    }

    fn covers(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        from >= self.from && to <= self.to
    }

    /// The agenda's occurrences overlapping [from, to) (as `own_occurrences` decides).
    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        // Nothing that starts at or after `to` overlaps; the list is sorted by start.
        let end = self.list.partition_point(|o| o.start < to);
        self.list[..end]
            .iter()
            .filter(|o| o.end > from || (o.start == o.end && o.start >= from))
            .cloned()
            .collect()
    }
}

fn sort(list: &mut [Occurrence]) {
    list.sort_by(|a, b| {
        a.start.cmp(&b.start).then_with(|| {
            a.activity
                .title
                .get(crate::i18n::Lang::Nl)
                .cmp(b.activity.title.get(crate::i18n::Lang::Nl))
        })
    });
}

impl Catalog {
    /// The same id from two sources is one activity (the first one seen); changed
    /// instances the later copy has and the first lacks are merged into the first,
    /// so dropping a duplicate never drops an override.
    pub fn new(activities: Vec<Activity>, example: bool) -> Self {
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut kept: Vec<Activity> = Vec::with_capacity(activities.len());
        for mut a in activities {
            a.timing.tidy();
            match index.get(&a.id) {
                Some(&i) => {
                    let first = &mut kept[i].timing.overrides;
                    let known: std::collections::HashSet<DateTime<Utc>> =
                        first.iter().map(|f| f.recurrence_id).collect();
                    for o in a.timing.overrides {
                        if !known.contains(&o.recurrence_id) && first.len() < MAX_OVERRIDES {
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
            agenda: None,
            messages: Vec::new(),
        }
    }

    /// With the occurrences of the days around `today` expanded (within the overall
    /// budget): what the services thread hands to the screens, once per catalog and
    /// day. Queries inside those days then only read them.
    pub fn prepared(mut self, today: NaiveDate) -> Catalog {
        if self.agenda.as_ref().is_some_and(|a| a.day == today) {
            return self;
        }
        self.agenda = Some(Arc::new(Agenda::build(&self.activities, today)));
        self
    }

    /// The local date the agenda was made for, if it was.
    pub fn agenda_day(&self) -> Option<NaiveDate> {
        self.agenda.as_ref().map(|a| a.day)
    }

    pub fn activities(&self) -> &[Arc<Activity>] {
        &self.activities
    }

    pub fn find(&self, id: &str) -> Option<&Arc<Activity>> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// Every occurrence that overlaps [from, to), sorted by start, then title: read
    /// from the agenda when it covers the window, else expanded within the budget of
    /// one query (at most [`MAX_PER_WINDOW`]), so time and memory stay bounded.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        if let Some(agenda) = self.agenda.as_ref().filter(|a| a.covers(from, to)) {
            return agenda.between(from, to);
        }
        let mut budget = Budget::new(QUERY_STEPS, Some(QUERY_TIME));
        self.occurrences_within(from, to, &mut budget)
    }

    /// [`Catalog::occurrences`] without the agenda, spending from `budget`; what was
    /// cut off is one warning.
    pub fn occurrences_within(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        budget: &mut Budget,
    ) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = Vec::new();
        for a in &self.activities {
            all.extend(a.occurrences_within(from, to, budget));
            if all.len() > MAX_PER_WINDOW {
                tracing::warn!("more than {MAX_PER_WINDOW} occurrences in one window; cut off");
                all.truncate(MAX_PER_WINDOW);
                break;
            }
        }
        if let Some(line) = budget.summary("occurrences") {
            tracing::warn!("{line}");
        }
        sort(&mut all);
        all
    }

    /// Occurrences on one local day (overlapping it).
    pub fn on_day(&self, date: NaiveDate) -> Vec<Occurrence> {
        let (a, b) = time::day_bounds(date);
        self.occurrences(a.with_timezone(&Utc), b.with_timezone(&Utc))
    }

    /// The next occurrence of an activity that has not ended at `now`: from the
    /// agenda when it has one, else expanded for this activity alone.
    pub fn next_of(&self, activity: &Arc<Activity>, now: DateTime<Utc>) -> Option<Occurrence> {
        if let Some(agenda) = self.agenda.as_ref().filter(|a| a.covers(now, now)) {
            let found = agenda
                .list
                .iter()
                .find(|o| o.end > now && o.activity.id == activity.id);
            if found.is_some() {
                return found.cloned();
            }
        }
        let horizon = now + Duration::days(400);
        let mut list = activity.occurrences(now, horizon);
        list.sort_by_key(|o| o.start);
        list.into_iter().find(|o| o.end > now)
    }
}
