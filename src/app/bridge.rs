//! The one way results of the services thread reach the UI thread: a new
//! configuration (fleet document) and a new catalog (feeds) are handed to Slint's
//! event loop, where the window owner (`ui::App::current`) takes them. Headless there
//! is no UI and nothing is handed over.

use crate::config::Config;
use crate::feed::Catalog;
use crate::feed_service::FeedStatus;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiBridge {
    /// A window runs Slint's event loop on the main thread.
    Window,
    /// `run --headless`: services only.
    Headless,
}

impl UiBridge {
    /// A fleet document was applied.
    pub fn config(self, config: Arc<Config>) {
        self.hand_over(move |app| app.set_config(config));
    }

    /// The feeds changed (or were confirmed): signage picks it up at the next slide.
    pub fn feeds(self, catalog: Catalog, status: FeedStatus) {
        self.hand_over(move |app| app.set_feeds(catalog, status));
    }

    /// What the heartbeat's screenshot thread should draw: asked of the UI thread,
    /// which answers only while signage or the dark screen shows (`None` during a
    /// visit, headless, or when the event loop has ended).
    pub async fn snapshot_request(self) -> Option<crate::ui::snapshot::Request> {
        if self == UiBridge::Headless {
            return None;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        slint::invoke_from_event_loop(move || {
            let _ = tx.send(crate::ui::App::current().and_then(|app| app.snapshot_request()));
        })
        .ok()?;
        rx.await.ok().flatten()
    }

    fn hand_over(self, f: impl FnOnce(&std::rc::Rc<crate::ui::App>) + Send + 'static) {
        if self == UiBridge::Headless {
            return;
        }
        // Err: the event loop has ended (the kiosk is stopping); nothing to show.
        let _ = slint::invoke_from_event_loop(move || {
            if let Some(app) = crate::ui::App::current() {
                f(&app);
            }
        });
    }
}
