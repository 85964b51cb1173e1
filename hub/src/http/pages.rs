//! The staff pages: login (password + TOTP), TOTP enrolment, the worklist and a
//! request's page with "Toon nummer", "Ik bel" and the outcome form. Server-rendered
//! (askama, escaped by default), no JavaScript. Every handler starts with the checks
//! of `auth` (login, role, CSRF) before it touches data.

use super::auth::{self, Visitor};
use super::error::AppError;
use crate::accounts::{self, Login, Role};
use crate::audit::{self, Action};
use crate::i18n::{FieldError, Lang, PageCtx};
use crate::sessions::{self, Stage};
use crate::worklist::{self, Change, Item, Outcome};
use crate::{words, Hub};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

fn html(status: StatusCode, page: impl Template) -> Result<Response, AppError> {
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn not_found(visitor: Visitor) -> AppError {
    AppError::NotFound(visitor.error_page())
}

// ---- language -------------------------------------------------------------------

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `/lang/en?back=/worklist`: remembers the choice and goes back (only to a path on
/// this site).
pub async fn language(
    State(hub): State<Hub>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::Nl);
    let back = back
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let cookie = auth::set_cookie(&hub, auth::LANG_COOKIE, lang.code(), "/", Some(31_536_000));
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

// ---- login ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: PageCtx,
    name: String,
}

fn login_page(
    hub: &Hub,
    visitor: &Visitor,
    status: StatusCode,
    name: String,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let csrf = crate::random::token()?;
    let mut p = visitor.page(crate::i18n::t(visitor.lang, "login_title"), Vec::new());
    p.user = None;
    p.csrf = csrf.clone();
    if let Some(key) = error {
        p.errors.push(FieldError {
            field: "name",
            message: crate::i18n::t(visitor.lang, key),
        });
    }
    let cookie = auth::set_cookie(hub, auth::LOGIN_CSRF_COOKIE, &csrf, "/login", None);
    let body = LoginPage { p, name }.render()?;
    Ok((status, [(header::SET_COOKIE, cookie)], Html(body)).into_response())
}

pub async fn login_form(State(hub): State<Hub>, visitor: Visitor) -> Result<Response, AppError> {
    if visitor.session.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_page(&hub, &visitor, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn login(
    State(hub): State<Hub>,
    visitor: Visitor,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let expected = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE).unwrap_or("");
    if !auth::same_token(expected, &form.csrf) {
        tracing::warn!("login refused: CSRF token missing or wrong");
        return login_page(
            &hub,
            &visitor,
            StatusCode::FORBIDDEN,
            String::new(),
            Some("login_csrf"),
        );
    }
    let name = form.name.trim().to_string();
    let now = hub.clock.now().timestamp();
    let lookup_name = name.clone();
    let record = hub
        .db
        .call(move |c| accounts::login_record(c, &lookup_name))
        .await?;
    let hash = record
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| accounts::dummy_hash().to_string());
    let password = form.password;
    let password_ok =
        tokio::task::spawn_blocking(move || accounts::verify_password(&hash, &password))
            .await
            .map_err(|e| anyhow::anyhow!("password check: {e}"))?;
    let Some(record) = record else {
        tracing::info!("login failed: unknown or disabled user");
        return login_page(&hub, &visitor, StatusCode::OK, name, Some("login_failed"));
    };
    let user = record.user;
    let code = form.code;
    let u = user.clone();
    let (result, token) = hub
        .db
        .call(move |c| {
            let result = accounts::finish_login(c, &u, password_ok, &code, now)?;
            let token = match &result {
                Login::Ok(u) => {
                    audit::record(c, now, &u.name, Action::Login, None, None)?;
                    Some(sessions::create(c, u, Stage::Full, now)?)
                }
                Login::Enrol(u) => Some(sessions::create(c, u, Stage::Enrol, now)?),
                Login::Failed | Login::Locked => {
                    audit::record(c, now, &u.name, Action::LoginFailed, None, None)?;
                    None
                }
            };
            Ok((result, token))
        })
        .await?;
    match (result, token) {
        (Login::Ok(_), Some(token)) => {
            tracing::info!(user = %user.name, "logged in");
            Ok(with_session(&hub, &token, "/"))
        }
        (Login::Enrol(_), Some(token)) => {
            tracing::info!(user = %user.name, "logged in to set up TOTP");
            Ok(with_session(&hub, &token, "/enrol"))
        }
        (Login::Locked, _) => {
            tracing::warn!(user = %user.name, "login refused: locked out");
            login_page(&hub, &visitor, StatusCode::OK, name, Some("login_locked"))
        }
        _ => {
            tracing::info!(user = %user.name, "login failed");
            login_page(&hub, &visitor, StatusCode::OK, name, Some("login_failed"))
        }
    }
}

fn with_session(hub: &Hub, token: &str, to: &str) -> Response {
    let cookie = auth::set_cookie(hub, sessions::COOKIE, token, "/", None);
    let clear = format!(
        "{}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0",
        auth::LOGIN_CSRF_COOKIE
    );
    let mut response = Redirect::to(to).into_response();
    for c in [cookie, clear] {
        if let Ok(v) = c.parse() {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(hub): State<Hub>,
    visitor: Visitor,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    visitor.check_csrf(&form.csrf)?;
    if let Some(token) = visitor.token.clone() {
        hub.db.call(move |c| sessions::delete(c, &token)).await?;
    }
    let clear = format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        sessions::COOKIE
    );
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response())
}

// ---- TOTP enrolment -------------------------------------------------------------

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    p: PageCtx,
    qr_svg: String,
    secret_text: String,
}

async fn enrol_page(
    hub: &Hub,
    visitor: &Visitor,
    status: StatusCode,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let session = visitor.session.as_ref().ok_or(AppError::Login)?;
    let user = session.user.clone();
    let secret = hub
        .db
        .call(move |c| accounts::enrolment_secret(c, &user))
        .await?;
    let Some(secret) = secret else {
        return Ok(Redirect::to("/").into_response());
    };
    let (uri, base32) = accounts::enrolment_uri(&secret, &session.user.name)?;
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .build();
    // Inline in the page: drop the XML declaration.
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    };
    let secret_text = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let page = EnrolPage {
        p: visitor.page(crate::i18n::t(visitor.lang, "enrol_title"), errors),
        qr_svg: svg,
        secret_text,
    };
    html(status, page)
}

pub async fn enrol_form(State(hub): State<Hub>, visitor: Visitor) -> Result<Response, AppError> {
    enrol_page(&hub, &visitor, StatusCode::OK, Vec::new()).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    State(hub): State<Hub>,
    visitor: Visitor,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    visitor.check_csrf(&form.csrf)?;
    let session = visitor.session.as_ref().ok_or(AppError::Login)?;
    let user = session.user.clone();
    let token = visitor.token.clone().unwrap_or_default();
    let now = hub.clock.now().timestamp();
    let code = form.code;
    let ok = hub
        .db
        .call(move |c| {
            let ok = accounts::finish_enrolment(c, &user, &code, now)?;
            if ok {
                sessions::set_stage(c, &token, Stage::Full)?;
                audit::record(c, now, &user.name, Action::Enrol, None, None)?;
            }
            Ok(ok)
        })
        .await?;
    if ok {
        tracing::info!(user = %session.user.name, "TOTP set up");
        return Ok(Redirect::to("/").into_response());
    }
    let errors = vec![FieldError {
        field: "code",
        message: crate::i18n::t(visitor.lang, "enrol_wrong"),
    }];
    enrol_page(&hub, &visitor, StatusCode::UNPROCESSABLE_ENTITY, errors).await
}

// ---- home -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    p: PageCtx,
}

pub async fn home(visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.user()?;
    if user.role == Role::Coordinator {
        return Ok(Redirect::to("/worklist").into_response());
    }
    if matches!(user.role, Role::It | Role::Admin) {
        return Ok(Redirect::to("/fleet").into_response());
    }
    if user.role == Role::Editor {
        return Ok(Redirect::to("/announcements").into_response());
    }
    html(
        StatusCode::OK,
        HomePage {
            p: visitor.page(crate::i18n::t(visitor.lang, "home_title"), Vec::new()),
        },
    )
}

// ---- worklist -------------------------------------------------------------------

/// A request as a page shows it: every value already in words.
struct ItemView {
    id: String,
    first_name: String,
    topic: String,
    best_time: String,
    kiosk: String,
    received: String,
    late: Option<String>,
    flag: Option<String>,
    claim: Option<String>,
    attempts: u32,
    note: Option<String>,
    open: bool,
    claimed_by_me: bool,
    claimed_by_other: bool,
}

fn view(hub: &Hub, item: Item, lang: Lang, me: i64, now: i64, open: bool) -> ItemView {
    let t = |k: &str| crate::i18n::t(lang, k);
    let topic = match (item.topic_kind.as_deref(), item.topic_title) {
        (Some("activity"), Some(title)) => format!("{}: {title}", t("topic_activity")),
        (Some(kind), _) => t(&format!("topic_{kind}")).to_string(),
        (None, _) => t("topic_none").to_string(),
    };
    let calendar = crate::workdays::Calendar {
        good_friday_is_holiday: hub.config.good_friday_is_holiday,
    };
    let late = open
        .then(|| {
            calendar.days_late(
                words::local_date(item.received_at),
                words::local_date(now),
                hub.config.call_within_days,
            )
        })
        .flatten()
        .map(|d| words::late(d, lang));
    let flag = (open && item.attempts >= worklist::FLAG_AFTER_ATTEMPTS).then(|| match lang {
        Lang::Nl => format!("{} pogingen: overleg wat nu", item.attempts),
        Lang::En => format!("{} attempts: decide what next", item.attempts),
    });
    let until = item.claimed_until.map(words::time).unwrap_or_default();
    let (claim, by_me, by_other) = match &item.claimed_by {
        Some((id, _)) if *id == me => (
            Some(match lang {
                Lang::Nl => format!("U belt (tot {until})"),
                Lang::En => format!("You are calling (until {until})"),
            }),
            true,
            false,
        ),
        Some((_, name)) => (
            Some(match lang {
                Lang::Nl => format!("{name} belt (tot {until})"),
                Lang::En => format!("{name} is calling (until {until})"),
            }),
            false,
            true,
        ),
        None => (None, false, false),
    };
    ItemView {
        id: item.id,
        first_name: item.first_name,
        topic,
        best_time: t(&format!("time_{}", item.best_time)).to_string(),
        kiosk: item.kiosk_id,
        received: words::received(item.received_at, now, lang),
        late,
        flag,
        claim,
        attempts: item.attempts,
        note: item.note,
        open,
        claimed_by_me: by_me,
        claimed_by_other: by_other,
    }
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    p: PageCtx,
    summary: String,
    items: Vec<ItemView>,
}

pub async fn worklist(State(hub): State<Hub>, visitor: Visitor) -> Result<Response, AppError> {
    let session = visitor.require(&[Role::Coordinator])?;
    let now = hub.clock.now().timestamp();
    let items = hub.db.call(move |c| worklist::open_items(c, now)).await?;
    let items: Vec<ItemView> = items
        .into_iter()
        .map(|i| view(&hub, i, visitor.lang, session.user.id, now, true))
        .collect();
    let late = items.iter().filter(|i| i.late.is_some()).count();
    let summary = match visitor.lang {
        Lang::Nl => format!(
            "{} open, waarvan {late} te laat. De oudste staat bovenaan.",
            items.len()
        ),
        Lang::En => format!(
            "{} open, {late} of them overdue. The oldest is at the top.",
            items.len()
        ),
    };
    html(
        StatusCode::OK,
        WorklistPage {
            p: visitor.page(crate::i18n::t(visitor.lang, "worklist_title"), Vec::new()),
            summary,
            items,
        },
    )
}

// ---- one request ----------------------------------------------------------------

struct Number {
    e164: String,
    national: String,
}

struct Choice {
    key: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    p: PageCtx,
    r: ItemView,
    number: Option<Number>,
    notice: Option<String>,
    outcomes: Vec<Choice>,
}

async fn request_page(
    hub: &Hub,
    visitor: &Visitor,
    id: String,
    status: StatusCode,
    number: Option<Number>,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let session = visitor.require(&[Role::Coordinator])?;
    let now = hub.clock.now().timestamp();
    let found = hub
        .db
        .call(move |c| {
            let item = worklist::item(c, &id, now)?;
            let open = match &item {
                Some(i) => !worklist::is_final(c, &i.id)?,
                None => false,
            };
            Ok(item.map(|i| (i, open)))
        })
        .await?;
    let Some((item, open)) = found else {
        return Err(AppError::NotFound(visitor.error_page()));
    };
    let r = view(hub, item, visitor.lang, session.user.id, now, open);
    let title = format!(
        "{}: {}",
        crate::i18n::t(visitor.lang, "request_title"),
        r.first_name
    );
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| Choice {
            key: o.key(),
            label: crate::i18n::t(visitor.lang, &format!("outcome_{}", o.key())),
        })
        .collect();
    let page = RequestPage {
        p: visitor.page(title, errors),
        r,
        number,
        notice,
        outcomes,
    };
    html(status, page)
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn request(
    State(hub): State<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    visitor.require(&[Role::Coordinator])?;
    let notice = match done.done.as_deref() {
        Some("claimed") => Some(crate::i18n::t(visitor.lang, "claimed_ok").to_string()),
        _ => None,
    };
    request_page(&hub, &visitor, id, StatusCode::OK, None, notice, Vec::new()).await
}

pub async fn show_number(
    State(hub): State<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let session = visitor.require(&[Role::Coordinator])?;
    visitor.check_csrf(&form.csrf)?;
    let user = session.user.clone();
    let now = hub.clock.now().timestamp();
    let rid = id.clone();
    let number = hub
        .db
        .call(move |c| worklist::reveal_number(c, &rid, &user, now))
        .await?;
    let Some((e164, national)) = number else {
        return Err(AppError::NotFound(visitor.error_page()));
    };
    tracing::info!(request = %id, user = %session.user.name, "number shown");
    request_page(
        &hub,
        &visitor,
        id,
        StatusCode::OK,
        Some(Number { e164, national }),
        None,
        Vec::new(),
    )
    .await
}

fn taken_notice(lang: Lang, name: &str) -> String {
    match lang {
        Lang::Nl => format!("{name} belt deze persoon al."),
        Lang::En => format!("{name} is already calling this person."),
    }
}

pub async fn claim(
    State(hub): State<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let session = visitor.require(&[Role::Coordinator])?;
    visitor.check_csrf(&form.csrf)?;
    let user = session.user.clone();
    let now = hub.clock.now().timestamp();
    let rid = id.clone();
    let change = hub
        .db
        .call(move |c| worklist::claim(c, &rid, &user, now))
        .await?;
    match change {
        Change::Done => {
            tracing::info!(request = %id, user = %session.user.name, "claimed");
            Ok(Redirect::to(&format!("/requests/{id}?done=claimed")).into_response())
        }
        Change::TakenBy(name) => {
            let notice = taken_notice(visitor.lang, &name);
            request_page(
                &hub,
                &visitor,
                id,
                StatusCode::CONFLICT,
                None,
                Some(notice),
                Vec::new(),
            )
            .await
        }
        Change::Gone => Err(AppError::NotFound(visitor.error_page())),
    }
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

pub async fn outcome(
    State(hub): State<Hub>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> Result<Response, AppError> {
    let session = visitor.require(&[Role::Coordinator])?;
    visitor.check_csrf(&form.csrf)?;
    let lang = visitor.lang;
    let mut errors = Vec::new();
    let outcome = Outcome::from_key(&form.outcome);
    if outcome.is_none() {
        errors.push(FieldError {
            field: "outcome-reached",
            message: crate::i18n::t(lang, "outcome_missing"),
        });
    }
    if form.note.trim().chars().count() > worklist::NOTE_MAX_CHARS {
        errors.push(FieldError {
            field: "note",
            message: crate::i18n::t(lang, "note_too_long"),
        });
    }
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        return request_page(
            &hub,
            &visitor,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            errors,
        )
        .await;
    };
    let user = session.user.clone();
    let now = hub.clock.now().timestamp();
    let rid = id.clone();
    let note = form.note;
    let change = hub
        .db
        .call(move |c| worklist::set_outcome(c, &rid, &user, outcome, Some(&note), now))
        .await?;
    match change {
        Change::Done => {
            tracing::info!(request = %id, user = %session.user.name, outcome = outcome.key(), "outcome set");
            Ok(Redirect::to("/worklist").into_response())
        }
        Change::TakenBy(name) => {
            let notice = taken_notice(lang, &name);
            request_page(
                &hub,
                &visitor,
                id,
                StatusCode::CONFLICT,
                None,
                Some(notice),
                Vec::new(),
            )
            .await
        }
        Change::Gone => Err(AppError::NotFound(visitor.error_page())),
    }
}
