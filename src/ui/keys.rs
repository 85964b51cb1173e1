//! Keys (issue 21): the whole kiosk from a keyboard or a USB numeric keypad.
//!
//! One `FocusScope` at the top of the window (`ui/app.slint`) hands every key to
//! `Keys.key`. [`command`] says what a key means (a pure function, unit-tested);
//! [`Focus`] keeps which control has the focus and where the ring is drawn. The
//! controls are read from the accessibility tree, like speech mode's text
//! (`speech_text`): every button and check box that is on screen, wholly in view
//! (not scrolled away, not cut by the window) and enabled, in the order of the
//! screen: top to bottom, then left to right. With a panel or "Bent u er nog?" open,
//! only its controls. The ring is drawn above everything, so nothing covers it.
//!
//! Keypad: 8 2 4 6 move, 5 activates, 0 back, `+` speech, `*` help, 9 and 3 louder
//! and softer, 7 repeats the screen, `.` erases. Keyboard: Tab, Shift+Tab and the
//! arrows move, Enter or Space activates, Escape goes back, PageUp and PageDown set
//! the volume, Home repeats. On the name step letters type into the name, on the
//! number step digits into the number (there the keypad's digits type too, and
//! `/` goes back). See `docs/accessibility.md`.

use super::app::App;
use super::context::Context;
use super::generated as ui;
use crate::i18n::Lang;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot};
use slint::platform::Key;
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Next,
    Previous,
    Up,
    Down,
    Left,
    Right,
    Activate,
    Back,
    Speech,
    Help,
    Louder,
    Softer,
    Repeat,
    Erase,
    Type(String),
    /// Any other key: on signage it starts a visit, elsewhere it only counts as a touch.
    Other,
}

/// Where typed characters go in the current view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    None,
    /// The name step: letters, space, hyphen and apostrophe.
    Letters,
    /// The number step and the admin PIN: digits (also the keypad's).
    Digits,
}

fn is(text: &str, key: Key) -> bool {
    let c: char = key.into();
    text.chars().eq(std::iter::once(c))
}

/// What a key means. `text` is what Slint delivers: a character, or a private-use
/// code for a special key (`slint::platform::Key`). A numeric keypad delivers "8"
/// with Num Lock on and the arrow, Home, PageUp, Insert codes with it off (under
/// winit; see `docs/accessibility.md` for LinuxKMS).
pub fn command(text: &str, shift: bool, typing: Typing) -> Command {
    let digits = typing == Typing::Digits;
    let letters = typing == Typing::Letters;
    if is(text, Key::Tab) {
        return if shift {
            Command::Previous
        } else {
            Command::Next
        };
    }
    if is(text, Key::Backtab) {
        return Command::Previous;
    }
    let single = {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    };
    let Some(c) = single else {
        return Command::Other;
    };
    match c {
        _ if is(text, Key::UpArrow) => Command::Up,
        _ if is(text, Key::DownArrow) => Command::Down,
        _ if is(text, Key::LeftArrow) => Command::Left,
        _ if is(text, Key::RightArrow) => Command::Right,
        // KP_Enter arrives as "\r" under LinuxKMS.
        '\n' | '\r' => Command::Activate,
        _ if is(text, Key::Escape) || is(text, Key::Insert) => Command::Back,
        _ if is(text, Key::PageUp) => Command::Louder,
        _ if is(text, Key::PageDown) => Command::Softer,
        _ if is(text, Key::Home) => Command::Repeat,
        _ if is(text, Key::Backspace) || is(text, Key::Delete) => Command::Erase,
        '+' => Command::Speech,
        '*' => Command::Help,
        '/' => Command::Back,
        '.' if typing != Typing::None => Command::Erase,
        '-' if digits => Command::Erase,
        ' ' if letters => Command::Type(" ".into()),
        ' ' => Command::Activate,
        '0'..='9' if digits => Command::Type(c.to_string()),
        '8' => Command::Up,
        '2' => Command::Down,
        '4' => Command::Left,
        '6' => Command::Right,
        '5' => Command::Activate,
        '0' => Command::Back,
        '9' => Command::Louder,
        '3' => Command::Softer,
        '7' => Command::Repeat,
        _ if letters && (c.is_alphabetic() || c == '-' || c == '\'') => {
            Command::Type(c.to_string())
        }
        _ => Command::Other,
    }
}

/// A rectangle in logical pixels of the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    fn of(e: &ElementHandle) -> Rect {
        let p = e.absolute_position();
        let s = e.size();
        Rect {
            x: p.x,
            y: p.y,
            width: s.width,
            height: s.height,
        }
    }
    fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
    fn within(&self, outer: &Rect) -> bool {
        const SLACK: f32 = 0.5;
        self.x >= outer.x - SLACK
            && self.y >= outer.y - SLACK
            && self.x + self.width <= outer.x + outer.width + SLACK
            && self.y + self.height <= outer.y + outer.height + SLACK
    }
    /// Rounded, to recognise one element found twice.
    fn key(&self) -> (i32, i32, i32, i32) {
        (
            self.x.round() as i32,
            self.y.round() as i32,
            self.width.round() as i32,
            self.height.round() as i32,
        )
    }
}

/// A control the focus can reach.
pub struct Control {
    pub handle: ElementHandle,
    pub label: String,
    pub rect: Rect,
    /// In a bar (top, bottom, a scroll area's buttons): the focus starts on the
    /// content (a keyboard is content).
    pub bar: bool,
    /// The form's "Verder" key.
    pub next: bool,
}

fn id_is(e: &ElementHandle, wanted: &str) -> bool {
    e.accessible_id().is_some_and(|id| id == wanted)
}

fn shown(e: &ElementHandle) -> bool {
    let size = e.size();
    size.width > 0.0 && size.height > 0.0 && e.computed_opacity() > 0.01
}

fn is_control(e: &ElementHandle) -> bool {
    matches!(
        e.accessible_role(),
        Some(AccessibleRole::Button | AccessibleRole::Checkbox | AccessibleRole::Switch)
    )
}

/// The controls the focus can reach on the window's current view, in focus order.
pub fn controls(root: &impl ElementRoot, window: Rect) -> Vec<Control> {
    let all = root.root_element().query_descendants().find_all();
    let sheet = all
        .iter()
        .rev()
        .find(|e| id_is(e, "sheet") && shown(e))
        .cloned();
    let scope = match &sheet {
        Some(s) => s.query_descendants().find_all(),
        None => all.clone(),
    };
    // Controls in a scrolling area count only when wholly in its view.
    let mut hidden: HashSet<(i32, i32, i32, i32)> = HashSet::new();
    for flick in all.iter().filter(|e| {
        e.id()
            .is_some_and(|id| id == "ScrollArea::flick" || id.ends_with("::flick"))
    }) {
        let view = Rect::of(flick);
        for e in flick.query_descendants().find_all() {
            if is_control(&e) {
                let r = Rect::of(&e);
                if !r.within(&view) {
                    hidden.insert(r.key());
                }
            }
        }
    }
    let mut in_bars: HashSet<(i32, i32, i32, i32)> = HashSet::new();
    for group in scope.iter().filter(|e| id_is(e, "bar")) {
        for e in group.query_descendants().find_all() {
            if is_control(&e) {
                in_bars.insert(Rect::of(&e).key());
            }
        }
    }
    let mut found: Vec<Control> = Vec::new();
    for e in scope {
        if !is_control(&e) || !shown(&e) || e.accessible_enabled() == Some(false) {
            continue;
        }
        let Some(label) = e
            .accessible_label()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        let rect = Rect::of(&e);
        if !rect.within(&window) || hidden.contains(&rect.key()) {
            continue;
        }
        if found
            .iter()
            .any(|c| c.rect.key() == rect.key() && c.label == label)
        {
            continue;
        }
        found.push(Control {
            bar: in_bars.contains(&rect.key()),
            next: id_is(&e, "next"),
            handle: e,
            label,
            rect,
        });
    }
    order(&mut found);
    found
}

/// Top to bottom, then left to right: controls whose middle lies within the first
/// control of a row (by height) share that row.
fn order(controls: &mut [Control]) {
    controls.sort_by(|a, b| a.rect.y.total_cmp(&b.rect.y));
    let mut rows: Vec<usize> = Vec::with_capacity(controls.len());
    let mut row = 0;
    let mut row_bottom = f32::NEG_INFINITY;
    for c in controls.iter() {
        let middle = c.rect.y + c.rect.height / 2.0;
        if middle > row_bottom {
            if !rows.is_empty() {
                row += 1;
            }
            row_bottom = c.rect.y + c.rect.height;
        }
        rows.push(row);
    }
    let mut keyed: Vec<(usize, f32, usize)> = rows
        .iter()
        .zip(controls.iter())
        .enumerate()
        .map(|(i, (r, c))| (*r, c.rect.x, i))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let permutation: Vec<usize> = keyed.iter().map(|k| k.2).collect();
    apply_permutation(controls, &permutation);
}

fn apply_permutation(controls: &mut [Control], permutation: &[usize]) {
    // `permutation[i]` is the index (before) of the control that goes to place i.
    let mut done = vec![false; controls.len()];
    for start in 0..controls.len() {
        if done[start] {
            continue;
        }
        let mut place = start;
        loop {
            done[place] = true;
            let from = permutation[place];
            if from == start {
                break;
            }
            controls.swap(place, from);
            // After the swap, what was at `from` is at `place`; continue the cycle.
            place = from;
        }
    }
}

/// The control in `direction` from `from`: the nearest whose middle lies that way,
/// weighing the sideways distance double. Left and right without a control in that
/// row go to the previous / next in order, so the arrows alone reach every control.
fn neighbour(list: &[Control], from: usize, command: &Command) -> Option<usize> {
    let (fx, fy) = list[from].rect.center();
    let here = list[from].rect;
    let mut best: Option<(f32, usize)> = None;
    for (i, c) in list.iter().enumerate() {
        if i == from {
            continue;
        }
        let (x, y) = c.rect.center();
        let (dx, dy) = (x - fx, y - fy);
        let same_row = y > here.y && y < here.y + here.height;
        let score = match command {
            Command::Up if dy < -1.0 => -dy + 2.0 * dx.abs(),
            Command::Down if dy > 1.0 => dy + 2.0 * dx.abs(),
            Command::Left if dx < -1.0 && same_row => -dx,
            Command::Right if dx > 1.0 && same_row => dx,
            _ => continue,
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, i));
        }
    }
    match (best, command) {
        (Some((_, i)), _) => Some(i),
        (None, Command::Left) => from.checked_sub(1),
        (None, Command::Right) => (from + 1 < list.len()).then_some(from + 1),
        _ => None,
    }
}

/// The focused control, remembered by its label and place (the tree is read anew at
/// every key).
#[derive(Debug, Clone)]
struct Focused {
    label: String,
    rect: Rect,
}

/// Which control has the focus and where the ring is.
pub(super) struct Focus {
    ctx: Rc<Context>,
    focused: RefCell<Option<Focused>>,
    /// The last input was a key (the ring shows); a touch hides it.
    keyboard: Cell<bool>,
    /// A key is being handled: the touches it causes do not hide the ring.
    handling: Cell<bool>,
}

impl Focus {
    pub(super) fn new(ctx: Rc<Context>) -> Rc<Focus> {
        Rc::new(Focus {
            ctx,
            focused: RefCell::new(None),
            keyboard: Cell::new(false),
            handling: Cell::new(false),
        })
    }

    fn window_rect(&self) -> Rect {
        let size = self.ctx.window.window().size();
        let scale = self.ctx.window.window().scale_factor();
        Rect {
            x: 0.0,
            y: 0.0,
            width: size.width as f32 / scale,
            height: size.height as f32 / scale,
        }
    }

    /// The controls of the current view, in focus order.
    pub(super) fn controls(&self) -> Vec<Control> {
        controls(&self.ctx.window, self.window_rect())
    }

    /// Where the focus is now in `list`, if it is still there.
    fn position(&self, list: &[Control]) -> Option<usize> {
        let focused = self.focused.borrow();
        let f = focused.as_ref()?;
        let (fx, fy) = f.rect.center();
        list.iter()
            .enumerate()
            .filter(|(_, c)| c.label == f.label)
            .min_by(|(_, a), (_, b)| {
                let d = |c: &Control| {
                    let (x, y) = c.rect.center();
                    (x - fx).abs() + (y - fy).abs()
                };
                d(a).total_cmp(&d(b))
            })
            .map(|(i, _)| i)
    }

    fn set(&self, control: Option<&Control>) {
        let keys = self.ctx.window.global::<ui::Keys>();
        match control {
            Some(c) => {
                *self.focused.borrow_mut() = Some(Focused {
                    label: c.label.clone(),
                    rect: c.rect,
                });
                keys.set_ring_x(c.rect.x);
                keys.set_ring_y(c.rect.y);
                keys.set_ring_width(c.rect.width);
                keys.set_ring_height(c.rect.height);
                keys.set_focused(c.label.as_str().into());
                keys.set_ring_shown(self.keyboard.get());
            }
            None => {
                *self.focused.borrow_mut() = None;
                keys.set_ring_shown(false);
                keys.set_focused(Default::default());
            }
        }
    }

    /// The first control of the view's content (not of its bars), else the first.
    fn first(list: &[Control]) -> Option<usize> {
        list.iter()
            .position(|c| !c.bar)
            .or(if list.is_empty() { None } else { Some(0) })
    }

    /// A new view: nothing has the focus. With keys in use the focus goes to the new
    /// view's first control at once (see `refocus`).
    pub(super) fn clear(&self) {
        self.set(None);
    }

    /// After a view change caused by a key (or a timer while keys are in use): the
    /// focus on the first control of the content, ring shown.
    pub(super) fn refocus(&self) {
        if !self.keyboard.get() {
            return;
        }
        let list = self.controls();
        self.set(Self::first(&list).map(|i| &list[i]));
    }

    /// The ring follows its control when the layout changed under it (text size).
    fn follow(&self) {
        let list = self.controls();
        match self.position(&list) {
            Some(i) => self.set(Some(&list[i])),
            None => self.set(Self::first(&list).map(|i| &list[i])),
        }
    }

    /// A touch: the ring goes (it comes back with the next key).
    pub(super) fn touched(&self) {
        if self.handling.get() {
            return;
        }
        self.keyboard.set(false);
        self.ctx.window.global::<ui::Keys>().set_ring_shown(false);
    }

    /// The label of the focused control (tests, speech).
    pub fn focused(&self) -> Option<String> {
        self.focused.borrow().as_ref().map(|f| f.label.clone())
    }

    /// Moves the focus; returns the newly focused control's label.
    fn step(&self, command: &Command) -> Option<String> {
        let list = self.controls();
        if list.is_empty() {
            self.set(None);
            return None;
        }
        let target = match self.position(&list) {
            // The first key after a new view shows where the focus is.
            None => match command {
                Command::Previous | Command::Up => list.len() - 1,
                _ => Self::first(&list).unwrap_or(0),
            },
            Some(i) => match command {
                Command::Next => (i + 1) % list.len(),
                Command::Previous => (i + list.len() - 1) % list.len(),
                other => neighbour(&list, i, other).unwrap_or(i),
            },
        };
        let label = list[target].label.clone();
        self.set(Some(&list[target]));
        Some(label)
    }

    /// Focus on the form's "Verder" (after typing, Enter moves on).
    fn to_next_key(&self) {
        let list = self.controls();
        if let Some(c) = list.iter().find(|c| c.next) {
            self.set(Some(c));
        }
    }

    /// Activates the focused control (its accessible default action, the same as a
    /// second touch in speech mode). Without a focus, the first key focuses.
    fn activate(&self) -> bool {
        let list = self.controls();
        match self.position(&list) {
            Some(i) => {
                list[i].handle.invoke_accessible_default_action();
                true
            }
            None => {
                self.set(Self::first(&list).map(|i| &list[i]));
                false
            }
        }
    }
}

/// The few words said when speech mode is started with the speech key.
pub fn keys_explained(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "Voorlezen staat aan. Met de toetsen 8, 2, 4 en 6 gaat u naar een knop. Met 5 kiest u. Met 0 gaat u terug. Met plus zet u voorlezen uit. Met ster krijgt u hulp. 9 is harder, 3 is zachter.",
        Lang::En => "Reading aloud is on. Keys 8, 2, 4 and 6 move to a button. 5 chooses. 0 goes back. Plus turns reading aloud off. Star is for help. 9 is louder, 3 is softer.",
        Lang::Tr => "Sesli okuma açık. 8, 2, 4 ve 6 tuşlarıyla bir düğmeye gidersiniz. 5 ile seçersiniz. 0 ile geri gidersiniz. Artı sesli okumayı kapatır. Yıldız yardım içindir. 9 daha yüksek, 3 daha alçak.",
        Lang::Pl => "Czytanie na głos jest włączone. Klawisze 8, 2, 4 i 6 przechodzą do przycisku. 5 wybiera. 0 wraca. Plus wyłącza czytanie. Gwiazdka to pomoc. 9 głośniej, 3 ciszej.",
    }
}

impl App {
    /// Where typing goes on the current view.
    fn typing(&self) -> Typing {
        let nav = self.ctx.window.global::<ui::Nav>();
        if nav.get_warning() {
            return Typing::None;
        }
        let access = self.ctx.window.global::<ui::Access>();
        if access.get_panel_open() || access.get_languages_open() {
            return Typing::None;
        }
        match self.ctx.screen() {
            ui::Screen::Callback => match self.ctx.window.global::<ui::Callback>().get_step() {
                ui::CallbackStep::Name => Typing::Letters,
                ui::CallbackStep::Phone => Typing::Digits,
                _ => Typing::None,
            },
            ui::Screen::Admin if !self.ctx.window.global::<ui::Admin>().get_unlocked() => {
                Typing::Digits
            }
            _ => Typing::None,
        }
    }

    /// Which view is on screen (a change moves the focus to the new view's start).
    fn view(&self) -> String {
        let w = &self.ctx.window;
        let access = w.global::<ui::Access>();
        format!(
            "{:?}/{:?}/{}/{}/{}/{}",
            self.ctx.screen(),
            w.global::<ui::Callback>().get_step(),
            access.get_panel_open(),
            access.get_languages_open(),
            w.global::<ui::Nav>().get_warning(),
            w.global::<ui::Browse>().get_choosing_category(),
        )
    }

    /// A key from the window's `FocusScope`. Returns whether it was used.
    pub(super) fn key(self: &Rc<Self>, text: &str, shift: bool, modified: bool) -> bool {
        if modified {
            return false;
        }
        if !self.ctx.screen_on() {
            return true;
        }
        let command = command(text, shift, self.typing());
        self.focus.keyboard.set(true);
        self.focus.handling.set(true);
        self.key_command(command);
        self.focus.handling.set(false);
        true
    }

    fn key_command(self: &Rc<Self>, command: Command) {
        let nav = self.ctx.window.global::<ui::Nav>();
        let access = self.ctx.window.global::<ui::Access>();
        if self.ctx.screen() == ui::Screen::Signage {
            // Any key starts a visit; the speech key with speech on and the keys
            // explained, help's key on the help screen.
            match command {
                Command::Help => nav.invoke_open_help(),
                Command::Speech => {
                    self.wake();
                    self.access.speech_on_with(keys_explained(self.ctx.lang()));
                }
                _ => self.wake(),
            }
            self.focus.refocus();
            return;
        }
        let before = self.view();
        // A key counts as a touch (the inactivity timer, the voice).
        self.touched();
        match command {
            Command::Next
            | Command::Previous
            | Command::Up
            | Command::Down
            | Command::Left
            | Command::Right => {
                if let Some(label) = self.focus.step(&command) {
                    self.access.say(&label);
                }
                return;
            }
            Command::Activate => {
                if !self.focus.activate() {
                    if let Some(label) = self.focus.focused() {
                        self.access.say(&label);
                    }
                    return;
                }
            }
            Command::Back => {
                let form_open = self
                    .ctx
                    .window
                    .global::<ui::Browse>()
                    .get_choosing_category();
                if access.get_panel_open() {
                    access.invoke_open_panel(false);
                } else if access.get_languages_open() {
                    access.invoke_open_languages(false);
                } else if form_open {
                    self.ctx
                        .window
                        .global::<ui::Browse>()
                        .invoke_choose_category(false);
                } else if nav.get_warning() {
                    nav.invoke_still_here();
                } else {
                    nav.invoke_back();
                }
            }
            // Never on the admin screen: its PIN pad must not be read out.
            Command::Speech if self.ctx.screen() == ui::Screen::Admin => {}
            Command::Speech => access.invoke_toggle_speech(),
            Command::Help => {
                if self.ctx.screen() != ui::Screen::Help {
                    nav.invoke_open_help();
                }
            }
            Command::Louder => access.invoke_change_volume(1),
            Command::Softer => access.invoke_change_volume(-1),
            Command::Repeat => access.invoke_repeat(),
            Command::Erase => match self.ctx.screen() {
                ui::Screen::Admin => self.ctx.window.global::<ui::Admin>().invoke_erase(),
                _ => self.ctx.window.global::<ui::Callback>().invoke_erase(),
            },
            Command::Type(text) => {
                match self.ctx.screen() {
                    ui::Screen::Admin => self
                        .ctx
                        .window
                        .global::<ui::Admin>()
                        .invoke_type(text.as_str().into()),
                    _ => {
                        self.ctx
                            .window
                            .global::<ui::Callback>()
                            .invoke_type(text.as_str().into());
                        self.access.echo(&text);
                    }
                }
                self.focus.to_next_key();
                return;
            }
            Command::Other => return,
        }
        if self.view() != before {
            self.focus.refocus();
        } else {
            self.focus.follow();
        }
    }

    /// The label of the control with the keyboard focus (tests).
    pub fn focused(&self) -> Option<String> {
        self.focus.focused()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: Key) -> String {
        let c: char = k.into();
        c.to_string()
    }

    #[test]
    fn keypad_and_keyboard_keys_mean_the_same_everywhere_but_where_one_types() {
        use Command::*;
        let none = Typing::None;
        for (text, want) in [
            ("8", Up),
            ("2", Down),
            ("4", Left),
            ("6", Right),
            ("5", Activate),
            ("0", Back),
            ("+", Speech),
            ("*", Help),
            ("9", Louder),
            ("3", Softer),
            ("7", Repeat),
            ("\n", Activate),
            ("\r", Activate),
            (" ", Activate),
            ("/", Back),
            ("x", Other),
        ] {
            assert_eq!(command(text, false, none), want, "{text:?}");
        }
        assert_eq!(command(&key(Key::Tab), false, none), Next);
        assert_eq!(command(&key(Key::Tab), true, none), Previous);
        assert_eq!(command(&key(Key::Backtab), false, none), Previous);
        assert_eq!(command(&key(Key::UpArrow), false, none), Up);
        assert_eq!(command(&key(Key::Escape), false, none), Back);
        // Num Lock off: the keypad's 0, 9, 3 and 7.
        assert_eq!(command(&key(Key::Insert), false, none), Back);
        assert_eq!(command(&key(Key::PageUp), false, none), Louder);
        assert_eq!(command(&key(Key::PageDown), false, none), Softer);
        assert_eq!(command(&key(Key::Home), false, none), Repeat);
        // The name step: letters and space type, digits still move.
        let letters = Typing::Letters;
        assert_eq!(command("a", false, letters), Type("a".into()));
        assert_eq!(command("É", false, letters), Type("É".into()));
        assert_eq!(command(" ", false, letters), Type(" ".into()));
        assert_eq!(command("-", false, letters), Type("-".into()));
        assert_eq!(command("8", false, letters), Up);
        assert_eq!(command(&key(Key::Backspace), false, letters), Erase);
        // The number step: every digit types, `-` and `.` erase, `/` goes back.
        let digits = Typing::Digits;
        for d in '0'..='9' {
            assert_eq!(command(&d.to_string(), false, digits), Type(d.to_string()));
        }
        assert_eq!(command("-", false, digits), Erase);
        assert_eq!(command(".", false, digits), Erase);
        assert_eq!(command("/", false, digits), Back);
        assert_eq!(command("\n", false, digits), Activate);
        assert_eq!(command("a", false, digits), Other);
    }
}
