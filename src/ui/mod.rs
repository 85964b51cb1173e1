//! The only place that knows about Slint. `generated` is what the `.slint` files
//! compile to; `adapters` maps domain values (occurrences, slides, helplines) to the
//! UI's structs; `controller` wires the globals' callbacks and the timers (rotation,
//! clock, inactivity) to the domain.

#[allow(clippy::all, clippy::pedantic)]
pub mod generated {
    slint::include_modules!();
}

pub mod adapters;
pub mod controller;
pub mod speech_text;

pub use controller::{Controller, KioskOptions, Scene};
pub use generated::AppWindow;
