//! The services thread: one small current-thread tokio runtime with the fleet poller,
//! the feed service, callback delivery and the heartbeat. A new configuration goes to
//! the workers through a `watch` channel (feeds and delivery finish their step and
//! start again with it) and to the UI through the bridge; so do new catalogs.

use super::bridge::UiBridge;
use crate::callback::delivery::Deliverer;
use crate::config::Config;
use crate::feed::Catalog;
use crate::feed_service::FeedService;
use crate::remote::{FleetPoller, PollOutcome};
use crate::status::{self, Shared};
use crate::time::Clock;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

type Stop = (
    tokio::sync::watch::Sender<bool>,
    tokio::sync::watch::Receiver<bool>,
);

/// Starts the services thread. `stop` ends it (the window closed); headless it ends
/// itself on SIGTERM or SIGINT.
pub(super) fn spawn(
    services: Services,
    config: Arc<Config>,
    poller: Option<FleetPoller>,
    (stop, stopped): Stop,
) -> anyhow::Result<std::thread::JoinHandle<()>> {
    let (config_tx, config_rx) = tokio::sync::watch::channel(config);
    let headless = services.ui == UiBridge::Headless;
    // Background services on one small tokio runtime on a thread of their own; results
    // come back to the UI thread through the event loop.
    let services_stop = stop;
    let thread = std::thread::Builder::new()
        .name("services".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(err) => {
                    tracing::error!("background services cannot start: {err}");
                    return;
                }
            };
            runtime.block_on(async move {
                if headless {
                    let stop = services_stop.clone();
                    tokio::spawn(async move {
                        wait_for_termination().await;
                        tracing::info!("stopping");
                        let _ = stop.send(true);
                    });
                    // Without a UI the services' own loop is what must stay alive.
                    if let Some(every) = crate::systemd::watchdog_interval() {
                        tokio::spawn(async move {
                            let mut tick = tokio::time::interval(every);
                            loop {
                                tick.tick().await;
                                crate::systemd::notify("WATCHDOG=1");
                            }
                        });
                    }
                }
                let fleet = services.poll_fleet(poller, config_tx, stopped.clone());
                let work = services.run_workers(config_rx.clone(), stopped.clone());
                let heartbeat = services.heartbeat(config_rx.clone(), stopped.clone());
                let expiry = services.expire_old_requests(config_rx.clone(), stopped.clone());
                tokio::join!(fleet, work, heartbeat, expiry);
            });
        })?;
    Ok(thread)
}

pub(super) struct Services {
    pub state: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    /// Woken when a callback request was saved.
    pub wake: Arc<tokio::sync::Notify>,
    /// Woken by the admin screen's "refresh now" (`notify_waiters`).
    pub refresh: Arc<tokio::sync::Notify>,
    pub runtime: Shared,
    /// Where results for the screen go.
    pub ui: UiBridge,
    /// Where the feeds' pictures are (the heartbeat's screenshot draws them too).
    pub image_dir: Option<PathBuf>,
    /// True once the window exists: a screenshot can be asked for (the first
    /// heartbeat goes while the window is being made).
    pub ui_ready: tokio::sync::watch::Receiver<bool>,
}

impl Services {
    /// Polls the fleet document; a good one goes to the services (`config_tx`) and to
    /// the UI, a refusal into the status.
    async fn poll_fleet(
        &self,
        poller: Option<FleetPoller>,
        config_tx: tokio::sync::watch::Sender<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let Some(poller) = poller else {
            let _ = stopped.wait_for(|stop| *stop).await;
            return;
        };
        let runtime = self.runtime.clone();
        let ui = self.ui;
        let report = move |outcome: PollOutcome| match outcome {
            PollOutcome::Applied(config) => {
                let config: Arc<Config> = Arc::new(*config);
                tracing::info!(
                    version = config.config_version,
                    feeds = config.feeds.len(),
                    "fleet document applied"
                );
                runtime.update(|r| {
                    r.config_version = config.config_version;
                    r.config_error = None;
                });
                config_tx.send_replace(Arc::clone(&config));
                ui.config(config);
            }
            PollOutcome::Refused(refusal) => {
                tracing::warn!("{refusal}; keeping the current configuration");
                runtime.update(|r| r.config_error = Some(refusal.to_string()));
            }
            PollOutcome::Failed(_) | PollOutcome::Unchanged => {}
        };
        // A poll in flight is abandoned on shutdown (the next start polls again).
        let mut stopping = stopped.clone();
        tokio::select! {
            _ = poller.run(report, self.refresh.clone(), stopped) => {}
            _ = stopping.wait_for(|stop| *stop) => {}
        }
    }

    /// Feeds and callback delivery for the current configuration; when it changes (or
    /// on "refresh now") they stop, finish what they were doing, and start again.
    async fn run_workers(
        &self,
        mut config_rx: tokio::sync::watch::Receiver<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let state = self.state.as_deref();
        let mut first = true;
        loop {
            let config = Arc::clone(&config_rx.borrow_and_update());
            let service = FeedService::new(&config.feeds, state, self.clock.clone());
            let runtime = self.runtime.clone();
            let ui = self.ui;
            let clock = self.clock.clone();
            let on_update = move |catalog: Catalog, status: crate::feed_service::FeedStatus| {
                runtime.update(|r| {
                    r.feeds = status::feed_reports(&status);
                    r.pictures_paused = status.pictures_paused.clone();
                });
                // The coming days are expanded here, off the UI thread, once per new
                // catalog (and day: the feeds refresh at least daily).
                if ui == UiBridge::Window {
                    ui.feeds(catalog.prepared(clock.today()), status);
                }
            };
            if !first {
                // Other sources (or none: the example) are on screen at once.
                on_update(service.catalog(), service.status());
            }
            first = false;
            let deliverer = deliverer_for(&config, state, &self.clock);
            let (round_stop, round_stopped) = tokio::sync::watch::channel(false);
            let outbox_path = self
                .state
                .as_deref()
                .map(|d| d.join(crate::callback::outbox::FILE_NAME));
            let feeds = service.run(on_update, round_stopped.clone());
            let delivery = async {
                match (deliverer, outbox_path) {
                    (Some(d), Some(path)) => {
                        d.run(path, self.wake.clone(), round_stopped.clone()).await
                    }
                    _ => {
                        let mut s = round_stopped.clone();
                        let _ = s.wait_for(|stop| *stop).await;
                    }
                }
            };
            let work = async { tokio::join!(feeds, delivery) };
            tokio::pin!(work);
            let stop_all = tokio::select! {
                _ = &mut work => return,
                changed = config_rx.changed() => changed.is_err(),
                _ = self.refresh.notified() => false,
                _ = stopped.wait_for(|stop| *stop) => true,
            };
            let _ = round_stop.send(true);
            work.await;
            if stop_all {
                return;
            }
        }
    }

    /// Erases requests not delivered within `callback.max_age_days`, at start and
    /// every hour (also without a delivery channel: nothing personal waits for
    /// months on a kiosk).
    async fn expire_old_requests(
        &self,
        config_rx: tokio::sync::watch::Receiver<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let Some(state) = self.state.clone() else {
            return;
        };
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            let days = config_rx.borrow().callback.max_age_days;
            let max_age = chrono::Duration::days(i64::from(days));
            let result = crate::callback::outbox::Outbox::open_in(&state)
                .and_then(|outbox| outbox.expire(self.clock.now(), max_age));
            if let Err(err) = result {
                tracing::warn!("outbox expiry: {err:#}");
            }
        }
    }

    /// POSTs the status to `[heartbeat] url` every `interval`.
    async fn heartbeat(
        &self,
        mut config_rx: tokio::sync::watch::Receiver<Arc<Config>>,
        mut stopped: tokio::sync::watch::Receiver<bool>,
    ) {
        let client = match crate::fetch::heartbeat_client() {
            Ok(c) => c,
            Err(err) => {
                tracing::warn!("no heartbeat: {err}");
                return;
            }
        };
        let mut failing = false;
        let mut shots = crate::ui::snapshot::Shots::new(self.image_dir.clone());
        loop {
            let config = Arc::clone(&config_rx.borrow_and_update());
            let wait = match &config.heartbeat {
                None => None,
                Some(hb) => {
                    let runtime = self.runtime.get();
                    let report = status::report(
                        &config,
                        Some(&runtime),
                        status::Fallback::default(),
                        self.state.as_deref(),
                        self.clock.now(),
                    );
                    let facts = crate::health::Facts::gather(
                        self.state.as_deref(),
                        !runtime.headless,
                        Some(runtime.started_at),
                    );
                    let mut beat =
                        crate::heartbeat::build(&config, report, &facts, self.clock.now());
                    // The days of figures the hub has not acknowledged (issue 20).
                    let sent_figures = self.unacknowledged_figures(hb, &mut beat);
                    if hb.screenshot {
                        // Drawn on the screenshot thread; a visit gives no new one.
                        let mut ready = self.ui_ready.clone();
                        let picture = async {
                            if self.ui == UiBridge::Window {
                                let _ = ready.wait_for(|up| *up).await;
                            }
                            let request = self.ui.snapshot_request().await;
                            shots.next(request).await
                        };
                        beat.screenshot = tokio::select! {
                            picture = tokio::time::timeout(Duration::from_secs(30), picture) => {
                                picture.ok().flatten()
                            }
                            _ = stopped.wait_for(|stop| *stop) => return,
                        };
                    }
                    // Abandoned on shutdown: the next start sends one at once.
                    let sent = tokio::select! {
                        sent = crate::heartbeat::send(&client, hb, &beat) => sent,
                        _ = stopped.wait_for(|stop| *stop) => return,
                    };
                    if let Ok(answer) = &sent {
                        self.acknowledge_figures(&sent_figures, &answer.figures_ack);
                    }
                    match sent {
                        Ok(_) if failing => {
                            tracing::info!("heartbeat delivered again");
                            failing = false;
                        }
                        Ok(_) => {}
                        Err(err) if !failing => {
                            tracing::warn!("heartbeat not delivered: {err}");
                            failing = true;
                        }
                        Err(_) => {}
                    }
                    Some(hb.interval)
                }
            };
            tokio::select! {
                _ = async {
                    match wait {
                        Some(w) => tokio::time::sleep(w).await,
                        None => std::future::pending().await,
                    }
                } => {}
                changed = config_rx.changed() => if changed.is_err() { return },
                _ = stopped.wait_for(|stop| *stop) => return,
            }
        }
    }
}

impl Services {
    /// Puts the days of figures the hub has not acknowledged into `beat` (JSON style
    /// only) and returns them with the revisions sent.
    fn unacknowledged_figures(
        &self,
        hb: &crate::config::HeartbeatConfig,
        beat: &mut samen_wire::health::Heartbeat,
    ) -> Vec<(chrono::NaiveDate, i64)> {
        beat.status.figures = None;
        if hb.style != crate::config::HeartbeatStyle::Json {
            return Vec::new();
        }
        let Some(store) = self
            .state
            .as_deref()
            .and_then(crate::figures::Store::open_existing)
        else {
            return Vec::new();
        };
        match store.unacknowledged(crate::figures::MAX_DAYS_PER_HEARTBEAT) {
            Ok(days) if !days.is_empty() => {
                let sent = days.iter().map(|(d, rev)| (d.day, *rev)).collect();
                beat.status.figures = Some(days.into_iter().map(|(d, _)| d).collect());
                sent
            }
            Ok(_) => Vec::new(),
            Err(err) => {
                tracing::warn!("figures cannot be read: {err:#}");
                Vec::new()
            }
        }
    }

    /// The hub stored `acked` of the days sent.
    fn acknowledge_figures(&self, sent: &[(chrono::NaiveDate, i64)], acked: &[chrono::NaiveDate]) {
        if sent.is_empty() || acked.is_empty() {
            return;
        }
        let result = self
            .state
            .as_deref()
            .and_then(crate::figures::Store::open_existing)
            .map(|store| store.acknowledge(sent, acked));
        if let Some(Err(err)) = result {
            tracing::warn!("figures acknowledgement not kept: {err:#}");
        }
    }
}

fn deliverer_for(
    config: &Config,
    state: Option<&Path>,
    clock: &Arc<dyn Clock>,
) -> Option<Deliverer> {
    match (&config.callback.channel, state) {
        (Some(channel), Some(_)) => {
            match Deliverer::new(channel.clone(), config.callback.retry_first, clock.clone()) {
                Ok(d) => Some(d.with_max_retry(config.callback.retry_max)),
                Err(err) => {
                    tracing::error!("callback delivery cannot start: {err:#}");
                    None
                }
            }
        }
        (None, _) => {
            tracing::warn!(
                "no callback.webhook or callback.email configured: requests wait in the outbox"
            );
            None
        }
        (Some(_), None) => None,
    }
}

/// SIGTERM (systemd) or SIGINT (Ctrl-C).
async fn wait_for_termination() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
