//! What every UI controller shares, and nothing else: the window, the configuration,
//! the clock, the catalog (with the feeds' status), the visitor's language, and which
//! screen shows. Controllers read it; the window owner (`app.rs`) changes it.

use super::generated::{self as ui, AppWindow};
use crate::config::Config;
use crate::feed::Catalog;
use crate::feed_service::FeedStatus;
use crate::i18n::Lang;
use crate::playlist::SlidePlaylist;
use crate::time::Clock;
use slint::ComponentHandle;
use std::cell::{Cell, Ref, RefCell};
use std::sync::Arc;

pub struct Context {
    pub window: AppWindow,
    pub clock: Arc<dyn Clock>,
    config: RefCell<Arc<Config>>,
    catalog: RefCell<Catalog>,
    /// The local date the catalog was built for (the example moves with the week).
    catalog_day: Cell<chrono::NaiveDate>,
    feed_status: RefCell<FeedStatus>,
    lang: Cell<Lang>,
    screen: Cell<ui::Screen>,
    /// False outside the screen schedule's opening hours.
    screen_on: Cell<bool>,
    /// Counts the catalogs set, so that an agenda made for an older one is dropped.
    generation: Cell<u64>,
    /// The day an agenda is being made for on a worker thread.
    renewing: Cell<Option<chrono::NaiveDate>>,
}

impl Context {
    pub fn new(
        window: AppWindow,
        config: Arc<Config>,
        clock: Arc<dyn Clock>,
        catalog: Catalog,
    ) -> Context {
        let lang = config.default_language;
        let catalog = with_agenda(catalog, clock.today());
        Context {
            window,
            catalog_day: Cell::new(clock.today()),
            clock,
            config: RefCell::new(config),
            catalog: RefCell::new(catalog),
            feed_status: RefCell::new(FeedStatus::default()),
            lang: Cell::new(lang),
            screen: Cell::new(ui::Screen::Signage),
            screen_on: Cell::new(true),
            generation: Cell::new(0),
            renewing: Cell::new(None),
        }
    }

    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.borrow())
    }

    pub(super) fn set_config(&self, config: Arc<Config>) {
        *self.config.borrow_mut() = config;
    }

    pub fn catalog(&self) -> Ref<'_, Catalog> {
        self.catalog.borrow()
    }

    pub fn feed_status(&self) -> Ref<'_, FeedStatus> {
        self.feed_status.borrow()
    }

    pub(super) fn set_feeds(&self, catalog: Catalog, status: FeedStatus) {
        *self.catalog.borrow_mut() = with_agenda(catalog, self.clock.today());
        *self.feed_status.borrow_mut() = status;
        self.generation.set(self.generation.get() + 1);
    }

    /// On a new day the catalog's agenda (the occurrences of the coming days) is
    /// made again on a worker thread, never here: until it arrives, yesterday's
    /// agenda still covers the week ahead. (The services thread hands over a newly
    /// prepared catalog at every refresh anyway; this is for long refresh intervals.)
    pub(super) fn renew_agenda(&self) {
        let today = self.clock.today();
        let catalog = self.catalog.borrow();
        let stale = catalog.agenda_day().is_some_and(|day| day < today);
        if !stale || self.renewing.get() == Some(today) {
            return;
        }
        self.renewing.set(Some(today));
        let catalog = catalog.clone();
        let generation = self.generation.get();
        let spawned = std::thread::Builder::new()
            .name("agenda".into())
            .spawn(move || {
                let catalog = catalog.prepared(today);
                // Err: the event loop has ended; nothing to show.
                let _ = slint::invoke_from_event_loop(move || {
                    if let Some(app) = super::App::current() {
                        app.ctx.agenda_ready(generation, catalog);
                    }
                });
            });
        if let Err(err) = spawned {
            tracing::warn!("agenda not renewed: {err}");
        }
    }

    /// A renewed agenda, unless a newer catalog came meanwhile.
    fn agenda_ready(&self, generation: u64, catalog: Catalog) {
        if self.generation.get() == generation {
            *self.catalog.borrow_mut() = catalog;
        }
    }

    /// The bundled example is placed in the current week when it is read: it is read
    /// again when the local date changes. (Real feeds come from the feed service.)
    pub(super) fn move_example_to_today(&self) {
        let today = self.clock.today();
        if self.catalog_day.get() == today || !self.catalog.borrow().example {
            return;
        }
        *self.catalog.borrow_mut() = crate::feed::bundled::catalog(today);
        self.catalog_day.set(today);
    }

    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    pub(super) fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
    }

    pub fn screen(&self) -> ui::Screen {
        self.screen.get()
    }

    pub(super) fn set_screen(&self, screen: ui::Screen) {
        self.screen.set(screen);
        self.window.global::<ui::Nav>().set_screen(screen);
    }

    pub fn screen_on(&self) -> bool {
        self.screen_on.get()
    }

    /// Only the flag: the owner decides when the UI goes dark or lights up.
    pub(super) fn set_screen_on(&self, on: bool) {
        self.screen_on.set(on);
    }

    pub fn size(&self) -> slint::PhysicalSize {
        self.window.window().size()
    }

    /// The slide playlist for this configuration, window and text size.
    pub fn playlist(&self) -> SlidePlaylist {
        let size = self.size();
        let scale = self.window.global::<ui::Theme>().get_scale();
        SlidePlaylist::for_screen(&self.config.borrow(), size.width, size.height, scale)
    }
}

/// The catalog with its agenda. Those from the services thread (and the first one)
/// come prepared; one without (tests, tools) is prepared here, within its budget.
fn with_agenda(catalog: Catalog, today: chrono::NaiveDate) -> Catalog {
    if catalog.agenda_day().is_some() {
        catalog
    } else {
        catalog.prepared(today)
    }
}
