//! Wires the UI's globals to the domain and runs the kiosk's timers:
//! - rotation: one step of the [`SlidePlaylist`] every `slide_seconds`, only on signage;
//! - clock: the top bar's time and date, once a minute;
//! - inactivity: after `inactivity_seconds` without a touch, "Bent u er nog?" with a
//!   countdown; at zero the session ends and everything the visitor did is dropped.
//!
//! All timers are Slint timers, so the testing backend's mock time drives them.

use super::adapters::{self, ImageStore};
use super::generated::{self as ui, AppWindow};
use crate::callback::outbox::Outbox;
use crate::config::Config;
use crate::feed::{Catalog, ImageRef};
use crate::feed_service::FeedStatus;
use crate::i18n::{self, Lang};
use crate::playlist::{SlideKind, SlidePlaylist};
use crate::time::Clock;
use slint::{ComponentHandle, SharedString, Timer, TimerMode};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::time::Duration;

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

/// What `screenshot` can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    Signage,
    SignageToday,
    SignageSpotlight,
    SignageWeek,
    SignageCallToAction,
    SignageHelp,
    Today,
    Tomorrow,
    Week,
    Categories,
    Detail,
    Help,
    Callback,
    CallbackName,
    CallbackPhone,
    CallbackConsent,
    CallbackDone,
    Warning,
    AdminPin,
    Admin,
    /// Outside opening hours.
    Dark,
    /// The text size and contrast panel over today's list.
    Settings,
    /// The language panel over today's list.
    Languages,
}

impl Scene {
    pub const ALL: [(&'static str, Scene); 23] = [
        ("signage", Scene::Signage),
        ("signage-today", Scene::SignageToday),
        ("signage-spotlight", Scene::SignageSpotlight),
        ("signage-week", Scene::SignageWeek),
        ("signage-cta", Scene::SignageCallToAction),
        ("signage-help", Scene::SignageHelp),
        ("today", Scene::Today),
        ("tomorrow", Scene::Tomorrow),
        ("week", Scene::Week),
        ("categories", Scene::Categories),
        ("detail", Scene::Detail),
        ("help", Scene::Help),
        ("callback", Scene::Callback),
        ("callback-name", Scene::CallbackName),
        ("callback-phone", Scene::CallbackPhone),
        ("callback-consent", Scene::CallbackConsent),
        ("callback-done", Scene::CallbackDone),
        ("warning", Scene::Warning),
        ("admin-pin", Scene::AdminPin),
        ("admin", Scene::Admin),
        ("dark", Scene::Dark),
        ("settings", Scene::Settings),
        ("languages", Scene::Languages),
    ];

    pub fn parse(name: &str) -> Option<Scene> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    pub fn names() -> String {
        Self::ALL
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

struct State {
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    catalog: Catalog,
    /// The local date the catalog was built for.
    catalog_day: chrono::NaiveDate,
    feed_status: FeedStatus,
    image_dir: Option<std::path::PathBuf>,
    lang: Lang,
    step: u64,
    front_is_a: bool,
    screen: ui::Screen,
    day_tab: i32,
    category: String,
    detail_id: Option<String>,
    countdown: u32,
    images: ImageStore,
    form: Form,
    outbox: Option<Outbox>,
    delivery: Option<Arc<tokio::sync::Notify>>,
    runtime: Option<crate::status::Shared>,
    refresh: Option<Arc<tokio::sync::Notify>>,
    state_dir: Option<std::path::PathBuf>,
    /// False outside the screen schedule's opening hours.
    screen_on: bool,
    admin: operations::AdminState,
    access: access::AccessState,
    speaker: Option<Arc<dyn crate::speech::Speaker>>,
    /// Pictures being decoded on a worker thread.
    pictures_pending: std::collections::HashSet<ImageRef>,
    /// Counts the catalogs handed to the preparing worker; a worker whose number is
    /// no longer the latest stops (`prepare_pictures`).
    prepare_generation: Arc<std::sync::atomic::AtomicU64>,
}

/// What the visitor entered in the callback form so far. Wiped with the session.
#[derive(Default)]
struct Form {
    step: FormStep,
    name: String,
    phone: String,
    topic: Option<String>,
    activity_title: String,
    slot: String,
    consent: bool,
    /// The screen the form was opened from (Terug on the first step goes there).
    from: Option<ui::Screen>,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum FormStep {
    #[default]
    Age,
    Under16,
    Topic,
    Name,
    Phone,
    Time,
    Consent,
    Done,
    Failed,
}

impl FormStep {
    fn ui(self) -> ui::CallbackStep {
        match self {
            FormStep::Age => ui::CallbackStep::Age,
            FormStep::Under16 => ui::CallbackStep::Under16,
            FormStep::Topic => ui::CallbackStep::Topic,
            FormStep::Name => ui::CallbackStep::Name,
            FormStep::Phone => ui::CallbackStep::Phone,
            FormStep::Time => ui::CallbackStep::Time,
            FormStep::Consent => ui::CallbackStep::Consent,
            FormStep::Done => ui::CallbackStep::Done,
            FormStep::Failed => ui::CallbackStep::Failed,
        }
    }

    fn previous(self) -> Option<FormStep> {
        match self {
            FormStep::Age | FormStep::Done | FormStep::Failed => None,
            FormStep::Under16 | FormStep::Topic => Some(FormStep::Age),
            FormStep::Name => Some(FormStep::Topic),
            FormStep::Phone => Some(FormStep::Name),
            FormStep::Time => Some(FormStep::Phone),
            FormStep::Consent => Some(FormStep::Time),
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Weak<Controller>> = const { RefCell::new(Weak::new()) };
}

pub struct Controller {
    window: AppWindow,
    state: RefCell<State>,
    rotation: Timer,
    clock_timer: Timer,
    inactivity: Timer,
    countdown: Timer,
    /// Fires when the screen schedule changes (or every 10 minutes, see operations.rs).
    schedule: Timer,
    /// Ends the admin PIN's lock-out.
    lockout: Timer,
    /// Steps the cross-fade between two slides (see `start_fade`); stops itself.
    fade: Rc<Timer>,
}

/// The cross-fade is drawn at about 30 frames a second, whatever the display's rate:
/// a 400 ms fade is 13 frames instead of 25 at 60 Hz, and looks the same. The fade is
/// nearly all the CPU that signage costs on the software renderer (docs/performance.md).
const FADE_FRAME: Duration = Duration::from_millis(33);

/// Ease-in-out (smoothstep) of `t` in 0..=1.
fn ease_in_out(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Controller {
    /// Builds the controller around a window, fills every global and starts signage.
    pub fn new(window: AppWindow, options: KioskOptions) -> Rc<Controller> {
        let lang = options.config.default_language;
        let catalog_day = options.clock.today();
        let controller = Rc::new(Controller {
            window,
            state: RefCell::new(State {
                config: options.config,
                clock: options.clock,
                catalog: options.catalog,
                catalog_day,
                feed_status: FeedStatus::default(),
                image_dir: options.image_dir,
                lang,
                step: 0,
                front_is_a: true,
                screen: ui::Screen::Signage,
                day_tab: 0,
                category: String::new(),
                detail_id: None,
                countdown: 0,
                images: ImageStore::default(),
                form: Form::default(),
                outbox: options
                    .state_dir
                    .as_deref()
                    .and_then(|dir| match Outbox::open_in(dir) {
                        Ok(o) => Some(o),
                        Err(err) => {
                            tracing::error!("callback requests cannot be saved: {err:#}");
                            None
                        }
                    }),
                delivery: options.delivery,
                runtime: options.runtime,
                refresh: options.refresh,
                state_dir: options.state_dir.clone(),
                screen_on: true,
                admin: Default::default(),
                access: Default::default(),
                speaker: options.speaker,
                pictures_pending: Default::default(),
                prepare_generation: Default::default(),
            }),
            rotation: Timer::default(),
            clock_timer: Timer::default(),
            inactivity: Timer::default(),
            countdown: Timer::default(),
            schedule: Timer::default(),
            lockout: Timer::default(),
            fade: Rc::new(Timer::default()),
        });
        CURRENT.with(|current| *current.borrow_mut() = Rc::downgrade(&controller));
        controller.install_callbacks();
        controller.apply_config();
        controller.reset_access();
        controller.set_language(lang);
        controller.show_step(0, false);
        controller.start_rotation();
        controller.start_clock();
        controller.apply_schedule();
        controller
    }

    /// The controller of this (UI) thread, for work that comes back from other threads
    /// through `slint::invoke_from_event_loop`.
    pub fn current() -> Option<Rc<Controller>> {
        CURRENT.with(|current| current.borrow().upgrade())
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    fn install_callbacks(self: &Rc<Self>) {
        let nav = self.window.global::<ui::Nav>();
        let weak = Rc::downgrade(self);
        let with = move |f: fn(&Rc<Controller>)| {
            let weak: Weak<Controller> = weak.clone();
            move || {
                if let Some(c) = weak.upgrade() {
                    f(&c)
                }
            }
        };
        nav.on_wake(with(|c| c.wake()));
        nav.on_stop(with(|c| c.end_session()));
        nav.on_back(with(|c| c.back()));
        nav.on_open_help(with(|c| {
            // From signage, help starts a visit like any tap: the rotation stops and
            // "Terug" leads to today's list, not to one built hours ago.
            if c.state.borrow().screen == ui::Screen::Signage {
                c.wake();
            }
            c.open(ui::Screen::Help)
        }));
        nav.on_open_callback(with(|c| c.open_callback()));
        nav.on_touched(with(|c| c.touched()));
        nav.on_still_here(with(|c| c.still_here()));
        let weak = Rc::downgrade(self);
        nav.on_open_detail(move |id| {
            if let Some(c) = weak.upgrade() {
                c.open_detail(&id)
            }
        });
        let weak = Rc::downgrade(self);
        self.window
            .global::<ui::Kiosk>()
            .on_select_language(move |code| {
                if let Some(c) = weak.upgrade() {
                    if let Some(lang) = Lang::parse(&code) {
                        c.set_language(lang);
                        // Also on signage: the default language comes back after a while.
                        if c.state.borrow().countdown == 0 {
                            c.restart_inactivity();
                        }
                    }
                }
            });
        self.install_form_callbacks();
        self.install_admin_callbacks();
        self.install_access_callbacks();
        let browse = self.window.global::<ui::Browse>();
        let weak = Rc::downgrade(self);
        browse.on_select_day(move |day| {
            if let Some(c) = weak.upgrade() {
                c.state.borrow_mut().day_tab = day.clamp(0, 2);
                c.refresh_browse();
            }
        });
        let weak = Rc::downgrade(self);
        browse.on_select_category(move |key| {
            if let Some(c) = weak.upgrade() {
                c.state.borrow_mut().category = key.to_string();
                c.window.global::<ui::Browse>().set_choosing_category(false);
                c.refresh_browse();
            }
        });
        let weak = Rc::downgrade(self);
        browse.on_choose_category(move |open| {
            if let Some(c) = weak.upgrade() {
                c.window.global::<ui::Browse>().set_choosing_category(open);
            }
        });
    }

    /// Puts the configuration's values into the globals.
    fn apply_config(&self) {
        let st = self.state.borrow();
        let kiosk = self.window.global::<ui::Kiosk>();
        kiosk.set_languages(adapters::languages(&st.config));
        kiosk.set_intake_name(st.config.callback.intake_name.as_str().into());
        kiosk.set_intake_phone(st.config.callback.intake_phone.as_str().into());
        kiosk.set_example_feed(st.catalog.example);
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
        self.state.borrow_mut().lang = lang;
        {
            let st = self.state.borrow();
            let kiosk = self.window.global::<ui::Kiosk>();
            kiosk.set_language(lang.code().into());
            kiosk.set_language_name(lang.endonym().into());
            kiosk.set_campaign_name(st.config.campaign_name.get(lang).into());
            kiosk.set_helplines(adapters::helplines(&st.config, lang));
        }
        self.refresh_clock();
        self.refresh_current_slide();
        self.refresh_browse();
        self.refresh_detail();
        self.announce();
    }

    fn playlist(&self) -> SlidePlaylist {
        let st = self.state.borrow();
        let size = self.window.window().size();
        let portrait = size.height > size.width;
        SlidePlaylist {
            messages: st.config.signage.messages.len(),
            help_every: st.config.signage.help_every,
            // A 480-pixel-high panel has room for three rows under the bottom bar.
            max_items: match (portrait, size.height) {
                (true, _) => 7,
                (false, h) if h < 600 => 3,
                _ => 4,
            },
        }
    }

    /// Shows step `step` of the playlist; with `fade` it goes to the back layer and the
    /// layers swap (a cross-fade), else it replaces the front layer at once.
    fn show_step(&self, step: u64, fade: bool) {
        let playlist = self.playlist();
        let mut st = self.state.borrow_mut();
        let now = st.clock.now();
        let slide = playlist.slide(step, now, &st.catalog);
        let (config, lang) = (Arc::clone(&st.config), st.lang);
        let data = adapters::slide(&slide, &config, lang, now, &mut st.images);
        st.step = step;
        let to_a = if fade { !st.front_is_a } else { st.front_is_a };
        st.front_is_a = to_a;
        drop(st);
        let signage = self.window.global::<ui::Signage>();
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

    /// Fades the front layer in over `[signage] fade_ms`, one step per `FADE_FRAME`.
    fn start_fade(&self) {
        let ms = u64::from(self.state.borrow().config.signage.fade_ms);
        let frame = FADE_FRAME.as_millis() as u64;
        let steps = ms.div_ceil(frame);
        if steps <= 1 {
            self.end_fade();
            return;
        }
        // The first step at once: a frame of the old slide alone would show nothing new.
        let mut step = 1;
        self.window
            .global::<ui::Signage>()
            .set_fade_in(ease_in_out(step as f32 / steps as f32));
        let window = self.window.as_weak();
        let timer = Rc::downgrade(&self.fade);
        self.fade.start(TimerMode::Repeated, FADE_FRAME, move || {
            step += 1;
            let t = step as f32 / steps as f32;
            if let Some(window) = window.upgrade() {
                window.global::<ui::Signage>().set_fade_in(ease_in_out(t));
            }
            if step >= steps {
                if let Some(timer) = timer.upgrade() {
                    timer.stop();
                }
            }
        });
    }

    /// Shows the front layer fully (a cut, or the end of a fade cut short).
    fn end_fade(&self) {
        self.fade.stop();
        self.window.global::<ui::Signage>().set_fade_in(1.0);
    }

    fn refresh_current_slide(&self) {
        let step = self.state.borrow().step;
        self.show_step(step, false);
    }

    /// The next slide (what the rotation timer does), and the pictures of the slides
    /// after it decoded ahead.
    pub fn advance(&self) {
        let step = self.state.borrow().step + 1;
        self.show_step(step, true);
        self.load_pictures();
    }

    /// Shows the first step whose slide is of the given kind (for screenshots).
    pub fn show_first(&self, wanted: fn(&SlideKind) -> bool) -> bool {
        let playlist = self.playlist();
        let found = {
            let st = self.state.borrow();
            let now = st.clock.now();
            (0..64).find(|step| wanted(&playlist.slide(*step, now, &st.catalog).kind))
        };
        match found {
            Some(step) => {
                self.show_step(step, false);
                self.end_fade();
                true
            }
            None => false,
        }
    }

    fn start_rotation(self: &Rc<Self>) {
        let seconds = u64::from(self.state.borrow().config.signage.slide_seconds);
        let weak = Rc::downgrade(self);
        self.rotation.start(
            TimerMode::Repeated,
            Duration::from_secs(seconds),
            move || {
                if let Some(c) = weak.upgrade() {
                    c.advance();
                }
            },
        );
    }

    fn start_clock(self: &Rc<Self>) {
        // Wake at the start of the next minute, then every minute.
        let now = self.state.borrow().clock.now();
        let into_minute = Duration::from_millis((now.timestamp_millis().rem_euclid(60_000)) as u64);
        let first = Duration::from_secs(60)
            .saturating_sub(into_minute)
            .max(Duration::from_millis(50));
        let weak = Rc::downgrade(self);
        self.clock_timer
            .start(TimerMode::SingleShot, first, move || {
                if let Some(c) = weak.upgrade() {
                    c.refresh_clock();
                    let weak = Rc::downgrade(&c);
                    c.clock_timer
                        .start(TimerMode::Repeated, Duration::from_secs(60), move || {
                            if let Some(c) = weak.upgrade() {
                                c.refresh_clock();
                            }
                        });
                }
            });
    }

    fn refresh_clock(&self) {
        self.rebuild_catalog_if_new_day();
        let st = self.state.borrow();
        let now = st.clock.local_now();
        let kiosk = self.window.global::<ui::Kiosk>();
        kiosk.set_time(i18n::clock(now.time()).into());
        kiosk.set_date(i18n::capitalise(&i18n::long_date(st.lang, now.date_naive())).into());
        let note = st
            .feed_status
            .stale_since(st.clock.now())
            .map(|t| {
                i18n::updated_at(
                    st.lang,
                    t.with_timezone(&crate::time::ZONE),
                    now.date_naive(),
                )
            })
            .unwrap_or_default();
        kiosk.set_updated_note(note.into());
    }

    /// The example feed is placed in the current week when it is read: it is read
    /// again when the local date changes. (Real feeds come from the feed service.)
    fn rebuild_catalog_if_new_day(&self) {
        let (today, bundled, day) = {
            let st = self.state.borrow();
            (st.clock.today(), st.config.feeds.is_empty(), st.catalog_day)
        };
        if day == today || !bundled {
            return;
        }
        let catalog = crate::feed::build_catalog(&[], today);
        let mut st = self.state.borrow_mut();
        st.catalog = catalog;
        st.catalog_day = today;
    }

    /// New data from the feed service. Signage picks it up at the next slide; an open
    /// list is not reshuffled under the visitor's finger.
    pub fn set_feeds(self: &Rc<Self>, catalog: Catalog, status: FeedStatus) {
        {
            let mut st = self.state.borrow_mut();
            st.images.retain_for(&catalog);
            st.catalog = catalog;
            st.feed_status = status;
        }
        let example = self.state.borrow().catalog.example;
        self.window.global::<ui::Kiosk>().set_example_feed(example);
        self.refresh_clock();
        self.load_pictures();
        self.prepare_pictures();
    }

    /// Decodes and scales every picture of the catalog once, ahead of the rotation,
    /// and keeps the result on disk (`images::prepare`): one picture at a time, on a
    /// worker thread of low priority, nothing kept in memory. Later the rotation only
    /// reads small scaled files. A newer catalog stops a worker that is still busy
    /// and starts one with the new list. Only with a picture folder.
    pub fn prepare_pictures(&self) {
        let (sources, dir, generation) = {
            let st = self.state.borrow();
            let Some(dir) = st.image_dir.clone() else {
                return;
            };
            let mut seen = std::collections::HashSet::new();
            let sources: Vec<ImageRef> = st
                .catalog
                .activities()
                .iter()
                .filter_map(|a| a.image.clone())
                .filter(|s| seen.insert(s.clone()))
                .collect();
            (sources, dir, Arc::clone(&st.prepare_generation))
        };
        let mine = generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if sources.is_empty() {
            return;
        }
        let size = self.window.window().size();
        let max = picture_max(size);
        let spawned = std::thread::Builder::new()
            .name("pictures".into())
            .spawn(move || {
                lower_priority();
                for source in sources {
                    if generation.load(std::sync::atomic::Ordering::SeqCst) != mine {
                        return;
                    }
                    // Not downloaded yet or broken: the rotation reports it when the
                    // picture is due; the next catalog tries again.
                    let _ = crate::images::prepare(&source, Some(&dir), max, max);
                }
                crate::memory::give_back();
            });
        if let Err(err) = spawned {
            tracing::warn!("pictures not prepared: {err}");
        }
    }

    /// Decodes and scales the catalog's pictures that are not in memory yet, on a
    /// worker thread; the UI gets them when ready.
    pub fn load_pictures(&self) {
        let wanted = self.picture_sources();
        let (sources, dir) = {
            let mut st = self.state.borrow_mut();
            let missing: Vec<ImageRef> = wanted
                .into_iter()
                .filter(|s| !st.images.has_picture(s) && !st.pictures_pending.contains(s))
                .collect();
            st.pictures_pending.extend(missing.iter().cloned());
            (missing, st.image_dir.clone())
        };
        if sources.is_empty() {
            return;
        }
        let requested = sources.clone();
        let max = picture_max(self.window.window().size());
        std::thread::spawn(move || {
            let pictures: Vec<_> = sources
                .into_iter()
                .filter_map(
                    |source| match crate::images::load(&source, dir.as_deref(), max, max) {
                        Ok(picture) => Some((source, Some(picture))),
                        // Not downloaded yet: the feed service will say when it is.
                        Err(_)
                            if matches!(source, ImageRef::Url(_))
                                && !dir.as_deref().is_some_and(|d| {
                                    crate::image_cache::path_for(
                                        d,
                                        match &source {
                                            ImageRef::Url(u) => u,
                                            _ => "",
                                        },
                                    )
                                    .exists()
                                }) =>
                        {
                            None
                        }
                        Err(err) => {
                            tracing::warn!("picture not shown: {err:#}");
                            Some((source, None))
                        }
                    },
                )
                .collect();
            let _ = slint::invoke_from_event_loop(move || {
                if let Some(c) = Controller::current() {
                    {
                        let mut st = c.state.borrow_mut();
                        for source in &requested {
                            st.pictures_pending.remove(source);
                        }
                    }
                    if !pictures.is_empty() {
                        c.add_pictures(pictures);
                    }
                }
            });
        });
    }

    fn set_screen(&self, screen: ui::Screen) {
        self.state.borrow_mut().screen = screen;
        self.window.global::<ui::Nav>().set_screen(screen);
        self.after_view_change();
    }

    /// A tap on signage: the home screen with today's activities.
    pub fn wake(self: &Rc<Self>) {
        self.rotation.stop();
        {
            let mut st = self.state.borrow_mut();
            st.day_tab = 0;
            st.category.clear();
            st.detail_id = None;
        }
        self.refresh_browse();
        self.set_screen(ui::Screen::Home);
        self.restart_inactivity();
    }

    fn open(self: &Rc<Self>, screen: ui::Screen) {
        self.window
            .global::<ui::Browse>()
            .set_choosing_category(false);
        self.set_screen(screen);
        self.restart_inactivity();
    }

    pub fn open_detail(self: &Rc<Self>, id: &str) {
        self.state.borrow_mut().detail_id = Some(id.to_string());
        self.load_pictures();
        self.refresh_detail();
        self.open(ui::Screen::Detail);
    }

    fn back(self: &Rc<Self>) {
        let screen = self.state.borrow().screen;
        match screen {
            ui::Screen::Home | ui::Screen::Signage | ui::Screen::Admin => self.end_session(),
            ui::Screen::Callback => {
                let (step, from) = {
                    let st = self.state.borrow();
                    (st.form.step, st.form.from)
                };
                match (step, step.previous()) {
                    (FormStep::Done | FormStep::Failed, _) => self.end_session(),
                    (_, Some(previous)) => self.form_step(previous),
                    (_, None) => self.open(from.unwrap_or(ui::Screen::Home)),
                }
            }
            _ => self.open(ui::Screen::Home),
        }
    }

    fn install_form_callbacks(self: &Rc<Self>) {
        let form = self.window.global::<ui::Callback>();
        let weak = Rc::downgrade(self);
        form.on_answer_age(move |adult| {
            if let Some(c) = weak.upgrade() {
                c.form_step(if adult {
                    FormStep::Topic
                } else {
                    FormStep::Under16
                });
            }
        });
        let weak = Rc::downgrade(self);
        form.on_choose_topic(move |key| {
            if let Some(c) = weak.upgrade() {
                let topic = match key.as_str() {
                    "" => None,
                    "activity" => {
                        Some(format!("activity:{}", c.state.borrow().form.activity_title))
                    }
                    other => Some(other.to_string()),
                };
                c.state.borrow_mut().form.topic = topic;
                c.form_step(FormStep::Name);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_type(move |text| {
            if let Some(c) = weak.upgrade() {
                c.form_type(&text);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_erase(move || {
            if let Some(c) = weak.upgrade() {
                {
                    let mut st = c.state.borrow_mut();
                    match st.form.step {
                        FormStep::Name => drop(st.form.name.pop()),
                        FormStep::Phone => drop(st.form.phone.pop()),
                        _ => {}
                    }
                }
                c.sync_form(None);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_next(move || {
            if let Some(c) = weak.upgrade() {
                c.form_next();
            }
        });
        let weak = Rc::downgrade(self);
        form.on_choose_slot(move |slot| {
            if let Some(c) = weak.upgrade() {
                c.state.borrow_mut().form.slot = slot.to_string();
                c.form_step(FormStep::Consent);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_toggle_consent(move || {
            if let Some(c) = weak.upgrade() {
                let consent = !c.state.borrow().form.consent;
                c.state.borrow_mut().form.consent = consent;
                c.sync_form(None);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_confirm(move || {
            if let Some(c) = weak.upgrade() {
                c.form_confirm();
            }
        });
        let weak = Rc::downgrade(self);
        form.on_finish(move || {
            if let Some(c) = weak.upgrade() {
                c.end_session();
            }
        });
    }

    /// "Bel mij terug": a fresh form, with the activity filled in when the visitor
    /// comes from its detail screen.
    fn open_callback(self: &Rc<Self>) {
        let from = self.state.borrow().screen;
        let title = if from == ui::Screen::Detail {
            self.window
                .global::<ui::Detail>()
                .get_activity()
                .title
                .to_string()
        } else {
            String::new()
        };
        self.state.borrow_mut().form = Form {
            activity_title: title,
            from: Some(from),
            ..Form::default()
        };
        self.sync_form(None);
        self.open(ui::Screen::Callback);
    }

    fn form_step(self: &Rc<Self>, step: FormStep) {
        self.state.borrow_mut().form.step = step;
        self.sync_form(None);
        self.restart_inactivity();
        self.after_view_change();
    }

    /// Mirrors the form into the UI; `error` is a code for `CallbackWords.error()`.
    fn sync_form(&self, error: Option<&str>) {
        let st = self.state.borrow();
        let f = &st.form;
        let g = self.window.global::<ui::Callback>();
        g.set_step(f.step.ui());
        g.set_name(f.name.as_str().into());
        g.set_phone(f.phone.as_str().into());
        g.set_activity_title(f.activity_title.as_str().into());
        g.set_slot(f.slot.as_str().into());
        g.set_consent(f.consent);
        g.set_error(error.unwrap_or_default().into());
        g.set_call_within_days(st.config.callback.call_within_days as i32);
    }

    fn form_type(&self, text: &str) {
        {
            let mut st = self.state.borrow_mut();
            let f = &mut st.form;
            match f.step {
                FormStep::Name if f.name.chars().count() < 40 => {
                    // A capital at the start of each part of the name, as people write it.
                    let capital = f.name.is_empty() || f.name.ends_with([' ', '-']);
                    if capital {
                        f.name.extend(text.chars().flat_map(char::to_uppercase));
                    } else {
                        f.name.push_str(text);
                    }
                }
                FormStep::Phone
                    if f.phone.len() < 16 && text.chars().all(|c| c.is_ascii_digit()) =>
                {
                    f.phone.push_str(text);
                }
                _ => {}
            }
        }
        self.sync_form(None);
    }

    fn form_next(self: &Rc<Self>) {
        let step = self.state.borrow().form.step;
        match step {
            FormStep::Name => {
                let name = self.state.borrow().form.name.clone();
                match crate::callback::FirstName::parse(&name) {
                    Ok(_) => self.form_step(FormStep::Phone),
                    Err(e) => self.sync_form(Some(e.code())),
                }
            }
            FormStep::Phone => {
                let phone = self.state.borrow().form.phone.clone();
                match crate::callback::PhoneNumber::parse(&phone) {
                    Ok(_) => self.form_step(FormStep::Time),
                    Err(e) => self.sync_form(Some(e.code())),
                }
            }
            _ => {}
        }
    }

    /// "Ja, bel mij": the request is committed to the outbox before "Dank u wel".
    fn form_confirm(self: &Rc<Self>) {
        // Only once, from the consent step: a second tap must not file a second request.
        {
            let st = self.state.borrow();
            if st.form.step != FormStep::Consent || !st.form.consent {
                return;
            }
        }
        let result = {
            let st = self.state.borrow();
            let f = &st.form;
            let form = crate::callback::Form {
                name: &f.name,
                phone: &f.phone,
                slot: &f.slot,
                topic: f.topic.as_deref(),
                lang: st.lang,
            };
            match &st.outbox {
                Some(outbox) => {
                    crate::callback::submit(outbox, &st.config.kiosk_id, form, st.clock.now())
                }
                None => Err(crate::callback::SubmitError::Save(anyhow::anyhow!(
                    "no outbox"
                ))),
            }
        };
        match result {
            Ok(request) => {
                let g = self.window.global::<ui::Callback>();
                g.set_confirm_name(request.first_name.as_str().into());
                g.set_confirm_phone(request.phone.masked().into());
                if let Some(wake) = &self.state.borrow().delivery {
                    wake.notify_one();
                }
                self.form_step(FormStep::Done);
                // The thank-you stays a short while, then the kiosk is free again.
                let weak = Rc::downgrade(self);
                self.inactivity
                    .start(TimerMode::SingleShot, Duration::from_secs(20), move || {
                        if let Some(c) = weak.upgrade() {
                            c.end_session();
                        }
                    });
            }
            Err(crate::callback::SubmitError::Name(e)) => {
                self.form_step(FormStep::Name);
                self.sync_form(Some(e.code()));
            }
            Err(crate::callback::SubmitError::Phone(e)) => {
                self.form_step(FormStep::Phone);
                self.sync_form(Some(e.code()));
            }
            Err(err) => {
                tracing::error!("callback request not saved: {err}");
                self.form_step(FormStep::Failed);
            }
        }
    }

    fn touched(self: &Rc<Self>) {
        // A touch interrupts the voice.
        self.hush();
        let st = self.state.borrow();
        if st.screen != ui::Screen::Signage && st.countdown == 0 {
            drop(st);
            self.restart_inactivity();
        }
    }

    fn restart_inactivity(self: &Rc<Self>) {
        // The thank-you screen (name, masked number) keeps its own short timer: a
        // touch there must not keep it up for another minute and a half.
        if self.state.borrow().form.step == FormStep::Done {
            return;
        }
        let seconds = u64::from(self.state.borrow().config.session.inactivity_seconds);
        let weak = Rc::downgrade(self);
        self.inactivity.start(
            TimerMode::SingleShot,
            Duration::from_secs(seconds),
            move || {
                if let Some(c) = weak.upgrade() {
                    c.warn();
                }
            },
        );
    }

    /// "Bent u er nog?" with a countdown. On signage (a passer-by only changed the
    /// language) there is nothing to ask: it simply goes back to the default.
    fn warn(self: &Rc<Self>) {
        if self.state.borrow().screen == ui::Screen::Signage {
            self.end_session();
            return;
        }
        let seconds = self.state.borrow().config.session.warning_seconds;
        self.state.borrow_mut().countdown = seconds;
        let nav = self.window.global::<ui::Nav>();
        nav.set_countdown(seconds as i32);
        nav.set_warning(true);
        self.after_view_change();
        let weak = Rc::downgrade(self);
        self.countdown
            .start(TimerMode::Repeated, Duration::from_secs(1), move || {
                if let Some(c) = weak.upgrade() {
                    c.tick_countdown();
                }
            });
    }

    fn tick_countdown(self: &Rc<Self>) {
        let left = {
            let mut st = self.state.borrow_mut();
            st.countdown = st.countdown.saturating_sub(1);
            st.countdown
        };
        self.window.global::<ui::Nav>().set_countdown(left as i32);
        if left == 0 {
            self.end_session();
        }
    }

    fn still_here(self: &Rc<Self>) {
        self.countdown.stop();
        self.state.borrow_mut().countdown = 0;
        self.window.global::<ui::Nav>().set_warning(false);
        self.restart_inactivity();
    }

    /// Back to signage with everything the visitor did forgotten: screen, tab, filter,
    /// selected activity, language.
    pub fn end_session(self: &Rc<Self>) {
        self.inactivity.stop();
        self.countdown.stop();
        self.reset_access();
        let default_lang = {
            let mut st = self.state.borrow_mut();
            st.countdown = 0;
            st.day_tab = 0;
            st.category.clear();
            st.detail_id = None;
            st.form = Form::default();
            st.config.default_language
        };
        self.sync_form(None);
        crate::callback::PhoneNumber::release_patterns();
        self.reset_admin();
        let g = self.window.global::<ui::Callback>();
        g.set_confirm_name(SharedString::default());
        g.set_confirm_phone(SharedString::default());
        let nav = self.window.global::<ui::Nav>();
        nav.set_warning(false);
        let browse = self.window.global::<ui::Browse>();
        browse.set_choosing_category(false);
        self.window
            .global::<ui::Detail>()
            .set_activity(Default::default());
        self.set_screen(ui::Screen::Signage);
        self.set_language(default_lang);
        self.advance();
        self.start_rotation();
    }

    fn refresh_browse(&self) {
        let st = self.state.borrow();
        let browse = self.window.global::<ui::Browse>();
        browse.set_day(st.day_tab);
        browse.set_category(SharedString::from(st.category.as_str()));
        browse.set_items(adapters::browse_items(
            &st.catalog,
            st.day_tab,
            &st.category,
            st.lang,
            st.clock.now(),
        ));
    }

    fn refresh_detail(&self) {
        let mut st = self.state.borrow_mut();
        let Some(id) = st.detail_id.clone() else {
            return;
        };
        let now = st.clock.now();
        let today = st.clock.today();
        let lang = st.lang;
        let Some(activity) = st.catalog.find(&id).cloned() else {
            return;
        };
        let Some(occurrence) = st.catalog.next_of(&activity, now) else {
            return;
        };
        let data = adapters::detail(&occurrence, lang, today, &mut st.images);
        drop(st);
        self.window.global::<ui::Detail>().set_activity(data);
    }

    /// The pictures needed now and soon: the current slide's and the next two
    /// slides' (so a spotlight's picture is decoded before it shows), and the open
    /// activity's; none while the screen is dark. Only these are decoded and kept
    /// (`adapters::MAX_PICTURES`).
    pub fn picture_sources(&self) -> Vec<ImageRef> {
        let playlist = self.playlist();
        let st = self.state.borrow();
        if !st.screen_on {
            // Dark: nothing to show, nothing to decode.
            return Vec::new();
        }
        let now = st.clock.now();
        let mut list: Vec<ImageRef> = (st.step..=st.step + 2)
            .filter_map(|step| playlist.slide(step, now, &st.catalog).spotlight)
            .filter_map(|o| o.activity.image.clone())
            .collect();
        if let Some(id) = &st.detail_id {
            if let Some(image) = st.catalog.find(id).and_then(|a| a.image.clone()) {
                list.push(image);
            }
        }
        list.dedup();
        list
    }

    /// How many decoded pictures are in memory (at most `adapters::MAX_PICTURES`).
    pub fn pictures_in_memory(&self) -> usize {
        self.state.borrow().images.pictures_len()
    }

    /// Hands decoded pictures to the UI and redraws what shows them.
    /// `None`: the picture is broken and gets a neutral placeholder.
    pub fn add_pictures(&self, pictures: Vec<(ImageRef, Option<crate::images::Picture>)>) {
        {
            let mut st = self.state.borrow_mut();
            if !st.screen_on {
                // Decoded while the screen went dark: not kept.
                return;
            }
            for (source, picture) in pictures {
                match picture {
                    Some(p) => st.images.insert_picture(source, &p),
                    None => st.images.mark_broken(source),
                }
            }
        }
        self.refresh_current_slide();
        self.refresh_detail();
    }

    /// Puts the UI into a scene for a screenshot.
    pub fn show_scene(self: &Rc<Self>, scene: Scene) {
        match scene {
            Scene::Signage => {}
            Scene::SignageToday => {
                self.show_first(|k| *k == SlideKind::Today);
            }
            Scene::SignageSpotlight => {
                self.show_first(|k| *k == SlideKind::Spotlight);
            }
            Scene::SignageWeek => {
                self.show_first(|k| *k == SlideKind::Week);
            }
            Scene::SignageCallToAction => {
                self.show_first(|k| *k == SlideKind::CallToAction);
            }
            Scene::SignageHelp => {
                self.show_first(|k| *k == SlideKind::Help);
            }
            Scene::Today | Scene::Tomorrow | Scene::Week | Scene::Categories => {
                self.wake();
                let day = match scene {
                    Scene::Tomorrow => 1,
                    Scene::Week => 2,
                    _ => 0,
                };
                self.state.borrow_mut().day_tab = day;
                self.refresh_browse();
                if scene == Scene::Categories {
                    self.window
                        .global::<ui::Browse>()
                        .set_choosing_category(true);
                }
            }
            Scene::Detail => {
                self.wake();
                let pick = {
                    let st = self.state.borrow();
                    let now = st.clock.now();
                    let candidates = SlidePlaylist::spotlight_candidates(now, &st.catalog);
                    candidates
                        .iter()
                        .find(|o| o.activity.image.is_some() && !o.activity.url.is_empty())
                        .or(candidates.first())
                        .map(|o| o.activity.id.clone())
                };
                if let Some(id) = pick {
                    self.open_detail(&id);
                }
            }
            Scene::Help => {
                self.wake();
                self.open(ui::Screen::Help);
            }
            Scene::Callback => {
                self.wake();
                self.open_callback();
            }
            Scene::CallbackName
            | Scene::CallbackPhone
            | Scene::CallbackConsent
            | Scene::CallbackDone => {
                self.wake();
                self.open_callback();
                {
                    let mut st = self.state.borrow_mut();
                    st.form.name = "Anna".into();
                    st.form.phone = "0612".into();
                    st.form.slot = "morning".into();
                }
                let step = match scene {
                    Scene::CallbackName => FormStep::Name,
                    Scene::CallbackPhone => FormStep::Phone,
                    Scene::CallbackConsent => FormStep::Consent,
                    _ => FormStep::Done,
                };
                self.form_step(step);
            }
            Scene::Warning => {
                self.wake();
                self.warn();
            }
            Scene::AdminPin => {
                self.open_admin();
                self.admin_type("1");
                self.admin_type("2");
            }
            Scene::Admin => {
                self.open_admin();
                self.unlock_admin();
            }
            Scene::Dark => self.set_screen_on(false),
            Scene::Settings => {
                self.wake();
                self.window.global::<ui::Access>().set_panel_open(true);
            }
            Scene::Languages => {
                self.wake();
                self.window.global::<ui::Access>().set_languages_open(true);
            }
        }
    }
}

mod access;
mod operations;

/// The box pictures are scaled to fit: half the window's long side.
fn picture_max(size: slint::PhysicalSize) -> u32 {
    size.width.max(size.height).clamp(480, 3840) / 2
}

/// Background work on this thread yields to the UI (Linux: `setpriority` with
/// `who = 0` applies to the calling thread only).
fn lower_priority() {
    // SAFETY: setpriority only changes this thread's nice value.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
}
