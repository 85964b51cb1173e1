//! The fleet (issue 19): every kiosk's last heartbeat and screenshot, its health
//! (`ok`, `degraded`, or `offline` after three missed heartbeat intervals) and a 30-day
//! history of health and key figures (uptime, outbox, feed age).
//!
//! A heartbeat is checked like a callback webhook (`intake::verify_signed`: timestamp
//! window, kiosk, Standard Webhooks signature with the kiosk's secret) and then as a
//! status object ([`Heartbeat`]); only then one transaction writes. A heartbeat signed
//! earlier than the one stored (a late retry, a replay) changes nothing.
//!
//! History: one row when the health or its reasons change, else at most one an hour
//! (a sample of the figures); `offline` rows come from [`record_offline`], which the
//! minute job calls, since silence sends no request. Rows older than
//! [`HISTORY_DAYS`] are pruned by the daily retention job.

use crate::intake::{self, Legacy, Refusal};
use rusqlite::{params, Connection, OptionalExtension};
use samen_wire::health::{HealthState, Heartbeat, Reason};
use samen_wire::standard::{self, Received};

/// A heartbeat with a screenshot of about 50 KB is about 70 KB as base64 in JSON.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
pub const HISTORY_DAYS: i64 = 30;
/// A history row at most this often while nothing changes.
pub const SAMPLE_EVERY_S: i64 = 3600;
/// Offline after this many missed heartbeats.
pub const MISSED_INTERVALS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Ok,
    Degraded,
    Offline,
}

impl State {
    pub fn key(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Degraded => "degraded",
            State::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        match text {
            "ok" => Some(State::Ok),
            "degraded" => Some(State::Degraded),
            "offline" => Some(State::Offline),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Stored,
    /// Stored, and the health or its reasons differ from the last known (also the
    /// first heartbeat, and the first after being offline): the new state.
    Changed(State),
    /// Signed before the heartbeat already stored: not stored.
    Stale,
}

/// Verifies and stores one heartbeat. `Ok(Err(_))` is a refusal (4xx), `Err(_)` the
/// hub's own failure (5xx).
pub fn accept(
    conn: &mut Connection,
    received: &Received<'_>,
    legacy: &Legacy<'_>,
    raw: &[u8],
    now: i64,
) -> anyhow::Result<Result<(String, Accepted), Refusal>> {
    Ok(accept_with_figures(conn, received, legacy, raw, now)?.map(|(k, a, _)| (k, a)))
}

/// The kiosk, what became of its heartbeat, and the days of figures stored.
pub type WithFigures = (String, Accepted, Vec<chrono::NaiveDate>);

/// [`accept`], also saying which days of impact figures it stored (issue 20: the
/// answer acknowledges them). A stale heartbeat stores none.
pub fn accept_with_figures(
    conn: &mut Connection,
    received: &Received<'_>,
    legacy: &Legacy<'_>,
    raw: &[u8],
    now: i64,
) -> anyhow::Result<Result<WithFigures, Refusal>> {
    let (kiosk_id, _) = match intake::verify_signed(conn, received, legacy, raw, now)? {
        Ok(v) => v,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut heartbeat: Heartbeat = match serde_json::from_slice(raw) {
        Ok(h) => h,
        // The position only: serde's message may quote the body.
        Err(e) => {
            return Ok(Err(Refusal::Heartbeat(format!(
                "not a status object (line {}, column {})",
                e.line(),
                e.column()
            ))))
        }
    };
    if let Err(why) = check(&heartbeat) {
        return Ok(Err(Refusal::Heartbeat(why)));
    }
    // The figures are kept per kiosk and day, not in the last status.
    let days = heartbeat.status.figures.take().unwrap_or_default();
    if let Err(why) = crate::figures::check(&days, now) {
        return Ok(Err(Refusal::Heartbeat(why)));
    }
    let screenshot = match heartbeat.screenshot.take() {
        None => None,
        Some(s) => match s.decode() {
            Ok(bytes) => Some((s.mime, s.taken_at.timestamp(), bytes)),
            Err(e) => return Ok(Err(Refusal::Heartbeat(e.to_string()))),
        },
    };
    // When it was signed: the Standard Webhooks timestamp, else the `t=` of the
    // legacy header (both already checked against the 5-minute window), so that a
    // late or replayed heartbeat never replaces a newer one.
    let signed_at = standard::check_timestamp(received, now)
        .ok()
        .or_else(|| legacy.signature.and_then(samen_wire::legacy::timestamp))
        .unwrap_or(now);
    let state = match heartbeat.health.as_ref().map(|h| h.state) {
        Some(HealthState::Degraded) => State::Degraded,
        _ => State::Ok,
    };
    let status_json = serde_json::to_string(&heartbeat)?;
    let figures = Figures::of(&heartbeat, now);
    let reasons = reason_codes(&heartbeat);
    let tx = conn.transaction()?;
    let stored: Option<i64> = tx
        .query_row(
            "SELECT signed_at FROM fleet_status WHERE kiosk_id = ?1",
            [&kiosk_id],
            |r| r.get(0),
        )
        .optional()?;
    if stored.is_some_and(|s| s > signed_at) {
        return Ok(Ok((kiosk_id, Accepted::Stale, Vec::new())));
    }
    let acknowledged = crate::figures::store(&tx, &kiosk_id, &days, now)?;
    let (mime, taken_at, bytes) = match screenshot {
        Some((m, t, b)) => (Some(m), Some(t), Some(b)),
        None => (None, None, None),
    };
    tx.execute(
        "INSERT INTO fleet_status (kiosk_id, received_at, signed_at, status_json, health,
            interval_s, screenshot, screenshot_mime, screenshot_taken_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at,
            signed_at = excluded.signed_at, status_json = excluded.status_json,
            health = excluded.health, interval_s = excluded.interval_s,
            screenshot = COALESCE(excluded.screenshot, screenshot),
            screenshot_mime = COALESCE(excluded.screenshot_mime, screenshot_mime),
            screenshot_taken_at = COALESCE(excluded.screenshot_taken_at, screenshot_taken_at)",
        params![
            kiosk_id,
            now,
            signed_at,
            status_json,
            state.key(),
            heartbeat.interval_s.map(|i| i as i64),
            bytes,
            mime,
            taken_at,
        ],
    )?;
    let last: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT at, state, reasons FROM fleet_history WHERE kiosk_id = ?1
             ORDER BY at DESC LIMIT 1",
            [&kiosk_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let changed = match &last {
        None => true,
        Some((_, s, r)) => s != state.key() || *r != reasons,
    };
    let due = changed || last.is_some_and(|(at, _, _)| now - at >= SAMPLE_EVERY_S);
    if due {
        tx.execute(
            "INSERT INTO fleet_history (kiosk_id, at, state, reasons, uptime_s, outbox_pending,
                oldest_pending_s, feed_age_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                kiosk_id,
                now,
                state.key(),
                reasons,
                figures.uptime_s,
                figures.outbox_pending,
                figures.oldest_pending_s,
                figures.feed_age_s,
            ],
        )?;
    }
    tx.commit()?;
    let accepted = if changed {
        Accepted::Changed(state)
    } else {
        Accepted::Stored
    };
    Ok(Ok((kiosk_id, accepted, acknowledged)))
}

/// Limits on what a page, an e-mail or the metrics will show; a kiosk never comes
/// near them.
fn check(h: &Heartbeat) -> Result<(), String> {
    let s = &h.status;
    if s.version.chars().count() > 64 {
        return Err("version: at most 64 characters".into());
    }
    if s.feeds.len() > 100 {
        return Err("feeds: at most 100".into());
    }
    if s.feeds.iter().any(|f| f.name.chars().count() > 200) {
        return Err("feeds[].name: at most 200 characters".into());
    }
    if let Some(health) = &h.health {
        if health.reasons.len() > 32 {
            return Err("health.reasons: at most 32".into());
        }
        for r in &health.reasons {
            let code_ok = (1..=40).contains(&r.code.len())
                && r.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !code_ok {
                return Err("health.reasons[].code: 1 to 40 of a-z, 0-9, _".into());
            }
            if r.words.chars().count() > 500 {
                return Err("health.reasons[].words: at most 500 characters".into());
            }
        }
    }
    if let Some(i) = h.interval_s {
        if !(10..=86_400).contains(&i) {
            return Err("interval_s: between 10 and 86400".into());
        }
    }
    Ok(())
}

fn reason_codes(h: &Heartbeat) -> String {
    h.health
        .as_ref()
        .map(|h| {
            h.reasons
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// The key figures of a heartbeat, as the history and the metrics keep them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub uptime_s: Option<i64>,
    pub outbox_pending: Option<i64>,
    pub oldest_pending_s: Option<i64>,
    /// The oldest feed's time since its last success, at `now`.
    pub feed_age_s: Option<i64>,
}

impl Figures {
    pub fn of(h: &Heartbeat, now: i64) -> Figures {
        let s = &h.status;
        Figures {
            uptime_s: s.uptime_s,
            outbox_pending: s.outbox.as_ref().map(|o| o.pending as i64),
            oldest_pending_s: s.outbox.as_ref().and_then(|o| o.oldest_pending_age_s),
            feed_age_s: s
                .feeds
                .iter()
                .filter_map(|f| f.last_success)
                .map(|t| (now - t.timestamp()).max(0))
                .max(),
        }
    }
}

/// A kiosk as the fleet page, the metrics and `fleet list` see it.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pub id: String,
    /// When the last heartbeat arrived; `None`: never.
    pub last_seen: Option<i64>,
    pub state: State,
    /// The interval the offline rule used (the heartbeat's own, else the setting).
    pub interval_s: i64,
    /// The last heartbeat, without its screenshot.
    pub heartbeat: Option<Heartbeat>,
    pub screenshot_taken_at: Option<i64>,
}

impl Kiosk {
    /// The reasons of the last heartbeat (also while offline: the last known).
    pub fn reasons(&self) -> &[Reason] {
        self.heartbeat
            .as_ref()
            .and_then(|h| h.health.as_ref())
            .map(|h| h.reasons.as_slice())
            .unwrap_or(&[])
    }

    /// A list of strings in the status object at `path` (`messages.active`,
    /// `warnings`): fields of newer kiosks, read from the JSON whether or not this
    /// build's `StatusReport` has them. At most 50.
    pub fn strings(&self, path: &[&str]) -> Vec<String> {
        let Some(h) = &self.heartbeat else {
            return Vec::new();
        };
        let Ok(mut v) = serde_json::to_value(h) else {
            return Vec::new();
        };
        for key in path {
            v = v.get(*key).cloned().unwrap_or(serde_json::Value::Null);
        }
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .take(50)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn has_screenshot(&self) -> bool {
        self.screenshot_taken_at.is_some()
    }

    pub fn figures(&self, now: i64) -> Figures {
        self.heartbeat
            .as_ref()
            .map(|h| Figures::of(h, now))
            .unwrap_or_default()
    }
}

fn kiosk_from_row(
    r: &rusqlite::Row<'_>,
    now: i64,
    default_interval: i64,
) -> rusqlite::Result<Kiosk> {
    let id: String = r.get(0)?;
    let last_seen: Option<i64> = r.get(1)?;
    let json: Option<String> = r.get(2)?;
    let health: Option<String> = r.get(3)?;
    let interval: Option<i64> = r.get(4)?;
    let screenshot_taken_at: Option<i64> = r.get(5)?;
    let interval_s = interval.unwrap_or(default_interval);
    // Stored by `accept` from a parsed heartbeat, so it parses; a row that does not
    // (a schema a later hub wrote) shows as a kiosk without a status.
    let heartbeat = json.and_then(|j| serde_json::from_str::<Heartbeat>(&j).ok());
    let state = match (last_seen, health.as_deref()) {
        (Some(seen), _) if now - seen > MISSED_INTERVALS * interval_s => State::Offline,
        (None, _) => State::Offline,
        (_, Some("degraded")) => State::Degraded,
        _ => State::Ok,
    };
    Ok(Kiosk {
        id,
        last_seen,
        state,
        interval_s,
        heartbeat,
        screenshot_taken_at,
    })
}

const SELECT: &str = "SELECT k.id, s.received_at, s.status_json, s.health, s.interval_s,
        s.screenshot_taken_at
    FROM kiosks k LEFT JOIN fleet_status s ON s.kiosk_id = k.id";

/// Every known kiosk, by id.
pub fn list(conn: &Connection, now: i64, default_interval: i64) -> anyhow::Result<Vec<Kiosk>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY k.id"))?;
    let rows = stmt.query_map([], |r| kiosk_from_row(r, now, default_interval))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn one(
    conn: &Connection,
    id: &str,
    now: i64,
    default_interval: i64,
) -> anyhow::Result<Option<Kiosk>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE k.id = ?1"), [id], |r| {
            kiosk_from_row(r, now, default_interval)
        })
        .optional()?)
}

/// The last screenshot: its type and bytes.
pub fn screenshot(conn: &Connection, id: &str) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT screenshot_mime, screenshot FROM fleet_status WHERE kiosk_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(mime), Some(bytes))) => Some((mime, bytes)),
        _ => None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub at: i64,
    pub state: State,
    pub reasons: Vec<String>,
    pub figures: Figures,
}

/// A kiosk's history since `since`, oldest first, with the last row before `since`
/// (what held at `since`) first when there is one.
pub fn history(conn: &Connection, id: &str, since: i64) -> anyhow::Result<Vec<HistoryRow>> {
    let mut stmt = conn.prepare(
        "SELECT at, state, reasons, uptime_s, outbox_pending, oldest_pending_s, feed_age_s
         FROM fleet_history WHERE kiosk_id = ?1 AND at >= COALESCE(
            (SELECT MAX(at) FROM fleet_history WHERE kiosk_id = ?1 AND at <= ?2), ?2)
         ORDER BY at",
    )?;
    let rows = stmt.query_map(params![id, since], |r| {
        let state: String = r.get(1)?;
        let reasons: String = r.get(2)?;
        Ok(HistoryRow {
            at: r.get(0)?,
            state: State::parse(&state).unwrap_or(State::Offline),
            reasons: reasons.split_whitespace().map(str::to_string).collect(),
            figures: Figures {
                uptime_s: r.get(3)?,
                outbox_pending: r.get(4)?,
                oldest_pending_s: r.get(5)?,
                feed_age_s: r.get(6)?,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes an `offline` history row for each kiosk that has gone silent since its last
/// row, dated when it became offline (three intervals after its last heartbeat).
/// Returns how many.
pub fn record_offline(conn: &Connection, now: i64, default_interval: i64) -> anyhow::Result<usize> {
    let mut written = 0;
    for k in list(conn, now, default_interval)? {
        let Some(seen) = k.last_seen else { continue };
        if k.state != State::Offline {
            continue;
        }
        let last: Option<String> = conn
            .query_row(
                "SELECT state FROM fleet_history WHERE kiosk_id = ?1 ORDER BY at DESC LIMIT 1",
                [&k.id],
                |r| r.get(0),
            )
            .optional()?;
        if last.as_deref() != Some("offline") {
            conn.execute(
                "INSERT INTO fleet_history (kiosk_id, at, state) VALUES (?1, ?2, 'offline')",
                params![k.id, seen + MISSED_INTERVALS * k.interval_s],
            )?;
            written += 1;
        }
    }
    Ok(written)
}

/// Removes history older than [`HISTORY_DAYS`]; returns how many rows.
pub fn prune(conn: &Connection, now: i64) -> anyhow::Result<usize> {
    Ok(conn.execute(
        "DELETE FROM fleet_history WHERE at < ?1",
        [now - HISTORY_DAYS * 86_400],
    )?)
}

/// A stretch of time in one state, for the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub from: i64,
    pub to: i64,
    pub state: State,
}

/// The history as stretches of one state between `since` and `now` (before the first
/// row: nothing known, no segment). `offline_since`: the kiosk is offline now, since
/// then (the minute job may not have written its row yet).
pub fn segments(
    rows: &[HistoryRow],
    since: i64,
    now: i64,
    offline_since: Option<i64>,
) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let from = row.at.max(since);
        let to = rows.get(i + 1).map(|n| n.at).unwrap_or(now).min(now);
        if to <= from {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.state == row.state && last.to == from => last.to = to,
            _ => out.push(Segment {
                from,
                to,
                state: row.state,
            }),
        }
    }
    if let (Some(t), Some(last)) = (offline_since, out.last_mut()) {
        if last.state != State::Offline && t < now {
            let t = t.max(last.from);
            last.to = t;
            out.push(Segment {
                from: t,
                to: now,
                state: State::Offline,
            });
            out.retain(|s| s.to > s.from);
        }
    }
    out
}

/// One calendar day (Amsterdam) of the history, for the table beside the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: chrono::NaiveDate,
    pub ok_s: i64,
    pub degraded_s: i64,
    pub offline_s: i64,
    pub max_pending: Option<i64>,
    pub max_feed_age_s: Option<i64>,
    /// Times the uptime went down from one history row to the next: the program
    /// started again (at least once) in between.
    pub restarts: u32,
}

/// The last `days` calendar days up to `now`, oldest first.
pub fn days(rows: &[HistoryRow], segments: &[Segment], now: i64, days: u32) -> Vec<Day> {
    let today = crate::words::local_date(now);
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .map(|date| {
            let start = crate::words::day_start(date);
            let end = crate::words::day_start(date.succ_opt().unwrap_or(date)).min(now);
            let mut d = Day {
                date,
                ok_s: 0,
                degraded_s: 0,
                offline_s: 0,
                max_pending: None,
                max_feed_age_s: None,
                restarts: 0,
            };
            for s in segments {
                let overlap = s.to.min(end) - s.from.max(start);
                if overlap > 0 {
                    match s.state {
                        State::Ok => d.ok_s += overlap,
                        State::Degraded => d.degraded_s += overlap,
                        State::Offline => d.offline_s += overlap,
                    }
                }
            }
            let mut uptime = rows
                .iter()
                .filter(|r| r.at < start)
                .filter_map(|r| r.figures.uptime_s)
                .next_back();
            for r in rows.iter().filter(|r| r.at >= start && r.at < end) {
                d.max_pending = d.max_pending.max(r.figures.outbox_pending);
                d.max_feed_age_s = d.max_feed_age_s.max(r.figures.feed_age_s);
                if let Some(u) = r.figures.uptime_s {
                    if uptime.is_some_and(|before| u < before) {
                        d.restarts += 1;
                    }
                    uptime = Some(u);
                }
            }
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at: i64, state: State) -> HistoryRow {
        HistoryRow {
            at,
            state,
            reasons: Vec::new(),
            figures: Figures::default(),
        }
    }

    #[test]
    fn segments_join_and_end_now() {
        let rows = [
            row(0, State::Ok),
            row(100, State::Ok),
            row(200, State::Degraded),
            row(300, State::Offline),
            row(400, State::Ok),
        ];
        let s = segments(&rows, 50, 500, None);
        assert_eq!(
            s,
            vec![
                Segment {
                    from: 50,
                    to: 200,
                    state: State::Ok
                },
                Segment {
                    from: 200,
                    to: 300,
                    state: State::Degraded
                },
                Segment {
                    from: 300,
                    to: 400,
                    state: State::Offline
                },
                Segment {
                    from: 400,
                    to: 500,
                    state: State::Ok
                },
            ]
        );
        let s = segments(&rows[..1], 0, 500, Some(450));
        assert_eq!(
            s,
            vec![
                Segment {
                    from: 0,
                    to: 450,
                    state: State::Ok
                },
                Segment {
                    from: 450,
                    to: 500,
                    state: State::Offline
                },
            ]
        );
        assert!(segments(&[], 0, 500, None).is_empty());
    }

    #[test]
    fn days_split_segments_at_midnight_in_amsterdam() {
        // Tuesday 1 December 2026, 10:00 in Amsterdam (09:00 UTC).
        let now = 1_764_579_600;
        let midnight = crate::words::day_start(crate::words::local_date(now));
        let mut rows = vec![
            row(midnight - 2 * 3600, State::Ok),
            row(midnight + 3600, State::Degraded),
        ];
        rows[0].figures.uptime_s = Some(90_000);
        rows[1].figures.outbox_pending = Some(3);
        rows[1].figures.feed_age_s = Some(7200);
        rows[1].figures.uptime_s = Some(600);
        let s = segments(&rows, midnight - 86_400, now, None);
        let d = days(&rows, &s, now, 2);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].ok_s, d[0].degraded_s), (2 * 3600, 0));
        assert_eq!((d[1].ok_s, d[1].degraded_s), (3600, 9 * 3600));
        assert_eq!(
            (d[1].max_pending, d[1].max_feed_age_s),
            (Some(3), Some(7200))
        );
        assert_eq!(d[0].max_pending, None);
        assert_eq!((d[0].restarts, d[1].restarts), (0, 1), "uptime went down");
    }
}
