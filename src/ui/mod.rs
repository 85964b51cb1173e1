//! The only place that knows about Slint (with `app::kiosk`, which opens the window).
//! `generated` is what the `.slint` files compile to; `adapters` maps domain values
//! (occurrences, slides, helplines) to the UI's structs; `app` is the window owner,
//! with one controller per Slint global or screen family beside it, all sharing a
//! small `context`:
//!
//! | file | global(s) | owns |
//! |---|---|---|
//! | `signage.rs` | `Signage`, the top bar's clock | rotation, fade and clock timers |
//! | `browse.rs` | `Browse`, `Detail` | day tab, filter, open activity |
//! | `callback.rs` | `Callback` | the form's entry (`callback::form`), the outbox |
//! | `session.rs` | `Nav` (warning) | inactivity and countdown timers |
//! | `access.rs` | `Access`, `Theme` | speech, text size, contrast, volume |
//! | `keys.rs` | `Keys` | keys and keypad: the focus, its ring, what a key means |
//! | `admin.rs` | `Admin` | PIN gate, lock-out timer, status lines |
//! | `schedule.rs` | (`Kiosk.screen-on` through the owner) | the dark/light timer |
//! | `pictures.rs` | (images in slides and detail) | picture store, decode threads |
//! | `scenes.rs` | all, for screenshots | the scene list |
//! | `headless.rs` | (the platform) | rendering without a display |
//! | `snapshot.rs` | (none: a window of its own) | the heartbeat's screenshot thread |

#[allow(clippy::all, clippy::pedantic)]
pub mod generated {
    slint::include_modules!();
}

mod access;
pub mod adapters;
mod admin;
mod app;
mod browse;
mod callback;
mod context;
pub mod headless;
pub mod keys;
mod pictures;
mod scenes;
mod schedule;
mod session;
mod signage;
pub mod snapshot;
pub mod speech_text;

pub use app::{App, KioskOptions, StateFiles};
pub use generated::AppWindow;
pub use pictures::Decoded;
pub use scenes::{show as show_scene, Scene};
