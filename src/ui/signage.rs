//! Signage (the `Signage` global) and the top bar's clock (in `Kiosk`):
//! - rotation: one step of the [`SlidePlaylist`](crate::playlist::SlidePlaylist) every
//!   `slide_seconds`, only while signage shows (the owner says what a step does);
//! - fade: the cross-fade between two slide layers, stepped 20 times a second in
//!   equal steps for `fade_ms` and then stopped (not a Slint `animate`, which would
//!   draw at the display's rate: three times the frames, see docs/performance.md);
//! - clock: the top bar's time and date at the start of every minute;
//! - messages: the [`Rotation`] decides which message or urgent notice shows (issue
//!   17); the urgent notices in force go to `Kiosk.urgent` (the strip at the top of
//!   the interactive screens) at every slide, every minute and on new data.

use super::context::Context;
use super::generated as ui;
use super::pictures::Pictures;
use crate::feed::ImageRef;
use crate::playlist::{Rotation, Slide, SlideKind};
use slint::{ComponentHandle, Model, Timer, TimerMode};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

/// The cross-fade is drawn at 20 frames a second, whatever the display's rate, in
/// equal steps of opacity: a 400 ms fade is 8 frames of 1/8 each (25 at 60 Hz with an
/// animation). The largest step is about what it was with 13 eased frames (0.125
/// against 0.115: smoothstep is steepest in the middle), so it looks the same, and
/// each frame draws both slides over the whole slide area (docs/performance.md).
const FADE_FRAME: Duration = Duration::from_millis(50);

pub struct Signage {
    ctx: Rc<Context>,
    /// The running kiosk's status: which messages are in force.
    runtime: Option<crate::status::Shared>,
    /// The playlist's steps with the messages of the moment.
    playlist: RefCell<Rotation>,
    /// Which of the two slide layers is in front.
    front_is_a: Cell<bool>,
    rotation: Timer,
    clock: Timer,
    /// Steps the cross-fade (see `start_fade`); stops itself.
    fade: Rc<Timer>,
}

impl Signage {
    pub fn new(ctx: Rc<Context>, runtime: Option<crate::status::Shared>) -> Rc<Signage> {
        Rc::new(Signage {
            runtime,
            playlist: RefCell::new(Rotation::new(Vec::new())),
            ctx,
            front_is_a: Cell::new(true),
            rotation: Timer::default(),
            clock: Timer::default(),
            fade: Rc::new(Timer::default()),
        })
    }

    /// The messages of the configuration and the feeds (from the next slide on).
    pub fn set_messages(&self) {
        let messages = {
            let config = self.ctx.config();
            let catalog = self.ctx.catalog();
            crate::messages::for_kiosk(&config, &catalog.messages)
        };
        self.playlist.borrow_mut().set_messages(messages);
    }

    /// Whether an urgent notice is in force that signage has not shown yet.
    pub fn urgent_waiting(&self) -> bool {
        self.playlist
            .borrow_mut()
            .urgent_waiting(self.ctx.clock.now())
    }

    /// The messages in force now: for the strip and for status.
    pub fn active(&self) -> crate::messages::Active {
        self.playlist.borrow_mut().active(self.ctx.clock.now())
    }

    /// The urgent notices in force, to the strip of the interactive screens (and the
    /// running kiosk's status). True when one is there that was not before.
    pub fn refresh_urgent(&self) -> bool {
        let active = self.active();
        let lang = self.ctx.lang();
        let notices: Vec<ui::Notice> = active
            .urgent
            .iter()
            .map(|m| ui::Notice {
                title: m.title.get(lang).into(),
                body: m.body.get(lang).into(),
            })
            .collect();
        let kiosk = self.ctx.window.global::<ui::Kiosk>();
        let model = kiosk.get_urgent();
        let before: Vec<ui::Notice> = model.iter().collect();
        let added = notices.iter().any(|n| !before.contains(n));
        if before != notices {
            let text: Vec<String> = active.urgent.iter().map(|m| m.text(lang)).collect();
            kiosk.set_urgent_text(text.join(". ").into());
            kiosk.set_urgent(super::adapters::model(notices));
        }
        if let Some(runtime) = &self.runtime {
            let report = crate::status::messages_report(&active);
            runtime.update(|r| r.messages = Some(report));
        }
        added
    }

    /// Puts `slide` on screen; with `fade` it goes to the back layer and the layers
    /// swap (a cross-fade), else it replaces the front layer at once.
    fn show(&self, slide: &Slide, fade: bool, pictures: &Pictures) {
        let ctx = &self.ctx;
        let now = ctx.clock.now();
        let config = ctx.config();
        let data = super::adapters::slide(slide, &config, ctx.lang(), now, &mut pictures.store());
        let to_a = if fade {
            !self.front_is_a.get()
        } else {
            self.front_is_a.get()
        };
        self.front_is_a.set(to_a);
        let signage = ctx.window.global::<ui::Signage>();
        if to_a {
            signage.set_slide_a(data);
        } else {
            signage.set_slide_b(data);
        }
        signage.set_front_is_a(to_a);
        // Without a fade the same layer stays in front: a fade in progress (the
        // pictures of the slides ahead arriving refresh the current one) goes on.
        if fade {
            self.start_fade();
        }
    }

    /// The slide on screen again (new pictures, language or data).
    pub fn refresh(&self, pictures: &Pictures) {
        let slide = {
            let playlist = self.ctx.playlist();
            let catalog = self.ctx.catalog();
            self.playlist
                .borrow_mut()
                .current(&playlist, self.ctx.clock.now(), &catalog)
        };
        self.show(&slide, false, pictures);
    }

    /// The next slide, cross-faded (`fade`) or at once.
    pub fn next(&self, fade: bool, pictures: &Pictures) {
        let slide = {
            let playlist = self.ctx.playlist();
            let catalog = self.ctx.catalog();
            self.playlist
                .borrow_mut()
                .advance(&playlist, self.ctx.clock.now(), &catalog)
        };
        self.show(&slide, fade, pictures);
        self.refresh_urgent();
    }

    /// Shows the first step whose slide is of the given kind (for screenshots).
    pub fn show_first(&self, wanted: fn(&SlideKind) -> bool, pictures: &Pictures) -> bool {
        let slide = {
            let now = self.ctx.clock.now();
            let catalog = self.ctx.catalog();
            let mut rotation = self.playlist.borrow_mut();
            let playlist = rotation.base(&self.ctx.playlist(), now);
            (0..64)
                .find(|step| wanted(&playlist.slide(*step, now, &catalog).kind))
                .map(|step| rotation.jump_to(step, &playlist, now, &catalog))
        };
        match slide {
            Some(slide) => {
                self.show(&slide, false, pictures);
                self.end_fade();
                true
            }
            None => false,
        }
    }

    /// The base step on screen (`None`: an urgent message), for the screenshot.
    pub fn base_step_on_screen(&self) -> Option<u64> {
        self.playlist.borrow().base_step_on_screen()
    }

    /// Shows base step `step` at once (the heartbeat's screenshot: the step the
    /// screen shows).
    pub fn show_step(&self, step: u64, pictures: &Pictures) {
        let slide = {
            let now = self.ctx.clock.now();
            let catalog = self.ctx.catalog();
            let mut rotation = self.playlist.borrow_mut();
            let playlist = rotation.base(&self.ctx.playlist(), now);
            rotation.jump_to(step, &playlist, now, &catalog)
        };
        self.show(&slide, false, pictures);
        self.end_fade();
    }

    /// The pictures of the slide on screen and of the next two (so that a
    /// spotlight's picture is decoded before it shows), and of the messages in force.
    pub fn upcoming_pictures(&self) -> Vec<ImageRef> {
        let now = self.ctx.clock.now();
        let catalog = self.ctx.catalog();
        let mut rotation = self.playlist.borrow_mut();
        let playlist = rotation.base(&self.ctx.playlist(), now);
        let mut list: Vec<ImageRef> = rotation
            .steps_ahead()
            .filter_map(|step| playlist.slide(step, now, &catalog).spotlight)
            .filter_map(|o| o.activity.image.clone())
            .collect();
        list.extend(
            rotation
                .upcoming_messages(now)
                .iter()
                .filter_map(|m| m.image.clone()),
        );
        list
    }

    /// Fades the front layer in over `[signage] fade_ms`, one step per `FADE_FRAME`.
    fn start_fade(&self) {
        let ms = u64::from(self.ctx.config().signage.fade_ms);
        let frame = FADE_FRAME.as_millis() as u64;
        let steps = ms.div_ceil(frame);
        if steps <= 1 {
            self.end_fade();
            return;
        }
        // The first step at once: a frame of the old slide alone would show nothing new.
        let mut step = 1;
        self.ctx
            .window
            .global::<ui::Signage>()
            .set_fade_in(step as f32 / steps as f32);
        let window = self.ctx.window.as_weak();
        let timer = Rc::downgrade(&self.fade);
        self.fade.start(TimerMode::Repeated, FADE_FRAME, move || {
            step += 1;
            let t = step as f32 / steps as f32;
            if let Some(window) = window.upgrade() {
                window.global::<ui::Signage>().set_fade_in(t.min(1.0));
            }
            if step >= steps {
                if let Some(timer) = timer.upgrade() {
                    timer.stop();
                }
            }
        });
    }

    /// Shows the front layer fully (a cut, or the end of a fade cut short).
    pub fn end_fade(&self) {
        self.fade.stop();
        self.ctx.window.global::<ui::Signage>().set_fade_in(1.0);
    }

    /// Calls `tick` every `slide_seconds` (the owner moves the slides on).
    pub fn start_rotation(&self, tick: impl FnMut() + 'static) {
        let seconds = u64::from(self.ctx.config().signage.slide_seconds);
        self.rotation
            .start(TimerMode::Repeated, Duration::from_secs(seconds), tick);
    }

    pub fn stop_rotation(&self) {
        self.rotation.stop();
    }

    /// The top bar's clock at the start of the next minute, then every minute.
    pub fn start_clock(self: &Rc<Self>) {
        let now = self.ctx.clock.now();
        let into_minute = Duration::from_millis((now.timestamp_millis().rem_euclid(60_000)) as u64);
        let first = Duration::from_secs(60)
            .saturating_sub(into_minute)
            .max(Duration::from_millis(50));
        let weak = Rc::downgrade(self);
        self.clock.start(TimerMode::SingleShot, first, move || {
            if let Some(s) = weak.upgrade() {
                s.refresh_clock();
                let weak: Weak<Signage> = Rc::downgrade(&s);
                s.clock
                    .start(TimerMode::Repeated, Duration::from_secs(60), move || {
                        if let Some(s) = weak.upgrade() {
                            s.refresh_clock();
                        }
                    });
            }
        });
    }

    /// The top bar: time, date, and "updated at ..." when the feeds are stale. A new
    /// day moves the example feed on.
    pub fn refresh_clock(&self) {
        self.refresh_urgent();
        let ctx = &self.ctx;
        ctx.move_example_to_today();
        ctx.renew_agenda();
        let lang = ctx.lang();
        let now = ctx.clock.local_now();
        let kiosk = ctx.window.global::<ui::Kiosk>();
        kiosk.set_time(crate::i18n::clock(now.time()).into());
        kiosk.set_date(
            crate::i18n::capitalise(&crate::i18n::long_date(lang, now.date_naive())).into(),
        );
        let note = ctx
            .feed_status()
            .stale_since(ctx.clock.now())
            .map(|t| {
                crate::i18n::updated_at(lang, t.with_timezone(&crate::time::ZONE), now.date_naive())
            })
            .unwrap_or_default();
        kiosk.set_updated_note(note.into());
    }

    /// Dark: no slides (their pictures are given back), no rotation, no fade, no clock.
    pub fn blank(&self) {
        let signage = self.ctx.window.global::<ui::Signage>();
        signage.set_slide_a(Default::default());
        signage.set_slide_b(Default::default());
        self.rotation.stop();
        self.end_fade();
        self.clock.stop();
    }
}
