//! UI scenarios on Slint's testing backend with mock time. Elements are found by their
//! accessible label, as a screen reader (or speech mode) would find them.
//!
//! Index:
//! - tap_leaves_signage
//! - help_is_one_tap_from_signage
//! - rotation_follows_mock_time
//! - inactivity_returns_to_signage_and_clears_state
//! - still_here_keeps_the_session
//! - language_switch_changes_visible_text
//! - signage_language_returns_to_default
//! - list_opens_detail_and_back
//! - filter_by_kind
//! - callback_form_from_an_activity: the whole form path, committed before "Dank u wel"
//! - callback_validation_messages: each message, in Dutch and English
//! - callback_under_16_stores_nothing
//! - callback_input_is_wiped_on_timeout
//! - callback_save_failure_apologises_with_a_number
//! - stale_feeds_say_when_they_were_updated
//! - screen_is_dark_outside_opening_hours_across_midnight_and_dst
//! - a_new_configuration_applies_without_restart
//! - admin_screen_long_press_pin_lockout_and_timeout
//!
//! The testing backend can only be initialised once per process, so this file has its
//! own `main` (harness = false) and runs the scenarios in order, each on a new window.

use i_slint_backend_testing::{mock_elapsed_time, ElementHandle};
use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Browse, Detail, Kiosk, Nav, Screen, Signage, SlideKind};
use samen_kiosk::ui::{AppWindow, Controller, KioskOptions};
use slint::ComponentHandle;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Saturday 28 November 2026, 10:42 in Hilversum.
const NOW: &str = "2026-11-28T10:42:00+01:00";

fn kiosk_with(config: Config) -> Rc<Controller> {
    kiosk_in(config, None)
}

fn kiosk_in(config: Config, state_dir: Option<&std::path::Path>) -> Rc<Controller> {
    kiosk_at(config, state_dir, NOW).0
}

fn kiosk_at(
    config: Config,
    state_dir: Option<&std::path::Path>,
    now: &str,
) -> (Rc<Controller>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(parse_instant(now).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let catalog = Catalog::new(feed.activities, true);
    let window = AppWindow::new().expect("window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let controller = Controller::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock: clock.clone(),
            catalog,
            image_dir: None,
            state_dir: state_dir.map(std::path::Path::to_path_buf),
            delivery: None,
            runtime: None,
            refresh: None,
        },
    );
    controller.window().show().expect("show");
    (controller, clock)
}

/// Moves the wall clock and Slint's mock time together, a minute at a time.
fn advance_minutes(clock: &FixedClock, minutes: u32) {
    for _ in 0..minutes {
        clock.advance(chrono::Duration::minutes(1));
        mock_elapsed_time(Duration::from_secs(60));
    }
}

fn kiosk() -> Rc<Controller> {
    kiosk_with(Config::default())
}

fn find(c: &Controller, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(c.window(), label).collect()
}

fn visible(c: &Controller, label: &str) -> bool {
    !find(c, label).is_empty()
}

fn tap(c: &Controller, label: &str) {
    let found = find(c, label);
    let element = found
        .first()
        .unwrap_or_else(|| panic!("no element labelled '{label}' on screen"));
    element.invoke_accessible_default_action();
}

fn screen(c: &Controller) -> Screen {
    c.window().global::<Nav>().get_screen()
}

fn front_slide(c: &Controller) -> (SlideKind, String) {
    let s = c.window().global::<Signage>();
    let slide = if s.get_front_is_a() {
        s.get_slide_a()
    } else {
        s.get_slide_b()
    };
    (slide.kind, slide.title.to_string())
}

fn tap_leaves_signage() {
    let c = kiosk();
    assert_eq!(screen(&c), Screen::Signage);
    assert!(!visible(&c, "Stoppen"), "signage has no Stoppen button");
    tap(&c, "Tik op het scherm");
    assert_eq!(screen(&c), Screen::Home);
    assert!(visible(&c, "Stoppen"));
    assert!(visible(&c, "Vandaag"));
    assert!(!visible(&c, "Tik op het scherm"));
    // Today's activities that have not ended are listed.
    assert!(
        visible(&c, "Tuinieren in de buurtmoestuin"),
        "the 10:00-12:00 garden morning is on"
    );
}

fn help_is_one_tap_from_signage() {
    let c = kiosk();
    tap(&c, "Hulp nodig?");
    assert_eq!(screen(&c), Screen::Help);
    assert!(visible(&c, "De Luisterlijn"));
    assert!(visible(&c, "088 0767 000"));
    assert!(visible(&c, "In direct gevaar? Bel 112."));
}

fn rotation_follows_mock_time() {
    let c = kiosk();
    let first = front_slide(&c);
    assert_eq!(first.0, SlideKind::Campaign);
    assert_eq!(first.1, "Samen is leuker!");
    mock_elapsed_time(Duration::from_millis(9_000));
    assert_eq!(
        front_slide(&c),
        first,
        "nothing changes before slide_seconds"
    );
    mock_elapsed_time(Duration::from_millis(1_000));
    let second = front_slide(&c);
    assert_eq!(
        second.0,
        SlideKind::Today,
        "the second slide is today's activities"
    );
    assert!(visible(&c, "Vandaag"));
    mock_elapsed_time(Duration::from_secs(10));
    assert_eq!(front_slide(&c).0, SlideKind::Spotlight);
}

fn inactivity_returns_to_signage_and_clears_state() {
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Morgen");
    tap(&c, "English");
    assert_eq!(c.window().global::<Browse>().get_day(), 1);
    assert!(visible(&c, "Tomorrow"), "the screen is in English now");
    // 60 s without a touch: the warning, with at least 20 s to answer.
    mock_elapsed_time(Duration::from_secs(59));
    assert!(!c.window().global::<Nav>().get_warning());
    mock_elapsed_time(Duration::from_secs(1));
    let nav = c.window().global::<Nav>();
    assert!(nav.get_warning(), "Bent u er nog? is shown");
    assert!(nav.get_countdown() >= 20);
    assert!(visible(&c, "Yes"), "one big button to continue");
    for _ in 0..nav.get_countdown() {
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&c), Screen::Signage);
    assert!(!nav.get_warning());
    assert_eq!(c.window().global::<Kiosk>().get_language(), "nl");
    assert!(visible(&c, "Tik op het scherm"), "signage is back in Dutch");
    // The next visitor starts fresh.
    tap(&c, "Tik op het scherm");
    assert_eq!(c.window().global::<Browse>().get_day(), 0);
    assert_eq!(c.window().global::<Browse>().get_category(), "");
}

fn still_here_keeps_the_session() {
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Deze week");
    mock_elapsed_time(Duration::from_secs(60));
    assert!(c.window().global::<Nav>().get_warning());
    tap(&c, "Ja");
    assert!(!c.window().global::<Nav>().get_warning());
    assert_eq!(screen(&c), Screen::Home);
    assert_eq!(
        c.window().global::<Browse>().get_day(),
        2,
        "nothing was lost"
    );
    // A touch restarts the full inactivity time.
    mock_elapsed_time(Duration::from_secs(40));
    tap(&c, "Vandaag");
    mock_elapsed_time(Duration::from_secs(40));
    assert!(!c.window().global::<Nav>().get_warning());
    assert_eq!(screen(&c), Screen::Home);
}

fn language_switch_changes_visible_text() {
    let c = kiosk();
    assert!(visible(&c, "Tik op het scherm"));
    assert_eq!(
        c.window().global::<Kiosk>().get_date(),
        "Zaterdag 28 november"
    );
    tap(&c, "English");
    assert!(
        visible(&c, "Tap the screen"),
        "the invitation is translated"
    );
    assert!(!visible(&c, "Tik op het scherm"));
    assert_eq!(
        c.window().global::<Kiosk>().get_date(),
        "Saturday 28 November"
    );
    assert_eq!(front_slide(&c).1, "Together is better!");
    tap(&c, "Nederlands");
    assert!(visible(&c, "Tik op het scherm"));
}

fn signage_language_returns_to_default() {
    let c = kiosk();
    tap(&c, "English");
    assert_eq!(
        screen(&c),
        Screen::Signage,
        "choosing a language does not leave signage"
    );
    assert!(visible(&c, "Tap the screen"));
    mock_elapsed_time(Duration::from_secs(30));
    assert!(
        visible(&c, "Tap the screen"),
        "still English while someone may be reading"
    );
    mock_elapsed_time(Duration::from_secs(30));
    assert_eq!(c.window().global::<Kiosk>().get_language(), "nl");
    assert!(visible(&c, "Tik op het scherm"));
}

fn list_opens_detail_and_back() {
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Tuinieren in de buurtmoestuin");
    assert_eq!(screen(&c), Screen::Detail);
    let detail = c.window().global::<Detail>().get_activity();
    assert_eq!(detail.title, "Tuinieren in de buurtmoestuin");
    assert_eq!(detail.when, "Elke zaterdag 10:00 - 12:00");
    assert!(detail.has_qr, "a QR code to the activity's page");
    assert!(visible(&c, "QR-code"));
    tap(&c, "Terug");
    assert_eq!(screen(&c), Screen::Home);
    tap(&c, "Stoppen");
    assert_eq!(screen(&c), Screen::Signage);
}

fn filter_by_kind() {
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Deze week");
    let all = c.window().global::<Browse>().get_items();
    tap(&c, "Kies soort");
    tap(&c, "Jongeren");
    let young = c.window().global::<Browse>().get_items();
    use slint::Model;
    assert!(
        young.row_count() >= 3,
        "the example has several activities for young people"
    );
    assert!(young.row_count() < all.row_count());
    assert!(visible(&c, "Muziek jam"));
    assert!(!visible(&c, "Koffieochtend in de bibliotheek"));
}

fn type_text(c: &Controller, text: &str) {
    for ch in text.chars() {
        tap(c, &ch.to_string());
    }
}

/// From signage to the first-name step of "Bel mij terug", without a topic.
fn to_name_step(c: &Controller) {
    tap(c, "Tik op het scherm");
    tap(c, "Bel mij terug");
    tap(c, "Ja, 16 of ouder");
    tap(c, "Sla over");
}

fn form(c: &Controller) -> samen_kiosk::ui::generated::Callback<'_> {
    c.window().global::<samen_kiosk::ui::generated::Callback>()
}

fn callback_form_from_an_activity() {
    use samen_kiosk::callback::outbox::Outbox;
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(Config::default(), Some(state.path()));
    tap(&c, "Tik op het scherm");
    tap(&c, "Tuinieren in de buurtmoestuin");
    tap(&c, "Bel mij terug");
    assert_eq!(screen(&c), Screen::Callback);
    assert!(visible(&c, "Bent u 16 jaar of ouder?"));
    assert!(
        visible(&c, "Hulp nodig?"),
        "helplines one tap away on every step"
    );
    tap(&c, "Ja, 16 of ouder");
    assert!(
        visible(&c, "Over deze activiteit"),
        "the activity is offered as the topic"
    );
    tap(&c, "Over deze activiteit");
    assert_eq!(form(&c).get_step(), CallbackStep::Name);
    type_text(&c, "anna");
    assert_eq!(form(&c).get_name(), "Anna", "a capital at the start");
    tap(&c, "Verder");
    assert_eq!(form(&c).get_step(), CallbackStep::Phone);
    type_text(&c, "0612345678");
    tap(&c, "Verder");
    assert_eq!(form(&c).get_step(), CallbackStep::Time);
    tap(&c, "'s Ochtends");
    assert_eq!(form(&c).get_step(), CallbackStep::Consent);
    assert!(!form(&c).get_consent(), "nothing is pre-ticked");
    tap(&c, "Ja, bel mij");
    assert_eq!(
        form(&c).get_step(),
        CallbackStep::Consent,
        "no request without consent"
    );
    tap(&c, "Ja, dat is goed");
    tap(&c, "Ja, bel mij");
    assert_eq!(form(&c).get_step(), CallbackStep::Done);
    assert!(visible(&c, "Dank u wel, Anna."));
    assert_eq!(form(&c).get_confirm_phone(), "06 •••••• 78");
    let outbox = Outbox::open_in(state.path()).unwrap();
    let status = outbox.status(chrono::Utc::now()).unwrap();
    assert_eq!(status.pending, 1, "committed before the thank-you");
    let body = String::from_utf8(
        outbox
            .next_due(chrono::Utc::now() + chrono::Duration::days(1))
            .unwrap()
            .unwrap()
            .body,
    )
    .unwrap();
    assert!(
        body.contains("\"title\":\"Tuinieren in de buurtmoestuin\""),
        "{body}"
    );
    assert!(body.contains("\"when\":\"morning\""), "{body}");
    // The thank-you goes away by itself, also when someone touches it.
    tap(&c, "English");
    mock_elapsed_time(Duration::from_secs(20));
    assert_eq!(screen(&c), Screen::Signage);
    assert_eq!(form(&c).get_confirm_name(), "");
}

fn callback_validation_messages() {
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(Config::default(), Some(state.path()));
    to_name_step(&c);
    tap(&c, "Verder");
    assert!(visible(&c, "Vul uw voornaam in."));
    type_text(&c, "jan");
    tap(&c, "Verder");
    for (number, message) in [
        (
            "112",
            "Dit is een kort nummer. Heeft u nu hulp nodig? Kies Hulp nodig? rechtsboven.",
        ),
        (
            "06123",
            "Dit nummer is te kort. Een nummer heeft 10 cijfers, bijvoorbeeld 06 12345678.",
        ),
        (
            "061234567890",
            "Dit nummer is te lang. Een nummer heeft 10 cijfers, bijvoorbeeld 06 12345678.",
        ),
    ] {
        type_text(&c, number);
        tap(&c, "Verder");
        assert_eq!(form(&c).get_step(), CallbackStep::Phone);
        assert!(visible(&c, message), "{number}: expected '{message}'");
        for _ in 0..number.len() {
            tap(&c, "Wissen");
        }
    }
    tap(&c, "Verder");
    assert!(visible(&c, "Vul uw telefoonnummer in."));
    tap(&c, "English");
    tap(&c, "Next");
    assert!(
        visible(&c, "Please enter your phone number."),
        "messages in English too"
    );
}

fn callback_under_16_stores_nothing() {
    use samen_kiosk::callback::outbox::Outbox;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(Config::default(), Some(state.path()));
    tap(&c, "Tik op het scherm");
    tap(&c, "Bel mij terug");
    tap(&c, "Nee, jonger");
    assert!(visible(
        &c,
        "De Kindertelefoon: 0800-0432, of chat op kindertelefoon.nl"
    ));
    assert!(visible(&c, "De Luisterlijn: 088 0767 000"));
    let status = Outbox::open_in(state.path())
        .unwrap()
        .status(chrono::Utc::now())
        .unwrap();
    assert_eq!(status.pending, 0);
}

fn callback_input_is_wiped_on_timeout() {
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(Config::default(), Some(state.path()));
    to_name_step(&c);
    type_text(&c, "bea");
    assert_eq!(form(&c).get_name(), "Bea");
    mock_elapsed_time(Duration::from_secs(60));
    for _ in 0..30 {
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&c), Screen::Signage);
    assert_eq!(form(&c).get_name(), "", "the next visitor never sees it");
    tap(&c, "Tik op het scherm");
    tap(&c, "Bel mij terug");
    assert!(visible(&c, "Bent u 16 jaar of ouder?"), "a fresh form");
}

fn callback_save_failure_apologises_with_a_number() {
    use samen_kiosk::ui::generated::CallbackStep;
    // A state "directory" that is a file: the outbox cannot be opened.
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("state");
    std::fs::write(&not_a_dir, b"").unwrap();
    let c = kiosk_in(Config::default(), Some(&not_a_dir));
    to_name_step(&c);
    type_text(&c, "anna");
    tap(&c, "Verder");
    type_text(&c, "0351234567");
    tap(&c, "Verder");
    tap(&c, "Maakt niet uit");
    tap(&c, "Ja, dat is goed");
    tap(&c, "Ja, bel mij");
    assert_eq!(form(&c).get_step(), CallbackStep::Failed);
    assert!(visible(
        &c,
        "Uw vraag kon niet worden bewaard. Er is niets opgeslagen. Wilt u zelf bellen? Bel Versa Welzijn: 035 623 1100."
    ));
    assert!(visible(&c, "Hulp nodig?"));
}

fn stale_feeds_say_when_they_were_updated() {
    use samen_kiosk::feed_service::{FeedStatus, SourceStatus};
    let c = kiosk();
    assert!(!visible(&c, "Bijgewerkt om 09:15"));
    let catalog = {
        let feed =
            bundled::example(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).unwrap();
        Catalog::new(feed.activities, false)
    };
    // The last good fetch was at 09:15; it is 10:42 and the source refreshes every 15 min.
    let status = FeedStatus {
        sources: vec![SourceStatus {
            name: "test".into(),
            activities: 1,
            last_good: Some(parse_instant("2026-11-28T09:15:00+01:00").unwrap()),
            last_error: Some("timed out".into()),
            refresh: Duration::from_secs(900),
        }],
    };
    c.set_feeds(catalog, status);
    assert!(
        visible(&c, "Bijgewerkt om 09:15"),
        "signage says how old the data is"
    );
    assert!(!visible(&c, "Voorbeeld: dit zijn geen echte activiteiten"));
    tap(&c, "Tik op het scherm");
    assert!(visible(&c, "Bijgewerkt om 09:15"), "so does the list");
}

fn screen_is_dark_outside_opening_hours_across_midnight_and_dst() {
    let config = Config::parse(
        "[schedule]\nmonday = \"08:00-17:00\"\ntuesday = \"08:00-17:00\"\nwednesday = \"08:00-17:00\"\nthursday = \"08:00-17:00\"\nfriday = \"08:00-17:00\"\nsaturday = \"08:00-17:00\"\nsunday = \"08:00-17:00\"\n",
        "t",
    )
    .expect("valid");
    // Saturday 24 October 2026, 16:50 summer time; summer time ends that night.
    let (c, clock) = kiosk_at(config, None, "2026-10-24T16:50:00+02:00");
    let kiosk = c.window().global::<Kiosk>();
    assert!(kiosk.get_screen_on());
    advance_minutes(&clock, 9);
    // A visitor at 16:59 ...
    tap(&c, "Tik op het scherm");
    assert_eq!(screen(&c), Screen::Home);
    advance_minutes(&clock, 1);
    // ... at 17:00 the session ends and the screen is black: nothing to read or tap.
    assert!(!kiosk.get_screen_on(), "dark at closing time");
    assert_eq!(screen(&c), Screen::Signage);
    assert!(!visible(&c, "Tik op het scherm"));
    assert!(!visible(&c, "Hulp nodig?"));
    let slide = front_slide(&c);
    // Through midnight and the extra hour of the night: still dark at 07:59 winter time
    // (14 h 59 min on the wall clock, 15 h 59 min of real time).
    advance_minutes(&clock, 15 * 60 + 59);
    assert_eq!(
        clock.local_now().format("%a %H:%M %:z").to_string(),
        "Sun 07:59 +01:00"
    );
    assert!(!kiosk.get_screen_on(), "still dark at 07:59");
    assert_eq!(front_slide(&c), slide, "no rotation in the dark");
    advance_minutes(&clock, 1);
    assert!(kiosk.get_screen_on(), "on at 08:00 local time");
    assert!(visible(&c, "Tik op het scherm"));
    assert_eq!(c.window().global::<Kiosk>().get_time(), "08:00");
}

fn a_new_configuration_applies_without_restart() {
    let c = kiosk();
    assert_eq!(front_slide(&c).1, "Samen is leuker!");
    let config = Config::parse(
        "[signage]\nslide_seconds = 20\n[[signage.messages]]\ntitle = \"Nieuw bericht\"\n[[helplines]]\nname = \"Sensoor\"\nnumber = \"0900 0767\"\n",
        "t",
    )
    .expect("valid");
    c.set_config(Arc::new(config));
    // The helplines change at once.
    tap(&c, "Hulp nodig?");
    assert!(visible(&c, "Sensoor"));
    assert!(!visible(&c, "De Luisterlijn"));
    tap(&c, "Stoppen");
    // The next round uses the new message and the new slide time.
    let mut seen = false;
    for _ in 0..12 {
        mock_elapsed_time(Duration::from_secs(19));
        let before = front_slide(&c);
        mock_elapsed_time(Duration::from_secs(1));
        assert_ne!(front_slide(&c), before, "a new slide every 20 s");
        seen |= front_slide(&c).1 == "Nieuw bericht";
    }
    assert!(seen, "the new message is shown");
}

fn long_press_corner(c: &Controller, hold: Duration) {
    use slint::platform::{PointerEventButton, WindowEvent};
    let at = slint::LogicalPosition::new(8.0, 8.0);
    let w = c.window().window();
    w.dispatch_event(WindowEvent::PointerMoved { position: at });
    w.dispatch_event(WindowEvent::PointerPressed {
        position: at,
        button: PointerEventButton::Left,
    });
    mock_elapsed_time(hold);
    w.dispatch_event(WindowEvent::PointerReleased {
        position: at,
        button: PointerEventButton::Left,
    });
}

/// Mock time in one-second steps, so that repeating timers tick as they would.
fn let_time_pass(total: Duration) {
    for _ in 0..total.as_secs() {
        mock_elapsed_time(Duration::from_secs(1));
    }
}

fn type_pin(c: &Controller, pin: &str) {
    for digit in pin.chars() {
        tap(c, &digit.to_string());
    }
    tap(c, "Openen");
}

fn admin_screen_long_press_pin_lockout_and_timeout() {
    use samen_kiosk::ui::generated::Admin;
    let hash = samen_kiosk::admin::hash_pin("2468").expect("hash");
    let config = Config::parse(
        &format!("kiosk_id = \"bieb-centrum\"\n[admin]\npin_hash = \"{hash}\"\n"),
        "t",
    )
    .expect("valid");
    let dir = tempfile::tempdir().unwrap();
    let c = kiosk_in(config, Some(dir.path()));
    let admin = c.window().global::<Admin>();

    // A short tap on the corner is just a tap: the kiosk wakes.
    long_press_corner(&c, Duration::from_millis(200));
    assert_eq!(screen(&c), Screen::Home);
    tap(&c, "Stoppen");
    // Held for less than 5 s: nothing; 5 s: the PIN prompt.
    long_press_corner(&c, Duration::from_millis(4_900));
    assert_ne!(screen(&c), Screen::Admin);
    tap(&c, "Stoppen");
    long_press_corner(&c, Duration::from_secs(5));
    assert_eq!(screen(&c), Screen::Admin);
    assert!(visible(&c, "Typ de pincode."));
    assert!(visible(&c, "Hulp nodig?"), "helplines stay one tap away");

    // Four wrong PINs say how many tries are left; the fifth locks for 5 minutes.
    for left in (1..=4).rev() {
        type_pin(&c, "1111");
        assert!(
            visible(&c, &format!("Verkeerde pincode. Nog {left} keer.")),
            "{left} tries left"
        );
    }
    type_pin(&c, "1111");
    assert!(admin.get_locked());
    assert!(visible(
        &c,
        "Te vaak een verkeerde pincode. Probeer het over 5 minuten opnieuw."
    ));
    type_pin(&c, "2468");
    assert!(
        !admin.get_unlocked(),
        "the right PIN does not open a locked screen"
    );
    assert_eq!(admin.get_pin_length(), 0);
    // The screen times out like every other (the lock stays) ...
    let_time_pass(Duration::from_secs(60 + 30));
    assert_eq!(screen(&c), Screen::Signage);
    long_press_corner(&c, Duration::from_secs(5));
    assert!(admin.get_locked(), "still locked after 1.5 minutes");
    // ... and the lock ends after 5 minutes.
    let_time_pass(Duration::from_secs(4 * 60));
    assert!(!admin.get_locked());
    long_press_corner(&c, Duration::from_secs(5));
    type_pin(&c, "2468");
    assert!(admin.get_unlocked());
    assert!(visible(&c, "bieb-centrum"), "the status shows the kiosk id");
    assert!(visible(&c, "Nu verversen"));

    // A test callback goes through the outbox like any request, marked as a test.
    tap(&c, "Test-terugbelverzoek");
    assert!(visible(
        &c,
        "Test-terugbelverzoek staat klaar om te versturen."
    ));
    let outbox = samen_kiosk::callback::outbox::Outbox::open_in(dir.path()).unwrap();
    assert_eq!(outbox.status(chrono::Utc::now()).unwrap().pending, 1);
    let due = outbox
        .next_due(chrono::Utc::now() + chrono::Duration::days(1))
        .unwrap()
        .expect("the test request waits");
    let body: serde_json::Value = serde_json::from_slice(&due.body).unwrap();
    assert_eq!(body["test"], true);
    assert_eq!(body["first_name"], "Test");

    tap(&c, "Netwerkadressen");
    assert!(visible(&c, "Netwerk"));

    // Nobody touches it: back to signage, locked again.
    let_time_pass(Duration::from_secs(60 + 30));
    assert_eq!(screen(&c), Screen::Signage);
    assert!(!admin.get_unlocked());
}

fn main() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let scenarios: &[(&str, fn())] = &[
        ("tap_leaves_signage", tap_leaves_signage),
        ("help_is_one_tap_from_signage", help_is_one_tap_from_signage),
        ("rotation_follows_mock_time", rotation_follows_mock_time),
        (
            "inactivity_returns_to_signage_and_clears_state",
            inactivity_returns_to_signage_and_clears_state,
        ),
        ("still_here_keeps_the_session", still_here_keeps_the_session),
        (
            "language_switch_changes_visible_text",
            language_switch_changes_visible_text,
        ),
        (
            "signage_language_returns_to_default",
            signage_language_returns_to_default,
        ),
        ("list_opens_detail_and_back", list_opens_detail_and_back),
        ("filter_by_kind", filter_by_kind),
        (
            "callback_form_from_an_activity",
            callback_form_from_an_activity,
        ),
        ("callback_validation_messages", callback_validation_messages),
        (
            "callback_under_16_stores_nothing",
            callback_under_16_stores_nothing,
        ),
        (
            "callback_input_is_wiped_on_timeout",
            callback_input_is_wiped_on_timeout,
        ),
        (
            "callback_save_failure_apologises_with_a_number",
            callback_save_failure_apologises_with_a_number,
        ),
        (
            "stale_feeds_say_when_they_were_updated",
            stale_feeds_say_when_they_were_updated,
        ),
        (
            "screen_is_dark_outside_opening_hours_across_midnight_and_dst",
            screen_is_dark_outside_opening_hours_across_midnight_and_dst,
        ),
        (
            "a_new_configuration_applies_without_restart",
            a_new_configuration_applies_without_restart,
        ),
        (
            "admin_screen_long_press_pin_lockout_and_timeout",
            admin_screen_long_press_pin_lockout_and_timeout,
        ),
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
        print!("test ui::{name} ... ");
        scenario();
        println!("ok");
        ran += 1;
    }
    println!("\ntest result: ok. {ran} passed; 0 failed");
}
