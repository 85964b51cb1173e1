//! Browsing (the `Browse` and `Detail` globals): the day tabs (today, tomorrow, this
//! week), the filter by kind, and the open activity. Lists are built when asked for
//! and not reshuffled under the visitor's finger when new feed data arrives.

use super::context::Context;
use super::generated as ui;
use super::pictures::Pictures;
use crate::feed::ImageRef;
use slint::{ComponentHandle, SharedString};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct Browse {
    ctx: Rc<Context>,
    /// 0 today, 1 tomorrow, 2 this week.
    day: Cell<i32>,
    /// The category key filtered on ("" = all).
    category: RefCell<String>,
    /// The activity whose detail is open.
    detail: RefCell<Option<String>>,
}

impl Browse {
    /// Builds the controller and answers the `Browse` global's callbacks (they only
    /// change what this controller shows).
    pub fn new(ctx: Rc<Context>) -> Rc<Browse> {
        let browse = Rc::new(Browse {
            ctx,
            day: Cell::new(0),
            category: RefCell::default(),
            detail: RefCell::default(),
        });
        let g = browse.ctx.window.global::<ui::Browse>();
        let weak = Rc::downgrade(&browse);
        g.on_select_day(move |day| {
            if let Some(b) = weak.upgrade() {
                b.show_day(day);
            }
        });
        let weak = Rc::downgrade(&browse);
        g.on_select_category(move |key| {
            if let Some(b) = weak.upgrade() {
                *b.category.borrow_mut() = key.to_string();
                b.choose_category(false);
                b.refresh();
            }
        });
        let weak = Rc::downgrade(&browse);
        g.on_choose_category(move |open| {
            if let Some(b) = weak.upgrade() {
                b.choose_category(open);
            }
        });
        browse
    }

    /// Today, tomorrow (1) or this week (2).
    pub fn show_day(&self, day: i32) {
        self.day.set(day.clamp(0, 2));
        self.refresh();
    }

    /// Opens or closes the list of kinds.
    pub fn choose_category(&self, open: bool) {
        self.ctx
            .window
            .global::<ui::Browse>()
            .set_choosing_category(open);
    }

    /// Back to today's full list, nothing open (a new visit; also the end of one).
    pub fn reset(&self) {
        self.day.set(0);
        self.category.borrow_mut().clear();
        *self.detail.borrow_mut() = None;
    }

    /// The end of a visit: also the UI's copy of the open activity is dropped.
    pub fn clear(&self) {
        self.reset();
        self.choose_category(false);
        self.ctx
            .window
            .global::<ui::Detail>()
            .set_activity(Default::default());
    }

    /// The list for the tab and filter, as of now.
    pub fn refresh(&self) {
        let ctx = &self.ctx;
        let browse = ctx.window.global::<ui::Browse>();
        let category = self.category.borrow();
        browse.set_day(self.day.get());
        browse.set_category(SharedString::from(category.as_str()));
        browse.set_items(super::adapters::browse_items(
            &ctx.catalog(),
            self.day.get(),
            &category,
            ctx.lang(),
            ctx.clock.now(),
        ));
    }

    /// Selects the activity to show in detail (`refresh_detail` fills it in).
    pub fn select(&self, id: &str) {
        *self.detail.borrow_mut() = Some(id.to_string());
    }

    /// The open activity's next occurrence into the `Detail` global.
    pub fn refresh_detail(&self, pictures: &Pictures) {
        let ctx = &self.ctx;
        let Some(id) = self.detail.borrow().clone() else {
            return;
        };
        let now = ctx.clock.now();
        let today = ctx.clock.today();
        let data = {
            let catalog = ctx.catalog();
            let Some(activity) = catalog.find(&id).cloned() else {
                return;
            };
            let Some(occurrence) = catalog.next_of(&activity, now) else {
                return;
            };
            super::adapters::detail(&occurrence, ctx.lang(), today, &mut pictures.store())
        };
        ctx.window.global::<ui::Detail>().set_activity(data);
    }

    /// The open activity's picture, if any.
    pub fn picture(&self) -> Option<ImageRef> {
        let id = self.detail.borrow();
        let catalog = self.ctx.catalog();
        id.as_deref()
            .and_then(|id| catalog.find(id))
            .and_then(|a| a.image.clone())
    }

    /// The title of the open activity (the callback form's topic).
    pub fn open_title(&self) -> String {
        self.ctx
            .window
            .global::<ui::Detail>()
            .get_activity()
            .title
            .to_string()
    }
}
