//! The command line's shape (the contract in the README's "Using it"): clap types
//! only. What each command does is in `commands.rs` (one-shot commands) and
//! `kiosk.rs` (`run`).

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    /// What signage shows.
    #[command(subcommand)]
    Signage(SignageCommand),
}

#[derive(Subcommand, Debug)]
pub enum SignageCommand {
    /// Prints the slides the kiosk would show from --from for --hours when nobody
    /// touches it: one JSON object per slide (`at`, `kind`, `id`, `title`). Uses the
    /// configuration and the cached feeds, like `screenshot`; no network.
    Plan {
        /// The start, RFC 3339 or local `YYYY-MM-DDTHH:MM` (Europe/Amsterdam).
        #[arg(long)]
        from: String,
        /// How many hours (1 to 168).
        #[arg(long)]
        hours: u32,
        /// The screen, WIDTHxHEIGHT (how many activities fit on a list slide).
        #[arg(long, default_value = "1920x1080")]
        size: String,
    },
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
    /// The scene to render.
    #[arg(long, value_parser = scene_names())]
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
    /// A message to show instead of the configured ones (scene `signage-message`):
    /// a JSON file with one message in the feed format's fields (docs/feed-format.md),
    /// its `image` a file beside it. Shown as in force at `--now`. No network, no state.
    #[arg(long, value_name = "FILE")]
    pub message: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SpeakArgs {
    /// The scene to read out (as for screenshot).
    #[arg(long, value_parser = scene_names())]
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

/// `WIDTHxHEIGHT` (`--size`, `bench_frame`), within what a screen can be.
pub fn parse_size(text: &str) -> anyhow::Result<(u32, u32)> {
    use anyhow::Context;
    let (w, h) = text
        .split_once(['x', 'X'])
        .with_context(|| format!("size '{text}' is not WIDTHxHEIGHT, e.g. 1920x1080"))?;
    let w: u32 = w
        .trim()
        .parse()
        .with_context(|| format!("width '{w}' is not a number"))?;
    let h: u32 = h
        .trim()
        .parse()
        .with_context(|| format!("height '{h}' is not a number"))?;
    if !(320..=7680).contains(&w) || !(240..=7680).contains(&h) {
        anyhow::bail!("size {w}x{h} is out of range (320x240 up to 7680x7680)");
    }
    Ok((w, h))
}

/// Every scene `screenshot` and `speak` know: listed by `--help`, checked by clap.
fn scene_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::ui::Scene::ALL.map(|(name, _)| name))
}
