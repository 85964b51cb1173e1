//! samen-kiosk: touchscreen kiosk and signage for "Samen is leuker!".
//!
//! The domain core (`config`, `feed`, `playlist`, `i18n`, `time`, `qr`, `images`)
//! knows nothing about Slint; `ui` is the only module that does. See ARCHITECTURE.md.

pub mod admin;
pub mod app;
pub mod callback;
pub mod config;
pub mod feed;
pub mod feed_cache;
pub mod feed_policy;
pub mod feed_service;
pub mod fetch;
pub mod figures;
pub mod files;
pub mod health;
pub mod heartbeat;
pub mod i18n;
pub mod image_cache;
pub mod images;
pub mod memory;
pub mod messages;
pub mod playlist;
pub mod qr;
pub mod remote;
pub mod schedule;
pub mod signing;
pub mod speech;
pub mod state;
pub mod status;
pub mod systemd;
pub mod time;
pub mod ui;
