//! Campaign messages with a schedule, and urgent notices (issue 17).
//!
//! A [`Message`] comes from `[[signage.messages]]` (fleet, per-kiosk or local file) or
//! from a JSON feed's `messages` array. Its [`Window`] says when it may show: `from`
//! and `until` (local date or date-time, Europe/Amsterdam; `until` exclusive), `days`
//! (weekdays) and `hours` (`"09:00-12:00, 13:00-17:00"`; a range that ends before it
//! starts runs past midnight into the next day, which belongs to the day it started).
//! Everything is decided on local wall-clock time, so a window stays put across the
//! clock changes of March and October.
//!
//! An urgent message must end: `until` at most [`URGENT_MAX_DAYS`] after its `from`,
//! or after the kiosk first saw it ([`Board`] remembers when). At most
//! [`MAX_URGENT`] show, newest first.
//!
//! Pure functions of an instant; the playlist (`playlist::Rotation`) asks
//! [`Board::active`] at every slide, so a message starts and ends at the next slide.

use crate::i18n::{Lang, Localized};
use crate::time;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// An urgent message runs at most this many days.
pub const URGENT_MAX_DAYS: i64 = 7;
/// At most this many urgent messages show at once (the newest).
pub const MAX_URGENT: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
}

impl Priority {
    pub fn parse(text: &str) -> Option<Priority> {
        match text.trim() {
            "normal" => Some(Priority::Normal),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        }
    }
}

/// One range of a day in minutes since local midnight; `to < from` runs past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub from: u16,
    pub to: u16,
}

/// When a message may show. Every part is optional: an empty window is always.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Window {
    /// Local wall-clock start (inclusive).
    pub from: Option<NaiveDateTime>,
    /// Local wall-clock end (exclusive).
    pub until: Option<NaiveDateTime>,
    /// Monday first; `None`: every day.
    pub days: Option<[bool; 7]>,
    /// `None`: the whole day.
    pub hours: Option<Vec<Hours>>,
}

impl Window {
    /// Whether `now` lies in the window.
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        if let Some(from) = self.from {
            if now < time::local(from).with_timezone(&Utc) {
                return false;
            }
        }
        if let Some(until) = self.until {
            if now >= time::local(until).with_timezone(&Utc) {
                return false;
            }
        }
        let local = now.with_timezone(&time::ZONE).naive_local();
        let weekday = local.weekday().num_days_from_monday() as usize;
        let yesterday = (weekday + 6) % 7;
        let day_ok = |d: usize| self.days.is_none_or(|days| days[d]);
        let minute = (local.time().num_seconds_from_midnight() / 60) as u16;
        match &self.hours {
            None => day_ok(weekday),
            Some(ranges) => ranges.iter().any(|h| {
                if h.from < h.to {
                    day_ok(weekday) && h.from <= minute && minute < h.to
                } else {
                    (day_ok(weekday) && minute >= h.from) || (day_ok(yesterday) && minute < h.to)
                }
            }),
        }
    }

    /// `until` as an instant.
    pub fn until_instant(&self) -> Option<DateTime<Utc>> {
        self.until.map(|u| time::local(u).with_timezone(&Utc))
    }

    pub fn from_instant(&self) -> Option<DateTime<Utc>> {
        self.from.map(|f| time::local(f).with_timezone(&Utc))
    }
}

/// A campaign message or an urgent notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Stable, for logs and status; empty when none was given.
    pub id: String,
    pub title: Localized,
    pub body: Localized,
    pub window: Window,
    pub image: Option<crate::feed::ImageRef>,
    /// A web page, shown as a QR code.
    pub url: String,
    pub priority: Priority,
    /// A feed message's `kiosks`: only these show it (`None`: every kiosk).
    pub kiosks: Option<Vec<String>>,
}

impl Message {
    /// A message without a schedule (shown always, as before issue 17).
    pub fn always(title: Localized, body: Localized) -> Message {
        Message {
            id: String::new(),
            title,
            body,
            window: Window::default(),
            image: None,
            url: String::new(),
            priority: Priority::Normal,
            kiosks: None,
        }
    }

    /// Whether kiosk `kiosk_id` shows it.
    pub fn is_for(&self, kiosk_id: &str) -> bool {
        self.kiosks
            .as_ref()
            .is_none_or(|list| list.iter().any(|k| k == kiosk_id))
    }

    /// The id, or else the Dutch title: what logs and status call it.
    pub fn key(&self) -> String {
        if self.id.is_empty() {
            self.title.get(Lang::Nl).to_string()
        } else {
            self.id.clone()
        }
    }

    pub fn is_urgent(&self) -> bool {
        self.priority == Priority::Urgent
    }

    /// The title and body in `lang`, for speech and logs.
    pub fn text(&self, lang: Lang) -> String {
        let title = self.title.get(lang);
        let body = self.body.get(lang);
        if body.is_empty() {
            title.to_string()
        } else {
            format!("{title}. {body}")
        }
    }
}

/// Why an urgent message may not be urgent (`None`: it may). `first_seen` stands in
/// for a missing `from`.
pub fn urgent_problem(window: &Window, first_seen: Option<DateTime<Utc>>) -> Option<String> {
    let Some(until) = window.until_instant() else {
        return Some("an urgent message needs an `until` (at most 7 days after `from`)".into());
    };
    let start = window.from_instant().or(first_seen)?;
    (until - start > chrono::Duration::days(URGENT_MAX_DAYS)).then(|| {
        format!("an urgent message may run at most {URGENT_MAX_DAYS} days (`until` is later)")
    })
}

// ---------------------------------------------------------------------------------
// Parsing the window's parts, shared by the configuration and the feed. Each returns
// `Err(reason)`; the caller adds the key path.

/// `"2026-09-24"` (midnight) or `"2026-09-24T09:00"` / `"2026-09-24 09:00"`, local.
pub fn parse_moment(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(NaiveTime::MIN));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t);
        }
    }
    Err(format!(
        "'{text}' is not a date like \"2026-09-24\" or a local time like \"2026-09-24T09:00\""
    ))
}

/// Weekday names as in `[schedule]`.
pub fn parse_days(names: &[String]) -> Result<[bool; 7], String> {
    if names.is_empty() {
        return Err("list at least one day (or leave `days` out)".into());
    }
    let mut days = [false; 7];
    for name in names {
        let lower = name.trim().to_ascii_lowercase();
        match crate::schedule::WEEKDAYS.iter().position(|d| *d == lower) {
            Some(i) => days[i] = true,
            None => {
                return Err(format!(
                    "'{name}' is not a weekday (monday, tuesday, ... sunday)"
                ))
            }
        }
    }
    Ok(days)
}

/// `"09:00-12:00"`, several separated by commas, as in `[schedule]`.
pub fn parse_hours(text: &str) -> Result<Vec<Hours>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (a, b) = part
            .split_once('-')
            .ok_or_else(|| format!("'{part}' is not a range like \"09:00-12:00\""))?;
        let from = crate::schedule::minute(a.trim())
            .ok_or_else(|| format!("'{}' is not a time", a.trim()))?;
        let to = crate::schedule::minute(b.trim())
            .ok_or_else(|| format!("'{}' is not a time", b.trim()))?;
        if from >= 1440 {
            return Err(format!("'{part}' starts at 24:00"));
        }
        if from == to {
            return Err(format!("'{part}' is empty"));
        }
        out.push(Hours { from, to });
    }
    Ok(out)
}

/// The parts of a message as written (configuration or feed), before checking.
#[derive(Debug, Default)]
pub struct RawWindow<'a> {
    pub from: Option<&'a str>,
    pub until: Option<&'a str>,
    pub days: Option<&'a [String]>,
    pub hours: Option<&'a str>,
    pub priority: Option<&'a str>,
}

/// Checks a window and a priority; problems come back as `(key, reason)`.
pub fn check_window(raw: &RawWindow) -> (Window, Priority, Vec<(&'static str, String)>) {
    let mut problems = Vec::new();
    let mut window = Window::default();
    if let Some(text) = raw.from {
        match parse_moment(text) {
            Ok(t) => window.from = Some(t),
            Err(e) => problems.push(("from", e)),
        }
    }
    if let Some(text) = raw.until {
        match parse_moment(text) {
            Ok(t) => window.until = Some(t),
            Err(e) => problems.push(("until", e)),
        }
    }
    if let (Some(from), Some(until)) = (window.from, window.until) {
        if until <= from {
            problems.push(("until", "must be after `from`".to_string()));
        }
    }
    if let Some(names) = raw.days {
        match parse_days(names) {
            Ok(d) => window.days = Some(d),
            Err(e) => problems.push(("days", e)),
        }
    }
    if let Some(text) = raw.hours {
        match parse_hours(text) {
            Ok(h) => window.hours = Some(h),
            Err(e) => problems.push(("hours", e)),
        }
    }
    let priority = match raw.priority {
        None => Priority::Normal,
        Some(text) => Priority::parse(text).unwrap_or_else(|| {
            problems.push((
                "priority",
                format!("'{text}': use \"normal\" or \"urgent\""),
            ));
            Priority::Normal
        }),
    };
    if problems.is_empty() && window_is_empty(&window) {
        problems.push((
            "hours",
            "the window never opens (no day and hour between `from` and `until`)".to_string(),
        ));
    }
    if priority == Priority::Urgent {
        if let Some(reason) = urgent_problem(&window, None) {
            problems.push(("until", reason));
        }
    }
    (window, priority, problems)
}

/// Whether a window with `from` and `until` never contains a moment: its days and
/// hours fall outside the dates. The first moment a window holds is `from`, a local
/// midnight or the start of one of its hour ranges: those are tried, for the first
/// eight days (a week and a day covers every weekday and every range).
fn window_is_empty(window: &Window) -> bool {
    let (Some(from), Some(until)) = (window.from_instant(), window.until_instant()) else {
        return false;
    };
    if until <= from {
        return true;
    }
    let end = until.min(from + chrono::Duration::days(8));
    let first_day = from.with_timezone(&time::ZONE).date_naive();
    let mut starts: Vec<u16> = vec![0];
    if let Some(hours) = &window.hours {
        starts.extend(hours.iter().map(|h| h.from));
    }
    let mut candidates = vec![from];
    for offset in 0..=8u64 {
        let Some(day) = first_day.checked_add_days(chrono::Days::new(offset)) else {
            continue;
        };
        for minute in &starts {
            let naive = day.and_time(
                NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
                    .unwrap_or(NaiveTime::MIN),
            );
            candidates.push(time::local(naive).with_timezone(&Utc));
        }
    }
    !candidates
        .into_iter()
        .any(|t| t >= from && t < end && window.contains(t))
}

/// The messages kiosk `kiosk_id` shows: the configuration's, then the feeds' meant
/// for it.
pub fn for_kiosk(config: &crate::config::Config, feeds: &[Message]) -> Vec<Message> {
    config
        .signage
        .messages
        .iter()
        .chain(feeds.iter().filter(|m| m.is_for(&config.kiosk_id)))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------

/// What shows now: the normal messages in order, and the urgent ones newest first.
#[derive(Debug, Clone, Default)]
pub struct Active {
    pub normal: Vec<Arc<Message>>,
    pub urgent: Vec<Arc<Message>>,
}

impl Active {
    /// Every active message's key (urgent first), for status.
    pub fn keys(&self) -> Vec<String> {
        self.urgent
            .iter()
            .chain(self.normal.iter())
            .map(|m| m.key())
            .collect()
    }
}

/// The messages a kiosk knows (configuration first, then feeds) and when it first saw
/// each urgent one.
#[derive(Debug, Default)]
pub struct Board {
    messages: Vec<Arc<Message>>,
    first_seen: HashMap<String, DateTime<Utc>>,
    /// Urgent messages refused (too long), logged once.
    refused: std::collections::HashSet<String>,
}

impl Board {
    pub fn new(messages: Vec<Message>) -> Board {
        let mut board = Board::default();
        board.set(messages);
        board
    }

    /// New messages (a new configuration or feed); what was first seen when is kept.
    pub fn set(&mut self, messages: Vec<Message>) {
        self.messages = messages.into_iter().map(Arc::new).collect();
        let keys: std::collections::HashSet<String> =
            self.messages.iter().map(|m| m.key()).collect();
        self.first_seen.retain(|k, _| keys.contains(k));
    }

    pub fn messages(&self) -> &[Arc<Message>] {
        &self.messages
    }

    /// The messages whose window holds `now`.
    pub fn active(&mut self, now: DateTime<Utc>) -> Active {
        let mut active = Active::default();
        let mut urgent: Vec<(DateTime<Utc>, Arc<Message>)> = Vec::new();
        for m in &self.messages {
            if !m.window.contains(now) {
                continue;
            }
            if !m.is_urgent() {
                active.normal.push(m.clone());
                continue;
            }
            let key = m.key();
            let seen = *self.first_seen.entry(key.clone()).or_insert(now);
            if let Some(reason) = urgent_problem(&m.window, Some(seen)) {
                if self.refused.insert(key.clone()) {
                    tracing::warn!(message = %key, "urgent message refused: {reason}");
                }
                continue;
            }
            urgent.push((m.window.from_instant().unwrap_or(seen), m.clone()));
        }
        // Newest first; the same start keeps the order they were written in.
        urgent.sort_by_key(|u| std::cmp::Reverse(u.0));
        active.urgent = urgent
            .into_iter()
            .take(MAX_URGENT)
            .map(|(_, m)| m)
            .collect();
        active
    }
}

// ---------------------------------------------------------------------------------
// Messages in a JSON feed (docs/feed-format.md): the `messages` array beside `events`.

#[derive(serde::Deserialize)]
struct FeedBody {
    #[serde(default)]
    messages: Vec<serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FeedText {
    Plain(String),
    Table(std::collections::BTreeMap<String, String>),
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FeedHours {
    One(String),
    Many(Vec<String>),
}

#[derive(serde::Deserialize)]
struct FeedMessage {
    #[serde(default)]
    id: String,
    title: FeedText,
    body: Option<FeedText>,
    from: Option<String>,
    until: Option<String>,
    days: Option<Vec<String>>,
    hours: Option<FeedHours>,
    image: Option<String>,
    #[serde(default)]
    url: String,
    priority: Option<String>,
    kiosks: Option<Vec<String>>,
}

/// At most this many messages are read from one feed.
pub const MAX_FEED_MESSAGES: usize = 50;

fn localized(text: &FeedText, max: usize) -> Localized {
    let cut = |s: &str| -> String { s.trim().chars().take(max).collect() };
    match text {
        FeedText::Plain(s) => Localized::new(cut(s)),
        FeedText::Table(table) => {
            let mut out = Localized::default();
            for (code, s) in table {
                if let Some(lang) = Lang::parse(code) {
                    out = out.with(lang, cut(s));
                }
            }
            out
        }
    }
}

/// The messages of a JSON feed body, with the warnings to log (which kiosks show
/// them is in [`Message::kiosks`]).
/// Urgent messages stay urgent only when `urgent_allowed` (the source's setting in
/// the signed configuration); a bad message is skipped, never the feed.
/// `images` resolves an `image` as for events. Not JSON, or no `messages`: none.
/// `text` with every '...' part replaced by '…'.
fn unquote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('\'') {
        let Some(close) = rest[open + 1..].find('\'') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("'…'");
        rest = &rest[open + 1 + close + 1..];
    }
    out.push_str(rest);
    out
}

pub fn from_feed(
    body: &[u8],
    urgent_allowed: bool,
    http_links: bool,
    images: &dyn Fn(&str) -> Option<crate::feed::ImageRef>,
) -> (Vec<Message>, Vec<String>) {
    let mut warnings = Vec::new();
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    if start.is_none_or(|i| body[i] != b'{') {
        return (Vec::new(), warnings);
    }
    let Ok(parsed) = serde_json::from_slice::<FeedBody>(body) else {
        return (Vec::new(), warnings);
    };
    let mut out = Vec::new();
    for (i, value) in parsed.messages.into_iter().enumerate() {
        if out.len() >= MAX_FEED_MESSAGES {
            warnings.push(format!(
                "more than {MAX_FEED_MESSAGES} messages: the rest skipped"
            ));
            break;
        }
        let m: FeedMessage = match serde_json::from_value(value) {
            Ok(m) => m,
            Err(e) => {
                // serde's words may quote the feed's values (and a feed may be any
                // local file): say which message and what kind of fault, no more.
                let text = e.to_string();
                let why = if text.starts_with("missing field") {
                    text.split(" at line")
                        .next()
                        .unwrap_or("missing field")
                        .to_string()
                } else {
                    "a field has the wrong type or an unknown value".to_string()
                };
                warnings.push(format!("messages[{i}] skipped: {why}"));
                continue;
            }
        };
        let id: String = m.id.trim().chars().take(100).collect();
        let name = if id.is_empty() {
            format!("messages[{i}]")
        } else {
            format!("messages[{i}] ({id})")
        };
        let hours = match &m.hours {
            None => None,
            Some(FeedHours::One(s)) => Some(s.clone()),
            Some(FeedHours::Many(list)) => Some(list.join(",")),
        };
        let raw = RawWindow {
            from: m.from.as_deref(),
            until: m.until.as_deref(),
            days: m.days.as_deref(),
            hours: hours.as_deref(),
            priority: m.priority.as_deref(),
        };
        let (window, mut priority, problems) = check_window(&raw);
        let (urgent_only, real): (Vec<_>, Vec<_>) = problems
            .into_iter()
            .partition(|(k, r)| *k == "until" && r.contains("urgent"));
        if !real.is_empty() {
            let why: Vec<String> = real.iter().map(|(k, r)| format!("{k}: {r}")).collect();
            warnings.push(format!("{name} skipped: {}", why.join("; ")));
            continue;
        }
        if priority == Priority::Urgent && !urgent_allowed {
            warnings.push(format!(
                "{name} is urgent, but this feed may not send urgent messages (urgent_allowed): shown as a normal message"
            ));
            priority = Priority::Normal;
        } else if let Some((_, reason)) = urgent_only.first() {
            warnings.push(format!("{name} skipped: {reason}"));
            continue;
        }
        let title = localized(&m.title, 200);
        if title.get(Lang::Nl).is_empty() {
            warnings.push(format!("{name} skipped: no title"));
            continue;
        }
        let url = m.url.trim().to_string();
        let url = if crate::feed_policy::link_allowed(&url, http_links) {
            url
        } else {
            if !url.is_empty() {
                warnings.push(format!(
                    "{name}: url is not a web link allowed here, no QR code"
                ));
            }
            String::new()
        };
        out.push(Message {
            id,
            title,
            body: m
                .body
                .as_ref()
                .map(|b| localized(b, 600))
                .unwrap_or_default(),
            window,
            image: m.image.as_deref().and_then(images),
            url,
            priority,
            kiosks: m.kiosks,
        });
    }
    // The checks above quote what they refuse ('...'), which is right for `config
    // check` but not for a feed, which may be any local file: its values stay out.
    let warnings = warnings.iter().map(|w| unquote(w)).collect();
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        time::parse_instant(text).expect("valid instant")
    }

    fn window(
        from: Option<&str>,
        until: Option<&str>,
        days: &[&str],
        hours: Option<&str>,
    ) -> Window {
        let days: Vec<String> = days.iter().map(|d| d.to_string()).collect();
        let raw = RawWindow {
            from,
            until,
            days: (!days.is_empty()).then_some(&days[..]),
            hours,
            priority: None,
        };
        let (w, _, problems) = check_window(&raw);
        assert!(problems.is_empty(), "{problems:?}");
        w
    }

    #[test]
    fn dates_are_local_and_until_is_exclusive() {
        // The Week tegen Eenzaamheid: 24 September up to (not including) 2 October.
        let w = window(Some("2026-09-24"), Some("2026-10-02"), &[], None);
        assert!(!w.contains(at("2026-09-23T23:59:00+02:00")));
        assert!(w.contains(at("2026-09-24T00:00:00+02:00")));
        assert!(w.contains(at("2026-10-01T23:59:59+02:00")));
        assert!(!w.contains(at("2026-10-02T00:00:00+02:00")));
        // A local date-time.
        let w = window(
            Some("2026-11-15T09:30"),
            Some("2026-12-25T12:00"),
            &[],
            None,
        );
        assert!(!w.contains(at("2026-11-15T09:29:00+01:00")));
        assert!(w.contains(at("2026-11-15T09:30:00+01:00")));
        assert!(!w.contains(at("2026-12-25T12:00:00+01:00")));
    }

    #[test]
    fn weekdays_and_hours() {
        // The Tuesday walk: Monday and Tuesday mornings.
        let w = window(None, None, &["monday", "Tuesday"], Some("08:00-12:00"));
        assert!(w.contains(at("2026-11-30T08:00:00+01:00"))); // Monday
        assert!(!w.contains(at("2026-11-30T12:00:00+01:00")));
        assert!(w.contains(at("2026-12-01T11:59:00+01:00"))); // Tuesday
        assert!(!w.contains(at("2026-12-02T09:00:00+01:00"))); // Wednesday
                                                               // Several ranges.
        let w = window(None, None, &[], Some("09:00-10:00, 14:00-15:00"));
        assert!(w.contains(at("2026-12-02T14:30:00+01:00")));
        assert!(!w.contains(at("2026-12-02T12:00:00+01:00")));
    }

    #[test]
    fn hours_past_midnight_belong_to_the_day_they_start() {
        // Friday evening until 02:00 on Saturday morning, Fridays only.
        let w = window(None, None, &["friday"], Some("22:00-02:00"));
        assert!(w.contains(at("2026-11-27T22:00:00+01:00"))); // Friday
        assert!(w.contains(at("2026-11-28T01:59:00+01:00"))); // Saturday night
        assert!(!w.contains(at("2026-11-28T02:00:00+01:00")));
        assert!(!w.contains(at("2026-11-28T22:30:00+01:00"))); // Saturday evening
        assert!(!w.contains(at("2026-11-27T01:00:00+01:00"))); // Friday night = Thursday's
                                                               // Until 24:00.
        let w = window(None, None, &[], Some("20:00-24:00"));
        assert!(w.contains(at("2026-11-27T23:59:00+01:00")));
        assert!(!w.contains(at("2026-11-28T00:00:00+01:00")));
    }

    #[test]
    fn windows_hold_across_the_clock_changes() {
        // Summer time ends on Sunday 25 October 2026: 09:00 is 09:00 on both sides.
        let w = window(None, None, &["saturday", "sunday"], Some("09:00-10:00"));
        assert!(w.contains(at("2026-10-24T09:00:00+02:00")));
        assert!(w.contains(at("2026-10-25T09:00:00+01:00")));
        assert!(!w.contains(at("2026-10-25T08:59:00+01:00")));
        assert!(!w.contains(at("2026-10-25T09:00:00+02:00")), "08:00 local");
        // A message that ends at 03:00 on the night of 25 October ends once, at the
        // first 03:00 (the repeated hour is 02:00-03:00).
        let w = window(None, Some("2026-10-25T03:00"), &[], None);
        assert!(w.contains(at("2026-10-25T02:30:00+02:00")));
        assert!(w.contains(at("2026-10-25T02:30:00+01:00")));
        assert!(!w.contains(at("2026-10-25T03:00:00+01:00")));
        // Summer time starts on Sunday 29 March 2026: 02:00-03:00 does not exist; a
        // window from 02:30 starts at 03:00 summer time.
        let w = window(Some("2026-03-29T02:30"), None, &[], None);
        assert!(!w.contains(at("2026-03-29T01:59:00+01:00")));
        assert!(w.contains(at("2026-03-29T03:30:00+02:00")));
        let night = window(None, None, &[], Some("01:00-04:00"));
        assert!(night.contains(at("2026-03-29T03:30:00+02:00")));
        assert!(!night.contains(at("2026-03-29T04:00:00+02:00")));
    }

    #[test]
    fn bad_windows_are_named() {
        let days = vec!["maandag".to_string()];
        let raw = RawWindow {
            from: Some("2026-10-02"),
            until: Some("2026-09-24"),
            days: Some(&days),
            hours: Some("12:00-12:00"),
            priority: Some("heel belangrijk"),
        };
        let (_, _, problems) = check_window(&raw);
        let keys: Vec<&str> = problems.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["until", "days", "hours", "priority"]);
        // Only Sundays, within a Monday-to-Saturday: never.
        let sunday = vec!["sunday".to_string()];
        let raw = RawWindow {
            from: Some("2026-11-30"),
            until: Some("2026-12-06"),
            days: Some(&sunday),
            ..Default::default()
        };
        let (_, _, problems) = check_window(&raw);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].1.contains("never"));
        // Friday night past midnight, within Saturday's first hours: it does open.
        let friday = vec!["friday".to_string()];
        let raw = RawWindow {
            from: Some("2026-11-28"),
            until: Some("2026-11-28T03:00"),
            days: Some(&friday),
            hours: Some("22:00-02:00"),
            ..Default::default()
        };
        assert!(check_window(&raw).2.is_empty());
    }

    #[test]
    fn urgent_messages_must_end_within_a_week() {
        let check = |from: Option<&str>, until: Option<&str>| {
            let raw = RawWindow {
                from,
                until,
                priority: Some("urgent"),
                ..Default::default()
            };
            check_window(&raw).2
        };
        assert!(check(Some("2026-12-01"), Some("2026-12-02")).is_empty());
        assert!(check(Some("2026-12-01"), Some("2026-12-08")).is_empty());
        assert_eq!(check(Some("2026-12-01"), Some("2026-12-08T00:01")).len(), 1);
        assert_eq!(check(Some("2026-12-01"), None).len(), 1, "no until");
        assert!(
            check(None, Some("2026-12-31")).is_empty(),
            "judged when first seen"
        );
        // Without `from`: from when the kiosk first saw it.
        let mut board = Board::new(vec![Message {
            priority: Priority::Urgent,
            window: window(None, Some("2026-12-10"), &[], None),
            ..Message::always(Localized::new("Gesloten"), Localized::default())
        }]);
        assert!(board
            .active(at("2026-12-01T09:00:00+01:00"))
            .urgent
            .is_empty());
        let mut board = Board::new(board.messages().iter().map(|m| (**m).clone()).collect());
        assert_eq!(
            board.active(at("2026-12-04T09:00:00+01:00")).urgent.len(),
            1
        );
        assert!(
            board
                .active(at("2026-12-10T00:00:00+01:00"))
                .urgent
                .is_empty(),
            "ended"
        );
    }

    #[test]
    fn newest_urgent_first_and_at_most_three() {
        let urgent = |id: &str, from: &str| Message {
            id: id.into(),
            priority: Priority::Urgent,
            window: window(Some(from), Some("2026-12-05"), &[], None),
            ..Message::always(Localized::new(id), Localized::default())
        };
        let mut board = Board::new(vec![
            urgent("a", "2026-12-01T08:00"),
            urgent("b", "2026-12-01T10:00"),
            Message::always(Localized::new("normaal"), Localized::default()),
            urgent("c", "2026-12-01T09:00"),
            urgent("d", "2026-12-01T11:00"),
        ]);
        let active = board.active(at("2026-12-01T12:00:00+01:00"));
        let keys: Vec<String> = active.urgent.iter().map(|m| m.key()).collect();
        assert_eq!(keys, ["d", "b", "c"]);
        assert_eq!(active.normal.len(), 1);
        assert_eq!(active.keys(), ["d", "b", "c", "normaal"]);
    }

    #[test]
    fn feed_messages_for_this_kiosk_and_urgent_only_when_allowed() {
        let body = br#"{"version":1,"events":[],"messages":[
            {"id":"kerst","title":{"nl":"Kerstdiner","en":"Christmas dinner"},"from":"2026-11-15","until":"2026-12-25","url":"https://example.org/kerst"},
            {"id":"storm","title":"Vandaag gesloten","body":"Wegens storm.","until":"2026-12-02","priority":"urgent","kiosks":["bieb"]},
            {"id":"elders","title":"Elders","kiosks":["buurthuis"]},
            {"id":"kapot","title":"Kapot","days":["zondag"]},
            {"id":"lang","title":"Te lang","from":"2026-12-01","until":"2026-12-20","priority":"urgent"}
        ]}"#;
        let none = |_: &str| None;
        let for_bieb = |(list, w): (Vec<Message>, Vec<String>)| {
            (
                list.into_iter()
                    .filter(|m| m.is_for("bieb"))
                    .collect::<Vec<_>>(),
                w,
            )
        };
        let (messages, warnings) = for_bieb(from_feed(body, true, false, &none));
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["kerst", "storm"]);
        assert!(messages[1].is_urgent());
        assert_eq!(messages[0].title.get(Lang::En), "Christmas dinner");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        // Not allowed: shown as normal, with a warning.
        let (messages, warnings) = for_bieb(from_feed(body, false, false, &none));
        assert!(messages.iter().all(|m| !m.is_urgent()));
        assert!(warnings.iter().any(|w| w.contains("urgent_allowed")));
        assert_eq!(messages.len(), 3, "the long one is a normal message then");
        // Old feeds and iCalendar: no messages.
        assert!(
            from_feed(br#"{"version":1,"events":[]}"#, true, false, &none)
                .0
                .is_empty()
        );
        assert!(from_feed(b"BEGIN:VCALENDAR", true, false, &none)
            .0
            .is_empty());
    }

    #[test]
    fn feed_messages_keep_only_web_links_and_never_quote_the_feed() {
        let body = br#"{"version":1,"events":[],"messages":[
            {"id":"a","title":"A","url":"javascript:alert(1)"},
            {"id":"b","title":"B","url":"http://example.org/b"},
            {"id":"c","title":"C","url":"https://example.org/c"},
            {"id":"d","title":"D","priority":"GEHEIM-0123456789"}
        ]}"#;
        let none = |_: &str| None;
        let (messages, warnings) = from_feed(body, false, false, &none);
        let urls: Vec<&str> = messages.iter().map(|m| m.url.as_str()).collect();
        assert_eq!(urls, ["", "", "https://example.org/c"]);
        let (messages, _) = from_feed(body, false, true, &none);
        assert_eq!(messages[1].url, "http://example.org/b", "http_links = true");
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("messages[3] (d)") || w.starts_with("messages[3] skipped")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().all(|w| !w.contains("GEHEIM")),
            "a warning quotes the feed: {warnings:?}"
        );
    }
}
