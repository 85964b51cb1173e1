//! The callback form on screen (the `Callback` global). The steps and their rules are
//! `callback::form::Entry`; this file mirrors the entry into the global, and on "Ja,
//! bel mij" commits the request to the outbox before the thank-you shows, then wakes
//! delivery (with `callback.demo`: the same checks, nothing stored or sent). What a step change means for the rest of the kiosk (the inactivity timer,
//! speech) is the window owner's: the methods here say what happened.

use super::context::Context;
use super::generated as ui;
use crate::callback::form::{Entry, Step};
use crate::callback::outbox::Outbox;
use crate::callback::SubmitError;
use slint::{ComponentHandle, SharedString};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

/// Where "Terug" leads from the form.
pub enum Back {
    /// To an earlier question.
    Step,
    /// Out of the form, to the screen it was opened from.
    Leave(ui::Screen),
    /// The form has ended: the visit ends.
    End,
}

/// What "Ja, bel mij" did.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Not on the consent step with the box ticked (or a second tap): nothing.
    Ignored,
    /// On disk; the thank-you shows.
    Saved,
    /// The name or number was refused after all: back on that step with a message.
    Refused,
    /// Could not be saved: the apology with the intake's number shows.
    Failed,
}

pub struct Callback {
    ctx: Rc<Context>,
    entry: RefCell<Entry>,
    /// The screen the form was opened from.
    from: Cell<Option<ui::Screen>>,
    outbox: Option<Rc<Outbox>>,
    /// Woken after a request was saved, so delivery starts at once.
    delivery: Option<Arc<tokio::sync::Notify>>,
}

impl Callback {
    /// Builds the controller and answers the global's callbacks that only change the
    /// entry (keys, erase, the consent box); the owner answers those that move on.
    pub fn new(
        ctx: Rc<Context>,
        outbox: Option<Rc<Outbox>>,
        delivery: Option<Arc<tokio::sync::Notify>>,
    ) -> Rc<Callback> {
        let form = Rc::new(Callback {
            ctx,
            entry: RefCell::default(),
            from: Cell::new(None),
            outbox,
            delivery,
        });
        let g = form.ctx.window.global::<ui::Callback>();
        let weak = Rc::downgrade(&form);
        g.on_type(move |text| {
            if let Some(f) = weak.upgrade() {
                f.entry.borrow_mut().type_text(&text);
                f.sync(None);
            }
        });
        let weak = Rc::downgrade(&form);
        g.on_erase(move || {
            if let Some(f) = weak.upgrade() {
                f.entry.borrow_mut().erase();
                f.sync(None);
            }
        });
        let weak = Rc::downgrade(&form);
        g.on_toggle_consent(move || {
            if let Some(f) = weak.upgrade() {
                f.entry.borrow_mut().toggle_consent();
                f.sync(None);
            }
        });
        form
    }

    pub fn step(&self) -> Step {
        self.entry.borrow().step
    }

    /// A fresh form opened from `from`, about `activity_title` ("" for none).
    pub fn open(&self, from: ui::Screen, activity_title: String) {
        *self.entry.borrow_mut() = Entry::new(activity_title);
        self.from.set(Some(from));
        self.sync(None);
    }

    /// Shows step `step` (with no message).
    pub fn show(&self, step: Step) {
        self.entry.borrow_mut().step = step;
        self.sync(None);
    }

    /// Shows step `step` with the message `code` (`CallbackWords.error`), as the
    /// checks would: for screenshot scenes.
    pub fn show_message(&self, step: Step, code: &str) {
        self.entry.borrow_mut().step = step;
        self.sync(Some(code));
    }

    pub fn answer_age(&self, adult: bool) {
        self.entry.borrow_mut().answer_age(adult);
        self.sync(None);
    }

    pub fn choose_topic(&self, key: &str) {
        self.entry.borrow_mut().choose_topic(key);
        self.sync(None);
    }

    pub fn choose_slot(&self, slot: &str) {
        self.entry.borrow_mut().choose_slot(slot);
        self.sync(None);
    }

    /// "Verder": true when the step changed, false when a message says what is wrong.
    pub fn proceed(&self) -> bool {
        let before = self.step();
        let result = self.entry.borrow_mut().proceed();
        match result {
            Ok(()) => {
                self.sync(None);
                self.step() != before
            }
            Err(code) => {
                self.sync(Some(code));
                false
            }
        }
    }

    /// Where "Terug" leads; an earlier question is shown at once.
    pub fn back(&self) -> Back {
        let step = self.step();
        if step.is_final() {
            return Back::End;
        }
        match step.previous() {
            Some(previous) => {
                self.show(previous);
                Back::Step
            }
            None => Back::Leave(self.from.get().unwrap_or(ui::Screen::Home)),
        }
    }

    /// "Ja, bel mij": the request is committed to the outbox before "Dank u wel".
    pub fn confirm(&self) -> Confirmed {
        // Only once, from the consent step: a second tap must not file a second request.
        if !self.entry.borrow().can_confirm() {
            return Confirmed::Ignored;
        }
        let ctx = &self.ctx;
        let demo = ctx.config().callback.demo;
        let result = {
            let entry = self.entry.borrow();
            let form = entry.request(ctx.lang());
            match &self.outbox {
                // A demonstration: the same checks, nothing stored or sent.
                _ if demo => crate::callback::check(form, ctx.clock.now()),
                Some(outbox) => {
                    crate::callback::submit(outbox, &ctx.config().kiosk_id, form, ctx.clock.now())
                }
                None => Err(SubmitError::Save(anyhow::anyhow!("no outbox"))),
            }
        };
        match result {
            Ok(request) => {
                let g = ctx.window.global::<ui::Callback>();
                g.set_confirm_name(request.first_name.as_str().into());
                g.set_confirm_phone(super::adapters::keep_together(&request.phone.masked()).into());
                if demo {
                    tracing::info!("demo callback request: nothing stored or sent");
                } else if let Some(wake) = &self.delivery {
                    wake.notify_one();
                }
                self.show(Step::Done);
                Confirmed::Saved
            }
            Err(SubmitError::Name(e)) => {
                self.show(Step::Name);
                self.sync(Some(e.code()));
                Confirmed::Refused
            }
            Err(SubmitError::Phone(e)) => {
                self.show(Step::Phone);
                self.sync(Some(e.code()));
                Confirmed::Refused
            }
            Err(err) => {
                tracing::error!("callback request not saved: {err}");
                self.show(Step::Failed);
                Confirmed::Failed
            }
        }
    }

    /// Everything the visitor entered is forgotten (the end of a visit).
    pub fn clear(&self) {
        *self.entry.borrow_mut() = Entry::default();
        self.from.set(None);
        self.sync(None);
        crate::callback::PhoneNumber::release_patterns();
        let g = self.ctx.window.global::<ui::Callback>();
        g.set_confirm_name(SharedString::default());
        g.set_confirm_phone(SharedString::default());
    }

    /// A name, number and time as a visitor might enter them (screenshot scenes).
    pub fn fill_example(&self) {
        let mut entry = self.entry.borrow_mut();
        entry.name = "Anna".into();
        entry.phone = "0612".into();
        entry.slot = "morning".into();
    }

    /// Mirrors the entry into the UI; `error` is a code for `CallbackWords.error()`.
    fn sync(&self, error: Option<&str>) {
        let e = self.entry.borrow();
        let g = self.ctx.window.global::<ui::Callback>();
        if g.get_step() != ui_step(e.step) {
            // A new step starts with the plain letters.
            g.set_accents(false);
        }
        g.set_step(ui_step(e.step));
        g.set_name(e.name.as_str().into());
        g.set_phone(e.phone.as_str().into());
        g.set_activity_title(e.activity_title.as_str().into());
        g.set_slot(e.slot.as_str().into());
        g.set_consent(e.consent);
        g.set_error(error.unwrap_or_default().into());
        g.set_call_within_days(self.ctx.config().callback.call_within_days as i32);
    }
}

fn ui_step(step: Step) -> ui::CallbackStep {
    match step {
        Step::Age => ui::CallbackStep::Age,
        Step::Under16 => ui::CallbackStep::Under16,
        Step::Topic => ui::CallbackStep::Topic,
        Step::Name => ui::CallbackStep::Name,
        Step::Phone => ui::CallbackStep::Phone,
        Step::Time => ui::CallbackStep::Time,
        Step::Consent => ui::CallbackStep::Consent,
        Step::Done => ui::CallbackStep::Done,
        Step::Failed => ui::CallbackStep::Failed,
    }
}
