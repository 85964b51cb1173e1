//! The wire contracts between samen-kiosk and samen-hub, defined once so that both
//! sides agree byte for byte:
//! - [`callback::CallbackBody`]: the JSON body of a callback request webhook
//!   (docs/webhook.md in the kiosk), with the schema checks the hub applies;
//! - [`status::StatusReport`]: the status / heartbeat object (docs/status.md);
//! - [`health::Heartbeat`]: the status object with health, a screenshot and the
//!   heartbeat interval, as the hub's `/intake/heartbeat` takes it (issue 19);
//! - [`standard`]: signing and verifying per the Standard Webhooks specification
//!   (`webhook-id`, `webhook-timestamp`, `webhook-signature`, `whsec_` secrets);
//! - [`legacy`]: the kiosk's original `X-Samen-Signature` header, kept for receivers
//!   that already verify it.
//!
//! Deliberately small: no HTTP, no async runtime, no database. The kiosk links this
//! crate and must not pull a web server in with it.

pub mod callback;
pub mod figures;
pub mod health;
pub mod legacy;
pub mod standard;
pub mod status;
