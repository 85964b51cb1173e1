//! Keeps the catalog of activities current: every configured source (an http(s) URL
//! or a local file) is refreshed on its own interval, and the merged catalog is
//! handed to whoever listens (the UI) when it changes.
//!
//! - Start-up uses the last good body of each source from the [`FeedCache`], before
//!   any network, so a kiosk that boots offline shows real data.
//! - A fetch that fails, or a body that does not parse, never replaces good data; it
//!   is logged in one line (without the URL's query, which may hold a token) and
//!   retried with exponential backoff and jitter.
//! - `refresh_one` is one step (what tests call); `run` only schedules the steps and
//!   listens for shutdown (a fetch in flight is dropped at once).
//! - Pictures are downloaded beside the feeds, never in their way: a worker of their
//!   own (`run` starts it), a few at a time, each with a shorter timeout than a feed,
//!   into a folder that never goes over its limit and never into the disk's reserve
//!   for callback requests (`image_cache::store_within`). `fetch_images` is one round.
//!
//! No Slint here: the listener is a plain closure.

use crate::config::FeedConfig;
use crate::feed::{self, Activity, Catalog, ImageRef};
use crate::feed_cache::FeedCache;
use crate::fetch::{loggable, Fetched, Fetcher, Limits, Validators};
use crate::time::Clock;
use chrono::{DateTime, NaiveDate, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How one refresh went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// New data is in the catalog.
    Updated,
    /// The server said 304, or the file is unchanged.
    NotModified,
    /// The source could not be reached or answered with an error.
    Failed(String),
    /// The source answered, but not with a usable feed.
    Invalid(String),
}

#[derive(Debug, Clone)]
pub struct SourceStatus {
    pub name: String,
    pub activities: usize,
    /// When the source last gave (or confirmed) good data.
    pub last_good: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub refresh: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct FeedStatus {
    pub sources: Vec<SourceStatus>,
    /// Why picture downloads are paused (a low disk, a full picture folder), if they are.
    pub pictures_paused: Option<String>,
}

/// How pictures are downloaded.
#[derive(Debug, Clone)]
pub struct PictureLimits {
    /// Downloads at the same time.
    pub parallel: usize,
    /// Each download's own bounds: shorter than a feed's.
    pub fetch: Limits,
    /// The picture folder's limit.
    pub max_cache_bytes: u64,
    /// Free space pictures never take (`image_cache::disk_reserve`).
    pub disk_reserve: u64,
}

impl Default for PictureLimits {
    fn default() -> Self {
        PictureLimits {
            parallel: 3,
            fetch: Limits {
                connect_timeout: Duration::from_secs(5),
                total_timeout: Duration::from_secs(15),
                ..Limits::default()
            },
            max_cache_bytes: crate::image_cache::MAX_TOTAL_BYTES,
            disk_reserve: crate::image_cache::disk_reserve(),
        }
    }
}

/// The picture downloads: shared with the worker task `run` starts.
struct Pictures {
    fetcher: Arc<Fetcher>,
    dir: PathBuf,
    limits: PictureLimits,
    /// Why downloads are paused; read by `FeedService::status`.
    paused: std::sync::Mutex<Option<String>>,
}

impl FeedStatus {
    /// The oldest "last good" over all sources whose data is older than two refresh
    /// intervals at `now`: the screen then says "bijgewerkt om ...".
    pub fn stale_since(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.sources
            .iter()
            .filter_map(|s| {
                let last = s.last_good?;
                let limit = chrono::Duration::from_std(s.refresh * 2).ok()?;
                (now - last > limit).then_some(last)
            })
            .min()
    }
}

struct Source {
    config: FeedConfig,
    activities: Vec<Activity>,
    /// The source says it is an example ("example": true in a JSON feed).
    example: bool,
    validators: Validators,
    body: Option<Vec<u8>>,
    /// The messages of the last good copy (issue 17), read from it once, when it was
    /// taken: they always go with its activities.
    messages: Vec<crate::messages::Message>,
    last_good: Option<DateTime<Utc>>,
    last_error: Option<String>,
    failures: u32,
}

pub struct FeedService {
    sources: Vec<Source>,
    cache: Option<FeedCache>,
    fetcher: Option<Fetcher>,
    clock: Arc<dyn Clock>,
    image_dir: Option<PathBuf>,
    pictures: Option<Arc<Pictures>>,
}

impl FeedService {
    /// Sets up every source from the cache (HTTP) or the file (local), no network.
    pub fn new(
        feeds: &[FeedConfig],
        state_dir: Option<&Path>,
        clock: Arc<dyn Clock>,
    ) -> FeedService {
        Self::with_limits(feeds, state_dir, clock, Limits::default())
    }

    pub fn with_limits(
        feeds: &[FeedConfig],
        state_dir: Option<&Path>,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> FeedService {
        let cache = state_dir.and_then(|dir| match FeedCache::open(&dir.join("feeds.sqlite")) {
            Ok(cache) => Some(cache),
            Err(err) => {
                tracing::warn!("feed cache unavailable, feeds are kept in memory only: {err:#}");
                None
            }
        });
        let fetcher = match Fetcher::new(limits) {
            Ok(f) => Some(f),
            Err(err) => {
                tracing::error!("HTTP client unavailable: {err:#}");
                None
            }
        };
        let mut service = FeedService {
            sources: feeds
                .iter()
                .map(|config| Source {
                    config: config.clone(),
                    activities: Vec::new(),
                    example: false,
                    validators: Validators::default(),
                    body: None,
                    messages: Vec::new(),
                    last_good: None,
                    last_error: None,
                    failures: 0,
                })
                .collect(),
            cache,
            fetcher,
            clock,
            image_dir: state_dir.map(|d| d.join("images")),
            pictures: None,
        };
        service.set_picture_limits(PictureLimits::default());
        let today = service.clock.today();
        for i in 0..service.sources.len() {
            if service.sources[i].config.is_http() {
                service.load_cached(i, today);
            } else {
                service.read_file(i, today);
            }
        }
        service
    }

    pub fn image_dir(&self) -> Option<&Path> {
        self.image_dir.as_deref()
    }

    /// Other bounds for the picture downloads (tests: a small folder, a reserve).
    pub fn with_picture_limits(mut self, limits: PictureLimits) -> FeedService {
        self.set_picture_limits(limits);
        self
    }

    fn set_picture_limits(&mut self, limits: PictureLimits) {
        let Some(dir) = &self.image_dir else { return };
        self.pictures = match Fetcher::new(limits.fetch.clone()) {
            Ok(fetcher) => Some(Arc::new(Pictures {
                fetcher: Arc::new(fetcher),
                dir: dir.clone(),
                limits,
                paused: std::sync::Mutex::new(None),
            })),
            Err(err) => {
                tracing::error!("HTTP client for pictures unavailable: {err:#}");
                None
            }
        };
    }

    /// The pictures of HTTP sources, each once.
    fn picture_urls(&self) -> Vec<String> {
        let mut urls: Vec<String> = self
            .sources
            .iter()
            .flat_map(|s| s.activities.iter())
            .filter_map(|a| match &a.image {
                Some(ImageRef::Url(u)) => Some(u.clone()),
                _ => None,
            })
            .chain(self.messages().into_iter().filter_map(|m| match m.image {
                Some(ImageRef::Url(u)) => Some(u),
                _ => None,
            }))
            .collect();
        urls.sort();
        urls.dedup();
        urls
    }

    fn load_cached(&mut self, i: usize, today: NaiveDate) {
        let Some(cache) = &self.cache else { return };
        let source = &self.sources[i];
        match cache.load(&source.config.url) {
            Ok(Some(cached)) => match parse(&cached.body, &source.config, today) {
                Ok((activities, example)) => {
                    let s = &mut self.sources[i];
                    s.activities = activities;
                    s.example = example;
                    s.validators = cached.validators;
                    s.last_good = Some(cached.checked_at);
                    s.messages = source_messages(&cached.body, &s.config);
                    s.body = Some(cached.body);
                }
                Err(err) => {
                    tracing::warn!(feed = %source.config.name, "cached copy unusable: {err}")
                }
            },
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(feed = %source.config.name, "cannot read the feed cache: {err:#}")
            }
        }
    }

    fn read_file(&mut self, i: usize, today: NaiveDate) -> RefreshOutcome {
        let config = self.sources[i].config.clone();
        let path = config
            .url
            .strip_prefix("file://")
            .unwrap_or(&config.url)
            .to_string();
        let outcome = match feed::load_file(Path::new(&path), today) {
            Ok(parsed) => {
                for skipped in &parsed.skipped {
                    tracing::warn!(feed = %config.name, "skipped {skipped}");
                }
                let activities = post_process(parsed.activities, &config);
                // Its messages from the same check of the file (read once more here,
                // at the refresh, never at every update of the screen).
                let messages = crate::files::read_regular(Path::new(&path), feed::MAX_FEED_BYTES)
                    .map(|bytes| source_messages(&bytes, &config))
                    .unwrap_or_default();
                let s = &mut self.sources[i];
                s.activities = activities;
                s.messages = messages;
                s.example = parsed.example;
                s.last_good = Some(self.clock.now());
                s.last_error = None;
                RefreshOutcome::Updated
            }
            Err(err) => RefreshOutcome::Invalid(format!("{err:#}")),
        };
        if let RefreshOutcome::Invalid(reason) = &outcome {
            tracing::warn!(feed = %config.name, "feed not loaded, keeping what we had: {reason}");
            self.sources[i].last_error = Some(reason.clone());
        }
        outcome
    }

    /// The merged catalog. The one place that decides: no source configured means
    /// the bundled example (moved to this week; `Catalog::example` says so, and the UI
    /// moves it on when the week changes).
    pub fn catalog(&self) -> Catalog {
        if self.sources.is_empty() {
            return feed::bundled::catalog(self.clock.today());
        }
        let activities = self
            .sources
            .iter()
            .flat_map(|s| s.activities.iter().cloned())
            .collect();
        let mut catalog = Catalog::new(activities, false);
        catalog.messages = self.messages();
        catalog
    }

    /// The messages of the JSON feeds (issue 17), each source's from its last good
    /// copy: urgent only where the source has `urgent_allowed`; which kiosks they are
    /// for is decided by the kiosk.
    pub fn messages(&self) -> Vec<crate::messages::Message> {
        self.sources
            .iter()
            .flat_map(|s| s.messages.iter().cloned())
            .collect()
    }

    pub fn status(&self) -> FeedStatus {
        FeedStatus {
            sources: self
                .sources
                .iter()
                .map(|s| SourceStatus {
                    name: s.config.name.clone(),
                    activities: s.activities.len(),
                    last_good: s.last_good,
                    last_error: s.last_error.clone(),
                    refresh: s.config.refresh,
                })
                .collect(),
            pictures_paused: self.pictures.as_ref().and_then(|p| p.paused()),
        }
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// One refresh of source `i`: fetch (conditionally), parse, keep if good.
    pub async fn refresh_one(&mut self, i: usize) -> RefreshOutcome {
        let today = self.clock.today();
        if !self.sources[i].config.is_http() {
            let outcome = self.read_file(i, today);
            self.note(i, &outcome);
            return outcome;
        }
        let Some(fetcher) = &self.fetcher else {
            return RefreshOutcome::Failed("no HTTP client".into());
        };
        let config = self.sources[i].config.clone();
        let known = self.sources[i].validators.clone();
        let outcome = match fetcher.get(&config.url, &known).await {
            Ok(Fetched::NotModified) => {
                let now = self.clock.now();
                self.sources[i].last_good = Some(now);
                if let Some(cache) = &self.cache {
                    if let Err(err) = cache.confirm(&config.url, now) {
                        tracing::warn!("feed cache: {err:#}");
                    }
                }
                RefreshOutcome::NotModified
            }
            Ok(Fetched::New { body, validators }) => {
                if self.sources[i].body.as_deref() == Some(&body[..]) {
                    // The same feed again (a server without ETag/Last-Modified): it is
                    // confirmed, on disk too, so a restart does not think it stale.
                    let now = self.clock.now();
                    if let Some(cache) = &self.cache {
                        if let Err(err) = cache.store(&config.url, &body, &validators, now) {
                            tracing::warn!("feed cache: {err:#}");
                        }
                    }
                    self.sources[i].last_good = Some(now);
                    self.sources[i].validators = validators;
                    RefreshOutcome::NotModified
                } else {
                    match parse(&body, &config, today) {
                        Ok((activities, example)) => {
                            let now = self.clock.now();
                            if let Some(cache) = &self.cache {
                                if let Err(err) = cache.store(&config.url, &body, &validators, now)
                                {
                                    tracing::warn!("feed cache: {err:#}");
                                }
                            }
                            let s = &mut self.sources[i];
                            s.activities = activities;
                            s.example = example;
                            s.validators = validators;
                            s.messages = source_messages(&body, &s.config);
                            s.body = Some(body);
                            s.last_good = Some(now);
                            RefreshOutcome::Updated
                        }
                        Err(reason) => RefreshOutcome::Invalid(reason),
                    }
                }
            }
            Err(err) => RefreshOutcome::Failed(err.to_string()),
        };
        self.note(i, &outcome);
        outcome
    }

    fn note(&mut self, i: usize, outcome: &RefreshOutcome) {
        let s = &mut self.sources[i];
        match outcome {
            RefreshOutcome::Updated | RefreshOutcome::NotModified => {
                s.failures = 0;
                s.last_error = None;
            }
            RefreshOutcome::Failed(reason) | RefreshOutcome::Invalid(reason) => {
                s.failures = s.failures.saturating_add(1);
                s.last_error = Some(reason.clone());
                tracing::warn!(
                    feed = %s.config.name,
                    url = %loggable(&s.config.url),
                    attempt = s.failures,
                    "refresh failed, keeping the last good data: {reason}"
                );
            }
        }
    }

    /// When source `i` should be tried next, counted from now.
    pub fn next_delay(&self, i: usize) -> Duration {
        let s = &self.sources[i];
        if s.failures == 0 {
            return s.config.refresh;
        }
        // 5 s, 10 s, 20 s ... up to the refresh interval, with up to 25 % jitter so a
        // fleet that lost the network together does not come back together.
        let base = Duration::from_secs(5).saturating_mul(1 << s.failures.min(16).saturating_sub(1));
        let capped = base.min(s.config.refresh);
        let jitter = jitter_fraction(i as u64 + u64::from(s.failures)) * 0.25;
        capped.mul_f64(1.0 + jitter)
    }

    /// One round of picture downloads for the current catalog (what `run`'s worker
    /// does after each change): the pictures not on disk yet. Returns whether any new
    /// picture arrived.
    pub async fn fetch_images(&self) -> bool {
        match &self.pictures {
            Some(p) => p.round(self.picture_urls()).await,
            None => false,
        }
    }

    /// Refreshes every source on its schedule until `shutdown` turns true. After each
    /// refresh that changed something, `on_update` gets the new catalog and status.
    pub async fn run<F>(mut self, on_update: F, mut shutdown: tokio::sync::watch::Receiver<bool>)
    where
        F: Fn(Catalog, FeedStatus) + Send + 'static,
    {
        if self.sources.is_empty() {
            let _ = shutdown.wait_for(|stop| *stop).await;
            return;
        }
        let start = tokio::time::Instant::now();
        // Everything is due at start-up: the cache may be old.
        let mut due: Vec<tokio::time::Instant> = vec![start; self.sources.len()];
        // The pictures' worker: a task of its own, aborted when this returns (with
        // every download in flight).
        let (wanted, wanted_rx) = tokio::sync::watch::channel(self.picture_urls());
        let (news_tx, mut news) = tokio::sync::mpsc::channel::<()>(1);
        let mut worker = tokio::task::JoinSet::new();
        if let Some(pictures) = &self.pictures {
            worker.spawn(Arc::clone(pictures).run(wanted_rx, news_tx));
        }
        loop {
            let (i, when) = due
                .iter()
                .copied()
                .enumerate()
                .min_by_key(|(_, t)| *t)
                .unwrap_or((0, start));
            tokio::select! {
                _ = tokio::time::sleep_until(when) => {}
                Some(()) = news.recv() => {
                    // New pictures (or a pause): the screen shows them.
                    on_update(self.catalog(), self.status());
                    continue;
                }
                changed = shutdown.changed() => {
                    // A dropped sender means the kiosk is going away too.
                    if changed.is_err() || *shutdown.borrow() { return; }
                    continue;
                }
            }
            let outcome = tokio::select! {
                outcome = self.refresh_one(i) => outcome,
                _ = shutdown.wait_for(|stop| *stop) => return,
            };
            due[i] = tokio::time::Instant::now() + self.next_delay(i);
            if outcome == RefreshOutcome::Updated {
                wanted.send_replace(self.picture_urls());
            }
            on_update(self.catalog(), self.status());
        }
    }
}

impl Pictures {
    /// How long a paused worker waits before it looks at the disk again.
    const RETRY_PAUSED: Duration = Duration::from_secs(600);

    fn paused(&self) -> Option<String> {
        self.paused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_paused(&self, why: Option<String>) {
        *self.paused.lock().unwrap_or_else(|e| e.into_inner()) = why;
    }

    /// The worker: a round for every new set of pictures (and again now and then while
    /// paused); `news` hears of new pictures and of a pause starting or ending.
    async fn run(
        self: Arc<Self>,
        mut wanted: tokio::sync::watch::Receiver<Vec<String>>,
        news: tokio::sync::mpsc::Sender<()>,
    ) {
        loop {
            let urls = wanted.borrow_and_update().clone();
            let before = self.paused();
            let stored = self.round(urls).await;
            if stored || self.paused() != before {
                let _ = news.try_send(());
            }
            let retry = if self.paused().is_some() {
                Self::RETRY_PAUSED
            } else {
                Duration::MAX
            };
            tokio::select! {
                changed = wanted.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(retry) => {}
            }
        }
    }

    /// Downloads the pictures of `urls` not on disk yet, `parallel` at a time; stops
    /// when one does not fit (the folder's limit, the disk's reserve). Returns whether
    /// any new picture was stored.
    async fn round(&self, urls: Vec<String>) -> bool {
        let dir = &self.dir;
        let free = crate::image_cache::free_near;
        let keep: std::collections::HashSet<PathBuf> = urls
            .iter()
            .map(|u| crate::image_cache::path_for(dir, u))
            .collect();
        let mut missing = urls
            .into_iter()
            .filter(|u| !crate::image_cache::path_for(dir, u).exists())
            .peekable();
        if missing.peek().is_none() {
            self.set_paused(None);
            return false;
        }
        if let Err(err) = crate::image_cache::check_disk(dir, 0, self.limits.disk_reserve, &free) {
            return self.pause(err);
        }
        let budget = crate::image_cache::Budget {
            max_total: self.limits.max_cache_bytes,
            reserve: self.limits.disk_reserve,
        };
        let mut downloads = tokio::task::JoinSet::new();
        let mut stored = false;
        loop {
            while downloads.len() < self.limits.parallel.max(1) {
                let Some(url) = missing.next() else { break };
                let fetcher = Arc::clone(&self.fetcher);
                downloads.spawn(async move {
                    let result = fetcher.get(&url, &Validators::default()).await;
                    (url, result)
                });
            }
            let Some(done) = downloads.join_next().await else {
                break;
            };
            let Ok((url, result)) = done else { continue };
            match result {
                Ok(Fetched::New { body, .. }) => {
                    match crate::image_cache::store_within(dir, &url, &body, budget, &keep, &free) {
                        Ok(()) => stored = true,
                        Err(crate::image_cache::NoRoom::Io(err)) => {
                            tracing::warn!("picture not stored: {err}")
                        }
                        Err(err) => {
                            // Those in flight would not fit either.
                            downloads.abort_all();
                            self.pause(err);
                            return stored;
                        }
                    }
                }
                Ok(Fetched::NotModified) => {}
                Err(err) => tracing::warn!(url = %loggable(&url), "picture not fetched: {err}"),
            }
        }
        if self.paused().is_some() {
            tracing::info!("picture downloads resumed");
        }
        self.set_paused(None);
        stored
    }

    fn pause(&self, why: crate::image_cache::NoRoom) -> bool {
        let why = why.to_string();
        if self.paused().as_deref() != Some(why.as_str()) {
            tracing::warn!("{why}");
        }
        self.set_paused(Some(why));
        false
    }
}

/// A number in [0, 1) that differs between kiosks and attempts.
fn jitter_fraction(salt: u64) -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut x =
        u64::from(nanos) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(std::process::id());
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 10_000) as f64 / 10_000.0
}

/// Body to activities, the format told from the content.
fn parse(
    body: &[u8],
    config: &FeedConfig,
    today: NaiveDate,
) -> Result<(Vec<Activity>, bool), String> {
    let base = reqwest::Url::parse(&config.url).ok();
    let resolve = move |name: &str| -> Option<ImageRef> {
        crate::feed_policy::resolve_picture(base.as_ref(), name).map(|u| ImageRef::Url(u.into()))
    };
    let parsed = feed::parse_any(body, today, &resolve).map_err(|e| e.to_string())?;
    for line in parsed.skipped.iter().chain(&parsed.warnings) {
        tracing::warn!(feed = %config.name, "{line}");
    }
    Ok((post_process(parsed.activities, config), parsed.example))
}

/// The source's own settings: default categories and a location filter.
/// The messages of a feed's body, with a warning for each one not taken as it is
/// (logged once per new copy). Pictures follow the feed's picture rule (its own
/// folder or its `image_hosts`), links `feed_policy::link_allowed`.
fn source_messages(body: &[u8], config: &FeedConfig) -> Vec<crate::messages::Message> {
    let base = reqwest::Url::parse(&config.url).ok();
    let resolve = |name: &str| -> Option<ImageRef> {
        crate::feed_policy::resolve_picture(base.as_ref(), name)
            .filter(|u| crate::feed_policy::picture_allowed(u, config))
            .map(|u| ImageRef::Url(u.into()))
    };
    let (messages, warnings) =
        crate::messages::from_feed(body, config.urgent_allowed, config.http_links, &resolve);
    for line in warnings {
        tracing::warn!(feed = %config.name, "{line}");
    }
    messages
}

fn post_process(activities: Vec<Activity>, config: &FeedConfig) -> Vec<Activity> {
    let activities = crate::feed_policy::apply(activities, config);
    let filter = config.location_contains.as_ref().map(|l| l.to_lowercase());
    activities
        .into_iter()
        .filter(|a| match &filter {
            None => true,
            Some(f) => {
                a.location.name.to_lowercase().contains(f)
                    || a.location.address.to_lowercase().contains(f)
            }
        })
        .map(|mut a| {
            if a.categories.is_empty() {
                a.categories = config.categories.clone();
            }
            a
        })
        .collect()
}
