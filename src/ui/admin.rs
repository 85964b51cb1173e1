//! The admin screen for the IT team (the `Admin` global): PIN with lock-out, the
//! kiosk's status, and a few actions (refresh now, a test callback request, network
//! addresses). Opening it (the long press on signage's corner) is the owner's: it
//! starts a visit. The words are in `ui/admin.slint` (`AdminWords`); this side sends
//! codes and data.

use super::context::Context;
use super::generated as ui;
use crate::admin::{self, Attempt, PinGate};
use crate::callback::outbox::Outbox;
use slint::{ComponentHandle, ModelRc, Timer, TimerMode, VecModel};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// What the admin screen works with besides the context.
pub struct Services {
    /// The running kiosk's status (configuration refusals, uptime).
    pub runtime: Option<crate::status::Shared>,
    /// "Nu verversen" wakes the fleet poller and the feeds.
    pub refresh: Option<Arc<tokio::sync::Notify>>,
    /// Where test requests go, and whose status shows.
    pub outbox: Option<Rc<Outbox>>,
    /// Woken after a test request was saved.
    pub delivery: Option<Arc<tokio::sync::Notify>>,
    /// For the free disk space.
    pub state_dir: Option<PathBuf>,
}

#[derive(Default)]
struct State {
    gate: PinGate,
    pin: String,
    unlocked: bool,
    /// A code for `AdminWords` ("wrong-pin", "test-queued", ...) and its number or
    /// detail.
    notice: String,
    tries_left: i32,
    detail: String,
    addresses: Vec<String>,
}

pub struct Admin {
    ctx: Rc<Context>,
    state: RefCell<State>,
    services: Services,
    /// Ends the PIN's lock-out.
    lockout: Timer,
}

impl Admin {
    /// Builds the controller and answers the global's callbacks (all but the long
    /// press, which opens a visit and is the owner's).
    pub fn new(ctx: Rc<Context>, services: Services) -> Rc<Admin> {
        let admin = Rc::new(Admin {
            ctx,
            state: RefCell::default(),
            services,
            lockout: Timer::default(),
        });
        let g = admin.ctx.window.global::<ui::Admin>();
        let with = |f: fn(&Rc<Admin>)| {
            let weak = Rc::downgrade(&admin);
            move || {
                if let Some(a) = weak.upgrade() {
                    f(&a)
                }
            }
        };
        g.on_erase(with(|a| {
            a.state.borrow_mut().pin.pop();
            a.sync();
        }));
        g.on_submit(with(|a| a.submit()));
        g.on_refresh(with(|a| a.refresh_now()));
        g.on_test_callback(with(|a| a.test_callback()));
        g.on_show_addresses(with(|a| {
            a.state.borrow_mut().addresses = admin::network_addresses();
            a.refresh();
        }));
        let weak = Rc::downgrade(&admin);
        g.on_type(move |digit| {
            if let Some(a) = weak.upgrade() {
                a.type_digit(&digit);
            }
        });
        admin
    }

    pub fn type_digit(&self, digit: &str) {
        {
            let mut st = self.state.borrow_mut();
            if st.gate.is_locked() || st.pin.len() >= 8 {
                return;
            }
            st.pin.push_str(digit);
            st.notice.clear();
        }
        self.sync();
    }

    fn submit(self: &Rc<Self>) {
        let hash = self.ctx.config().admin_pin_hash.clone();
        let attempt = {
            let mut st = self.state.borrow_mut();
            let pin = std::mem::take(&mut st.pin);
            st.gate.attempt(&pin, hash.as_deref())
        };
        match attempt {
            Attempt::Open => {
                tracing::info!("admin screen opened");
                self.unlock();
                return;
            }
            Attempt::Wrong { left } => {
                let mut st = self.state.borrow_mut();
                st.notice = if hash.is_none() {
                    "no-pin"
                } else {
                    "wrong-pin"
                }
                .into();
                st.tries_left = left as i32;
            }
            Attempt::Locked => {
                tracing::warn!("admin PIN: too many wrong tries, locked for 5 minutes");
                let weak = Rc::downgrade(self);
                self.lockout
                    .start(TimerMode::SingleShot, admin::LOCKOUT, move || {
                        if let Some(a) = weak.upgrade() {
                            a.state.borrow_mut().gate.unlock();
                            a.sync();
                        }
                    });
            }
        }
        self.sync();
    }

    /// The status and actions (after the right PIN; screenshots).
    pub fn unlock(&self) {
        self.state.borrow_mut().unlocked = true;
        self.refresh();
    }

    /// Forgets the PIN typed and closes the admin screen (the end of a visit); the
    /// lock-out stays until its timer ends.
    pub fn reset(&self) {
        {
            let mut st = self.state.borrow_mut();
            st.pin.clear();
            st.unlocked = false;
            st.notice.clear();
            st.addresses.clear();
        }
        self.sync();
    }

    fn set_notice(&self, code: &str, detail: String) {
        {
            let mut st = self.state.borrow_mut();
            st.notice = code.into();
            st.detail = detail;
        }
        self.refresh();
    }

    fn sync(&self) {
        let st = self.state.borrow();
        let g = self.ctx.window.global::<ui::Admin>();
        g.set_unlocked(st.unlocked);
        g.set_locked(st.gate.is_locked());
        g.set_pin_length(st.pin.len() as i32);
        let (message, notice) = if st.unlocked {
            ("", st.notice.as_str())
        } else {
            (st.notice.as_str(), "")
        };
        g.set_message(message.into());
        g.set_tries_left(st.tries_left);
        g.set_notice(notice.into());
        g.set_notice_detail(st.detail.as_str().into());
    }

    fn refresh_now(&self) {
        let code = match &self.services.refresh {
            Some(refresh) => {
                refresh.notify_waiters();
                "refreshing"
            }
            None => "not-here",
        };
        self.set_notice(code, String::new());
    }

    fn test_callback(&self) {
        let Some(outbox) = &self.services.outbox else {
            self.set_notice("no-outbox", String::new());
            return;
        };
        let config = self.ctx.config();
        match crate::callback::submit_test(
            outbox,
            &config.kiosk_id,
            &config.callback.intake_phone,
            self.ctx.clock.now(),
        ) {
            Ok(_) => {
                if let Some(wake) = &self.services.delivery {
                    wake.notify_one();
                }
                self.set_notice("test-queued", String::new());
            }
            Err(err) => self.set_notice("test-failed", err.to_string()),
        }
    }

    /// The status lines on the unlocked admin screen.
    pub fn refresh(&self) {
        self.sync();
        if !self.state.borrow().unlocked {
            return;
        }
        let lines = self.lines();
        self.ctx
            .window
            .global::<ui::Admin>()
            .set_lines(ModelRc::new(VecModel::from(lines)));
    }

    fn lines(&self) -> Vec<ui::AdminLine> {
        let config = self.ctx.config();
        let now = self.ctx.clock.now();
        let runtime = self.services.runtime.as_ref().map(|r| r.get());
        let mut lines = Vec::new();
        let mut add = |what: &str, value: String, a: i32, b: i32| {
            lines.push(ui::AdminLine {
                what: what.into(),
                value: value.into(),
                a,
                b,
            })
        };
        add("kiosk", config.kiosk_id.clone(), -1, -1);
        let program = format!("samen-kiosk {}", env!("CARGO_PKG_VERSION"));
        add("program", program, -1, -1);
        let version = config
            .config_version
            .map_or(-1, |v| v.clamp(0, i64::from(i32::MAX)) as i32);
        add("config", String::new(), version, -1);
        let refusal = runtime.as_ref().and_then(|r| r.config_error.clone());
        add("refusal", refusal.unwrap_or_else(|| "-".into()), -1, -1);
        let feeds = self.ctx.feed_status();
        for source in &feeds.sources {
            let when = source
                .last_good
                .map(|t| {
                    t.with_timezone(&crate::time::ZONE)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_else(|| "-".into());
            let mut value = format!("{} ({when})", source.activities);
            if let Some(e) = &source.last_error {
                value.push_str(&format!("; {e}"));
            }
            add("feed", format!("{}: {value}", source.name), -1, -1);
        }
        if feeds.sources.is_empty() {
            add("feed-example", String::new(), -1, -1);
        }
        drop(feeds);
        // The screen's own outbox, else the one on disk (it may have been made since,
        // or it could not be opened): an outbox that cannot be read says why.
        let state_dir = self.services.state_dir.as_deref();
        let outbox = match &self.services.outbox {
            Some(o) => Some(o.status(now).map_err(|e| format!("{e:#}"))),
            None => state_dir
                .and_then(|d| crate::status::outbox_report(d, now))
                .map(|r| match r.error {
                    Some(e) => Err(e),
                    None => Ok(crate::callback::outbox::OutboxStatus {
                        pending: r.pending,
                        oldest_pending_age_s: r.oldest_pending_age_s,
                        delivered: r.delivered,
                        failed_attention: r.failed_attention,
                        expired: r.expired,
                        expired_recently: r.expired_recently,
                    }),
                }),
        };
        match outbox {
            Some(Ok(s)) => {
                let oldest = s
                    .oldest_pending_age_s
                    .map(|a| (a / 60).to_string())
                    .unwrap_or_default();
                let count = |n: u64| n.min(i32::MAX as u64) as i32;
                add("callbacks", oldest, count(s.pending), count(s.delivered));
            }
            Some(Err(error)) => add("callbacks-error", error, -1, -1),
            None => add("callbacks", "-".into(), -1, -1),
        }
        let screen = config
            .schedule
            .next_change(now)
            .map(|t| {
                t.with_timezone(&crate::time::ZONE)
                    .format("%a %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        add("screen", screen, -1, -1);
        if let Some(r) = &runtime {
            let up = (now - r.started_at).num_minutes().max(0);
            add("running", format!("{} h {} min", up / 60, up % 60), -1, -1);
        }
        if let Some(bytes) = state_dir.and_then(crate::status::free_disk_bytes) {
            // Low: picture downloads stop to keep room for callback requests.
            let paused = runtime.as_ref().and_then(|r| r.pictures_paused.as_deref());
            let reserve = crate::image_cache::disk_reserve();
            if bytes < reserve || paused.is_some_and(crate::image_cache::is_low_disk) {
                let mb = |n: u64| (n / 1_000_000).min(i32::MAX as u64) as i32;
                add("disk-low", String::new(), mb(bytes), mb(reserve));
            } else {
                add("disk", format!("{} MB", bytes / 1_000_000), -1, -1);
            }
        }
        let addresses = self.state.borrow().addresses.join(", ");
        if !addresses.is_empty() {
            add("network", addresses, -1, -1);
        }
        lines
    }
}
