//! The command line. `--data DIR` and `--config FILE` are global: accepted before or
//! after the subcommand. Errors are one line on stderr and exit code 1 (2 for usage
//! errors, from clap).

use crate::accounts::{self, Role};
use crate::clock::{Clock, SystemClock};
use crate::config::{self, Config};
use crate::db::Db;
use crate::Hub;
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "samen-hub",
    version,
    about = "The organisation's server for samen-kiosk: callback intake, the worklist, retention"
)]
struct Cli {
    /// Data directory (one SQLite database). Default: $STATE_DIRECTORY under systemd,
    /// else the platform data directory (~/.local/share/samen-hub).
    #[arg(long, global = true, value_name = "DIR", env = "SAMEN_HUB_DATA")]
    data: Option<PathBuf>,
    /// Configuration file (TOML); without it the built-in defaults are used.
    #[arg(long, global = true, value_name = "FILE", env = "SAMEN_HUB_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the hub (HTTP server, retention once a day).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides `listen`).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Starts on demo data in a temporary directory (same as `samen-hub demo`).
        #[arg(long)]
        demo: bool,
    },
    /// Starts a hub on demo data (a temporary directory unless --data is given) and
    /// prints a demo login.
    Demo {
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
    },
    /// Kiosks and their webhook secrets.
    #[command(subcommand)]
    Kiosk(KioskCommand),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Retention of personal data.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Callback requests, for scripts.
    #[command(subcommand)]
    Callbacks(CallbacksCommand),
    /// The kiosks' health from their heartbeats, for scripts.
    #[command(subcommand)]
    Fleet(FleetCommand),
    /// Announcements for the kiosks (the hub's message feed).
    #[command(subcommand)]
    Messages(MessagesCommand),
}

#[derive(Subcommand)]
enum MessagesCommand {
    /// Checks and publishes the messages of FILE (TOML `[[messages]]` or JSON
    /// `{"messages": [...]}`, the feed format's fields; an `image` is a file beside
    /// FILE). Every problem is named with its place; nothing is imported if one is bad.
    /// An `id` already on the hub replaces that message.
    Import { file: PathBuf },
    /// Every message: id, state (draft, published, withdrawn, expired), priority,
    /// title, from, until, kiosks.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum FleetCommand {
    /// Every kiosk: id, last_seen, health (ok, degraded, offline), reasons,
    /// config_version, version, has_screenshot.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// One kiosk in `fleet list --json`.
#[derive(serde::Serialize)]
struct FleetRow {
    id: String,
    last_seen: Option<String>,
    health: crate::fleet::State,
    reasons: Vec<samen_wire::health::Reason>,
    config_version: Option<i64>,
    version: Option<String>,
    has_screenshot: bool,
}

#[derive(Subcommand)]
enum KioskCommand {
    /// Adds a kiosk; prints its webhook secret (whsec_...) once, as the last line.
    Add { id: String },
    /// Gives a kiosk a new secret (printed as the last line); the old one keeps
    /// working for 24 hours.
    RotateSecret { id: String },
    /// Lists the kiosks (never their secrets).
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password (at least 12 characters) is read from standard input.
    /// They set up TOTP at their first login.
    Add {
        name: String,
        #[arg(long, value_parser = ["coordinator", "editor", "it", "admin"])]
        role: String,
    },
    /// Disables a user and ends their sessions.
    Disable { name: String },
    /// Forgets a user's TOTP (lost phone): they set it up again at their next login.
    ResetTotp { name: String },
    /// Lets an editor publish urgent notices (admins always may).
    GrantUrgent { name: String },
    /// Takes the urgent right back.
    RevokeUrgent { name: String },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Erases what is due now and prints how many requests were erased.
    Run,
}

#[derive(Subcommand)]
enum CallbacksCommand {
    /// All requests: id, kiosk, received, state, overdue (and attempts).
    List {
        #[arg(long)]
        json: bool,
        /// Adds first_name and phone (for the requests not yet erased).
        #[arg(long)]
        with_personal_data: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samen-hub: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` (or `SAMEN_HUB_LOG`, which wins); info by default; to stderr.
fn init_logging() {
    let filter = std::env::var("SAMEN_HUB_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    let clock = SystemClock;
    let now = clock.now().timestamp();
    match cli.command {
        Command::Serve { listen, demo: true } | Command::Demo { listen } => {
            run_demo(config, cli.data, listen)
        }
        Command::Serve {
            listen,
            demo: false,
        } => {
            let dir = config::data_dir(cli.data.as_deref())?;
            serve(config, dir, listen, None)
        }
        Command::Kiosk(cmd) => {
            let db = open(cli.data)?;
            match cmd {
                KioskCommand::Add { id } => {
                    let secret = db.blocking(|c| crate::kiosks::add(c, &id, now))?;
                    println!("kiosk {id} added. Put this secret in the kiosk's [callback.webhook] secret_file;");
                    println!("it is shown only now:");
                    println!("{}", secret.encode());
                }
                KioskCommand::RotateSecret { id } => {
                    let secret = db.blocking(|c| crate::kiosks::rotate_secret(c, &id, now))?;
                    println!("kiosk {id} has a new secret; the old one works for 24 more hours:");
                    println!("{}", secret.encode());
                }
                KioskCommand::List => {
                    for k in db.blocking(|c| crate::kiosks::list(c))? {
                        println!(
                            "{}\tlast intake {}",
                            k.id,
                            k.last_intake_at
                                .map(crate::words::rfc3339)
                                .unwrap_or_else(|| "never".into())
                        );
                    }
                }
            }
            Ok(())
        }
        Command::User(cmd) => {
            let db = open(cli.data)?;
            match cmd {
                UserCommand::Add { name, role } => {
                    let role = Role::parse(&role).context("role")?;
                    let password = read_password()?;
                    db.blocking(|c| accounts::add(c, &name, role, &password, now))?;
                    println!(
                        "user {name} ({}) added; they set up TOTP at their first login",
                        role.key()
                    );
                }
                UserCommand::Disable { name } => {
                    db.blocking(|c| accounts::disable(c, &name))?;
                    println!("user {name} disabled");
                }
                UserCommand::ResetTotp { name } => {
                    db.blocking(|c| accounts::reset_totp(c, &name))?;
                    println!("user {name} sets up TOTP again at their next login");
                }
                UserCommand::GrantUrgent { name } => {
                    db.blocking(|c| crate::announcements::set_urgent_right(c, &name, true))?;
                    println!("user {name} may publish urgent notices");
                }
                UserCommand::RevokeUrgent { name } => {
                    db.blocking(|c| crate::announcements::set_urgent_right(c, &name, false))?;
                    println!("user {name} may no longer publish urgent notices");
                }
            }
            Ok(())
        }
        Command::Retention(RetentionCommand::Run) => {
            let db = open(cli.data)?;
            let report = db.blocking(|c| crate::retention::run(c, config.retention, now))?;
            println!("erased {} request(s)", report.erased);
            Ok(())
        }
        Command::Messages(MessagesCommand::Import { file }) => {
            let db = open(cli.data)?;
            match db.blocking(|c| crate::announcements::import(c, &file, now))? {
                Ok(n) => {
                    tracing::info!(count = n, "messages imported");
                    println!("{n} message(s) imported and published");
                    Ok(())
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    bail!(
                        "{}: {} problem(s), nothing imported",
                        file.display(),
                        problems.len()
                    )
                }
            }
        }
        Command::Messages(MessagesCommand::List { json }) => {
            let db = open(cli.data)?;
            let rows = db.blocking(|c| crate::announcements::rows(c, now))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in rows {
                    println!("{}\t{}\t{}\t{}", r.id, r.state.key(), r.priority, r.title);
                }
            }
            Ok(())
        }
        Command::Fleet(FleetCommand::List { json }) => {
            let db = open(cli.data)?;
            fleet_list(&config, &db, now, json)
        }
        Command::Callbacks(CallbacksCommand::List {
            json,
            with_personal_data,
        }) => {
            let db = open(cli.data)?;
            let calendar = crate::workdays::Calendar {
                good_friday_is_holiday: config.good_friday_is_holiday,
            };
            let list = db.blocking(|c| {
                crate::worklist::listing(
                    c,
                    now,
                    &calendar,
                    config.call_within_days,
                    with_personal_data,
                )
            })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for l in list {
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        l.id,
                        l.kiosk,
                        l.received,
                        l.state,
                        if l.overdue { "\toverdue" } else { "" }
                    );
                }
            }
            Ok(())
        }
    }
}

fn fleet_list(config: &Config, db: &Db, now: i64, json: bool) -> anyhow::Result<()> {
    let interval = config.heartbeat_interval_s as i64;
    let rows: Vec<FleetRow> = db
        .blocking(|c| crate::fleet::list(c, now, interval))?
        .into_iter()
        .map(|k| FleetRow {
            last_seen: k.last_seen.map(crate::words::rfc3339),
            health: k.state,
            reasons: k.reasons().to_vec(),
            config_version: k.heartbeat.as_ref().and_then(|h| h.status.config_version),
            version: k.heartbeat.as_ref().map(|h| h.status.version.clone()),
            has_screenshot: k.has_screenshot(),
            id: k.id,
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in rows {
            let codes: Vec<&str> = r.reasons.iter().map(|r| r.code.as_str()).collect();
            println!(
                "{}\t{}\t{}\t{}",
                r.id,
                r.health.key(),
                r.last_seen.as_deref().unwrap_or("never"),
                codes.join(",")
            );
        }
    }
    Ok(())
}

fn open(data: Option<PathBuf>) -> anyhow::Result<Db> {
    let dir = config::data_dir(data.as_deref())?;
    Db::open(&dir)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        eprintln!("password (at least 12 characters), then Enter:");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs the server until SIGTERM or Ctrl-C. `on_ready` runs once it listens.
fn serve(
    config: Config,
    dir: PathBuf,
    listen: Option<SocketAddr>,
    on_ready: Option<Box<dyn FnOnce(SocketAddr) + Send>>,
) -> anyhow::Result<()> {
    let db = Db::open(&dir)?;
    let listen = listen.unwrap_or(config.listen);
    let hub = Hub {
        db,
        clock: Arc::new(SystemClock),
        config: Arc::new(config),
    };
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        tracing::info!(data = %dir.display(), "samen-hub listening on http://{addr}");
        if let Some(ready) = on_ready {
            ready(addr);
        }
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let jobs = tokio::spawn(crate::jobs::run(hub.clone(), stop_rx.clone()));
        let fleet_jobs = tokio::spawn(crate::jobs::run_fleet(hub.clone(), stop_rx));
        crate::http::serve(listener, hub, async move {
            shutdown_signal().await;
            tracing::info!("stopping");
        })
        .await?;
        let _ = stop_tx.send(true);
        let _ = jobs.await;
        let _ = fleet_jobs.await;
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = ctrl_c.await;
        }
    }
}

fn run_demo(
    config: Config,
    data: Option<PathBuf>,
    listen: Option<SocketAddr>,
) -> anyhow::Result<()> {
    // A fresh temporary directory, removed at exit, unless --data was given.
    let temp;
    let dir = match data {
        Some(d) => d,
        None => {
            temp = TempDir::new()?;
            temp.0.clone()
        }
    };
    let now = SystemClock.now().timestamp();
    let db = Db::open(&dir)?;
    let seeded: bool = db.blocking(|c| {
        Ok(c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0))? > 0)
    })?;
    if !seeded {
        db.blocking(|c| crate::demo::seed(c, now))?;
    }
    drop(db);
    let on_ready = Box::new(move |addr: SocketAddr| {
        println!("samen-hub demo on http://{addr}/");
        println!("  user name: {}", crate::demo::USER);
        println!("  password:  {}", crate::demo::PASSWORD);
        println!(
            "  (the IT team's pages, /fleet: user name {}, the same password and code)",
            crate::demo::IT_USER
        );
        println!(
            "  (the editors' pages, /announcements: user name {}, the same password and code)",
            crate::demo::EDITOR_USER
        );
        println!(
            "  code:      printed below every 30 seconds (an authenticator app would show it)"
        );
        std::thread::spawn(|| loop {
            let now = SystemClock.now().timestamp();
            if let Ok(code) =
                accounts::current_code(crate::demo::TOTP_SECRET, crate::demo::USER, now)
            {
                println!("  demo code now: {code}");
            }
            let wait = 30 - (now % 30) as u64;
            std::thread::sleep(std::time::Duration::from_secs(wait.max(1)));
        });
    });
    serve(config, dir, listen, Some(on_ready))
}

/// A temporary directory for the demo, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let bytes = crate::random::bytes::<8>()?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("samen-hub-demo-{name}"));
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
