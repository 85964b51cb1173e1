//! The heartbeat's screenshot (issue 19) on Slint's testing backend with mock time:
//! the UI hands a request to the screenshot thread only while signage or the dark
//! screen shows; a heartbeat during a visit (a typed name on the form) carries the
//! last signage picture, never a new one; a picture shows the slide on screen (the
//! rotation's step). The pictures are PNGs of at most 480 px
//! wide and about 50 KB, drawn on a thread of their own. A touch is recorded for
//! health's `no_touch` (once a day, in `last-touch`).
//!
//! Own harness (`harness = false`): the testing backend is set up once per process.

use i_slint_backend_testing::{mock_elapsed_time, ElementHandle};
use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Nav, Screen};
use samen_kiosk::ui::snapshot::{Shots, TARGET_BYTES};
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::ComponentHandle;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Tuesday 1 December 2026, 10:42 in Hilversum.
const NOW: &str = "2026-12-01T10:42:00+01:00";

fn kiosk(config: Config, state: &std::path::Path, now: &str) -> (Rc<App>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(parse_instant(now).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let window = AppWindow::new().expect("window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let app = App::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock: clock.clone(),
            catalog: Catalog::new(feed.activities, true),
            image_dir: None,
            state_dir: Some(state.to_path_buf()),
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
    );
    app.window().show().expect("show");
    (app, clock)
}

fn tap(c: &App, label: &str) {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(c.window(), label).collect();
    found
        .first()
        .unwrap_or_else(|| panic!("no element labelled '{label}' on screen"))
        .invoke_accessible_default_action();
}

fn screen(c: &App) -> Screen {
    c.window().global::<Nav>().get_screen()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()))
        .read_info()
        .expect("a PNG");
    (reader.info().width, reader.info().height)
}

/// A heartbeat's picture: what the services thread does, without the thread.
fn heartbeat(app: &App, shots: &mut Shots) -> Option<samen_wire::health::Screenshot> {
    let request = app.snapshot_request();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(shots.next(request))
}

fn a_visit_never_gives_a_new_picture() {
    let state = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.callback.channel = Some(samen_kiosk::callback::delivery::Channel::Webhook(
        samen_kiosk::callback::delivery::Webhook {
            url: "https://intake.example.org/hook".into(),
            secret: samen_kiosk::signing::Secret::new("0123456789abcdef0123"),
        },
    ));
    let (app, clock) = kiosk(config, state.path(), NOW);
    let mut shots = Shots::new(None);

    // Signage: a new picture, of the screen's layout in 480 pixels.
    assert_eq!(screen(&app), Screen::Signage);
    let started = std::time::Instant::now();
    let first = heartbeat(&app, &mut shots).expect("a picture of signage");
    let took = started.elapsed();
    assert_eq!(first.taken_at, clock.now());
    assert_eq!(first.mime, "image/png");
    let bytes = first.decode().expect("a valid picture");
    assert!(bytes.len() <= TARGET_BYTES, "{} bytes", bytes.len());
    assert_eq!(png_size(&bytes), (480, 288));
    // To look at it: SAMEN_KIOSK_SHOT_OUT=/tmp/signage.png
    if let Some(out) = std::env::var_os("SAMEN_KIOSK_SHOT_OUT") {
        std::fs::write(out, &bytes).expect("written");
    }
    eprintln!(
        "  signage picture: {} bytes in {} ms (debug build)",
        bytes.len(),
        took.as_millis()
    );

    // The rotation moves on: the picture shows the slide on screen, not the first.
    app.advance();
    let second = heartbeat(&app, &mut shots).expect("a picture of the next slide");
    assert_ne!(second.data, first.data, "another slide");
    assert_eq!(second.taken_at, first.taken_at, "the same minute");
    app.advance();
    app.advance();
    let fourth = heartbeat(&app, &mut shots).expect("and of the one after");
    assert_ne!(fourth.data, second.data);
    let first = fourth;

    // A visitor types a name on the callback form: the heartbeat carries the last
    // signage picture, and the UI hands nothing over.
    clock.advance(chrono::Duration::minutes(1));
    mock_elapsed_time(Duration::from_secs(60));
    tap(&app, "Tik op het scherm");
    assert_eq!(screen(&app), Screen::Home);
    assert!(app.snapshot_request().is_none(), "home is a visit");
    tap(&app, "Bel mij terug");
    tap(&app, "Ja, 16 of ouder");
    tap(&app, "Sla over");
    for ch in "anna".chars() {
        tap(&app, &ch.to_string());
    }
    assert_eq!(screen(&app), Screen::Callback);
    assert!(app.snapshot_request().is_none(), "the form is a visit");
    let during = heartbeat(&app, &mut shots).expect("the last picture");
    assert_eq!(during, first, "the signage picture, taken before the visit");
    assert!(during.taken_at < clock.now());

    // The touch was recorded (health's no_touch).
    assert_eq!(
        samen_kiosk::health::read_touch(state.path()),
        Some(clock.today())
    );

    // The visit ends by itself (inactivity, then the warning's countdown): signage
    // again, and a new picture.
    clock.advance(chrono::Duration::seconds(90));
    mock_elapsed_time(Duration::from_secs(60));
    for _ in 0..30 {
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&app), Screen::Signage);
    let after = heartbeat(&app, &mut shots).expect("a new picture");
    assert!(after.taken_at > first.taken_at);
    drop(app);
}

fn the_dark_screen_is_pictured() {
    let state = tempfile::tempdir().unwrap();
    let config = Config::parse(
        "kiosk_id = \"k\"\n[schedule]\ntuesday = \"14:00-17:00\"\n",
        "test",
    )
    .expect("config");
    let (app, _) = kiosk(config, state.path(), NOW);
    let mut shots = Shots::new(None);
    let picture = heartbeat(&app, &mut shots).expect("a picture of the dark screen");
    let bytes = picture.decode().expect("valid");
    assert_eq!(png_size(&bytes), (480, 288));
    // The closed screen: a few lines of dim text on black (issue 23), still small.
    assert!(bytes.len() < 20_000, "dark is small: {}", bytes.len());
}

fn main() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let scenarios: &[(&str, fn())] = &[
        (
            "a_visit_never_gives_a_new_picture",
            a_visit_never_gives_a_new_picture,
        ),
        ("the_dark_screen_is_pictured", the_dark_screen_is_pictured),
    ];
    for (name, scenario) in scenarios {
        eprintln!("test {name} ...");
        scenario();
        eprintln!("test {name} ... ok");
    }
}
