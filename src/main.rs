//! Entry point: parse the command line, set up logging, run, and turn an error into
//! one line on stderr and a non-zero exit code (2 for an unusable feed source).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = samen_kiosk::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAMEN_KIOSK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match samen_kiosk::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("samen-kiosk: {err:#}");
            // 2: a feed source that cannot be used at all; 1: everything else.
            if err
                .downcast_ref::<samen_kiosk::feed::SourceError>()
                .is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
