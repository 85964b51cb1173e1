//! The one-shot commands: `screenshot`, `speak`, `feed occurrences`, `config check`,
//! `config verify`, `admin hash-pin`, `callback submit`, `outbox status`, `status`.
//! Each reads what it needs, prints, and returns; errors go up as `anyhow` chains.

use super::args::{GlobalArgs, ScreenshotArgs};
use crate::config::Config;
use crate::feed::{self, Catalog};
use crate::feed_service::FeedService;
use crate::i18n::Lang;
use crate::remote::{self, LocalFile};
use crate::status;
use crate::time::{self, Clock, FixedClock, SystemClock};
use crate::ui::{KioskOptions, Scene};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

pub(super) fn screenshot(
    global: &GlobalArgs,
    args: ScreenshotArgs,
    speech: bool,
) -> anyhow::Result<()> {
    let scene = Scene::parse(&args.scene)
        .with_context(|| format!("unknown scene '{}'; scenes: {}", args.scene, Scene::names()))?;
    let text_size = match args.text_size.as_str() {
        "normal" => 0,
        "large" => 1,
        "extra-large" => 2,
        other => bail!("text size '{other}': use normal, large or extra-large"),
    };
    let size = super::args::parse_size(&args.size)?;
    let lang = args.lang.as_deref().map(parse_lang).transpose()?;
    let mut config = load_config(global)?;
    let now = match &args.now {
        Some(text) => time::parse_instant(text).map_err(anyhow::Error::msg)?,
        None => chrono::Utc::now(),
    };
    let preview = args
        .message
        .as_deref()
        .map(|file| preview_message(file, now))
        .transpose()?;
    if let Some(message) = &preview {
        config.signage.messages = vec![message.clone()];
    }
    let config = Arc::new(config);
    if let Some(lang) = lang {
        if !config.languages.contains(&lang) {
            bail!("language '{lang}' is not offered by this configuration");
        }
    }
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(now));
    // A preview uses what the kiosk has cached; it never goes to the network.
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let service = FeedService::new(&config.feeds, state, clock.clone());
    let mut catalog = service.catalog().prepared(clock.today());
    if preview.is_some() {
        catalog.messages.clear();
    }
    let image_dir = service.image_dir().map(Path::to_path_buf);
    crate::ui::headless::render(
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
        crate::ui::headless::Look {
            text_size,
            high_contrast: args.high_contrast,
        },
        if speech {
            crate::ui::headless::Output::Speech(&args.out)
        } else {
            crate::ui::headless::Output::Png(&args.out)
        },
    )
}

/// `screenshot --message FILE`: one message in the feed format's fields (a JSON
/// object, or a feed with one message), read as a feed from a source that may send
/// urgent notices. Its window is replaced by "in force at `now`, for a day", so the
/// slide shows whatever the real window says; its picture is a file beside FILE.
/// Any problem the kiosk would skip the message for is an error here.
fn preview_message(
    file: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<crate::messages::Message> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", file.display()))?;
    let feed = if value.get("messages").is_some() {
        value
    } else {
        serde_json::json!({ "messages": [value] })
    };
    let folder = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    let images = |name: &str| -> Option<feed::ImageRef> {
        let plain = !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != "..";
        plain.then(|| feed::ImageRef::File(folder.join(name)))
    };
    let body = serde_json::to_vec(&feed)?;
    let (mut messages, warnings) = crate::messages::from_feed(&body, true, false, &images);
    if let Some(first) = warnings.first() {
        bail!("{}: {first}", file.display());
    }
    if messages.len() != 1 {
        bail!(
            "{}: expected exactly one message, found {}",
            file.display(),
            messages.len()
        );
    }
    let mut message = messages.remove(0);
    let local = now.with_timezone(&time::ZONE).naive_local();
    message.window = crate::messages::Window {
        until: Some(local + chrono::Duration::days(1)),
        ..Default::default()
    };
    message.kiosks = None;
    Ok(message)
}

pub(super) fn occurrences(
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
    for o in catalog.occurrences_within(a, b, &mut feed::Budget::for_command()) {
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

pub(super) fn config_check(file: &Path) -> anyhow::Result<()> {
    // A configuration file and a fleet document have the same limit (1 MiB), which
    // the kiosk also applies to a fleet document it fetches.
    let text = crate::files::read_regular_text(file, crate::files::MAX_CONFIG_BYTES)
        .with_context(|| format!("cannot read {}", file.display()))?;
    // A fleet document has a top-level `version`; a kiosk's own file does not.
    let is_fleet = text
        .parse::<toml::Table>()
        .map(|t| t.contains_key("version"))
        .unwrap_or(false);
    if is_fleet {
        return match crate::config::FleetDoc::parse(&text, &file.display().to_string()) {
            Ok(doc) => {
                let now = chrono::Utc::now();
                if doc.expired(now) {
                    eprintln!(
                        "expires: the document expired at {}; kiosks refuse it (sign a new one with a later expires)",
                        doc.expires.to_rfc3339()
                    );
                    bail!("{}: fleet document refused", file.display())
                }
                if doc.expires - now < remote::EXPIRY_WARNING {
                    eprintln!(
                        "warning: expires: the document expires at {}, in less than a week; \
                         publish a new version with a later expires before then",
                        doc.expires.to_rfc3339()
                    );
                }
                // The ids, so that a mistyped one can be seen: it would silently not apply.
                let ids = doc.kiosk_ids().collect::<Vec<_>>();
                let own = if ids.is_empty() {
                    "no values for single kiosks".to_string()
                } else {
                    format!("own values for {}", ids.join(", "))
                };
                println!(
                    "{}: ok (fleet document version {}, expires {}; {own})",
                    file.display(),
                    doc.version,
                    doc.expires.to_rfc3339()
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

pub(super) fn config_verify(file: &Path, pubkey: &str) -> anyhow::Result<()> {
    // The key itself, or a minisign.pub file (its last line is the key).
    let key = match crate::files::read_regular_text(Path::new(pubkey), 4096) {
        Ok(text) => text.lines().last().unwrap_or_default().trim().to_string(),
        Err(_) => pubkey.trim().to_string(),
    };
    let doc = crate::files::read_regular(file, remote::MAX_FLEET_BYTES)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
    let sig = crate::files::read_regular_text(&sig_path, remote::MAX_FLEET_BYTES)
        .with_context(|| format!("cannot read {}", sig_path.display()))?;
    remote::verify(&doc, &sig, &key).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    println!("{}: signature ok", file.display());
    Ok(())
}

pub(super) fn hash_pin() -> anyhow::Result<()> {
    let line = crate::files::read_first_line(std::io::stdin().lock(), 1024)
        .context("cannot read the PIN from standard input")?;
    println!("{}", crate::admin::hash_pin(line.trim())?);
    Ok(())
}

pub(super) fn callback_submit(
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

pub(super) fn outbox_status(global: &GlobalArgs, json: bool) -> anyhow::Result<()> {
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
        println!("expired: {}", status.expired);
    }
    Ok(())
}

pub(super) fn kiosk_status(global: &GlobalArgs, json: bool) -> anyhow::Result<()> {
    let local = LocalFile::read(global.config.as_deref())?;
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let (config, _, startup_error) = remote::startup(&local, state)?;
    let now = chrono::Utc::now();
    let running = state.and_then(status::read_running);
    let fallback = match running {
        Some(_) => status::Fallback::default(),
        None => {
            let service = FeedService::new(&config.feeds, state, Arc::new(SystemClock));
            let messages = crate::messages::for_kiosk(&config, &service.messages());
            let mut board = crate::messages::Board::new(messages);
            status::Fallback {
                config_error: startup_error,
                feeds: status::feed_reports(&service.status()),
                messages: Some(status::messages_report(&board.active(now))),
            }
        }
    };
    let report = status::report(&config, running.as_ref(), fallback, state, now);
    // The status object with its health (what the heartbeat carries, less its
    // interval and picture).
    let facts = crate::health::Facts::gather(
        state,
        running.as_ref().is_none_or(|r| !r.headless),
        running.as_ref().map(|r| r.started_at),
    );
    let mut report = crate::heartbeat::build(&config, report, &facts, now);
    report.interval_s = None;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

/// `signage plan`: the slides from `from` for `hours`, one JSON object a line, by the
/// same `playlist::Rotation` the screen steps, with the cached feeds.
pub(super) fn signage_plan(
    global: &GlobalArgs,
    from: &str,
    hours: u32,
    size: &str,
) -> anyhow::Result<()> {
    use std::io::Write;
    if !(1..=168).contains(&hours) {
        bail!("--hours {hours}: use 1 to 168 (a week)");
    }
    let (width, height) = super::args::parse_size(size)?;
    let from = time::parse_instant(from).map_err(anyhow::Error::msg)?;
    let config = load_config(global)?;
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(from));
    let state_dir = crate::state::resolve(global.state_dir.as_deref());
    let state = state_dir.is_dir().then_some(state_dir.as_path());
    let service = FeedService::new(&config.feeds, state, clock);
    let catalog = service.catalog();
    let messages = crate::messages::for_kiosk(&config, &catalog.messages);
    let entries = crate::playlist::plan_with_catalog(
        &config,
        messages,
        &crate::playlist::SlidePlaylist::for_screen(&config, width, height, 1.0),
        catalog,
        from,
        chrono::Duration::hours(i64::from(hours)),
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for entry in entries {
        writeln!(out, "{}", serde_json::to_string(&entry)?)?;
    }
    out.flush()?;
    Ok(())
}
