//! Who is asking: the session cookie, the page language, and the checks every page
//! makes (logged in, TOTP done, the right role, the form's CSRF token).
//!
//! Cookies: the session (`HttpOnly; SameSite=Strict`, `Secure` when configured or
//! behind https), a pre-login CSRF cookie for the login form (double submit), and the
//! language choice.

use super::error::AppError;
use crate::accounts::{Role, User};
use crate::i18n::{FieldError, Lang, PageCtx};
use crate::sessions::{self, Session, Stage};
use crate::Hub;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

pub const LOGIN_CSRF_COOKIE: &str = "samen_hub_login";
pub const LANG_COOKIE: &str = "samen_hub_lang";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(hub: &Hub, name: &str, value: &str, path: &str, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if hub.config.secure_cookies {
        c.push_str("; Secure");
    }
    c
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The person behind a request, logged in or not.
pub struct Visitor {
    pub lang: Lang,
    pub token: Option<String>,
    pub session: Option<Session>,
    pub path: String,
}

impl FromRequestParts<Hub> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, hub: &Hub) -> Result<Visitor, AppError> {
        let lang = cookie(&parts.headers, LANG_COOKIE)
            .and_then(Lang::parse)
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::Nl);
        let token = cookie(&parts.headers, sessions::COOKIE).map(str::to_string);
        let session = match &token {
            None => None,
            Some(token) => {
                let token = token.clone();
                let now = hub.clock.now().timestamp();
                hub.db
                    .call(move |c| sessions::lookup(c, &token, now))
                    .await?
            }
        };
        Ok(Visitor {
            lang,
            token,
            session,
            path: parts.uri.path().to_string(),
        })
    }
}

impl Visitor {
    /// A logged-in user who finished TOTP, with one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Session, AppError> {
        let session = self.session.as_ref().ok_or(AppError::Login)?;
        if session.stage == Stage::Enrol {
            return Err(AppError::Enrol);
        }
        if !roles.contains(&session.user.role) {
            return Err(AppError::Forbidden(self.error_page()));
        }
        Ok(session)
    }

    /// Any logged-in user who finished TOTP.
    pub fn user(&self) -> Result<&User, AppError> {
        self.require(&[Role::Coordinator, Role::Editor, Role::It, Role::Admin])
            .map(|s| &s.user)
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        let session = self.session.as_ref().ok_or(AppError::Login)?;
        if same_token(&session.csrf, token) {
            Ok(())
        } else {
            tracing::warn!(path = %self.path, "form refused: CSRF token missing or wrong");
            Err(AppError::Csrf(self.error_page()))
        }
    }

    /// The layout's context for an error page (403, 404, an expired form).
    pub fn error_page(&self) -> Box<PageCtx> {
        Box::new(self.page(String::new(), Vec::new()))
    }

    pub fn page(&self, title: impl Into<String>, errors: Vec<FieldError>) -> PageCtx {
        PageCtx {
            lang: self.lang,
            title: title.into(),
            user: self.session.as_ref().map(|s| s.user.name.clone()),
            csrf: self
                .session
                .as_ref()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
            // The language switch goes back here with a GET: after a form, to its page.
            path: ["/number", "/claim", "/outcome"]
                .iter()
                .find_map(|action| self.path.strip_suffix(action))
                .unwrap_or(&self.path)
                .to_string(),
            errors,
            figures_link: self.session.as_ref().is_some_and(|s| {
                s.stage == Stage::Full
                    && matches!(s.user.role, Role::Editor | Role::It | Role::Admin)
            }),
        }
    }
}
