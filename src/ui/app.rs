//! The window owner: builds the context and one controller per Slint global or screen
//! family, and does what crosses them. A visit starts (`wake`) and ends
//! (`end_session`) here; a new language, configuration or catalog, the screen going
//! dark and the pictures arriving are passed on here to each controller that shows
//! them. The controllers never call each other: they get the context, and what they
//! need of the others is handed to them by this file (arguments and hooks).
//!
//! All timers are Slint timers (in the controllers), so the testing backend's mock
//! time drives them.

use super::access::Access;
use super::admin::{self, Admin};
use super::browse::Browse;
use super::callback::{Back, Callback, Confirmed};
use super::context::Context;
use super::generated::{self as ui, AppWindow};
use super::keys::Focus;
use super::pictures::{self, Decoded, Pictures};
use super::schedule::Schedule;
use super::session::{Hooks, Session};
use super::signage::Signage;
use crate::callback::form::Step;
use crate::callback::outbox::Outbox;
use crate::config::Config;
use crate::feed::{Catalog, ImageRef};
use crate::feed_service::FeedStatus;
use crate::i18n::Lang;
use crate::playlist::SlideKind;
use crate::time::Clock;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;

pub struct KioskOptions {
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub catalog: Catalog,
    /// Where the feed service keeps downloaded pictures.
    pub image_dir: Option<std::path::PathBuf>,
    /// The state directory (for the callback outbox); `None`: requests cannot be taken.
    pub state_dir: Option<std::path::PathBuf>,
    /// Woken after a callback request was saved, so delivery starts at once.
    pub delivery: Option<Arc<tokio::sync::Notify>>,
    /// The running kiosk's status (for the admin screen; the screen's state goes in).
    pub runtime: Option<crate::status::Shared>,
    /// The admin screen's "refresh now" wakes the fleet poller and the feeds.
    pub refresh: Option<Arc<tokio::sync::Notify>>,
    /// Speech mode's voice; `None`: speech is not available on this machine.
    pub speaker: Option<Arc<dyn crate::speech::Speaker>>,
}

/// The files in the state directory the screens write: the callback outbox, the impact
/// figures and the day of the last touch. Opening them creates them (SQLite, with
/// syncs), so the kiosk does it off the UI thread (`StateFiles` is `Send`).
pub struct StateFiles {
    outbox: Option<Outbox>,
    touches: crate::health::TouchRecord,
    figures: crate::figures::Recorder,
}

impl StateFiles {
    /// Opens (creates) them in `state_dir`; without one, or when the outbox cannot be
    /// opened, callback requests cannot be taken (logged), and nothing is counted.
    pub fn open(state_dir: Option<&std::path::Path>, clock: Arc<dyn Clock>) -> StateFiles {
        let outbox = state_dir.and_then(|dir| match Outbox::open_in(dir) {
            Ok(o) => Some(o),
            Err(err) => {
                tracing::error!("callback requests cannot be saved: {err:#}");
                None
            }
        });
        StateFiles {
            outbox,
            touches: crate::health::TouchRecord::new(
                state_dir.map(std::path::Path::to_path_buf),
                clock.today(),
            ),
            figures: crate::figures::Recorder::new(state_dir, clock),
        }
    }
}

impl Default for StateFiles {
    /// No state directory: nothing is written.
    fn default() -> StateFiles {
        StateFiles::open(None, Arc::new(crate::time::SystemClock))
    }
}

thread_local! {
    static CURRENT: RefCell<Weak<App>> = const { RefCell::new(Weak::new()) };
}

pub struct App {
    pub(super) ctx: Rc<Context>,
    pub(super) signage: Rc<Signage>,
    pub(super) browse: Rc<Browse>,
    pub(super) form: Rc<Callback>,
    pub(super) session: Rc<Session>,
    pub(super) access: Rc<Access>,
    pub(super) admin: Rc<Admin>,
    /// The keyboard focus and its ring (`keys.rs`).
    pub(super) focus: Rc<Focus>,
    schedule: Rc<Schedule>,
    pictures: Pictures,
    runtime: Option<crate::status::Shared>,
    /// The last day with a touch, for health's `no_touch` (`health::TouchRecord`).
    touches: crate::health::TouchRecord,
    /// The impact figures (issue 20): counted here, written when a visit ends.
    figures: crate::figures::Recorder,
}

/// A callback that reaches the owner while it lives.
fn hook(weak: &Weak<App>, f: fn(&Rc<App>)) -> impl Fn() + 'static {
    let weak = weak.clone();
    move || {
        if let Some(app) = weak.upgrade() {
            f(&app)
        }
    }
}

/// The same with one argument from Slint.
fn hook1<A: 'static>(weak: &Weak<App>, f: fn(&Rc<App>, A)) -> impl Fn(A) + 'static {
    let weak = weak.clone();
    move |a| {
        if let Some(app) = weak.upgrade() {
            f(&app, a)
        }
    }
}

impl App {
    /// Builds the controllers around a window, fills every global and starts signage.
    pub fn new(window: AppWindow, options: KioskOptions) -> Rc<App> {
        let files = StateFiles::open(options.state_dir.as_deref(), options.clock.clone());
        App::with_files(window, options, files)
    }

    /// The same with the state files already open (the kiosk opens them on its
    /// start-up thread while the window is made).
    pub fn with_files(window: AppWindow, options: KioskOptions, files: StateFiles) -> Rc<App> {
        let ctx = Rc::new(Context::new(
            window,
            options.config,
            options.clock,
            options.catalog,
        ));
        let StateFiles {
            outbox,
            touches,
            figures,
        } = files;
        let outbox = outbox.map(Rc::new);
        let app = Rc::new_cyclic(|weak: &Weak<App>| {
            let on_off = weak.clone();
            App {
                signage: Signage::new(ctx.clone(), options.runtime.clone()),
                browse: Browse::new(ctx.clone()),
                form: Callback::new(ctx.clone(), outbox.clone(), options.delivery.clone()),
                session: Session::new(
                    ctx.clone(),
                    Hooks {
                        idle: Box::new(hook(weak, |a| a.idle())),
                        timeout: Box::new(hook(weak, |a| a.timed_out())),
                    },
                ),
                access: Access::new(ctx.clone(), options.speaker),
                focus: Focus::new(ctx.clone()),
                admin: Admin::new(
                    ctx.clone(),
                    admin::Services {
                        runtime: options.runtime.clone(),
                        refresh: options.refresh,
                        outbox,
                        delivery: options.delivery,
                        state_dir: options.state_dir,
                    },
                ),
                schedule: Schedule::new(
                    ctx.clone(),
                    Box::new(move |on| {
                        if let Some(app) = on_off.upgrade() {
                            app.set_screen_on(on)
                        }
                    }),
                ),
                pictures: Pictures::new(options.image_dir, App::pictures_ready),
                runtime: options.runtime,
                touches,
                figures,
                ctx,
            }
        });
        CURRENT.with(|current| *current.borrow_mut() = Rc::downgrade(&app));
        app.install_callbacks();
        app.apply_config();
        app.access.reset();
        app.signage.set_messages();
        app.set_language(app.ctx.lang());
        app.signage.next(false, &app.pictures);
        app.start_rotation();
        app.signage.start_clock();
        app.schedule.apply();
        app
    }

    /// The owner on this (UI) thread, for work that comes back from other threads
    /// through `slint::invoke_from_event_loop`.
    pub fn current() -> Option<Rc<App>> {
        CURRENT.with(|current| current.borrow().upgrade())
    }

    pub fn window(&self) -> &AppWindow {
        &self.ctx.window
    }

    /// The callbacks that cross controllers (each controller answers its own).
    fn install_callbacks(self: &Rc<Self>) {
        let weak = &Rc::downgrade(self);
        let nav = self.ctx.window.global::<ui::Nav>();
        nav.on_wake(hook(weak, |a| a.wake()));
        nav.on_stop(hook(weak, |a| a.end_session()));
        nav.on_back(hook(weak, |a| a.back()));
        nav.on_open_help(hook(weak, |a| {
            // From signage, help starts a visit like any tap: the rotation stops and
            // "Terug" leads to today's list, not to one built hours ago.
            if a.ctx.screen() == ui::Screen::Signage {
                a.wake();
            }
            a.figures.help_opened();
            a.open(ui::Screen::Help)
        }));
        nav.on_open_callback(hook(weak, |a| a.open_callback()));
        nav.on_touched(hook(weak, |a| a.touched()));
        nav.on_still_here(hook(weak, |a| {
            a.session.dismiss();
            a.restart_inactivity();
        }));
        nav.on_open_detail(hook1(weak, |a, id: slint::SharedString| a.open_detail(&id)));
        let kiosk = self.ctx.window.global::<ui::Kiosk>();
        kiosk.on_select_language(hook1(weak, |a, code: slint::SharedString| {
            if let Some(lang) = Lang::parse(&code) {
                a.set_language(lang);
                // Also on signage: the default language comes back after a while.
                if !a.session.warning() {
                    a.restart_inactivity();
                }
            }
        }));
        let form = self.ctx.window.global::<ui::Callback>();
        form.on_answer_age(hook1(weak, |a, adult| {
            a.form.answer_age(adult);
            a.stepped();
        }));
        form.on_choose_topic(hook1(weak, |a, key: slint::SharedString| {
            a.figures.topic_chosen(&key);
            a.form.choose_topic(&key);
            a.stepped();
        }));
        form.on_next(hook(weak, |a| {
            if a.form.proceed() {
                a.stepped();
            } else {
                // Speech mode says what is wrong (EN 301 549 5.1.3.15).
                let w = &a.ctx.window;
                let code = w.global::<ui::Callback>().get_error();
                if !code.is_empty() {
                    a.access
                        .say(&w.global::<ui::CallbackWords>().invoke_error(code));
                }
            }
        }));
        form.on_choose_slot(hook1(weak, |a, slot: slint::SharedString| {
            a.form.choose_slot(&slot);
            a.stepped();
        }));
        form.on_confirm(hook(weak, |a| a.confirm()));
        form.on_finish(hook(weak, |a| a.end_session()));
        let access = self.ctx.window.global::<ui::Access>();
        access.on_repeat(hook(weak, |a| {
            a.restart_inactivity();
            a.access.announce();
        }));
        access.on_say(hook1(weak, |a, label: slint::SharedString| {
            a.restart_inactivity();
            a.access.say(&label);
        }));
        let keys_weak = weak.clone();
        self.ctx
            .window
            .global::<ui::Keys>()
            .on_key(move |text, shift, modified| {
                keys_weak
                    .upgrade()
                    .is_some_and(|a| a.key(&text, shift, modified))
            });
        access.on_read_back(hook(weak, |a| {
            a.restart_inactivity();
            a.access.read_back();
        }));
        let admin = self.ctx.window.global::<ui::Admin>();
        admin.on_corner_held(hook(weak, |a| a.open_admin()));
    }

    /// Puts the configuration's values into the globals.
    fn apply_config(&self) {
        let config = self.ctx.config();
        let kiosk = self.ctx.window.global::<ui::Kiosk>();
        kiosk.set_languages(super::adapters::languages(&config));
        kiosk.set_intake_name(config.callback.intake_name.as_str().into());
        kiosk
            .set_intake_phone(super::adapters::keep_together(&config.callback.intake_phone).into());
        kiosk.set_callback_offered(config.callback.offered());
        kiosk.set_callback_demo(config.callback.demo);
        kiosk.set_example_feed(self.ctx.catalog().example);
    }

    /// Switches every text on screen: the `@tr()` catalogue and the texts built here.
    pub fn set_language(&self, lang: Lang) {
        let code = match lang {
            Lang::Nl => "",
            other => other.code(),
        };
        if let Err(err) = slint::select_bundled_translation(code) {
            tracing::warn!("language {lang} not available: {err}");
        }
        self.ctx.set_lang(lang);
        {
            let config = self.ctx.config();
            let kiosk = self.ctx.window.global::<ui::Kiosk>();
            kiosk.set_language(lang.code().into());
            kiosk.set_language_name(lang.endonym().into());
            kiosk.set_campaign_name(config.campaign_name.get(lang).into());
            kiosk.set_helplines(super::adapters::helplines(&config, lang));
        }
        self.signage.refresh_clock();
        self.signage.refresh(&self.pictures);
        self.browse.refresh();
        self.browse.refresh_detail(&self.pictures);
        self.access.announce();
    }

    pub fn language(&self) -> Lang {
        self.ctx.lang()
    }

    /// A new configuration (from the fleet document), applied without a restart:
    /// texts and helplines at once, messages and rotation from the next slide,
    /// session times from the next touch, the schedule now.
    pub fn set_config(self: &Rc<Self>, config: Arc<Config>) {
        let rotation_changed =
            self.ctx.config().signage.slide_seconds != config.signage.slide_seconds;
        let lang = if config.languages.contains(&self.ctx.lang()) {
            self.ctx.lang()
        } else {
            config.default_language
        };
        self.ctx.set_config(config);
        self.signage.set_messages();
        self.apply_config();
        self.set_language(lang);
        self.urgent_at_once();
        let on_signage = self.ctx.screen() == ui::Screen::Signage;
        if rotation_changed && on_signage && self.ctx.screen_on() {
            self.start_rotation();
        }
        if on_signage {
            // Nobody is using it: the configured colours apply at once.
            self.access.reset();
        }
        self.schedule.apply();
        self.admin.refresh();
    }

    /// New data from the feed service. Signage picks it up at the next slide; an open
    /// list is not reshuffled under the visitor's finger.
    pub fn set_feeds(&self, catalog: Catalog, status: FeedStatus) {
        {
            let config = self.ctx.config();
            let mut messages = config.signage.messages.clone();
            messages.extend(catalog.messages.iter().cloned());
            self.pictures.retain_for(&catalog, &messages);
        }
        self.ctx.set_feeds(catalog, status);
        self.signage.set_messages();
        self.urgent_at_once();
        let example = self.ctx.catalog().example;
        self.ctx
            .window
            .global::<ui::Kiosk>()
            .set_example_feed(example);
        self.signage.refresh_clock();
        self.load_pictures();
        self.prepare_pictures();
    }

    /// Dark: the visit ends, rotation and clock stop, the UI shows black and ignores
    /// touches, decoded pictures are given back. Light: signage starts again from a
    /// fresh slide.
    pub(super) fn set_screen_on(self: &Rc<Self>, on: bool) {
        if self.ctx.screen_on() == on {
            return;
        }
        let kiosk = self.ctx.window.global::<ui::Kiosk>();
        self.ctx.set_screen_on(on);
        if on {
            kiosk.set_screen_on(true);
            self.signage.refresh_clock();
            self.signage.refresh(&self.pictures);
            self.load_pictures();
            self.start_rotation();
            self.signage.start_clock();
        } else {
            // Dark first (above), so that ending the visit decodes nothing new.
            self.end_session();
            self.figures.flush_signage();
            self.pictures.clear();
            self.signage.blank();
            self.session.stop();
            kiosk.set_opens_again(self.opens_again().into());
            kiosk.set_screen_on(false);
        }
        tracing::info!(on, "screen");
        if let Some(runtime) = &self.runtime {
            runtime.update(|r| r.screen_on = on);
        }
    }

    /// When the closed screen opens again, in words: "morgen 08:30", "maandag
    /// 09:00", or a date further away; "" when the schedule never opens again.
    fn opens_again(&self) -> String {
        let now = self.ctx.clock.now();
        let Some(at) = self.ctx.config().schedule.next_change(now) else {
            return String::new();
        };
        let lang = self.ctx.lang();
        let (today, local) = (self.ctx.clock.today(), at.with_timezone(&crate::time::ZONE));
        let date = local.date_naive();
        let day = if (date - today).num_days() < 7 {
            crate::i18n::relative_weekday(lang, date, today)
        } else {
            crate::i18n::relative_date(lang, date, today)
        };
        format!("{day} {}", crate::i18n::clock(local.time()))
    }

    fn start_rotation(self: &Rc<Self>) {
        self.signage
            .start_rotation(hook(&Rc::downgrade(self), |a| a.advance()));
    }

    /// The next slide (what the rotation timer does), and the pictures of the slides
    /// after it decoded ahead.
    pub fn advance(&self) {
        self.signage.next(true, &self.pictures);
        self.load_pictures();
        if self.ctx.screen() == ui::Screen::Signage && self.ctx.screen_on() {
            let signage = self.ctx.window.global::<ui::Signage>();
            let front = if signage.get_front_is_a() {
                signage.get_slide_a()
            } else {
                signage.get_slide_b()
            };
            if front.kind == ui::SlideKind::Help {
                self.figures.helpline_slide();
            }
        }
    }

    /// Signage at base step `step` (the heartbeat's screenshot: the step on screen).
    pub(super) fn show_step(&self, step: u64) {
        self.signage.show_step(step, &self.pictures);
    }

    /// A new urgent notice (from a new configuration or feed) pre-empts the rotation
    /// at once on signage; elsewhere its strip shows now.
    fn urgent_at_once(&self) {
        let added = self.signage.refresh_urgent();
        if added && self.ctx.screen() != ui::Screen::Signage {
            // Speech mode reads the screen again, the new notice with it.
            self.access.announce();
        }
        if self.ctx.screen() == ui::Screen::Signage
            && self.ctx.screen_on()
            && self.signage.urgent_waiting()
        {
            self.advance();
        }
    }

    /// Shows the first step whose slide is of the given kind (for screenshots).
    pub fn show_first(&self, wanted: fn(&SlideKind) -> bool) -> bool {
        self.signage.show_first(wanted, &self.pictures)
    }

    /// The pictures needed now and soon: the current slide's and the next two
    /// slides', and the open activity's; none while the screen is dark. Only these
    /// are decoded and kept (`adapters::MAX_PICTURES`).
    pub fn picture_sources(&self) -> Vec<ImageRef> {
        if !self.ctx.screen_on() {
            return Vec::new();
        }
        let mut list = self.signage.upcoming_pictures();
        list.extend(self.browse.picture());
        list.dedup();
        list
    }

    /// Decodes the pictures needed now and soon that are not in memory yet, on a
    /// worker thread; the UI gets them when ready.
    pub fn load_pictures(&self) {
        let max = pictures::max_side(self.ctx.size());
        self.pictures.load(self.picture_sources(), max);
    }

    /// Scales every picture of the catalog once, ahead of the rotation, on a worker
    /// thread of low priority (see `pictures.rs`).
    pub fn prepare_pictures(&self) {
        let max = pictures::max_side(self.ctx.size());
        self.pictures.prepare(&self.ctx.catalog(), max);
    }

    /// How many decoded pictures are in memory (at most `adapters::MAX_PICTURES`).
    pub fn pictures_in_memory(&self) -> usize {
        self.pictures.in_memory()
    }

    /// Hands decoded pictures to the UI and redraws what shows them.
    /// `None`: the picture is broken and gets a neutral placeholder.
    pub fn add_pictures(&self, decoded: Decoded) {
        if !self.ctx.screen_on() {
            // Decoded while the screen went dark: not kept.
            return;
        }
        self.pictures.keep(decoded);
        self.signage.refresh(&self.pictures);
        self.browse.refresh_detail(&self.pictures);
    }

    /// A decoding batch is back on the UI thread (`Pictures::load`).
    fn pictures_ready(requested: Vec<ImageRef>, decoded: Decoded) {
        if let Some(app) = App::current() {
            app.pictures.arrived(&requested);
            if !decoded.is_empty() {
                app.add_pictures(decoded);
            }
        }
    }

    fn set_screen(&self, screen: ui::Screen) {
        self.focus.clear();
        self.ctx.set_screen(screen);
        self.access.after_view_change();
    }

    /// A tap on signage: the home screen with today's activities.
    pub fn wake(self: &Rc<Self>) {
        self.touches.touched(self.ctx.clock.today());
        self.figures.visit_started();
        self.signage.stop_rotation();
        self.browse.reset();
        self.browse.refresh();
        self.set_screen(ui::Screen::Home);
        self.restart_inactivity();
    }

    pub(super) fn open(self: &Rc<Self>, screen: ui::Screen) {
        self.browse.choose_category(false);
        self.set_screen(screen);
        self.restart_inactivity();
    }

    pub fn open_detail(self: &Rc<Self>, id: &str) {
        self.browse.select(id);
        self.load_pictures();
        self.browse.refresh_detail(&self.pictures);
        {
            // Counted by id with the Dutch title (the same in every language).
            let title = self
                .ctx
                .catalog()
                .find(id)
                .map(|a| a.title.get(Lang::Nl).to_string())
                .unwrap_or_default();
            let with_qr = self.ctx.window.global::<ui::Detail>().get_activity().has_qr;
            self.figures.activity_opened(id, &title, with_qr);
        }
        self.open(ui::Screen::Detail);
    }

    fn back(self: &Rc<Self>) {
        let browse = self.ctx.window.global::<ui::Browse>();
        if self.ctx.screen() == ui::Screen::Home && browse.get_choosing_category() {
            // "Terug" on the choice of a kind closes it.
            self.browse.choose_category(false);
            return;
        }
        match self.ctx.screen() {
            ui::Screen::Home | ui::Screen::Signage | ui::Screen::Admin => self.end_session(),
            ui::Screen::Callback => match self.form.back() {
                Back::End => self.end_session(),
                Back::Step => self.stepped(),
                Back::Leave(from) => self.open(from),
            },
            _ => self.open(ui::Screen::Home),
        }
    }

    /// "Bel mij terug": a fresh form, with the activity filled in when the visitor
    /// comes from its detail screen.
    pub(super) fn open_callback(self: &Rc<Self>) {
        let from = self.ctx.screen();
        let title = if from == ui::Screen::Detail {
            self.browse.open_title()
        } else {
            String::new()
        };
        self.form.open(from, title);
        self.open(ui::Screen::Callback);
    }

    /// The form moved to another step: a new view for speech, a new period.
    pub(super) fn stepped(self: &Rc<Self>) {
        self.restart_inactivity();
        self.access.after_view_change();
    }

    fn confirm(self: &Rc<Self>) {
        match self.form.confirm() {
            Confirmed::Ignored => {}
            Confirmed::Saved => {
                self.figures.callback_saved();
                self.access.after_view_change();
                self.session.thank_you();
            }
            Confirmed::Refused | Confirmed::Failed => self.stepped(),
        }
    }

    pub(super) fn open_admin(self: &Rc<Self>) {
        self.wake();
        // Staff at work: not a visit.
        self.figures.staff();
        self.admin.reset();
        self.open(ui::Screen::Admin);
    }

    pub(super) fn touched(self: &Rc<Self>) {
        self.focus.touched();
        self.touches.touched(self.ctx.clock.today());
        // A touch interrupts the voice.
        self.access.hush();
        if self.ctx.screen() != ui::Screen::Signage && !self.session.warning() {
            self.restart_inactivity();
        }
    }

    fn restart_inactivity(self: &Rc<Self>) {
        // The thank-you screen (name, masked number) keeps its own short timer: a
        // touch there must not keep it up for another minute and a half.
        if self.form.step() == Step::Done {
            return;
        }
        self.session.restart();
    }

    /// No touch for a while: "Bent u er nog?" with a countdown. On signage (a
    /// passer-by only changed the language) there is nothing to ask: it simply goes
    /// back to the default.
    pub(super) fn idle(self: &Rc<Self>) {
        if self.ctx.screen() == ui::Screen::Signage {
            self.end_session();
            return;
        }
        self.session.warn();
        self.access.after_view_change();
        // With keys in use, the focus goes to "Ja, ik ben er nog".
        self.focus.clear();
        self.focus.refocus();
    }

    /// Nobody answered "Bent u er nog?" (the thank-you running out is no time-out).
    fn timed_out(self: &Rc<Self>) {
        self.finish_visit(self.form.step() != Step::Done);
        self.end_session();
    }

    /// The visit's figures are written (before its settings and language are reset).
    fn finish_visit(&self, timed_out: bool) {
        let (speech, larger, contrast) = self.access.used();
        self.figures.access_used(speech, larger, contrast);
        self.figures.visit_ended(self.ctx.lang().code(), timed_out);
    }

    /// Back to signage with everything the visitor did forgotten: screen, tab, filter,
    /// selected activity, form, settings, language.
    pub fn end_session(self: &Rc<Self>) {
        self.finish_visit(false);
        self.session.stop();
        self.access.reset();
        self.browse.clear();
        self.form.clear();
        self.admin.reset();
        self.set_screen(ui::Screen::Signage);
        self.set_language(self.ctx.config().default_language);
        self.advance();
        self.start_rotation();
    }

    /// A headset appeared (`Some`: its ALSA device) or went (`None`): speech goes to
    /// it. Plugged in on signage it starts a visit with speech on and the keys
    /// explained; pulled out, the voice stops at once (`Access::set_headset`).
    pub fn set_headset(self: &Rc<Self>, device: Option<String>) {
        let plugged = self.access.set_headset(device);
        if !plugged || !self.ctx.screen_on() {
            return;
        }
        if self.ctx.screen() == ui::Screen::Signage {
            self.wake();
        }
        if !self.ctx.window.global::<ui::Access>().get_speech() {
            self.access
                .speech_on_with(super::keys::keys_explained(self.ctx.lang()));
        }
    }

    /// Text size (0, 1, 2) and contrast, as the visitor's panel sets them (previews).
    pub fn set_look(&self, text_size: i32, high_contrast: bool) {
        self.access.set_look(text_size, high_contrast);
        // A list slide has as many rows as fit at this text size.
        if self.ctx.screen() == ui::Screen::Signage {
            self.signage.refresh(&self.pictures);
        }
    }

    /// Previews show the kiosk as it looks with a loudspeaker.
    pub fn preview_with_speech(&self) {
        self.access.preview_with_speech();
    }

    /// What speech mode says for the current view.
    pub fn screen_speech(&self) -> String {
        self.access.screen_speech()
    }
}
