//! Failures as responses, in one place: a redirect to the login page, 403 for the
//! wrong role or a missing CSRF token, 404, and 500 for the hub's own failures (the
//! cause is logged; it never holds personal data, the page says nothing of it).

use crate::i18n::{Lang, PageCtx};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Debug)]
pub enum AppError {
    /// Not logged in (or the session expired): to the login page.
    Login,
    /// Logged in with a password, TOTP not set up yet.
    Enrol,
    /// The wrong role; the page still shows who is logged in (and "Uitloggen").
    Forbidden(Box<PageCtx>),
    NotFound(Box<PageCtx>),
    Csrf(Box<PageCtx>),
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Internal(e)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(anyhow::anyhow!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub p: PageCtx,
    pub message: &'static str,
}

/// A page with a title and one sentence, in the visitor's layout (language switch,
/// name, "Uitloggen" when logged in).
fn message(mut p: PageCtx, title: &str, text: &str) -> String {
    let lang = p.lang;
    p.title = crate::i18n::t(lang, title).to_string();
    p.errors.clear();
    let page = MessagePage {
        message: crate::i18n::t(lang, text),
        p,
    };
    page.render()
        .unwrap_or_else(|_| crate::i18n::t(lang, text).to_string())
}

/// The page context for an error page when nothing is known of the visitor.
fn anonymous(lang: Lang) -> PageCtx {
    PageCtx {
        lang,
        title: String::new(),
        user: None,
        csrf: String::new(),
        path: "/".into(),
        errors: Vec::new(),
        figures_link: false,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Login => Redirect::to("/login").into_response(),
            AppError::Enrol => Redirect::to("/enrol").into_response(),
            AppError::Forbidden(p) => (
                StatusCode::FORBIDDEN,
                Html(message(*p, "forbidden_title", "forbidden")),
            )
                .into_response(),
            AppError::NotFound(p) => (
                StatusCode::NOT_FOUND,
                Html(message(*p, "not_found_title", "not_found")),
            )
                .into_response(),
            AppError::Csrf(p) => (
                StatusCode::FORBIDDEN,
                Html(message(*p, "csrf_title", "csrf")),
            )
                .into_response(),
            AppError::Internal(e) => {
                tracing::error!("{e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html(message(anonymous(Lang::Nl), "error_title", "error")),
                )
                    .into_response()
            }
        }
    }
}
