//! The command line (the contract in PRODUCT.md): parsing with clap, one function per
//! subcommand. Errors go up as `anyhow` chains; `main` prints them on one line.

use crate::config::Config;
use crate::feed::{self, Catalog};
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
}

#[derive(Args, Debug, Default)]
pub struct RunArgs {
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
    }
}

fn run_kiosk(global: &GlobalArgs, args: RunArgs) -> anyhow::Result<()> {
    let config = Arc::new(load_config(global)?);
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    if let Err(err) = crate::state::ensure(&state_dir) {
        // Signage still works without state; later features need it.
        tracing::warn!("{err:#}");
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let catalog = feed::build_catalog(&config.feeds, clock.today());
    tracing::info!(
        kiosk = %config.kiosk_id,
        activities = catalog.activities().len(),
        example = catalog.example,
        "starting"
    );
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
        },
    );
    spawn_picture_loader(&controller);
    slint::ComponentHandle::run(controller.window()).context("the kiosk window stopped")?;
    Ok(())
}

/// Decodes and scales pictures on a worker thread; the UI gets them when ready.
fn spawn_picture_loader(controller: &std::rc::Rc<Controller>) {
    let sources = controller.picture_sources();
    if sources.is_empty() {
        return;
    }
    let size = slint::ComponentHandle::window(controller.window()).size();
    let max = size.width.max(size.height).clamp(480, 3840) / 2;
    // The controller is not Send; only the finished pixels cross back, and the
    // closure looks the controller up again on the UI thread.
    std::thread::spawn(move || {
        let pictures: Vec<_> = sources
            .into_iter()
            .filter_map(|source| match crate::images::load(&source, max, max) {
                Ok(picture) => Some((source, picture)),
                Err(err) => {
                    tracing::warn!("picture not shown: {err:#}");
                    None
                }
            })
            .collect();
        let _ = slint::invoke_from_event_loop(move || {
            if let Some(c) = Controller::current() {
                c.add_pictures(pictures);
            }
        });
    });
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
    let catalog = feed::build_catalog(&config.feeds, clock.today());
    crate::screenshot::render(
        KioskOptions {
            config,
            clock,
            catalog,
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
