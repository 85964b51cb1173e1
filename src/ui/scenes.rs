//! The scenes `screenshot` and `speak` can show, and how the kiosk is put into each:
//! the same calls a visitor's taps make, with a fixed clock, so the same arguments
//! always give the same picture.

use super::app::App;
use super::generated as ui;
use crate::callback::form::Step;
use crate::playlist::{SlideKind, SlidePlaylist};
use slint::ComponentHandle;
use std::rc::Rc;

/// What `screenshot` can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scene {
    Signage,
    SignageToday,
    SignageSpotlight,
    SignageWeek,
    SignageCallToAction,
    SignageHelp,
    /// The campaign or urgent slide of the first message in force (`--message`).
    SignageMessage,
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
    /// "Waar gaat het over?"
    CallbackTopic,
    /// "Wanneer kunnen we u het beste bellen?"
    CallbackTime,
    /// The answer to a visitor under 16.
    CallbackUnder16,
    /// The keyboard's letters with accents.
    CallbackAccents,
    /// The number step with "Dit nummer is te kort ...".
    CallbackPhoneTooShort,
    /// The number step with "Dit is een kort nummer ..." (the longest message).
    CallbackPhoneShortCode,
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
    pub const ALL: [(&'static str, Scene); 30] = [
        ("signage", Scene::Signage),
        ("signage-today", Scene::SignageToday),
        ("signage-spotlight", Scene::SignageSpotlight),
        ("signage-week", Scene::SignageWeek),
        ("signage-cta", Scene::SignageCallToAction),
        ("signage-help", Scene::SignageHelp),
        ("signage-message", Scene::SignageMessage),
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
        ("callback-topic", Scene::CallbackTopic),
        ("callback-time", Scene::CallbackTime),
        ("callback-under16", Scene::CallbackUnder16),
        ("callback-accents", Scene::CallbackAccents),
        ("callback-phone-too-short", Scene::CallbackPhoneTooShort),
        ("callback-phone-short-code", Scene::CallbackPhoneShortCode),
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

/// Puts the UI into `scene` (what `screenshot` and `speak` show).
pub fn show(app: &Rc<App>, scene: Scene) {
    match scene {
        Scene::Signage => {}
        Scene::SignageToday => {
            app.show_first(|k| *k == SlideKind::Today);
        }
        Scene::SignageSpotlight => {
            app.show_first(|k| *k == SlideKind::Spotlight);
        }
        Scene::SignageWeek => {
            app.show_first(|k| *k == SlideKind::Week);
        }
        Scene::SignageCallToAction => {
            app.show_first(|k| *k == SlideKind::CallToAction);
        }
        Scene::SignageHelp => {
            app.show_first(|k| *k == SlideKind::Help);
        }
        Scene::SignageMessage => {
            // An urgent notice is on screen from the start (it pre-empts the rotation).
            if app.signage.active().urgent.is_empty() {
                app.show_first(|k| matches!(k, SlideKind::Campaign(_)));
            }
        }
        Scene::Today | Scene::Tomorrow | Scene::Week | Scene::Categories => {
            app.wake();
            app.browse.show_day(match scene {
                Scene::Tomorrow => 1,
                Scene::Week => 2,
                _ => 0,
            });
            if scene == Scene::Categories {
                app.browse.choose_category(true);
            }
        }
        Scene::Detail => {
            app.wake();
            let pick = {
                let now = app.ctx.clock.now();
                let catalog = app.ctx.catalog();
                let candidates = SlidePlaylist::spotlight_candidates(now, &catalog);
                candidates
                    .iter()
                    .find(|o| o.activity.image.is_some() && !o.activity.url.is_empty())
                    .or(candidates.first())
                    .map(|o| o.activity.id.clone())
            };
            if let Some(id) = pick {
                app.open_detail(&id);
            }
        }
        Scene::Help => {
            app.wake();
            app.open(ui::Screen::Help);
        }
        Scene::Callback => {
            app.wake();
            app.open_callback();
        }
        Scene::CallbackName
        | Scene::CallbackPhone
        | Scene::CallbackConsent
        | Scene::CallbackDone => {
            app.wake();
            app.open_callback();
            app.form.fill_example();
            app.form.show(match scene {
                Scene::CallbackName => Step::Name,
                Scene::CallbackPhone => Step::Phone,
                Scene::CallbackConsent => Step::Consent,
                _ => Step::Done,
            });
            app.stepped();
        }
        Scene::CallbackTopic | Scene::CallbackTime | Scene::CallbackUnder16 => {
            app.wake();
            app.open_callback();
            app.form.fill_example();
            app.form.show(match scene {
                Scene::CallbackTopic => Step::Topic,
                Scene::CallbackTime => Step::Time,
                _ => Step::Under16,
            });
            app.stepped();
        }
        Scene::CallbackAccents => {
            app.wake();
            app.open_callback();
            app.form.fill_example();
            app.form.show(Step::Name);
            app.ctx.window.global::<ui::Callback>().set_accents(true);
            app.stepped();
        }
        Scene::CallbackPhoneTooShort | Scene::CallbackPhoneShortCode => {
            app.wake();
            app.open_callback();
            app.form.fill_example();
            app.form.show_message(
                Step::Phone,
                if scene == Scene::CallbackPhoneTooShort {
                    "phone-too-short"
                } else {
                    "phone-short-code"
                },
            );
            app.stepped();
        }
        Scene::Warning => {
            app.wake();
            app.idle();
        }
        Scene::AdminPin => {
            app.open_admin();
            app.admin.type_digit("1");
            app.admin.type_digit("2");
        }
        Scene::Admin => {
            app.open_admin();
            app.admin.unlock();
        }
        Scene::Dark => app.set_screen_on(false),
        Scene::Settings => {
            app.wake();
            app.ctx.window.global::<ui::Access>().set_panel_open(true);
        }
        Scene::Languages => {
            app.wake();
            app.ctx
                .window
                .global::<ui::Access>()
                .set_languages_open(true);
        }
    }
}
