//! The kiosk's operational side in the UI: a new configuration applied live, the
//! screen schedule (dark outside opening hours), and the admin screen (long press,
//! PIN with lock-out, status, actions).

use super::{ui, Controller};
use crate::admin::{self, Attempt, PinGate};
use crate::config::Config;
use crate::i18n::Lang;
use slint::{ComponentHandle, ModelRc, SharedString, TimerMode, VecModel};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// While the screen is dark the schedule is looked at again at least this often: a
/// board without a real-time clock may set its time only after start-up.
const SCHEDULE_RECHECK: Duration = Duration::from_secs(10 * 60);

#[derive(Default)]
pub(super) struct AdminState {
    gate: PinGate,
    pin: String,
    unlocked: bool,
    notice: String,
    addresses: Vec<String>,
}

impl Controller {
    /// A new configuration (from the fleet document), applied without a restart:
    /// texts and helplines at once, messages and rotation from the next slide,
    /// session times from the next touch, the schedule now.
    pub fn set_config(self: &Rc<Self>, config: Arc<Config>) {
        let (rotation_changed, lang) = {
            let mut st = self.state.borrow_mut();
            let changed = st.config.signage.slide_seconds != config.signage.slide_seconds;
            st.config = config;
            let lang = if st.config.languages.contains(&st.lang) {
                st.lang
            } else {
                st.config.default_language
            };
            (changed, lang)
        };
        self.apply_config();
        self.set_language(lang);
        let (on_signage, screen_on) = {
            let st = self.state.borrow();
            (st.screen == ui::Screen::Signage, st.screen_on)
        };
        if rotation_changed && on_signage && screen_on {
            self.start_rotation();
        }
        if on_signage {
            // Nobody is using it: the configured colours apply at once.
            self.reset_access();
        }
        self.apply_schedule();
        self.refresh_admin();
    }

    /// Puts the screen on or off for the schedule and sets the timer for the next
    /// change.
    pub(super) fn apply_schedule(self: &Rc<Self>) {
        let (open, next, now) = {
            let st = self.state.borrow();
            let now = st.clock.now();
            let schedule = &st.config.schedule;
            (schedule.is_open(now), schedule.next_change(now), now)
        };
        self.set_screen_on(open);
        let Some(next) = next else {
            self.schedule.stop();
            return;
        };
        let wait = (next - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .clamp(Duration::from_millis(100), SCHEDULE_RECHECK);
        let weak = Rc::downgrade(self);
        self.schedule.start(TimerMode::SingleShot, wait, move || {
            if let Some(c) = weak.upgrade() {
                c.apply_schedule();
            }
        });
    }

    /// Dark: the session ends, rotation and clock stop, the UI shows black and
    /// ignores touches. Light: signage starts again from a fresh slide.
    pub(super) fn set_screen_on(self: &Rc<Self>, on: bool) {
        if self.state.borrow().screen_on == on {
            return;
        }
        if on {
            self.state.borrow_mut().screen_on = true;
            self.window.global::<ui::Kiosk>().set_screen_on(true);
            self.refresh_clock();
            self.refresh_current_slide();
            self.load_pictures();
            self.start_rotation();
            self.start_clock();
        } else {
            // Dark first, so that ending the session decodes nothing new.
            self.state.borrow_mut().screen_on = false;
            self.end_session();
            // Nothing is shown for hours: the decoded pictures are given back (also
            // those the two slide layers hold) and decoded again when the screen
            // lights up.
            self.state.borrow_mut().images.clear_pictures();
            let signage = self.window.global::<ui::Signage>();
            signage.set_slide_a(Default::default());
            signage.set_slide_b(Default::default());
            self.rotation.stop();
            self.end_fade();
            self.clock_timer.stop();
            self.inactivity.stop();
            self.window.global::<ui::Kiosk>().set_screen_on(false);
        }
        tracing::info!(on, "screen");
        if let Some(runtime) = &self.state.borrow().runtime {
            runtime.update(|r| r.screen_on = on);
        }
    }

    pub(super) fn install_admin_callbacks(self: &Rc<Self>) {
        let g = self.window.global::<ui::Admin>();
        let weak = Rc::downgrade(self);
        let with = move |f: fn(&Rc<Controller>)| {
            let weak = weak.clone();
            move || {
                if let Some(c) = weak.upgrade() {
                    f(&c)
                }
            }
        };
        g.on_corner_held(with(|c| c.open_admin()));
        g.on_erase(with(|c| {
            c.state.borrow_mut().admin.pin.pop();
            c.sync_admin();
        }));
        g.on_submit(with(|c| c.admin_submit()));
        g.on_refresh(with(|c| c.admin_refresh()));
        g.on_test_callback(with(|c| c.admin_test_callback()));
        g.on_show_addresses(with(|c| {
            c.state.borrow_mut().admin.addresses = admin::network_addresses();
            c.refresh_admin();
        }));
        let weak = Rc::downgrade(self);
        g.on_type(move |digit| {
            if let Some(c) = weak.upgrade() {
                c.admin_type(&digit);
            }
        });
    }

    /// The PIN prompt (after the long press on signage's corner).
    pub(super) fn open_admin(self: &Rc<Self>) {
        self.wake();
        self.reset_admin();
        self.open(ui::Screen::Admin);
    }

    pub(super) fn admin_type(&self, digit: &str) {
        {
            let mut st = self.state.borrow_mut();
            if st.admin.gate.is_locked() || st.admin.pin.len() >= 8 {
                return;
            }
            st.admin.pin.push_str(digit);
            st.admin.notice.clear();
        }
        self.sync_admin();
    }

    fn admin_submit(self: &Rc<Self>) {
        let (attempt, lang) = {
            let mut st = self.state.borrow_mut();
            let pin = std::mem::take(&mut st.admin.pin);
            let hash = st.config.admin_pin_hash.clone();
            (st.admin.gate.attempt(&pin, hash.as_deref()), st.lang)
        };
        match attempt {
            Attempt::Open => {
                tracing::info!("admin screen opened");
                self.unlock_admin();
                return;
            }
            Attempt::Wrong { left } => {
                self.state.borrow_mut().admin.notice =
                    if self.state.borrow().config.admin_pin_hash.is_none() {
                        words(
                            lang,
                            "Er is geen pincode ingesteld ([admin] pin_hash).",
                            "No PIN is set ([admin] pin_hash).",
                        )
                    } else {
                        match lang {
                            Lang::Nl => format!("Verkeerde pincode. Nog {left} keer."),
                            _ => format!("Wrong PIN. {left} more tries."),
                        }
                    };
            }
            Attempt::Locked => {
                tracing::warn!("admin PIN: too many wrong tries, locked for 5 minutes");
                let weak = Rc::downgrade(self);
                self.lockout
                    .start(TimerMode::SingleShot, admin::LOCKOUT, move || {
                        if let Some(c) = weak.upgrade() {
                            c.state.borrow_mut().admin.gate.unlock();
                            c.sync_admin();
                        }
                    });
            }
        }
        self.sync_admin();
    }

    pub(super) fn unlock_admin(&self) {
        self.state.borrow_mut().admin.unlocked = true;
        self.refresh_admin();
    }

    /// Forgets the PIN typed and closes the admin screen (session end); the lock-out
    /// stays until its timer ends.
    pub(super) fn reset_admin(&self) {
        {
            let mut st = self.state.borrow_mut();
            st.admin.pin.clear();
            st.admin.unlocked = false;
            st.admin.notice.clear();
            st.admin.addresses.clear();
        }
        self.sync_admin();
    }

    fn sync_admin(&self) {
        let st = self.state.borrow();
        let g = self.window.global::<ui::Admin>();
        g.set_unlocked(st.admin.unlocked);
        g.set_locked(st.admin.gate.is_locked());
        g.set_pin_length(st.admin.pin.len() as i32);
        g.set_message(if st.admin.unlocked {
            SharedString::default()
        } else {
            st.admin.notice.as_str().into()
        });
        g.set_notice(if st.admin.unlocked {
            st.admin.notice.as_str().into()
        } else {
            SharedString::default()
        });
    }

    fn admin_refresh(self: &Rc<Self>) {
        let lang = self.state.borrow().lang;
        let notice = match &self.state.borrow().refresh {
            Some(refresh) => {
                refresh.notify_waiters();
                words(
                    lang,
                    "Configuratie en feeds worden nu opgehaald.",
                    "Fetching configuration and feeds now.",
                )
            }
            None => words(
                lang,
                "Niet beschikbaar in deze weergave.",
                "Not available here.",
            ),
        };
        self.state.borrow_mut().admin.notice = notice;
        self.refresh_admin();
    }

    fn admin_test_callback(self: &Rc<Self>) {
        let notice = {
            let st = self.state.borrow();
            let lang = st.lang;
            match &st.outbox {
                None => words(
                    lang,
                    "Er is geen outbox: verzoeken kunnen niet worden bewaard.",
                    "No outbox: requests cannot be kept.",
                ),
                Some(outbox) => match crate::callback::submit_test(
                    outbox,
                    &st.config.kiosk_id,
                    &st.config.callback.intake_phone,
                    st.clock.now(),
                ) {
                    Ok(_) => {
                        if let Some(wake) = &st.delivery {
                            wake.notify_one();
                        }
                        words(
                            lang,
                            "Test-terugbelverzoek staat klaar om te versturen.",
                            "Test callback request queued for delivery.",
                        )
                    }
                    Err(err) => format!("{err}"),
                },
            }
        };
        self.state.borrow_mut().admin.notice = notice;
        self.refresh_admin();
    }

    /// The status lines on the unlocked admin screen.
    pub(super) fn refresh_admin(&self) {
        self.sync_admin();
        let st = self.state.borrow();
        if !st.admin.unlocked {
            return;
        }
        let lang = st.lang;
        let now = st.clock.now();
        let runtime = st.runtime.as_ref().map(|r| r.get());
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut add = |nl: &str, en: &str, value: String| lines.push((words(lang, nl, en), value));
        add("Kiosk", "Kiosk", st.config.kiosk_id.clone());
        add(
            "Programma",
            "Program",
            format!("samen-kiosk {}", env!("CARGO_PKG_VERSION")),
        );
        add(
            "Configuratie",
            "Configuration",
            match st.config.config_version {
                Some(v) => match lang {
                    Lang::Nl => format!("vlootdocument versie {v}"),
                    _ => format!("fleet document version {v}"),
                },
                None => words(lang, "alleen het eigen bestand", "local file only"),
            },
        );
        let error = runtime.as_ref().and_then(|r| r.config_error.clone());
        add(
            "Laatste weigering",
            "Last refusal",
            error.unwrap_or_else(|| "-".into()),
        );
        for source in &st.feed_status.sources {
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
            add("Feed", "Feed", format!("{}: {value}", source.name));
        }
        if st.feed_status.sources.is_empty() {
            add(
                "Feed",
                "Feed",
                words(lang, "voorbeeld (ingebouwd)", "example (built in)"),
            );
        }
        let outbox = st
            .outbox
            .as_ref()
            .and_then(|o| o.status(now).ok())
            .map(|s| {
                let oldest = s
                    .oldest_pending_age_s
                    .map(|a| format!(", {} min", a / 60))
                    .unwrap_or_default();
                match lang {
                    Lang::Nl => {
                        format!("{} wachtend{oldest}; {} afgeleverd", s.pending, s.delivered)
                    }
                    _ => format!("{} waiting{oldest}; {} delivered", s.pending, s.delivered),
                }
            })
            .unwrap_or_else(|| "-".into());
        add("Terugbelverzoeken", "Callback requests", outbox);
        let schedule = &st.config.schedule;
        let screen = match schedule.next_change(now) {
            None => words(lang, "altijd aan", "always on"),
            Some(t) => {
                let t = t.with_timezone(&crate::time::ZONE).format("%a %H:%M");
                match lang {
                    Lang::Nl => format!("aan, uit vanaf {t}"),
                    _ => format!("on, off from {t}"),
                }
            }
        };
        add("Scherm", "Screen", screen);
        if let Some(r) = &runtime {
            let up = (now - r.started_at).num_minutes().max(0);
            add(
                "Draait",
                "Running",
                format!("{} h {} min", up / 60, up % 60),
            );
        }
        if let Some(bytes) = st
            .state_dir
            .as_deref()
            .and_then(crate::status::free_disk_bytes)
        {
            add(
                "Vrije schijfruimte",
                "Free disk",
                format!("{} MB", bytes / 1_000_000),
            );
        }
        if !st.admin.addresses.is_empty() {
            add("Netwerk", "Network", st.admin.addresses.join(", "));
        }
        let model: Vec<ui::Choice> = lines
            .into_iter()
            .map(|(key, label)| ui::Choice {
                key: key.into(),
                label: label.into(),
            })
            .collect();
        drop(st);
        self.window
            .global::<ui::Admin>()
            .set_lines(ModelRc::new(VecModel::from(model)));
    }
}

fn words(lang: Lang, nl: &str, en: &str) -> String {
    match lang {
        Lang::Nl => nl.to_string(),
        _ => en.to_string(),
    }
}
