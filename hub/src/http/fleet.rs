//! The IT team's pages (issue 19, roles `it` and `admin`): the fleet (every kiosk with
//! its picture, health, versions, feeds, outbox and messages; a filter by health), a
//! kiosk's page (its 7-day history as a server-rendered SVG chart with a table beside
//! it, and the full last status), the screenshots themselves (from the hub: CSP
//! `img-src 'self'`), and `GET /metrics` (Prometheus text format, bearer token).
//!
//! Everything a kiosk sent is shown through askama's escaping; the chart is built from
//! numbers and the hub's own words only.

use super::auth::{self, Visitor};
use super::error::AppError;
use crate::accounts::Role;
use crate::fleet::{self, Kiosk, State};
use crate::i18n::{Lang, PageCtx};
use crate::{words, Hub};
use askama::Template;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

const ROLES: &[Role] = &[Role::It, Role::Admin];

fn html(page: impl Template) -> Result<Response, AppError> {
    Ok((StatusCode::OK, Html(page.render()?)).into_response())
}

struct ReasonView {
    words: String,
    /// The kiosk's own words, when the hub has words of its own for the code.
    detail: Option<String>,
}

struct Picture {
    src: String,
    alt: String,
}

/// A kiosk as the pages show it: every value already in words.
struct KioskView {
    id: String,
    state: &'static str,
    state_words: &'static str,
    last_seen: String,
    picture: Option<Picture>,
    reasons: Vec<ReasonView>,
    version: String,
    config: String,
    config_error: Option<String>,
    feeds: Vec<String>,
    outbox: String,
    messages: Vec<String>,
    warnings: Vec<String>,
    screen: Option<&'static str>,
    uptime: Option<String>,
}

fn view(k: &Kiosk, lang: Lang, now: i64) -> KioskView {
    let t = |key: &str| crate::i18n::t(lang, key);
    let state_words = match (k.state, k.last_seen) {
        (State::Offline, None) => t("state_never"),
        (s, _) => t(&format!("state_{}", s.key())),
    };
    let last_seen = k
        .last_seen
        .map(|s| words::received(s, now, lang))
        .unwrap_or_else(|| t("fleet_never").to_string());
    let picture = k.screenshot_taken_at.map(|at| Picture {
        src: format!("/fleet/{}/screenshot?at={at}", k.id),
        alt: match lang {
            Lang::Nl => format!(
                "Wat het scherm van {} liet zien, {}",
                k.id,
                words::received(at, now, lang)
            ),
            Lang::En => format!(
                "What the screen of {} showed, {}",
                k.id,
                words::received(at, now, lang)
            ),
        },
    });
    let reasons = k
        .reasons()
        .iter()
        .map(|r| match crate::i18n::reason(lang, &r.code) {
            Some(words) => ReasonView {
                words: words.to_string(),
                detail: Some(r.words.clone()).filter(|w| !w.trim().is_empty()),
            },
            None => ReasonView {
                words: if r.words.trim().is_empty() {
                    r.code.clone()
                } else {
                    r.words.clone()
                },
                detail: None,
            },
        })
        .collect();
    let hb = k.heartbeat.as_ref();
    let status = hb.map(|h| &h.status);
    let version = status.map(|s| s.version.clone()).unwrap_or_default();
    let config = match status {
        None => String::new(),
        Some(s) => match s.config_version {
            Some(v) => match lang {
                Lang::Nl => format!("versie {v}"),
                Lang::En => format!("version {v}"),
            },
            None => t("fleet_config_own").to_string(),
        },
    };
    let feeds = status
        .map(|s| {
            s.feeds
                .iter()
                .map(|f| {
                    let when = f
                        .last_success
                        .map(|at| words::received(at.timestamp(), now, lang))
                        .unwrap_or_else(|| t("fleet_never").to_string());
                    let mut line = match lang {
                        Lang::Nl => {
                            format!("{}: {} activiteiten, bijgewerkt {when}", f.name, f.items)
                        }
                        Lang::En => format!("{}: {} activities, updated {when}", f.name, f.items),
                    };
                    if let Some(e) = &f.last_error {
                        line.push_str(&match lang {
                            Lang::Nl => format!(" (laatste poging mislukt: {e})"),
                            Lang::En => format!(" (last attempt failed: {e})"),
                        });
                    }
                    line
                })
                .collect()
        })
        .unwrap_or_default();
    let outbox = match status.and_then(|s| s.outbox.as_ref()) {
        None => match lang {
            Lang::Nl => "geen".to_string(),
            Lang::En => "none".to_string(),
        },
        Some(o) => {
            let mut parts = vec![match (lang, o.oldest_pending_age_s) {
                (Lang::Nl, Some(age)) if o.pending > 0 => format!(
                    "{} wachtend (oudste {})",
                    o.pending,
                    words::duration(age, lang)
                ),
                (Lang::En, Some(age)) if o.pending > 0 => format!(
                    "{} waiting (oldest {})",
                    o.pending,
                    words::duration(age, lang)
                ),
                (Lang::Nl, _) => format!("{} wachtend", o.pending),
                (Lang::En, _) => format!("{} waiting", o.pending),
            }];
            if o.failed_attention > 0 {
                parts.push(match lang {
                    Lang::Nl => format!("{} vraagt aandacht", o.failed_attention),
                    Lang::En => format!("{} need attention", o.failed_attention),
                });
            }
            if o.expired > 0 {
                parts.push(match lang {
                    Lang::Nl => format!("{} verlopen", o.expired),
                    Lang::En => format!("{} expired", o.expired),
                });
            }
            parts.push(match lang {
                Lang::Nl => format!("{} afgeleverd", o.delivered),
                Lang::En => format!("{} delivered", o.delivered),
            });
            if let Some(e) = &o.error {
                parts = vec![match lang {
                    Lang::Nl => format!("niet te lezen: {e}"),
                    Lang::En => format!("cannot be read: {e}"),
                }];
            }
            parts.join(", ")
        }
    };
    KioskView {
        id: k.id.clone(),
        state: k.state.key(),
        state_words,
        last_seen,
        picture,
        reasons,
        version,
        config,
        config_error: status.and_then(|s| s.config_error.clone()),
        feeds,
        outbox,
        messages: k.strings(&["messages", "active"]),
        warnings: k.strings(&["warnings"]),
        screen: status.map(|s| {
            if s.screen == "on" {
                t("screen_on")
            } else {
                t("screen_off")
            }
        }),
        uptime: status
            .and_then(|s| s.uptime_s)
            .map(|u| words::duration(u, lang)),
    }
}

// ---- the fleet page ---------------------------------------------------------------

struct FilterLink {
    href: &'static str,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "fleet.html")]
struct FleetPage {
    p: PageCtx,
    summary: String,
    filters: Vec<FilterLink>,
    kiosks: Vec<KioskView>,
}

#[derive(Deserialize)]
pub struct Filter {
    health: Option<String>,
}

pub async fn fleet_page(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Query(filter): Query<Filter>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let now = hub.clock.now().timestamp();
    let interval = hub.config.heartbeat_interval_s as i64;
    let all = hub.db.call(move |c| fleet::list(c, now, interval)).await?;
    let lang = visitor.lang;
    let wanted = filter.health.as_deref().and_then(State::parse);
    let count = |s: State| all.iter().filter(|k| k.state == s).count();
    let (ok, degraded, offline) = (
        count(State::Ok),
        count(State::Degraded),
        count(State::Offline),
    );
    let summary = match lang {
        Lang::Nl => format!(
            "{} kiosks: {ok} in orde, {degraded} met problemen, {offline} offline.",
            all.len()
        ),
        Lang::En => format!(
            "{} kiosks: {ok} OK, {degraded} with problems, {offline} offline.",
            all.len()
        ),
    };
    let t = |k: &str| crate::i18n::t(lang, k);
    let filters = vec![
        FilterLink {
            href: "/fleet",
            label: format!("{} ({})", t("fleet_all"), all.len()),
            current: wanted.is_none(),
        },
        FilterLink {
            href: "/fleet?health=degraded",
            label: format!("{} ({degraded})", t("state_degraded")),
            current: wanted == Some(State::Degraded),
        },
        FilterLink {
            href: "/fleet?health=offline",
            label: format!("{} ({offline})", t("state_offline")),
            current: wanted == Some(State::Offline),
        },
        FilterLink {
            href: "/fleet?health=ok",
            label: format!("{} ({ok})", t("state_ok")),
            current: wanted == Some(State::Ok),
        },
    ];
    // Problems first, then offline, then the rest; by id within each.
    let mut kiosks: Vec<&Kiosk> = all
        .iter()
        .filter(|k| wanted.is_none_or(|w| k.state == w))
        .collect();
    kiosks.sort_by_key(|k| {
        (
            match k.state {
                State::Degraded => 0,
                State::Offline if k.last_seen.is_some() => 1,
                State::Offline => 3,
                State::Ok => 2,
            },
            k.id.clone(),
        )
    });
    let mut p = visitor.page(t("fleet_title"), Vec::new());
    p.path = "/fleet".into();
    html(FleetPage {
        p,
        summary,
        filters,
        kiosks: kiosks.into_iter().map(|k| view(k, lang, now)).collect(),
    })
}

// ---- one kiosk ----------------------------------------------------------------------

struct Rect {
    x: String,
    width: String,
    class: &'static str,
}

struct DayMark {
    x: String,
    label_x: String,
    label: String,
}

/// The 7-day chart: a band of health over time and a line of waiting requests.
struct Chart {
    rects: Vec<Rect>,
    days: Vec<DayMark>,
    pending_points: String,
    pending_max: i64,
    description: String,
}

struct DayRow {
    date: String,
    ok: String,
    degraded: String,
    offline: String,
    max_pending: String,
    max_feed_age: String,
    restarts: String,
}

#[derive(Template)]
#[template(path = "fleet_kiosk.html")]
struct KioskPage {
    p: PageCtx,
    k: KioskView,
    has_status: bool,
    chart: Option<Chart>,
    days: Vec<DayRow>,
    status_json: String,
}

const CHART_W: f64 = 700.0;

fn chart(
    rows: &[fleet::HistoryRow],
    segments: &[fleet::Segment],
    since: i64,
    end: i64,
    lang: Lang,
) -> Chart {
    let span = (end - since).max(1) as f64;
    let x = |t: i64| ((t - since).clamp(0, end - since) as f64) * CHART_W / span;
    let rects = segments
        .iter()
        .map(|s| Rect {
            x: format!("{:.1}", x(s.from)),
            width: format!("{:.1}", (x(s.to) - x(s.from)).max(0.5)),
            class: match s.state {
                State::Ok => "s-ok",
                State::Degraded => "s-degraded",
                State::Offline => "s-offline",
            },
        })
        .collect();
    let mut days = Vec::new();
    let mut date = words::local_date(since);
    while words::day_start(date) < end {
        let start = words::day_start(date);
        let next = date.succ_opt().unwrap_or(date);
        let mid = (x(start) + x(words::day_start(next).min(end))) / 2.0;
        days.push(DayMark {
            x: format!("{:.1}", x(start)),
            label_x: format!("{mid:.1}"),
            label: words::short_date(date, lang),
        });
        if next == date {
            break;
        }
        date = next;
    }
    let pending: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|r| r.figures.outbox_pending.map(|p| (r.at.max(since), p)))
        .collect();
    let pending_max = pending.iter().map(|(_, p)| *p).max().unwrap_or(0);
    let scale = if pending_max > 0 {
        36.0 / pending_max as f64
    } else {
        0.0
    };
    let y = |p: i64| 128.0 - p as f64 * scale;
    let mut points = Vec::new();
    for (i, (at, p)) in pending.iter().enumerate() {
        let to = pending
            .get(i + 1)
            .map(|n| n.0)
            .unwrap_or(end.min(*at + 3600));
        points.push(format!("{:.1},{:.1}", x(*at), y(*p)));
        points.push(format!("{:.1},{:.1}", x(to), y(*p)));
    }
    let description = match lang {
        Lang::Nl => format!(
            "Toestand van de kiosk per uur over de laatste 7 dagen, en het aantal wachtende \
             terugbelverzoeken (hoogste: {pending_max}). De tabel hieronder geeft dezelfde cijfers per dag."
        ),
        Lang::En => format!(
            "The kiosk's state over the last 7 days, and the number of waiting callback \
             requests (highest: {pending_max}). The table below gives the same figures per day."
        ),
    };
    Chart {
        rects,
        days,
        pending_points: points.join(" "),
        pending_max,
        description,
    }
}

pub async fn kiosk_page(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let now = hub.clock.now().timestamp();
    let interval = hub.config.heartbeat_interval_s as i64;
    let today = words::local_date(now);
    let first = today
        .checked_sub_days(chrono::Days::new(6))
        .unwrap_or(today);
    let since = words::day_start(first);
    let end = words::day_start(today.succ_opt().unwrap_or(today));
    let lookup = id.clone();
    let found = hub
        .db
        .call(move |c| {
            let Some(k) = fleet::one(c, &lookup, now, interval)? else {
                return Ok(None);
            };
            let rows = fleet::history(c, &lookup, since)?;
            Ok(Some((k, rows)))
        })
        .await?;
    let Some((k, rows)) = found else {
        return Err(AppError::NotFound(visitor.error_page()));
    };
    let lang = visitor.lang;
    let offline_since = (k.state == State::Offline)
        .then(|| {
            k.last_seen
                .map(|s| s + fleet::MISSED_INTERVALS * k.interval_s)
        })
        .flatten();
    let segments = fleet::segments(&rows, since, now, offline_since);
    let days = fleet::days(&rows, &segments, now, 7)
        .into_iter()
        .map(|d| {
            let dur = |s: i64| {
                if s == 0 {
                    "–".to_string()
                } else {
                    words::duration(s, lang)
                }
            };
            DayRow {
                date: words::short_date(d.date, lang),
                ok: dur(d.ok_s),
                degraded: dur(d.degraded_s),
                offline: dur(d.offline_s),
                max_pending: d
                    .max_pending
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "–".into()),
                max_feed_age: d
                    .max_feed_age_s
                    .map(|a| words::duration(a, lang))
                    .unwrap_or_else(|| "–".into()),
                restarts: if d.restarts == 0 {
                    "–".into()
                } else {
                    d.restarts.to_string()
                },
            }
        })
        .collect();
    let chart = (!segments.is_empty()).then(|| chart(&rows, &segments, since, end, lang));
    let status_json = k
        .heartbeat
        .as_ref()
        .and_then(|h| serde_json::to_string_pretty(h).ok())
        .unwrap_or_default();
    let title = match lang {
        Lang::Nl => format!("Kiosk {}", k.id),
        Lang::En => format!("Kiosk {}", k.id),
    };
    html(KioskPage {
        p: visitor.page(title, Vec::new()),
        has_status: k.heartbeat.is_some(),
        k: view(&k, lang, now),
        chart,
        days,
        status_json,
    })
}

/// The last screenshot, to `it` and `admin` only.
pub async fn screenshot(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let found = hub.db.call(move |c| fleet::screenshot(c, &id)).await?;
    let Some((mime, bytes)) = found else {
        return Err(AppError::NotFound(visitor.error_page()));
    };
    // Only the two types intake accepted (checked by their signatures there).
    let mime = if mime == "image/webp" {
        "image/webp"
    } else {
        "image/png"
    };
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

// ---- metrics ------------------------------------------------------------------------

/// `GET /metrics`: Prometheus text format, for `Authorization: Bearer <token>` only
/// (`[metrics] token_file`); 404 when no token is configured.
pub async fn metrics(AxState(hub): AxState<Hub>, headers: HeaderMap) -> Response {
    let Some(token) = hub.config.metrics_token.clone() else {
        return (
            StatusCode::NOT_FOUND,
            "no metrics: set [metrics] token_file\n",
        )
            .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !auth::same_token(&token.0, given.trim()) {
        tracing::warn!("metrics refused: bearer token missing or wrong");
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "unauthorized\n",
        )
            .into_response();
    }
    let now = hub.clock.now().timestamp();
    let interval = hub.config.heartbeat_interval_s as i64;
    match hub.db.call(move |c| fleet::list(c, now, interval)).await {
        Ok(kiosks) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            exposition(&kiosks, now),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("metrics: {e:#}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A label value as the text format wants it: `\`, `"` and newlines escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The Prometheus text exposition format (version 0.0.4) of the fleet.
pub fn exposition(kiosks: &[Kiosk], now: i64) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut family = |name: &str, help: &str, samples: Vec<(String, String)>| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    };
    let each = |f: &dyn Fn(&Kiosk) -> Option<String>| -> Vec<(String, String)> {
        kiosks
            .iter()
            .filter_map(|k| f(k).map(|v| (format!("kiosk=\"{}\"", label(&k.id)), v)))
            .collect()
    };
    family(
        "samen_kiosk_up",
        "1 when the kiosk's last heartbeat is less than three intervals old.",
        each(&|k| Some(u8::from(k.state != State::Offline).to_string())),
    );
    family(
        "samen_kiosk_degraded",
        "1 when the kiosk's last heartbeat said degraded.",
        each(&|k| {
            let degraded = k
                .heartbeat
                .as_ref()
                .and_then(|h| h.health.as_ref())
                .is_some_and(|h| h.state == samen_wire::health::HealthState::Degraded);
            Some(u8::from(degraded).to_string())
        }),
    );
    family(
        "samen_kiosk_last_seen_age_seconds",
        "Seconds since the kiosk's last heartbeat arrived (absent: never).",
        each(&|k| k.last_seen.map(|s| (now - s).max(0).to_string())),
    );
    family(
        "samen_kiosk_heartbeat_interval_seconds",
        "The kiosk's heartbeat interval (offline after three missed).",
        each(&|k| Some(k.interval_s.to_string())),
    );
    family(
        "samen_kiosk_outbox_pending",
        "Callback requests waiting on the kiosk.",
        each(&|k| k.figures(now).outbox_pending.map(|v| v.to_string())),
    );
    family(
        "samen_kiosk_outbox_oldest_pending_age_seconds",
        "Age of the oldest waiting callback request at the last heartbeat (0: none waits).",
        each(&|k| {
            k.heartbeat
                .as_ref()
                .and_then(|h| h.status.outbox.as_ref())
                .map(|o| {
                    o.oldest_pending_age_s
                        .filter(|_| o.pending > 0)
                        .unwrap_or(0)
                        .to_string()
                })
        }),
    );
    family(
        "samen_kiosk_feed_age_seconds",
        "Seconds since the kiosk's least recently updated feed last succeeded.",
        each(&|k| k.figures(now).feed_age_s.map(|v| v.to_string())),
    );
    family(
        "samen_kiosk_uptime_seconds",
        "The kiosk program's uptime at its last heartbeat.",
        each(&|k| k.figures(now).uptime_s.map(|v| v.to_string())),
    );
    let reasons: Vec<(String, String)> = kiosks
        .iter()
        .flat_map(|k| {
            k.reasons().iter().map(|r| {
                (
                    format!("kiosk=\"{}\",code=\"{}\"", label(&k.id), label(&r.code)),
                    "1".to_string(),
                )
            })
        })
        .collect();
    family(
        "samen_kiosk_health_reason",
        "1 for each reason the kiosk's last heartbeat gave for being degraded.",
        reasons,
    );
    let info: Vec<(String, String)> = kiosks
        .iter()
        .filter_map(|k| {
            let s = &k.heartbeat.as_ref()?.status;
            Some((
                format!(
                    "kiosk=\"{}\",version=\"{}\",config_version=\"{}\"",
                    label(&k.id),
                    label(&s.version),
                    s.config_version.map(|v| v.to_string()).unwrap_or_default()
                ),
                "1".to_string(),
            ))
        })
        .collect();
    family(
        "samen_kiosk_info",
        "The kiosk's software and configuration version, as labels; always 1.",
        info,
    );
    out
}
