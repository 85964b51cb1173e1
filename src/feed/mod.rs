//! Activities and their occurrences. An [`Activity`] is what a feed describes (with
//! its recurrence); an [`Occurrence`] is one concrete time it takes place, in
//! Europe/Amsterdam. A [`Catalog`] merges the activities of every source and answers
//! "what happens between these two instants".
//!
//! No Slint, no network here: sources hand over text, this module parses and expands.

pub mod bundled;
pub mod json;

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

/// When an activity takes place, in local wall-clock time.
#[derive(Debug, Clone)]
pub struct Timing {
    pub start: NaiveDateTime,
    pub duration: Duration,
    pub all_day: bool,
    /// RFC 5545 RRULE value, already checked to parse.
    pub rrule: Option<String>,
    pub exdates: Vec<NaiveDateTime>,
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
const MAX_PER_QUERY: u16 = 500;

impl Activity {
    /// Every occurrence that overlaps [from, to).
    pub fn occurrences(
        self: &Arc<Self>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let t = &self.timing;
        let starts: Vec<DateTime<Tz>> = match &t.rrule {
            None => vec![self.local_start(t.start)],
            Some(rule) => self.expand(rule, from - t.duration, to),
        };
        starts
            .into_iter()
            .filter(|s| !t.exdates.iter().any(|x| self.local_start(*x) == *s))
            .filter_map(|start| {
                let end = if t.all_day {
                    let days = t.duration.num_days().max(1) as u64;
                    let end_date = start
                        .date_naive()
                        .checked_add_days(chrono::Days::new(days))?;
                    time::start_of_day(end_date)
                } else {
                    start + t.duration
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
            .collect()
    }

    fn local_start(&self, naive: NaiveDateTime) -> DateTime<Tz> {
        time::local(naive)
    }

    fn expand(&self, rule: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Tz>> {
        let zone = rrule::Tz::Tz(ZONE);
        let dt_start = self.local_start(self.timing.start).with_timezone(&zone);
        let parsed: rrule::RRule<rrule::Unvalidated> = match rule.parse() {
            Ok(r) => r,
            Err(_) => return Vec::new(),
        };
        let set = match parsed.build(dt_start) {
            Ok(s) => s,
            Err(_) => return Vec::new(),
        };
        set.after(from.with_timezone(&zone))
            .before(to.with_timezone(&zone))
            .all(MAX_PER_QUERY)
            .dates
            .into_iter()
            .map(|d| d.with_timezone(&ZONE))
            .collect()
    }
}

/// Reads how a rule repeats, for "elke dinsdag" on screen.
pub fn repeat_of(rule: Option<&str>, start: NaiveDateTime) -> Repeat {
    use chrono::Datelike;
    let Some(rule) = rule else {
        return Repeat::Once;
    };
    let Ok(parsed) = rule.parse::<rrule::RRule<rrule::Unvalidated>>() else {
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
    pub fn new(activities: Vec<Activity>, example: bool) -> Self {
        let mut seen = std::collections::HashSet::new();
        let activities = activities
            .into_iter()
            .filter(|a| seen.insert(a.id.clone()))
            .map(Arc::new)
            .collect();
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

    /// Every occurrence that overlaps [from, to), sorted by start, then title.
    pub fn occurrences(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = self
            .activities
            .iter()
            .flat_map(|a| a.occurrences(from, to))
            .collect();
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

/// Parses feed text in any supported format, detected from the content.
pub fn parse_text(
    text: &str,
    today: NaiveDate,
    images: json::ImageResolver,
) -> anyhow::Result<json::ParsedFeed> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') {
        return Ok(json::parse(text, today, images)?);
    }
    if head.starts_with("BEGIN:VCALENDAR") {
        anyhow::bail!("iCalendar feeds are not supported by this version");
    }
    anyhow::bail!("neither a samen-kiosk JSON feed nor an iCalendar file")
}

/// Reads a feed from a local file; pictures are looked up beside it.
pub fn load_file(path: &std::path::Path, today: NaiveDate) -> anyhow::Result<json::ParsedFeed> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
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
    json::parse(&text, today, &resolve).with_context(|| format!("{}", path.display()))
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
                activities.extend(parsed.activities);
            }
            Err(err) => tracing::warn!(feed = %feed.name, "feed not loaded: {err:#}"),
        }
    }
    Catalog::new(activities, false)
}
