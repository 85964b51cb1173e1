//! Fleet alerts by e-mail (issue 19): when a kiosk goes offline or degraded, and when
//! it recovers, the addresses in `[alerts] to` get an e-mail through `[mail]`'s server.
//!
//! - **Batched**: one pass ([`tick`], every minute in `serve`) sends one e-mail with
//!   every kiosk whose state changed since the last e-mail about it.
//! - **At most one e-mail per kiosk per 15 minutes**: a kiosk that was in an e-mail
//!   less than [`MIN_GAP_S`] ago waits; if it flapped back meanwhile, nothing is sent.
//! - A degraded kiosk with a new set of reasons is a change too (a new problem on a
//!   kiosk that was already degraded for another reason is news).
//! - **No personal data**: kiosk ids, states, reason codes in the hub's words, times,
//!   a link. Never the kiosk's own words (they may quote a feed's error message).
//! - A kiosk never heard from is not an alert; the first heartbeat sets what "before"
//!   was (`ok` silently; `degraded` is an alert). Sent is what is remembered
//!   (`fleet_alerts`): an SMTP failure is tried again at the next pass.

use crate::fleet::{self, State};
use crate::i18n::Lang;
use crate::Hub;
use rusqlite::{params, Connection, OptionalExtension};

pub const MIN_GAP_S: i64 = 15 * 60;

/// A kiosk whose state differs from what the last e-mail said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kiosk: String,
    pub from: Option<State>,
    pub to: State,
    pub reasons: Vec<String>,
    pub last_seen: Option<i64>,
}

/// The changes to send now. Kiosks seen for the first time in `ok` are remembered as
/// `ok` without an e-mail.
pub fn due(conn: &Connection, now: i64, default_interval: i64) -> anyhow::Result<Vec<Change>> {
    let mut out = Vec::new();
    for k in fleet::list(conn, now, default_interval)? {
        let known: Option<(String, Option<i64>, String)> = conn
            .query_row(
                "SELECT notified_state, last_sent_at, notified_reasons
                 FROM fleet_alerts WHERE kiosk_id = ?1",
                [&k.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let from = known.as_ref().and_then(|(s, _, _)| State::parse(s));
        let reasons = codes_key(k.reasons().iter().map(|r| r.code.as_str()));
        match (from, k.state) {
            (None, _) if k.last_seen.is_none() => continue,
            (None, State::Ok) => {
                conn.execute(
                    "INSERT INTO fleet_alerts (kiosk_id, notified_state) VALUES (?1, 'ok')",
                    [&k.id],
                )?;
                continue;
            }
            // The same state; for `degraded`, also the same reasons (a kiosk degraded
            // by an expired request that now also runs out of disk is news).
            (Some(before), now_state)
                if before == now_state
                    && (now_state != State::Degraded
                        || known.as_ref().is_some_and(|(_, _, r)| *r == reasons)) =>
            {
                continue
            }
            _ => {}
        }
        if let Some((_, Some(sent), _)) = known {
            if now - sent < MIN_GAP_S {
                continue;
            }
        }
        out.push(Change {
            reasons: k.reasons().iter().map(|r| r.code.clone()).collect(),
            kiosk: k.id,
            from,
            to: k.state,
            last_seen: k.last_seen,
        });
    }
    Ok(out)
}

/// Reason codes, sorted and joined: what an alert remembers it said.
fn codes_key<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    let mut codes: Vec<&str> = codes.collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(",")
}

pub fn mark_sent(conn: &Connection, changes: &[Change], now: i64) -> anyhow::Result<()> {
    for c in changes {
        conn.execute(
            "INSERT INTO fleet_alerts (kiosk_id, notified_state, last_sent_at, notified_reasons)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kiosk_id) DO UPDATE SET notified_state = excluded.notified_state,
                last_sent_at = excluded.last_sent_at,
                notified_reasons = excluded.notified_reasons",
            params![
                c.kiosk,
                c.to.key(),
                now,
                codes_key(c.reasons.iter().map(String::as_str))
            ],
        )?;
    }
    Ok(())
}

fn line(c: &Change, lang: Lang, now: i64) -> String {
    let t = |k: &str| crate::i18n::t(lang, k);
    let what = match (c.to, c.from) {
        (State::Ok, _) => t("alert_recovered").to_string(),
        (State::Offline, _) => {
            let seen = c
                .last_seen
                .map(|s| crate::words::received(s, now, lang))
                .unwrap_or_default();
            format!(
                "{} ({} {seen})",
                t("alert_offline"),
                t("fleet_last_seen_lower")
            )
        }
        (State::Degraded, _) => {
            let reasons: Vec<String> = c
                .reasons
                .iter()
                .map(|code| crate::i18n::reason(lang, code).unwrap_or(code).to_string())
                .collect();
            if reasons.is_empty() {
                t("alert_degraded").to_string()
            } else {
                format!("{}: {}", t("alert_degraded"), reasons.join("; "))
            }
        }
    };
    format!("- {}: {what}", c.kiosk)
}

/// Subject and body: Dutch, then English; one line per kiosk and a link to each.
pub fn message(changes: &[Change], public_url: &str, now: i64) -> (String, String) {
    let count = |s: State| changes.iter().filter(|c| c.to == s).count();
    let (offline, degraded, ok) = (
        count(State::Offline),
        count(State::Degraded),
        count(State::Ok),
    );
    let subject = if changes.len() == 1 {
        let c = &changes[0];
        let what = match c.to {
            State::Offline => "is offline",
            State::Degraded => "heeft problemen",
            State::Ok => "is weer in orde",
        };
        format!("samen-hub: kiosk {} {what}", c.kiosk)
    } else {
        let mut parts = Vec::new();
        if offline > 0 {
            parts.push(format!("{offline} offline"));
        }
        if degraded > 0 {
            parts.push(format!("{degraded} met problemen"));
        }
        if ok > 0 {
            parts.push(format!("{ok} weer in orde"));
        }
        format!("samen-hub: {} kiosks: {}", changes.len(), parts.join(", "))
    };
    let mut body = String::from("Kiosks waarvan de toestand veranderde:\n\n");
    for c in changes {
        body.push_str(&line(c, Lang::Nl, now));
        body.push('\n');
    }
    body.push_str(&format!("\nBekijk de kiosks: {public_url}/fleet\n\n"));
    body.push_str("Kiosks whose state changed:\n\n");
    for c in changes {
        body.push_str(&line(c, Lang::En, now));
        body.push('\n');
    }
    body.push_str(&format!("\nSee the kiosks: {public_url}/fleet\n\n"));
    body.push_str(
        "Dit bericht komt van samen-hub; hooguit één per kiosk per kwartier. \
         This message comes from samen-hub; at most one per kiosk per 15 minutes.\n",
    );
    (subject, body)
}

/// One pass: offline rows into the history, then the alert e-mail if one is due.
/// Returns how many kiosks the e-mail named (0: none sent).
pub async fn tick(hub: &Hub) -> anyhow::Result<usize> {
    let now = hub.clock.now().timestamp();
    let interval = hub.config.heartbeat_interval_s as i64;
    let (Some(mail), Some(to)) = (hub.config.mail.clone(), hub.config.alerts_to.clone()) else {
        hub.db
            .call(move |c| fleet::record_offline(c, now, interval))
            .await?;
        return Ok(0);
    };
    let changes = hub
        .db
        .call(move |c| {
            fleet::record_offline(c, now, interval)?;
            due(c, now, interval)
        })
        .await?;
    if changes.is_empty() {
        return Ok(0);
    }
    let (subject, body) = message(&changes, &hub.config.public_url, now);
    let mut mail = mail;
    mail.to = to;
    match crate::mail::send(&mail, subject, body).await {
        Ok(()) => {
            tracing::info!(kiosks = changes.len(), "fleet alert e-mail sent");
            let n = changes.len();
            hub.db.call(move |c| mark_sent(c, &changes, now)).await?;
            Ok(n)
        }
        Err(e) => {
            tracing::warn!("fleet alert e-mail not sent (tried again in a minute): {e:#}");
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_in_both_languages_without_kiosk_words() {
        let changes = vec![
            Change {
                kiosk: "bieb".into(),
                from: Some(State::Ok),
                to: State::Offline,
                reasons: vec![],
                last_seen: Some(1_764_579_600),
            },
            Change {
                kiosk: "wijk".into(),
                from: Some(State::Ok),
                to: State::Degraded,
                reasons: vec!["feed_stale".into(), "something_new".into()],
                last_seen: Some(1_764_579_600),
            },
        ];
        let (subject, body) = message(&changes, "https://hub.example.org", 1_764_580_000);
        assert_eq!(subject, "samen-hub: 2 kiosks: 1 offline, 1 met problemen");
        assert!(body.contains("- bieb: offline"), "{body}");
        assert!(body.contains("something_new"), "{body}");
        assert!(body.contains("https://hub.example.org/fleet"), "{body}");
        assert!(body.contains("Kiosks whose state changed"), "{body}");
    }
}
