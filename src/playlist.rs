//! The signage playlist: which slide is shown at step n of the rotation, and with
//! what. A pure function of (step, now, catalog), so it is deterministic for tests
//! and screenshots and needs no state beyond the step counter.
//!
//! Past activities drop off because every slide is computed at the moment it is
//! shown; cancelled activities are never advertised on signage.

use crate::feed::{Catalog, Occurrence};
use crate::time;
use chrono::{DateTime, Days, Utc};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlideKind {
    /// A campaign message (index into the configured messages).
    Campaign(usize),
    Today,
    Spotlight,
    Week,
    CallToAction,
    Help,
}

#[derive(Debug, Clone)]
pub struct Slide {
    pub kind: SlideKind,
    /// Today: the next activities of today; Week: one per coming day.
    pub items: Vec<Occurrence>,
    /// How many more there are than fit on the slide.
    pub more: usize,
    /// The activity in the spotlight.
    pub spotlight: Option<Occurrence>,
}

impl Slide {
    fn bare(kind: SlideKind) -> Self {
        Slide {
            kind,
            items: Vec::new(),
            more: 0,
            spotlight: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SlidePlaylist {
    pub messages: usize,
    /// Every n-th step shows the help slide (0: never).
    pub help_every: u32,
    /// Rows that fit on a list slide.
    pub max_items: usize,
}

/// The order of one round. Spotlights come often: they sell single activities.
const ROUND: [Base; 8] = [
    Base::Campaign,
    Base::Today,
    Base::Spotlight,
    Base::CallToAction,
    Base::Campaign,
    Base::Spotlight,
    Base::Week,
    Base::Spotlight,
];

#[derive(Clone, Copy, PartialEq)]
enum Base {
    Campaign,
    Today,
    Spotlight,
    Week,
    CallToAction,
}

impl SlidePlaylist {
    pub fn slide(&self, step: u64, now: DateTime<Utc>, catalog: &Catalog) -> Slide {
        if self.help_every > 0
            && step % u64::from(self.help_every) == u64::from(self.help_every) - 1
        {
            return Slide::bare(SlideKind::Help);
        }
        let round = step / ROUND.len() as u64;
        let pos = (step % ROUND.len() as u64) as usize;
        // How many slides of the same base came before this one in the round.
        let nth_in_round = ROUND[..pos].iter().filter(|b| **b == ROUND[pos]).count() as u64;
        let per_round = ROUND.iter().filter(|b| **b == ROUND[pos]).count() as u64;
        let counter = round * per_round + nth_in_round;
        match ROUND[pos] {
            Base::Campaign => self.campaign(counter),
            Base::CallToAction => Slide::bare(SlideKind::CallToAction),
            Base::Today => {
                let slide = self.today(now, catalog);
                if slide.items.is_empty() {
                    self.week(now, catalog, round)
                } else {
                    slide
                }
            }
            Base::Week => self.week(now, catalog, round),
            Base::Spotlight => self
                .spotlight(now, catalog, counter)
                .unwrap_or_else(|| self.campaign(counter)),
        }
    }

    fn campaign(&self, counter: u64) -> Slide {
        if self.messages == 0 {
            return Slide::bare(SlideKind::CallToAction);
        }
        Slide::bare(SlideKind::Campaign(
            (counter % self.messages as u64) as usize,
        ))
    }

    /// Today's activities that have not ended yet.
    pub fn today(&self, now: DateTime<Utc>, catalog: &Catalog) -> Slide {
        let today = now.with_timezone(&time::ZONE).date_naive();
        let mut items: Vec<Occurrence> = catalog
            .on_day(today)
            .into_iter()
            .filter(|o| o.is_upcoming_or_ongoing(now) && o.local_date() == today)
            .collect();
        let more = items.len().saturating_sub(self.max_items);
        items.truncate(self.max_items);
        Slide {
            kind: SlideKind::Today,
            items,
            more,
            spotlight: None,
        }
    }

    /// The coming days after today: one activity per day, a different one each round.
    pub fn week(&self, now: DateTime<Utc>, catalog: &Catalog, round: u64) -> Slide {
        let today = now.with_timezone(&time::ZONE).date_naive();
        let mut items = Vec::new();
        let mut total = 0;
        for offset in 1..=6u64 {
            let Some(date) = today.checked_add_days(Days::new(offset)) else {
                continue;
            };
            let day: Vec<Occurrence> = catalog
                .on_day(date)
                .into_iter()
                .filter(|o| !o.is_cancelled() && o.local_date() == date)
                .collect();
            total += day.len();
            if !day.is_empty() && items.len() < self.max_items {
                items.push(day[(round as usize) % day.len()].clone());
            }
        }
        let more = total.saturating_sub(items.len());
        Slide {
            kind: SlideKind::Week,
            items,
            more,
            spotlight: None,
        }
    }

    /// Candidates for a spotlight: the coming week's activities, once each, those with
    /// a web page (for the QR code) first.
    pub fn spotlight_candidates(now: DateTime<Utc>, catalog: &Catalog) -> Vec<Occurrence> {
        let horizon = now + chrono::Duration::days(7);
        let mut seen = HashSet::new();
        let mut list: Vec<Occurrence> = catalog
            .occurrences(now, horizon)
            .into_iter()
            .filter(|o| o.is_upcoming_or_ongoing(now))
            .filter(|o| seen.insert(o.activity.id.clone()))
            .collect();
        list.sort_by_key(|o| o.activity.url.is_empty());
        list
    }

    fn spotlight(&self, now: DateTime<Utc>, catalog: &Catalog, counter: u64) -> Option<Slide> {
        let candidates = Self::spotlight_candidates(now, catalog);
        if candidates.is_empty() {
            return None;
        }
        let pick = candidates[(counter % candidates.len() as u64) as usize].clone();
        Some(Slide {
            kind: SlideKind::Spotlight,
            items: Vec::new(),
            more: 0,
            spotlight: Some(pick),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::json;
    use crate::time::parse_instant;

    /// A catalog from a small JSON feed (not an example: dates are absolute).
    fn catalog(events: &str) -> Catalog {
        let text = format!(r#"{{"version":1,"events":[{events}]}}"#);
        let feed = json::parse(&text, chrono::NaiveDate::MIN, &|_| None).expect("test feed parses");
        Catalog::new(feed.activities, false)
    }

    fn playlist() -> SlidePlaylist {
        SlidePlaylist {
            messages: 3,
            help_every: 7,
            max_items: 4,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        parse_instant(text).expect("valid time")
    }

    fn titles(slide: &Slide) -> Vec<String> {
        slide
            .items
            .iter()
            .map(|o| o.activity.title.get(crate::i18n::Lang::Nl).to_string())
            .collect()
    }

    const SATURDAY: &str = r#"
        {"id":"tuin","name":"Tuin","start":"2026-11-07T10:00","end":"2026-11-07T12:00","rrule":"FREQ=WEEKLY;BYDAY=SA","url":"https://example.org/tuin"},
        {"id":"jam","name":"Jam","start":"2026-11-28T14:00","end":"2026-11-28T17:00"},
        {"id":"bingo","name":"Bingo","start":"2026-11-28T15:00","end":"2026-11-28T16:00","status":"cancelled","url":"https://example.org/bingo"},
        {"id":"laat","name":"Laat","start":"2026-11-28T23:30","end":"2026-11-29T00:30"},
        {"id":"zondag","name":"Zondag","start":"2026-11-29T09:00","end":"2026-11-29T10:00"}
    "#;

    #[test]
    fn past_activities_drop_off_on_time() {
        let c = catalog(SATURDAY);
        let p = playlist();
        assert_eq!(
            titles(&p.today(at("2026-11-28T11:59:00+01:00"), &c)),
            ["Tuin", "Jam", "Laat"]
        );
        assert_eq!(
            titles(&p.today(at("2026-11-28T12:00:00+01:00"), &c)),
            ["Jam", "Laat"],
            "Tuin ended at 12:00"
        );
        assert_eq!(
            titles(&p.today(at("2026-11-28T17:00:00+01:00"), &c)),
            ["Laat"]
        );
    }

    #[test]
    fn cancelled_activities_are_not_advertised() {
        let c = catalog(SATURDAY);
        let now = at("2026-11-28T09:00:00+01:00");
        assert!(!titles(&playlist().today(now, &c)).contains(&"Bingo".to_string()));
        let spot = SlidePlaylist::spotlight_candidates(now, &c);
        assert!(spot.iter().all(|o| o.activity.id != "bingo"));
        // Those with a page (for the QR code) come first.
        assert_eq!(spot[0].activity.id, "tuin");
    }

    #[test]
    fn today_is_the_day_in_amsterdam_not_utc() {
        let c = catalog(SATURDAY);
        // 00:10 on Sunday in Hilversum is still Saturday 23:10 in UTC.
        let now = at("2026-11-29T00:10:00+01:00");
        let today = playlist().today(now, &c);
        assert_eq!(
            titles(&today),
            ["Zondag"],
            "Saturday's late activity started yesterday"
        );
    }

    #[test]
    fn weekly_times_stay_local_across_daylight_saving() {
        let c = catalog(
            r#"{"id":"k","name":"Koffie","start":"2026-10-20T10:00","end":"2026-10-20T11:00","rrule":"FREQ=WEEKLY;BYDAY=TU"}"#,
        );
        let before = c.on_day(chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap());
        let after = c.on_day(chrono::NaiveDate::from_ymd_opt(2026, 10, 27).unwrap());
        assert_eq!(before[0].start.to_rfc3339(), "2026-10-20T10:00:00+02:00");
        assert_eq!(after[0].start.to_rfc3339(), "2026-10-27T10:00:00+01:00");
    }

    #[test]
    fn the_round_mixes_messages_activities_and_help() {
        let c = catalog(SATURDAY);
        let now = at("2026-11-28T09:00:00+01:00");
        let p = playlist();
        let kinds: Vec<SlideKind> = (0..8).map(|n| p.slide(n, now, &c).kind).collect();
        assert_eq!(kinds[0], SlideKind::Campaign(0));
        assert_eq!(kinds[1], SlideKind::Today);
        assert_eq!(kinds[2], SlideKind::Spotlight);
        assert_eq!(kinds[3], SlideKind::CallToAction);
        assert_eq!(kinds[4], SlideKind::Campaign(1));
        assert_eq!(
            kinds[6],
            SlideKind::Help,
            "every 7th slide is the help slide"
        );
        // The same step at the same time is the same slide (screenshots rely on it).
        assert_eq!(
            p.slide(5, now, &c).spotlight.map(|o| o.activity.id.clone()),
            p.slide(5, now, &c).spotlight.map(|o| o.activity.id.clone())
        );
    }

    #[test]
    fn an_empty_day_shows_the_week_instead() {
        let c = catalog(
            r#"{"id":"z","name":"Zondag","start":"2026-11-29T09:00","end":"2026-11-29T10:00"}"#,
        );
        let now = at("2026-11-28T09:00:00+01:00");
        let slide = playlist().slide(1, now, &c);
        assert_eq!(slide.kind, SlideKind::Week);
        assert_eq!(titles(&slide), ["Zondag"]);
        // Nothing at all: spotlights fall back to campaign messages.
        let empty = catalog("");
        assert!(matches!(
            playlist().slide(2, now, &empty).kind,
            SlideKind::Campaign(_)
        ));
    }
}
