//! Impact figures (issue 20, docs/figures.md): counts per local day (Europe/Amsterdam,
//! by the kiosk's [`Clock`]) in `figures.sqlite3` in the state directory. No per-visit
//! records, no times finer than the day, nothing personal.
//!
//! Writing: a visit's counts are kept in memory (a [`Recorder`] on the UI thread) and
//! written in one transaction when the visit ends, so a tap costs no disk write and a
//! power cut loses at most the visit in progress. Counts outside visits (the helpline
//! slide on signage) are written with the next visit's, when the screen goes dark, or
//! at most every [`SIGNAGE_FLUSH`] (a power cut loses at most that much of them).
//! The database is SQLite with WAL and `synchronous = FULL` (`state::open_sqlite`),
//! like the outbox.
//!
//! Each day has a revision (`rev`, raised by every write) and the revision the hub last
//! acknowledged (`acked_rev`): the heartbeat sends the days whose `rev` is newer
//! ([`Store::unacknowledged`]), the hub's answer acknowledges them
//! ([`Store::acknowledge`]) with the revision that was sent, so a day that changed
//! while the heartbeat was on its way is sent again. Days older than [`KEEP_DAYS`] are
//! deleted at the first write of a day.

use crate::time::Clock;
use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

pub use samen_wire::figures::{DayFigures, HeartbeatAnswer, MAX_DAYS_PER_HEARTBEAT};

pub const FILE_NAME: &str = "figures.sqlite3";
/// Days kept on the kiosk (about 13 months: a year's report and the month before).
pub const KEEP_DAYS: i64 = 400;
/// Counts outside visits are written at least this often.
pub const SIGNAGE_FLUSH: Duration = Duration::minutes(30);
/// At most about this much JSON of figures in one heartbeat (the hub takes 256 KB with
/// a screenshot of up to about 90 KB); a day is at most about 30 KB (100 activities).
pub const HEARTBEAT_BYTES: usize = 96 * 1024;
/// How many days `status --json` shows.
pub const STATUS_DAYS: u64 = 7;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS days (
    day TEXT PRIMARY KEY,
    rev INTEGER NOT NULL,
    acked_rev INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
);";

/// The figures database.
pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open_in(state_dir: &Path) -> anyhow::Result<Store> {
        Store::open(&state_dir.join(FILE_NAME))
    }

    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let conn = crate::state::open_sqlite(path)?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("cannot prepare {}", path.display()))?;
        Ok(Store { conn })
    }

    /// Opens the store if the file exists (`status` and the heartbeat never create it).
    pub fn open_existing(state_dir: &Path) -> Option<Store> {
        let path = state_dir.join(FILE_NAME);
        if !path.exists() {
            return None;
        }
        match Store::open(&path) {
            Ok(s) => Some(s),
            Err(err) => {
                tracing::warn!("figures cannot be read: {err:#}");
                None
            }
        }
    }

    /// Adds `delta` to its day (one transaction) and, at the first write of a day,
    /// deletes the days older than [`KEEP_DAYS`].
    pub fn add(&mut self, delta: &DayFigures) -> anyhow::Result<()> {
        if delta.is_empty() {
            return Ok(());
        }
        let key = delta.day.to_string();
        let tx = self.conn.transaction()?;
        let stored: Option<(i64, String)> = tx
            .query_row("SELECT rev, data FROM days WHERE day = ?1", [&key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (rev, mut day) = match stored {
            Some((rev, data)) => (
                rev,
                // A damaged row starts again rather than stopping the count.
                serde_json::from_str(&data).unwrap_or_else(|_| DayFigures::new(delta.day)),
            ),
            None => (0, DayFigures::new(delta.day)),
        };
        day.add(delta);
        tx.execute(
            "INSERT INTO days (day, rev, data) VALUES (?1, ?2, ?3)
             ON CONFLICT (day) DO UPDATE SET rev = excluded.rev, data = excluded.data",
            params![key, rev + 1, serde_json::to_string(&day)?],
        )?;
        if rev == 0 {
            let oldest = delta.day - Duration::days(KEEP_DAYS);
            tx.execute("DELETE FROM days WHERE day < ?1", [oldest.to_string()])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The days from `from` on, oldest first.
    pub fn since(&self, from: NaiveDate) -> anyhow::Result<Vec<DayFigures>> {
        let mut stmt = self
            .conn
            .prepare("SELECT data FROM days WHERE day >= ?1 ORDER BY day")?;
        let rows = stmt.query_map([from.to_string()], |r| r.get::<_, String>(0))?;
        let mut days = Vec::new();
        for data in rows {
            if let Ok(day) = serde_json::from_str(&data?) {
                days.push(day);
            }
        }
        Ok(days)
    }

    /// The last [`STATUS_DAYS`] days up to `today` (for `status --json`).
    pub fn recent(&self, today: NaiveDate) -> anyhow::Result<Vec<DayFigures>> {
        let from = today
            .checked_sub_days(chrono::Days::new(STATUS_DAYS - 1))
            .unwrap_or(today);
        self.since(from)
    }

    /// The days the hub has not acknowledged in their current revision, oldest first,
    /// at most `limit` and [`HEARTBEAT_BYTES`] of JSON (always one), each with the
    /// revision sent.
    pub fn unacknowledged(&self, limit: usize) -> anyhow::Result<Vec<(DayFigures, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT data, rev FROM days WHERE rev > acked_rev ORDER BY day LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut days = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let (data, rev) = row?;
            bytes += data.len();
            if !days.is_empty() && bytes > HEARTBEAT_BYTES {
                break;
            }
            if let Ok(day) = serde_json::from_str(&data) {
                days.push((day, rev));
            }
        }
        Ok(days)
    }

    /// The hub stored `days`, sent at these revisions.
    pub fn acknowledge(
        &self,
        sent: &[(NaiveDate, i64)],
        acked: &[NaiveDate],
    ) -> anyhow::Result<()> {
        for (day, rev) in sent.iter().filter(|(d, _)| acked.contains(d)) {
            self.conn.execute(
                "UPDATE days SET acked_rev = MAX(acked_rev, ?2) WHERE day = ?1",
                params![day.to_string(), rev],
            )?;
        }
        Ok(())
    }
}

/// The recent days for `status --json` (`None`: nothing counted yet, or unreadable).
pub fn recent(state_dir: &Path, today: NaiveDate) -> Option<Vec<DayFigures>> {
    let store = Store::open_existing(state_dir)?;
    store.recent(today).ok()
}

/// What one visit did (kept in memory until it ends).
#[derive(Debug)]
struct Visit {
    /// The day of its first touch: all its counts go there.
    day: DayFigures,
    topic: Option<String>,
    speech: bool,
    larger_text: bool,
    high_contrast: bool,
    /// The admin screen was opened: staff, not a visit.
    staff: bool,
}

/// Counts on the UI thread and writes them when a visit ends (see the module).
pub struct Recorder {
    store: RefCell<Option<Store>>,
    clock: Arc<dyn Clock>,
    visit: RefCell<Option<Visit>>,
    /// Counts outside visits not written yet, and when they were last written.
    signage: RefCell<(Option<DayFigures>, DateTime<Utc>)>,
}

impl Recorder {
    /// Opens (creates) the figures in `state_dir`; without one nothing is counted.
    pub fn new(state_dir: Option<&Path>, clock: Arc<dyn Clock>) -> Recorder {
        let store = state_dir.and_then(|dir| match Store::open_in(dir) {
            Ok(s) => Some(s),
            Err(err) => {
                tracing::warn!("figures are not counted: {err:#}");
                None
            }
        });
        let now = clock.now();
        Recorder {
            store: RefCell::new(store),
            clock,
            visit: RefCell::new(None),
            signage: RefCell::new((None, now)),
        }
    }

    fn with_visit(&self, f: impl FnOnce(&mut Visit)) {
        if let Some(v) = self.visit.borrow_mut().as_mut() {
            f(v);
        }
    }

    /// The first touch of a visit (a visit already running goes on).
    pub fn visit_started(&self) {
        let mut visit = self.visit.borrow_mut();
        if visit.is_none() {
            *visit = Some(Visit {
                day: DayFigures::new(self.clock.today()),
                topic: None,
                speech: false,
                larger_text: false,
                high_contrast: false,
                staff: false,
            });
        }
    }

    /// The admin screen was opened: this visit is not counted.
    pub fn staff(&self) {
        self.with_visit(|v| v.staff = true);
    }

    pub fn activity_opened(&self, id: &str, title: &str, with_qr: bool) {
        self.with_visit(|v| {
            v.day.add_activity(id, title, 1);
            if with_qr {
                v.day.qr_shown += 1;
            }
        });
    }

    pub fn help_opened(&self) {
        self.with_visit(|v| v.day.help_opened += 1);
    }

    /// The topic chosen on the callback form (the last one chosen counts).
    pub fn topic_chosen(&self, key: &str) {
        let key = if key.is_empty() { "none" } else { key };
        self.with_visit(|v| v.topic = Some(key.to_string()));
    }

    /// A callback request was saved.
    pub fn callback_saved(&self) {
        self.with_visit(|v| {
            let topic = v.topic.clone().unwrap_or_else(|| "none".into());
            *v.day.callbacks_by_topic.entry(topic).or_default() += 1;
        });
    }

    /// What the visitor's settings were during the visit (any of them, any time).
    pub fn access_used(&self, speech: bool, larger_text: bool, high_contrast: bool) {
        self.with_visit(|v| {
            v.speech |= speech;
            v.larger_text |= larger_text;
            v.high_contrast |= high_contrast;
        });
    }

    /// The helpline slide came up on signage.
    pub fn helpline_slide(&self) {
        let now = self.clock.now();
        let today = self.clock.today();
        let due = {
            let mut signage = self.signage.borrow_mut();
            if signage.0.as_ref().is_some_and(|d| d.day != today) {
                drop(signage);
                self.flush_signage();
                signage = self.signage.borrow_mut();
            }
            signage
                .0
                .get_or_insert_with(|| DayFigures::new(today))
                .helpline_slides += 1;
            now - signage.1 >= SIGNAGE_FLUSH
        };
        if due {
            self.flush_signage();
        }
    }

    /// Writes the counts outside visits (also when the screen goes dark).
    pub fn flush_signage(&self) {
        let pending = {
            let mut signage = self.signage.borrow_mut();
            signage.1 = self.clock.now();
            signage.0.take()
        };
        if let Some(day) = pending {
            self.write(&day);
        }
    }

    /// The visit ended (`language`: the one it ended in; `timed_out`: nobody answered
    /// the warning). Its counts are written now, with the signage counts.
    pub fn visit_ended(&self, language: &str, timed_out: bool) {
        let Some(visit) = self.visit.borrow_mut().take() else {
            return;
        };
        if visit.staff {
            return;
        }
        let mut day = visit.day;
        day.visits = 1;
        day.visits_by_language.insert(language.to_string(), 1);
        day.speech_visits = u64::from(visit.speech);
        day.larger_text_visits = u64::from(visit.larger_text);
        day.high_contrast_visits = u64::from(visit.high_contrast);
        day.timeouts = u64::from(timed_out);
        self.write(&day);
        self.flush_signage();
    }

    /// Whether a visit is being counted now.
    pub fn in_visit(&self) -> bool {
        self.visit.borrow().is_some()
    }

    fn write(&self, day: &DayFigures) {
        if let Some(store) = self.store.borrow_mut().as_mut() {
            if let Err(err) = store.add(day) {
                tracing::warn!("figures not written: {err:#}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::FixedClock;

    fn at(text: &str) -> DateTime<Utc> {
        crate::time::parse_instant(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn visit(r: &Recorder, clock: &FixedClock, start: &str, minutes: i64, lang: &str) {
        clock.set(at(start));
        r.visit_started();
        r.activity_opened("e1", "Koffie", true);
        clock.advance(Duration::minutes(minutes));
        r.visit_ended(lang, false);
    }

    fn stored(dir: &Path) -> Vec<DayFigures> {
        Store::open_in(dir)
            .unwrap()
            .since(day("2000-01-01"))
            .unwrap()
    }

    #[test]
    fn a_visit_across_midnight_counts_on_the_day_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("2026-12-01T23:55")));
        let r = Recorder::new(Some(dir.path()), clock.clone());
        visit(&r, &clock, "2026-12-01T23:55", 10, "nl");
        // The next visit, after local midnight, is the next day's.
        visit(&r, &clock, "2026-12-02T00:06", 2, "tr");
        let days = stored(dir.path());
        assert_eq!(days.len(), 2, "{days:?}");
        assert_eq!(days[0].day, day("2026-12-01"));
        assert_eq!(days[0].visits, 1);
        assert_eq!(days[1].day, day("2026-12-02"));
        assert_eq!(days[1].visits_by_language.get("tr"), Some(&1));
        // Nothing in memory waits: a restart reads the same.
        drop(r);
        assert_eq!(stored(dir.path()).len(), 2);
    }

    #[test]
    fn days_follow_local_time_across_daylight_saving_changes() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("2026-03-28T12:00")));
        let r = Recorder::new(Some(dir.path()), clock.clone());
        // Summer time starts on Sunday 29 March 2026: 23:30 UTC on the 28th is already
        // 00:30 local on the 29th in winter time (+01:00), and 22:30 UTC on the 29th
        // is 00:30 on the 30th in summer time (+02:00).
        let utc = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        for (instant, lang) in [
            ("2026-03-28T22:59:00Z", "nl"), // 23:59 on the 28th
            ("2026-03-28T23:30:00Z", "en"), // 00:30 on the 29th
            ("2026-03-29T21:59:00Z", "nl"), // 23:59 on the 29th (the 23-hour day)
            ("2026-03-29T22:30:00Z", "pl"), // 00:30 on the 30th
            // Winter time starts on Sunday 25 October: 02:30 happens twice.
            ("2026-10-25T00:30:00Z", "nl"), // 02:30 summer time, the 25th
            ("2026-10-25T01:30:00Z", "nl"), // 02:30 winter time, the 25th
            ("2026-10-25T22:59:00Z", "tr"), // 23:59 on the 25th (the 25-hour day)
            ("2026-10-25T23:00:00Z", "tr"), // 00:00 on the 26th
        ] {
            clock.set(utc(instant));
            r.visit_started();
            clock.advance(Duration::seconds(30));
            r.visit_ended(lang, true);
        }
        let days = stored(dir.path());
        let per_day: Vec<(String, u64, u64)> = days
            .iter()
            .map(|d| (d.day.to_string(), d.visits, d.timeouts))
            .collect();
        assert_eq!(
            per_day,
            vec![
                ("2026-03-28".into(), 1, 1),
                ("2026-03-29".into(), 2, 2),
                ("2026-03-30".into(), 1, 1),
                ("2026-10-25".into(), 3, 3),
                ("2026-10-26".into(), 1, 1),
            ]
        );
        assert_eq!(days[1].visits_by_language.get("en"), Some(&1));
    }

    #[test]
    fn what_a_visit_did_is_counted_once_when_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("2026-12-01T10:00")));
        let r = Recorder::new(Some(dir.path()), clock.clone());
        r.visit_started();
        r.activity_opened("e1", "Koffie", true);
        r.activity_opened("e1", "Koffie", true);
        r.activity_opened("e2", "Wandelen", false);
        r.help_opened();
        r.access_used(true, false, false);
        r.access_used(false, true, false);
        r.topic_chosen("loneliness");
        r.topic_chosen("activity");
        r.callback_saved();
        // Nothing is written during the visit.
        assert!(stored(dir.path()).is_empty());
        r.visit_ended("en", false);
        let d = &stored(dir.path())[0];
        assert_eq!(d.visits, 1);
        assert_eq!(d.activities_opened(), 3);
        assert_eq!(d.qr_shown, 2);
        assert_eq!(d.help_opened, 1);
        assert_eq!(
            (
                d.speech_visits,
                d.larger_text_visits,
                d.high_contrast_visits
            ),
            (1, 1, 0)
        );
        assert_eq!(d.callbacks_by_topic.get("activity"), Some(&1));
        assert_eq!(d.timeouts, 0);
        // Ending again (the screen goes dark) counts nothing more; staff visits none.
        r.visit_ended("nl", false);
        r.visit_started();
        r.staff();
        r.visit_ended("nl", false);
        assert_eq!(stored(dir.path())[0].visits, 1);
    }

    #[test]
    fn helpline_slides_are_written_in_batches() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("2026-12-01T10:00")));
        let r = Recorder::new(Some(dir.path()), clock.clone());
        r.helpline_slide();
        r.helpline_slide();
        assert!(stored(dir.path()).is_empty(), "not a write per slide");
        clock.advance(SIGNAGE_FLUSH);
        r.helpline_slide();
        assert_eq!(stored(dir.path())[0].helpline_slides, 3);
        r.helpline_slide();
        r.flush_signage();
        assert_eq!(stored(dir.path())[0].helpline_slides, 4);
        // Past midnight the pending day is written before the new one starts.
        r.helpline_slide();
        clock.set(at("2026-12-02T00:01"));
        r.helpline_slide();
        r.flush_signage();
        let days = stored(dir.path());
        assert_eq!(days[0].helpline_slides, 5);
        assert_eq!(days[1].helpline_slides, 1);
    }

    #[test]
    fn acknowledged_days_are_not_sent_again_unless_they_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let mut d = DayFigures::new(day("2026-12-01"));
        d.visits = 2;
        store.add(&d).unwrap();
        let sent = store.unacknowledged(14).unwrap();
        assert_eq!(sent.len(), 1);
        let revs: Vec<(NaiveDate, i64)> = sent.iter().map(|(d, r)| (d.day, *r)).collect();
        // The day changes while the heartbeat is on its way: it is sent again.
        store.add(&d).unwrap();
        store.acknowledge(&revs, &[day("2026-12-01")]).unwrap();
        let again = store.unacknowledged(14).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].0.visits, 4);
        let revs: Vec<(NaiveDate, i64)> = again.iter().map(|(d, r)| (d.day, *r)).collect();
        store.acknowledge(&revs, &[]).unwrap();
        // Big days go a few at a time (a heartbeat stays under the hub's limit).
        for n in 2..=20 {
            let mut big = DayFigures::new(day("2026-11-01") + Duration::days(n));
            for a in 0..100 {
                big.add_activity(&format!("{a:0>100}"), &"t".repeat(100), 1);
            }
            store.add(&big).unwrap();
        }
        let first = store.unacknowledged(14).unwrap();
        assert!((2..14).contains(&first.len()), "{}", first.len());
        let size: usize = first
            .iter()
            .map(|(d, _)| serde_json::to_string(d).unwrap().len())
            .sum();
        assert!(size <= HEARTBEAT_BYTES, "{size}");
        // The hub acknowledges them heartbeat by heartbeat (not the 1st of December).
        loop {
            let sent: Vec<(NaiveDate, i64)> = store
                .unacknowledged(14)
                .unwrap()
                .iter()
                .map(|(d, r)| (d.day, *r))
                .collect();
            let acked: Vec<NaiveDate> = sent
                .iter()
                .map(|(d, _)| *d)
                .filter(|d| *d != day("2026-12-01"))
                .collect();
            if acked.is_empty() {
                break;
            }
            store.acknowledge(&sent, &acked).unwrap();
        }
        assert_eq!(
            store.unacknowledged(14).unwrap().len(),
            1,
            "not acknowledged"
        );
        store.acknowledge(&revs, &[day("2026-12-01")]).unwrap();
        assert!(store.unacknowledged(14).unwrap().is_empty());
    }

    /// What ending a visit costs on this machine's disk (docs/figures.md):
    /// `cargo test --lib figures::tests::write_cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn write_cost() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(at("2026-12-01T10:00")));
        let r = Recorder::new(Some(dir.path()), clock.clone());
        let mut times = Vec::new();
        for i in 0..200 {
            r.visit_started();
            r.activity_opened(&format!("e{}", i % 30), "Koffieochtend", true);
            let start = std::time::Instant::now();
            r.visit_ended("nl", false);
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "visit end: median {:?}, 95th percentile {:?}, largest {:?}",
            times[100], times[190], times[199]
        );
    }

    #[test]
    fn old_days_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        let mut d = DayFigures::new(day("2025-01-01"));
        d.visits = 1;
        store.add(&d).unwrap();
        d.day = day("2025-01-01") + Duration::days(KEEP_DAYS);
        store.add(&d).unwrap();
        assert_eq!(store.since(day("2000-01-01")).unwrap().len(), 2);
        d.day += Duration::days(1);
        store.add(&d).unwrap();
        let left = store.since(day("2000-01-01")).unwrap();
        assert_eq!(left.len(), 2);
        assert_eq!(left[0].day, day("2025-01-01") + Duration::days(KEEP_DAYS));
    }
}
