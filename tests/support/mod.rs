//! What the integration tests share: a local HTTP server that answers as each test
//! scripts it and records every request (`http`), the kiosk binary as a child process
//! (`kiosk`), and a small file system of its own (`tmpfs`). Each test file includes it
//! with `mod support;` and uses what it needs.
#![allow(dead_code)]

pub mod http;
pub mod kiosk;
pub mod tmpfs;
