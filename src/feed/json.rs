//! The project's own JSON feed format, version 1 (documented in docs/feed-format.md,
//! schema in docs/feed.schema.json). Shaped like schema.org Event; unknown fields are
//! ignored so that newer feeds still load, a higher major `version` is refused.

pub use super::ParsedFeed;
use super::{
    capped, repeat_of, Activity, ImageRef, Location, Organizer, Status, Tally, Timing,
    MAX_CATEGORIES, MAX_DATES_PER_EVENT, MAX_DESCRIPTION_CHARS, MAX_EVENTS, MAX_SHORT_CHARS,
    MAX_TITLE_CHARS, MAX_URL_CHARS,
};
use crate::i18n::Lang;
use crate::i18n::Localized;
use crate::time;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const FORMAT: &str = "samen-kiosk-feed";
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a samen-kiosk JSON feed: {0}")]
    Malformed(String),
    #[error("feed version {0} is newer than this kiosk understands ({VERSION})")]
    TooNew(u32),
    #[error("event {index} ({id}): {reason}")]
    BadEvent {
        index: usize,
        id: String,
        reason: String,
    },
}

#[derive(Deserialize)]
struct RawFeed {
    format: Option<String>,
    version: u32,
    #[serde(default)]
    example: bool,
    anchor_date: Option<NaiveDate>,
    events: Events,
}

/// The events, at most [`MAX_EVENTS`]: the rest are skipped over while parsing
/// (counted, never kept), so a feed of 200,000 tiny events costs no more memory than
/// one of 20,000.
struct Events {
    list: Vec<RawEvent>,
    ignored: usize,
}

impl<'de> Deserialize<'de> for Events {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Capped;
        impl<'de> serde::de::Visitor<'de> for Capped {
            type Value = Events;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of events")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Events, A::Error> {
                let mut list = Vec::new();
                while list.len() < MAX_EVENTS {
                    match seq.next_element::<RawEvent>()? {
                        Some(event) => list.push(event),
                        None => return Ok(Events { list, ignored: 0 }),
                    }
                }
                let mut ignored = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    ignored += 1;
                }
                Ok(Events { list, ignored })
            }
        }
        deserializer.deserialize_seq(Capped)
    }
}

#[derive(Deserialize, Default)]
struct RawText {
    name: Option<String>,
    description: Option<String>,
    accessibility: Option<String>,
    cost_note: Option<String>,
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    start: String,
    end: Option<String>,
    duration: Option<String>,
    rrule: Option<String>,
    #[serde(default)]
    exdates: Vec<String>,
    location: Option<RawLocation>,
    organizer: Option<RawOrganizer>,
    #[serde(default)]
    url: String,
    image: Option<String>,
    cost: Option<RawCost>,
    #[serde(default)]
    accessibility: String,
    #[serde(default)]
    categories: Vec<String>,
    status: Option<String>,
    #[serde(default)]
    translations: BTreeMap<String, RawText>,
}

#[derive(Deserialize, Default)]
struct RawLocation {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
}

#[derive(Deserialize, Default)]
struct RawOrganizer {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct RawCost {
    amount: f64,
    #[serde(default)]
    note: String,
}

/// How to turn an `image` value into an [`ImageRef`].
pub type ImageResolver<'a> = &'a dyn Fn(&str) -> Option<ImageRef>;

/// Parses a feed. `today` (Europe/Amsterdam) is used only for example feeds, which
/// move by whole weeks so that their fortnight is always this week and the next.
pub fn parse(text: &str, today: NaiveDate, images: ImageResolver) -> Result<ParsedFeed, FeedError> {
    let raw: RawFeed =
        serde_json::from_str(text).map_err(|e| FeedError::Malformed(e.to_string()))?;
    if let Some(format) = &raw.format {
        if format != FORMAT {
            return Err(FeedError::Malformed(format!(
                "format is '{format}', expected '{FORMAT}'"
            )));
        }
    }
    if raw.version > VERSION {
        return Err(FeedError::TooNew(raw.version));
    }
    let shift = match (raw.example, raw.anchor_date) {
        (true, Some(anchor)) => {
            let weeks = (time::monday_of(today) - time::monday_of(anchor)).num_days() / 7;
            Duration::weeks(weeks)
        }
        _ => Duration::zero(),
    };
    // One bad event does not cost the visitor the other thirty: it is skipped and
    // reported. A feed in which every event is bad is refused as a whole.
    let total = raw.events.list.len();
    let mut activities = Vec::with_capacity(total);
    let mut first_bad = None;
    let mut skipped = Tally::with_examples(Tally::SKIPPED_EXAMPLES);
    let mut warnings = Tally::default();
    let ignored = raw.events.ignored;
    warnings.note_many("events ignored", ignored, || {
        format!(
            "more than {MAX_EVENTS} events in the feed; {} ignored",
            super::thousands(ignored)
        )
    });
    for (index, event) in raw.events.list.into_iter().enumerate() {
        let id: String = event.id.chars().take(200).collect();
        match convert(event, shift, images, &mut warnings) {
            Ok(activity) => activities.push(activity),
            Err(reason) => {
                let bad = FeedError::BadEvent { index, id, reason };
                skipped.note("events skipped", || bad.to_string());
                first_bad.get_or_insert(bad);
            }
        }
    }
    if let (true, Some(bad)) = (activities.is_empty(), first_bad) {
        return Err(bad);
    }
    Ok(ParsedFeed {
        activities,
        example: raw.example,
        skipped: skipped.finish(),
        warnings: warnings.finish(),
    })
}

enum When {
    At(NaiveDateTime),
    Day(NaiveDate),
}

fn parse_when(text: &str) -> Result<When, String> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(When::Day(d));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(When::At(t));
        }
    }
    // A time with an offset is converted to Amsterdam wall-clock time.
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(When::At(t.with_timezone(&time::ZONE).naive_local()));
    }
    Err(format!(
        "'{text}' is not a date (YYYY-MM-DD) or local time (YYYY-MM-DDTHH:MM)"
    ))
}

/// ISO 8601 durations as used in feeds: PnDTnHnM (weeks too).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = Duration::zero();
    let mut number = String::new();
    for (part, is_time) in [(date, false), (time, true)] {
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().ok()?;
            number.clear();
            // Checked: "P99999999999999W" is refused, not a panic.
            let part = match (c, is_time) {
                ('W', false) => Duration::try_weeks(n),
                ('D', false) => Duration::try_days(n),
                ('H', true) => Duration::try_hours(n),
                ('M', true) => Duration::try_minutes(n),
                ('S', true) => Duration::try_seconds(n),
                _ => return None,
            }?;
            total = total.checked_add(&part)?;
        }
    }
    number.is_empty().then_some(total)
}

fn convert(
    e: RawEvent,
    shift: Duration,
    images: ImageResolver,
    warnings: &mut Tally,
) -> Result<Activity, String> {
    if e.id.trim().is_empty() {
        return Err("id is empty".into());
    }
    if e.id.len() > MAX_SHORT_CHARS {
        return Err(format!("id is longer than {MAX_SHORT_CHARS} bytes"));
    }
    if e.name.trim().is_empty() {
        return Err("name is empty".into());
    }
    let name_chars = e.name.trim().chars().count();
    if name_chars > MAX_TITLE_CHARS {
        return Err(format!("name is {name_chars} characters long"));
    }
    // Shifting an example feed can leave chrono's range (year 262143).
    let shifted = |t: NaiveDateTime, what: &str| {
        t.checked_add_signed(shift)
            .ok_or_else(|| format!("{what}: out of range"))
    };
    let (start, all_day) = match parse_when(&e.start).map_err(|r| format!("start: {r}"))? {
        When::At(t) => (shifted(t, "start")?, false),
        When::Day(d) => (shifted(d.and_time(NaiveTime::MIN), "start")?, true),
    };
    let duration = match (&e.end, &e.duration) {
        (Some(end), _) => {
            let end = match parse_when(end).map_err(|r| format!("end: {r}"))? {
                When::At(t) => shifted(t, "end")?,
                When::Day(d) => shifted(d.and_time(NaiveTime::MIN), "end")?,
            };
            if end < start {
                return Err("end is before start".into());
            }
            end - start
        }
        (None, Some(d)) => {
            parse_duration(d).ok_or_else(|| format!("duration: '{d}' is not like PT1H30M"))?
        }
        (None, None) if all_day => Duration::days(1),
        (None, None) => Duration::zero(),
    };
    if let Some(rule) = &e.rrule {
        let parsed = crate::feed::parse_rule(rule).map_err(|err| format!("rrule: {err}"))?;
        // As in iCalendar feeds: nothing a welfare kiosk lists happens every minute,
        // and such rules are the classic way to make an expander spin.
        if matches!(
            parsed.get_freq(),
            rrule::Frequency::Secondly | rrule::Frequency::Minutely
        ) {
            return Err(format!(
                "rrule: FREQ={} is not supported (repeats too often)",
                parsed.get_freq()
            ));
        }
        let zone = rrule::Tz::Tz(time::ZONE);
        parsed
            .validate(time::local(start).with_timezone(&zone))
            .map_err(|err| format!("rrule: {err}"))?;
    }
    let mut exdates = Vec::new();
    if e.exdates.len() > MAX_DATES_PER_EVENT {
        let extra = e.exdates.len() - MAX_DATES_PER_EVENT;
        warnings.note_many("exdates values ignored", extra, || {
            format!(
                "event {}: more than {MAX_DATES_PER_EVENT} exdates; {} ignored",
                e.id,
                super::thousands(extra)
            )
        });
    }
    for x in e.exdates.iter().take(MAX_DATES_PER_EVENT) {
        match parse_when(x).map_err(|r| format!("exdates: {r}"))? {
            When::At(t) => exdates.push(shifted(t, "exdates")?),
            When::Day(d) => exdates.push(shifted(d.and_time(start.time()), "exdates")?),
        }
    }
    let status = match e.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("confirmed") | Some("scheduled") => Status::Confirmed,
        Some("tentative") => Status::Tentative,
        Some("cancelled") | Some("canceled") => Status::Cancelled,
        Some(other) => {
            return Err(format!(
                "status: '{other}' is not confirmed, tentative or cancelled"
            ))
        }
    };
    let cost_cents = match &e.cost {
        None => None,
        Some(c) if c.amount.is_finite() && (0.0..=10_000.0).contains(&c.amount) => {
            Some((c.amount * 100.0).round() as u32)
        }
        Some(_) => return Err("cost.amount must be between 0 and 10000 euros".into()),
    };

    // Every text is cut to its cap (docs/feed-format.md), once per event in the log.
    let mut cut = 0usize;
    let mut title = Localized::new(e.name.trim());
    let mut description = Localized::new(capped(&e.description, MAX_DESCRIPTION_CHARS, &mut cut));
    let mut accessibility =
        Localized::new(capped(&e.accessibility, MAX_DESCRIPTION_CHARS, &mut cut));
    let mut cost_note = Localized::new(capped(
        e.cost.as_ref().map(|c| c.note.as_str()).unwrap_or_default(),
        MAX_SHORT_CHARS,
        &mut cut,
    ));
    for (code, t) in &e.translations {
        let Some(lang) = Lang::parse(code) else {
            continue;
        };
        if let Some(v) = &t.name {
            title = title.with(lang, capped(v, MAX_TITLE_CHARS, &mut cut));
        }
        if let Some(v) = &t.description {
            description = description.with(lang, capped(v, MAX_DESCRIPTION_CHARS, &mut cut));
        }
        if let Some(v) = &t.accessibility {
            accessibility = accessibility.with(lang, capped(v, MAX_DESCRIPTION_CHARS, &mut cut));
        }
        if let Some(v) = &t.cost_note {
            cost_note = cost_note.with(lang, capped(v, MAX_SHORT_CHARS, &mut cut));
        }
    }
    let mut short = |text: &str| capped(text, MAX_SHORT_CHARS, &mut cut);
    let location = e
        .location
        .map(|l| Location {
            name: short(&l.name),
            address: short(&l.address),
        })
        .unwrap_or_default();
    let organizer = e
        .organizer
        .map(|o| Organizer {
            name: short(&o.name),
            phone: short(&o.phone),
            email: short(&o.email),
            url: link(&o.url),
        })
        .unwrap_or_default();
    let mut categories: Vec<String> = Vec::new();
    for c in e.categories.iter().take(MAX_CATEGORIES) {
        categories.push(capped(c, MAX_SHORT_CHARS, &mut cut).to_lowercase());
    }
    cut += e.categories.len().saturating_sub(MAX_CATEGORIES);
    let too_long_link = e.url.trim().chars().count() > MAX_URL_CHARS
        || e.image
            .as_ref()
            .is_some_and(|i| i.chars().count() > MAX_URL_CHARS);
    if cut > 0 || too_long_link {
        warnings.note("events with text cut to length", || {
            format!("event {}: text longer than its cap was cut", e.id)
        });
    }
    let repeat = repeat_of(e.rrule.as_deref(), start);
    Ok(Activity {
        id: e.id,
        title,
        description,
        accessibility,
        location,
        organizer,
        url: link(&e.url),
        image: e
            .image
            .as_deref()
            .filter(|i| i.chars().count() <= MAX_URL_CHARS)
            .and_then(images),
        cost_cents,
        cost_note,
        categories,
        status,
        timing: Timing {
            rrule: e.rrule,
            exdates,
            ..Timing::local(start, duration, all_day)
        },
        repeat,
    })
}

/// A link, or nothing when it is longer than `MAX_URL_CHARS` (a cut link leads
/// nowhere).
fn link(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > MAX_URL_CHARS {
        String::new()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("P1D"), Some(Duration::days(1)));
        assert_eq!(parse_duration("P1DT2H"), Some(Duration::hours(26)));
        assert_eq!(parse_duration("1H"), None);
        assert_eq!(parse_duration("PT5"), None);
    }

    #[test]
    fn bad_events_are_named() {
        let text = r#"{"version":1,"events":[{"id":"x","name":"X","start":"morgen"}]}"#;
        let err = parse(text, NaiveDate::MIN, &|_| None).err().unwrap();
        assert!(err.to_string().contains("event 0 (x): start"), "{err}");
        let text = r#"{"version":1,"events":[{"id":"x","name":"X","start":"morgen"},
            {"id":"y","name":"Y","start":"2026-01-05T10:00"}]}"#;
        let feed = parse(text, NaiveDate::MIN, &|_| None).unwrap();
        assert_eq!(feed.activities.len(), 1);
        assert_eq!(feed.skipped.len(), 1);
        let text = r#"{"version":2,"events":[]}"#;
        assert!(matches!(
            parse(text, NaiveDate::MIN, &|_| None),
            Err(FeedError::TooNew(2))
        ));
        assert!(parse("<html>", NaiveDate::MIN, &|_| None).is_err());
    }

    /// Found by review for the fuzz targets: these panicked in chrono's unchecked
    /// arithmetic.
    #[test]
    fn durations_out_of_range_are_refused() {
        assert_eq!(parse_duration("P99999999999999W"), None);
        assert_eq!(parse_duration("PT9223372036854775807S"), None);
        assert_eq!(parse_duration("P100000000000000DT1H"), None);
        assert_eq!(parse_duration("P106751991167DT999999999999H"), None);
    }

    /// The fuzz finding of the ical target, in a JSON feed: rrule 0.14 panics on a
    /// multi-byte character in BYDAY.
    #[test]
    fn non_ascii_rule_is_refused() {
        let text = r#"{"version":1,"events":[{"id":"x","name":"X","start":"2026-01-05T10:00","rrule":"FREQ=WEEKLY;BYDAY=1F\u00e9T"}]}"#;
        let err = parse(text, NaiveDate::MIN, &|_| None).err().unwrap();
        assert!(err.to_string().contains("ASCII"), "{err}");
    }

    fn window_of(text: &str, today: NaiveDate) -> Vec<crate::feed::Occurrence> {
        let feed = parse(text, today, &|_| None).unwrap();
        let from = crate::time::start_of_day(NaiveDate::from_ymd_opt(2025, 3, 24).unwrap())
            .with_timezone(&chrono::Utc);
        crate::feed::Catalog::new(feed.activities, false)
            .occurrences(from, from + Duration::days(14))
    }

    /// cargo fuzz (json target): an example feed whose anchor_date is in 4052 moves
    /// its weekly events back to the year 26; each then took 100,000 rrule steps to
    /// reach the window and the feed more than 5 s. Now rules skip ahead.
    #[test]
    fn fuzz_timeout_rules_from_two_thousand_years_ago() {
        let event = r#"{"id":"ID","name":"X","start":"2026-01-06T10:00","end":"2026-01-06T11:30","rrule":"FREQ=WEEKLY;BYDAY=TU"}"#;
        let events: Vec<String> = (0..30)
            .map(|i| event.replace("ID", &format!("e{i}")))
            .collect();
        let text = format!(
            r#"{{"version":1,"example":true,"anchor_date":"4052-01-05","events":[{}]}}"#,
            events.join(",")
        );
        let list = window_of(&text, NaiveDate::from_ymd_opt(2025, 3, 24).unwrap());
        assert_eq!(list.len(), 60);
        for o in &list {
            assert_eq!(o.start.format("%a %H:%M").to_string(), "Tue 10:00");
        }
    }

    /// Skipping ahead keeps INTERVAL's phase, BYDAY, DST and a DTSTART off the rule.
    #[test]
    fn rules_skip_ahead_without_changing_instances() {
        let text = r#"{"version":1,"events":[
            {"id":"a","name":"A","start":"1990-01-01T19:00","duration":"PT1H","rrule":"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"},
            {"id":"b","name":"B","start":"1990-01-03T09:30","duration":"PT1H","rrule":"FREQ=WEEKLY;BYDAY=TU"},
            {"id":"c","name":"C","start":"1990-01-01T08:00","duration":"PT1H","rrule":"FREQ=DAILY;INTERVAL=3"}]}"#;
        let list = window_of(text, NaiveDate::MIN);
        let monday = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let (mut a, mut b, mut c) = (0, 0, 0);
        for o in &list {
            let days = (o.local_date() - monday).num_days();
            let shown = o.start.format("%a %H:%M").to_string();
            match o.activity.id.as_str() {
                "a" => {
                    a += 1;
                    assert_eq!((days / 7) % 2, 0, "{shown} on {}", o.local_date());
                    assert!(shown == "Mon 19:00" || shown == "Thu 19:00", "{shown}");
                }
                "b" => {
                    b += 1;
                    assert_eq!(shown, "Tue 09:30");
                }
                _ => {
                    c += 1;
                    assert_eq!(days % 3, 0, "{}", o.local_date());
                    assert!(shown.ends_with("08:00"), "{shown}");
                }
            }
        }
        assert_eq!((a, b), (2, 2));
        assert_eq!(c, 5);
    }

    #[test]
    fn example_shift_out_of_range_skips_the_event() {
        let text = r#"{"version":1,"example":true,"anchor_date":"-200000-01-03","events":[
            {"id":"far","name":"X","start":"+200000-01-04T10:00","exdates":["+200000-01-11"]},
            {"id":"ok","name":"Y","start":"2026-01-05T10:00"}]}"#;
        let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let feed = parse(text, today, &|_| None).unwrap();
        assert_eq!(feed.activities.len(), 1, "{:?}", feed.skipped);
    }

    #[test]
    fn very_long_recurring_event_expands() {
        let text = r#"{"version":1,"events":[{"id":"long","name":"X",
            "start":"-200000-01-01T10:00","end":"+200000-01-01T10:00","rrule":"FREQ=YEARLY"}]}"#;
        let feed = parse(text, NaiveDate::MIN, &|_| None).unwrap();
        let from = chrono::DateTime::parse_from_rfc3339("2025-03-24T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let catalog = crate::feed::Catalog::new(feed.activities, false);
        let _ = catalog.occurrences(from, from + Duration::days(14));
    }
}
