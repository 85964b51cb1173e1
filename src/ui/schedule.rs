//! The screen schedule: dark outside opening hours. This controller only knows when:
//! it tells the owner "on" or "off" and sets its timer for the next change; what
//! going dark means (the visit ends, timers stop, pictures are given back) is the
//! owner's.

use super::context::Context;
use slint::{Timer, TimerMode};
use std::rc::Rc;
use std::time::Duration;

/// While the screen is dark the schedule is looked at again at least this often: a
/// board without a real-time clock may set its time only after start-up.
const RECHECK: Duration = Duration::from_secs(10 * 60);

pub struct Schedule {
    ctx: Rc<Context>,
    timer: Timer,
    /// The owner's answer to "the screen should now be on (true) or off".
    switch: Box<dyn Fn(bool)>,
}

impl Schedule {
    pub fn new(ctx: Rc<Context>, switch: Box<dyn Fn(bool)>) -> Rc<Schedule> {
        Rc::new(Schedule {
            ctx,
            timer: Timer::default(),
            switch,
        })
    }

    /// Puts the screen on or off for the schedule as of now, and sets the timer for
    /// the next change.
    pub fn apply(self: &Rc<Self>) {
        let now = self.ctx.clock.now();
        let config = self.ctx.config();
        let (open, next) = (
            config.schedule.is_open(now),
            config.schedule.next_change(now),
        );
        (self.switch)(open);
        let Some(next) = next else {
            self.timer.stop();
            return;
        };
        let wait = (next - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .clamp(Duration::from_millis(100), RECHECK);
        let weak = Rc::downgrade(self);
        self.timer.start(TimerMode::SingleShot, wait, move || {
            if let Some(s) = weak.upgrade() {
                s.apply();
            }
        });
    }
}
