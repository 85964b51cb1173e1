//! The hub's integration tests: a real server on 127.0.0.1:0 and a real HTTP client.
//! Time is a `ManualClock` the tests move; nothing sleeps to synchronise.
//!
//! Index:
//! - `support`: starting a hub, signing webhooks, a small cookie-keeping browser;
//! - `intake`: signatures, timestamps, size, schema, idempotency, nothing stored when
//!   refused;
//! - `pages`: login redirects, roles, CSRF, escaping, the worklist flow with TOTP
//!   enrolment, claims, outcomes, overdue;
//! - `retention`: erasure down to the bytes of the database and its WAL;
//! - `mail`: the daily overdue e-mail, received by a real SMTP server (aiosmtpd):
//!   counts and a link, never a name or a number, at most once a day;
//! - `fleet`: heartbeats (signatures, limits, stale ones), health ok/degraded/offline
//!   with mock time and its history, alert e-mails to a real SMTP server (batched, one
//!   per kiosk per 15 minutes), `/metrics` read by a Prometheus text-format parser,
//!   the IT pages (roles, escaping, screenshots), `fleet list --json`;
//! - `announcements`: the editors' messages (issue 20): roles, CSRF, the form's checks,
//!   urgent rules, the preview by the real kiosk binary (missing, hanging, failing),
//!   pictures, publish/withdraw and the audit log, the feed's ETag/Last-Modified/304,
//!   `messages import` / `messages list --json`;
//! - `figures`: impact figures in heartbeats (each kiosk-day stored once, also when
//!   resent after an outage), the figures page's roles, the CSV's `<5` rule;
//! - `process`: the binary itself: the command line, and no personal data in its
//!   log at trace level.

mod support;

mod announcements;
mod figures;
mod fleet;
mod intake;
mod mail;
mod pages;
mod process;
mod retention;
