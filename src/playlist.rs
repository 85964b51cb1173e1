//! The signage playlist: which slide is shown at step n of the rotation, and with
//! what. A pure function of (step, now, catalog), so it is deterministic for tests
//! and screenshots and needs no state beyond the step counter.
//!
//! Past activities drop off because every slide is computed at the moment it is
//! shown; cancelled activities are never advertised on signage.
//!
//! Messages (`crate::messages`) show only within their window: the [`Rotation`] asks
//! which are active at every slide. While an urgent message is active it pre-empts
//! the rotation: a new one shows at once, then the urgent ones take every other
//! slide. The running kiosk (`ui/signage.rs`) and `signage plan` ([`plan`]) both step
//! a `Rotation`, so the plan is what the screen shows.

use crate::feed::{Catalog, Occurrence};
use crate::messages::{Active, Board, Message};
use crate::time;
use chrono::{DateTime, Days, Utc};
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlideKind {
    /// A campaign message (index into the messages active at that moment).
    Campaign(usize),
    /// An urgent notice.
    Urgent,
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
    /// The message of a campaign or urgent slide.
    pub message: Option<Arc<Message>>,
}

impl Slide {
    fn bare(kind: SlideKind) -> Self {
        Slide {
            kind,
            items: Vec::new(),
            more: 0,
            spotlight: None,
            message: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SlidePlaylist {
    /// How many campaign messages there are (the [`Rotation`] sets the active ones').
    pub messages: usize,
    /// Every n-th step shows the help slide (0: never).
    pub help_every: u32,
    /// Rows that fit on a list slide.
    pub max_items: usize,
}

impl SlidePlaylist {
    /// The playlist for a configuration on a screen of `width` x `height` pixels, with
    /// text at `scale` times the normal size (1.0, 1.25, 1.5: `Theme.scale`).
    pub fn for_screen(
        config: &crate::config::Config,
        width: u32,
        height: u32,
        scale: f32,
    ) -> SlidePlaylist {
        SlidePlaylist {
            messages: config.signage.messages.len(),
            help_every: config.signage.help_every,
            max_items: rows(width, height, scale),
        }
    }
}

/// Rows of a list slide (today, week) that fit at a text `scale` (1.0, 1.25, 1.5),
/// as measured on the five screen sizes tests/fold.rs renders. Larger text makes the
/// rows and the headline taller, so there are fewer rows. Signage itself is always at
/// the normal size; the larger ones are for `screenshot --text-size`. A row that would
/// still not fit wholly (a long title, another language) is not drawn (`ListSlide` in
/// ui/signage.slint).
fn rows(width: u32, height: u32, scale: f32) -> usize {
    let by_size: [usize; 3] = if height > width {
        [7, 4, 3]
    } else if height < 800 {
        // 800x480, 1024x600.
        [3, 2, 2]
    } else if width < 1600 {
        // 1280x800: the bottom bar's invitation shares its line with the languages
        // and wraps.
        [3, 2, 1]
    } else {
        [4, 3, 2]
    };
    by_size[if scale >= 1.4 {
        2
    } else if scale >= 1.1 {
        1
    } else {
        0
    }]
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
            items,
            more,
            ..Slide::bare(SlideKind::Today)
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
            items,
            more,
            ..Slide::bare(SlideKind::Week)
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
            spotlight: Some(pick),
            ..Slide::bare(SlideKind::Spotlight)
        })
    }
}

/// What a [`Rotation`] shows: a step of the base playlist or an urgent message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shown {
    Base(u64),
    Urgent(String),
}

/// The rotation as it runs: the playlist's steps, with the messages of the moment,
/// and urgent messages pre-empting it. One per screen (and one per `signage plan`).
#[derive(Debug)]
pub struct Rotation {
    pub board: Board,
    /// The next base step.
    next_step: u64,
    current: Shown,
    /// The next slide is an urgent one (they take every other slide).
    urgent_turn: bool,
    /// How many urgent slides were shown (which of them is next).
    urgent_count: u64,
    /// Urgent messages already shown while active (a new one shows at once).
    announced: HashSet<String>,
}

impl Rotation {
    pub fn new(messages: Vec<Message>) -> Rotation {
        Rotation {
            board: Board::new(messages),
            next_step: 0,
            current: Shown::Base(0),
            urgent_turn: false,
            urgent_count: 0,
            announced: HashSet::new(),
        }
    }

    /// New messages (a configuration or a feed): from the next slide on.
    pub fn set_messages(&mut self, messages: Vec<Message>) {
        self.board.set(messages);
    }

    /// The messages active at `now`.
    pub fn active(&mut self, now: DateTime<Utc>) -> Active {
        self.board.active(now)
    }

    /// Whether an urgent message is active that has not been shown yet (the kiosk
    /// then moves on at once instead of at the next slide).
    pub fn urgent_waiting(&mut self, now: DateTime<Utc>) -> bool {
        if matches!(self.current, Shown::Urgent(_)) {
            // One is on screen: the new one takes the next urgent turn.
            return false;
        }
        let active = self.board.active(now);
        active
            .urgent
            .iter()
            .any(|m| !self.announced.contains(&m.key()))
    }

    /// The next slide.
    pub fn advance(
        &mut self,
        playlist: &SlidePlaylist,
        now: DateTime<Utc>,
        catalog: &Catalog,
    ) -> Slide {
        let active = self.board.active(now);
        if active.urgent.is_empty() {
            self.announced.clear();
            self.urgent_turn = false;
        } else {
            let keys: HashSet<String> = active.urgent.iter().map(|m| m.key()).collect();
            self.announced.retain(|k| keys.contains(k));
            let fresh = active
                .urgent
                .iter()
                .find(|m| !self.announced.contains(&m.key()))
                .cloned();
            // Never two urgent slides in a row: the rotation goes on in between.
            let after_urgent = matches!(self.current, Shown::Urgent(_));
            let pick = match fresh {
                _ if after_urgent => None,
                Some(m) => Some(m),
                None if self.urgent_turn => {
                    let m = active.urgent
                        [(self.urgent_count % active.urgent.len() as u64) as usize]
                        .clone();
                    self.urgent_count += 1;
                    Some(m)
                }
                None => None,
            };
            if let Some(m) = pick {
                self.announced.insert(m.key());
                self.urgent_turn = false;
                self.current = Shown::Urgent(m.key());
                return urgent_slide(m);
            }
            self.urgent_turn = true;
        }
        let step = self.next_step;
        self.next_step += 1;
        self.current = Shown::Base(step);
        base_slide(playlist, step, now, catalog, &active)
    }

    /// The slide on screen again, computed for `now` (new pictures, language, data).
    /// An urgent message that has ended gives way to the rotation.
    pub fn current(
        &mut self,
        playlist: &SlidePlaylist,
        now: DateTime<Utc>,
        catalog: &Catalog,
    ) -> Slide {
        let active = self.board.active(now);
        let step = match &self.current {
            Shown::Urgent(key) => {
                if let Some(m) = active.urgent.iter().find(|m| m.key() == *key) {
                    return urgent_slide(m.clone());
                }
                self.next_step.saturating_sub(1)
            }
            Shown::Base(step) => *step,
        };
        base_slide(playlist, step, now, catalog, &active)
    }

    /// Shows base step `step` next and from then on (screenshots).
    pub fn jump_to(
        &mut self,
        step: u64,
        playlist: &SlidePlaylist,
        now: DateTime<Utc>,
        catalog: &Catalog,
    ) -> Slide {
        let active = self.board.active(now);
        self.next_step = step + 1;
        self.current = Shown::Base(step);
        base_slide(playlist, step, now, catalog, &active)
    }

    /// The playlist with the number of normal messages active at `now` (what the
    /// base steps choose from).
    pub fn base(&mut self, playlist: &SlidePlaylist, now: DateTime<Utc>) -> SlidePlaylist {
        SlidePlaylist {
            messages: self.board.active(now).normal.len(),
            ..playlist.clone()
        }
    }

    /// The base step on screen; `None` while an urgent message is (the heartbeat's
    /// screenshot draws the same step).
    pub fn base_step_on_screen(&self) -> Option<u64> {
        match self.current {
            Shown::Base(step) => Some(step),
            Shown::Urgent(_) => None,
        }
    }

    /// The base steps on screen and the next two.
    pub fn steps_ahead(&self) -> std::ops::RangeInclusive<u64> {
        let on_screen = self.next_step.saturating_sub(1);
        on_screen..=on_screen + 2
    }

    /// The next few slides' messages (their pictures are decoded ahead).
    pub fn upcoming_messages(&mut self, now: DateTime<Utc>) -> Vec<Arc<Message>> {
        let active = self.board.active(now);
        active.urgent.into_iter().chain(active.normal).collect()
    }
}

fn urgent_slide(message: Arc<Message>) -> Slide {
    Slide {
        message: Some(message),
        ..Slide::bare(SlideKind::Urgent)
    }
}

/// Base step `step` with the active normal messages.
fn base_slide(
    playlist: &SlidePlaylist,
    step: u64,
    now: DateTime<Utc>,
    catalog: &Catalog,
    active: &Active,
) -> Slide {
    let playlist = SlidePlaylist {
        messages: active.normal.len(),
        ..playlist.clone()
    };
    let mut slide = playlist.slide(step, now, catalog);
    if let SlideKind::Campaign(i) = slide.kind {
        slide.message = active.normal.get(i).cloned();
    }
    slide
}

/// One slide of a plan (`signage plan`): when it shows and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanEntry {
    /// RFC 3339, local offset.
    pub at: String,
    /// message, urgent, today, spotlight, week, cta, help or dark.
    pub kind: &'static str,
    /// The message's or the activity's id, if there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub title: String,
}

impl PlanEntry {
    pub fn of(slide: &Slide, at: DateTime<Utc>, lang: crate::i18n::Lang) -> PlanEntry {
        let (kind, id, title) = match slide.kind {
            SlideKind::Campaign(_) | SlideKind::Urgent => {
                let m = slide.message.as_deref();
                (
                    if slide.kind == SlideKind::Urgent {
                        "urgent"
                    } else {
                        "message"
                    },
                    m.map(|m| m.id.clone()).filter(|id| !id.is_empty()),
                    m.map(|m| m.title.get(lang).to_string()).unwrap_or_default(),
                )
            }
            SlideKind::Today => (
                "today",
                None,
                slide
                    .items
                    .iter()
                    .map(|o| o.activity.title.get(lang))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            SlideKind::Week => (
                "week",
                None,
                slide
                    .items
                    .iter()
                    .map(|o| o.activity.title.get(lang))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            SlideKind::Spotlight => (
                "spotlight",
                slide.spotlight.as_ref().map(|o| o.activity.id.clone()),
                slide
                    .spotlight
                    .as_ref()
                    .map(|o| o.activity.title.get(lang).to_string())
                    .unwrap_or_default(),
            ),
            SlideKind::CallToAction => ("cta", None, String::new()),
            SlideKind::Help => ("help", None, String::new()),
        };
        PlanEntry {
            at: at.with_timezone(&time::ZONE).to_rfc3339(),
            kind,
            id,
            title,
        }
    }
}

/// The slides the kiosk shows from `from` for `duration` when nobody touches it:
/// a slide every `slide_seconds`, dark outside the schedule's opening hours (and the
/// slide on screen again when it lights up), exactly as `ui/signage.rs` steps it.
pub fn plan(
    config: &crate::config::Config,
    rotation: &mut Rotation,
    playlist: &SlidePlaylist,
    catalog: &dyn Fn(DateTime<Utc>) -> Catalog,
    from: DateTime<Utc>,
    duration: chrono::Duration,
) -> Vec<PlanEntry> {
    let lang = config.default_language;
    let step = chrono::Duration::seconds(i64::from(config.signage.slide_seconds));
    let end = from + duration;
    let mut out = Vec::new();
    let mut now = from;
    // The first slide (what the kiosk shows when it starts).
    let mut first = true;
    while now < end {
        if !config.schedule.is_open(now) {
            out.push(PlanEntry {
                at: now.with_timezone(&time::ZONE).to_rfc3339(),
                kind: "dark",
                id: None,
                title: String::new(),
            });
            match config.schedule.next_change(now) {
                Some(open) if open < end => {
                    now = open;
                    // Lights up: the slide on screen again, then the rotation.
                    let slide = if first {
                        rotation.advance(playlist, now, &catalog(now))
                    } else {
                        rotation.current(playlist, now, &catalog(now))
                    };
                    first = false;
                    out.push(PlanEntry::of(&slide, now, lang));
                    now += step;
                }
                _ => break,
            }
            continue;
        }
        let slide = rotation.advance(playlist, now, &catalog(now));
        first = false;
        out.push(PlanEntry::of(&slide, now, lang));
        now += step;
    }
    out
}

/// [`plan`] with a catalog as the kiosk keeps it: prepared for each new day (an
/// example catalog moved to that day's week), then read.
pub fn plan_with_catalog(
    config: &crate::config::Config,
    messages: Vec<Message>,
    playlist: &SlidePlaylist,
    catalog: Catalog,
    from: DateTime<Utc>,
    duration: chrono::Duration,
) -> Vec<PlanEntry> {
    let cache: std::cell::RefCell<Option<(chrono::NaiveDate, Catalog)>> =
        std::cell::RefCell::new(None);
    let for_day = |now: DateTime<Utc>| -> Catalog {
        let day = now.with_timezone(&time::ZONE).date_naive();
        let mut cache = cache.borrow_mut();
        match &*cache {
            Some((d, c)) if *d == day => c.clone(),
            _ => {
                let mut c = if catalog.example {
                    crate::feed::bundled::catalog(day)
                } else {
                    catalog.clone()
                }
                .prepared(day);
                c.messages = catalog.messages.clone();
                *cache = Some((day, c.clone()));
                c
            }
        }
    };
    let mut rotation = Rotation::new(messages);
    plan(config, &mut rotation, playlist, &for_day, from, duration)
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

    fn message(id: &str, from: Option<&str>, until: Option<&str>, urgent: bool) -> Message {
        let raw = crate::messages::RawWindow {
            from,
            until,
            priority: urgent.then_some("urgent"),
            ..Default::default()
        };
        let (window, priority, problems) = crate::messages::check_window(&raw);
        assert!(problems.is_empty(), "{problems:?}");
        Message {
            id: id.into(),
            window,
            priority,
            ..Message::always(crate::i18n::Localized::new(id), Default::default())
        }
    }

    fn kinds_and_ids(
        rotation: &mut Rotation,
        now: DateTime<Utc>,
        c: &Catalog,
        n: usize,
    ) -> Vec<String> {
        (0..n)
            .map(|_| {
                let slide = rotation.advance(&playlist(), now, c);
                match (slide.kind, slide.message) {
                    (SlideKind::Urgent, Some(m)) => format!("U:{}", m.id),
                    (SlideKind::Campaign(_), Some(m)) => format!("M:{}", m.id),
                    (kind, _) => format!("{kind:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn messages_show_only_within_their_window() {
        let c = catalog(SATURDAY);
        let mut rotation = Rotation::new(vec![
            message("altijd", None, None, false),
            message("kerst", Some("2026-11-15"), Some("2026-12-26"), false),
            message("week", Some("2026-09-24"), Some("2026-10-02"), false),
        ]);
        let now = at("2026-11-28T09:00:00+01:00");
        let shown = kinds_and_ids(&mut rotation, now, &c, 8);
        assert_eq!(shown[0], "M:altijd");
        assert_eq!(shown[4], "M:kerst");
        assert!(!shown.iter().any(|s| s == "M:week"), "{shown:?}");
        // After Christmas only the one without a window is left.
        let later = at("2026-12-26T09:00:00+01:00");
        let shown = kinds_and_ids(&mut rotation, later, &c, 8);
        assert!(
            shown
                .iter()
                .all(|s| !s.starts_with("M:") || s == "M:altijd"),
            "{shown:?}"
        );
    }

    #[test]
    fn urgent_messages_pre_empt_every_other_slide_and_end() {
        let c = catalog(SATURDAY);
        let mut rotation = Rotation::new(vec![message("altijd", None, None, false)]);
        let now = at("2026-11-28T09:00:00+01:00");
        assert_eq!(
            kinds_and_ids(&mut rotation, now, &c, 2),
            ["M:altijd", "Today"]
        );
        rotation.set_messages(vec![
            message("altijd", None, None, false),
            message(
                "storm",
                Some("2026-11-28T08:00"),
                Some("2026-11-28T18:00"),
                true,
            ),
        ]);
        assert!(rotation.urgent_waiting(now));
        let shown = kinds_and_ids(&mut rotation, now, &c, 6);
        assert_eq!(
            shown,
            [
                "U:storm",
                "Spotlight",
                "U:storm",
                "CallToAction",
                "U:storm",
                "M:altijd"
            ]
        );
        assert!(!rotation.urgent_waiting(now));
        // A second, newer one shows at once, then they take turns.
        rotation.set_messages(vec![
            message("altijd", None, None, false),
            message(
                "storm",
                Some("2026-11-28T08:00"),
                Some("2026-11-28T18:00"),
                true,
            ),
            message(
                "koffie",
                Some("2026-11-28T08:30"),
                Some("2026-11-28T18:00"),
                true,
            ),
        ]);
        let shown = kinds_and_ids(&mut rotation, now, &c, 5);
        assert_eq!(shown[0], "U:koffie");
        assert_eq!(shown[2], "U:koffie", "newest first");
        assert_eq!(shown[4], "U:storm");
        // At 18:00 both end: the rotation as before.
        let evening = at("2026-11-28T18:00:00+01:00");
        let shown = kinds_and_ids(&mut rotation, evening, &c, 4);
        assert!(shown.iter().all(|s| !s.starts_with("U:")), "{shown:?}");
        // The slide on screen is an ended urgent one: it gives way.
        rotation.set_messages(vec![message("kort", None, Some("2026-11-28T19:00"), true)]);
        let at_six = at("2026-11-28T18:30:00+01:00");
        assert_eq!(
            rotation.advance(&playlist(), at_six, &c).kind,
            SlideKind::Urgent
        );
        let slide = rotation.current(&playlist(), at("2026-11-28T19:00:00+01:00"), &c);
        assert_ne!(slide.kind, SlideKind::Urgent);
    }

    #[test]
    fn the_plan_follows_the_clock_and_the_schedule() {
        let mut config = crate::config::Config::default();
        config.signage.slide_seconds = 600;
        let mut days = [Some("09:00-17:00"); 7];
        days[6] = None;
        config.schedule =
            crate::schedule::Schedule::parse(days, &Default::default()).expect("valid");
        let c = catalog(SATURDAY);
        let messages = vec![
            message("altijd", None, None, false),
            message(
                "storm",
                Some("2026-11-28T10:00"),
                Some("2026-11-28T11:00"),
                true,
            ),
        ];
        let plan = plan_with_catalog(
            &config,
            messages,
            &playlist(),
            c,
            at("2026-11-28T08:40:00+01:00"),
            chrono::Duration::hours(3),
        );
        let line = |e: &PlanEntry| {
            format!(
                "{} {} {}",
                &e.at[11..16],
                e.kind,
                e.id.clone().unwrap_or_default()
            )
        };
        let lines: Vec<String> = plan.iter().map(line).collect();
        assert_eq!(lines[0], "08:40 dark ");
        assert_eq!(
            lines[1], "09:00 message altijd",
            "the first slide when it lights up"
        );
        assert_eq!(lines[2], "09:10 today ");
        // 10:00 is the first slide in the urgent message's window.
        assert_eq!(lines[7], "10:00 urgent storm");
        assert_eq!(lines[9], "10:20 urgent storm");
        assert_eq!(lines[11], "10:40 urgent storm", "{lines:?}");
        assert_eq!(lines[12], "10:50 message altijd");
        assert!(lines[13..].iter().all(|l| !l.contains("urgent")));
        assert_eq!(plan[7].at, "2026-11-28T10:00:00+01:00");
        assert_eq!(plan[7].title, "storm");
    }

    #[test]
    fn list_slides_have_fewer_rows_at_larger_text() {
        let at = |w, h| [1.0, 1.25, 1.5].map(|scale| rows(w, h, scale));
        assert_eq!(at(800, 480), [3, 2, 2]);
        assert_eq!(at(1024, 600), [3, 2, 2]);
        assert_eq!(at(1280, 800), [3, 2, 1]);
        assert_eq!(at(1920, 1080), [4, 3, 2]);
        assert_eq!(at(1080, 1920), [7, 4, 3]);
    }
}
