//! The kiosk binary as the IT team and other tools run it: a child process with its
//! own state directory and no display.

use std::path::Path;
use std::process::{Command, Output};

/// The binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_samen-kiosk")
}

/// `samen-kiosk` with `state` as its state directory (`SAMEN_KIOSK_STATE_DIR`),
/// never a display (a screenshot must not need one).
pub fn command(state: &Path) -> Command {
    let mut command = Command::new(bin());
    command
        .env("SAMEN_KIOSK_STATE_DIR", state)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    command
}

/// Runs `samen-kiosk ARGS` to the end.
pub fn run(args: &[&str], state: &Path) -> Output {
    command(state).args(args).output().expect("the binary runs")
}
