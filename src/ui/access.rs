//! The visitor's own settings (the `Access` global and the theme): speech mode, text
//! size, high contrast, volume and the language panel. All of them end with the visit.
//!
//! Speech mode: a screen is read aloud when it appears (title, texts, choices; see
//! `speech_text`), a control is read at the first touch and works at the second
//! (the "armed" control lives in the `Access` global), any other touch stops the
//! voice, "Herhaal" reads the screen again. The visitor's name and number are never
//! read: they are taken out of whatever would be said (`without_personal_data`).

use super::context::Context;
use super::generated as ui;
use crate::i18n::Lang;
use crate::speech::Speaker;
use slint::ComponentHandle;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Settings {
    speech: bool,
    volume: i32,
    text_size: i32,
    high_contrast: bool,
}

/// Text size steps: normal, large, extra large.
const SCALES: [f32; 3] = [1.0, 1.25, 1.5];

pub struct Access {
    ctx: Rc<Context>,
    settings: Cell<Settings>,
    /// Speech mode's voice; `None`: speech is not available on this machine.
    speaker: Option<Arc<dyn Speaker>>,
}

impl Access {
    /// Builds the controller and answers the global's callbacks that only change the
    /// settings; "Herhaal" and reading a control also count as a touch, so the owner
    /// answers those (`repeat`, `say_control`).
    pub fn new(ctx: Rc<Context>, speaker: Option<Arc<dyn Speaker>>) -> Rc<Access> {
        let access = Rc::new(Access {
            ctx,
            settings: Cell::default(),
            speaker,
        });
        let g = access.ctx.window.global::<ui::Access>();
        g.set_speech_available(access.speaker.is_some());
        let weak = Rc::downgrade(&access);
        g.on_toggle_speech(move || {
            if let Some(a) = weak.upgrade() {
                a.set_speech(!a.settings.get().speech);
            }
        });
        let weak = Rc::downgrade(&access);
        g.on_set_text_size(move |size| {
            if let Some(a) = weak.upgrade() {
                a.update(|s| s.text_size = size.clamp(0, 2));
            }
        });
        let weak = Rc::downgrade(&access);
        g.on_set_high_contrast(move |on| {
            if let Some(a) = weak.upgrade() {
                a.update(|s| s.high_contrast = on);
            }
        });
        let weak = Rc::downgrade(&access);
        g.on_change_volume(move |step| {
            if let Some(a) = weak.upgrade() {
                a.change_volume(step);
            }
        });
        let weak = Rc::downgrade(&access);
        g.on_open_panel(move |open| {
            if let Some(a) = weak.upgrade() {
                a.ctx.window.global::<ui::Access>().set_panel_open(open);
                a.after_view_change();
            }
        });
        let weak = Rc::downgrade(&access);
        g.on_open_languages(move |open| {
            if let Some(a) = weak.upgrade() {
                a.ctx.window.global::<ui::Access>().set_languages_open(open);
                a.after_view_change();
            }
        });
        access
    }

    fn update(&self, change: impl FnOnce(&mut Settings)) {
        let mut settings = self.settings.get();
        change(&mut settings);
        self.settings.set(settings);
        self.sync();
    }

    fn set_speech(&self, on: bool) {
        if on && self.speaker.is_none() {
            return;
        }
        self.update(|s| s.speech = on);
        if on {
            self.announce();
        } else {
            self.hush();
        }
    }

    fn change_volume(&self, step: i32) {
        self.update(|s| s.volume = (s.volume + step.signum()).clamp(-3, 3));
        // Say something at the new volume, so the visitor hears the change.
        self.say(match self.ctx.lang() {
            Lang::Nl => "Zo hard.",
            Lang::En => "This loud.",
            Lang::Tr => "Bu kadar yüksek.",
            Lang::Pl => "Tak głośno.",
        });
    }

    /// The settings into the globals (and the theme).
    fn sync(&self) {
        let a = self.settings.get();
        let g = self.ctx.window.global::<ui::Access>();
        g.set_speech(a.speech);
        g.set_volume(a.volume);
        g.set_text_size(a.text_size);
        g.set_high_contrast(a.high_contrast);
        let theme = self.ctx.window.global::<ui::Theme>();
        theme.set_scale(SCALES[a.text_size.clamp(0, 2) as usize]);
        theme.set_high_contrast(a.high_contrast);
    }

    /// Back to the defaults (the end of a visit): speech off and silent, default
    /// volume, normal text, the configured colours (`theme`), panels closed.
    pub fn reset(&self) {
        self.hush();
        self.settings.set(Settings {
            high_contrast: self.ctx.config().high_contrast,
            ..Settings::default()
        });
        let g = self.ctx.window.global::<ui::Access>();
        g.set_panel_open(false);
        g.set_languages_open(false);
        g.set_armed(Default::default());
        self.sync();
    }

    /// A new screen, step or panel: nothing is armed any more, and with speech on
    /// the new view is read.
    pub fn after_view_change(&self) {
        self.ctx
            .window
            .global::<ui::Access>()
            .set_armed(Default::default());
        self.announce();
    }

    /// Stops the voice (a touch, the end of a visit).
    pub fn hush(&self) {
        if let Some(speaker) = &self.speaker {
            speaker.stop();
        }
    }

    /// Says `text` (a control's label), if speech is on.
    pub fn say(&self, text: &str) {
        if !self.settings.get().speech {
            return;
        }
        if let Some(speaker) = &self.speaker {
            let settings = self.settings.get();
            speaker.say(
                &self.without_personal_data(text),
                self.ctx.lang(),
                settings.volume,
            );
        }
    }

    /// Reads the view on screen, if speech is on.
    pub fn announce(&self) {
        if !self.settings.get().speech {
            return;
        }
        let text = self.screen_speech();
        self.say(&text);
    }

    /// Text size (0, 1, 2) and contrast, as the visitor's panel sets them (previews).
    pub fn set_look(&self, text_size: i32, high_contrast: bool) {
        self.update(|s| {
            s.text_size = text_size.clamp(0, 2);
            s.high_contrast = high_contrast;
        });
    }

    /// Previews show the kiosk as it looks with a loudspeaker.
    pub fn preview_with_speech(&self) {
        self.ctx
            .window
            .global::<ui::Access>()
            .set_speech_available(true);
    }

    /// What speech mode says for the current view.
    pub fn screen_speech(&self) -> String {
        let text = super::speech_text::read(&self.ctx.window)
            .to_speech(crate::i18n::choices_word(self.ctx.lang()));
        self.without_personal_data(&text)
    }

    /// The visitor's name and number (as the callback form holds them) are never
    /// said aloud, whatever a screen shows.
    fn without_personal_data(&self, text: &str) -> String {
        let form = self.ctx.window.global::<ui::Callback>();
        let (name, phone) = (form.get_name(), form.get_phone());
        let mut out = text.to_string();
        let name = name.trim();
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
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            out = out.replace(&digits, "");
        }
        out
    }
}
