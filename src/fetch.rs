//! HTTP for feeds and pictures: one request, bounded in every direction. Connect and
//! total timeouts (a slow-loris server cannot hold the fetcher), a body size limit
//! checked while streaming, a redirect limit, gzip, and conditional requests with
//! ETag / Last-Modified. Retrying and scheduling are the caller's business
//! (`feed_service`); this module does one request and says precisely how it went.

use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Limits {
    pub connect_timeout: Duration,
    /// The whole exchange, body included.
    pub total_timeout: Duration,
    pub max_bytes: usize,
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// What the server said last time, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    New {
        body: Vec<u8>,
        validators: Validators,
    },
    NotModified,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out")]
    Timeout,
    #[error("server answered {0}")]
    Status(u16),
    #[error("more than {0} bytes")]
    TooLarge(usize),
    #[error("too many redirects")]
    Redirects,
    #[error("network: {0}")]
    Network(String),
}

/// Every HTTP client of the kiosk (feeds, pictures, fleet document, webhook, heartbeat)
/// starts here: rustls with the system's roots, the kiosk's user agent, a connect and a
/// total timeout, and the redirect policy the caller chooses.
pub fn client_builder(
    connect: Duration,
    total: Duration,
    redirects: reqwest::redirect::Policy,
) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(connect)
        .timeout(total)
        .redirect(redirects)
        .user_agent(concat!("samen-kiosk/", env!("CARGO_PKG_VERSION")))
}

/// The heartbeat's client: a signed POST is never sent on to another URL, so
/// redirects are not followed at all (a 3xx is a failed heartbeat).
pub fn heartbeat_client() -> reqwest::Result<reqwest::Client> {
    client_builder(
        Duration::from_secs(10),
        Duration::from_secs(20),
        reqwest::redirect::Policy::none(),
    )
    .build()
}

pub struct Fetcher {
    /// Made at the first request, not before: building a client reads and parses the
    /// system's root certificates (`ca-certificates.crt` and every file in
    /// /etc/ssl/certs, about 290 here), and start-up, which only reads the feed cache,
    /// made two of them on the UI thread before the first frame (issue 24).
    client: std::sync::OnceLock<Result<reqwest::Client, String>>,
    redirects: std::sync::Mutex<Option<reqwest::redirect::Policy>>,
    limits: Limits,
}

impl Fetcher {
    pub fn new(limits: Limits) -> anyhow::Result<Fetcher> {
        let redirects = reqwest::redirect::Policy::limited(limits.max_redirects);
        Fetcher::with_redirects(limits, redirects)
    }

    /// A fetcher with its own redirect policy (the fleet document: same host, https).
    /// Nothing is read or built yet: an HTTP client that cannot be made (no usable
    /// root certificates) is the first request's error.
    pub fn with_redirects(
        limits: Limits,
        redirects: reqwest::redirect::Policy,
    ) -> anyhow::Result<Fetcher> {
        Ok(Fetcher {
            client: std::sync::OnceLock::new(),
            redirects: std::sync::Mutex::new(Some(redirects)),
            limits,
        })
    }

    fn client(&self) -> Result<&reqwest::Client, FetchError> {
        self.client
            .get_or_init(|| {
                let redirects = self
                    .redirects
                    .lock()
                    .ok()
                    .and_then(|mut r| r.take())
                    .unwrap_or_else(|| {
                        reqwest::redirect::Policy::limited(self.limits.max_redirects)
                    });
                client_builder(
                    self.limits.connect_timeout,
                    self.limits.total_timeout,
                    redirects,
                )
                .gzip(true)
                .build()
                .map_err(|e| {
                    let why = format!("HTTP client unavailable: {e}");
                    tracing::error!("{why}");
                    why
                })
            })
            .as_ref()
            .map_err(|why| FetchError::Network(why.clone()))
    }

    pub async fn get(&self, url: &str, known: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self.client()?.get(url);
        if let Some(etag) = &known.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &known.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > self.limits.max_bytes as u64)
        {
            return Err(FetchError::TooLarge(self.limits.max_bytes));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > self.limits.max_bytes {
                return Err(FetchError::TooLarge(self.limits.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::New { body, validators })
    }
}

fn classify(err: reqwest::Error) -> FetchError {
    if err.is_timeout() {
        FetchError::Timeout
    } else if err.is_redirect() {
        // A policy's own reason ("redirect not followed: ..."), or too many.
        match std::error::Error::source(&err).map(ToString::to_string) {
            Some(reason) if reason.starts_with("redirect not followed") => {
                FetchError::Network(reason)
            }
            _ => FetchError::Redirects,
        }
    } else {
        // The chain without the URL: URLs may carry tokens.
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            message = format!("{message}: {s}");
            source = s.source();
        }
        FetchError::Network(message)
    }
}

/// A URL as it may appear in a log: scheme, host and path, no query or credentials.
pub fn loggable(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.path()
        ),
        Err(_) => url.split('?').next().unwrap_or_default().to_string(),
    }
}
