//! Campaign messages and urgent notices (issue 17) on Slint's testing backend with
//! mock time: the kiosk's clock (`FixedClock`) and Slint's timers move together.
//!
//! Index:
//! - a_message_appears_and_disappears_on_time
//! - urgent_from_a_new_configuration_pre_empts_and_shows_on_the_form
//! - urgent_from_a_feed_refresh_and_only_where_allowed
//! - the_plan_is_what_the_screen_shows
//!
//! The testing backend can only be initialised once per process: this file has its
//! own `main` (harness = false), like tests/ui.rs.

use i_slint_backend_testing::{mock_elapsed_time, ElementHandle};
use samen_kiosk::callback::delivery::{Channel, Webhook};
use samen_kiosk::config::{Config, FeedConfig, Message};
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::feed_service::FeedService;
use samen_kiosk::i18n::Localized;
use samen_kiosk::messages::{check_window, RawWindow};
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Kiosk, Nav, Screen, Signage, SlideKind};
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::{ComponentHandle, Model};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Saturday 28 November 2026, 10:42 in Hilversum.
const NOW: &str = "2026-11-28T10:42:00+01:00";

fn configured() -> Config {
    let mut config = Config::default();
    config.callback.channel = Some(Channel::Webhook(Webhook {
        url: "https://intake.example.org/hook".into(),
        secret: samen_kiosk::signing::Secret::new("0123456789abcdef0123"),
    }));
    config
}

fn message(
    id: &str,
    title: &str,
    from: Option<&str>,
    until: Option<&str>,
    urgent: bool,
) -> Message {
    let raw = RawWindow {
        from,
        until,
        priority: urgent.then_some("urgent"),
        ..Default::default()
    };
    let (window, priority, problems) = check_window(&raw);
    assert!(problems.is_empty(), "{problems:?}");
    Message {
        id: id.into(),
        window,
        priority,
        ..Message::always(
            Localized::new(title),
            Localized::new("De koffieochtend gaat vandaag niet door."),
        )
    }
}

fn kiosk(config: Config) -> (Rc<App>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(parse_instant(NOW).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let catalog = Catalog::new(feed.activities, true);
    let window = AppWindow::new().expect("window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let app = App::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock: clock.clone(),
            catalog,
            image_dir: None,
            state_dir: None,
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
    );
    app.window().show().expect("show");
    (app, clock)
}

/// One slide on: the wall clock and Slint's mock time together.
fn next_slide(clock: &FixedClock) {
    clock.advance(chrono::Duration::seconds(10));
    mock_elapsed_time(Duration::from_secs(10));
}

fn front(c: &App) -> samen_kiosk::ui::generated::SlideData {
    let s = c.window().global::<Signage>();
    if s.get_front_is_a() {
        s.get_slide_a()
    } else {
        s.get_slide_b()
    }
}

fn find(c: &App, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(c.window(), label).collect()
}

fn tap(c: &App, label: &str) {
    let found = find(c, label);
    let element = found
        .first()
        .unwrap_or_else(|| panic!("no element labelled '{label}' on screen"));
    element.invoke_accessible_default_action();
}

fn strip(c: &App) -> Vec<String> {
    let model = c.window().global::<Kiosk>().get_urgent();
    model.iter().map(|n| n.title.to_string()).collect()
}

fn a_message_appears_and_disappears_on_time() {
    let mut config = configured();
    config.signage.messages = vec![
        message("altijd", "Samen is leuker!", None, None, false),
        message(
            "kerst",
            "Kerstdiner",
            Some("2026-11-28T10:45"),
            Some("2026-11-28T11:00"),
            false,
        ),
    ];
    let (c, clock) = kiosk(config);
    let mut seen: Vec<(chrono::DateTime<chrono::Utc>, String)> = Vec::new();
    // 25 minutes of slides.
    for _ in 0..150 {
        let slide = front(&c);
        if slide.kind == SlideKind::Campaign {
            seen.push((clock.now(), slide.title.to_string()));
        }
        next_slide(&clock);
    }
    let start = parse_instant("2026-11-28T10:45:00+01:00").unwrap();
    let end = parse_instant("2026-11-28T11:00:00+01:00").unwrap();
    let kerst: Vec<_> = seen.iter().filter(|(_, t)| t == "Kerstdiner").collect();
    assert!(
        !kerst.is_empty(),
        "the message showed in its window: {seen:?}"
    );
    assert!(
        kerst.iter().all(|(t, _)| *t >= start && *t < end),
        "only in its window: {kerst:?}"
    );
    assert!(
        seen.iter()
            .any(|(t, title)| *t >= end && title == "Samen is leuker!"),
        "the rotation goes on after it"
    );
}

fn urgent_from_a_new_configuration_pre_empts_and_shows_on_the_form() {
    let (c, clock) = kiosk(configured());
    // A visitor is typing their name in "Bel mij terug".
    tap(&c, "Tik op het scherm");
    tap(&c, "Bel mij terug");
    tap(&c, "Ja, 16 of ouder");
    tap(&c, "Sla over");
    for ch in "anna".chars() {
        tap(&c, &ch.to_string());
    }
    let form = c.window().global::<samen_kiosk::ui::generated::Callback>();
    assert_eq!(form.get_name(), "Anna");
    assert!(strip(&c).is_empty());
    // The fleet document gets an urgent notice, for the rest of the morning.
    let mut config = configured();
    config.signage.messages.push(message(
        "storm",
        "Vandaag gesloten wegens storm",
        Some("2026-11-28T10:00"),
        Some("2026-11-28T12:00"),
        true,
    ));
    c.set_config(Arc::new(config.clone()));
    assert_eq!(c.window().global::<Nav>().get_screen(), Screen::Callback);
    assert_eq!(strip(&c), ["Vandaag gesloten wegens storm"]);
    let label =
        "Belangrijk: Vandaag gesloten wegens storm. De koffieochtend gaat vandaag niet door.";
    assert!(!find(&c, label).is_empty(), "the strip is on the form");
    assert_eq!(form.get_name(), "Anna", "nothing typed is lost");
    assert!(
        c.screen_speech().contains("Vandaag gesloten wegens storm"),
        "speech mode reads it: {}",
        c.screen_speech()
    );
    // Other screens have it too.
    tap(&c, "Hulp nodig?");
    assert!(!find(&c, label).is_empty(), "on the help screen");
    // The visit ends: signage shows the notice first, then every other slide.
    c.end_session();
    assert_eq!(front(&c).kind, SlideKind::Urgent);
    assert_eq!(front(&c).title, "Vandaag gesloten wegens storm");
    let mut kinds = Vec::new();
    for _ in 0..4 {
        next_slide(&clock);
        kinds.push(front(&c).kind);
    }
    assert_eq!(kinds[1], SlideKind::Urgent);
    assert_eq!(kinds[3], SlideKind::Urgent);
    assert!(kinds[0] != SlideKind::Urgent && kinds[2] != SlideKind::Urgent);
    // At 12:00 it has gone by itself: from the slides and from the strip.
    while clock.now() < parse_instant("2026-11-28T12:00:00+01:00").unwrap() {
        next_slide(&clock);
    }
    for _ in 0..8 {
        next_slide(&clock);
        assert_ne!(front(&c).kind, SlideKind::Urgent);
    }
    assert!(strip(&c).is_empty());
    tap(&c, "Tik op het scherm");
    assert!(find(&c, label).is_empty());
    // And a configuration that drops it ends it at once.
    c.end_session();
}

/// A feed file with an urgent message, as staff publish it.
fn feed_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("berichten.json");
    std::fs::write(
        &path,
        r#"{"version":1,"events":[],"messages":[
            {"id":"koffie","title":"De koffieochtend gaat niet door","body":"Volgende week weer.",
             "from":"2026-11-28T08:00","until":"2026-11-28T13:00","priority":"urgent"},
            {"id":"elders","title":"Niet voor deze kiosk","kiosks":["buurthuis-noord"]}
        ]}"#,
    )
    .expect("write feed");
    path
}

fn urgent_from_a_feed_refresh_and_only_where_allowed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = feed_file(dir.path());
    for allowed in [true, false] {
        let (c, clock) = kiosk(configured());
        assert_ne!(front(&c).kind, SlideKind::Urgent);
        next_slide(&clock);
        let source = FeedConfig {
            url: path.display().to_string(),
            name: "berichten".into(),
            refresh: Duration::from_secs(60),
            categories: Vec::new(),
            location_contains: None,
            image_hosts: Vec::new(),
            http_links: false,
            urgent_allowed: allowed,
        };
        let mut service = FeedService::new(&[source], None, clock.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(service.refresh_one(0));
        // The feed has no events: the kiosk keeps showing the example's activities
        // in this test, with the feed's messages.
        let mut catalog = Catalog::new(
            bundled::example(clock.today()).expect("bundled").activities,
            true,
        );
        catalog.messages = service.catalog().messages;
        assert_eq!(catalog.messages.len(), 2);
        c.set_feeds(catalog, service.status());
        let slide = front(&c);
        if allowed {
            assert_eq!(
                slide.kind,
                SlideKind::Urgent,
                "at once, not at the next slide"
            );
            assert_eq!(slide.title, "De koffieochtend gaat niet door");
            assert_eq!(strip(&c), ["De koffieochtend gaat niet door"]);
        } else {
            assert_ne!(slide.kind, SlideKind::Urgent);
            assert!(strip(&c).is_empty());
            // Shown as a normal message instead.
            let mut titles = Vec::new();
            for _ in 0..16 {
                next_slide(&clock);
                titles.push(front(&c).title.to_string());
            }
            assert!(titles
                .iter()
                .any(|t| t == "De koffieochtend gaat niet door"));
            assert!(!titles.iter().any(|t| t == "Niet voor deze kiosk"));
        }
    }
}

fn the_plan_is_what_the_screen_shows() {
    let mut config = configured();
    config.signage.messages.push(message(
        "kerst",
        "Kerstdiner",
        Some("2026-11-28T10:43"),
        Some("2026-12-26"),
        false,
    ));
    config.signage.messages.push(message(
        "storm",
        "Vandaag gesloten",
        Some("2026-11-28T10:44"),
        Some("2026-11-28T10:46"),
        true,
    ));
    let (c, clock) = kiosk(config.clone());
    let start = clock.now();
    let mut shown = Vec::new();
    for _ in 0..40 {
        let slide = front(&c);
        let title = match slide.kind {
            SlideKind::Spotlight => slide.activity.title.to_string(),
            _ => slide.title.to_string(),
        };
        shown.push((format!("{:?}", slide.kind), title));
        next_slide(&clock);
    }
    let catalog = Catalog::new(
        bundled::example(clock.today()).expect("bundled").activities,
        true,
    );
    let plan = samen_kiosk::playlist::plan_with_catalog(
        &config,
        samen_kiosk::messages::for_kiosk(&config, &[]),
        &samen_kiosk::playlist::SlidePlaylist::for_screen(&config, 800, 480, 1.0),
        catalog,
        start,
        chrono::Duration::seconds(400),
    );
    assert_eq!(plan.len(), 40);
    let planned: Vec<(String, String)> = plan
        .iter()
        .map(|e| {
            let kind = match e.kind {
                "message" => "Campaign",
                "urgent" => "Urgent",
                "today" => "Today",
                "week" => "Week",
                "spotlight" => "Spotlight",
                "cta" => "CallToAction",
                "help" => "Help",
                other => other,
            };
            let title = match e.kind {
                "message" | "urgent" | "spotlight" => e.title.clone(),
                _ => String::new(),
            };
            (kind.to_string(), title)
        })
        .collect();
    let on_screen: Vec<(String, String)> = shown
        .into_iter()
        .map(|(k, t)| {
            let keep = matches!(k.as_str(), "Campaign" | "Urgent" | "Spotlight");
            (k, if keep { t } else { String::new() })
        })
        .collect();
    assert_eq!(planned, on_screen);
    assert!(planned.iter().any(|(k, _)| k == "Urgent"));
    assert!(planned.iter().any(|(_, t)| t == "Kerstdiner"));
    assert_eq!(plan[0].at, "2026-11-28T10:42:00+01:00");
}

fn main() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let scenarios: &[(&str, fn())] = &[
        (
            "a_message_appears_and_disappears_on_time",
            a_message_appears_and_disappears_on_time,
        ),
        (
            "urgent_from_a_new_configuration_pre_empts_and_shows_on_the_form",
            urgent_from_a_new_configuration_pre_empts_and_shows_on_the_form,
        ),
        (
            "urgent_from_a_feed_refresh_and_only_where_allowed",
            urgent_from_a_feed_refresh_and_only_where_allowed,
        ),
        (
            "the_plan_is_what_the_screen_shows",
            the_plan_is_what_the_screen_shows,
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
        print!("test messages::{name} ... ");
        scenario();
        println!("ok");
        ran += 1;
    }
    println!("\ntest result: ok. {ran} passed; 0 failed");
}
