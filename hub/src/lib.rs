//! samen-hub: the organisation's server for samen-kiosk. Part 1: callback intake from
//! the kiosks, the coordinators' worklist, retention and the audit trail.
//!
//! The domain modules (`intake`, `worklist`, `retention`, `accounts`, `sessions`,
//! `audit`, `kiosks`) work on a `rusqlite::Connection` and know nothing of HTTP;
//! `http/` is a thin layer over them, `cli` the command line. See ARCHITECTURE.md.

pub mod accounts;
pub mod alerts;
pub mod announcements;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod figures;
pub mod fleet;
pub mod http;
pub mod i18n;
pub mod intake;
pub mod jobs;
pub mod kiosks;
pub mod mail;
pub mod preview;
pub mod random;
pub mod retention;
pub mod sessions;
pub mod words;
pub mod workdays;
pub mod worklist;

use std::sync::Arc;

/// Everything a request handler or a background job needs: the database, the clock
/// (injected, so tests control time) and the validated configuration.
#[derive(Clone)]
pub struct Hub {
    pub db: db::Db,
    pub clock: Arc<dyn clock::Clock>,
    pub config: Arc<config::Config>,
}
