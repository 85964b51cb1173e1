//! `samen-kiosk run` (and no command at all): the running kiosk. Start-up (`prepare`)
//! reads the local file and the last good fleet document, builds the first catalog
//! from what is cached (no network), starts the services thread and opens the state
//! files; with a window it does so on scoped threads while this (main) thread opens
//! the window. Then Slint's event loop runs on this thread until the window closes (or,
//! `--headless`, only the services run until SIGTERM). systemd hears `READY=1` once the
//! event loop runs, and `WATCHDOG=1` from that loop, so a frozen UI is restarted.

use super::args::{GlobalArgs, RunArgs};
use super::bridge::UiBridge;
use super::services::{self, Services};
use crate::config::Config;
use crate::feed_service::FeedService;
use crate::remote::{self, FleetPoller, LocalFile};
use crate::status::{self, Shared};
use crate::time::{Clock, SystemClock};
use crate::ui::{App, AppWindow, KioskOptions, StateFiles};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(super) fn run(global: &GlobalArgs, args: RunArgs) -> anyhow::Result<()> {
    if args.headless {
        let prepared = prepare(global, &args)?;
        crate::systemd::notify("READY=1");
        let _ = prepared.services.join();
        crate::systemd::notify("STOPPING=1");
        prepared.runtime_on_exit.forget();
        return Ok(());
    }
    if args.fullscreen {
        std::env::set_var("SLINT_FULLSCREEN", "1");
    }
    // The window (the X11 or DRM connection, the fonts) is made on this thread while a
    // second one reads the configuration and the cached feeds and opens the state
    // files; neither waits for the other (docs/performance.md, "The third session on
    // issue 24").
    let (prepared, window) = std::thread::scope(|scope| {
        let preparing = std::thread::Builder::new()
            .name("start-up".into())
            .spawn_scoped(scope, || prepare(global, &args));
        let window = AppWindow::new();
        let prepared = match preparing {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to spare: the same work on this one.
            Err(_) => prepare(global, &args),
        };
        (prepared, window)
    });
    let prepared = prepared?;
    // Slint's reason spans several lines (one per back end it tried): one line here.
    let window = window.map_err(|e| {
        let why = e.to_string();
        let why: Vec<&str> = why
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        anyhow::anyhow!("cannot open the kiosk window: {}", why.join(" "))
    })?;
    if let Some(size) = &args.size {
        let (w, h) = super::args::parse_size(size)?;
        slint::ComponentHandle::window(&window).set_size(slint::PhysicalSize::new(w, h));
    }
    let Prepared {
        config,
        clock,
        catalog,
        image_dir,
        state,
        wake,
        refresh,
        runtime,
        runtime_on_exit,
        stop,
        services,
        ui_ready,
        files,
        speaker,
    } = prepared;
    let app = App::with_files(
        window,
        KioskOptions {
            config,
            clock,
            catalog,
            image_dir,
            state_dir: state,
            delivery: Some(wake),
            runtime: Some(runtime),
            refresh: Some(refresh),
            speaker,
        },
        files.unwrap_or_default(),
    );
    app.load_pictures();
    app.prepare_pictures();
    // A USB headset plugged in or pulled out (issue 21): noticed on a thread of its
    // own, handed to the UI thread.
    crate::speech::watch_headsets(|device| {
        let _ = slint::invoke_from_event_loop(move || {
            if let Some(app) = App::current() {
                app.set_headset(device);
            }
        });
    });
    let _ = ui_ready.send(true);
    // Ready once the event loop runs; then the watchdog pings come from the UI
    // thread's own event loop, so a frozen UI means no pings and a restart.
    let ready = slint::Timer::default();
    ready.start(
        slint::TimerMode::SingleShot,
        std::time::Duration::ZERO,
        || crate::systemd::notify("READY=1"),
    );
    // Start-up's code is not needed again: 30 s in (the first frame, the feeds from
    // the cache and the first slide changes are done), the kernel may have its pages
    // back (docs/performance.md, "Resident pages").
    let start_up_over = slint::Timer::default();
    start_up_over.start(
        slint::TimerMode::SingleShot,
        std::time::Duration::from_secs(30),
        || {
            let bytes = crate::memory::drop_start_up_pages();
            tracing::debug!("start-up pages handed back: {} KiB advised", bytes / 1024);
        },
    );
    let watchdog = slint::Timer::default();
    if let Some(every) = crate::systemd::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, every, || {
            crate::systemd::notify("WATCHDOG=1")
        });
    }
    let result = slint::ComponentHandle::run(app.window()).context("the kiosk window stopped");
    crate::systemd::notify("STOPPING=1");
    let _ = stop.send(true);
    let _ = services.join();
    runtime_on_exit.forget();
    result
}

/// What start-up makes besides the window: the configuration, the first catalog from
/// the cache, the running services, and (with a window) the state files the screens
/// write and the voice.
struct Prepared {
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    catalog: crate::feed::Catalog,
    image_dir: Option<PathBuf>,
    state: Option<PathBuf>,
    wake: Arc<tokio::sync::Notify>,
    refresh: Arc<tokio::sync::Notify>,
    runtime: Shared,
    /// Gone when the kiosk stops, so that `status` does not report a kiosk that is not there.
    runtime_on_exit: Shared,
    stop: tokio::sync::watch::Sender<bool>,
    services: std::thread::JoinHandle<()>,
    /// The window exists (the heartbeat's first screenshot waits for it).
    ui_ready: tokio::sync::watch::Sender<bool>,
    files: Option<StateFiles>,
    speaker: Option<Arc<dyn crate::speech::Speaker>>,
}

/// Start-up without the window; runs beside the window's making (`run`).
fn prepare(global: &GlobalArgs, args: &RunArgs) -> anyhow::Result<Prepared> {
    let local = LocalFile::read(global.config.as_deref())?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state_ok = match crate::state::ensure(&state_dir) {
        Ok(()) => true,
        // A full disk is kept: the outbox, feeds and delivery work again (without a
        // restart) once there is room.
        Err(err) if is_disk_full(&err) => {
            tracing::warn!("{err:#}");
            true
        }
        Err(err) => {
            // Signage still works without state: feeds are then kept in memory only
            // and the callback form says it cannot take requests.
            tracing::warn!("{err:#}");
            false
        }
    };
    let state = state_ok.then_some(state_dir.as_path());
    let (config, applied, config_error) = remote::startup(&local, state)?;
    let config = Arc::new(config);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    std::thread::scope(|scope| {
        // What the screens write (the outbox, the figures, the day of the last touch;
        // created with syncs on a first start) and the voice: opened beside the
        // feeds' cache, not after it. Not needed without a window.
        let opening = (!args.headless).then(|| {
            let clock = clock.clone();
            std::thread::Builder::new()
                .name("state-files".into())
                .spawn_scoped(scope, move || (StateFiles::open(state, clock), speaker()))
        });
        let prepared = prepare_feeds_and_services(
            args,
            local,
            state,
            config,
            applied,
            config_error,
            clock.clone(),
        )?;
        let (files, speaker) = match opening {
            None => (None, None),
            Some(Ok(handle)) => {
                let (files, speaker) = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (Some(files), speaker)
            }
            // No thread to spare: the same work on this one.
            Some(Err(_)) => (Some(StateFiles::open(state, clock)), speaker()),
        };
        Ok(Prepared {
            files,
            speaker,
            ..prepared
        })
    })
}

fn speaker() -> Option<Arc<dyn crate::speech::Speaker>> {
    crate::speech::Espeak::detect().map(|e| Arc::new(e) as Arc<dyn crate::speech::Speaker>)
}

/// The first catalog from the cache, the runtime status and the services thread.
fn prepare_feeds_and_services(
    args: &RunArgs,
    local: LocalFile,
    state: Option<&Path>,
    config: Arc<Config>,
    applied: Option<remote::Applied>,
    config_error: Option<String>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Prepared> {
    let service = FeedService::new(&config.feeds, state, clock.clone());
    // The first frame reads the coming days from the agenda, made here within its
    // overall budget (the services thread makes the next ones).
    let catalog = service.catalog().prepared(clock.today());
    tracing::info!(
        kiosk = %config.kiosk_id,
        config_version = config.config_version,
        sources = service.len(),
        activities = catalog.activities().len(),
        example = catalog.example,
        headless = args.headless,
        "starting"
    );
    let runtime = Shared::new(
        status::Runtime {
            pid: std::process::id(),
            started_at: clock.now(),
            config_version: config.config_version,
            config_error,
            screen_on: config.schedule.is_open(clock.now()),
            feeds: status::feed_reports(&service.status()),
            headless: args.headless,
            pictures_paused: None,
            messages: None,
        },
        state,
    );
    let runtime_on_exit = runtime.clone();
    let image_dir = service.image_dir().map(Path::to_path_buf);
    drop(service);
    let wake = Arc::new(tokio::sync::Notify::new());
    let refresh = Arc::new(tokio::sync::Notify::new());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (ui_ready, ui_ready_rx) = tokio::sync::watch::channel(false);
    let poller = match &config.remote {
        Some(r) => Some(FleetPoller::new(
            r.clone(),
            local,
            state.map(Path::to_path_buf),
            applied,
        )?),
        None => None,
    };
    let services = services::spawn(
        Services {
            state: state.map(Path::to_path_buf),
            clock: clock.clone(),
            wake: wake.clone(),
            refresh: refresh.clone(),
            runtime: runtime.clone(),
            ui: if args.headless {
                UiBridge::Headless
            } else {
                UiBridge::Window
            },
            image_dir: image_dir.clone(),
            ui_ready: ui_ready_rx,
        },
        Arc::clone(&config),
        poller,
        (stop.clone(), stopped),
    )?;
    Ok(Prepared {
        config,
        clock,
        catalog,
        image_dir,
        state: state.map(Path::to_path_buf),
        wake,
        refresh,
        runtime,
        runtime_on_exit,
        stop,
        services,
        ui_ready,
        files: None,
        speaker: None,
    })
}

fn is_disk_full(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::StorageFull)
}
