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
    Forbidden(Lang),
    NotFound(Lang),
    Csrf(Lang),
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

fn message(lang: Lang, title: &str, text: &str) -> String {
    let p = PageCtx {
        lang,
        title: crate::i18n::t(lang, title).to_string(),
        user: None,
        csrf: String::new(),
        path: "/".into(),
        errors: Vec::new(),
    };
    let page = MessagePage {
        message: crate::i18n::t(lang, text),
        p,
    };
    page.render()
        .unwrap_or_else(|_| crate::i18n::t(lang, text).to_string())
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Login => Redirect::to("/login").into_response(),
            AppError::Enrol => Redirect::to("/enrol").into_response(),
            AppError::Forbidden(lang) => (
                StatusCode::FORBIDDEN,
                Html(message(lang, "forbidden_title", "forbidden")),
            )
                .into_response(),
            AppError::NotFound(lang) => (
                StatusCode::NOT_FOUND,
                Html(message(lang, "not_found_title", "not_found")),
            )
                .into_response(),
            AppError::Csrf(lang) => (
                StatusCode::FORBIDDEN,
                Html(message(lang, "csrf_title", "csrf")),
            )
                .into_response(),
            AppError::Internal(e) => {
                tracing::error!("{e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html(message(Lang::Nl, "error_title", "error")),
                )
                    .into_response()
            }
        }
    }
}
