//! Impact figures (issue 20, docs/figures.md): the counts kiosks send per local day in
//! their heartbeat, stored once per kiosk and day (a resent day replaces the stored
//! one: never counted twice), summed per week or month, per kiosk and in total, next
//! to the callback requests' outcomes from the worklist and the median time to the
//! first call. The council's CSV writes every count from 1 to 4 as `<5`
//! ([`protect`]).

use crate::words;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use samen_wire::figures::DayFigures;
use std::collections::BTreeMap;

/// A day more than this far ahead of the hub's date is refused (a kiosk's clock).
const FUTURE_DAYS: i64 = 1;

/// Week (ISO, from Monday) or calendar month, in Europe/Amsterdam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        match text {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The first day of the period holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => {
                day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            Period::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the period before the one starting at `start`.
    pub fn previous(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Week => start - chrono::Duration::days(7),
            Period::Month => self.start(start - chrono::Duration::days(1)),
        }
    }

    /// `2026-W49` or `2026-12` (the CSV's period column).
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Period::Month => format!("{}-{:02}", start.year(), start.month()),
        }
    }
}

/// Checks the days of a heartbeat (`Err`: why not; nothing is stored then).
pub fn check(days: &[DayFigures], now: i64) -> Result<(), String> {
    if days.len() > 2 * samen_wire::figures::MAX_DAYS_PER_HEARTBEAT {
        return Err("figures: too many days".into());
    }
    let latest = words::local_date(now) + chrono::Duration::days(FUTURE_DAYS);
    for d in days {
        if d.day > latest {
            return Err("figures: a day in the future".into());
        }
        d.check()?;
    }
    Ok(())
}

/// Stores the days of one kiosk (in the heartbeat's transaction): each replaces what
/// was stored for that kiosk and day. Returns the days stored (the acknowledgement).
pub fn store(
    conn: &Connection,
    kiosk_id: &str,
    days: &[DayFigures],
    now: i64,
) -> anyhow::Result<Vec<NaiveDate>> {
    let mut stored = Vec::new();
    for d in days {
        conn.execute(
            "INSERT INTO figures_days (kiosk_id, day, received_at, data) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kiosk_id, day) DO UPDATE SET received_at = excluded.received_at,
                data = excluded.data",
            params![kiosk_id, d.day.to_string(), now, serde_json::to_string(d)?],
        )?;
        stored.push(d.day);
    }
    Ok(stored)
}

/// Every stored kiosk-day from `from` on.
pub fn load(conn: &Connection, from: NaiveDate) -> anyhow::Result<Vec<(String, DayFigures)>> {
    let mut stmt = conn.prepare(
        "SELECT kiosk_id, data FROM figures_days WHERE day >= ?1 ORDER BY day, kiosk_id",
    )?;
    let rows = stmt.query_map([from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (kiosk, data) = row?;
        // Stored from a checked heartbeat, so it parses; a row that does not is left out.
        if let Ok(day) = serde_json::from_str::<DayFigures>(&data) {
            out.push((kiosk, day));
        }
    }
    Ok(out)
}

/// The counts of one period (one kiosk or all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub visits: u64,
    pub by_language: BTreeMap<String, u64>,
    pub activities_opened: u64,
    pub qr_shown: u64,
    pub callbacks: u64,
    pub by_topic: BTreeMap<String, u64>,
    pub help_opened: u64,
    pub helpline_slides: u64,
    pub speech_visits: u64,
    pub larger_text_visits: u64,
    pub high_contrast_visits: u64,
    pub timeouts: u64,
}

impl Counts {
    fn add(&mut self, d: &DayFigures) {
        self.visits += d.visits;
        for (k, v) in &d.visits_by_language {
            *self.by_language.entry(k.clone()).or_default() += v;
        }
        self.activities_opened += d.activities_opened();
        self.qr_shown += d.qr_shown;
        self.callbacks += d.callbacks();
        for (k, v) in &d.callbacks_by_topic {
            *self.by_topic.entry(k.clone()).or_default() += v;
        }
        self.help_opened += d.help_opened;
        self.helpline_slides += d.helpline_slides;
        self.speech_visits += d.speech_visits;
        self.larger_text_visits += d.larger_text_visits;
        self.high_contrast_visits += d.high_contrast_visits;
        self.timeouts += d.timeouts;
    }

    /// The plain counts with their CSV names, in order.
    pub fn measures(&self) -> [(&'static str, u64); 10] {
        [
            ("visits", self.visits),
            ("activities_opened", self.activities_opened),
            ("qr_shown", self.qr_shown),
            ("callback_requests", self.callbacks),
            ("help_opened", self.help_opened),
            ("helpline_slides", self.helpline_slides),
            ("speech_visits", self.speech_visits),
            ("larger_text_visits", self.larger_text_visits),
            ("high_contrast_visits", self.high_contrast_visits),
            ("timeouts", self.timeouts),
        ]
    }
}

/// The worklist's side of one period: requests received at the hub and what came of
/// them, and the times from arrival to the first call (seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub received: u64,
    pub reached: u64,
    /// A final outcome other than reached (wrong number, no contact) or not reached
    /// yet after at least one call.
    pub not_reached: u64,
    /// No call yet.
    pub open: u64,
    pub first_call_s: Vec<i64>,
}

impl Outcomes {
    /// The median time to the first call; `None` without calls.
    pub fn median_first_call_s(&self) -> Option<i64> {
        median(&self.first_call_s)
    }
}

pub fn median(values: &[i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    })
}

/// One period's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    pub start: NaiveDate,
    pub total: Counts,
    pub per_kiosk: BTreeMap<String, Counts>,
    pub outcomes: Outcomes,
}

/// An activity and how often it was opened in the periods shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopActivity {
    pub id: String,
    pub title: String,
    pub count: u64,
}

/// The figures of the last `periods` periods up to the one holding `today`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub period: Period,
    /// Oldest first; every period present, also empty ones.
    pub rows: Vec<PeriodRow>,
    pub kiosks: Vec<String>,
    pub top: Vec<TopActivity>,
    /// Over all periods shown.
    pub outcomes: Outcomes,
}

pub fn summary(
    conn: &Connection,
    period: Period,
    periods: usize,
    today: NaiveDate,
) -> anyhow::Result<Summary> {
    let mut starts = vec![period.start(today)];
    while starts.len() < periods.max(1) {
        let prev = period.previous(*starts.last().unwrap_or(&today));
        starts.push(prev);
    }
    starts.reverse();
    let from = starts[0];
    let mut rows: Vec<PeriodRow> = starts
        .iter()
        .map(|s| PeriodRow {
            start: *s,
            total: Counts::default(),
            per_kiosk: BTreeMap::new(),
            outcomes: Outcomes::default(),
        })
        .collect();
    let index = |rows: &[PeriodRow], day: NaiveDate| {
        let s = period.start(day);
        rows.iter().position(|r| r.start == s)
    };
    let mut kiosks = std::collections::BTreeSet::new();
    let mut top: BTreeMap<String, TopActivity> = BTreeMap::new();
    for (kiosk, d) in load(conn, from)? {
        let Some(i) = index(&rows, d.day) else {
            continue;
        };
        kiosks.insert(kiosk.clone());
        rows[i].total.add(&d);
        rows[i].per_kiosk.entry(kiosk).or_default().add(&d);
        for a in &d.activities {
            let t = top.entry(a.id.clone()).or_insert_with(|| TopActivity {
                id: a.id.clone(),
                title: String::new(),
                count: 0,
            });
            t.count += a.count;
            if !a.title.is_empty() {
                t.title = a.title.clone();
            }
        }
    }
    // The worklist: requests by the local day they arrived, the first call from the
    // audit log (kept when a request is erased).
    let mut stmt = conn.prepare(
        "SELECT r.received_at, r.outcome, r.attempts,
            (SELECT MIN(a.at) FROM audit a WHERE a.request_id = r.id AND a.action LIKE 'outcome:%')
         FROM requests r WHERE r.received_at >= ?1",
    )?;
    let since = words::day_start(from);
    let requests = stmt.query_map([since], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut all = Outcomes::default();
    for row in requests {
        let (received_at, outcome, attempts, first_call) = row?;
        let Some(i) = index(&rows, words::local_date(received_at)) else {
            continue;
        };
        for o in [&mut rows[i].outcomes, &mut all] {
            o.received += 1;
            match outcome.as_deref() {
                Some("reached") => o.reached += 1,
                Some(_) => o.not_reached += 1,
                None if attempts > 0 => o.not_reached += 1,
                None => o.open += 1,
            }
            if let Some(at) = first_call {
                o.first_call_s.push((at - received_at).max(0));
            }
        }
    }
    let mut top: Vec<TopActivity> = top.into_values().collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)));
    top.truncate(10);
    Ok(Summary {
        period,
        rows,
        kiosks: kiosks.into_iter().collect(),
        top,
        outcomes: all,
    })
}

// ---- the council's CSV ---------------------------------------------------------------

/// The smallest count written as itself; 1 to `SMALL - 1` are written `<5`.
pub const SMALL: u64 = 5;

/// One count of the CSV and whether it is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub count: u64,
    pub hidden: bool,
}

impl Cell {
    pub fn text(&self) -> String {
        if self.hidden {
            format!("<{SMALL}")
        } else {
            self.count.to_string()
        }
    }
}

/// Hides counts from 1 to 4 (0 stays 0: it says that nobody did something, which
/// singles nobody out), then, so that a hidden count cannot be worked out from a total
/// beside it: in every group (`members` that add up to `total`, all indices into
/// `cells`) whose total is shown and where exactly one member is hidden, the smallest
/// other non-zero member is hidden too. Repeated until nothing changes.
pub fn protect(cells: &mut [Cell], groups: &[(Vec<usize>, usize)]) {
    for c in cells.iter_mut() {
        c.hidden = (1..SMALL).contains(&c.count);
    }
    loop {
        let mut changed = false;
        for (members, total) in groups {
            if cells[*total].hidden {
                continue;
            }
            let hidden = members.iter().filter(|i| cells[**i].hidden).count();
            if hidden != 1 {
                continue;
            }
            let next = members
                .iter()
                .filter(|i| !cells[**i].hidden && cells[**i].count > 0)
                .min_by_key(|i| cells[**i].count);
            if let Some(i) = next {
                cells[*i].hidden = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// (measure, key) -> the cells of every kiosk, and the total's cell.
type Across = BTreeMap<(&'static str, String), (Vec<usize>, Option<usize>)>;

/// The CSV: `period,kiosk,measure,key,count`, one count a line, every kiosk and
/// `total` per period, the breakdowns (languages, topics, activities) beside their
/// measure; then the worklist's lines (kiosk `total`): requests received, reached,
/// not reached, open, and the median hours to the first call (blank without calls,
/// `<5` when fewer than 5 calls make it).
pub fn csv(summary: &Summary) -> String {
    struct Line {
        period: String,
        kiosk: String,
        measure: &'static str,
        key: String,
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut groups: Vec<(Vec<usize>, usize)> = Vec::new();
    let mut push = |lines: &mut Vec<Line>, period: &str, kiosk: &str, measure, key: &str, n| {
        lines.push(Line {
            period: period.to_string(),
            kiosk: kiosk.to_string(),
            measure,
            key: key.to_string(),
        });
        cells.push(Cell {
            count: n,
            hidden: false,
        });
        cells.len() - 1
    };
    for row in &summary.rows {
        let period = summary.period.label(row.start);
        // Every kiosk's counts, then the total's, each with its breakdowns.
        let mut names: Vec<&str> = summary.kiosks.iter().map(String::as_str).collect();
        names.push("total");
        // (measure, key) -> indices per kiosk, and the total's index.
        let mut across: Across = BTreeMap::new();
        let empty = Counts::default();
        let mut titles: BTreeMap<String, String> = BTreeMap::new();
        for a in &summary.top {
            titles.insert(a.id.clone(), a.title.clone());
        }
        for name in &names {
            let c = if *name == "total" {
                &row.total
            } else {
                row.per_kiosk.get(*name).unwrap_or(&empty)
            };
            let mut note = |measure: &'static str, key: &str, i: usize| {
                let entry = across.entry((measure, key.to_string())).or_default();
                if *name == "total" {
                    entry.1 = Some(i);
                } else {
                    entry.0.push(i);
                }
            };
            let mut parents: BTreeMap<&'static str, usize> = BTreeMap::new();
            for (measure, n) in c.measures() {
                let i = push(&mut lines, &period, name, measure, "", n);
                note(measure, "", i);
                parents.insert(measure, i);
            }
            for (breakdown, parent, map) in [
                ("visits_by_language", "visits", &c.by_language),
                ("callbacks_by_topic", "callback_requests", &c.by_topic),
            ] {
                // Every key that occurs in the period, so that the groups are whole.
                let keys: std::collections::BTreeSet<&String> = row
                    .per_kiosk
                    .values()
                    .flat_map(|k| {
                        if breakdown == "visits_by_language" {
                            k.by_language.keys()
                        } else {
                            k.by_topic.keys()
                        }
                    })
                    .collect();
                let mut members = Vec::new();
                for key in keys {
                    let i = push(
                        &mut lines,
                        &period,
                        name,
                        breakdown,
                        key,
                        map.get(key).copied().unwrap_or(0),
                    );
                    note(breakdown, key, i);
                    members.push(i);
                }
                if let Some(p) = parents.get(parent) {
                    groups.push((members, *p));
                }
            }
        }
        for (members, total) in across.into_values() {
            if let Some(t) = total {
                groups.push((members, t));
            }
        }
        // The worklist's outcomes (the hub's own, not per kiosk): received = reached +
        // not reached + open.
        let o = &row.outcomes;
        let received = push(
            &mut lines,
            &period,
            "total",
            "requests_received",
            "",
            o.received,
        );
        let parts = vec![
            push(
                &mut lines,
                &period,
                "total",
                "requests_reached",
                "",
                o.reached,
            ),
            push(
                &mut lines,
                &period,
                "total",
                "requests_not_reached",
                "",
                o.not_reached,
            ),
            push(&mut lines, &period, "total", "requests_open", "", o.open),
        ];
        groups.push((parts, received));
    }
    protect(&mut cells, &groups);
    let mut out = String::from("period,kiosk,measure,key,count\n");
    for (line, cell) in lines.iter().zip(&cells) {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            field(&line.period),
            field(&line.kiosk),
            line.measure,
            field(&line.key),
            cell.text()
        ));
    }
    for row in &summary.rows {
        let o = &row.outcomes;
        let median = match o.median_first_call_s() {
            None => String::new(),
            Some(_) if (o.first_call_s.len() as u64) < SMALL => format!("<{SMALL}"),
            Some(s) => format!("{:.1}", s as f64 / 3600.0),
        };
        out.push_str(&format!(
            "{},total,median_hours_to_first_call,,{median}\n",
            summary.period.label(row.start)
        ));
    }
    out
}

/// A CSV field: quoted when it holds a comma, quote or line break; a leading `=`,
/// `+`, `-` or `@` gets a `'` so that a spreadsheet does not run it as a formula.
fn field(text: &str) -> String {
    let mut t = text.to_string();
    if t.starts_with(['=', '+', '-', '@']) {
        t.insert(0, '\'');
    }
    if t.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", t.replace('"', "\"\""))
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(counts: &[u64]) -> Vec<Cell> {
        counts
            .iter()
            .map(|c| Cell {
                count: *c,
                hidden: false,
            })
            .collect()
    }

    #[test]
    fn small_counts_and_what_would_reveal_them_are_hidden() {
        // Three kiosks and their total: 3 alone hidden would be 20 - 9 - 8.
        let mut c = cells(&[3, 9, 8, 20]);
        protect(&mut c, &[(vec![0, 1, 2], 3)]);
        let text: Vec<String> = c.iter().map(Cell::text).collect();
        assert_eq!(text, ["<5", "9", "<5", "20"]);
        // 0 stays 0; two small ones protect each other.
        let mut c = cells(&[0, 2, 4, 6]);
        protect(&mut c, &[(vec![0, 1, 2], 3)]);
        let text: Vec<String> = c.iter().map(Cell::text).collect();
        assert_eq!(text, ["0", "<5", "<5", "6"]);
        // A small total hides itself; its members need no more.
        let mut c = cells(&[0, 3, 3]);
        protect(&mut c, &[(vec![0, 1], 2)]);
        let text: Vec<String> = c.iter().map(Cell::text).collect();
        assert_eq!(text, ["0", "<5", "<5"]);
        // Exactly 5 is shown.
        let mut c = cells(&[5, 5, 10]);
        protect(&mut c, &[(vec![0, 1], 2)]);
        assert!(c.iter().all(|c| !c.hidden));
    }

    #[test]
    fn periods() {
        let d: NaiveDate = "2026-12-03".parse().unwrap();
        assert_eq!(Period::Week.start(d).to_string(), "2026-11-30");
        assert_eq!(Period::Week.label(Period::Week.start(d)), "2026-W49");
        assert_eq!(
            Period::Month.previous(Period::Month.start(d)).to_string(),
            "2026-11-01"
        );
        assert_eq!(Period::Month.label(Period::Month.start(d)), "2026-12");
        assert_eq!(median(&[5, 1, 3]), Some(3));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2));
        assert_eq!(median(&[]), None);
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("a,b"), "\"a,b\"");
    }
}
