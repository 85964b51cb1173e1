//! Announcements (issue 20): the editors' pages (list, write, preview, publish,
//! withdraw, picture) and the kiosks' feed (`GET /feeds/messages.json`, its pictures
//! under `/feeds/pictures/`). Pages need role `editor` or `admin`; urgent notices the
//! `admin` role or the urgent right. Every form checks the CSRF token.

use super::auth::Visitor;
use super::error::AppError;
use crate::accounts::Role;
use crate::announcements::{self as ann, Announcement, Change, Draft, State};
use crate::i18n::{FieldError, Lang, PageCtx};
use crate::{words, Hub};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State as AxState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::collections::BTreeMap;

const ROLES: &[Role] = &[Role::Editor, Role::Admin];

/// The words of these pages (looked up by `i18n::t` before its own).
pub fn words(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "ann_title" => ("Berichten op de kiosks", "Messages on the kiosks"),
        "ann_new" => ("Nieuw bericht", "New message"),
        "ann_edit" => ("Bericht wijzigen", "Edit message"),
        "ann_none" => ("Er zijn nog geen berichten.", "There are no messages yet."),
        "ann_state" => ("Status", "Status"),
        "ann_state_draft" => ("Concept", "Draft"),
        "ann_state_published" => ("Gepubliceerd", "Published"),
        "ann_state_withdrawn" => ("Ingetrokken", "Withdrawn"),
        "ann_state_expired" => ("Verlopen", "Expired"),
        "ann_urgent" => ("Dringend", "Urgent"),
        "ann_when" => ("Wanneer", "When"),
        "ann_where" => ("Waar", "Where"),
        "ann_all_kiosks" => ("Alle kiosks", "All kiosks"),
        "ann_changed" => ("Laatst gewijzigd", "Last changed"),
        "ann_back" => ("← Alle berichten", "← All messages"),
        "ann_texts" => ("Tekst", "Text"),
        "ann_lang_nl" => ("Nederlands (verplicht)", "Dutch (required)"),
        "ann_lang_en" => ("Engels (niet verplicht)", "English (optional)"),
        "ann_lang_tr" => ("Turks (niet verplicht)", "Turkish (optional)"),
        "ann_lang_pl" => ("Pools (niet verplicht)", "Polish (optional)"),
        "ann_fallback" => (
            "Een taal zonder eigen tekst toont de Nederlandse.",
            "A language without its own text shows the Dutch.",
        ),
        "ann_field_title" => ("Kop", "Headline"),
        "ann_field_body" => ("Tekst", "Text"),
        "ann_title_hint" => (
            "Hooguit 40 tekens: meer past niet op het scherm.",
            "At most 40 characters: more does not fit on the screen.",
        ),
        "ann_body_hint" => (
            "Hooguit 160 tekens; met een foto of als dringend bericht hooguit 90.",
            "At most 160 characters; with a picture or as an urgent notice at most 90.",
        ),
        "ann_window" => ("Wanneer tonen", "When to show"),
        "ann_from" => ("Vanaf (datum)", "From (date)"),
        "ann_from_time" => ("Vanaf (tijd, niet verplicht)", "From (time, optional)"),
        "ann_until" => ("Tot (datum)", "Until (date)"),
        "ann_until_time" => ("Tot (tijd, niet verplicht)", "Until (time, optional)"),
        "ann_until_hint" => (
            "Tot is de eerste dag of tijd waarop het bericht niet meer te zien is.",
            "Until is the first day or time at which the message no longer shows.",
        ),
        "ann_days" => ("Alleen op deze dagen (niets aangevinkt: elke dag)", "Only on these days (none ticked: every day)"),
        "ann_hours" => ("Alleen op deze uren (niet verplicht)", "Only at these hours (optional)"),
        "ann_hours_hint" => (
            "Bijvoorbeeld 09:00-12:00, of 09:00-12:00, 13:00-17:00.",
            "For example 09:00-12:00, or 09:00-12:00, 13:00-17:00.",
        ),
        "ann_url" => ("Link (niet verplicht, wordt een QR-code)", "Link (optional, shown as a QR code)"),
        "ann_url_hint" => ("Begint met https://", "Starts with https://"),
        "ann_target" => ("Op welke kiosks", "On which kiosks"),
        "ann_target_some" => ("Alleen op deze kiosks:", "Only on these kiosks:"),
        "ann_urgent_label" => ("Dringend bericht", "Urgent notice"),
        "ann_urgent_hint" => (
            "Gaat voor alles en staat bovenaan elk scherm. Moet binnen 7 dagen eindigen.",
            "Comes before everything and shows at the top of every screen. Must end within 7 days.",
        ),
        "ann_save" => ("Opslaan als concept", "Save as draft"),
        "ann_save_note" => (
            "Een gepubliceerd bericht gaat na opslaan van de schermen tot u het opnieuw publiceert.",
            "After saving, a published message leaves the screens until you publish it again.",
        ),
        "ann_preview" => ("Voorbeeld", "Preview"),
        "ann_preview_intro" => (
            "Zo tekent de kiosk dit bericht.",
            "This is how the kiosk draws this message.",
        ),
        "ann_preview_alt" => ("Voorbeeld op een scherm van", "Preview on a screen of"),
        "ann_preview_langs" => ("Voorbeeld in", "Preview in"),
        "ann_preview_missing" => (
            "Er is geen voorbeeld: het kioskprogramma (samen-kiosk) staat niet op deze server. Vraag de IT-afdeling om het te installeren of [preview] kiosk in te stellen.",
            "There is no preview: the kiosk program (samen-kiosk) is not on this server. Ask IT to install it or to set [preview] kiosk.",
        ),
        "ann_preview_timeout" => (
            "Er is geen voorbeeld: het tekenen duurde te lang. Probeer het later opnieuw.",
            "There is no preview: drawing it took too long. Please try again later.",
        ),
        "ann_preview_failed" => (
            "Er is geen voorbeeld: het kioskprogramma gaf een fout. De IT-afdeling vindt de reden in het logboek van samen-hub.",
            "There is no preview: the kiosk program failed. IT finds the reason in samen-hub's log.",
        ),
        "ann_publish" => ("Publiceren", "Publish"),
        "ann_publish_hint" => (
            "De kiosks tonen het bij hun volgende verversing van de feed.",
            "The kiosks show it at their next refresh of the feed.",
        ),
        "ann_withdraw" => ("Intrekken", "Withdraw"),
        "ann_withdraw_hint" => (
            "De kiosks halen het bij hun volgende verversing van het scherm.",
            "The kiosks take it off at their next refresh.",
        ),
        "ann_edit_link" => ("Wijzigen", "Edit"),
        "ann_picture" => ("Foto", "Picture"),
        "ann_picture_label" => ("Kies een foto (JPEG of PNG, hooguit 8 MB)", "Choose a picture (JPEG or PNG, at most 8 MB)"),
        "ann_picture_hint" => (
            "De foto wordt verkleind en zonder gegevens als plaats of datum opgeslagen. Geen herkenbare mensen zonder hun toestemming.",
            "The picture is made smaller and stored without data such as place or date. No recognisable people without their consent.",
        ),
        "ann_picture_upload" => ("Foto toevoegen", "Add picture"),
        "ann_picture_remove" => ("Foto weghalen", "Remove picture"),
        "ann_picture_alt" => ("De foto bij dit bericht", "The picture of this message"),
        "ann_no_picture" => ("Geen foto.", "No picture."),
        "ann_saved" => ("Het concept is opgeslagen.", "The draft has been saved."),
        "ann_published" => ("Het bericht is gepubliceerd.", "The message has been published."),
        "ann_withdrawn" => ("Het bericht is ingetrokken.", "The message has been withdrawn."),
        "ann_picture_saved" => ("De foto is opgeslagen.", "The picture has been saved."),
        "ann_stale" => (
            "Het bericht is intussen gewijzigd. Bekijk het voorbeeld opnieuw en publiceer dan.",
            "The message was changed meanwhile. Look at the preview again, then publish.",
        ),
        "ann_feed" => ("Feed voor de kiosks", "Feed for the kiosks"),
        "ann_err_title_missing" => ("Vul een Nederlandse kop in", "Enter a Dutch headline"),
        "ann_err_title_long" => ("De kop is langer dan 40 tekens", "The headline is longer than 40 characters"),
        "ann_err_body_long" => ("De tekst is langer dan 160 tekens", "The text is longer than 160 characters"),
        "ann_err_body_short" => (
            "Met een foto of als dringend bericht mag de tekst hooguit 90 tekens zijn",
            "With a picture or as an urgent notice the text may be 90 characters at most",
        ),
        "ann_err_lang" => ("Alleen Nederlands, Engels, Turks en Pools", "Only Dutch, English, Turkish and Polish"),
        "ann_err_moment" => ("Vul een datum in als 24-12-2026", "Enter a date such as 24-12-2026"),
        "ann_err_until_before" => ("De einddatum moet na de begindatum liggen", "The end must be after the start"),
        "ann_err_ended" => ("De einddatum is al voorbij", "The end has already passed"),
        "ann_err_day" => ("Kies alleen dagen uit de lijst", "Choose only days from the list"),
        "ann_err_hours" => ("Schrijf de uren als 09:00-12:00", "Write the hours as 09:00-12:00"),
        "ann_err_never" => (
            "Met deze dagen en uren is het bericht nooit te zien",
            "With these days and hours the message never shows",
        ),
        "ann_err_url" => ("De link moet met https:// beginnen", "The link must start with https://"),
        "ann_err_urgent_until" => (
            "Een dringend bericht moet een einddatum hebben, hooguit 7 dagen na het begin",
            "An urgent notice needs an end, at most 7 days after its start",
        ),
        "ann_err_urgent_right" => (
            "U mag geen dringende berichten plaatsen. Vraag een beheerder.",
            "You may not post urgent notices. Ask an administrator.",
        ),
        "ann_err_kiosk" => ("Deze kiosk bestaat niet", "This kiosk does not exist"),
        "ann_err_no_kiosk" => ("Kies minstens één kiosk", "Choose at least one kiosk"),
        "ann_err_picture_large" => ("De foto is groter dan 8 MB", "The picture is larger than 8 MB"),
        "ann_err_picture_type" => ("Dit is geen JPEG- of PNG-foto", "This is not a JPEG or PNG picture"),
        "ann_err_picture_pixels" => ("De foto heeft te veel pixels (hooguit 40 miljoen)", "The picture has too many pixels (at most 40 million)"),
        "ann_err_picture_none" => ("Kies eerst een foto", "Choose a picture first"),
        "day_monday" => ("maandag", "Monday"),
        "day_tuesday" => ("dinsdag", "Tuesday"),
        "day_wednesday" => ("woensdag", "Wednesday"),
        "day_thursday" => ("donderdag", "Thursday"),
        "day_friday" => ("vrijdag", "Friday"),
        "day_saturday" => ("zaterdag", "Saturday"),
        "day_sunday" => ("zondag", "Sunday"),
        _ => return None,
    })
}

fn t(lang: Lang, key: &str) -> &'static str {
    crate::i18n::t(lang, key)
}

fn html(status: StatusCode, page: impl Template) -> Result<Response, AppError> {
    Ok((status, Html(page.render()?)).into_response())
}

fn not_found(visitor: &Visitor) -> AppError {
    AppError::NotFound(visitor.error_page())
}

// ---- the list -------------------------------------------------------------------

struct Row {
    id: i64,
    title: String,
    state: &'static str,
    state_words: &'static str,
    urgent: bool,
    when: String,
    target: String,
    changed: String,
}

/// "from 24 December 09:00 until 25 December" in words (or "always").
fn when(d: &Draft, lang: Lang) -> String {
    let f = |s: &str| {
        ann::parse_moment(s)
            .map(|m| {
                let day = words::short_date(m.date(), lang);
                if m.time() == chrono::NaiveTime::MIN {
                    day
                } else {
                    format!("{day} {}", m.format("%H:%M"))
                }
            })
            .unwrap_or_default()
    };
    let mut parts = Vec::new();
    if !d.from.is_empty() {
        parts.push(format!(
            "{} {}",
            if lang == Lang::Nl { "vanaf" } else { "from" },
            f(&d.from)
        ));
    }
    if !d.until.is_empty() {
        parts.push(format!(
            "{} {}",
            if lang == Lang::Nl { "tot" } else { "until" },
            f(&d.until)
        ));
    }
    if !d.days.is_empty() {
        let names: Vec<&str> = d
            .days
            .iter()
            .map(|x| t(lang, &format!("day_{x}")))
            .collect();
        parts.push(names.join(", "));
    }
    if !d.hours.is_empty() {
        parts.push(d.hours.clone());
    }
    if parts.is_empty() {
        return if lang == Lang::Nl { "altijd" } else { "always" }.into();
    }
    parts.join(", ")
}

fn target(d: &Draft, lang: Lang) -> String {
    match &d.kiosks {
        None => t(lang, "ann_all_kiosks").into(),
        Some(list) => list.join(", "),
    }
}

fn row(a: &Announcement, lang: Lang, now: i64) -> Row {
    Row {
        id: a.id,
        title: a.draft.title.get("nl").cloned().unwrap_or_default(),
        state: a.state.key(),
        state_words: t(lang, &format!("ann_state_{}", a.state.key())),
        urgent: a.draft.urgent,
        when: when(&a.draft, lang),
        target: target(&a.draft, lang),
        changed: format!(
            "{}, {}",
            words::received(a.updated_at, now, lang),
            a.updated_by
        ),
    }
}

#[derive(Template)]
#[template(path = "announcements.html")]
struct ListPage {
    p: PageCtx,
    rows: Vec<Row>,
    feed_url: String,
}

pub async fn list(AxState(hub): AxState<Hub>, visitor: Visitor) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let now = hub.clock.now().timestamp();
    let all = hub.db.call(move |c| ann::list(c, now)).await?;
    let rows = all.iter().map(|a| row(a, visitor.lang, now)).collect();
    html(
        StatusCode::OK,
        ListPage {
            p: visitor.page(t(visitor.lang, "ann_title"), Vec::new()),
            rows,
            feed_url: format!("{}/feeds/messages.json", hub.config.public_url),
        },
    )
}

// ---- the form -------------------------------------------------------------------

struct LangFields {
    code: &'static str,
    label: &'static str,
    title: String,
    body: String,
    title_error: Option<&'static str>,
    body_error: Option<&'static str>,
}

struct DayBox {
    key: &'static str,
    label: &'static str,
    checked: bool,
}

struct KioskBox {
    id: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "announcement_form.html")]
struct FormPage {
    p: PageCtx,
    action: String,
    langs: Vec<LangFields>,
    from_date: String,
    from_time: String,
    until_date: String,
    until_time: String,
    days: Vec<DayBox>,
    hours: String,
    url: String,
    all_kiosks: bool,
    kiosks: Vec<KioskBox>,
    urgent: bool,
    may_urgent: bool,
    was_published: bool,
    title_max: usize,
    body_max: usize,
    body_max_short: usize,
    has_picture: bool,
}

fn split_moment(text: &str) -> (String, String) {
    match ann::parse_moment(text) {
        Some(m) if m.time() == chrono::NaiveTime::MIN => (m.date().to_string(), String::new()),
        Some(m) => (m.date().to_string(), m.format("%H:%M").to_string()),
        None => (text.to_string(), String::new()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    hub: &Hub,
    visitor: &Visitor,
    status: StatusCode,
    id: Option<i64>,
    draft: Draft,
    problems: Vec<ann::Problem>,
    was_published: bool,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    let lang = visitor.lang;
    let user = session.user.clone();
    let (known, may_urgent, has_picture) = hub
        .db
        .call(move |c| {
            let picture = match id {
                Some(id) => ann::picture_of(c, id)?.is_some(),
                None => false,
            };
            Ok((ann::kiosk_ids(c)?, ann::may_urgent(c, &user)?, picture))
        })
        .await?;
    let error = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| t(lang, &format!("ann_err_{}", p.code)))
    };
    let langs = ann::LANGS
        .iter()
        .map(|code| LangFields {
            code,
            label: t(lang, &format!("ann_lang_{code}")),
            title: draft.title.get(*code).cloned().unwrap_or_default(),
            body: draft.body.get(*code).cloned().unwrap_or_default(),
            title_error: error(&format!("title_{code}")),
            body_error: error(&format!("body_{code}")),
        })
        .collect();
    let mut errors: Vec<FieldError> = Vec::new();
    for p in &problems {
        if !errors.iter().any(|e| e.field == p.field) {
            errors.push(FieldError {
                field: p.field,
                message: t(lang, &format!("ann_err_{}", p.code)),
            });
        }
    }
    // The summary lists the problems in the form's order.
    const ORDER: [&str; 15] = [
        "title_nl",
        "body_nl",
        "title_en",
        "body_en",
        "title_tr",
        "body_tr",
        "title_pl",
        "body_pl",
        "from_date",
        "until_date",
        "days",
        "hours",
        "url",
        "kiosks",
        "urgent",
    ];
    errors.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(ORDER.len())
    });
    let (from_date, from_time) = split_moment(&draft.from);
    let (until_date, until_time) = split_moment(&draft.until);
    let days = ann::WEEKDAYS
        .iter()
        .map(|d| DayBox {
            key: d,
            label: t(lang, &format!("day_{d}")),
            checked: draft.days.iter().any(|x| x == d),
        })
        .collect();
    let chosen = draft.kiosks.clone().unwrap_or_default();
    let kiosks = known
        .into_iter()
        .map(|k| KioskBox {
            checked: chosen.contains(&k),
            id: k,
        })
        .collect();
    let title = t(lang, if id.is_some() { "ann_edit" } else { "ann_new" });
    let page = FormPage {
        p: visitor.page(title, errors),
        action: match id {
            Some(id) => format!("/announcements/{id}/edit"),
            None => "/announcements/new".into(),
        },
        langs,
        from_date,
        from_time,
        until_date,
        until_time,
        days,
        hours: draft.hours.clone(),
        url: draft.url.clone(),
        all_kiosks: draft.kiosks.is_none(),
        kiosks,
        urgent: draft.urgent,
        may_urgent,
        was_published,
        title_max: ann::TITLE_MAX,
        body_max: ann::BODY_MAX,
        body_max_short: ann::BODY_MAX_SHORT,
        has_picture,
    };
    html(status, page)
}

pub async fn new_form(AxState(hub): AxState<Hub>, visitor: Visitor) -> Result<Response, AppError> {
    form_page(
        &hub,
        &visitor,
        StatusCode::OK,
        None,
        Draft::default(),
        Vec::new(),
        false,
    )
    .await
}

pub async fn edit_form(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let now = hub.clock.now().timestamp();
    let Some(a) = hub.db.call(move |c| ann::get(c, id, now)).await? else {
        return Err(not_found(&visitor));
    };
    let published = a.state != State::Draft && a.state != State::Withdrawn;
    form_page(
        &hub,
        &visitor,
        StatusCode::OK,
        Some(id),
        a.draft,
        Vec::new(),
        published,
    )
    .await
}

/// The form's fields (repeated keys: `days`, `kiosks`) as a draft, and its CSRF token.
fn read_form(fields: &[(String, String)]) -> (String, Draft) {
    let one = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let all = |k: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let mut title = BTreeMap::new();
    let mut body = BTreeMap::new();
    for code in ann::LANGS {
        let (tt, bb) = (one(&format!("title_{code}")), one(&format!("body_{code}")));
        if !tt.is_empty() {
            title.insert(code.to_string(), tt);
        }
        if !bb.is_empty() {
            body.insert(code.to_string(), bb);
        }
    }
    let moment = |date: String, time: String| -> String {
        match (date.is_empty(), time.is_empty()) {
            (true, _) => String::new(),
            (false, true) => date,
            (false, false) => format!("{date}T{time}"),
        }
    };
    let draft = Draft {
        title,
        body,
        from: moment(one("from_date"), one("from_time")),
        until: moment(one("until_date"), one("until_time")),
        days: all("days"),
        hours: one("hours"),
        url: one("url"),
        urgent: one("urgent") == "on",
        kiosks: (one("target") == "some").then(|| all("kiosks")),
    };
    (one("csrf"), draft)
}

async fn save(
    hub: Hub,
    visitor: Visitor,
    id: Option<i64>,
    fields: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    let (csrf, draft) = read_form(&fields);
    visitor.check_csrf(&csrf)?;
    let now = hub.clock.now().timestamp();
    let user = session.user.clone();
    let d = draft.clone();
    let outcome = hub
        .db
        .call(move |c| {
            let existing = match id {
                Some(id) => match ann::get(c, id, now)? {
                    Some(a) => Some(a),
                    None => return Ok(Err(None)),
                },
                None => None,
            };
            let has_picture = existing.as_ref().is_some_and(|a| a.picture.is_some());
            let problems = ann::check(
                &d,
                has_picture,
                now,
                &ann::kiosk_ids(c)?,
                ann::may_urgent(c, &user)?,
            );
            if !problems.is_empty() {
                let published =
                    existing.is_some_and(|a| matches!(a.state, State::Published | State::Expired));
                return Ok(Err(Some((problems, published))));
            }
            Ok(Ok(ann::save(c, id, &d, &user.name, now)?))
        })
        .await?;
    match outcome {
        Ok(id) => {
            tracing::info!(announcement = id, user = %session.user.name, "announcement saved");
            Ok(Redirect::to(&format!("/announcements/{id}?done=saved")).into_response())
        }
        Err(None) => Err(not_found(&visitor)),
        Err(Some((problems, published))) => {
            form_page(
                &hub,
                &visitor,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                draft,
                problems,
                published,
            )
            .await
        }
    }
}

pub async fn create(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save(hub, visitor, None, fields).await
}

pub async fn update(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save(hub, visitor, Some(id), fields).await
}

// ---- one message: preview, publish, withdraw, picture ----------------------------

struct Shot {
    src: String,
    alt: String,
    size: &'static str,
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct ViewPage {
    p: PageCtx,
    id: i64,
    version: String,
    state: &'static str,
    state_words: &'static str,
    urgent: bool,
    when: String,
    target: String,
    url: String,
    changed: String,
    notice: Option<&'static str>,
    shots: Vec<Shot>,
    preview_langs: Vec<LangLink>,
    preview_error: Option<&'static str>,
    has_picture: bool,
    can_publish: bool,
    can_withdraw: bool,
}

/// The cache key of a preview: its size and language (`800x480-nl`).
fn shot_key(size: &str, lang: &str) -> String {
    format!("{size}-{lang}")
}

/// The preview PNGs of `a`'s current version in `lang`: from the cache, else drawn now
/// by the kiosk (both sizes at once). `Err`: the page's words for why there is none.
async fn previews(hub: &Hub, a: &Announcement, lang: &'static str) -> Result<(), &'static str> {
    let id = a.id;
    let version = a.version();
    let v = version.clone();
    let keys: Vec<String> = crate::preview::SIZES
        .iter()
        .map(|s| shot_key(s, lang))
        .collect();
    let k = keys.clone();
    let cached: i64 = hub
        .db
        .call(move |c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM announcement_previews
                 WHERE announcement_id = ?1 AND version = ?2 AND size IN (?3, ?4)",
                rusqlite::params![id, v, k[0], k[1]],
                |r| r.get(0),
            )?)
        })
        .await
        .map_err(|_| "ann_preview_failed")?;
    if cached as usize == crate::preview::SIZES.len() {
        return Ok(());
    }
    let picture = if a.picture.is_some() {
        hub.db
            .call(move |c| ann::picture_of(c, id))
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let mut message = a.feed_message();
    let pic = match (&a.picture, &picture) {
        (Some(name), Some(bytes)) => {
            message["image"] = serde_json::Value::from(name.as_str());
            Some((name.as_str(), bytes.as_slice()))
        }
        _ => None,
    };
    let now = hub.clock.now().timestamp();
    let timeout = std::time::Duration::from_secs(hub.config.preview_timeout_s);
    let kiosk = hub.config.preview_kiosk.as_deref();
    let [small, large] = crate::preview::SIZES;
    let (a1, a2) = tokio::join!(
        crate::preview::render(kiosk, timeout, &message, pic, (small, lang), now),
        crate::preview::render(kiosk, timeout, &message, pic, (large, lang), now),
    );
    let pngs = match (a1, a2) {
        (Ok(x), Ok(y)) => [x, y],
        (Err(e), _) | (_, Err(e)) => {
            use crate::preview::Failure;
            tracing::warn!(announcement = id, "no preview: {e:?}");
            return Err(match e {
                Failure::Missing => "ann_preview_missing",
                Failure::TimedOut => "ann_preview_timeout",
                Failure::Failed(_) => "ann_preview_failed",
            });
        }
    };
    hub.db
        .call(move |c| {
            for (size, png) in keys.iter().zip(pngs) {
                c.execute(
                    "INSERT INTO announcement_previews (announcement_id, version, size, png)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (announcement_id, size) DO UPDATE SET version = excluded.version, png = excluded.png",
                    rusqlite::params![id, version, size, png],
                )?;
            }
            Ok(())
        })
        .await
        .map_err(|_| "ann_preview_failed")
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
    /// The preview's language (nl, en, tr, pl).
    preview: Option<String>,
}

struct LangLink {
    href: String,
    name: &'static str,
    code: &'static str,
    current: bool,
}

async fn view_page(
    hub: &Hub,
    visitor: &Visitor,
    id: i64,
    status: StatusCode,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    view_page_in(hub, visitor, id, status, notice, errors, "nl").await
}

#[allow(clippy::too_many_arguments)]
async fn view_page_in(
    hub: &Hub,
    visitor: &Visitor,
    id: i64,
    status: StatusCode,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    preview_lang: &'static str,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let lang = visitor.lang;
    let now = hub.clock.now().timestamp();
    let Some(a) = hub.db.call(move |c| ann::get(c, id, now)).await? else {
        return Err(not_found(visitor));
    };
    let preview = previews(hub, &a, preview_lang).await;
    let version = a.version();
    let title = a.draft.title.get("nl").cloned().unwrap_or_default();
    let shots = match preview {
        Ok(()) => crate::preview::SIZES
            .iter()
            .map(|size| Shot {
                src: format!(
                    "/announcements/{id}/preview/{}?v={version}",
                    shot_key(size, preview_lang)
                ),
                alt: format!(
                    "{} {}: {title}",
                    t(lang, "ann_preview_alt"),
                    size.replace('x', " × ")
                ),
                size,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let page = ViewPage {
        p: visitor.page(title.clone(), errors),
        id,
        state: a.state.key(),
        state_words: t(lang, &format!("ann_state_{}", a.state.key())),
        urgent: a.draft.urgent,
        when: when(&a.draft, lang),
        target: target(&a.draft, lang),
        url: a.draft.url.clone(),
        changed: format!(
            "{}, {}",
            words::received(a.updated_at, now, lang),
            a.updated_by
        ),
        notice,
        preview_error: preview.err(),
        preview_langs: crate::preview::LANGS
            .iter()
            .map(|(code, name)| LangLink {
                href: format!("/announcements/{id}?preview={code}#preview-title"),
                name,
                code,
                current: *code == preview_lang,
            })
            .collect(),
        has_picture: a.picture.is_some(),
        can_publish: a.state == State::Draft,
        can_withdraw: matches!(a.state, State::Published | State::Expired),
        version,
        shots,
    };
    html(status, page)
}

pub async fn view(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = match done.done.as_deref() {
        Some("saved") => Some("ann_saved"),
        Some("published") => Some("ann_published"),
        Some("withdrawn") => Some("ann_withdrawn"),
        Some("picture") => Some("ann_picture_saved"),
        _ => None,
    };
    let lang = crate::preview::LANGS
        .iter()
        .map(|(code, _)| *code)
        .find(|code| done.preview.as_deref() == Some(*code))
        .unwrap_or("nl");
    view_page_in(
        &hub,
        &visitor,
        id,
        StatusCode::OK,
        notice.map(|k| t(visitor.lang, k)),
        Vec::new(),
        lang,
    )
    .await
}

pub async fn preview_png(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path((id, size)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let png: Option<Vec<u8>> = hub
        .db
        .call(move |c| {
            use rusqlite::OptionalExtension;
            Ok(c.query_row(
                "SELECT png FROM announcement_previews WHERE announcement_id = ?1 AND size = ?2",
                rusqlite::params![id, size],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await?;
    match png {
        Some(png) => Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response()),
        None => Err(not_found(&visitor)),
    }
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
}

pub async fn publish(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    visitor.check_csrf(&form.csrf)?;
    let now = hub.clock.now().timestamp();
    let user = session.user.clone();
    let change = hub
        .db
        .call(move |c| ann::publish(c, id, &form.version, &user, now))
        .await?;
    let lang = visitor.lang;
    match change {
        Change::Done => {
            tracing::info!(announcement = id, user = %session.user.name, "announcement published");
            Ok(Redirect::to(&format!("/announcements/{id}?done=published")).into_response())
        }
        Change::Gone => Err(not_found(&visitor)),
        Change::Stale => {
            view_page(
                &hub,
                &visitor,
                id,
                StatusCode::CONFLICT,
                Some(t(lang, "ann_stale")),
                Vec::new(),
            )
            .await
        }
        Change::Invalid(problems) => {
            let errors = problems
                .iter()
                .map(|p| FieldError {
                    field: "publish",
                    message: t(lang, &format!("ann_err_{}", p.code)),
                })
                .collect();
            view_page(
                &hub,
                &visitor,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn withdraw(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    visitor.check_csrf(&form.csrf)?;
    let now = hub.clock.now().timestamp();
    let name = session.user.name.clone();
    let change = hub
        .db
        .call(move |c| ann::withdraw(c, id, &name, now))
        .await?;
    match change {
        Change::Done => {
            tracing::info!(announcement = id, user = %session.user.name, "announcement withdrawn");
            Ok(Redirect::to(&format!("/announcements/{id}?done=withdrawn")).into_response())
        }
        Change::Gone => Err(not_found(&visitor)),
        _ => {
            view_page(
                &hub,
                &visitor,
                id,
                StatusCode::CONFLICT,
                Some(t(visitor.lang, "ann_stale")),
                Vec::new(),
            )
            .await
        }
    }
}

/// The picture form (multipart: `csrf` and `picture`).
pub async fn upload_picture(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    let mut csrf = String::new();
    let mut bytes: Option<Vec<u8>> = None;
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                // The body limit, or a broken upload.
                tracing::info!(announcement = id, "picture upload refused: {e}");
                too_large = true;
                break;
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("picture") => match field.bytes().await {
                Ok(b) => bytes = Some(b.to_vec()).filter(|b| !b.is_empty()),
                Err(_) => too_large = true,
            },
            _ => {}
        }
    }
    visitor.check_csrf(&csrf)?;
    let lang = visitor.lang;
    let error = |code: &str| {
        vec![FieldError {
            field: "picture",
            message: t(lang, &format!("ann_err_{code}")),
        }]
    };
    if too_large {
        return view_page(
            &hub,
            &visitor,
            id,
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            error("picture_large"),
        )
        .await;
    }
    let Some(bytes) = bytes else {
        return view_page(
            &hub,
            &visitor,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            error("picture_none"),
        )
        .await;
    };
    let processed = tokio::task::spawn_blocking(move || ann::picture(&bytes))
        .await
        .map_err(|e| anyhow::anyhow!("picture: {e}"))?;
    let jpeg = match processed {
        Ok(j) => j,
        Err(e) => {
            return view_page(
                &hub,
                &visitor,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                error(e.code()),
            )
            .await;
        }
    };
    let now = hub.clock.now().timestamp();
    let name = session.user.name.clone();
    match hub
        .db
        .call(move |c| ann::set_picture(c, id, Some(jpeg), &name, now))
        .await?
    {
        Change::Done => {
            tracing::info!(announcement = id, user = %session.user.name, "announcement picture set");
            Ok(Redirect::to(&format!("/announcements/{id}?done=picture")).into_response())
        }
        _ => Err(not_found(&visitor)),
    }
}

pub async fn remove_picture(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let session = visitor.require(ROLES)?;
    visitor.check_csrf(&form.csrf)?;
    let now = hub.clock.now().timestamp();
    let name = session.user.name.clone();
    match hub
        .db
        .call(move |c| ann::set_picture(c, id, None, &name, now))
        .await?
    {
        Change::Done => {
            Ok(Redirect::to(&format!("/announcements/{id}?done=picture")).into_response())
        }
        _ => Err(not_found(&visitor)),
    }
}

pub async fn picture(
    AxState(hub): AxState<Hub>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    match hub.db.call(move |c| ann::picture_of(c, id)).await? {
        Some(jpeg) => Ok(([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()),
        None => Err(not_found(&visitor)),
    }
}

// ---- the kiosks' feed -----------------------------------------------------------

#[derive(Deserialize)]
pub struct FeedQuery {
    kiosk: Option<String>,
}

fn http_date(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// `GET /feeds/messages.json[?kiosk=ID]`: the live messages in the feed format, with an
/// ETag (of the bytes) and Last-Modified; 304 for a matching If-None-Match, else for an
/// If-Modified-Since not before the last change. No login: kiosks read it as any feed.
pub async fn feed(
    AxState(hub): AxState<Hub>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let now = hub.clock.now().timestamp();
    let kiosk = q.kiosk.filter(|k| !k.is_empty());
    let (body, changed) = hub
        .db
        .call(move |c| ann::feed(c, kiosk.as_deref(), now))
        .await?;
    let bytes = serde_json::to_vec_pretty(&body).map_err(anyhow::Error::from)?;
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(&bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{hash}\"");
    let last_modified = http_date(changed.max(0));
    let header_text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let not_modified = match header_text(header::IF_NONE_MATCH) {
        Some(list) => list
            .split(',')
            .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"),
        None => header_text(header::IF_MODIFIED_SINCE)
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
            .is_some_and(|since| changed <= since.timestamp()),
    };
    let common = [
        (header::ETAG, etag),
        (header::LAST_MODIFIED, last_modified),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((common, [(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// A live message's picture, by the name the feed gives it.
pub async fn feed_picture(
    AxState(hub): AxState<Hub>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let now = hub.clock.now().timestamp();
    let found = hub
        .db
        .call(move |c| ann::live_picture(c, &name, now))
        .await?;
    match found {
        Some(jpeg) => Ok((
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                // The name holds the picture's hash: it never changes.
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            jpeg,
        )
            .into_response()),
        None => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}
