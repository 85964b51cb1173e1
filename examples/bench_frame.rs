//! A bounded, deterministic run of the kiosk's UI for instruction counts
//! (`valgrind --tool=callgrind`, see docs/performance.md): no display, no network, a
//! fixed clock, Slint's time moved by hand.
//!
//! `bench_frame first-frame [WxH]`: configuration and bundled feed read, window and
//! controller built, the first frame of signage rendered; then it exits.
//! `bench_frame slides N [WxH]`: as above, then the bundled pictures are decoded and
//! handed to the UI (redrawn), then N slide changes, each ticked at 60 Hz until its
//! cross-fade (stepped at 20 frames a second) is over. The cost of one slide change is
//! `slides 1` minus `slides 0` (everything else is the same in both runs).
//!
//! Environment: `FADE_MS` overrides the cross-fade (`[signage] fade_ms`, 400 ms).
//! `REGIONS=1` prints the region(s) each frame of a slide change draws.
//! `MIDPOINT_PNG=file.png` writes the first frame of the first slide change in which
//! the new slide's opacity is at least 0.5 (the middle of the cross-fade) as PNG, to
//! compare fades by eye; with `FADE_AT=x` it is instead the frame with the opacity set
//! to x by hand after the change (e.g. 0.5576, the frame 7 of 13 of the earlier
//! eased fade).
//!
//! `bench_frame clock [WxH]`: as `slides 0`, with slides of 10 minutes, then the wall
//! clock and Slint's clock move to the next minute: prints the region drawn again
//! for the top bar's clock (what the running kiosk does once a minute).
//!
//! Rendering is the software renderer into a buffer that is kept between frames
//! (`RepaintBufferType::ReusedBuffer`), so only what changed is drawn again, as on a
//! display.

use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::Signage;
use samen_kiosk::ui::headless::Headless;
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::ComponentHandle;
use std::sync::Arc;
use std::time::Duration;

/// Saturday 28 November 2026, 10:42 in Hilversum (as in tests/ui.rs).
const NOW: &str = "2026-11-28T10:42:00+01:00";
const FRAME: Duration = Duration::from_micros(16_667);

/// Draws if anything changed; returns whether a frame was drawn.
fn frame(screen: &mut Headless) -> bool {
    screen.frame().is_some()
}

/// Frames drawn until nothing moves any more (at most 10 s of them). The cross-fade
/// is stepped by a 20 Hz timer, so 60 Hz ticks without a frame are normal during
/// it: settled means four ticks (67 ms) in a row without one.
fn settle(screen: &mut Headless) -> u32 {
    settle_with(screen, false, None)
}

/// As [`settle`]; `regions`: prints what each frame draws; `midpoint`: writes the
/// first frame with the new slide's opacity at 0.5 or more as PNG.
fn settle_with(
    screen: &mut Headless,
    regions: bool,
    mut midpoint: Option<(&str, &AppWindow)>,
) -> u32 {
    let mut frames = 0;
    let mut idle = 0;
    for n in 1..=600 {
        screen.advance(FRAME);
        let drawn = screen.frame();
        if regions {
            if let Some(r) = &drawn {
                println!("tick {n}: {r:?}");
            }
        }
        if let Some((path, window)) = midpoint {
            let fade = window.global::<Signage>().get_fade_in();
            if drawn.is_some() && fade >= 0.5 {
                println!("midpoint: opacity {fade} at tick {n}");
                write_png(screen, path);
                midpoint = None;
            }
        }
        let drew = drawn.is_some();
        frames += u32::from(drew);
        idle = if drew { 0 } else { idle + 1 };
        if idle >= 4 && !screen.has_active_animations() {
            break;
        }
    }
    frames
}

fn write_png(screen: &Headless, path: &str) {
    if let Err(e) = screen.write_png(std::path::Path::new(path)) {
        eprintln!("cannot write {path}: {e:#}");
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: bench_frame first-frame [WxH] | bench_frame slides N [WxH] | bench_frame clock [WxH]";
    let clock_mode = args.first().map(String::as_str) == Some("clock");
    let (slides, size_arg) = match args.first().map(String::as_str) {
        Some("first-frame") => (None, args.get(1)),
        Some("clock") => (Some(0), args.get(1)),
        Some("slides") => {
            let n: u32 = args
                .get(1)
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("{usage}"))?;
            (Some(n), args.get(2))
        }
        _ => anyhow::bail!("{usage}"),
    };
    let (width, height) =
        samen_kiosk::app::parse_size(size_arg.map_or("1920x1080", String::as_str))?;
    let mut screen = Headless::install((width, height), true)?;

    let now = parse_instant(NOW).map_err(anyhow::Error::msg)?;
    let clock = Arc::new(FixedClock::new(now));
    let feed = bundled::example(clock.today())?;
    let catalog = Catalog::new(feed.activities, true);
    let mut config = Config::default();
    if clock_mode {
        config.signage.slide_seconds = 600;
    }
    // FADE_MS=0: slides change with a cut instead of the cross-fade.
    if let Some(ms) = std::env::var("FADE_MS").ok().and_then(|v| v.parse().ok()) {
        config.signage.fade_ms = ms;
    }
    let app = AppWindow::new()?;
    let controller = App::new(
        app,
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
    controller.window().show()?;
    anyhow::ensure!(frame(&mut screen), "the first frame was not drawn");
    let Some(slides) = slides else {
        println!("first frame drawn");
        return Ok(());
    };

    // The pictures, as the worker thread would hand them over (decoded here, on the
    // spot, so that the run is deterministic).
    let max = width.max(height) / 2;
    let pictures = controller
        .picture_sources()
        .into_iter()
        .map(|s| {
            let p = samen_kiosk::images::load(&s, None, max, max).ok();
            (s, p)
        })
        .collect();
    controller.add_pictures(pictures);
    let settled = settle(&mut screen);
    let regions = std::env::var_os("REGIONS").is_some();
    let midpoint = std::env::var("MIDPOINT_PNG").ok();
    let fade_at: Option<f32> = std::env::var("FADE_AT").ok().and_then(|v| v.parse().ok());
    let mut frames = Vec::new();
    for n in 0..slides {
        controller.advance();
        let png = midpoint
            .as_deref()
            .filter(|_| n == 0 && fade_at.is_none())
            .map(|p| (p, controller.window()));
        frames.push(settle_with(&mut screen, regions, png));
        if let (0, Some(at), Some(path)) = (n, fade_at, midpoint.as_deref()) {
            controller.window().global::<Signage>().set_fade_in(at);
            frame(&mut screen);
            println!("midpoint: opacity {at} set by hand");
            write_png(&screen, path);
        }
    }
    println!("pictures: {settled} frame(s); slide changes: {frames:?} frames each");
    if clock_mode {
        // 10:42:00 + 60 s: the clock's minute timer fires and the time changes.
        clock.advance(chrono::Duration::seconds(60));
        screen.advance(Duration::from_secs(60));
        let drawn = screen.frame();
        let area: u64 = drawn
            .iter()
            .flatten()
            .map(|r| u64::from(r.2) * u64::from(r.3))
            .sum();
        println!(
            "clock minute: drawn {drawn:?} = {area} pixels, {:.2} % of the window; then {} more frame(s)",
            100.0 * area as f64 / f64::from(width * height),
            settle(&mut screen)
        );
    }
    Ok(())
}
