//! UI scenarios on Slint's testing backend with mock time. Elements are found by their
//! accessible label, as a screen reader (or speech mode) would find them.
//!
//! Index:
//! - tap_leaves_signage
//! - help_is_one_tap_from_signage
//! - rotation_follows_mock_time
//! - cross_fade_is_eight_equal_frames_and_then_nothing_runs
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
//! - admin_screen_says_why_the_outbox_cannot_be_read_and_that_the_disk_is_low
//! - speech_mode_reads_screens_and_controls_and_ends_with_the_session
//! - speech_never_says_the_visitors_name_or_number
//! - text_size_and_contrast_reflow_and_reset_at_session_end
//! - configured_theme_is_where_every_visit_starts
//! - every_text_and_background_pair_meets_wcag_contrast
//! - every_control_is_at_least_9_mm_and_labelled
//! - figures_count_what_visits_did: issue 20's counts from the real screens, written
//!   when a visit ends (none during it), admin visits not counted
//!
//! The testing backend can only be initialised once per process, so this file has its
//! own `main` (harness = false) and runs the scenarios in order, each on a new window.

use i_slint_backend_testing::{mock_elapsed_time, ElementHandle, ElementRoot};
use samen_kiosk::callback::delivery::{Channel, Webhook};
use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Browse, Detail, Kiosk, Nav, Screen, Signage, SlideKind};
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::ComponentHandle;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Saturday 28 November 2026, 10:42 in Hilversum.
const NOW: &str = "2026-11-28T10:42:00+01:00";

/// A kiosk whose requests reach an intake (a webhook is configured), so it offers
/// "Bel mij terug". (Nothing is delivered in these scenarios: no services run.)
fn configured() -> Config {
    let mut config = Config::default();
    config.callback.channel = Some(Channel::Webhook(Webhook {
        url: "https://intake.example.org/hook".into(),
        secret: samen_kiosk::signing::Secret::new("0123456789abcdef0123"),
    }));
    config
}

/// `NOW` as an instant: what the kiosk's clock says in these scenarios (never the
/// machine's clock, so that they pass on any date).
fn mock_now() -> chrono::DateTime<chrono::Utc> {
    parse_instant(NOW).expect("valid time")
}

fn kiosk_with(config: Config) -> Rc<App> {
    kiosk_in(config, None)
}

fn kiosk_in(config: Config, state_dir: Option<&std::path::Path>) -> Rc<App> {
    kiosk_at(config, state_dir, NOW).0
}

fn kiosk_at(
    config: Config,
    state_dir: Option<&std::path::Path>,
    now: &str,
) -> (Rc<App>, Arc<FixedClock>) {
    kiosk_full(config, state_dir, now, None)
}

/// What speech mode would say, recorded (this machine has no sound card).
#[derive(Default)]
struct Voice {
    said: std::sync::Mutex<Vec<String>>,
    stops: std::sync::atomic::AtomicUsize,
}

impl samen_kiosk::speech::Speaker for Voice {
    fn say(&self, text: &str, _lang: samen_kiosk::i18n::Lang, _volume: i32) {
        self.said.lock().unwrap().push(text.to_string());
    }
    fn stop(&self) {
        self.stops.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Voice {
    fn last(&self) -> String {
        self.said
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default()
    }
    fn count(&self) -> usize {
        self.said.lock().unwrap().len()
    }
    fn everything(&self) -> String {
        self.said.lock().unwrap().join("\n")
    }
}

fn kiosk_full(
    config: Config,
    state_dir: Option<&std::path::Path>,
    now: &str,
    speaker: Option<Arc<dyn samen_kiosk::speech::Speaker>>,
) -> (Rc<App>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(parse_instant(now).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let catalog = Catalog::new(feed.activities, true);
    let window = AppWindow::new().expect("window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let controller = App::new(
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
            speaker,
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

fn kiosk() -> Rc<App> {
    kiosk_with(configured())
}

fn find(c: &App, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(c.window(), label).collect()
}

fn visible(c: &App, label: &str) -> bool {
    !find(c, label).is_empty()
}

/// On interactive screens the languages are in a panel ("Taal / Language").
fn choose_language(c: &App, name: &str) {
    if !visible(c, name) {
        tap(c, "Taal / Language");
    }
    tap(c, name);
}

fn tap(c: &App, label: &str) {
    let found = find(c, label);
    let element = found
        .first()
        .unwrap_or_else(|| panic!("no element labelled '{label}' on screen"));
    element.invoke_accessible_default_action();
}

fn screen(c: &App) -> Screen {
    c.window().global::<Nav>().get_screen()
}

fn front_slide(c: &App) -> (SlideKind, String) {
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
    assert!(
        !visible(&c, "Ik ben klaar"),
        "signage has no \"Ik ben klaar\" button"
    );
    tap(&c, "Tik op het scherm");
    assert_eq!(screen(&c), Screen::Home);
    assert!(visible(&c, "Ik ben klaar"));
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
    // No-break spaces keep the number on one line (issue 23).
    assert!(visible(&c, "088\u{a0}0767\u{a0}000"));
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

fn cross_fade_is_eight_equal_frames_and_then_nothing_runs() {
    let c = kiosk();
    let fade = || c.window().global::<Signage>().get_fade_in();
    assert_eq!(fade(), 1.0, "the first slide is shown fully");
    mock_elapsed_time(Duration::from_secs(10));
    let start = fade();
    assert_eq!(start, 0.125, "the next slide starts to fade in at once");
    // Stepped by its own timer, 20 times a second: each step is one frame, and every
    // step moves the opacity on by the same amount (1/8 for 400 ms).
    let mut steps = 1;
    while fade() < 1.0 && steps < 100 {
        let before = fade();
        mock_elapsed_time(Duration::from_millis(50));
        assert!(
            (fade() - before - 0.125).abs() < 1e-4,
            "step {steps}: from {before} to {}",
            fade()
        );
        steps += 1;
        if steps == 3 {
            // The next slides' pictures arrive (the current slide is refreshed): the
            // fade goes on rather than jumping to its end.
            c.add_pictures(Vec::new());
            assert!(fade() < 0.5, "a refresh does not cut the fade short");
        }
    }
    assert_eq!(fade(), 1.0);
    assert_eq!(steps, 8, "the 400 ms fade took {steps} steps");
    // Then nothing runs until the next slide (no timer left ticking at 20 Hz).
    let next = slint::platform::duration_until_next_timer_update();
    assert!(
        next.is_some_and(|d| d > Duration::from_secs(5)),
        "next timer: {next:?}"
    );
}

fn inactivity_returns_to_signage_and_clears_state() {
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Morgen");
    choose_language(&c, "English");
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
    choose_language(&c, "English");
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
    choose_language(&c, "Nederlands");
    assert!(visible(&c, "Tik op het scherm"));
}

fn signage_language_returns_to_default() {
    let c = kiosk();
    choose_language(&c, "English");
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
    // The time range kept on one line (no-break spaces and a word joiner, issue 23).
    assert_eq!(detail.when, "Elke zaterdag 10:00\u{a0}-\u{2060}\u{a0}12:00");
    assert!(detail.has_qr, "a QR code to the activity's page");
    assert!(visible(&c, "QR-code"));
    tap(&c, "Terug");
    assert_eq!(screen(&c), Screen::Home);
    tap(&c, "Ik ben klaar");
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
    // The choice of a kind has the bars of every screen (issue 23): "Terug" closes it
    // and leaves the visit as it was; the bottom bar's controls are there.
    tap(&c, "Kies soort");
    assert!(c.window().global::<Browse>().get_choosing_category());
    for control in [
        "Voorlezen",
        "Tekst en kleur",
        "Taal / Language",
        "Ik ben klaar",
    ] {
        assert!(visible(&c, control), "{control} on the choice of a kind");
    }
    tap(&c, "Terug");
    assert!(!c.window().global::<Browse>().get_choosing_category());
    assert_eq!(
        screen(&c),
        Screen::Home,
        "Terug closed the choice, not the visit"
    );
}

fn type_text(c: &App, text: &str) {
    for ch in text.chars() {
        tap(c, &ch.to_string());
    }
}

/// From signage to the first-name step of "Bel mij terug", without a topic.
fn to_name_step(c: &App) {
    tap(c, "Tik op het scherm");
    tap(c, "Bel mij terug");
    tap(c, "Ja, 16 of ouder");
    tap(c, "Sla over");
}

fn form(c: &App) -> samen_kiosk::ui::generated::Callback<'_> {
    c.window().global::<samen_kiosk::ui::generated::Callback>()
}

fn callback_form_from_an_activity() {
    use samen_kiosk::callback::outbox::Outbox;
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(configured(), Some(state.path()));
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
    assert_eq!(form(&c).get_confirm_phone(), "06\u{a0}••••••\u{a0}78");
    let outbox = Outbox::open_in(state.path()).unwrap();
    let status = outbox.status(mock_now()).unwrap();
    assert_eq!(status.pending, 1, "committed before the thank-you");
    let body = String::from_utf8(
        outbox
            .next_due(mock_now() + chrono::Duration::days(1))
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
    choose_language(&c, "English");
    mock_elapsed_time(Duration::from_secs(20));
    assert_eq!(screen(&c), Screen::Signage);
    assert_eq!(form(&c).get_confirm_name(), "");
}

/// "Ja, bel mij" before the box is ticked (issue 23): visibly disabled, a line says to
/// tick first, and it files nothing; once ticked the line goes and the button works.
fn consent_step_says_to_tick_the_box_first() {
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().expect("temporary folder");
    let c = kiosk_in(configured(), Some(state.path()));
    tap(&c, "Tik op het scherm");
    tap(&c, "Bel mij terug");
    tap(&c, "Ja, 16 of ouder");
    tap(&c, "Een praatje");
    type_text(&c, "anna");
    tap(&c, "Verder");
    type_text(&c, "0612345678");
    tap(&c, "Verder");
    tap(&c, "'s Ochtends");
    assert_eq!(form(&c).get_step(), CallbackStep::Consent);
    let hint =
        "Zet eerst een vinkje bij 'Ja, dat is goed'. Daarna kunt u op 'Ja, bel mij' drukken.";
    let button = || {
        find(&c, "Ja, bel mij")
            .into_iter()
            .next()
            .expect("the button")
    };
    assert!(visible(&c, hint), "the line that says what to do first");
    assert_eq!(
        button().accessible_enabled(),
        Some(false),
        "visibly disabled"
    );
    assert!(button().computed_opacity() < 0.6, "and it looks it");
    tap(&c, "Ja, bel mij");
    assert_eq!(form(&c).get_step(), CallbackStep::Consent, "nothing filed");
    tap(&c, "Ja, dat is goed");
    assert!(!visible(&c, hint), "the line goes once the box is ticked");
    assert_eq!(button().accessible_enabled(), Some(true));
    assert!(button().computed_opacity() > 0.99);
    tap(&c, "Ja, bel mij");
    assert_eq!(form(&c).get_step(), CallbackStep::Done);
    // After "Dank u wel" nothing leads back into the form.
    assert!(!visible(&c, "Terug"), "no Terug on the thank-you screen");
    assert!(visible(&c, "Klaar"));
}

fn callback_validation_messages() {
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(configured(), Some(state.path()));
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
            "Dit nummer is te kort. Een nummer heeft 10 cijfers, bijvoorbeeld 06\u{a0}12345678.",
        ),
        (
            "061234567890",
            "Dit nummer is te lang. Een nummer heeft 10 cijfers, bijvoorbeeld 06\u{a0}12345678.",
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
    choose_language(&c, "English");
    tap(&c, "Next");
    assert!(
        visible(&c, "Please enter your phone number."),
        "messages in English too"
    );
}

fn callback_under_16_stores_nothing() {
    use samen_kiosk::callback::outbox::Outbox;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(configured(), Some(state.path()));
    tap(&c, "Tik op het scherm");
    tap(&c, "Bel mij terug");
    tap(&c, "Nee, jonger");
    assert!(visible(
        &c,
        "De Kindertelefoon: 0800-0432, of chat op kindertelefoon.nl"
    ));
    assert!(visible(&c, "De Luisterlijn: 088\u{a0}0767\u{a0}000"));
    let status = Outbox::open_in(state.path())
        .unwrap()
        .status(mock_now())
        .unwrap();
    assert_eq!(status.pending, 0);
}

fn callback_input_is_wiped_on_timeout() {
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(configured(), Some(state.path()));
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
    let c = kiosk_in(configured(), Some(&not_a_dir));
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
        "Uw vraag kon niet worden bewaard. Er is niets opgeslagen. Wilt u zelf bellen? Bel Versa Welzijn: 035\u{a0}623\u{a0}1100."
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
        ..Default::default()
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
    // Not a broken-looking black screen: closed, when it opens, and where to call.
    assert!(visible(&c, "Gesloten"));
    assert_eq!(kiosk.get_opens_again(), "morgen 08:00");
    assert!(visible(&c, "Weer open: morgen 08:00"));
    assert!(visible(&c, "In direct gevaar? Bel 112."));
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
    tap(&c, "Ik ben klaar");
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

fn long_press_corner(c: &App, hold: Duration) {
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

fn type_pin(c: &App, pin: &str) {
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
    tap(&c, "Ik ben klaar");
    // Held for less than 5 s: nothing; 5 s: the PIN prompt.
    long_press_corner(&c, Duration::from_millis(4_900));
    assert_ne!(screen(&c), Screen::Admin);
    tap(&c, "Ik ben klaar");
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
    assert_eq!(outbox.status(mock_now()).unwrap().pending, 1);
    let due = outbox
        .next_due(mock_now() + chrono::Duration::days(1))
        .unwrap()
        .expect("the test request waits");
    let body: serde_json::Value = serde_json::from_slice(&due.body).unwrap();
    assert_eq!(body["test"], true);
    assert_eq!(body["first_name"], "Test");

    tap(&c, "Netwerkadressen");
    // The network line comes last in the status list: "Meer" brings it into view.
    for _ in 0..5 {
        if visible(&c, "Netwerk") {
            break;
        }
        tap(&c, "Meer");
    }
    assert!(visible(&c, "Netwerk"));

    // Nobody touches it: back to signage, locked again.
    let_time_pass(Duration::from_secs(60 + 30));
    assert_eq!(screen(&c), Screen::Signage);
    assert!(!admin.get_unlocked());
}

fn admin_screen_says_why_the_outbox_cannot_be_read_and_that_the_disk_is_low() {
    use samen_kiosk::ui::generated::Admin;
    use slint::Model;
    let hash = samen_kiosk::admin::hash_pin("2468").expect("hash");
    let config = Config::parse(
        &format!("kiosk_id = \"bieb-centrum\"\n[admin]\npin_hash = \"{hash}\"\n"),
        "t",
    )
    .expect("valid");
    let dir = tempfile::tempdir().unwrap();
    // A damaged outbox: before, the screen said "-" as if none had ever been used.
    std::fs::write(dir.path().join("outbox.sqlite"), vec![0x5a; 8192]).unwrap();
    // A reserve larger than any disk: free space is "too little".
    std::env::set_var("SAMEN_KIOSK_DISK_RESERVE", "1000000G");
    let c = kiosk_in(config, Some(dir.path()));
    long_press_corner(&c, Duration::from_secs(5));
    type_pin(&c, "2468");
    let admin = c.window().global::<Admin>();
    assert!(admin.get_unlocked());
    let lines: Vec<_> = admin.get_lines().iter().collect();
    std::env::remove_var("SAMEN_KIOSK_DISK_RESERVE");
    let error = lines
        .iter()
        .find(|l| l.what == "callbacks-error")
        .unwrap_or_else(|| panic!("no outbox error in {lines:?}"));
    assert!(error.value.contains("not a database"), "{error:?}");
    assert!(visible(&c, &format!("fout: {}", error.value)));
    let disk = lines
        .iter()
        .find(|l| l.what == "disk-low")
        .unwrap_or_else(|| panic!("no low disk in {lines:?}"));
    assert_eq!(disk.b, 1_000_000_000, "the reserve in MB");
    let_time_pass(Duration::from_secs(60 + 30));
    assert_eq!(screen(&c), Screen::Signage);
}

fn kiosk_with_voice() -> (Rc<App>, Arc<Voice>) {
    let voice = Arc::new(Voice::default());
    let speaker: Arc<dyn samen_kiosk::speech::Speaker> = voice.clone();
    let (c, _) = kiosk_full(configured(), None, NOW, Some(speaker));
    (c, voice)
}

/// A real touch (press and release at the element's centre), not the accessibility
/// action: speech mode's first-touch rule applies to it.
fn touch(c: &App, label: &str) {
    let found = find(c, label);
    let element = found
        .first()
        .unwrap_or_else(|| panic!("no element labelled '{label}' on screen"));
    element.mock_single_click(slint::platform::PointerEventButton::Left);
}

fn speech_mode_reads_screens_and_controls_and_ends_with_the_session() {
    use samen_kiosk::ui::generated::Access;
    let (c, voice) = kiosk_with_voice();
    tap(&c, "Tik op het scherm");
    assert!(
        visible(&c, "Voorlezen"),
        "the control is on the home screen"
    );
    assert_eq!(voice.count(), 0, "silent until asked");
    // "Voorlezen" works at the first touch and reads the screen.
    touch(&c, "Voorlezen");
    assert!(c.window().global::<Access>().get_speech());
    let first = voice.last();
    assert!(first.starts_with("Activiteiten."), "{first}");
    assert!(
        first.contains("U kunt kiezen: Vandaag, Morgen, Deze week"),
        "{first}"
    );
    assert!(first.contains("Repair Café"), "{first}");
    // A control is read at the first touch ...
    touch(&c, "Morgen");
    assert_eq!(voice.last(), "Morgen");
    assert_eq!(c.window().global::<Browse>().get_day(), 0, "not yet chosen");
    // ... and works at the second.
    touch(&c, "Morgen");
    assert_eq!(c.window().global::<Browse>().get_day(), 1);
    // A new screen is read when it appears.
    touch(&c, "Hulp nodig?");
    touch(&c, "Hulp nodig?");
    assert_eq!(screen(&c), Screen::Help);
    let help = voice.last();
    assert!(help.starts_with("Hulp nodig?"), "{help}");
    assert!(
        help.contains("De Luisterlijn") && help.contains("088 0767 000"),
        "{help}"
    );
    // "Herhaal" reads it again; a touch anywhere else stops the voice.
    let before = voice.count();
    touch(&c, "Herhaal");
    assert_eq!(voice.count(), before + 1);
    assert_eq!(voice.last(), help);
    let stops = voice.stops.load(std::sync::atomic::Ordering::SeqCst);
    c.window()
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerPressed {
            position: slint::LogicalPosition::new(400.0, 240.0),
            button: slint::platform::PointerEventButton::Left,
        });
    c.window()
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerReleased {
            position: slint::LogicalPosition::new(400.0, 240.0),
            button: slint::platform::PointerEventButton::Left,
        });
    assert!(
        voice.stops.load(std::sync::atomic::Ordering::SeqCst) > stops,
        "a touch stops it"
    );
    // The inactivity question is read too; the session's end turns speech off.
    let_time_pass(Duration::from_secs(60));
    assert!(
        voice.last().starts_with("Bent u er nog?"),
        "{}",
        voice.last()
    );
    let_time_pass(Duration::from_secs(30));
    assert_eq!(screen(&c), Screen::Signage);
    assert!(
        !c.window().global::<Access>().get_speech(),
        "off for the next visitor"
    );
    assert_eq!(c.window().global::<Access>().get_volume(), 0);
    let said = voice.count();
    tap(&c, "Tik op het scherm");
    assert_eq!(voice.count(), said, "the next visitor is not read to");
}

fn speech_never_says_the_visitors_name_or_number() {
    let state = tempfile::tempdir().unwrap();
    let voice = Arc::new(Voice::default());
    let speaker: Arc<dyn samen_kiosk::speech::Speaker> = voice.clone();
    let (c, _) = kiosk_full(configured(), Some(state.path()), NOW, Some(speaker));
    tap(&c, "Tik op het scherm");
    touch(&c, "Voorlezen");
    tap(&c, "Bel mij terug");
    tap(&c, "Ja, 16 of ouder");
    tap(&c, "Iets anders");
    // Keys act at the first touch and are never read.
    let said = voice.count();
    for key in ["a", "n", "n", "a"] {
        touch(&c, key);
    }
    assert_eq!(voice.count(), said, "typing is not read aloud");
    tap(&c, "Verder");
    for key in "0687654321".chars() {
        touch(&c, &key.to_string());
    }
    tap(&c, "Verder");
    tap(&c, "Maakt niet uit");
    tap(&c, "Ja, dat is goed");
    tap(&c, "Ja, bel mij");
    let done = voice.last();
    assert!(done.contains("Dank u wel."), "{done}");
    let everything = voice.everything().to_lowercase();
    assert!(!everything.contains("anna"), "{everything}");
    assert!(
        !everything.contains("87654321") && !everything.contains("21."),
        "{everything}"
    );
}

fn text_size_and_contrast_reflow_and_reset_at_session_end() {
    use samen_kiosk::ui::generated::Theme;
    let c = kiosk();
    tap(&c, "Tik op het scherm");
    tap(&c, "Tekst en kleur");
    assert!(visible(&c, "Extra groot"));
    let theme = c.window().global::<Theme>();
    let body = theme.get_body();
    tap(&c, "Extra groot");
    tap(&c, "Hoog contrast");
    assert!(
        (theme.get_body() / body - 1.5).abs() < 0.01,
        "text grows by half"
    );
    assert!(theme.get_high_contrast());
    assert_eq!(theme.get_background(), slint::Color::from_rgb_u8(0, 0, 0));
    tap(&c, "Klaar");
    // Still every control on the screen, none cut off at 800x480.
    for label in [
        "Terug",
        "Hulp nodig?",
        "Vandaag",
        "Voorlezen",
        "Bel mij terug",
        "Ik ben klaar",
    ] {
        let e = find(&c, label);
        let e = e.first().unwrap_or_else(|| panic!("{label} is gone"));
        let (p, s) = (e.absolute_position(), e.size());
        assert!(
            p.x >= 0.0 && p.y >= 0.0 && p.x + s.width <= 800.5 && p.y + s.height <= 480.5,
            "{label} is off screen at {p:?} {s:?}"
        );
    }
    let_time_pass(Duration::from_secs(90));
    assert_eq!(screen(&c), Screen::Signage);
    assert_eq!(theme.get_scale(), 1.0);
    assert!(!theme.get_high_contrast());
}

fn configured_theme_is_where_every_visit_starts() {
    use samen_kiosk::ui::generated::Theme;
    let c = kiosk_with(Config::parse("theme = \"high-contrast\"\n", "t").expect("valid"));
    let theme = c.window().global::<Theme>();
    assert!(theme.get_high_contrast(), "signage in high contrast");
    tap(&c, "Tik op het scherm");
    tap(&c, "Tekst en kleur");
    tap(&c, "Normale kleuren");
    assert!(
        !theme.get_high_contrast(),
        "a visitor may choose normal colours"
    );
    let_time_pass(Duration::from_secs(90));
    assert_eq!(screen(&c), Screen::Signage);
    assert!(
        theme.get_high_contrast(),
        "the next visit starts as configured"
    );
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
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn every_text_and_background_pair_meets_wcag_contrast() {
    use samen_kiosk::ui::generated::Theme;
    let c = kiosk();
    let theme = c.window().global::<Theme>();
    let mut failures = Vec::new();
    for high in [false, true] {
        theme.set_high_contrast(high);
        let t = &theme;
        // (what, text colour, background colour, body text?) as the .slint files use them.
        let pairs = [
            (
                "body text on the page",
                t.get_text(),
                t.get_background(),
                true,
            ),
            (
                "body text on cards and bars",
                t.get_text(),
                t.get_panel(),
                true,
            ),
            ("typed text in a field", t.get_text(), t.get_field(), true),
            (
                "headings, times, numbers on the page",
                t.get_primary(),
                t.get_background(),
                false,
            ),
            ("times on cards", t.get_primary(), t.get_panel(), false),
            (
                "button text on primary",
                t.get_on_primary(),
                t.get_primary(),
                false,
            ),
            (
                "button text on action",
                t.get_on_primary(),
                t.get_action(),
                false,
            ),
            (
                "button text on help",
                t.get_on_primary(),
                t.get_help(),
                false,
            ),
            (
                "button text on secondary",
                t.get_on_primary(),
                t.get_secondary(),
                false,
            ),
            (
                "unselected action button",
                t.get_action(),
                t.get_background(),
                false,
            ),
            (
                "unselected help button",
                t.get_help(),
                t.get_background(),
                false,
            ),
            (
                "unselected secondary button",
                t.get_secondary(),
                t.get_background(),
                false,
            ),
            (
                "unselected buttons in bars",
                t.get_primary(),
                t.get_panel(),
                false,
            ),
            (
                "cancelled and errors on the page",
                t.get_cancelled(),
                t.get_background(),
                false,
            ),
            ("errors on a panel", t.get_cancelled(), t.get_panel(), false),
            (
                "signage: text on the help slide",
                t.get_on_primary(),
                t.get_help(),
                false,
            ),
        ];
        for (what, fg, bg, body) in pairs {
            let ratio = contrast(fg, bg);
            let needed = if high || body { 7.0 } else { 4.5 };
            eprintln!(
                "  {} {what}: {ratio:.2}",
                if high { "high" } else { "normal" }
            );
            if ratio < needed {
                failures.push(format!(
                    "{} theme, {what}: {ratio:.2} < {needed}",
                    if high { "high-contrast" } else { "normal" }
                ));
            }
        }
    }
    theme.set_high_contrast(false);
    assert!(failures.is_empty(), "{failures:#?}");
}

fn every_control_is_at_least_9_mm_and_labelled() {
    use i_slint_backend_testing::AccessibleRole;
    use samen_kiosk::ui::Scene;
    let config = configured();
    let px_per_mm = 800.0 / config.display_width_mm as f32;
    let minimum = 9.0 * px_per_mm;
    let mut failures = Vec::new();
    let mut checked = 0;
    for text_size in [0, 2] {
        for (name, scene) in Scene::ALL {
            if matches!(scene, Scene::Dark) {
                continue;
            }
            let c = kiosk_in(configured(), None);
            samen_kiosk::ui::show_scene(&c, scene);
            c.set_look(text_size, false);
            for e in c.window().root_element().query_descendants().find_all() {
                let role = e.accessible_role();
                if !matches!(
                    role,
                    Some(
                        AccessibleRole::Button
                            | AccessibleRole::Checkbox
                            | AccessibleRole::TextInput
                            | AccessibleRole::Switch
                    )
                ) {
                    continue;
                }
                let size = e.size();
                if size.width <= 0.0 || size.height <= 0.0 || e.computed_opacity() < 0.01 {
                    continue;
                }
                checked += 1;
                let label = e.accessible_label().unwrap_or_default().to_string();
                if label.trim().is_empty() {
                    failures.push(format!("{name}: a {role:?} without a label"));
                }
                if size.width < minimum || size.height < minimum {
                    failures.push(format!(
                        "{name} (text size {text_size}): '{label}' is {:.1} x {:.1} mm",
                        size.width / px_per_mm,
                        size.height / px_per_mm
                    ));
                }
            }
        }
    }
    eprintln!("  {checked} controls checked, minimum {minimum:.1} px");
    assert!(checked > 200, "only {checked} controls found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Without a webhook or e-mail nobody would call: "Bel mij terug" is offered nowhere,
/// and signage does not invite to it. `callback.demo` offers the form; it works,
/// stores nothing, and the thank-you says so instead of promising a call.
fn callback_is_offered_only_when_someone_will_call() {
    use samen_kiosk::ui::generated::CallbackStep;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(Config::default(), Some(state.path()));
    assert!(!visible(&c, "Bel mij terug"), "not on signage");
    tap(&c, "Tik op het scherm");
    assert!(!visible(&c, "Bel mij terug"), "not in the lists");
    tap(&c, "Tuinieren in de buurtmoestuin");
    assert_eq!(screen(&c), Screen::Detail);
    assert!(!visible(&c, "Bel mij terug"), "not on an activity");
    tap(&c, "Hulp nodig?");
    assert!(
        !visible(
            &c,
            "Bel mij terug is geen hulp bij een crisis. Bel dan De Luisterlijn, 113 of 112."
        ),
        "help does not mention it"
    );
    assert!(visible(&c, "In direct gevaar? Bel 112."));

    let mut demo = Config::default();
    demo.callback.demo = true;
    let c = kiosk_in(demo, Some(state.path()));
    to_name_step(&c);
    type_text(&c, "anna");
    tap(&c, "Verder");
    type_text(&c, "0612345678");
    tap(&c, "Verder");
    tap(&c, "'s Ochtends");
    tap(&c, "Ja, dat is goed");
    tap(&c, "Ja, bel mij");
    assert_eq!(form(&c).get_step(), CallbackStep::Done);
    assert!(visible(
        &c,
        "Dit is een voorbeeld. Er is niets verstuurd en niets bewaard. Niemand belt u."
    ));
    assert!(
        !visible(
            &c,
            "Versa Welzijn belt u binnen 2 werkdagen op 06 •••••• 78."
        ),
        "no promise of a call"
    );
    let outbox = samen_kiosk::callback::outbox::Outbox::open_in(state.path()).unwrap();
    let status = outbox.status(mock_now()).unwrap();
    assert_eq!((status.pending, status.delivered), (0, 0), "nothing stored");
}

/// Issue 20: what visits did, counted from the screens themselves and written to
/// `figures.sqlite3` when each visit ends.
fn figures_count_what_visits_did() {
    use samen_kiosk::figures::Store;
    let state = tempfile::tempdir().unwrap();
    let c = kiosk_in(configured(), Some(state.path()));
    let days = || {
        Store::open_in(state.path())
            .unwrap()
            .since(chrono::NaiveDate::MIN)
            .unwrap()
    };
    // 1: an activity with a QR code, help, English, larger text and high contrast;
    // "Ik ben klaar".
    tap(&c, "Tik op het scherm");
    tap(&c, "Tuinieren in de buurtmoestuin");
    tap(&c, "Terug");
    tap(&c, "Hulp nodig?");
    tap(&c, "Terug");
    choose_language(&c, "English");
    tap(&c, "Text and colour");
    tap(&c, "Extra large");
    tap(&c, "High contrast");
    tap(&c, "Done");
    assert!(days().is_empty(), "nothing is written during a visit");
    tap(&c, "I'm done");
    let d = &days()[0];
    assert_eq!(d.day.to_string(), "2026-11-28");
    assert_eq!(d.visits, 1);
    assert_eq!(
        d.visits_by_language.get("en"),
        Some(&1),
        "the language it ended in"
    );
    assert_eq!(d.activities.len(), 1);
    assert_eq!(d.activities[0].title, "Tuinieren in de buurtmoestuin");
    assert_eq!((d.qr_shown, d.help_opened), (1, 1));
    assert_eq!(
        (
            d.larger_text_visits,
            d.high_contrast_visits,
            d.speech_visits
        ),
        (1, 1, 0)
    );
    // 2: a callback request about an activity; the thank-you ends it (no time-out).
    tap(&c, "Tik op het scherm");
    tap(&c, "Tuinieren in de buurtmoestuin");
    tap(&c, "Bel mij terug");
    tap(&c, "Ja, 16 of ouder");
    tap(&c, "Over deze activiteit");
    type_text(&c, "anna");
    tap(&c, "Verder");
    type_text(&c, "0612345678");
    tap(&c, "Verder");
    tap(&c, "'s Ochtends");
    tap(&c, "Ja, dat is goed");
    tap(&c, "Ja, bel mij");
    mock_elapsed_time(Duration::from_secs(20));
    assert_eq!(screen(&c), Screen::Signage);
    // 3: nobody answers "Bent u er nog?".
    tap(&c, "Tik op het scherm");
    mock_elapsed_time(Duration::from_secs(60));
    let nav = c.window().global::<Nav>();
    for _ in 0..nav.get_countdown() {
        mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&c), Screen::Signage);
    // 4: staff on the admin screen: not a visit.
    c.window()
        .global::<samen_kiosk::ui::generated::Admin>()
        .invoke_corner_held();
    assert_eq!(screen(&c), Screen::Admin);
    c.end_session();
    let d = &days()[0];
    assert_eq!(d.visits, 3, "{d:?}");
    assert_eq!(d.visits_by_language.get("nl"), Some(&2));
    assert_eq!(d.callbacks_by_topic.get("activity"), Some(&1));
    assert_eq!(d.activities_opened(), 2);
    assert_eq!(d.timeouts, 1, "only the walk-away");
    let text = serde_json::to_string(d).unwrap();
    assert!(
        !text.contains("Anna") && !text.contains("0612345678"),
        "{text}"
    );
}

fn main() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let scenarios: &[(&str, fn())] = &[
        ("tap_leaves_signage", tap_leaves_signage),
        (
            "callback_is_offered_only_when_someone_will_call",
            callback_is_offered_only_when_someone_will_call,
        ),
        ("help_is_one_tap_from_signage", help_is_one_tap_from_signage),
        ("rotation_follows_mock_time", rotation_follows_mock_time),
        (
            "cross_fade_is_eight_equal_frames_and_then_nothing_runs",
            cross_fade_is_eight_equal_frames_and_then_nothing_runs,
        ),
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
            "consent_step_says_to_tick_the_box_first",
            consent_step_says_to_tick_the_box_first,
        ),
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
        (
            "admin_screen_says_why_the_outbox_cannot_be_read_and_that_the_disk_is_low",
            admin_screen_says_why_the_outbox_cannot_be_read_and_that_the_disk_is_low,
        ),
        (
            "speech_mode_reads_screens_and_controls_and_ends_with_the_session",
            speech_mode_reads_screens_and_controls_and_ends_with_the_session,
        ),
        (
            "speech_never_says_the_visitors_name_or_number",
            speech_never_says_the_visitors_name_or_number,
        ),
        (
            "text_size_and_contrast_reflow_and_reset_at_session_end",
            text_size_and_contrast_reflow_and_reset_at_session_end,
        ),
        (
            "configured_theme_is_where_every_visit_starts",
            configured_theme_is_where_every_visit_starts,
        ),
        (
            "every_text_and_background_pair_meets_wcag_contrast",
            every_text_and_background_pair_meets_wcag_contrast,
        ),
        (
            "every_control_is_at_least_9_mm_and_labelled",
            every_control_is_at_least_9_mm_and_labelled,
        ),
        (
            "figures_count_what_visits_did",
            figures_count_what_visits_did,
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
