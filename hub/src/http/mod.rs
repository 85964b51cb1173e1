//! The HTTP layer: a thin shell over the domain modules. One module per resource
//! (`intake` for kiosks, `pages` for staff, `fleet` for the IT team and `/metrics`), `auth` for who is asking (session,
//! role, CSRF), `error` for turning failures into responses in one place.
//!
//! Every response carries a strict Content-Security-Policy (no inline scripts or
//! styles: the CSS is a file), and pages are never cached (they hold personal data).

pub mod announcements;
pub mod auth;
pub mod error;
pub mod figures;
pub mod fleet;
pub mod intake;
pub mod pages;

use crate::Hub;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;

pub const CSP: &str = "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; \
    script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn router(hub: Hub) -> Router {
    Router::new()
        .route(
            "/intake/callback",
            post(intake::callback).layer(DefaultBodyLimit::max(crate::intake::MAX_BODY_BYTES)),
        )
        .route(
            "/intake/heartbeat",
            post(intake::heartbeat).layer(DefaultBodyLimit::max(crate::fleet::MAX_BODY_BYTES)),
        )
        .route("/fleet", get(fleet::fleet_page))
        .route("/fleet/{id}", get(fleet::kiosk_page))
        .route("/fleet/{id}/screenshot", get(fleet::screenshot))
        .route("/metrics", get(fleet::metrics))
        .route("/figures", get(figures::page))
        .route("/figures.csv", get(figures::csv))
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/enrol", get(pages::enrol_form).post(pages::enrol))
        .route("/worklist", get(pages::worklist))
        .route("/requests/{id}", get(pages::request))
        .route("/requests/{id}/number", post(pages::show_number))
        .route("/requests/{id}/claim", post(pages::claim))
        .route("/requests/{id}/outcome", post(pages::outcome))
        .route("/lang/{code}", get(pages::language))
        .route("/announcements", get(announcements::list))
        .route(
            "/announcements/new",
            get(announcements::new_form).post(announcements::create),
        )
        .route("/announcements/{id}", get(announcements::view))
        .route(
            "/announcements/{id}/edit",
            get(announcements::edit_form).post(announcements::update),
        )
        .route("/announcements/{id}/publish", post(announcements::publish))
        .route(
            "/announcements/{id}/withdraw",
            post(announcements::withdraw),
        )
        .route(
            "/announcements/{id}/picture",
            get(announcements::picture)
                .post(announcements::upload_picture)
                .layer(DefaultBodyLimit::max(
                    crate::announcements::PICTURE_MAX_BYTES + 64 * 1024,
                )),
        )
        .route(
            "/announcements/{id}/picture/remove",
            post(announcements::remove_picture),
        )
        .route(
            "/announcements/{id}/preview/{size}",
            get(announcements::preview_png),
        )
        .route("/feeds/messages.json", get(announcements::feed))
        .route("/feeds/pictures/{name}", get(announcements::feed_picture))
        .route("/assets/count.js", get(count_js))
        .route("/assets/hub.css", get(css))
        .route(
            "/assets/atkinson-hyperlegible-regular.ttf",
            get(font_regular),
        )
        .route("/assets/atkinson-hyperlegible-bold.ttf", get(font_bold))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(hub)
}

async fn security_headers(request: Request, next: Next) -> Response {
    // Assets and the kiosks' feed set their own caching.
    let asset = ["/assets/", "/feeds/"]
        .iter()
        .any(|p| request.uri().path().starts_with(p));
    // The path only: no query string, never a body. Paths hold request ids at most.
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let mut response = next.run(request).await;
    tracing::trace!(%method, %path, status = response.status().as_u16(), "http");
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !asset {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn asset(content_type: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_bytes!("../../assets/hub.css"),
    )
}

async fn count_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/count.js"),
    )
}

async fn font_regular() -> Response {
    asset(
        "font/ttf",
        include_bytes!("../../../assets/fonts/AtkinsonHyperlegible-Regular.ttf"),
    )
}

async fn font_bold() -> Response {
    asset(
        "font/ttf",
        include_bytes!("../../../assets/fonts/AtkinsonHyperlegible-Bold.ttf"),
    )
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    hub: Hub,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, router(hub))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
