//! Activity pictures for the screen: decoded and scaled off the UI thread, at most
//! `adapters::MAX_PICTURES` kept in memory (least recently used out), none while the
//! screen is dark.
//!
//! Two kinds of worker thread: `load` decodes the few pictures the screen needs now or
//! soon (one short-lived thread a batch; the results come back through the event loop
//! to the owner's `ready` function), and `prepare` runs one `pictures` thread at nice
//! 10 that scales every picture of a new catalog once and keeps the result on disk, so
//! that later loads only read small files. A newer catalog stops a preparing thread.

use super::adapters::ImageStore;
use crate::feed::{Catalog, ImageRef};
use crate::images::Picture;
use std::cell::{RefCell, RefMut};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a decoding batch hands back: the pictures asked for, and each one decoded
/// (`None`: broken, shown as a neutral placeholder; missing: not downloaded yet).
pub type Decoded = Vec<(ImageRef, Option<Picture>)>;

/// Called on the UI thread when a batch is done (set by the window owner).
pub type Ready = fn(requested: Vec<ImageRef>, decoded: Decoded);

pub struct Pictures {
    store: RefCell<ImageStore>,
    /// Where the feed service keeps downloaded pictures (and the scaled ones).
    dir: Option<PathBuf>,
    /// Pictures being decoded on a worker thread.
    pending: RefCell<HashSet<ImageRef>>,
    /// Counts the catalogs handed to the preparing worker; a worker whose number is
    /// no longer the latest stops.
    generation: Arc<AtomicU64>,
    ready: Ready,
}

impl Pictures {
    pub fn new(dir: Option<PathBuf>, ready: Ready) -> Pictures {
        Pictures {
            store: RefCell::default(),
            dir,
            pending: RefCell::default(),
            generation: Arc::default(),
            ready,
        }
    }

    /// The store the adapters draw from (pictures and QR codes).
    pub fn store(&self) -> RefMut<'_, ImageStore> {
        self.store.borrow_mut()
    }

    /// How many decoded pictures are in memory.
    pub fn in_memory(&self) -> usize {
        self.store.borrow().pictures_len()
    }

    /// Decodes the pictures of `wanted` that are neither in memory nor on their way,
    /// on a worker thread; `max` is the box they are scaled to fit.
    pub fn load(&self, wanted: Vec<ImageRef>, max: u32) {
        let sources: Vec<ImageRef> = {
            let store = self.store.borrow();
            let mut pending = self.pending.borrow_mut();
            let missing: Vec<ImageRef> = wanted
                .into_iter()
                .filter(|s| !store.has_picture(s) && !pending.contains(s))
                .collect();
            pending.extend(missing.iter().cloned());
            missing
        };
        if sources.is_empty() {
            return;
        }
        let requested = sources.clone();
        let dir = self.dir.clone();
        let ready = self.ready;
        std::thread::spawn(move || {
            let decoded: Decoded = sources
                .into_iter()
                .filter_map(|source| decode(source, dir.as_deref(), max))
                .collect();
            let _ = slint::invoke_from_event_loop(move || ready(requested, decoded));
        });
    }

    /// A batch came back: the pictures are no longer on their way.
    pub fn arrived(&self, requested: &[ImageRef]) {
        let mut pending = self.pending.borrow_mut();
        for source in requested {
            pending.remove(source);
        }
    }

    /// Keeps decoded pictures (`None`: broken, a placeholder from now on).
    pub fn keep(&self, decoded: Decoded) {
        let mut store = self.store.borrow_mut();
        for (source, picture) in decoded {
            match picture {
                Some(p) => store.insert_picture(source, &p),
                None => store.mark_broken(source),
            }
        }
    }

    /// Forgets what a new catalog (and the messages) no longer have.
    pub fn retain_for(&self, catalog: &Catalog, messages: &[crate::messages::Message]) {
        self.store.borrow_mut().retain_for(catalog, messages);
    }

    /// Gives every decoded picture back (the screen goes dark).
    pub fn clear(&self) {
        self.store.borrow_mut().clear_pictures();
    }

    /// Decodes and scales every picture of the catalog once, ahead of the rotation,
    /// and keeps the result on disk (`images::prepare`): one picture at a time, on a
    /// worker thread of low priority, nothing kept in memory. A newer catalog stops a
    /// worker that is still busy and starts one with the new list. Only with a
    /// picture folder.
    pub fn prepare(&self, catalog: &Catalog, max: u32) {
        let Some(dir) = self.dir.clone() else {
            return;
        };
        let mut seen = HashSet::new();
        let sources: Vec<ImageRef> = catalog
            .activities()
            .iter()
            .filter_map(|a| a.image.clone())
            .filter(|s| seen.insert(s.clone()))
            .collect();
        let generation = Arc::clone(&self.generation);
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        if sources.is_empty() {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("pictures".into())
            .spawn(move || {
                lower_priority();
                for source in sources {
                    if generation.load(Ordering::SeqCst) != mine {
                        return;
                    }
                    // Not downloaded yet or broken: the rotation reports it when the
                    // picture is due; the next catalog tries again.
                    let _ = crate::images::prepare(&source, Some(&dir), max, max);
                }
                crate::memory::give_back();
            });
        if let Err(err) = spawned {
            tracing::warn!("pictures not prepared: {err}");
        }
    }
}

/// One picture for a batch: `None` when it is not downloaded yet (the feed service
/// says when it is), `Some((source, None))` when it is broken.
fn decode(
    source: ImageRef,
    dir: Option<&std::path::Path>,
    max: u32,
) -> Option<(ImageRef, Option<Picture>)> {
    match crate::images::load(&source, dir, max, max) {
        Ok(picture) => Some((source, Some(picture))),
        Err(_) if not_downloaded(&source, dir) => None,
        Err(err) => {
            tracing::warn!("picture not shown: {err:#}");
            Some((source, None))
        }
    }
}

fn not_downloaded(source: &ImageRef, dir: Option<&std::path::Path>) -> bool {
    match source {
        ImageRef::Url(url) => !dir.is_some_and(|d| crate::image_cache::path_for(d, url).exists()),
        _ => false,
    }
}

/// The box pictures are scaled to fit: half the window's long side.
pub fn max_side(size: slint::PhysicalSize) -> u32 {
    size.width.max(size.height).clamp(480, 3840) / 2
}

/// Background work on this thread yields to the UI (Linux: `setpriority` with
/// `who = 0` applies to the calling thread only).
fn lower_priority() {
    // SAFETY: setpriority only changes this thread's nice value.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
}
