//! The visitor's own settings (the `Access` global and the theme): speech mode, text
//! size, high contrast, volume and the language panel. All of them end with the visit.
//!
//! Speech mode: a screen is read aloud when it appears (title, texts, choices; see
//! `speech_text`), a control is read at the first touch and works at the second
//! (the "armed" control lives in the `Access` global), any other touch stops the
//! voice, "Herhaal" reads the screen again. The visitor's name and number are never
//! read: they are taken out of whatever would be said (`without_personal_data`).
//!
//! Private listening (issue 21): with a headset (a USB sound card, `speech::
//! watch_headsets`) or a configured `[speech] private_output`, speech goes there, and
//! only there can the visitor have their name and number read back (`read_back`);
//! the moment the headset goes, the voice stops.

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
    /// What the visitor switched on during this visit (speech, larger text, high
    /// contrast), for the figures; cleared by `reset`.
    used: Cell<(bool, bool, bool)>,
    /// A USB headset's ALSA device, while one is plugged in.
    headset: std::cell::RefCell<Option<String>>,
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
            used: Cell::default(),
            headset: std::cell::RefCell::new(None),
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
        let (speech, larger, contrast) = self.used.get();
        self.used.set((
            speech || settings.speech,
            larger || settings.text_size > 0,
            contrast || (settings.high_contrast && !self.ctx.config().high_contrast),
        ));
        self.sync();
    }

    /// What the visitor switched on since the last `reset` (speech, larger text, high
    /// contrast).
    pub fn used(&self) -> (bool, bool, bool) {
        self.used.get()
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
        g.set_private_output(self.speaker.is_some() && self.private_device().is_some());
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
        self.used.set(Default::default());
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
            speaker.say_to(
                &self.without_personal_data(text),
                self.ctx.lang(),
                settings.volume,
                self.private_device().as_deref(),
            );
        }
    }

    /// The private output speech goes to, if any: a headset plugged in, else the
    /// configured `[speech] private_output`.
    pub fn private_device(&self) -> Option<String> {
        self.headset
            .borrow()
            .clone()
            .or_else(|| self.ctx.config().private_output.clone())
    }

    /// A headset appeared (`Some`) or went (`None`). Returns whether there is now a
    /// private output where there was none. When it goes, the voice stops at once:
    /// whatever was being read back must not go on anywhere else.
    pub fn set_headset(&self, device: Option<String>) -> bool {
        let before = self.private_device().is_some();
        let gone = device.is_none() && self.headset.borrow().is_some();
        *self.headset.borrow_mut() = device;
        if gone {
            self.hush();
        }
        self.sync();
        !before && self.private_device().is_some()
    }

    /// Speech on (if available), saying `intro` before the screen (the speech key
    /// on signage, a headset plugged in).
    pub fn speech_on_with(&self, intro: &str) {
        if self.speaker.is_none() {
            return;
        }
        self.update(|s| s.speech = true);
        let text = format!("{intro} {}", self.screen_speech());
        self.say(&text);
    }

    /// A character typed on a hardware keyboard, said only on a private output.
    pub fn echo(&self, typed: &str) {
        if self.settings.get().speech && self.private_device().is_some() {
            let spoken = if typed == " " {
                read_back_words(self.ctx.lang()).space
            } else {
                typed
            };
            self.say_private(spoken);
        }
    }

    /// "Lees voor wat ik heb ingevuld": the name and the number (digit by digit), only
    /// on a private output; on the loudspeaker nothing at all.
    pub fn read_back(&self) {
        let form = self.ctx.window.global::<ui::Callback>();
        let text = read_back_text(
            self.ctx.lang(),
            form.get_step(),
            form.get_name().as_str(),
            form.get_phone().as_str(),
        );
        self.say_private(&text);
    }

    /// Says `text` on the private output, and nowhere else.
    fn say_private(&self, text: &str) {
        let (Some(speaker), Some(device)) = (&self.speaker, self.private_device()) else {
            return;
        };
        speaker.say_to(
            text,
            self.ctx.lang(),
            self.settings.get().volume,
            Some(&device),
        );
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

/// The words of the read-back, per language.
struct ReadBackWords {
    name: &'static str,
    phone: &'static str,
    empty: &'static str,
    space: &'static str,
}

fn read_back_words(lang: Lang) -> ReadBackWords {
    match lang {
        Lang::Nl => ReadBackWords {
            name: "Voornaam",
            phone: "Telefoonnummer",
            empty: "nog niets ingevuld",
            space: "spatie",
        },
        Lang::En => ReadBackWords {
            name: "First name",
            phone: "Phone number",
            empty: "nothing entered yet",
            space: "space",
        },
        Lang::Tr => ReadBackWords {
            name: "Adınız",
            phone: "Telefon numarası",
            empty: "henüz bir şey girilmedi",
            space: "boşluk",
        },
        Lang::Pl => ReadBackWords {
            name: "Imię",
            phone: "Numer telefonu",
            empty: "jeszcze nic nie wpisano",
            space: "spacja",
        },
    }
}

/// What the read-back says on a step: the name on the name step, the number digit by
/// digit on the number step, both on the consent step.
pub fn read_back_text(lang: Lang, step: ui::CallbackStep, name: &str, phone: &str) -> String {
    let words = read_back_words(lang);
    let name_part = || {
        let name = name.trim();
        format!(
            "{}: {}.",
            words.name,
            if name.is_empty() { words.empty } else { name }
        )
    };
    let phone_part = || {
        let digits: Vec<String> = phone
            .chars()
            .filter(char::is_ascii_digit)
            .map(|d| d.to_string())
            .collect();
        format!(
            "{}: {}.",
            words.phone,
            if digits.is_empty() {
                words.empty.to_string()
            } else {
                digits.join(" ")
            }
        )
    };
    match step {
        ui::CallbackStep::Name => name_part(),
        ui::CallbackStep::Phone => phone_part(),
        _ => format!("{} {}", name_part(), phone_part()),
    }
}
