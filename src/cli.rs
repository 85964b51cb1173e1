//! The command line (the contract in PRODUCT.md): parsing with clap, one function per
//! subcommand. Errors go up as `anyhow` chains; `main` prints them on one line.

use crate::callback::delivery::Deliverer;
use crate::config::Config;
use crate::feed::{self, Catalog};
use crate::feed_service::FeedService;
use crate::i18n::Lang;
use crate::remote::{self, FleetPoller, LocalFile, PollOutcome};
use crate::status::{self, Shared};
use crate::time::{self, Clock, FixedClock, SystemClock};
use crate::ui::{AppWindow, Controller, KioskOptions, Scene};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "samen-kiosk",
    version,
    about = "Touchscreen kiosk and signage for \"Samen is leuker!\""
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Configuration file (TOML). Without one the kiosk runs on built-in defaults.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where state is kept (default: the platform data directory).
    #[arg(long, global = true, value_name = "DIR", env = "SAMEN_KIOSK_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the kiosk (the default).
    Run(RunArgs),
    /// Renders a screen to PNG without a display.
    Screenshot(ScreenshotArgs),
    /// Writes what speech mode says on a screen to a WAV file (and the text to stdout).
    Speak(SpeakArgs),
    /// Reads activity feeds.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Checks configuration files.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Callback requests.
    #[command(subcommand)]
    Callback(CallbackCommand),
    /// The outbox of callback requests.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// How this kiosk is doing (while it runs or not; no network): configuration,
    /// feeds, outbox, screen, uptime, free disk.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// For the IT team.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Reads a PIN (4 to 8 digits) from standard input and prints the Argon2 hash for
    /// `[admin] pin_hash`.
    HashPin,
}

#[derive(Subcommand, Debug)]
pub enum CallbackCommand {
    /// Puts a request into the outbox exactly as the screen does; prints its id last.
    Submit {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        /// morning, afternoon, evening or any
        #[arg(long)]
        when: String,
        /// activity:<title>, chat, volunteering or other
        #[arg(long)]
        topic: Option<String>,
        #[arg(long, default_value = "nl")]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum OutboxCommand {
    /// What waits for delivery.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug, Default)]
pub struct RunArgs {
    /// Only the background services (feeds, callback delivery), no window.
    #[arg(long)]
    pub headless: bool,
    /// Window size on the desktop, e.g. 1280x800.
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    /// Fill the screen (also SLINT_FULLSCREEN=1).
    #[arg(long)]
    pub fullscreen: bool,
}

#[derive(Args, Debug)]
pub struct ScreenshotArgs {
    /// The scene: signage, signage-today, signage-spotlight, signage-week, signage-cta,
    /// signage-help, today, tomorrow, week, categories, detail, help, callback, warning.
    #[arg(long)]
    pub scene: String,
    /// WIDTHxHEIGHT in pixels.
    #[arg(long, default_value = "1920x1080")]
    pub size: String,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// nl, en, tr or pl (default: the configured default language).
    #[arg(long)]
    pub lang: Option<String>,
    /// The time to show, RFC 3339 (default: now).
    #[arg(long)]
    pub now: Option<String>,
    /// normal, large or extra-large.
    #[arg(long, default_value = "normal")]
    pub text_size: String,
    /// The high-contrast colours.
    #[arg(long)]
    pub high_contrast: bool,
}

#[derive(Args, Debug)]
pub struct SpeakArgs {
    /// The scene (as for screenshot).
    #[arg(long)]
    pub scene: String,
    /// nl, en, tr or pl (default: the configured default language).
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The time to show, RFC 3339 (default: now).
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum FeedCommand {
    /// Prints every occurrence overlapping [from, to) as JSON lines.
    Occurrences {
        /// A feed file (iCalendar or JSON feed, told from the content), or "example".
        source: String,
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        /// The moment the example feed is moved to (its week), RFC 3339 or local
        /// `YYYY-MM-DDTHH:MM` (default: now). Other sources do not depend on it.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validates a configuration file or a fleet document (one with a top-level
    /// `version`): exit 0, or every problem on its own line.
    Check { file: PathBuf },
    /// Checks FILE.minisig against a minisign public key (the base64 line or a
    /// minisign.pub file).
    Verify {
        file: PathBuf,
        #[arg(long, value_name = "KEY")]
        pubkey: String,
    },
}

/// The local file layered over the last good fleet document in the state directory
/// (what the kiosk starts with).
fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let local = LocalFile::read(global.config.as_deref())?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    Ok(remote::startup(&local, state)?.0)
}

fn parse_lang(code: &str) -> anyhow::Result<Lang> {
    Lang::parse(code)
        .with_context(|| format!("language '{code}' is not available (nl, en, tr, pl)"))
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => run_kiosk(&cli.global, RunArgs::default()),
        Some(Command::Run(args)) => run_kiosk(&cli.global, args),
        Some(Command::Screenshot(args)) => screenshot(&cli.global, args, false),
        Some(Command::Speak(args)) => screenshot(
            &cli.global,
            ScreenshotArgs {
                scene: args.scene,
                size: "1280x800".into(),
                out: args.out,
                lang: args.lang,
                now: args.now,
                text_size: "normal".into(),
                high_contrast: false,
            },
            true,
        ),
        Some(Command::Feed(FeedCommand::Occurrences {
            source,
            from,
            to,
            now,
        })) => occurrences(&source, from, to, now.as_deref()),
        Some(Command::Config(ConfigCommand::Check { file })) => config_check(&file),
        Some(Command::Config(ConfigCommand::Verify { file, pubkey })) => {
            config_verify(&file, &pubkey)
        }
        Some(Command::Admin(AdminCommand::HashPin)) => hash_pin(),
        Some(Command::Callback(CallbackCommand::Submit {
            name,
            phone,
            when,
            topic,
            lang,
        })) => callback_submit(&cli.global, &name, &phone, &when, topic.as_deref(), &lang),
        Some(Command::Outbox(OutboxCommand::Status { json })) => outbox_status(&cli.global, json),
        Some(Command::Status { json }) => kiosk_status(&cli.global, json),
    }
}

fn run_kiosk(global: &GlobalArgs, args: RunArgs) -> anyhow::Result<()> {
    let local = LocalFile::read(global.config.as_deref())?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state_ok = match crate::state::ensure(&state_dir) {
        Ok(()) => true,
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
    let service = FeedService::new(&config.feeds, state, clock.clone());
    let catalog = service.catalog();
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
        },
        state,
    );
    // Gone when the kiosk stops, so that `status` does not report a kiosk that is not there.
    let runtime_on_exit = runtime.clone();
    let image_dir = service.image_dir().map(Path::to_path_buf);
    drop(service);
    let wake = Arc::new(tokio::sync::Notify::new());
    let refresh = Arc::new(tokio::sync::Notify::new());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (config_tx, config_rx) = tokio::sync::watch::channel(Arc::clone(&config));
    let headless = args.headless;
    let services = Services {
        state: state.map(Path::to_path_buf),
        clock: clock.clone(),
        wake: wake.clone(),
        refresh: refresh.clone(),
        runtime: runtime.clone(),
        headless,
    };
    let poller = match &config.remote {
        Some(r) => Some(FleetPoller::new(
            r.clone(),
            local,
            state.map(Path::to_path_buf),
            applied,
        )?),
        None => None,
    };

    // Background services on one small tokio runtime on a thread of their own; results
    // come back to the UI thread through the event loop.
    let services_stop = stop.clone();
    let services = std::thread::Builder::new()
        .name("services".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(err) => {
                    tracing::error!("background services cannot start: {err}");
                    return;
                }
            };
            runtime.block_on(async move {
                if headless {
                    let stop = services_stop.clone();
                    tokio::spawn(async move {
                        wait_for_termination().await;
                        tracing::info!("stopping");
                        let _ = stop.send(true);
                    });
                    // Without a UI the services' own loop is what must stay alive.
                    if let Some(every) = crate::systemd::watchdog_interval() {
                        tokio::spawn(async move {
                            let mut tick = tokio::time::interval(every);
                            loop {
                                tick.tick().await;
                                crate::systemd::notify("WATCHDOG=1");
                            }
                        });
                    }
                }
                let fleet = services.poll_fleet(poller, config_tx, stopped.clone());
                let work = services.run_workers(config_rx.clone(), stopped.clone());
                let heartbeat = services.heartbeat(config_rx, stopped.clone());
                tokio::join!(fleet, work, heartbeat);
            });
        })?;

    if headless {
        crate::systemd::notify("READY=1");
        let _ = services.join();
        crate::systemd::notify("STOPPING=1");
        runtime_on_exit.forget();
        return Ok(());
    }
    if args.fullscreen {
        std::env::set_var("SLINT_FULLSCREEN", "1");
    }
    let app = AppWindow::new().context("cannot open the kiosk window")?;
    if let Some(size) = &args.size {
        let (w, h) = crate::screenshot::parse_size(size)?;
        slint::ComponentHandle::window(&app).set_size(slint::PhysicalSize::new(w, h));
    }
    let controller = Controller::new(
        app,
        KioskOptions {
            config,
            clock,
            catalog,
            image_dir,
            state_dir: state.map(Path::to_path_buf),
            delivery: Some(wake),
            runtime: Some(runtime),
            refresh: Some(refresh),
            speaker: crate::speech::Espeak::detect()
                .map(|e| Arc::new(e) as Arc<dyn crate::speech::Speaker>),
        },
    );
    controller.load_pictures();
    controller.prepare_pictures();
    // Ready once the event loop runs; then the watchdog pings come from the UI
    // thread's own event loop, so a frozen UI means no pings and a restart.
    let ready = slint::Timer::default();
    ready.start(
        slint::TimerMode::SingleShot,
        std::time::Duration::ZERO,
        || crate::systemd::notify("READY=1"),
    );
    let watchdog = slint::Timer::default();
    if let Some(every) = crate::systemd::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, every, || {
            crate::systemd::notify("WATCHDOG=1")
        });
    }
    let result =
        slint::ComponentHandle::run(controller.window()).context("the kiosk window stopped");
    crate::systemd::notify("STOPPING=1");
    let _ = stop.send(true);
    let _ = services.join();
    runtime_on_exit.forget();
    result
}

/// What the services thread shares between its loops.
struct Services {
    state: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    /// Woken when a callback request was saved.
    wake: Arc<tokio::sync::Notify>,
    /// Woken by the admin screen's "refresh now" (`notify_waiters`).
    refresh: Arc<tokio::sync::Notify>,
    runtime: Shared,
    headless: bool,
}

impl Services {
    /// Polls the fleet document; a good one goes to the services (`config_tx`) and to
    /// the UI, a refusal into the status.
    async fn poll_fleet(
        &self,
        poller: Option<FleetPoller>,
        config_tx: tokio::sync::watch::Sender<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let Some(poller) = poller else {
            let _ = stopped.wait_for(|stop| *stop).await;
            return;
        };
        let runtime = self.runtime.clone();
        let headless = self.headless;
        let report = move |outcome: PollOutcome| match outcome {
            PollOutcome::Applied(config) => {
                let config: Arc<Config> = Arc::new(*config);
                tracing::info!(
                    version = config.config_version,
                    feeds = config.feeds.len(),
                    "fleet document applied"
                );
                runtime.update(|r| {
                    r.config_version = config.config_version;
                    r.config_error = None;
                });
                config_tx.send_replace(Arc::clone(&config));
                if !headless {
                    let _ = slint::invoke_from_event_loop(move || {
                        if let Some(c) = Controller::current() {
                            c.set_config(config);
                        }
                    });
                }
            }
            PollOutcome::Refused(refusal) => {
                tracing::warn!("{refusal}; keeping the current configuration");
                runtime.update(|r| r.config_error = Some(refusal.to_string()));
            }
            PollOutcome::Failed(_) | PollOutcome::Unchanged => {}
        };
        poller.run(report, self.refresh.clone(), stopped).await;
    }

    /// Feeds and callback delivery for the current configuration; when it changes (or
    /// on "refresh now") they stop, finish what they were doing, and start again.
    async fn run_workers(
        &self,
        mut config_rx: tokio::sync::watch::Receiver<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let state = self.state.as_deref();
        let mut first = true;
        loop {
            let config = Arc::clone(&config_rx.borrow_and_update());
            let service = FeedService::new(&config.feeds, state, self.clock.clone());
            let runtime = self.runtime.clone();
            let headless = self.headless;
            let on_update = move |catalog: Catalog, status: crate::feed_service::FeedStatus| {
                runtime.update(|r| r.feeds = status::feed_reports(&status));
                if headless {
                    return;
                }
                let _ = slint::invoke_from_event_loop(move || {
                    if let Some(c) = Controller::current() {
                        c.set_feeds(catalog, status);
                    }
                });
            };
            if !first {
                // Other sources (or none: the example) are on screen at once.
                on_update(service.catalog(), service.status());
            }
            first = false;
            let deliverer = deliverer_for(&config, state, &self.clock);
            let (round_stop, round_stopped) = tokio::sync::watch::channel(false);
            let outbox_path = self
                .state
                .as_deref()
                .map(|d| d.join(crate::callback::outbox::FILE_NAME));
            let feeds = service.run(on_update, round_stopped.clone());
            let delivery = async {
                match (deliverer, outbox_path) {
                    (Some(d), Some(path)) => {
                        d.run(path, self.wake.clone(), round_stopped.clone()).await
                    }
                    _ => {
                        let mut s = round_stopped.clone();
                        let _ = s.wait_for(|stop| *stop).await;
                    }
                }
            };
            let work = async { tokio::join!(feeds, delivery) };
            tokio::pin!(work);
            let stop_all = tokio::select! {
                _ = &mut work => return,
                changed = config_rx.changed() => changed.is_err(),
                _ = self.refresh.notified() => false,
                _ = stopped.wait_for(|stop| *stop) => true,
            };
            let _ = round_stop.send(true);
            work.await;
            if stop_all {
                return;
            }
        }
    }

    /// POSTs the status to `[heartbeat] url` every `interval`.
    async fn heartbeat(
        &self,
        mut config_rx: tokio::sync::watch::Receiver<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let client = match reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .user_agent(concat!("samen-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(c) => c,
            Err(err) => {
                tracing::warn!("no heartbeat: {err}");
                return;
            }
        };
        let mut failing = false;
        loop {
            let config = Arc::clone(&config_rx.borrow_and_update());
            let wait = match &config.heartbeat {
                None => None,
                Some(hb) => {
                    let runtime = self.runtime.get();
                    let report = status::report(
                        &config,
                        Some(&runtime),
                        status::Fallback::default(),
                        self.state.as_deref(),
                        self.clock.now(),
                    );
                    match status::send_heartbeat(&client, hb, &report).await {
                        Ok(()) if failing => {
                            tracing::info!("heartbeat delivered again");
                            failing = false;
                        }
                        Ok(()) => {}
                        Err(err) if !failing => {
                            tracing::warn!("heartbeat not delivered: {err}");
                            failing = true;
                        }
                        Err(_) => {}
                    }
                    Some(hb.interval)
                }
            };
            tokio::select! {
                _ = async {
                    match wait {
                        Some(w) => tokio::time::sleep(w).await,
                        None => std::future::pending().await,
                    }
                } => {}
                changed = config_rx.changed() => if changed.is_err() { return },
                _ = stopped.wait_for(|stop| *stop) => return,
            }
        }
    }
}

fn deliverer_for(
    config: &Config,
    state: Option<&Path>,
    clock: &Arc<dyn Clock>,
) -> Option<Deliverer> {
    match (&config.callback.channel, state) {
        (Some(channel), Some(_)) => {
            match Deliverer::new(channel.clone(), config.callback.retry_first, clock.clone()) {
                Ok(d) => Some(d.with_max_retry(config.callback.retry_max)),
                Err(err) => {
                    tracing::error!("callback delivery cannot start: {err:#}");
                    None
                }
            }
        }
        (None, _) => {
            tracing::warn!(
                "no callback.webhook or callback.email configured: requests wait in the outbox"
            );
            None
        }
        (Some(_), None) => None,
    }
}

/// SIGTERM (systemd) or SIGINT (Ctrl-C).
async fn wait_for_termination() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// A scene rendered headless: to PNG, or (`speech`) to what speech mode says.
fn screenshot(global: &GlobalArgs, args: ScreenshotArgs, speech: bool) -> anyhow::Result<()> {
    let scene = Scene::parse(&args.scene)
        .with_context(|| format!("unknown scene '{}'; scenes: {}", args.scene, Scene::names()))?;
    let text_size = match args.text_size.as_str() {
        "normal" => 0,
        "large" => 1,
        "extra-large" => 2,
        other => bail!("text size '{other}': use normal, large or extra-large"),
    };
    let size = crate::screenshot::parse_size(&args.size)?;
    let lang = args.lang.as_deref().map(parse_lang).transpose()?;
    let config = Arc::new(load_config(global)?);
    if let Some(lang) = lang {
        if !config.languages.contains(&lang) {
            bail!("language '{lang}' is not offered by this configuration");
        }
    }
    let now = match &args.now {
        Some(text) => time::parse_instant(text).map_err(anyhow::Error::msg)?,
        None => chrono::Utc::now(),
    };
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(now));
    // A preview uses what the kiosk has cached; it never goes to the network.
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let service = FeedService::new(&config.feeds, state, clock.clone());
    let catalog = service.catalog();
    let image_dir = service.image_dir().map(Path::to_path_buf);
    crate::screenshot::render(
        KioskOptions {
            config,
            clock,
            catalog,
            image_dir,
            state_dir: None,
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
        scene,
        size,
        lang,
        crate::screenshot::Look {
            text_size,
            high_contrast: args.high_contrast,
        },
        if speech {
            crate::screenshot::Output::Speech(&args.out)
        } else {
            crate::screenshot::Output::Png(&args.out)
        },
    )
}

fn occurrences(
    source: &str,
    from: NaiveDate,
    to: NaiveDate,
    now: Option<&str>,
) -> anyhow::Result<()> {
    use std::io::Write;
    if to <= from {
        bail!("--to must be after --from");
    }
    let today = match now {
        Some(text) => {
            FixedClock::new(time::parse_instant(text).map_err(anyhow::Error::msg)?).today()
        }
        None => crate::time::SystemClock.today(),
    };
    let parsed = if source == "example" {
        feed::bundled::example(today)?
    } else {
        feed::load_file(Path::new(source), today)?
    };
    for skipped in &parsed.skipped {
        eprintln!("skipped {skipped}");
    }
    for warning in &parsed.warnings {
        eprintln!("warning: {warning}");
    }
    let catalog = Catalog::new(parsed.activities, parsed.example);
    let a = time::start_of_day(from).with_timezone(&chrono::Utc);
    let b = time::start_of_day(to).with_timezone(&chrono::Utc);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for o in catalog.occurrences(a, b) {
        let (start, end) = if o.all_day {
            (
                o.start.date_naive().to_string(),
                o.end.date_naive().to_string(),
            )
        } else {
            (o.start.to_rfc3339(), o.end.to_rfc3339())
        };
        let line = serde_json::json!({
            "id": o.activity.id,
            "title": o.activity.title.get(Lang::Nl),
            "start": start,
            "end": end,
            "all_day": o.all_day,
            "status": o.status.as_str(),
        });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

fn config_check(file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    // A fleet document has a top-level `version`; a kiosk's own file does not.
    let is_fleet = text
        .parse::<toml::Table>()
        .map(|t| t.contains_key("version"))
        .unwrap_or(false);
    if is_fleet {
        return match crate::config::FleetDoc::parse(&text, &file.display().to_string()) {
            Ok(doc) => {
                // The ids, so that a mistyped one can be seen: it would silently not apply.
                let ids = doc.kiosk_ids().collect::<Vec<_>>();
                let own = if ids.is_empty() {
                    "no values for single kiosks".to_string()
                } else {
                    format!("own values for {}", ids.join(", "))
                };
                println!(
                    "{}: ok (fleet document version {}; {own})",
                    file.display(),
                    doc.version
                );
                Ok(())
            }
            Err(err) => {
                for problem in err.problems() {
                    eprintln!("{problem}");
                }
                bail!("{}: fleet document refused", file.display())
            }
        };
    }
    match Config::parse(&text, &file.display().to_string()) {
        Ok(config) => {
            println!(
                "{}: ok (kiosk {}, {} feed(s), languages {})",
                file.display(),
                config.kiosk_id,
                config.feeds.len(),
                config
                    .languages
                    .iter()
                    .map(|l| l.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(())
        }
        Err(err) => {
            for problem in err.problems() {
                eprintln!("{problem}");
            }
            bail!("{}: configuration refused", file.display())
        }
    }
}

fn config_verify(file: &Path, pubkey: &str) -> anyhow::Result<()> {
    // The key itself, or a minisign.pub file (its last line is the key).
    let key = match std::fs::read_to_string(pubkey) {
        Ok(text) => text.lines().last().unwrap_or_default().trim().to_string(),
        Err(_) => pubkey.trim().to_string(),
    };
    let doc = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
    let sig = std::fs::read_to_string(&sig_path)
        .with_context(|| format!("cannot read {}", sig_path.display()))?;
    remote::verify(&doc, &sig, &key).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    println!("{}: signature ok", file.display());
    Ok(())
}

fn hash_pin() -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the PIN from standard input")?;
    println!("{}", crate::admin::hash_pin(line.trim())?);
    Ok(())
}

fn callback_submit(
    global: &GlobalArgs,
    name: &str,
    phone: &str,
    when: &str,
    topic: Option<&str>,
    lang: &str,
) -> anyhow::Result<()> {
    let config = load_config(global)?;
    let lang = parse_lang(lang)?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let outbox = crate::callback::outbox::Outbox::open_in(&state_dir)?;
    let form = crate::callback::Form {
        name,
        phone,
        slot: when,
        topic,
        lang,
    };
    let request = crate::callback::submit(&outbox, &config.kiosk_id, form, chrono::Utc::now())?;
    println!("{}", request.id);
    Ok(())
}

fn outbox_status(global: &GlobalArgs, json: bool) -> anyhow::Result<()> {
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let outbox = crate::callback::outbox::Outbox::open_in(&state_dir)?;
    let status = outbox.status(chrono::Utc::now())?;
    if json {
        println!("{}", serde_json::to_string(&status)?);
    } else {
        println!("pending: {}", status.pending);
        if let Some(age) = status.oldest_pending_age_s {
            println!("oldest pending: {age} s");
        }
        println!("delivered: {}", status.delivered);
        println!("needs attention: {}", status.failed_attention);
    }
    Ok(())
}

fn kiosk_status(global: &GlobalArgs, json: bool) -> anyhow::Result<()> {
    let local = LocalFile::read(global.config.as_deref())?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let (config, _, startup_error) = remote::startup(&local, state)?;
    let now = chrono::Utc::now();
    let running = state.and_then(status::read_running);
    let fallback = match running {
        Some(_) => status::Fallback::default(),
        None => status::Fallback {
            config_error: startup_error,
            feeds: status::feed_reports(
                &FeedService::new(&config.feeds, state, Arc::new(SystemClock)).status(),
            ),
        },
    };
    let report = status::report(&config, running.as_ref(), fallback, state, now);
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
