//! Demo data for `samen-hub demo`: five kiosks, one coordinator and one IT user with a
//! known password and TOTP secret, a handful of requests of different ages (made-up
//! names and numbers), and the kiosks' heartbeats (issue 19): one ok, one degraded, one
//! offline, one never seen, with screenshots and a week of history. Never used by
//! `serve`.

use crate::accounts::{self, Role};
use samen_wire::callback::{BestTime, CallbackBody, Consent, Topic};

pub const USER: &str = "demo";
pub const PASSWORD: &str = "demo-wachtwoord";
/// The IT team's demo user (role `it`): same password, same TOTP secret.
pub const IT_USER: &str = "demo-it";
/// The editors' demo user (role `editor`, with the urgent right): same password and
/// TOTP secret.
pub const EDITOR_USER: &str = "demo-redactie";
/// A fixed TOTP secret (20 bytes) so the demo's codes can be printed.
pub const TOTP_SECRET: &[u8] = b"samen-hub-demo-totp!";

pub fn seed(conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    crate::kiosks::add(conn, "bibliotheek-centrum", now)?;
    accounts::add(conn, USER, Role::Coordinator, PASSWORD, now)?;
    accounts::enrol_with_secret(conn, USER, TOTP_SECRET)?;
    accounts::add(conn, IT_USER, Role::It, PASSWORD, now)?;
    accounts::enrol_with_secret(conn, IT_USER, TOTP_SECRET)?;
    accounts::add(conn, EDITOR_USER, Role::Editor, PASSWORD, now)?;
    accounts::enrol_with_secret(conn, EDITOR_USER, TOTP_SECRET)?;
    crate::announcements::set_urgent_right(conn, EDITOR_USER, true)?;
    seed_announcements(conn, now)?;
    type Person = (
        &'static str,
        &'static str,
        &'static str,
        BestTime,
        Option<Topic>,
        i64,
    );
    let people: [Person; 5] = [
        (
            "Anna",
            "+31699000001",
            "06 99000001",
            BestTime::Morning,
            Some(Topic::Chat),
            5,
        ),
        (
            "Mohammed",
            "+31699000002",
            "06 99000002",
            BestTime::Afternoon,
            Some(Topic::Activity {
                title: "Koffieochtend in de bibliotheek".into(),
            }),
            3,
        ),
        (
            "Truus",
            "+31356000003",
            "035 6000003",
            BestTime::Any,
            None,
            1,
        ),
        (
            "Wim",
            "+31699000004",
            "06 99000004",
            BestTime::Evening,
            Some(Topic::Volunteering),
            0,
        ),
        (
            "Zoë",
            "+31699000005",
            "06 99000005",
            BestTime::Morning,
            Some(Topic::Other),
            0,
        ),
    ];
    for (i, (name, phone, national, when, topic, days_ago)) in people.into_iter().enumerate() {
        let received = now - days_ago * 86_400 - (i as i64) * 1800;
        let body = CallbackBody {
            id: format!("demo-{}", i + 1),
            kiosk_id: "bibliotheek-centrum".into(),
            first_name: name.into(),
            phone: phone.into(),
            phone_national: national.into(),
            when,
            topic,
            language: "nl".into(),
            consent: Consent {
                version: "2026-11-28.1".into(),
                at: chrono::DateTime::from_timestamp(received, 0).unwrap_or_default(),
            },
            test: false,
        };
        crate::intake::store_unsigned(conn, &body, received)?;
    }
    fleet(conn, now)?;
    figures(conn, now)
}

/// Ten weeks of impact figures for three kiosks (issue 20), made up but steady: a few
/// visits a day, more on weekdays, a small kiosk with counts under 5 (the CSV's `<5`).
fn figures(conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    use chrono::Datelike;
    use samen_wire::figures::DayFigures;
    let today = crate::words::local_date(now);
    let activities = [
        ("koffie", "Koffieochtend in de bibliotheek"),
        ("wandelen", "Samen wandelen in het park"),
        ("taalcafe", "Taalcafé"),
        ("repair", "Repair café"),
        ("bingo", "Bingo-middag"),
    ];
    let tx = conn.transaction()?;
    for (k, (kiosk, scale)) in [
        ("bibliotheek-centrum", 6u64),
        ("buurthuis-noord", 4),
        ("station-west", 1),
    ]
    .into_iter()
    .enumerate()
    {
        let mut days = Vec::new();
        for back in 0..70u64 {
            let Some(day) = today.checked_sub_days(chrono::Days::new(back)) else {
                continue;
            };
            // A fixed, varied pattern (no randomness: the demo looks the same each time).
            let seed = back * 7 + k as u64 * 13 + u64::from(day.day());
            let weekend = day.weekday().number_from_monday() > 5;
            let visits = if weekend {
                scale / 2
            } else {
                scale + seed % (scale + 2)
            };
            let mut d = DayFigures::new(day);
            d.visits = visits;
            for (i, lang) in ["nl", "en", "tr", "pl"].into_iter().enumerate() {
                let n = match i {
                    0 => visits - visits / 3,
                    1 => (visits / 3) / 2,
                    2 => (visits / 3) - (visits / 3) / 2,
                    _ => 0,
                };
                if n > 0 {
                    d.visits_by_language.insert(lang.into(), n);
                }
            }
            for (i, (id, title)) in activities.iter().enumerate() {
                let n = (visits + seed) / (i as u64 + 2) % (visits + 1);
                if n > 0 {
                    d.add_activity(id, title, n);
                }
            }
            d.qr_shown = d.activities_opened() / 2;
            if seed % 4 == 0 && visits > 0 {
                d.callbacks_by_topic.insert("activity".into(), 1);
            }
            if seed % 9 == 0 && visits > 0 {
                d.callbacks_by_topic.insert("loneliness".into(), 1);
            }
            d.help_opened = seed % 3;
            d.helpline_slides = if weekend { 0 } else { 40 + seed % 20 };
            d.speech_visits = u64::from(seed % 5 == 0);
            d.larger_text_visits = visits / 4;
            d.high_contrast_visits = u64::from(seed % 6 == 0);
            d.timeouts = visits / 5;
            days.push(d);
        }
        crate::figures::store(&tx, kiosk, &days, now)?;
    }
    // Earlier requests, called and long erased (no name or number left), so that the
    // outcomes and the time to the first call have something to show.
    for i in 0..36i64 {
        let received = now - (3 + i * 2) * 86_400 + (i % 5) * 3600;
        let first_call = received + (2 + (i * 7) % 30) * 3600;
        let outcome = match i % 6 {
            0 | 5 => "not-reached",
            3 => "no-contact",
            _ => "reached",
        };
        let id = format!("demo-past-{i:02}");
        tx.execute(
            "INSERT INTO requests (id, kiosk_id, received_at, best_time, topic_kind, language,
                consent_version, consented_at, attempts, outcome, outcome_at, final, erased_at)
             VALUES (?1, ?2, ?3, 'morning', 'activity', 'nl', '2026-11-28.1', ?3, 1, ?4, ?5,
                ?6, ?7)",
            rusqlite::params![
                id,
                if i % 3 == 0 {
                    "buurthuis-noord"
                } else {
                    "bibliotheek-centrum"
                },
                received,
                outcome,
                first_call,
                outcome != "not-reached",
                first_call + 86_400,
            ],
        )?;
        crate::audit::record(
            &tx,
            first_call,
            "demo",
            crate::audit::Action::Outcome,
            Some(outcome),
            Some(&id),
        )?;
    }
    tx.commit()?;
    Ok(())
}

const SPOTLIGHT: &[u8] = include_bytes!("../assets/demo/screen-spotlight.png");
const TODAY: &[u8] = include_bytes!("../assets/demo/screen-today.png");

/// One demo kiosk's last heartbeat and its week.
struct DemoKiosk {
    id: &'static str,
    /// Seconds before now of its last heartbeat; `None`: never heard from.
    last: Option<i64>,
    reasons: &'static [(&'static str, &'static str)],
    picture: Option<&'static [u8]>,
    pending: u64,
    feed_age_s: i64,
    /// (hours ago from, hours ago to, state) stretches in its history.
    history: &'static [(i64, i64, &'static str)],
}

fn fleet(conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    use samen_wire::health::{codes, Health, HealthState, Heartbeat, Reason, Screenshot};
    use samen_wire::status::StatusReport;
    let kiosks = [
        DemoKiosk {
            id: "bibliotheek-centrum",
            last: Some(40),
            reasons: &[],
            picture: Some(SPOTLIGHT),
            pending: 0,
            feed_age_s: 600,
            history: &[(168, 30, "ok"), (30, 26, "degraded"), (26, 0, "ok")],
        },
        DemoKiosk {
            id: "buurthuis-noord",
            last: Some(100),
            reasons: &[
                (
                    codes::FEED_STALE,
                    "Activiteiten Noord: last success 2 days ago (refresh 1 h)",
                ),
                (
                    codes::OUTBOX_STUCK,
                    "the oldest request has waited 1 h 20 min",
                ),
            ],
            picture: Some(TODAY),
            pending: 2,
            feed_age_s: 2 * 86_400,
            history: &[(168, 50, "ok"), (50, 0, "degraded")],
        },
        DemoKiosk {
            id: "gemeentehuis-hal",
            last: Some(2 * 3600 + 300),
            reasons: &[],
            picture: Some(SPOTLIGHT),
            pending: 0,
            feed_age_s: 900,
            history: &[(120, 80, "ok"), (80, 70, "offline"), (70, 2, "ok")],
        },
        DemoKiosk {
            id: "station-west",
            last: None,
            reasons: &[],
            picture: None,
            pending: 0,
            feed_age_s: 0,
            history: &[],
        },
        DemoKiosk {
            id: "wijkcentrum-oost",
            last: Some(200),
            reasons: &[],
            picture: None,
            pending: 1,
            feed_age_s: 1200,
            history: &[(168, 0, "ok")],
        },
    ];
    let at = |ts: i64| chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default();
    for k in &kiosks {
        if k.id != "bibliotheek-centrum" {
            crate::kiosks::add(conn, k.id, now)?;
        }
        for (from, to, state) in k.history {
            let mut h = now - from * 3600;
            while h < now - to * 3600 {
                conn.execute(
                    "INSERT INTO fleet_history (kiosk_id, at, state, reasons, uptime_s,
                        outbox_pending, oldest_pending_s, feed_age_s)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
                    rusqlite::params![
                        k.id,
                        h,
                        state,
                        if *state == "degraded" {
                            "feed_stale"
                        } else {
                            ""
                        },
                        // Uptime counts from the start of each stretch: a restart.
                        h - (now - from * 3600) + 3600,
                        i64::from(*state == "degraded") * ((h / 3600) % 12 / 4),
                        if *state == "degraded" {
                            2 * 86_400
                        } else {
                            900
                        },
                    ],
                )?;
                h += 3600;
            }
        }
        let Some(ago) = k.last else { continue };
        let seen = now - ago;
        // From JSON rather than a struct literal: fields a newer status object adds
        // take their defaults here.
        let status: StatusReport = serde_json::from_value(serde_json::json!({
            "kiosk_id": k.id,
            "version": "0.1.0",
            "running": true,
            "config_version": 14,
            "config_error": null,
            "feeds": [{
                "name": "Versa Welzijn",
                "items": 32,
                "last_success": at(seen - k.feed_age_s),
                "last_error": (k.feed_age_s > 86_400).then_some("HTTP 503"),
            }],
            "outbox": {
                "pending": k.pending,
                "oldest_pending_age_s": (k.pending > 0).then_some(4800),
                "delivered": 12,
                "failed_attention": 0,
                "expired": 0,
            },
            "delivery": "webhook",
            "screen": "on",
            "uptime_s": 3 * 86_400 + 3600,
            "free_disk_bytes": 9_000_000_000u64,
            "messages": {"active": ["kerstmarkt", "samen-is-leuker"], "urgent": false},
            "at": at(seen),
        }))?;
        let mut hb = Heartbeat::from_status(status);
        hb.health = Some(Health {
            state: if k.reasons.is_empty() {
                HealthState::Ok
            } else {
                HealthState::Degraded
            },
            reasons: k
                .reasons
                .iter()
                .map(|(code, words)| Reason {
                    code: code.to_string(),
                    words: words.to_string(),
                })
                .collect(),
        });
        hb.interval_s = Some(300);
        hb.screenshot = k
            .picture
            .map(|bytes| Screenshot::new(at(seen - 60), "image/png", bytes));
        let raw = serde_json::to_vec(&hb)?;
        let secret = crate::kiosks::secrets(conn, k.id, seen)?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("demo kiosk without a secret"))?;
        let id = format!("demo-heartbeat-{}", k.id);
        let [(_, id_v), (_, ts), (_, sig)] =
            samen_wire::standard::headers(&secret, &id, seen, &raw);
        let received = samen_wire::standard::Received {
            id: Some(&id_v),
            timestamp: Some(&ts),
            signature: Some(&sig),
        };
        crate::fleet::accept(conn, &received, &Default::default(), &raw, seen)?
            .map_err(|e| anyhow::anyhow!("demo heartbeat refused: {e}"))?;
    }
    Ok(())
}

/// Two announcements (issue 20): one published for every kiosk until a week from now,
/// one draft for the library's kiosk.
fn seed_announcements(conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    use crate::announcements::{self as ann, Draft};
    use std::collections::BTreeMap;
    let day = |offset: i64| crate::words::local_date(now + offset * 86_400).to_string();
    let published = Draft {
        title: BTreeMap::from([
            ("nl".into(), "Kerstdiner voor iedereen".into()),
            ("en".into(), "Christmas dinner for everyone".into()),
        ]),
        body: BTreeMap::from([(
            "nl".into(),
            "Eet mee in Buurthuis Oost. Opgeven kan bij de balie of via de QR-code.".into(),
        )]),
        from: day(0),
        until: day(7),
        url: "https://example.org/kerstdiner".into(),
        ..Default::default()
    };
    let id = ann::save(conn, None, &published, EDITOR_USER, now)?;
    if let Some(a) = ann::get(conn, id, now)? {
        let editor = accounts::login_record(conn, EDITOR_USER)?
            .map(|r| r.user)
            .ok_or_else(|| anyhow::anyhow!("no demo editor"))?;
        ann::publish(conn, id, &a.version(), &editor, now)?;
    }
    let draft = Draft {
        title: BTreeMap::from([("nl".into(), "Taalcafé op dinsdag".into())]),
        body: BTreeMap::from([(
            "nl".into(),
            "Oefen Nederlands met anderen, elke dinsdag van 10 tot 12 uur.".into(),
        )]),
        days: vec!["monday".into(), "tuesday".into()],
        hours: "08:00-12:00".into(),
        kiosks: Some(vec!["bibliotheek-centrum".into()]),
        ..Default::default()
    };
    ann::save(conn, None, &draft, EDITOR_USER, now)?;
    Ok(())
}
