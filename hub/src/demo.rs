//! Demo data for `samen-hub demo`: one kiosk, one coordinator with a known password
//! and TOTP secret, and a handful of requests of different ages (made-up names and
//! numbers). Never used by `serve`.

use crate::accounts::{self, Role};
use samen_wire::callback::{BestTime, CallbackBody, Consent, Topic};

pub const USER: &str = "demo";
pub const PASSWORD: &str = "demo-wachtwoord";
/// A fixed TOTP secret (20 bytes) so the demo's codes can be printed.
pub const TOTP_SECRET: &[u8] = b"samen-hub-demo-totp!";

pub fn seed(conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    crate::kiosks::add(conn, "bibliotheek-centrum", now)?;
    accounts::add(conn, USER, Role::Coordinator, PASSWORD, now)?;
    accounts::enrol_with_secret(conn, USER, TOTP_SECRET)?;
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
    Ok(())
}
