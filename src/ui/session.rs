//! The visit's timers (the warning overlay in `Nav`): after `inactivity_seconds`
//! without a touch the owner is told (`idle`: it shows "Bent u er nog?" or, on
//! signage, simply resets); the warning counts down `warning_seconds` and then the
//! owner ends the visit (`timeout`). The thank-you screen has its own short timer.

use super::context::Context;
use super::generated as ui;
use slint::{ComponentHandle, Timer, TimerMode};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// How long the thank-you (with the name and masked number) stays.
const THANK_YOU: Duration = Duration::from_secs(20);

/// What the owner does when the timers run out.
pub struct Hooks {
    /// No touch for `inactivity_seconds`.
    pub idle: Box<dyn Fn()>,
    /// The countdown (or the thank-you) is over: the visit ends.
    pub timeout: Box<dyn Fn()>,
}

pub struct Session {
    ctx: Rc<Context>,
    inactivity: Timer,
    countdown: Timer,
    /// Seconds left on the warning; 0 when no warning shows.
    left: Cell<u32>,
    hooks: Rc<Hooks>,
}

impl Session {
    pub fn new(ctx: Rc<Context>, hooks: Hooks) -> Rc<Session> {
        Rc::new(Session {
            ctx,
            inactivity: Timer::default(),
            countdown: Timer::default(),
            left: Cell::new(0),
            hooks: Rc::new(hooks),
        })
    }

    /// The warning is showing (and counting down).
    pub fn warning(&self) -> bool {
        self.left.get() > 0
    }

    /// Starts the inactivity period again (a touch, a new screen).
    pub fn restart(&self) {
        let seconds = u64::from(self.ctx.config().session.inactivity_seconds);
        let hooks = Rc::clone(&self.hooks);
        self.inactivity.start(
            TimerMode::SingleShot,
            Duration::from_secs(seconds),
            move || (hooks.idle)(),
        );
    }

    /// The thank-you stays a short while, then the kiosk is free again; a touch
    /// there does not keep it up.
    pub fn thank_you(&self) {
        let hooks = Rc::clone(&self.hooks);
        self.inactivity
            .start(TimerMode::SingleShot, THANK_YOU, move || (hooks.timeout)());
    }

    /// "Bent u er nog?" with a countdown of `warning_seconds`.
    pub fn warn(self: &Rc<Self>) {
        let seconds = self.ctx.config().session.warning_seconds;
        self.left.set(seconds);
        let nav = self.ctx.window.global::<ui::Nav>();
        nav.set_countdown(seconds as i32);
        nav.set_warning(true);
        let weak = Rc::downgrade(self);
        self.countdown
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(s) = weak.upgrade() {
                    s.tick();
                }
            });
    }

    fn tick(&self) {
        let left = self.left.get().saturating_sub(1);
        self.left.set(left);
        self.ctx
            .window
            .global::<ui::Nav>()
            .set_countdown(left as i32);
        if left == 0 {
            (self.hooks.timeout)();
        }
    }

    /// "Ja, ik ben er nog": the warning goes; the owner starts the period again.
    pub fn dismiss(&self) {
        self.countdown.stop();
        self.left.set(0);
        self.ctx.window.global::<ui::Nav>().set_warning(false);
    }

    /// No timers, no warning (the visit ends).
    pub fn stop(&self) {
        self.inactivity.stop();
        self.dismiss();
    }
}
