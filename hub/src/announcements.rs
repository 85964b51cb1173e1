//! Announcements (issue 20): messages that editors write on the hub and kiosks read from
//! the hub's feed (`GET /feeds/messages.json`, the feed format's `messages`,
//! docs/feed-format.md). A message is a draft, published or withdrawn; a published
//! one whose `until` has passed is expired. Urgent notices need role `admin` or the
//! `urgent` right (`samen-hub user grant-urgent`) and end within
//! [`URGENT_MAX_DAYS`] days.
//!
//! Checks mirror the kiosk's (`src/messages.rs`, `check_window`), so that what the hub
//! publishes is never skipped by a kiosk; the text limits are what fits on the kiosk's
//! message slide at 800x480 with a picture and a QR code (measured with the kiosk's own
//! renderer, see ARCHITECTURE.md).
//!
//! No HTTP here; `http/announcements.rs` is the pages, `cli.rs` the import.

use crate::audit::{self, Action};
use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Characters of a title / a body that fit on the kiosk's message slide at 800x480
/// (measured with `samen-kiosk screenshot --scene signage-message`): the body is
/// narrower beside a picture, and an urgent notice's type is larger.
pub const TITLE_MAX: usize = 40;
pub const BODY_MAX: usize = 160;
/// The body's limit with a picture, or for an urgent notice.
pub const BODY_MAX_SHORT: usize = 90;
pub const URL_MAX: usize = 300;
pub const URGENT_MAX_DAYS: i64 = 7;
/// An uploaded picture, before scaling.
pub const PICTURE_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Pictures are decoded only up to this many pixels (a bomb is refused, not decoded).
pub const PICTURE_MAX_PIXELS: u64 = 40_000_000;
/// The kiosk's advice: about 800x600.
pub const PICTURE_BOX: (u32, u32) = (800, 600);
/// The kiosk reads at most 50 messages from one feed.
pub const FEED_MAX: usize = 50;
pub const LANGS: [&str; 4] = ["nl", "en", "tr", "pl"];
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// What an editor writes (or an import file holds), before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Language code -> text; `nl` is required for the title.
    pub title: BTreeMap<String, String>,
    pub body: BTreeMap<String, String>,
    /// Local `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (Europe/Amsterdam); empty: none.
    pub from: String,
    pub until: String,
    /// Weekday names, Monday first; empty: every day.
    pub days: Vec<String>,
    /// `"09:00-12:00"`, several separated by commas; empty: the whole day.
    pub hours: String,
    pub url: String,
    pub urgent: bool,
    /// `None`: every kiosk.
    pub kiosks: Option<Vec<String>>,
}

/// A problem with a field: `field` is the form's field (and the import's key),
/// `code` the reason (the pages' words are `ann_err_<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub code: &'static str,
}

impl Problem {
    /// The reason in English (command line).
    pub fn english(&self) -> &'static str {
        match self.code {
            "title_missing" => "a Dutch title is required",
            "title_long" => "the title is longer than 40 characters (it does not fit on the kiosk's slide)",
            "body_long" => "the text is longer than 160 characters (it does not fit on the kiosk's slide)",
            "body_short" => "with a picture, and for an urgent notice, the text may be 90 characters at most (it does not fit on the kiosk's slide)",
            "lang" => "only nl, en, tr and pl",
            "moment" => "not a date like 2026-12-24 or a local time like 2026-12-24T09:00",
            "until_before" => "must be after `from`",
            "ended" => "lies in the past: the message would never show",
            "day" => "not a weekday (monday ... sunday)",
            "hours" => "not a range like 09:00-12:00 (several separated by commas)",
            "never" => "the window never opens (no day and hour between `from` and `until`)",
            "url" => "only an https:// address",
            "urgent_until" => "an urgent notice needs an `until` at most 7 days after its start",
            "urgent_right" => "urgent notices need role admin or the urgent right",
            "kiosk" => "no such kiosk on this hub",
            "no_kiosk" => "choose at least one kiosk (or all kiosks)",
            "id" => "1 to 100 letters, digits, '.', '_', ':' or '-'",
            "duplicate" => "this id is used twice in the file",
            "image" => "the picture cannot be used",
            _ => "not valid",
        }
    }
}

/// Local wall-clock `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM`, as the kiosk reads it.
pub fn parse_moment(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d.and_time(NaiveTime::MIN));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// A local wall-clock time as an instant (the earlier one in the autumn's double hour,
/// the hour after in the spring's gap), as the kiosk does.
pub fn instant(local: NaiveDateTime) -> DateTime<Utc> {
    let zone = chrono_tz::Europe::Amsterdam;
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => zone
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local)),
    }
}

fn minute(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// `"09:00-12:00, 13:00-17:00"` as minute ranges; `None` when one is not valid.
pub fn parse_hours(text: &str) -> Option<Vec<(u16, u16)>> {
    text.split(',')
        .map(|part| {
            let (a, b) = part.split_once('-')?;
            let (a, b) = (minute(a)?, minute(b)?);
            (a < 1440 && a != b).then_some((a, b))
        })
        .collect()
}

/// Whether the window holds any moment (the kiosk skips one that never opens): the
/// first eight days from `from`, at midnight and at every range's start.
fn window_opens(
    from: NaiveDateTime,
    until: NaiveDateTime,
    days: &[bool; 7],
    hours: &[(u16, u16)],
) -> bool {
    let mut starts: Vec<u16> = vec![0];
    starts.extend(hours.iter().map(|h| h.0));
    let holds = |t: NaiveDateTime| {
        let wd = t.weekday().num_days_from_monday() as usize;
        let yesterday = (wd + 6) % 7;
        let m = (t.hour() * 60 + t.minute()) as u16;
        if hours.is_empty() {
            return days[wd];
        }
        hours.iter().any(|&(a, b)| {
            if a < b {
                days[wd] && a <= m && m < b
            } else {
                (days[wd] && m >= a) || (days[yesterday] && m < b)
            }
        })
    };
    let end = until.min(from + chrono::Duration::days(8));
    let mut candidates = vec![from];
    for offset in 0..=8 {
        let day = from.date() + chrono::Duration::days(offset);
        for s in &starts {
            if let Some(t) = NaiveTime::from_hms_opt(u32::from(s / 60), u32::from(s % 60), 0) {
                candidates.push(day.and_time(t));
            }
        }
    }
    candidates
        .into_iter()
        .any(|t| t >= from && t < end && holds(t))
}

pub fn valid_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// Whether `url` is a link the kiosk turns into a QR code (https, a host, no user).
fn url_ok(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    url.len() <= URL_MAX
        && !host.is_empty()
        && !host.contains('@')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Every problem of `draft` (with or without a picture) at `now`. `known_kiosks`: the
/// hub's kiosks (a target must be one of them); `may_urgent`: the author's right.
pub fn check(
    draft: &Draft,
    has_picture: bool,
    now: i64,
    known_kiosks: &[String],
    may_urgent: bool,
) -> Vec<Problem> {
    let short = has_picture || draft.urgent;
    let mut p = Vec::new();
    let mut push = |field: &'static str, code: &'static str| p.push(Problem { field, code });
    for (map, is_title) in [(&draft.title, true), (&draft.body, false)] {
        for (lang, text) in map {
            let Some(code) = LANGS.iter().find(|l| **l == lang.as_str()) else {
                push(if is_title { "title_nl" } else { "body_nl" }, "lang");
                continue;
            };
            let n = text.trim().chars().count();
            let field = field_name(is_title, code);
            if is_title && n > TITLE_MAX {
                push(field, "title_long");
            } else if !is_title && n > BODY_MAX {
                push(field, "body_long");
            } else if !is_title && short && n > BODY_MAX_SHORT {
                push(field, "body_short");
            }
        }
    }
    if draft.title.get("nl").is_none_or(|t| t.trim().is_empty()) {
        push("title_nl", "title_missing");
    }
    let from = (!draft.from.trim().is_empty()).then(|| parse_moment(&draft.from));
    let until = (!draft.until.trim().is_empty()).then(|| parse_moment(&draft.until));
    if from == Some(None) {
        push("from_date", "moment");
    }
    if until == Some(None) {
        push("until_date", "moment");
    }
    let (from, until) = (from.flatten(), until.flatten());
    if let (Some(f), Some(u)) = (from, until) {
        if u <= f {
            push("until_date", "until_before");
        }
    }
    if let Some(u) = until {
        if instant(u).timestamp() <= now {
            push("until_date", "ended");
        }
    }
    let mut days = [true; 7];
    if !draft.days.is_empty() {
        days = [false; 7];
        for d in &draft.days {
            match WEEKDAYS
                .iter()
                .position(|w| *w == d.trim().to_ascii_lowercase())
            {
                Some(i) => days[i] = true,
                None => push("days", "day"),
            }
        }
    }
    let hours = if draft.hours.trim().is_empty() {
        Some(Vec::new())
    } else {
        parse_hours(&draft.hours)
    };
    if hours.is_none() {
        push("hours", "hours");
    }
    if let (Some(f), Some(u), Some(h)) = (from, until, &hours) {
        if u > f && !window_opens(f, u, &days, h) {
            push("hours", "never");
        }
    }
    let url = draft.url.trim();
    if !url.is_empty() && !url_ok(url) {
        push("url", "url");
    }
    if draft.urgent {
        if !may_urgent {
            push("urgent", "urgent_right");
        }
        let start = from.map(|f| instant(f).timestamp().max(now)).unwrap_or(now);
        let ok = until.is_some_and(|u| instant(u).timestamp() - start <= URGENT_MAX_DAYS * 86_400)
            && from.is_none_or(|f| {
                until.is_some_and(|u| {
                    instant(u).timestamp() - instant(f).timestamp() <= URGENT_MAX_DAYS * 86_400
                })
            });
        if !ok {
            push("until_date", "urgent_until");
        }
    }
    if let Some(list) = &draft.kiosks {
        if list.is_empty() {
            push("kiosks", "no_kiosk");
        }
        if list.iter().any(|k| !known_kiosks.contains(k)) {
            push("kiosks", "kiosk");
        }
    }
    p
}

fn field_name(is_title: bool, lang: &str) -> &'static str {
    match (is_title, lang) {
        (true, "nl") => "title_nl",
        (true, "en") => "title_en",
        (true, "tr") => "title_tr",
        (true, "pl") => "title_pl",
        (false, "nl") => "body_nl",
        (false, "en") => "body_en",
        (false, "tr") => "body_tr",
        _ => "body_pl",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Draft,
    Published,
    Withdrawn,
    Expired,
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Published => "published",
            State::Withdrawn => "withdrawn",
            State::Expired => "expired",
        }
    }
}

/// A stored announcement.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub id: i64,
    /// The id in the feed: the import's own, else `hub-<id>`.
    pub feed_id: String,
    pub draft: Draft,
    pub state: State,
    pub picture: Option<String>,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Announcement {
    /// A hash of everything the kiosk shows: the preview and "publish this version".
    pub fn version(&self) -> String {
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&self.draft).unwrap_or_default());
        h.update(self.picture.as_deref().unwrap_or(""));
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    pub fn until_instant(&self) -> Option<i64> {
        parse_moment(&self.draft.until).map(|u| instant(u).timestamp())
    }

    /// The message in the feed format (docs/feed-format.md, "Message").
    pub fn feed_message(&self) -> serde_json::Value {
        let d = &self.draft;
        let texts = |m: &BTreeMap<String, String>| -> serde_json::Value {
            let map: serde_json::Map<String, serde_json::Value> = m
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.clone(), serde_json::Value::from(v.trim())))
                .collect();
            serde_json::Value::Object(map)
        };
        let mut m = serde_json::Map::new();
        m.insert("id".into(), self.feed_id.clone().into());
        m.insert("title".into(), texts(&d.title));
        if d.body.values().any(|b| !b.trim().is_empty()) {
            m.insert("body".into(), texts(&d.body));
        }
        for (key, value) in [
            ("from", &d.from),
            ("until", &d.until),
            ("hours", &d.hours),
            ("url", &d.url),
        ] {
            if !value.trim().is_empty() {
                m.insert(key.into(), value.trim().into());
            }
        }
        if !d.days.is_empty() {
            m.insert("days".into(), d.days.clone().into());
        }
        if let Some(name) = &self.picture {
            m.insert("image".into(), format!("pictures/{name}").into());
        }
        m.insert(
            "priority".into(),
            if d.urgent { "urgent" } else { "normal" }.into(),
        );
        if let Some(k) = &d.kiosks {
            m.insert("kiosks".into(), k.clone().into());
        }
        serde_json::Value::Object(m)
    }
}

fn state_at(stored: &str, until: Option<i64>, now: i64) -> State {
    match stored {
        "draft" => State::Draft,
        "withdrawn" => State::Withdrawn,
        _ if until.is_some_and(|u| u <= now) => State::Expired,
        _ => State::Published,
    }
}

const COLUMNS: &str = "id, ext_id, body_json, state, picture_name, updated_at, updated_by";

fn row(r: &rusqlite::Row<'_>, now: i64) -> rusqlite::Result<Announcement> {
    let id: i64 = r.get(0)?;
    let ext: Option<String> = r.get(1)?;
    let json: String = r.get(2)?;
    let stored: String = r.get(3)?;
    let draft: Draft = serde_json::from_str(&json).unwrap_or_default();
    let until = parse_moment(&draft.until).map(|u| instant(u).timestamp());
    Ok(Announcement {
        id,
        feed_id: ext.unwrap_or_else(|| format!("hub-{id}")),
        state: state_at(&stored, until, now),
        draft,
        picture: r.get(4)?,
        updated_at: r.get(5)?,
        updated_by: r.get(6)?,
    })
}

/// Every announcement, newest change first.
pub fn list(conn: &Connection, now: i64) -> anyhow::Result<Vec<Announcement>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM announcements ORDER BY updated_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([], |r| row(r, now))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get(conn: &Connection, id: i64, now: i64) -> anyhow::Result<Option<Announcement>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM announcements WHERE id = ?1"),
            [id],
            |r| row(r, now),
        )
        .optional()?)
}

pub fn kiosk_ids(conn: &Connection) -> anyhow::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM kiosks ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `user` may publish urgent notices: role admin, or the urgent right.
pub fn may_urgent(conn: &Connection, user: &crate::accounts::User) -> anyhow::Result<bool> {
    if user.role == crate::accounts::Role::Admin {
        return Ok(true);
    }
    let right: Option<bool> = conn
        .query_row(
            "SELECT urgent_right FROM users WHERE id = ?1 AND disabled = 0",
            [user.id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(right.unwrap_or(false))
}

/// Gives or takes the urgent right (command line).
pub fn set_urgent_right(conn: &Connection, name: &str, on: bool) -> anyhow::Result<()> {
    let n = conn.execute(
        "UPDATE users SET urgent_right = ?2 WHERE name = ?1",
        params![name, on],
    )?;
    if n == 0 {
        anyhow::bail!("no user {name}");
    }
    Ok(())
}

fn touch_feed(conn: &Connection, now: i64) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO jobs (name, last_day) VALUES ('feed-changed', ?1)
         ON CONFLICT (name) DO UPDATE SET last_day = excluded.last_day",
        [now.to_string()],
    )?;
    Ok(())
}

/// Saves a checked draft: a new one (`id` None) or changes to one (which makes a
/// published one a draft again: it leaves the screens until it is published anew).
pub fn save(
    conn: &mut Connection,
    id: Option<i64>,
    draft: &Draft,
    actor: &str,
    now: i64,
) -> anyhow::Result<i64> {
    let json = serde_json::to_string(draft)?;
    let tx = conn.transaction()?;
    let id = match id {
        None => {
            tx.execute(
                "INSERT INTO announcements (body_json, state, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, 'draft', ?2, ?3, ?2, ?3)",
                params![json, now, actor],
            )?;
            tx.last_insert_rowid()
        }
        Some(id) => {
            let was: Option<String> = tx
                .query_row("SELECT state FROM announcements WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(was) = was else {
                anyhow::bail!("no announcement {id}");
            };
            tx.execute(
                "UPDATE announcements SET body_json = ?2, state = 'draft', updated_at = ?3, updated_by = ?4
                 WHERE id = ?1",
                params![id, json, now, actor],
            )?;
            if was == "published" {
                touch_feed(&tx, now)?;
            }
            id
        }
    };
    audit::record(
        &tx,
        now,
        actor,
        Action::AnnouncementSave,
        None,
        Some(&format!("announcement-{id}")),
    )?;
    tx.commit()?;
    Ok(id)
}

/// What a change of state found.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Done,
    Gone,
    /// The content changed since the editor saw it (publish), or the state does not
    /// allow it.
    Stale,
    /// The stored message is not valid now (e.g. its `until` passed).
    Invalid(Vec<Problem>),
}

pub fn publish(
    conn: &mut Connection,
    id: i64,
    version: &str,
    user: &crate::accounts::User,
    now: i64,
) -> anyhow::Result<Change> {
    let tx = conn.transaction()?;
    let Some(a) = get(&tx, id, now)? else {
        return Ok(Change::Gone);
    };
    if a.version() != version || a.state != State::Draft {
        return Ok(Change::Stale);
    }
    let kiosks = kiosk_ids(&tx)?;
    let urgent = may_urgent(&tx, user)?;
    let problems = check(&a.draft, a.picture.is_some(), now, &kiosks, urgent);
    if !problems.is_empty() {
        return Ok(Change::Invalid(problems));
    }
    tx.execute(
        "UPDATE announcements SET state = 'published', published_at = ?2, updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![id, now, user.name],
    )?;
    touch_feed(&tx, now)?;
    let detail = a.draft.urgent.then_some("urgent");
    audit::record(
        &tx,
        now,
        &user.name,
        Action::AnnouncementPublish,
        detail,
        Some(&format!("announcement-{id}")),
    )?;
    tx.commit()?;
    Ok(Change::Done)
}

pub fn withdraw(conn: &mut Connection, id: i64, actor: &str, now: i64) -> anyhow::Result<Change> {
    let tx = conn.transaction()?;
    let Some(a) = get(&tx, id, now)? else {
        return Ok(Change::Gone);
    };
    if !matches!(a.state, State::Published | State::Expired) {
        return Ok(Change::Stale);
    }
    tx.execute(
        "UPDATE announcements SET state = 'withdrawn', withdrawn_at = ?2, updated_at = ?2, updated_by = ?3
         WHERE id = ?1",
        params![id, now, actor],
    )?;
    touch_feed(&tx, now)?;
    audit::record(
        &tx,
        now,
        actor,
        Action::AnnouncementWithdraw,
        None,
        Some(&format!("announcement-{id}")),
    )?;
    tx.commit()?;
    Ok(Change::Done)
}

/// Sets (or with `None` removes) the picture, already processed by [`picture`].
/// Makes a published message a draft again, as any change does.
pub fn set_picture(
    conn: &mut Connection,
    id: i64,
    jpeg: Option<Vec<u8>>,
    actor: &str,
    now: i64,
) -> anyhow::Result<Change> {
    let tx = conn.transaction()?;
    let Some(a) = get(&tx, id, now)? else {
        return Ok(Change::Gone);
    };
    let name = jpeg.as_ref().map(|bytes| {
        let hash: String = Sha256::digest(bytes)[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}-{hash}.jpg", a.feed_id)
    });
    tx.execute(
        "UPDATE announcements SET picture = ?2, picture_name = ?3, state = 'draft', updated_at = ?4, updated_by = ?5
         WHERE id = ?1",
        params![id, jpeg, name, now, actor],
    )?;
    if a.state != State::Draft {
        touch_feed(&tx, now)?;
    }
    let detail = if name.is_some() { "set" } else { "removed" };
    audit::record(
        &tx,
        now,
        actor,
        Action::AnnouncementPicture,
        Some(detail),
        Some(&format!("announcement-{id}")),
    )?;
    tx.commit()?;
    Ok(Change::Done)
}

/// The picture of announcement `id` (staff pages).
pub fn picture_of(conn: &Connection, id: i64) -> anyhow::Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT picture FROM announcements WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// A live message's picture by its feed name (the kiosks: no login).
pub fn live_picture(conn: &Connection, name: &str, now: i64) -> anyhow::Result<Option<Vec<u8>>> {
    let found: Option<(Option<Vec<u8>>, String)> = conn
        .query_row(
            "SELECT picture, body_json FROM announcements WHERE picture_name = ?1 AND state = 'published'",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(found.and_then(|(bytes, json)| {
        let draft: Draft = serde_json::from_str(&json).ok()?;
        let ended = parse_moment(&draft.until).is_some_and(|u| instant(u).timestamp() <= now);
        (!ended).then_some(bytes).flatten()
    }))
}

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureError {
    TooLarge,
    NotAPicture,
    TooManyPixels,
}

impl PictureError {
    pub fn code(self) -> &'static str {
        match self {
            PictureError::TooLarge => "picture_large",
            PictureError::NotAPicture => "picture_type",
            PictureError::TooManyPixels => "picture_pixels",
        }
    }
}

/// An upload checked (JPEG or PNG by its signature, at most [`PICTURE_MAX_BYTES`] and
/// [`PICTURE_MAX_PIXELS`]), decoded, scaled down into [`PICTURE_BOX`] and written
/// anew as a JPEG: no metadata (EXIF, location) survives.
pub fn picture(bytes: &[u8]) -> Result<Vec<u8>, PictureError> {
    if bytes.len() > PICTURE_MAX_BYTES {
        return Err(PictureError::TooLarge);
    }
    let format = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image::ImageFormat::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        image::ImageFormat::Png
    } else {
        return Err(PictureError::NotAPicture);
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(PICTURE_MAX_PIXELS * 4);
    reader.limits(limits);
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| PictureError::NotAPicture)?;
    if u64::from(w) * u64::from(h) > PICTURE_MAX_PIXELS {
        return Err(PictureError::TooManyPixels);
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(PICTURE_MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| PictureError::NotAPicture)?;
    let (bw, bh) = PICTURE_BOX;
    let scaled = if w > bw || h > bh {
        decoded.resize(bw, bh, image::imageops::FilterType::Triangle)
    } else {
        decoded
    };
    // Transparent parts on white, as the slide's background is light.
    let rgba = scaled.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        rgb.put_pixel(x, y, image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])]));
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&rgb)
        .map_err(|_| PictureError::NotAPicture)?;
    Ok(out)
}

/// The live feed for `kiosk` (`None`: every message with its `kiosks`): published,
/// not ended, urgent first then newest; at most [`FEED_MAX`]. With the moment it last
/// changed (a change of state, or an `until` passing).
pub fn feed(
    conn: &Connection,
    kiosk: Option<&str>,
    now: i64,
) -> anyhow::Result<(serde_json::Value, i64)> {
    let all = list(conn, now)?;
    let changed: i64 = conn
        .query_row(
            "SELECT last_day FROM jobs WHERE name = 'feed-changed'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let mut last = changed;
    let mut live: Vec<&Announcement> = Vec::new();
    for a in &all {
        match a.state {
            State::Expired => {
                if let Some(u) = a.until_instant() {
                    last = last.max(u);
                }
            }
            State::Published => {
                let for_kiosk = match (kiosk, &a.draft.kiosks) {
                    (Some(k), Some(list)) => list.iter().any(|x| x == k),
                    _ => true,
                };
                if for_kiosk {
                    live.push(a);
                }
            }
            _ => {}
        }
    }
    live.sort_by_key(|a| (!a.draft.urgent, std::cmp::Reverse(a.updated_at), a.id));
    live.truncate(FEED_MAX);
    let messages: Vec<serde_json::Value> = live.iter().map(|a| a.feed_message()).collect();
    let body = serde_json::json!({
        "format": "samen-kiosk-feed",
        "version": 1,
        "name": "samen-hub",
        "events": [],
        "messages": messages,
    });
    Ok((body, last))
}

// ---- import (command line) ------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Text {
    Plain(String),
    Table(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Hours {
    One(String),
    Many(Vec<String>),
}

/// A message as the feed format writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportMessage {
    id: Option<String>,
    title: Text,
    body: Option<Text>,
    from: Option<String>,
    until: Option<String>,
    days: Option<Vec<String>>,
    hours: Option<Hours>,
    image: Option<String>,
    url: Option<String>,
    priority: Option<String>,
    kiosks: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportFile {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    events: Option<Vec<serde_json::Value>>,
    messages: Vec<serde_json::Value>,
}

fn texts(t: Text) -> BTreeMap<String, String> {
    match t {
        Text::Plain(s) => BTreeMap::from([("nl".to_string(), s)]),
        Text::Table(m) => m,
    }
}

/// Reads, checks and publishes every message of an import file (TOML or JSON, told by
/// its first character, `messages` as in the feed format). Nothing is stored unless
/// every message is right; the problems come back with their place
/// (`messages[2].until: ...`). An `id` already on the hub replaces that message.
pub fn import(
    conn: &mut Connection,
    path: &std::path::Path,
    now: i64,
) -> anyhow::Result<Result<usize, Vec<String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let folder = path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf();
    let file: ImportFile = if text.trim_start().starts_with('{') {
        match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => return Ok(Err(vec![format!("{}: {e}", path.display())])),
        }
    } else {
        match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                return Ok(Err(vec![format!(
                    "{}: {}",
                    path.display(),
                    e.to_string().trim()
                )]))
            }
        }
    };
    let _ = (&file.format, &file.version, &file.name, &file.events);
    let kiosks = kiosk_ids(conn)?;
    let mut errors = Vec::new();
    let mut ready: Vec<(Option<String>, Draft, Option<Vec<u8>>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, value) in file.messages.into_iter().enumerate() {
        let place = format!("messages[{i}]");
        let m: ImportMessage = match serde_json::from_value(value) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{place}: {e}"));
                continue;
            }
        };
        let mut bad = |field: &str, why: &str| errors.push(format!("{place}.{field}: {why}"));
        if let Some(id) = &m.id {
            if !valid_id(id) {
                bad(
                    "id",
                    Problem {
                        field: "id",
                        code: "id",
                    }
                    .english(),
                );
            } else if !seen.insert(id.clone()) {
                bad(
                    "id",
                    Problem {
                        field: "id",
                        code: "duplicate",
                    }
                    .english(),
                );
            }
        }
        let urgent = match m.priority.as_deref() {
            None | Some("normal") => false,
            Some("urgent") => true,
            Some(other) => {
                bad(
                    "priority",
                    &format!("'{other}': use \"normal\" or \"urgent\""),
                );
                false
            }
        };
        let picture = match &m.image {
            None => None,
            Some(name) if name.contains(['/', '\\']) || name.starts_with('.') => {
                bad(
                    "image",
                    "a picture file beside the import file (a plain file name)",
                );
                None
            }
            Some(name) => match std::fs::read(folder.join(name)) {
                Err(e) => {
                    bad("image", &format!("cannot read {name}: {e}"));
                    None
                }
                Ok(bytes) => match picture(&bytes) {
                    Ok(jpeg) => Some(jpeg),
                    Err(e) => {
                        bad(
                            "image",
                            match e {
                                PictureError::TooLarge => "larger than 8 MB",
                                PictureError::NotAPicture => "not a JPEG or PNG picture",
                                PictureError::TooManyPixels => "more than 40 megapixels",
                            },
                        );
                        None
                    }
                },
            },
        };
        let draft = Draft {
            title: texts(m.title),
            body: m.body.map(texts).unwrap_or_default(),
            from: m.from.unwrap_or_default(),
            until: m.until.unwrap_or_default(),
            days: m.days.unwrap_or_default(),
            hours: match m.hours {
                None => String::new(),
                Some(Hours::One(s)) => s,
                Some(Hours::Many(v)) => v.join(","),
            },
            url: m.url.unwrap_or_default(),
            urgent,
            kiosks: m.kiosks,
        };
        for p in check(&draft, picture.is_some(), now, &kiosks, true) {
            let key = match p.field {
                f if f.starts_with("title_") => format!("title.{}", &f[6..]),
                f if f.starts_with("body_") => format!("body.{}", &f[5..]),
                "from_date" => "from".into(),
                "until_date" | "urgent" => "until".into(),
                f => f.to_string(),
            };
            bad(&key, p.english());
        }
        ready.push((m.id, draft, picture));
    }
    if ready.len() > FEED_MAX {
        errors.push(format!("messages: at most {FEED_MAX} in one file"));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let tx = conn.transaction()?;
    let count = ready.len();
    for (ext, draft, jpeg) in ready {
        let json = serde_json::to_string(&draft)?;
        let existing: Option<i64> = match &ext {
            Some(e) => tx
                .query_row("SELECT id FROM announcements WHERE ext_id = ?1", [e], |r| {
                    r.get(0)
                })
                .optional()?,
            None => None,
        };
        let id = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE announcements SET body_json = ?2, state = 'published', published_at = ?3,
                        updated_at = ?3, updated_by = 'cli' WHERE id = ?1",
                    params![id, json, now],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO announcements (ext_id, body_json, state, created_at, created_by,
                        updated_at, updated_by, published_at)
                     VALUES (?1, ?2, 'published', ?3, 'cli', ?3, 'cli', ?3)",
                    params![ext, json, now],
                )?;
                tx.last_insert_rowid()
            }
        };
        let feed_id = ext.clone().unwrap_or_else(|| format!("hub-{id}"));
        let name = jpeg.as_ref().map(|bytes| {
            let hash: String = Sha256::digest(bytes)[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{feed_id}-{hash}.jpg")
        });
        tx.execute(
            "UPDATE announcements SET picture = ?2, picture_name = ?3 WHERE id = ?1",
            params![id, jpeg, name],
        )?;
        let detail = draft.urgent.then_some("urgent");
        audit::record(
            &tx,
            now,
            "cli",
            Action::AnnouncementImport,
            detail,
            Some(&format!("announcement-{id}")),
        )?;
    }
    touch_feed(&tx, now)?;
    tx.commit()?;
    Ok(Ok(count))
}

/// A row of `messages list --json`.
#[derive(Debug, Serialize)]
pub struct ListRow {
    pub id: String,
    pub state: State,
    pub priority: &'static str,
    pub title: String,
    pub from: Option<String>,
    pub until: Option<String>,
    pub kiosks: Option<Vec<String>>,
    pub has_picture: bool,
    pub updated_at: String,
    pub updated_by: String,
}

pub fn rows(conn: &Connection, now: i64) -> anyhow::Result<Vec<ListRow>> {
    Ok(list(conn, now)?
        .into_iter()
        .map(|a| ListRow {
            title: a.draft.title.get("nl").cloned().unwrap_or_default(),
            state: a.state,
            priority: if a.draft.urgent { "urgent" } else { "normal" },
            from: Some(a.draft.from.clone()).filter(|s| !s.is_empty()),
            until: Some(a.draft.until.clone()).filter(|s| !s.is_empty()),
            kiosks: a.draft.kiosks.clone(),
            has_picture: a.picture.is_some(),
            updated_at: crate::words::rfc3339(a.updated_at),
            updated_by: a.updated_by,
            id: a.feed_id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str) -> Draft {
        Draft {
            title: BTreeMap::from([("nl".into(), title.into())]),
            ..Default::default()
        }
    }

    #[test]
    fn checks_name_every_problem() {
        let now = instant(parse_moment("2026-12-01T10:00").unwrap()).timestamp();
        assert!(check(&draft("Kerstdiner"), false, now, &[], false).is_empty());
        let mut d = draft("");
        d.title.insert("de".into(), "x".into());
        d.body.insert("nl".into(), "x".repeat(BODY_MAX + 1));
        d.from = "2026-12-10".into();
        d.until = "2026-12-09".into();
        d.days = vec!["maandag".into()];
        d.hours = "9-12".into();
        d.url = "javascript:alert(1)".into();
        d.urgent = true;
        d.kiosks = Some(vec!["nergens".into()]);
        let codes: Vec<&str> = check(&d, false, now, &["oost".into()], false)
            .iter()
            .map(|p| p.code)
            .collect();
        for code in [
            "lang",
            "body_long",
            "title_missing",
            "until_before",
            "day",
            "hours",
            "url",
            "urgent_right",
            "kiosk",
        ] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        // Urgent: at most 7 days, from now when there is no `from`.
        let mut u = draft("Gesloten");
        u.urgent = true;
        u.until = "2026-12-08T10:00".into();
        assert!(check(&u, false, now, &[], true).is_empty());
        u.until = "2026-12-08T10:01".into();
        assert_eq!(check(&u, false, now, &[], true)[0].code, "urgent_until");
        u.until = String::new();
        assert_eq!(check(&u, false, now, &[], true)[0].code, "urgent_until");
        // A window that never opens.
        let mut n = draft("Zondag");
        n.from = "2026-11-30".into();
        n.until = "2026-12-06".into();
        n.days = vec!["sunday".into()];
        assert_eq!(check(&n, false, now, &[], false)[0].code, "never");
        n.until = "2026-12-07".into();
        assert!(check(&n, false, now, &[], false).is_empty());
    }

    #[test]
    fn pictures_are_checked_scaled_and_stripped() {
        assert_eq!(
            picture(b"GIF89a....").unwrap_err(),
            PictureError::NotAPicture
        );
        assert_eq!(
            picture(b"\x89PNG\r\n\x1a\nbroken").unwrap_err(),
            PictureError::NotAPicture
        );
        let img = image::RgbImage::from_pixel(1600, 900, image::Rgb([200, 100, 50]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let jpeg = picture(&png).unwrap();
        let back = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (800, 450));
        assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(!jpeg.windows(4).any(|w| w == b"Exif"));
    }
}
