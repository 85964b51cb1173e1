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

mod recurrence;
mod source;

pub use recurrence::{parse_rule, repeat_of};
pub use source::{detect, load_file, parse_any, Format, ParsedFeed, SourceError, MAX_FEED_BYTES};

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
