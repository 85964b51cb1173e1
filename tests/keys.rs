//! Keys, the focus ring and private listening (issue 21), on a real renderer: the
//! kiosk's own headless platform (`ui::headless`, Slint's software renderer), so
//! that the focus ring is checked in the pixels of every step. Key events go in
//! through the window as a keyboard or keypad sends them
//! (`WindowEvent::KeyPressed`/`KeyReleased`); time is the platform's mock clock.
//!
//! Index:
//! - keyboard_alone_from_signage_to_detail_and_through_the_form
//! - keypad_alone_with_speech_from_signage_through_the_form
//! - back_escape_and_zero_and_panels
//! - keys_count_as_touches_and_the_warning_takes_the_focus
//! - focus_order_follows_the_screen
//! - private_read_back_only_on_a_headset_and_stops_when_it_goes
//! - configured_private_output_and_plugging_in_on_signage
//! - focus_ring_contrast_in_both_themes
//! - focus_ring_screenshots (writes docs/img/focus-ring-*.png with
//!   SAMEN_KIOSK_FOCUS_SHOTS=docs/img)
//!
//! Own harness (`harness = false`): the platform is set once per process.

use i_slint_backend_testing::ElementHandle;
use samen_kiosk::callback::delivery::{Channel, Webhook};
use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::i18n::Lang;
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Access, Callback, CallbackStep, Keys, Nav, Screen, Theme};
use samen_kiosk::ui::headless::Headless;
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::platform::{Key, WindowEvent};
use slint::ComponentHandle;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Saturday 28 November 2026, 10:42 in Hilversum.
const NOW: &str = "2026-11-28T10:42:00+01:00";
const HEADSET: &str = "plughw:CARD=Headset,DEV=0";

/// A fake audio back end: what would be said, and where (`None`: the loudspeaker),
/// and every stop, in order.
#[derive(Default)]
struct Audio {
    log: Mutex<Vec<Event>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    Said(String, Option<String>),
    Stopped,
}

impl samen_kiosk::speech::Speaker for Audio {
    fn say(&self, text: &str, _lang: Lang, _volume: i32) {
        self.log
            .lock()
            .unwrap()
            .push(Event::Said(text.to_string(), None));
    }
    fn say_to(&self, text: &str, _lang: Lang, _volume: i32, device: Option<&str>) {
        self.log
            .lock()
            .unwrap()
            .push(Event::Said(text.to_string(), device.map(str::to_string)));
    }
    fn stop(&self) {
        self.log.lock().unwrap().push(Event::Stopped);
    }
}

impl Audio {
    fn events(&self) -> Vec<Event> {
        self.log.lock().unwrap().clone()
    }
    fn last_said(&self) -> Option<(String, Option<String>)> {
        self.events().into_iter().rev().find_map(|e| match e {
            Event::Said(t, d) => Some((t, d)),
            Event::Stopped => None,
        })
    }
    fn on_loudspeaker(&self) -> String {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Said(t, None) => Some(t),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
    fn clear(&self) {
        self.log.lock().unwrap().clear();
    }
}

struct Kiosk {
    app: Rc<App>,
    audio: Arc<Audio>,
    _state: tempfile::TempDir,
}

fn configured() -> Config {
    let mut config = Config::default();
    config.callback.channel = Some(Channel::Webhook(Webhook {
        url: "https://intake.example.org/hook".into(),
        secret: samen_kiosk::signing::Secret::new("0123456789abcdef0123"),
    }));
    config
}

fn kiosk(screen: &mut Headless, config: Config, size: (u32, u32)) -> Kiosk {
    screen.resize(size, 1.0);
    let clock = Arc::new(FixedClock::new(parse_instant(NOW).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let state = tempfile::tempdir().expect("temporary directory");
    let audio = Arc::new(Audio::default());
    let window = AppWindow::new().expect("window");
    let app = App::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock,
            catalog: Catalog::new(feed.activities, true),
            image_dir: None,
            state_dir: Some(state.path().to_path_buf()),
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: Some(audio.clone()),
        },
    );
    app.window()
        .window()
        .set_size(slint::PhysicalSize::new(size.0, size.1));
    app.window().show().expect("show");
    screen.redraw();
    Kiosk {
        app,
        audio,
        _state: state,
    }
}

fn send(app: &App, text: &str) {
    let window = app.window().window();
    window.dispatch_event(WindowEvent::KeyPressed { text: text.into() });
    window.dispatch_event(WindowEvent::KeyReleased { text: text.into() });
}

fn key(k: Key) -> String {
    let c: char = k.into();
    c.to_string()
}

fn shift_tab(app: &App) {
    let window = app.window().window();
    let shift: slint::SharedString = key(Key::Shift).into();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: shift.clone(),
    });
    send(app, &key(Key::Tab));
    window.dispatch_event(WindowEvent::KeyReleased { text: shift });
}

fn screen_of(app: &App) -> Screen {
    app.window().global::<Nav>().get_screen()
}

fn step_of(app: &App) -> CallbackStep {
    app.window().global::<Callback>().get_step()
}

fn visible(app: &App, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app.window(), label)
        .any(|e| e.size().width > 0.0 && e.size().height > 0.0)
}

/// The ring is drawn around the focused control: on every side, at least 2 pixels
/// across of the ring colour, in the rendered frame (so nothing covers it).
fn assert_ring(screen: &mut Headless, app: &App) {
    screen.redraw();
    let keys = app.window().global::<Keys>();
    assert!(
        keys.get_ring_shown(),
        "the ring shows ({:?})",
        app.focused()
    );
    let theme = app.window().global::<Theme>();
    let (ring, gap) = (theme.get_ring(), theme.get_ring_gap());
    assert!(ring >= 2.0, "ring {ring} px");
    let colour = theme.get_focus_ring();
    let (w, h, pixels) = screen.pixels();
    let out = ring + gap;
    // As ui/app.slint places it: outside the control, kept in the window.
    let x0 = (keys.get_ring_x() - out).max(0.0);
    let y0 = (keys.get_ring_y() - out).max(0.0);
    let x1 = (keys.get_ring_x() + keys.get_ring_width() + out).min(w as f32);
    let y1 = (keys.get_ring_y() + keys.get_ring_height() + out).min(h as f32);
    let at = |x: f32, y: f32| -> (u8, u8, u8) {
        let (x, y) = (x.floor() as usize, y.floor() as usize);
        let i = (y * w as usize + x) * 3;
        (pixels[i], pixels[i + 1], pixels[i + 2])
    };
    let want = (colour.red(), colour.green(), colour.blue());
    let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let label = app.focused().unwrap_or_default();
    for (side, points) in [
        // Two pixels across the band (the renderer snaps its edges to pixels).
        ("top", [(mx, y0 + 1.0), (mx, y0 + ring - 1.0)]),
        ("bottom", [(mx, y1 - 1.0), (mx, y1 - ring + 1.0)]),
        ("left", [(x0 + 1.0, my), (x0 + ring - 1.0, my)]),
        ("right", [(x1 - 1.0, my), (x1 - ring + 1.0, my)]),
    ] {
        for (x, y) in points {
            if at(x, y) != want {
                let _ = screen.write_png(&std::env::temp_dir().join("keys-ring-failed.png"));
            }
            assert_eq!(
                at(x, y),
                want,
                "ring colour at ({x}, {y}), {side} side of '{label}'"
            );
        }
    }
}

/// With SAMEN_KIOSK_READBACK_SHOTS=DIR, the frame as DIR/NAME.png (to look at).
fn look(screen: &mut Headless, name: &str) {
    if let Some(dir) = std::env::var_os("SAMEN_KIOSK_READBACK_SHOTS") {
        screen.redraw();
        let path = std::path::Path::new(&dir).join(format!("{name}.png"));
        screen.write_png(&path).expect("png written");
    }
}

/// Presses `k` until `label` has the focus, checking the ring at every stop.
fn focus_on(screen: &mut Headless, app: &App, k: &str, label: &str) {
    if app.focused().as_deref() == Some(label) {
        assert_ring(screen, app);
        return;
    }
    for _ in 0..80 {
        send(app, k);
        assert_ring(screen, app);
        if app.focused().as_deref() == Some(label) {
            return;
        }
    }
    panic!(
        "'{label}' never got the focus with {k:?} (last: {:?})",
        app.focused()
    );
}

fn keyboard_alone_from_signage_to_detail_and_through_the_form(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    // Any key starts a visit; the focus is on the content's first control at once.
    send(app, "x");
    assert_eq!(screen_of(app), Screen::Home);
    assert_ring(screen, app);
    // Tab goes through the screen and comes round; Shift+Tab goes back.
    let first = app.focused();
    send(app, &key(Key::Tab));
    assert_ring(screen, app);
    let second = app.focused();
    assert_ne!(first, second);
    shift_tab(app);
    assert_eq!(app.focused(), first, "Shift+Tab goes back");
    focus_on(screen, app, &key(Key::Tab), "Tuinieren in de buurtmoestuin");
    send(app, &key(Key::Return));
    assert_eq!(screen_of(app), Screen::Detail);
    assert_ring(screen, app);
    focus_on(screen, app, &key(Key::Tab), "Bel mij terug");
    send(app, " ");
    assert_eq!(screen_of(app), Screen::Callback);
    focus_on(screen, app, &key(Key::DownArrow), "Ja, 16 of ouder");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Topic);
    focus_on(screen, app, &key(Key::RightArrow), "Een praatje");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Name);
    // A hardware keyboard types into the name; then Enter moves on ("Verder").
    for c in ["A", "n", "n", "a"] {
        send(app, c);
    }
    assert_eq!(app.window().global::<Callback>().get_name(), "Anna");
    send(app, &key(Key::Backspace));
    send(app, "a");
    assert_eq!(app.window().global::<Callback>().get_name(), "Anna");
    assert_ring(screen, app);
    assert_eq!(app.focused().as_deref(), Some("Verder"));
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Phone);
    // The arrows move over the number pad as it is drawn.
    assert_eq!(app.focused().as_deref(), Some("1"), "the pad's first key");
    for (k_, want) in [
        (Key::DownArrow, "4"),
        (Key::RightArrow, "5"),
        (Key::UpArrow, "2"),
        (Key::LeftArrow, "1"),
    ] {
        send(app, &key(k_));
        assert_eq!(app.focused().as_deref(), Some(want), "{k_:?}");
        assert_ring(screen, app);
    }
    for d in "0612345678".chars() {
        send(app, &d.to_string());
    }
    assert_eq!(app.window().global::<Callback>().get_phone(), "0612345678");
    assert_ring(screen, app);
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Time);
    focus_on(screen, app, &key(Key::Tab), "'s Middags");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Consent);
    focus_on(screen, app, &key(Key::Tab), "Ja, dat is goed");
    send(app, " ");
    assert!(app.window().global::<Callback>().get_consent());
    assert_ring(screen, app);
    focus_on(screen, app, &key(Key::Tab), "Ja, bel mij");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Done);
    // Nothing was said: speech mode was never switched on.
    assert!(k.audio.on_loudspeaker().is_empty());
    app.end_session();
}

/// `focus_on`, and speech reads every control the focus reaches on the way.
/// Where the focus already is (a new view starts on its first control), the screen
/// was just read with its choices.
fn reach(screen: &mut Headless, k: &Kiosk, key_: &str, label: &str) {
    let app = &k.app;
    let said = || k.audio.last_said().map(|s| s.0).unwrap_or_default();
    if app.focused().as_deref() == Some(label) {
        assert_ring(screen, app);
        assert!(
            said().contains(label),
            "the screen with '{label}': {}",
            said()
        );
        return;
    }
    for _ in 0..80 {
        send(app, key_);
        assert_ring(screen, app);
        let focused = app.focused().unwrap_or_default();
        assert_eq!(said(), focused, "speech reads the focused control");
        if focused == label {
            return;
        }
    }
    panic!("'{label}' never got the focus with {key_:?}");
}

fn keypad_alone_with_speech_from_signage_through_the_form(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    // The speech key on signage: a visit with speech on, the keys explained first.
    send(app, "+");
    assert_eq!(screen_of(app), Screen::Home);
    assert!(app.window().global::<Access>().get_speech());
    let (intro, _) = k.audio.last_said().expect("something said");
    assert!(
        intro.starts_with("Voorlezen staat aan. Met de toetsen 8, 2, 4 en 6"),
        "{intro}"
    );
    assert!(intro.contains("Vandaag"), "then the screen: {intro}");
    // Every control is read as the focus reaches it.
    reach(screen, &k, "6", "Tuinieren in de buurtmoestuin");
    send(app, "5");
    assert_eq!(screen_of(app), Screen::Detail);
    reach(screen, &k, "6", "Bel mij terug");
    send(app, "5");
    assert_eq!(screen_of(app), Screen::Callback);
    reach(screen, &k, "2", "Ja, 16 of ouder");
    send(app, "5");
    reach(screen, &k, "6", "Een praatje");
    send(app, "5");
    assert_eq!(step_of(app), CallbackStep::Name);
    // The on-screen keyboard by keypad: its keys are read as the focus reaches them.
    // 6 goes right, and on from the end of a row to the next: it reaches every key.
    assert_eq!(app.focused().as_deref(), Some("q"));
    reach(screen, &k, "6", "b");
    send(app, "5");
    reach(screen, &k, "4", "o");
    send(app, "5");
    assert_eq!(app.window().global::<Callback>().get_name(), "Bo");
    reach(screen, &k, "6", "Verder");
    send(app, "5");
    assert_eq!(step_of(app), CallbackStep::Phone);
    // On the number step the keypad's digits type; its Enter (LinuxKMS: "\r") moves on.
    // Too short: speech says what is wrong.
    send(app, "0");
    send(app, "3");
    send(app, "\r");
    assert_eq!(step_of(app), CallbackStep::Phone);
    let (said, _) = k.audio.last_said().expect("said");
    assert!(said.starts_with("Dit nummer is te kort."), "{said}");
    send(app, "-");
    send(app, "-");
    for d in "0351234567".chars() {
        send(app, &d.to_string());
    }
    assert_eq!(app.window().global::<Callback>().get_phone(), "0351234567");
    assert_ring(screen, app);
    send(app, "\r");
    assert_eq!(step_of(app), CallbackStep::Time);
    // 8, 2, 4 and 6 over the grid of times.
    assert_eq!(app.focused().as_deref(), Some("'s Ochtends"));
    for (k_, want) in [
        ("6", "'s Middags"),
        ("2", "Maakt niet uit"),
        ("4", "'s Avonds"),
        ("8", "'s Ochtends"),
    ] {
        send(app, k_);
        assert_eq!(app.focused().as_deref(), Some(want), "{k_}");
        assert_ring(screen, app);
    }
    reach(screen, &k, "6", "'s Middags");
    send(app, "5");
    reach(screen, &k, "2", "Ja, dat is goed");
    send(app, "5");
    assert!(app.window().global::<Callback>().get_consent());
    reach(screen, &k, "6", "Ja, bel mij");
    send(app, "5");
    assert_eq!(step_of(app), CallbackStep::Done);
    // The loudspeaker never said the name or the number.
    let said = k.audio.on_loudspeaker();
    assert!(!said.contains("0351234567") && !said.contains("0 3 5 1"));
    // Volume by keys; reset at the end of the visit.
    send(app, "9");
    send(app, "9");
    assert_eq!(app.window().global::<Access>().get_volume(), 2);
    send(app, &key(Key::PageDown));
    assert_eq!(app.window().global::<Access>().get_volume(), 1);
    // And on screen, in the "Aa" panel, found by ear.
    reach(screen, &k, "6", "Tekst en kleur");
    send(app, "5");
    reach(screen, &k, "6", "Harder");
    send(app, "5");
    assert_eq!(app.window().global::<Access>().get_volume(), 2);
    assert_eq!(
        k.audio.last_said().map(|s| s.0).as_deref(),
        Some("Zo hard.")
    );
    send(app, "0");
    assert!(!app.window().global::<Access>().get_panel_open());
    app.end_session();
    assert_eq!(app.window().global::<Access>().get_volume(), 0);
    assert!(!app.window().global::<Access>().get_speech());
    assert!(!app.window().global::<Keys>().get_ring_shown());
}

fn back_escape_and_zero_and_panels(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    send(app, "*");
    assert_eq!(
        screen_of(app),
        Screen::Help,
        "* opens help, from signage too"
    );
    send(app, &key(Key::Escape));
    assert_eq!(screen_of(app), Screen::Home);
    focus_on(screen, app, &key(Key::Tab), "Tekst en kleur");
    send(app, &key(Key::Return));
    assert!(app.window().global::<Access>().get_panel_open());
    // In a panel only its controls take the focus.
    focus_on(screen, app, &key(Key::Tab), "Extra groot");
    send(app, &key(Key::Return));
    assert_eq!(app.window().global::<Access>().get_text_size(), 2);
    // The ring follows its control to its new size.
    assert_ring(screen, app);
    send(app, "0");
    assert!(!app.window().global::<Access>().get_panel_open());
    send(app, "0");
    assert_eq!(screen_of(app), Screen::Signage, "0 on home ends the visit");
    // A touch hides the ring; the next key brings it back.
    send(app, "x");
    send(app, &key(Key::Tab));
    assert!(app.window().global::<Keys>().get_ring_shown());
    app.window().global::<Nav>().invoke_touched();
    assert!(!app.window().global::<Keys>().get_ring_shown());
    send(app, &key(Key::Tab));
    assert_ring(screen, app);
    app.end_session();
}

/// Time moves on the platform's own clock, one second at a time (timers fire at most
/// once per step).
fn let_time_pass(screen: &Headless, seconds: u64) {
    for _ in 0..seconds {
        screen.advance(Duration::from_secs(1));
    }
}

fn keys_count_as_touches_and_the_warning_takes_the_focus(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    send(app, "x");
    let_time_pass(screen, 50);
    send(app, "2");
    let_time_pass(screen, 50);
    assert!(
        !app.window().global::<Nav>().get_warning(),
        "a key restarted the inactivity timer (60 s)"
    );
    let_time_pass(screen, 11);
    assert!(app.window().global::<Nav>().get_warning());
    // With keys in use the focus is on "Ja, ik ben er nog" at once, ring and all.
    assert_eq!(app.focused().as_deref(), Some("Ja"));
    assert_ring(screen, app);
    send(app, "5");
    assert!(!app.window().global::<Nav>().get_warning());
    assert_eq!(screen_of(app), Screen::Home);
    assert_ring(screen, app);
    // Nobody there: back to signage, no ring.
    let_time_pass(screen, 95);
    assert_eq!(screen_of(app), Screen::Signage);
    assert!(!app.window().global::<Keys>().get_ring_shown());
    app.end_session();
}

/// The ring's box (the focused control, as ui/app.slint draws the ring around it).
fn ring_box(app: &App) -> (f32, f32, f32, f32) {
    let keys = app.window().global::<Keys>();
    (
        keys.get_ring_x(),
        keys.get_ring_y(),
        keys.get_ring_width(),
        keys.get_ring_height(),
    )
}

/// Tab visits every control once, in the order of the screen: each next one is to
/// the right in the same row or lower down, never up (until it comes round).
fn assert_tab_order(screen: &mut Headless, app: &App, what: &str) -> usize {
    let start = app.focused();
    let mut seen = vec![(start.clone(), ring_box(app))];
    for _ in 0..120 {
        send(app, &key(Key::Tab));
        if app.focused() == start {
            break;
        }
        seen.push((app.focused(), ring_box(app)));
    }
    assert_eq!(app.focused(), start, "{what}: Tab comes round");
    // The round, from the top left control (the focus starts on the content's first
    // control, below any in the top bar).
    let top = (0..seen.len())
        .min_by(|&i, &j| {
            let ((_, a), (_, b)) = (&seen[i], &seen[j]);
            a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0))
        })
        .unwrap_or(0);
    seen.rotate_left(top);
    for pair in seen.windows(2) {
        let ((a, (ax, ay, _, ah)), (b, (bx, by, _, bh))) = (&pair[0], &pair[1]);
        let (a_mid, b_mid) = (ay + ah / 2.0, by + bh / 2.0);
        let same_row = b_mid <= ay + ah && a_mid >= *by;
        assert!(
            (same_row && bx > ax) || b_mid > ay + ah,
            "{what}: {a:?} at ({ax}, {ay}) then {b:?} at ({bx}, {by})"
        );
    }
    assert_ring(screen, app);
    seen.len()
}

fn focus_order_follows_the_screen(screen: &mut Headless) {
    for size in [(800, 480), (1080, 1920)] {
        let k = kiosk(screen, configured(), size);
        let app = &k.app;
        send(app, "x");
        let n = assert_tab_order(screen, app, "home");
        assert!(n >= 8, "home has {n} controls");
        focus_on(screen, app, &key(Key::Tab), "Tuinieren in de buurtmoestuin");
        send(app, &key(Key::Return));
        assert_tab_order(screen, app, "detail");
        focus_on(screen, app, &key(Key::Tab), "Bel mij terug");
        send(app, &key(Key::Return));
        focus_on(screen, app, &key(Key::Tab), "Ja, 16 of ouder");
        send(app, &key(Key::Return));
        focus_on(screen, app, &key(Key::Tab), "Sla over");
        send(app, &key(Key::Return));
        assert_eq!(step_of(app), CallbackStep::Name);
        // The on-screen keyboard row by row, then the form's buttons.
        let n = assert_tab_order(screen, app, "name step");
        assert!(n >= 30, "name step has {n} controls");
        app.end_session();
    }
}

/// To the name step by keys, "Anna" typed.
fn to_name_step(screen: &mut Headless, app: &App) {
    send(app, "x");
    focus_on(screen, app, &key(Key::Tab), "Bel mij terug");
    send(app, &key(Key::Return));
    focus_on(screen, app, &key(Key::Tab), "Ja, 16 of ouder");
    send(app, &key(Key::Return));
    focus_on(screen, app, &key(Key::Tab), "Sla over");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Name);
    for c in ["A", "n", "n", "a"] {
        send(app, c);
    }
}

const READ_BACK: &str = "Lees voor wat ik heb ingevuld";

fn private_read_back_only_on_a_headset_and_stops_when_it_goes(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    to_name_step(screen, app);
    send(app, "+");
    assert!(app.window().global::<Access>().get_speech());
    // On the loudspeaker: no control, and asking anyway says nothing.
    assert!(!visible(app, READ_BACK));
    k.audio.clear();
    app.window().global::<Access>().invoke_read_back();
    send(app, "n");
    send(app, &key(Key::Backspace));
    assert!(
        k.audio.events().iter().all(|e| match e {
            Event::Said(t, _) => !t.contains("Anna") && !t.contains('n'),
            Event::Stopped => true,
        }),
        "{:?}",
        k.audio.events()
    );
    // A headset plugged in: the control appears, speech goes to the headset, and the
    // name is read back there.
    app.set_headset(Some(HEADSET.into()));
    screen.redraw();
    assert!(visible(app, READ_BACK));
    focus_on(screen, app, &key(Key::Tab), READ_BACK);
    look(screen, "read-back-name");
    assert_eq!(
        k.audio.last_said(),
        Some((READ_BACK.to_string(), Some(HEADSET.to_string()))),
        "the focused control is read on the headset"
    );
    send(app, &key(Key::Return));
    assert_eq!(
        k.audio.last_said(),
        Some(("Voornaam: Anna.".to_string(), Some(HEADSET.to_string())))
    );
    // Typed keys are echoed, privately.
    send(app, "s");
    assert_eq!(
        k.audio.last_said(),
        Some(("s".to_string(), Some(HEADSET.to_string())))
    );
    send(app, &key(Key::Backspace));
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Phone);
    for d in "0612345678".chars() {
        send(app, &d.to_string());
    }
    look(screen, "read-back-phone");
    app.window().global::<Access>().invoke_read_back();
    assert_eq!(
        k.audio.last_said(),
        Some((
            "Telefoonnummer: 0 6 1 2 3 4 5 6 7 8.".to_string(),
            Some(HEADSET.to_string())
        )),
        "digit by digit"
    );
    // Pulled out mid-read: the voice stops at once, the control goes, and asking
    // again says nothing anywhere.
    let before = k.audio.events().len();
    app.set_headset(None);
    let after = k.audio.events();
    assert_eq!(after[before..].first(), Some(&Event::Stopped));
    screen.redraw();
    assert!(!visible(app, READ_BACK));
    app.window().global::<Access>().invoke_read_back();
    assert_eq!(k.audio.events().len(), after.len(), "nothing more said");
    // Never on the loudspeaker: the name, the number, a digit of it read back.
    let loud = k.audio.on_loudspeaker();
    for secret in [
        "Anna",
        "0612345678",
        "0 6 1 2",
        "Voornaam: ",
        "Telefoonnummer: ",
    ] {
        assert!(
            !loud.contains(secret),
            "'{secret}' on the loudspeaker: {loud}"
        );
    }
    app.end_session();
}

fn configured_private_output_and_plugging_in_on_signage(screen: &mut Headless) {
    let mut config = configured();
    config.private_output = Some("plughw:CARD=Headphones,DEV=0".into());
    let k = kiosk(screen, config, (800, 480));
    let app = &k.app;
    to_name_step(screen, app);
    assert!(visible(app, READ_BACK), "a configured private output");
    app.window().global::<Access>().invoke_read_back();
    assert_eq!(
        k.audio.last_said(),
        Some((
            "Voornaam: Anna.".to_string(),
            Some("plughw:CARD=Headphones,DEV=0".to_string())
        ))
    );
    // On the consent step both, the number digit by digit, by the focused control.
    send(app, &key(Key::Return));
    for d in "0612345678".chars() {
        send(app, &d.to_string());
    }
    send(app, &key(Key::Return));
    focus_on(screen, app, &key(Key::Tab), "'s Middags");
    send(app, &key(Key::Return));
    assert_eq!(step_of(app), CallbackStep::Consent);
    focus_on(screen, app, &key(Key::Tab), READ_BACK);
    send(app, &key(Key::Return));
    assert_eq!(
        k.audio.last_said(),
        Some((
            "Voornaam: Anna. Telefoonnummer: 0 6 1 2 3 4 5 6 7 8.".to_string(),
            Some("plughw:CARD=Headphones,DEV=0".to_string())
        ))
    );
    assert!(
        k.audio.on_loudspeaker().is_empty(),
        "nothing on the loudspeaker"
    );
    app.end_session();
    drop(k);
    // A headset plugged in during signage starts a visit with speech on.
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    assert_eq!(screen_of(app), Screen::Signage);
    app.set_headset(Some(HEADSET.into()));
    assert_eq!(screen_of(app), Screen::Home);
    assert!(app.window().global::<Access>().get_speech());
    let (intro, device) = k.audio.last_said().expect("said");
    assert!(intro.starts_with("Voorlezen staat aan."), "{intro}");
    assert_eq!(device.as_deref(), Some(HEADSET));
    app.end_session();
}

fn luminance(c: slint::Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
}

fn contrast(a: slint::Color, b: slint::Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn focus_ring_contrast_in_both_themes(screen: &mut Headless) {
    let k = kiosk(screen, configured(), (800, 480));
    let app = &k.app;
    for high in [false, true] {
        app.set_look(0, high);
        let t = app.window().global::<Theme>();
        let ring = t.get_focus_ring();
        // Inside: the band of background colour; outside: what the controls stand
        // on (the screen, the bottom bar, a panel, a text field).
        let mut lowest = f64::MAX;
        for (name, c) in [
            ("background (inner band, screen)", t.get_background()),
            ("panel (bottom bar, cards)", t.get_panel()),
            ("field", t.get_field()),
        ] {
            let ratio = contrast(ring, c);
            println!(
                "  focus ring against {name}, {}: {ratio:.2}",
                if high { "high contrast" } else { "normal" }
            );
            assert!(ratio >= 3.0, "{name}: {ratio:.2}");
            lowest = lowest.min(ratio);
        }
        assert!(lowest >= 3.0);
    }
    app.end_session();
}

fn focus_ring_screenshots(screen: &mut Headless) {
    let out = std::env::var_os("SAMEN_KIOSK_FOCUS_SHOTS");
    for size in [(800, 480), (1080, 1920)] {
        for high in [false, true] {
            let k = kiosk(screen, configured(), size);
            let app = &k.app;
            send(app, "x");
            app.set_look(0, high);
            focus_on(screen, app, &key(Key::Tab), "Tuinieren in de buurtmoestuin");
            assert_ring(screen, app);
            if let Some(dir) = &out {
                let name = format!(
                    "focus-ring-{}x{}{}.png",
                    size.0,
                    size.1,
                    if high { "-high-contrast" } else { "" }
                );
                let path = std::path::Path::new(dir).join(name);
                screen.write_png(&path).expect("png written");
                println!("  wrote {}", path.display());
            }
            app.end_session();
        }
    }
}

/// One scenario, on the process's one headless screen.
type Scenario = fn(&mut Headless);

fn main() {
    let mut screen = Headless::install((800, 480), false).expect("headless platform");
    screen.advance(Duration::from_millis(1));
    let scenarios: &[(&str, Scenario)] = &[
        (
            "keyboard_alone_from_signage_to_detail_and_through_the_form",
            keyboard_alone_from_signage_to_detail_and_through_the_form,
        ),
        (
            "keypad_alone_with_speech_from_signage_through_the_form",
            keypad_alone_with_speech_from_signage_through_the_form,
        ),
        (
            "back_escape_and_zero_and_panels",
            back_escape_and_zero_and_panels,
        ),
        (
            "keys_count_as_touches_and_the_warning_takes_the_focus",
            keys_count_as_touches_and_the_warning_takes_the_focus,
        ),
        (
            "focus_order_follows_the_screen",
            focus_order_follows_the_screen,
        ),
        (
            "private_read_back_only_on_a_headset_and_stops_when_it_goes",
            private_read_back_only_on_a_headset_and_stops_when_it_goes,
        ),
        (
            "configured_private_output_and_plugging_in_on_signage",
            configured_private_output_and_plugging_in_on_signage,
        ),
        (
            "focus_ring_contrast_in_both_themes",
            focus_ring_contrast_in_both_themes,
        ),
        ("focus_ring_screenshots", focus_ring_screenshots),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut ran = 0;
    for (name, scenario) in scenarios {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        println!("test keys::{name} ... ");
        scenario(&mut screen);
        println!("test keys::{name} ... ok");
        ran += 1;
    }
    println!("\ntest result: ok. {ran} passed; 0 failed");
}
