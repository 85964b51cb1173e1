//! What speech mode says for the screen on display, read from the accessibility tree:
//! the same accessible labels that screen readers and the UI tests use, so speech
//! never drifts from what the screen shows.
//!
//! Order: the title (`accessible-id: "title"`), the texts, then the choices (buttons,
//! check boxes, input fields by their label). When a panel or the "Bent u er nog?"
//! question is open (`accessible-id: "sheet"`), only that is read. The controls of the
//! top and bottom bars (`"bar"`) are the same on every screen and are left out of the
//! choices; they are read when touched, and so are the keys of a keyboard (`"keys"`),
//! which are never read at all. An element marked `"private"` (the visitor's
//! name or number) is never read: its accessible description is read instead.

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot};
use std::collections::HashSet;

/// At most this many texts and choices: a screen read aloud must stay short.
const MAX_TEXTS: usize = 10;
const MAX_CHOICES: usize = 12;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScreenText {
    pub title: String,
    pub texts: Vec<String>,
    pub choices: Vec<String>,
}

impl ScreenText {
    /// One text for the engine: "Title. Text. Text. Choices: a, b, c."
    pub fn to_speech(&self, choices_word: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.title.is_empty() {
            parts.push(self.title.clone());
        }
        parts.extend(self.texts.iter().cloned());
        if !self.choices.is_empty() {
            parts.push(format!("{choices_word}: {}", self.choices.join(", ")));
        }
        // Each part ends a sentence, so that the voice pauses between them.
        parts
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                if p.ends_with(['.', '?', '!']) {
                    p.to_string()
                } else {
                    format!("{}.", p.trim_end_matches(':'))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A label as it is spoken and printed: the no-break spaces and word joiners that keep
/// numbers and times on one line on screen (`adapters::keep_together`) are plain
/// spaces, or nothing, to the voice.
fn plain(label: &str) -> String {
    label.replace('\u{a0}', " ").replace('\u{2060}', "")
}

fn shown(e: &ElementHandle) -> bool {
    let size = e.size();
    size.width > 0.0 && size.height > 0.0 && e.computed_opacity() > 0.01
}

fn id_is(e: &ElementHandle, wanted: &str) -> bool {
    e.accessible_id().is_some_and(|id| id == wanted)
}

/// Reads the screen of `root` as speech mode would say it.
pub fn read(root: &impl ElementRoot) -> ScreenText {
    let all = root.root_element().query_descendants().find_all();
    // A panel on top: only that.
    let sheet = all
        .iter()
        .rev()
        .find(|e| id_is(e, "sheet") && shown(e))
        .cloned();
    let elements = match &sheet {
        Some(s) => s.query_descendants().find_all(),
        None => all,
    };
    // Labels of the bars' controls and of keyboard keys, to leave out of the choices.
    let mut bar_labels: HashSet<String> = HashSet::new();
    if sheet.is_none() {
        for bar in elements
            .iter()
            .filter(|e| id_is(e, "bar") || id_is(e, "keys"))
        {
            for e in bar.query_descendants().find_all() {
                if let Some(label) = e.accessible_label() {
                    if !id_is(&e, "title") {
                        bar_labels.insert(plain(&label));
                    }
                }
            }
        }
    }
    // Texts inside a control (an activity card's time and place) belong to the control:
    // they are read when it is touched, not with the screen.
    let mut inside_controls: HashSet<String> = HashSet::new();
    for control in elements
        .iter()
        .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
    {
        for e in control.query_descendants().find_all() {
            if e.accessible_role() == Some(AccessibleRole::Text) {
                if let Some(label) = e.accessible_label() {
                    inside_controls.insert(plain(&label));
                }
            }
        }
    }
    let mut out = ScreenText::default();
    let mut seen: HashSet<String> = HashSet::new();
    for e in &elements {
        if !shown(e) {
            continue;
        }
        let role = e.accessible_role().unwrap_or(AccessibleRole::None);
        let private = id_is(e, "private");
        let label = if private {
            e.accessible_description().map(|d| plain(&d))
        } else {
            e.accessible_label().map(|l| plain(&l))
        };
        let Some(label) = label
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        if id_is(e, "title") && out.title.is_empty() {
            seen.insert(label.clone());
            out.title = label;
            continue;
        }
        let is_text = role == AccessibleRole::Text;
        let is_choice = matches!(
            role,
            AccessibleRole::Button
                | AccessibleRole::Checkbox
                | AccessibleRole::TextInput
                | AccessibleRole::Switch
        );
        let known = seen.contains(&label);
        match () {
            _ if is_text
                && (private || !(known || inside_controls.contains(&label)))
                && out.texts.len() < MAX_TEXTS =>
            {
                seen.insert(label.clone());
                out.texts.push(label);
            }
            _ if is_choice
                && !bar_labels.contains(&label)
                && !known
                && out.choices.len() < MAX_CHOICES =>
            {
                seen.insert(label.clone());
                out.choices.push(label);
            }
            _ => {}
        }
    }
    out
}
