//! The command line (the contract in PRODUCT.md): parsing with clap, one function per
//! subcommand. Errors go up as `anyhow` chains; `main` prints them on one line.

use crate::callback::delivery::Deliverer;
use crate::config::Config;
use crate::feed::{self, Catalog};
use crate::feed_service::FeedService;
use crate::i18n::Lang;
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
    /// How this kiosk is doing: feeds, outbox (from the state directory, no network).
    Status {
        #[arg(long)]
        json: bool,
    },
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
    /// nl or en (default: the configured default language).
    #[arg(long)]
    pub lang: Option<String>,
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
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validates a configuration file: exit 0, or every problem on its own line.
    Check { file: PathBuf },
}

fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    match &global.config {
        Some(path) => Ok(Config::load(path)?),
        None => Ok(Config::default()),
    }
}

fn parse_lang(code: &str) -> anyhow::Result<Lang> {
    Lang::parse(code).with_context(|| format!("language '{code}' is not available (nl, en)"))
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => run_kiosk(&cli.global, RunArgs::default()),
        Some(Command::Run(args)) => run_kiosk(&cli.global, args),
        Some(Command::Screenshot(args)) => screenshot(&cli.global, args),
        Some(Command::Feed(FeedCommand::Occurrences { source, from, to })) => {
            occurrences(&source, from, to)
        }
        Some(Command::Config(ConfigCommand::Check { file })) => config_check(&file),
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
    let config = Arc::new(load_config(global)?);
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
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let service = FeedService::new(&config.feeds, state, clock.clone());
    let catalog = service.catalog();
    tracing::info!(
        kiosk = %config.kiosk_id,
        sources = service.len(),
        activities = catalog.activities().len(),
        example = catalog.example,
        headless = args.headless,
        "starting"
    );
    let image_dir = service.image_dir().map(Path::to_path_buf);
    let deliverer = match (&config.callback.channel, state) {
        (Some(channel), Some(_)) => Some(
            Deliverer::new(channel.clone(), config.callback.retry_first, clock.clone())?
                .with_max_retry(config.callback.retry_max),
        ),
        (None, _) => {
            tracing::warn!(
                "no callback.webhook or callback.email configured: requests wait in the outbox"
            );
            None
        }
        (Some(_), None) => None,
    };
    let outbox_path = state_dir.join(crate::callback::outbox::FILE_NAME);
    let wake = Arc::new(tokio::sync::Notify::new());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let headless = args.headless;

    // Background services on one small tokio runtime on a thread of their own; results
    // come back to the UI thread through the event loop.
    let services_wake = wake.clone();
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
            let on_update = move |catalog, status| {
                if headless {
                    return;
                }
                let _ = slint::invoke_from_event_loop(move || {
                    if let Some(c) = Controller::current() {
                        c.set_feeds(catalog, status);
                    }
                });
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
                let feeds = service.run(on_update, stopped.clone());
                let delivery = async {
                    match deliverer {
                        Some(d) => d.run(outbox_path, services_wake, stopped.clone()).await,
                        None => {
                            let mut s = stopped.clone();
                            let _ = s.wait_for(|stop| *stop).await;
                        }
                    }
                };
                tokio::join!(feeds, delivery);
            });
        })?;

    if headless {
        crate::systemd::notify("READY=1");
        let _ = services.join();
        crate::systemd::notify("STOPPING=1");
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
        },
    );
    controller.load_pictures();
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
    result
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

fn screenshot(global: &GlobalArgs, args: ScreenshotArgs) -> anyhow::Result<()> {
    let scene = Scene::parse(&args.scene)
        .with_context(|| format!("unknown scene '{}'; scenes: {}", args.scene, Scene::names()))?;
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
        },
        scene,
        size,
        lang,
        &args.out,
    )
}

fn occurrences(source: &str, from: NaiveDate, to: NaiveDate) -> anyhow::Result<()> {
    use std::io::Write;
    if to <= from {
        bail!("--to must be after --from");
    }
    let today = crate::time::SystemClock.today();
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
    match Config::load(file) {
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
    let config = load_config(global)?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let feeds = FeedService::new(&config.feeds, state, clock.clone()).status();
    let outbox = match state {
        Some(dir) => Some(crate::callback::outbox::Outbox::open_in(dir)?.status(now)?),
        None => None,
    };
    let report = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "kiosk_id": config.kiosk_id,
        "state_dir": state_dir.display().to_string(),
        "feeds": feeds.sources.iter().map(|s| serde_json::json!({
            "name": s.name,
            "activities": s.activities,
            "last_good": s.last_good.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
        "feeds_stale_since": feeds.stale_since(now).map(|t| t.to_rfc3339()),
        "outbox": outbox,
        "delivery": config.callback.channel.as_ref().map(|c| match c {
            crate::callback::delivery::Channel::Webhook(_) => "webhook",
            crate::callback::delivery::Channel::Email(_) => "email",
        }),
    });
    if json {
        println!("{report}");
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
