//! The process's life: the command line (`args`), the one-shot commands
//! (`commands`), the running kiosk (`kiosk`: start-up, window, watchdog), its
//! background services (`services`: fleet poller, feeds, delivery, heartbeat), the one
//! way their results reach the UI (`bridge`), and logging (`logging`). `main.rs` only
//! calls [`main`].

mod args;
mod bridge;
mod commands;
mod kiosk;
mod logging;
mod services;

use args::SignageCommand;
pub use args::{parse_size, Cli};
use args::{AdminCommand, CallbackCommand, Command, ConfigCommand, FeedCommand, OutboxCommand};
use args::{RunArgs, ScreenshotArgs};
use std::process::ExitCode;

/// The binary: arguments, logging, run; an error is one line on stderr and exit code
/// 2 (a feed source that cannot be used at all) or 1 (everything else).
pub fn main() -> ExitCode {
    use clap::Parser;
    crate::memory::tune_allocator();
    crate::state::private_umask();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    logging::init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("samen-kiosk: {err:#}");
            if err.downcast_ref::<crate::feed::SourceError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// A command line clap refused: one line on stderr (the README's promise for every
/// error), exit code 2; `--help` and `--version` print as clap does.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        err.exit();
    }
    eprintln!(
        "samen-kiosk: {} (see --help)",
        one_line_usage_error(&err.render().to_string())
    );
    ExitCode::from(2)
}

/// clap's message up to its first blank line, on one line, without "error: ".
fn one_line_usage_error(rendered: &str) -> String {
    let first: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let text = first.join(" ");
    text.strip_prefix("error: ").unwrap_or(&text).to_string()
}

/// Runs one command (no command: the kiosk).
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => kiosk::run(&cli.global, RunArgs::default()),
        Some(Command::Run(args)) => kiosk::run(&cli.global, args),
        Some(Command::Screenshot(args)) => commands::screenshot(&cli.global, args, false),
        Some(Command::Speak(args)) => commands::screenshot(
            &cli.global,
            ScreenshotArgs {
                scene: args.scene,
                size: "1280x800".into(),
                out: args.out,
                lang: args.lang,
                now: args.now,
                text_size: "normal".into(),
                high_contrast: false,
                message: None,
            },
            true,
        ),
        Some(Command::Feed(FeedCommand::Occurrences {
            source,
            from,
            to,
            now,
        })) => commands::occurrences(&source, from, to, now.as_deref()),
        Some(Command::Config(ConfigCommand::Check { file })) => commands::config_check(&file),
        Some(Command::Config(ConfigCommand::Verify { file, pubkey })) => {
            commands::config_verify(&file, &pubkey)
        }
        Some(Command::Admin(AdminCommand::HashPin)) => commands::hash_pin(),
        Some(Command::Callback(CallbackCommand::Submit {
            name,
            phone,
            when,
            topic,
            lang,
        })) => {
            commands::callback_submit(&cli.global, &name, &phone, &when, topic.as_deref(), &lang)
        }
        Some(Command::Outbox(OutboxCommand::Status { json })) => {
            commands::outbox_status(&cli.global, json)
        }
        Some(Command::Status { json }) => commands::kiosk_status(&cli.global, json),
        Some(Command::Signage(SignageCommand::Plan { from, hours, size })) => {
            commands::signage_plan(&cli.global, &from, hours, &size)
        }
    }
}
