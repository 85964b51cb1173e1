//! Delivering callback requests to the intake's webhook, at least once.
//!
//! - POST of the stored body, `Idempotency-Key: <id>`, and
//!   `X-Samen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
//!   (docs/webhook.md shows how to verify it).
//! - 2xx and 409 (already have it) mean delivered: the personal data is erased.
//! - Timeouts, resets, 5xx, 408 and 429: retried with exponential backoff and jitter,
//!   honouring Retry-After, at most 15 minutes apart.
//! - Other 4xx: kept, marked for attention, retried every 15 minutes. Nothing is ever
//!   dropped.
//!
//! `try_deliver_one` is one step (what tests call); `run` only loops, sleeps and
//! listens for shutdown. Logs carry the request id, never its contents.

use super::outbox::{Outbox, Pending};
use crate::signing::{signature, standard_headers, Secret};
use crate::time::Clock;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub secret: Secret,
}

pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing is due.
    Idle,
    Delivered(String),
    /// Will be tried again after the given delay.
    Retry(String, Duration),
    /// Refused for good by the intake (4xx): kept and retried slowly.
    Attention(String, Duration),
}

/// `first` after the first failure, doubling up to 15 minutes, with jitter.
pub fn backoff(first: Duration, attempts: u32, salt: &str) -> Duration {
    let base = first.saturating_mul(1u32 << attempts.min(12));
    let capped = base.min(MAX_BACKOFF);
    // Up to 20 % jitter, derived from the id so that retries of many requests spread.
    let jitter = salt.bytes().fold(attempts as u64, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    }) % 200;
    capped
        .mul_f64(1.0 + jitter as f64 / 1000.0)
        .min(MAX_BACKOFF)
}

fn retry_after(response: &reqwest::Response, now: DateTime<Utc>) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds).min(MAX_BACKOFF));
    }
    let date = DateTime::parse_from_rfc2822(value.trim()).ok()?;
    (date.with_timezone(&Utc) - now)
        .to_std()
        .ok()
        .map(|d| d.min(MAX_BACKOFF))
}

/// Where requests go: the webhook, or (for organisations without one) e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    Webhook(Webhook),
    Email(super::email::EmailChannel),
}

pub struct Deliverer {
    client: reqwest::Client,
    channel: Channel,
    clock: Arc<dyn Clock>,
    first_retry: Duration,
    max_retry: Duration,
}

impl Deliverer {
    pub fn new(
        channel: Channel,
        first_retry: Duration,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Deliverer> {
        // Redirects are not followed: a request is delivered only where it was sent.
        let client = crate::fetch::client_builder(
            Duration::from_secs(10),
            Duration::from_secs(30),
            reqwest::redirect::Policy::none(),
        )
        .build()?;
        Ok(Deliverer {
            client,
            channel,
            clock,
            first_retry,
            max_retry: MAX_BACKOFF,
        })
    }

    /// The longest wait between tries of a failing request (at most 15 minutes).
    pub fn with_max_retry(mut self, max: Duration) -> Deliverer {
        self.max_retry = max.min(MAX_BACKOFF);
        self
    }

    fn wait(&self, attempts: u32, id: &str) -> Duration {
        backoff(self.first_retry, attempts, id).min(self.max_retry)
    }

    /// One delivery attempt for the request that is due first.
    pub async fn try_deliver_one(&self, outbox: &Outbox) -> anyhow::Result<Outcome> {
        let now = self.clock.now();
        let Some(Pending { id, body, attempts }) = outbox.next_due(now)? else {
            return Ok(Outcome::Idle);
        };
        let (outcome, error) = match &self.channel {
            Channel::Webhook(webhook) => self.post(webhook, &id, body, attempts, now).await,
            Channel::Email(email) => match super::email::send(email, &id, &body).await {
                super::email::Sent::Ok => (Outcome::Delivered(id.clone()), String::new()),
                super::email::Sent::Transient(e) => {
                    (Outcome::Retry(id.clone(), self.wait(attempts, &id)), e)
                }
                super::email::Sent::Permanent(e) => {
                    (Outcome::Attention(id.clone(), MAX_BACKOFF), e)
                }
            },
        };
        match &outcome {
            Outcome::Delivered(id) => {
                outbox.mark_delivered(id, self.clock.now())?;
                tracing::info!(request = %id, "callback request delivered");
            }
            Outcome::Retry(id, wait) | Outcome::Attention(id, wait) => {
                let attention = matches!(outcome, Outcome::Attention(..));
                // Counted from the end of this attempt, which may have taken 30 s.
                let next = self.clock.now()
                    + chrono::Duration::from_std(*wait).unwrap_or(chrono::Duration::minutes(15));
                outbox.mark_retry(id, next, &error, attention)?;
                tracing::warn!(request = %id, attempt = attempts + 1, retry_in_s = wait.as_secs(), "callback request not delivered: {error}");
            }
            Outcome::Idle => {}
        }
        Ok(outcome)
    }

    async fn post(
        &self,
        webhook: &Webhook,
        id: &str,
        body: Vec<u8>,
        attempts: u32,
        now: DateTime<Utc>,
    ) -> (Outcome, String) {
        let t = now.timestamp();
        // Standard Webhooks (webhook-id is the request id, the same on every retry)
        // and the kiosk's own header, for receivers that already check it.
        let mut request = self
            .client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", id);
        for (name, value) in standard_headers(&webhook.secret, id, t, &body) {
            request = request.header(name, value);
        }
        let result = request
            .header("X-Samen-Signature", signature(&webhook.secret, t, &body))
            .body(body)
            .send()
            .await;
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                match status {
                    200..=299 | 409 => (Outcome::Delivered(id.to_string()), String::new()),
                    408 | 429 | 500..=599 => {
                        // Retry-After is honoured within our own bounds: never
                        // sooner than the first retry (a "0" would make a tight
                        // loop), never later than the longest wait.
                        let wait = retry_after(&response, now)
                            .map(|d| d.max(self.first_retry).min(self.max_retry))
                            .unwrap_or_else(|| self.wait(attempts, id));
                        (
                            Outcome::Retry(id.to_string(), wait),
                            format!("intake answered {status}"),
                        )
                    }
                    _ => (
                        Outcome::Attention(id.to_string(), MAX_BACKOFF),
                        format!("intake refused it with {status}"),
                    ),
                }
            }
            Err(err) => {
                let what = if err.is_timeout() {
                    "timed out"
                } else {
                    "network error"
                };
                (
                    Outcome::Retry(id.to_string(), self.wait(attempts, id)),
                    what.to_string(),
                )
            }
        }
    }

    /// Delivers until `shutdown` turns true. `wake` is notified when a new request
    /// was submitted, so it goes out at once instead of at the next poll.
    ///
    /// When the outbox cannot be opened, read or written (a full disk, an I/O error)
    /// this backs off as for a failed delivery, and keeps trying: a disk that was full
    /// at start-up only delays delivery until there is room again. A request whose
    /// delivery could not be recorded is sent again later under the same key (the
    /// intake answers 409 or takes it once). On shutdown a request in flight is
    /// abandoned; it is still in the outbox and goes out next time.
    pub async fn run(
        self,
        outbox_path: PathBuf,
        wake: Arc<tokio::sync::Notify>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut outbox: Option<Outbox> = None;
        let mut storage_failures: u32 = 0;
        let mut needs_checkpoint = true;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let step = match &outbox {
                Some(o) => tokio::select! {
                    step = self.try_deliver_one(o) => step,
                    _ = shutdown.wait_for(|stop| *stop) => return,
                },
                None => match Outbox::open(&outbox_path) {
                    Ok(o) => {
                        if storage_failures > 0 {
                            tracing::info!("outbox usable again");
                        }
                        outbox = Some(o);
                        continue;
                    }
                    Err(err) => Err(err),
                },
            };
            let outcome = match step {
                Ok(o) => {
                    if storage_failures > 0 {
                        tracing::info!("outbox usable again");
                        storage_failures = 0;
                    }
                    needs_checkpoint |= matches!(o, Outcome::Delivered(_));
                    o
                }
                Err(err) => {
                    let wait = self.wait(storage_failures, "outbox");
                    storage_failures = storage_failures.saturating_add(1);
                    tracing::error!(
                        retry_in_s = wait.as_secs(),
                        "outbox: {err:#}; callback delivery waits"
                    );
                    // A new request from the screen means the disk took a write again.
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = wake.notified() => {}
                        _ = shutdown.wait_for(|stop| *stop) => return,
                    }
                    continue;
                }
            };
            if !matches!(outcome, Outcome::Idle) {
                continue;
            }
            let Some(outbox) = &outbox else { continue };
            // Idle: make sure no erased data lingers in the write-ahead log.
            if needs_checkpoint {
                needs_checkpoint = !outbox.checkpoint();
            }
            // Sleep until the next request is due, or until woken by the screen. Another
            // process (`callback submit`) may add requests too: look every 2 seconds,
            // a single indexed query.
            let now = self.clock.now();
            let wait = outbox
                .next_due_at()
                .ok()
                .flatten()
                .map(|at| (at - now).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(2))
                .min(Duration::from_secs(2))
                .max(Duration::from_millis(200));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = wake.notified() => {}
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = Duration::from_secs(5);
        assert!(backoff(first, 0, "a") < backoff(first, 3, "a"));
        assert!(backoff(first, 30, "a") <= MAX_BACKOFF);
    }
}
