//! Health (issue 19): `ok`, or `degraded` with reasons, each a stable code
//! (`samen_wire::health::codes`) and a sentence for people (docs/status.md). Worked
//! out from the status object and a few facts beside it: whether the system clock is
//! synchronised (systemd-timesyncd) and the last day someone touched the screen (the
//! `last-touch` file in the state directory, written by the UI at most once a day).
//!
//! Pure functions of their inputs ([`assess`]); reading the clock's state and the
//! touch file are separate ([`clock_synced`], [`read_touch`]), so that each reason is
//! tested on its own.

use crate::config::Config;
use crate::status::Report;
use chrono::{DateTime, NaiveDate, Utc};
use samen_wire::health::{codes, Health, HealthState, Reason};
use std::path::{Path, PathBuf};

/// Less free disk than this is a reason (the outbox's reserve is 200 MB; below 100 MB
/// even its spare may not last).
pub const DISK_LOW_BYTES: u64 = 100 * 1000 * 1000;
/// A callback request waiting longer than this is a reason.
pub const OUTBOX_STUCK_S: i64 = 3600;
/// The last day with a touch (or the day the count started), `YYYY-MM-DD`.
pub const TOUCH_FILE: &str = "last-touch";
/// systemd-timesyncd's runtime directory: it exists while timesyncd runs and holds
/// `synchronized` once the clock is. `SAMEN_KIOSK_TIMESYNC_DIR` replaces it (tests).
pub const TIMESYNC_DIR: &str = "/run/systemd/timesync";

/// What the status object does not say.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `Some(false)`: timesyncd runs and says the clock is not synchronised; `None`:
    /// unknown (no timesyncd), not a reason.
    pub clock_synced: Option<bool>,
    /// The last local day with a touch, or the day the count started; `None`: no
    /// record (no state directory, or no screen): not a reason.
    pub last_touch: Option<NaiveDate>,
    /// When the running kiosk started (a feed never fetched counts from then).
    pub started_at: Option<DateTime<Utc>>,
}

impl Facts {
    /// The facts of this machine: the clock's state and, for a kiosk with a screen,
    /// the touch record in `state_dir`.
    pub fn gather(
        state_dir: Option<&Path>,
        with_screen: bool,
        started_at: Option<DateTime<Utc>>,
    ) -> Facts {
        Facts {
            clock_synced: clock_synced(&timesync_dir()),
            last_touch: if with_screen {
                state_dir.and_then(read_touch)
            } else {
                None
            },
            started_at,
        }
    }
}

fn timesync_dir() -> PathBuf {
    std::env::var_os("SAMEN_KIOSK_TIMESYNC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(TIMESYNC_DIR))
}

/// Whether systemd-timesyncd says the clock is synchronised: `None` when it does not
/// run (its runtime directory is absent), so another time service is not a reason.
pub fn clock_synced(dir: &Path) -> Option<bool> {
    if !dir.is_dir() {
        return None;
    }
    Some(dir.join("synchronized").exists())
}

/// The date in the touch file, if there is one that reads.
pub fn read_touch(state_dir: &Path) -> Option<NaiveDate> {
    let text = crate::files::read_regular_text(&state_dir.join(TOUCH_FILE), 64).ok()?;
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Writes `date` to the touch file (small, atomic rename).
pub fn write_touch(state_dir: &Path, date: NaiveDate) -> std::io::Result<()> {
    let file = state_dir.join(TOUCH_FILE);
    let tmp = state_dir.join(format!("{TOUCH_FILE}.tmp"));
    std::fs::write(&tmp, format!("{date}\n"))?;
    std::fs::rename(&tmp, file)
}

/// The UI's record of touches: the file is written when the first touch of a day
/// comes (once a day at most), and at start when there is none yet (the count of
/// days without a touch starts then, not at some day long ago).
#[derive(Debug)]
pub struct TouchRecord {
    state_dir: Option<PathBuf>,
    written: std::cell::Cell<Option<NaiveDate>>,
}

impl TouchRecord {
    pub fn new(state_dir: Option<PathBuf>, today: NaiveDate) -> TouchRecord {
        let written = state_dir.as_deref().and_then(read_touch);
        if let (Some(dir), None) = (&state_dir, written) {
            if let Err(err) = write_touch(dir, today) {
                tracing::debug!("cannot write {TOUCH_FILE}: {err}");
            }
        }
        TouchRecord {
            written: std::cell::Cell::new(written.or(Some(today))),
            state_dir,
        }
    }

    /// A touch on `today`.
    pub fn touched(&self, today: NaiveDate) {
        if self.written.get() == Some(today) {
            return;
        }
        self.written.set(Some(today));
        if let Some(dir) = &self.state_dir {
            if let Err(err) = write_touch(dir, today) {
                tracing::debug!("cannot write {TOUCH_FILE}: {err}");
            }
        }
    }
}

/// The opening days after `last` and before `today` (whole days the screen was meant
/// to be used), counted up to `limit`.
pub fn opening_days_between(
    schedule: &crate::schedule::Schedule,
    last: NaiveDate,
    today: NaiveDate,
    limit: u32,
) -> u32 {
    let mut count = 0;
    let mut day = last;
    while count < limit {
        let Some(next) = day.succ_opt() else { break };
        if next >= today {
            break;
        }
        if schedule.open_on(next) {
            count += 1;
        }
        day = next;
    }
    count
}

/// The kiosk's health from its status object and the [`Facts`].
pub fn assess(config: &Config, report: &Report, facts: &Facts, now: DateTime<Utc>) -> Health {
    let mut reasons = Vec::new();
    let mut reason = |code: &str, words: String| {
        reasons.push(Reason {
            code: code.to_string(),
            words,
        })
    };
    for feed in &report.feeds {
        let Some(source) = config.feeds.iter().find(|f| f.name == feed.name) else {
            continue;
        };
        let limit = chrono::Duration::from_std(source.refresh * 2)
            .unwrap_or(chrono::Duration::MAX)
            .max(chrono::Duration::seconds(1));
        let stale = match (feed.last_success, facts.started_at) {
            (Some(last), _) => now - last > limit,
            // Never fetched: stale once the kiosk has run that long.
            (None, Some(started)) => now - started > limit,
            (None, None) => true,
        };
        if stale {
            let since = match feed.last_success {
                Some(last) => format!("last good data {} ago", words_for(now - last)),
                None => "no good data yet".to_string(),
            };
            let error = feed
                .last_error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            reason(
                codes::FEED_STALE,
                format!(
                    "{}: {since}, refreshed every {}{error}",
                    feed.name,
                    words_for(chrono::Duration::from_std(source.refresh).unwrap_or_default())
                ),
            );
        }
    }
    if let Some(outbox) = &report.outbox {
        if let Some(age) = outbox
            .oldest_pending_age_s
            .filter(|age| *age > OUTBOX_STUCK_S)
        {
            reason(
                codes::OUTBOX_STUCK,
                format!(
                    "a callback request has waited {} to be delivered",
                    words_for(chrono::Duration::seconds(age))
                ),
            );
        }
        if outbox.failed_attention > 0 {
            reason(
                codes::OUTBOX_ATTENTION,
                format!(
                    "{} callback request(s) refused by the intake need attention",
                    outbox.failed_attention
                ),
            );
        }
        if outbox.expired_recently > 0 {
            reason(
                codes::OUTBOX_EXPIRED,
                format!(
                    "{} callback request(s) expired undelivered in the last {} days",
                    outbox.expired_recently,
                    crate::callback::outbox::RECENT_DAYS
                ),
            );
        }
        if let Some(error) = &outbox.error {
            reason(
                codes::OUTBOX_UNREADABLE,
                format!("the outbox cannot be read: {error}"),
            );
        }
    }
    if let Some(error) = &report.config_error {
        reason(codes::CONFIG_REFUSED, error.clone());
    }
    if let Some(free) = report.free_disk_bytes.filter(|f| *f < DISK_LOW_BYTES) {
        reason(
            codes::DISK_LOW,
            format!("{} MB free disk", free / 1_000_000),
        );
    }
    if facts.clock_synced == Some(false) {
        reason(
            codes::CLOCK_UNSYNCED,
            "systemd-timesyncd says the clock is not synchronised".to_string(),
        );
    }
    if let Some(last) = facts.last_touch.filter(|_| config.no_touch_days > 0) {
        let today = now.with_timezone(&crate::time::ZONE).date_naive();
        let days = opening_days_between(&config.schedule, last, today, config.no_touch_days);
        if days >= config.no_touch_days {
            reason(
                codes::NO_TOUCH,
                format!("no touch since {last}: {days} opening days (is the touch panel working?)"),
            );
        }
    }
    Health {
        state: if reasons.is_empty() {
            HealthState::Ok
        } else {
            HealthState::Degraded
        },
        reasons,
    }
}

/// "3 d", "5 h", "12 min", "40 s".
fn words_for(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        s if s >= 2 * 86_400 => format!("{} d", s / 86_400),
        s if s >= 2 * 3600 => format!("{} h", s / 3600),
        s if s >= 120 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// One short line of the reasons, for a push monitor's `msg`: "OK", or the codes.
pub fn summary(health: &Health) -> String {
    if health.reasons.is_empty() {
        return "OK".to_string();
    }
    health
        .reasons
        .iter()
        .map(|r| r.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reasons, one `code: words` a line (a Healthchecks failure's body).
pub fn lines(health: &Health) -> String {
    health
        .reasons
        .iter()
        .map(|r| format!("{}: {}\n", r.code, r.words))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{FeedReport, OutboxReport};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn config(extra: &str) -> Config {
        Config::parse(&format!("kiosk_id = \"k\"\n{extra}"), "test").unwrap()
    }

    fn report(now: DateTime<Utc>) -> Report {
        Report {
            kiosk_id: "k".into(),
            version: "0".into(),
            running: true,
            config_version: None,
            config_error: None,
            feeds: vec![],
            outbox: None,
            delivery: None,
            screen: "on".into(),
            uptime_s: Some(10),
            free_disk_bytes: Some(10_000_000_000),
            warnings: vec![],
            messages: None,
            figures: None,
            at: now,
        }
    }

    fn codes_of(h: &Health) -> Vec<&str> {
        h.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    const NOW: &str = "2026-12-01T12:00:00Z";

    #[test]
    fn all_well_is_ok() {
        let now = at(NOW);
        let h = assess(&config(""), &report(now), &Facts::default(), now);
        assert_eq!(h.state, HealthState::Ok);
        assert!(h.reasons.is_empty());
        assert_eq!(summary(&h), "OK");
    }

    #[test]
    fn a_feed_older_than_two_refresh_intervals() {
        let now = at(NOW);
        let c = config(
            "[[feeds]]\nname = \"agenda\"\nurl = \"https://x.example/a.json\"\nrefresh = \"10m\"\n",
        );
        let mut r = report(now);
        let feed = |minutes: i64, error: Option<&str>| FeedReport {
            name: "agenda".into(),
            items: 3,
            last_success: Some(now - chrono::Duration::minutes(minutes)),
            last_error: error.map(str::to_string),
        };
        r.feeds = vec![feed(19, Some("server answered 503"))];
        assert_eq!(
            assess(&c, &r, &Facts::default(), now).state,
            HealthState::Ok
        );
        r.feeds = vec![feed(21, Some("server answered 503"))];
        let h = assess(&c, &r, &Facts::default(), now);
        assert_eq!(codes_of(&h), [codes::FEED_STALE]);
        assert_eq!(
            h.reasons[0].words,
            "agenda: last good data 21 min ago, refreshed every 10 min (server answered 503)"
        );
        // Never fetched: counted from the start.
        r.feeds[0].last_success = None;
        let started = |m| Facts {
            started_at: Some(now - chrono::Duration::minutes(m)),
            ..Facts::default()
        };
        assert!(assess(&c, &r, &started(5), now).reasons.is_empty());
        assert_eq!(
            codes_of(&assess(&c, &r, &started(25), now)),
            [codes::FEED_STALE]
        );
    }

    #[test]
    fn outbox_reasons() {
        let now = at(NOW);
        let c = config("");
        let mut r = report(now);
        r.outbox = Some(OutboxReport {
            pending: 1,
            oldest_pending_age_s: Some(3600),
            ..OutboxReport::default()
        });
        assert!(assess(&c, &r, &Facts::default(), now).reasons.is_empty());
        r.outbox = Some(OutboxReport {
            pending: 2,
            oldest_pending_age_s: Some(3601),
            failed_attention: 1,
            expired: 2,
            expired_recently: 2,
            ..OutboxReport::default()
        });
        let h = assess(&c, &r, &Facts::default(), now);
        assert_eq!(
            codes_of(&h),
            [
                codes::OUTBOX_STUCK,
                codes::OUTBOX_ATTENTION,
                codes::OUTBOX_EXPIRED
            ]
        );
        assert_eq!(h.state, HealthState::Degraded);
        // Expiries older than a week are history, not a reason for ever.
        r.outbox = Some(OutboxReport {
            expired: 3,
            expired_recently: 0,
            ..OutboxReport::default()
        });
        assert!(assess(&c, &r, &Facts::default(), now).reasons.is_empty());
        // An outbox that cannot be read hides whatever waits in it.
        r.outbox = Some(OutboxReport {
            error: Some("file is not a database".into()),
            ..OutboxReport::default()
        });
        assert_eq!(
            codes_of(&assess(&c, &r, &Facts::default(), now)),
            [codes::OUTBOX_UNREADABLE]
        );
    }

    #[test]
    fn refused_fleet_document_low_disk_unsynced_clock() {
        let now = at(NOW);
        let c = config("");
        let mut r = report(now);
        r.config_error = Some("fleet document refused: bad signature".into());
        assert_eq!(
            codes_of(&assess(&c, &r, &Facts::default(), now)),
            [codes::CONFIG_REFUSED]
        );
        r.config_error = None;
        r.free_disk_bytes = Some(99_000_000);
        assert_eq!(
            codes_of(&assess(&c, &r, &Facts::default(), now)),
            [codes::DISK_LOW]
        );
        r.free_disk_bytes = Some(100_000_000);
        let facts = |synced| Facts {
            clock_synced: synced,
            ..Facts::default()
        };
        assert!(
            assess(&c, &r, &facts(None), now).reasons.is_empty(),
            "unknown is fine"
        );
        assert!(assess(&c, &r, &facts(Some(true)), now).reasons.is_empty());
        assert_eq!(
            codes_of(&assess(&c, &r, &facts(Some(false)), now)),
            [codes::CLOCK_UNSYNCED]
        );
    }

    #[test]
    fn timesyncd_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(clock_synced(&dir.path().join("absent")), None);
        assert_eq!(clock_synced(dir.path()), Some(false));
        std::fs::write(dir.path().join("synchronized"), "").unwrap();
        assert_eq!(clock_synced(dir.path()), Some(true));
    }

    #[test]
    fn no_touch_during_the_last_opening_days() {
        // Tuesday 1 December 2026; open on weekdays only.
        let now = at(NOW);
        let c = config(
            "[schedule]\nmonday = \"09:00-17:00\"\ntuesday = \"09:00-17:00\"\nwednesday = \"09:00-17:00\"\n\
             thursday = \"09:00-17:00\"\nfriday = \"09:00-17:00\"\nsaturday = \"closed\"\nsunday = \"closed\"\n",
        );
        let r = report(now);
        let touched = |date: &str| Facts {
            last_touch: Some(date.parse().unwrap()),
            ..Facts::default()
        };
        // Last touch Wednesday 25 Nov: Thu, Fri, Mon passed without one (the weekend
        // does not count, nor today).
        let h = assess(&c, &r, &touched("2026-11-25"), now);
        assert_eq!(codes_of(&h), [codes::NO_TOUCH]);
        assert!(h.reasons[0].words.contains("2026-11-25"), "{:?}", h.reasons);
        // Thursday 26 Nov: only Friday and Monday.
        assert!(assess(&c, &r, &touched("2026-11-26"), now)
            .reasons
            .is_empty());
        // Configurable; 0 turns it off; no record is not a reason.
        let two = config("[health]\nno_touch_days = 2\n");
        assert_eq!(
            codes_of(&assess(&two, &r, &touched("2026-11-28"), now)),
            [codes::NO_TOUCH]
        );
        let off = config("[health]\nno_touch_days = 0\n");
        assert!(assess(&off, &r, &touched("2020-01-01"), now)
            .reasons
            .is_empty());
        assert!(assess(&c, &r, &Facts::default(), now).reasons.is_empty());
    }

    #[test]
    fn touch_record_is_written_once_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let record = TouchRecord::new(Some(dir.path().to_path_buf()), day("2026-11-30"));
        assert_eq!(
            read_touch(dir.path()),
            Some(day("2026-11-30")),
            "the count starts"
        );
        record.touched(day("2026-12-01"));
        assert_eq!(read_touch(dir.path()), Some(day("2026-12-01")));
        // A restart keeps the record.
        let _again = TouchRecord::new(Some(dir.path().to_path_buf()), day("2026-12-05"));
        assert_eq!(read_touch(dir.path()), Some(day("2026-12-01")));
    }
}
