//! Entry point: parse the command line, set up logging, run, and turn an error into
//! one line on stderr and a non-zero exit code (2 for an unusable feed source).

use clap::Parser;
use std::process::ExitCode;

/// `SAMEN_KIOSK_LOG` (default `info`), with the HTTP and TLS libraries held at `info`
/// whatever is asked: at trace level they would print request bytes, and callback
/// requests carry personal data.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let wanted = std::env::var("SAMEN_KIOSK_LOG").unwrap_or_else(|_| "info".into());
    let quiet =
        ",hyper=info,hyper_util=info,reqwest=info,h2=info,rustls=info,winit=warn,calloop=warn";
    tracing_subscriber::EnvFilter::try_new(format!("{wanted}{quiet}"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("info{quiet}")))
}

fn main() -> ExitCode {
    let cli = samen_kiosk::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(log_filter())
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
