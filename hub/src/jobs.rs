//! The server's background work, once an hour: retention (once a calendar day) and
//! the overdue e-mail (once a calendar day, when configured and something is late).
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
    if let Some(mail) = hub.config.mail.clone() {
        let calendar = crate::workdays::Calendar {
            good_friday_is_holiday: hub.config.good_friday_is_holiday,
        };
        let within = hub.config.call_within_days;
        let counts = hub
            .db
            .call(move |c| {
                let counts = crate::mail::counts(c, now, &calendar, within)?;
                // Marked as done for today only when there is something to send.
                if counts.overdue > 0 && crate::retention::first_time_today(c, "overdue-mail", now)?
                {
                    Ok(Some(counts))
                } else {
                    Ok(None)
                }
            })
            .await?;
        if let Some(counts) = counts {
            let (subject, body) = crate::mail::message(counts, &hub.config.public_url);
            match crate::mail::send(&mail, subject, body).await {
                Ok(()) => tracing::info!(overdue = counts.overdue, "overdue e-mail sent"),
                Err(e) => tracing::warn!("overdue e-mail not sent: {e:#}"),
            }
        }
    }
    Ok(())
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
