//! Impact figures (issue 20): what a kiosk counts per local day (Europe/Amsterdam),
//! without per-visit records, without times finer than the day, without anything
//! personal (docs/figures.md). A kiosk shows its recent days in `status --json` (key
//! `figures`) and sends the days the hub has not acknowledged yet in its heartbeat;
//! the hub answers with the days it stored ([`HeartbeatAnswer::figures_ack`]) and
//! keeps each kiosk-day once (a resent day replaces the stored one, it never adds).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many days in one heartbeat (the oldest unacknowledged first); the
/// rest follow with the next heartbeats.
pub const MAX_DAYS_PER_HEARTBEAT: usize = 14;
/// At most this many activities per day (the most opened kept when there are more).
pub const MAX_ACTIVITIES: usize = 100;
/// Activity ids and titles, language codes and topic keys are cut to this.
pub const MAX_TEXT_CHARS: usize = 120;
/// At most this many languages or topics per day.
pub const MAX_KEYS: usize = 32;

/// How often one activity's detail screen was opened on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCount {
    pub id: String,
    /// The Dutch title when it was last opened that day.
    #[serde(default)]
    pub title: String,
    pub count: u64,
}

/// One local day's counts on one kiosk. Every field but `day` defaults to 0/empty, so
/// counts a newer kiosk adds do not break an older hub and the other way round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    /// The local day (Europe/Amsterdam), `YYYY-MM-DD`.
    pub day: NaiveDate,
    /// Visits: from the first touch to the end of the session (admin visits excluded).
    #[serde(default)]
    pub visits: u64,
    /// Visits by the language they ended in (`nl`, `en`, `tr`, `pl`).
    #[serde(default)]
    pub visits_by_language: BTreeMap<String, u64>,
    /// Activities opened (their detail screen), by activity id.
    #[serde(default)]
    pub activities: Vec<ActivityCount>,
    /// Detail screens that showed a QR code (the activity has a link).
    #[serde(default)]
    pub qr_shown: u64,
    /// Callback requests saved, by topic key (`activity`, `none`, or the topic's key).
    #[serde(default)]
    pub callbacks_by_topic: BTreeMap<String, u64>,
    /// Times the help screen was opened.
    #[serde(default)]
    pub help_opened: u64,
    /// Times the helpline slide was shown on signage.
    #[serde(default)]
    pub helpline_slides: u64,
    /// Visits in which speech mode was switched on.
    #[serde(default)]
    pub speech_visits: u64,
    /// Visits in which larger text was chosen.
    #[serde(default)]
    pub larger_text_visits: u64,
    /// Visits in which high contrast was switched on.
    #[serde(default)]
    pub high_contrast_visits: u64,
    /// Visits that ended because nobody answered "Bent u er nog?".
    #[serde(default)]
    pub timeouts: u64,
}

impl DayFigures {
    pub fn new(day: NaiveDate) -> DayFigures {
        DayFigures {
            day,
            visits: 0,
            visits_by_language: BTreeMap::new(),
            activities: Vec::new(),
            qr_shown: 0,
            callbacks_by_topic: BTreeMap::new(),
            help_opened: 0,
            helpline_slides: 0,
            speech_visits: 0,
            larger_text_visits: 0,
            high_contrast_visits: 0,
            timeouts: 0,
        }
    }

    /// The callback requests of the day, all topics.
    pub fn callbacks(&self) -> u64 {
        self.callbacks_by_topic.values().sum()
    }

    /// The activities opened, all activities.
    pub fn activities_opened(&self) -> u64 {
        self.activities.iter().map(|a| a.count).sum()
    }

    /// Nothing counted.
    pub fn is_empty(&self) -> bool {
        *self == DayFigures::new(self.day)
    }

    /// Adds `other`'s counts to these (the day stays this one's).
    pub fn add(&mut self, other: &DayFigures) {
        self.visits += other.visits;
        for (k, v) in &other.visits_by_language {
            *self.visits_by_language.entry(cut(k)).or_default() += v;
        }
        for a in &other.activities {
            self.add_activity(&a.id, &a.title, a.count);
        }
        self.qr_shown += other.qr_shown;
        for (k, v) in &other.callbacks_by_topic {
            *self.callbacks_by_topic.entry(cut(k)).or_default() += v;
        }
        self.help_opened += other.help_opened;
        self.helpline_slides += other.helpline_slides;
        self.speech_visits += other.speech_visits;
        self.larger_text_visits += other.larger_text_visits;
        self.high_contrast_visits += other.high_contrast_visits;
        self.timeouts += other.timeouts;
        self.bound();
    }

    /// Counts `count` openings of activity `id` (the title is the latest).
    pub fn add_activity(&mut self, id: &str, title: &str, count: u64) {
        let id = cut(id);
        match self.activities.iter_mut().find(|a| a.id == id) {
            Some(a) => {
                a.count += count;
                if !title.is_empty() {
                    a.title = cut(title);
                }
            }
            None => self.activities.push(ActivityCount {
                id,
                title: cut(title),
                count,
            }),
        }
    }

    /// Keeps the lists within the limits: the most opened activities, most first.
    fn bound(&mut self) {
        self.activities
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
        self.activities.truncate(MAX_ACTIVITIES);
        for map in [&mut self.visits_by_language, &mut self.callbacks_by_topic] {
            while map.len() > MAX_KEYS {
                let smallest = map
                    .iter()
                    .min_by_key(|(_, v)| **v)
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default();
                map.remove(&smallest);
            }
        }
    }

    /// Whether the day is within the limits a receiver accepts (`Err`: which one not).
    pub fn check(&self) -> Result<(), String> {
        if self.activities.len() > MAX_ACTIVITIES {
            return Err(format!("figures.activities: at most {MAX_ACTIVITIES}"));
        }
        let long = |s: &str| s.chars().count() > MAX_TEXT_CHARS;
        if self
            .activities
            .iter()
            .any(|a| long(&a.id) || long(&a.title))
        {
            return Err(format!(
                "figures.activities: id and title at most {MAX_TEXT_CHARS} characters"
            ));
        }
        for (name, map) in [
            ("visits_by_language", &self.visits_by_language),
            ("callbacks_by_topic", &self.callbacks_by_topic),
        ] {
            if map.len() > MAX_KEYS || map.keys().any(|k| long(k)) {
                return Err(format!(
                    "figures.{name}: at most {MAX_KEYS} keys of at most {MAX_TEXT_CHARS} characters"
                ));
            }
        }
        Ok(())
    }
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

/// The hub's answer to a heartbeat: `status` (`stored`, `stale`, `refused`, `error`)
/// and the days of figures it stored, which the kiosk then stops sending (until they
/// change again). Older hubs answer without `figures_ack`: the kiosk keeps sending.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatAnswer {
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures_ack: Vec<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn adding_merges_keys_and_activities() {
        let mut a = DayFigures::new(day("2026-12-01"));
        a.visits = 2;
        a.visits_by_language.insert("nl".into(), 2);
        a.add_activity("e1", "Koffie", 1);
        let mut b = DayFigures::new(day("2026-12-01"));
        b.visits = 1;
        b.visits_by_language.insert("tr".into(), 1);
        b.add_activity("e1", "Koffieochtend", 2);
        b.add_activity("e2", "Wandelen", 1);
        b.callbacks_by_topic.insert("activity".into(), 1);
        a.add(&b);
        assert_eq!(a.visits, 3);
        assert_eq!(a.visits_by_language.len(), 2);
        assert_eq!(a.activities_opened(), 4);
        assert_eq!(a.activities[0].title, "Koffieochtend");
        assert_eq!(a.callbacks(), 1);
        assert!(a.check().is_ok());
        assert!(DayFigures::new(a.day).is_empty());
    }

    #[test]
    fn an_older_hub_answer_parses_without_acks() {
        let a: HeartbeatAnswer = serde_json::from_str(r#"{"status":"stored"}"#).unwrap();
        assert!(a.figures_ack.is_empty());
        let a: HeartbeatAnswer =
            serde_json::from_str(r#"{"status":"stored","figures_ack":["2026-12-01"]}"#).unwrap();
        assert_eq!(a.figures_ack, vec![day("2026-12-01")]);
        // Every count is optional: a day alone parses.
        let d: DayFigures = serde_json::from_str(r#"{"day":"2026-12-01"}"#).unwrap();
        assert!(d.is_empty());
    }
}
