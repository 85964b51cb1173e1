//! The visitor's own settings: speech mode, text size, high contrast, volume and the
//! language panel. All of them end with the session.
//!
//! Speech mode: a screen is read aloud when it appears (title, texts, choices; see
//! `ui::speech_text`), a control is read at the first touch and works at the second
//! (the "armed" control lives in the `Access` global), any other touch stops the
//! voice, "Herhaal" reads the screen again. The visitor's name and number are never
//! read.

use super::{ui, Controller};
use crate::i18n::Lang;
use slint::ComponentHandle;
use std::rc::Rc;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct AccessState {
    pub speech: bool,
    pub volume: i32,
    pub text_size: i32,
    pub high_contrast: bool,
}

/// Text size steps: normal, large, extra large.
const SCALES: [f32; 3] = [1.0, 1.25, 1.5];

impl Controller {
    pub(super) fn install_access_callbacks(self: &Rc<Self>) {
        let g = self.window.global::<ui::Access>();
        g.set_speech_available(self.state.borrow().speaker.is_some());
        let weak = Rc::downgrade(self);
        g.on_toggle_speech(move || {
            if let Some(c) = weak.upgrade() {
                let on = !c.state.borrow().access.speech;
                c.set_speech(on);
            }
        });
        let weak = Rc::downgrade(self);
        g.on_repeat(move || {
            if let Some(c) = weak.upgrade() {
                c.restart_inactivity();
                c.announce();
            }
        });
        let weak = Rc::downgrade(self);
        g.on_say(move |label| {
            if let Some(c) = weak.upgrade() {
                c.restart_inactivity();
                c.say(&label);
            }
        });
        let weak = Rc::downgrade(self);
        g.on_set_text_size(move |size| {
            if let Some(c) = weak.upgrade() {
                c.state.borrow_mut().access.text_size = size.clamp(0, 2);
                c.sync_access();
            }
        });
        let weak = Rc::downgrade(self);
        g.on_set_high_contrast(move |on| {
            if let Some(c) = weak.upgrade() {
                c.state.borrow_mut().access.high_contrast = on;
                c.sync_access();
            }
        });
        let weak = Rc::downgrade(self);
        g.on_change_volume(move |step| {
            if let Some(c) = weak.upgrade() {
                let volume = {
                    let mut st = c.state.borrow_mut();
                    st.access.volume = (st.access.volume + step.signum()).clamp(-3, 3);
                    st.access.volume
                };
                c.window.global::<ui::Access>().set_volume(volume);
                let lang = c.state.borrow().lang;
                // Say something at the new volume, so the visitor hears the change.
                c.say(match lang {
                    Lang::Nl => "Zo hard.",
                    Lang::En => "This loud.",
                    Lang::Tr => "Bu kadar yüksek.",
                    Lang::Pl => "Tak głośno.",
                });
            }
        });
        let weak = Rc::downgrade(self);
        g.on_open_panel(move |open| {
            if let Some(c) = weak.upgrade() {
                c.window.global::<ui::Access>().set_panel_open(open);
                c.after_view_change();
            }
        });
        let weak = Rc::downgrade(self);
        g.on_open_languages(move |open| {
            if let Some(c) = weak.upgrade() {
                c.window.global::<ui::Access>().set_languages_open(open);
                c.after_view_change();
            }
        });
    }

    fn set_speech(self: &Rc<Self>, on: bool) {
        if on && self.state.borrow().speaker.is_none() {
            return;
        }
        self.state.borrow_mut().access.speech = on;
        self.sync_access();
        if on {
            self.announce();
        } else {
            self.hush();
        }
    }

    /// The settings into the globals (and the theme).
    pub(super) fn sync_access(&self) {
        let a = self.state.borrow().access;
        let g = self.window.global::<ui::Access>();
        g.set_speech(a.speech);
        g.set_volume(a.volume);
        g.set_text_size(a.text_size);
        g.set_high_contrast(a.high_contrast);
        let theme = self.window.global::<ui::Theme>();
        theme.set_scale(SCALES[a.text_size.clamp(0, 2) as usize]);
        theme.set_high_contrast(a.high_contrast);
    }

    /// Back to the defaults (session end): speech off and silent, default volume,
    /// normal text, the configured colours (`theme`), panels closed.
    pub(super) fn reset_access(&self) {
        self.hush();
        {
            let mut st = self.state.borrow_mut();
            st.access = AccessState {
                high_contrast: st.config.high_contrast,
                ..AccessState::default()
            };
        }
        let g = self.window.global::<ui::Access>();
        g.set_panel_open(false);
        g.set_languages_open(false);
        g.set_armed(Default::default());
        self.sync_access();
    }

    /// A new screen, step or panel: nothing is armed any more, and with speech on
    /// the new view is read.
    pub(super) fn after_view_change(&self) {
        self.window
            .global::<ui::Access>()
            .set_armed(Default::default());
        self.announce();
    }

    /// Stops the voice (a touch, the end of a session).
    pub(super) fn hush(&self) {
        if let Some(speaker) = &self.state.borrow().speaker {
            speaker.stop();
        }
    }

    fn say(&self, text: &str) {
        let st = self.state.borrow();
        if !st.access.speech {
            return;
        }
        if let Some(speaker) = &st.speaker {
            speaker.say(&self.without_personal_data(text), st.lang, st.access.volume);
        }
    }

    /// Reads the view on screen, if speech is on.
    pub(super) fn announce(&self) {
        if !self.state.borrow().access.speech {
            return;
        }
        let text = self.screen_speech();
        self.say(&text);
    }

    /// Text size (0, 1, 2) and contrast, as the visitor's panel sets them (previews).
    pub fn set_look(&self, text_size: i32, high_contrast: bool) {
        {
            let mut st = self.state.borrow_mut();
            st.access.text_size = text_size.clamp(0, 2);
            st.access.high_contrast = high_contrast;
        }
        self.sync_access();
    }

    /// Previews show the kiosk as it looks with a loudspeaker.
    pub fn preview_with_speech(&self) {
        self.window
            .global::<ui::Access>()
            .set_speech_available(true);
    }

    pub fn language(&self) -> Lang {
        self.state.borrow().lang
    }

    /// What speech mode says for the current view.
    pub fn screen_speech(&self) -> String {
        let lang = self.state.borrow().lang;
        let text = super::super::speech_text::read(&self.window)
            .to_speech(crate::i18n::choices_word(lang));
        self.without_personal_data(&text)
    }

    /// The visitor's name and number are never said aloud, whatever a screen shows.
    fn without_personal_data(&self, text: &str) -> String {
        let st = self.state.borrow();
        let mut out = text.to_string();
        let name = st.form.name.trim();
        if name.chars().count() >= 2 {
            // Every occurrence, as typed and in any case ("Anna", "ANNA", "anna").
            out = out.replace(name, "");
            let needle = name.to_lowercase();
            loop {
                let lower = out.to_lowercase();
                let Some(pos) = lower.find(&needle) else {
                    break;
                };
                // Lower-casing can change lengths outside ASCII: only cut where the
                // positions still line up.
                if lower.len() != out.len()
                    || !out.is_char_boundary(pos)
                    || !out.is_char_boundary(pos + needle.len())
                {
                    break;
                }
                out.replace_range(pos..pos + needle.len(), "");
            }
        }
        let digits: String = st.form.phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            out = out.replace(&digits, "");
        }
        out
    }
}
