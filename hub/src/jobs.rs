//! The server's background work, once an hour: retention (once a calendar day) and
//! the overdue e-mail (once a working day from 08:00, when configured and something is late;
//! an e-mail that could not be sent is tried again at the next pass).
//! [`tick`] is one pass (what tests call); [`run`] only loops and listens for
//! shutdown.

use crate::Hub;
use std::time::Duration;

pub async fn tick(hub: &Hub) -> anyhow::Result<()> {
    let now = hub.clock.now().timestamp();
    let policy = hub.config.retention;
    hub.db
        .call(move |c| crate::retention::run_if_due(c, policy, now))
        .await?;
    let calendar = crate::workdays::Calendar {
        good_friday_is_holiday: hub.config.good_friday_is_holiday,
    };
    if let Some(mail) = hub
        .config
        .mail
        .clone()
        .filter(|_| mail_hours(&calendar, now))
    {
        let within = hub.config.call_within_days;
        let counts = hub
            .db
            .call(move |c| {
                let counts = crate::mail::counts(c, now, &calendar, within)?;
                // Marked as done for today only once it has been sent (below): an
                // SMTP server that is down is tried again at the next hourly pass.
                if counts.overdue > 0 && !crate::retention::done_today(c, "overdue-mail", now)? {
                    Ok(Some(counts))
                } else {
                    Ok(None)
                }
            })
            .await?;
        if let Some(counts) = counts {
            let (subject, body) = crate::mail::message(counts, &hub.config.public_url);
            match crate::mail::send(&mail, subject, body).await {
                Ok(()) => {
                    tracing::info!(overdue = counts.overdue, "overdue e-mail sent");
                    hub.db
                        .call(move |c| crate::retention::mark_done_today(c, "overdue-mail", now))
                        .await?;
                }
                Err(e) => tracing::warn!("overdue e-mail not sent (tried again in an hour): {e:#}"),
            }
        }
    }
    Ok(())
}

/// The overdue e-mail goes out on working days from 08:00 (Amsterdam), when the
/// coordinators start: not at the first pass after midnight, not at weekends.
fn mail_hours(calendar: &crate::workdays::Calendar, now: i64) -> bool {
    use chrono::Timelike;
    let local = crate::words::local(now);
    calendar.is_working_day(local.date_naive()) && local.hour() >= 8
}

pub async fn run(hub: Hub, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = tick(&hub).await {
            tracing::error!("background job: {e:#}");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    return;
                }
            }
        }
    }
}

/// The fleet's minute loop (issue 19): offline kiosks into the history and the alert
/// e-mail (`alerts::tick`), every minute until shutdown.
pub async fn run_fleet(hub: Hub, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = crate::alerts::tick(&hub).await {
            tracing::error!("fleet job: {e:#}");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    return;
                }
            }
        }
    }
}
