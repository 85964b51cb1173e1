//! Impact figures (issue 20): heartbeats carry days of figures; the hub stores each
//! kiosk-day once (a resent day replaces it) and answers with the days it stored; the
//! figures page (roles) and the council's CSV (counts 1 to 4 as `<5`).

use crate::support::*;
use samen_hub::accounts::Role;

/// A heartbeat with these days: (day, visits, languages, callbacks by topic).
fn with_days(mut body: serde_json::Value, days: &[(&str, u64)]) -> serde_json::Value {
    body["figures"] = days
        .iter()
        .map(|(day, visits)| {
            serde_json::json!({
                "day": day,
                "visits": visits,
                "visits_by_language": {"nl": visits},
                "activities": [{"id": "koffie", "title": "Koffieochtend", "count": visits * 2}],
                "qr_shown": 1,
                "callbacks_by_topic": {"activity": 1},
                "help_opened": 0,
                "helpline_slides": 12,
                "speech_visits": 0,
                "larger_text_visits": 1,
                "high_contrast_visits": 0,
                "timeouts": 1
            })
        })
        .collect();
    body
}

fn acked(answer: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(answer).unwrap();
    v["figures_ack"]
        .as_array()
        .map(|a| a.iter().map(|d| d.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn visits(t: &TestHub, kiosk: &str) -> (i64, i64) {
    let kiosk = kiosk.to_string();
    t.hub
        .db
        .blocking(move |c| {
            let mut stmt = c.prepare("SELECT data FROM figures_days WHERE kiosk_id = ?1")?;
            let rows: Vec<String> = stmt
                .query_map([kiosk], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let total = rows
                .iter()
                .map(|d| {
                    serde_json::from_str::<serde_json::Value>(d).unwrap()["visits"]
                        .as_i64()
                        .unwrap()
                })
                .sum();
            Ok((rows.len() as i64, total))
        })
        .unwrap()
}

#[tokio::test]
async fn resent_days_after_an_outage_are_stored_once() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bieb");
    // Monday: the kiosk sends the day so far; the hub stores and acknowledges it.
    let hb = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-11-30", 7)]);
    let (status, answer) = t.heartbeat(&secret, &hb).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(acked(&answer), ["2026-11-30"]);
    assert_eq!(visits(&t, "bieb"), (1, 7));

    // The kiosk counted more that evening, but the answer of this heartbeat was lost
    // (the hub stored it, the kiosk never heard): the same day comes again with its
    // new total, and again (nothing changed) after the hub came back.
    t.advance_minutes(5);
    let hb = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-11-30", 9)]);
    assert_eq!(t.heartbeat(&secret, &hb).await.0, 200);
    // The hub is down for a night: nothing arrives. Then the kiosk resends every day
    // not acknowledged, the old one unchanged and the new one.
    t.advance_minutes(14 * 60);
    let hb = with_days(
        heartbeat_json("bieb", t.now(), &[]),
        &[("2026-11-30", 9), ("2026-12-01", 3)],
    );
    let (status, answer) = t.heartbeat(&secret, &hb).await;
    assert_eq!(status, 200);
    assert_eq!(acked(&answer), ["2026-11-30", "2026-12-01"]);
    assert_eq!(visits(&t, "bieb"), (2, 12), "9 + 3, not 7 + 9 + 9 + 3");
    // Twice the same: still once.
    t.advance_minutes(5);
    let hb = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-12-01", 3)]);
    assert_eq!(t.heartbeat(&secret, &hb).await.0, 200);
    assert_eq!(visits(&t, "bieb"), (2, 12));

    // A late heartbeat signed before the stored one (a retry, a replay) stores no
    // figures and acknowledges none.
    let old = with_days(
        heartbeat_json("bieb", t.now() - 120, &[]),
        &[("2026-12-01", 1)],
    );
    let (status, answer) = heartbeat_at(&t.url, &secret, t.now() - 120, &old.to_string()).await;
    assert_eq!(status, 200);
    assert!(answer.contains("stale"), "{answer}");
    assert!(acked(&answer).is_empty());
    assert_eq!(visits(&t, "bieb"), (2, 12));

    // The stored status has no figures in it (they live per day).
    let status_json: String = t
        .hub
        .db
        .blocking(|c| {
            Ok(c.query_row(
                "SELECT status_json FROM fleet_status WHERE kiosk_id = 'bieb'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(!status_json.contains("figures"), "{status_json}");

    // A day in the future (a kiosk clock gone wrong) or too long a title: refused,
    // nothing stored.
    t.advance_minutes(5);
    let bad = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-12-05", 1)]);
    assert_eq!(t.heartbeat(&secret, &bad).await.0, 422);
    let mut bad = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-12-01", 1)]);
    bad["figures"][0]["activities"][0]["title"] = serde_json::json!("x".repeat(500));
    assert_eq!(t.heartbeat(&secret, &bad).await.0, 422);
    assert_eq!(visits(&t, "bieb"), (2, 12));
    // A kiosk without figures (today's) still gets a plain answer.
    let (status, answer) = t
        .heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
        .await;
    assert_eq!(status, 200);
    assert!(acked(&answer).is_empty(), "{answer}");
}

#[tokio::test]
async fn the_figures_page_is_for_editors_it_and_admins() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bieb");
    let hb = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-11-30", 12)]);
    assert_eq!(t.heartbeat(&secret, &hb).await.0, 200);

    let mut anonymous = Browser::new(&t.url);
    for path in ["/figures", "/figures.csv"] {
        let r = anonymous.get(path).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/login")),
            "{path}"
        );
    }
    let mut coordinator = t.login("ans", Role::Coordinator).await;
    for path in ["/figures", "/figures?by=week", "/figures.csv"] {
        assert_eq!(coordinator.get(path).await.status, 403, "{path}");
    }
    let worklist = coordinator.get("/worklist").await;
    assert_eq!(worklist.status, 200);
    assert!(
        !worklist.body.contains("href=\"/figures\""),
        "no link to a page the coordinator may not see"
    );
    for (name, role) in [
        ("ed", Role::Editor),
        ("ict", Role::It),
        ("baas", Role::Admin),
    ] {
        let mut b = t.login(name, role).await;
        // The header of the role's start page links to the figures.
        let start = b.get("/").await;
        let start = b.get(start.location.as_deref().unwrap_or("/")).await;
        assert_eq!(start.status, 200, "{name}");
        assert!(
            start.body.contains("<a href=\"/figures\">Cijfers</a>"),
            "{name}: {}",
            start.body
        );
        for path in ["/figures", "/figures?by=week", "/figures?by=nonsense"] {
            let page = b.get(path).await;
            assert_eq!(page.status, 200, "{name} {path}");
            assert!(
                page.body
                    .contains("<a href=\"/figures\" aria-current=\"page\">Cijfers</a>"),
                "{name} {path}: the header says where one is"
            );
            assert!(page.body.contains("<svg"), "a chart");
            assert!(page.body.contains("<desc id=\"visits-desc\">"), "described");
            assert!(
                page.body.contains("Koffieochtend"),
                "the activities opened most"
            );
            assert!(!page.body.contains("<script"), "no script");
        }
        let csv = b.get("/figures.csv?by=week").await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.starts_with("period,kiosk,measure,key,count\n"));
    }
}

#[tokio::test]
async fn the_csv_writes_small_counts_as_less_than_5() {
    let t = TestHub::start().await;
    let big = t.add_kiosk("bieb");
    let small = t.add_kiosk("station");
    // Last week (30 Nov is a Monday): the library 12 visits, the station 3.
    let hb = with_days(heartbeat_json("bieb", t.now(), &[]), &[("2026-11-30", 12)]);
    assert_eq!(t.heartbeat(&big, &hb).await.0, 200);
    let hb = with_days(
        heartbeat_json("station", t.now(), &[]),
        &[("2026-11-30", 3)],
    );
    assert_eq!(t.heartbeat(&small, &hb).await.0, 200);
    // Two callback requests at the hub: one reached after an hour.
    for (id, name) in [("req-1", "Anna"), ("req-2", "Bert")] {
        assert_eq!(
            t.deliver(&big, &body(id, "bieb", name, "+31612345678"))
                .await
                .0,
            200
        );
    }
    t.advance_minutes(60);
    let mut ans = t.login("ans", Role::Coordinator).await;
    let r = ans
        .submit(
            "/requests/req-1",
            "/requests/req-1/outcome",
            &[("outcome", "reached")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let mut it = t.login("ict", Role::It).await;
    let csv = it.get("/figures.csv?by=week").await.body;
    let line = |kiosk: &str, measure: &str, key: &str| {
        let prefix = format!("2026-W49,{kiosk},{measure},{key},");
        csv.lines()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
            .unwrap_or_else(|| panic!("no {prefix} in\n{csv}"))
    };
    // 3 visits is hidden; 12 alone would give it away from the total of 15, so the
    // library's 12 is hidden too; the total is shown.
    assert_eq!(line("station", "visits", ""), "<5");
    assert_eq!(line("bieb", "visits", ""), "<5");
    assert_eq!(line("total", "visits", ""), "15");
    // By language: the station's 3 Dutch visits hidden like its visits.
    assert_eq!(line("station", "visits_by_language", "nl"), "<5");
    assert_eq!(line("total", "visits_by_language", "nl"), "15");
    // Activities opened 24 + 6: both shown; 1 QR code each: hidden, and the total 2.
    assert_eq!(line("bieb", "activities_opened", ""), "24");
    assert_eq!(line("station", "activities_opened", ""), "6");
    assert_eq!(line("total", "qr_shown", ""), "<5");
    // 0 stays 0 (nobody is singled out by nobody).
    assert_eq!(line("total", "help_opened", ""), "0");
    // The worklist's side: 2 received, 1 reached: all under 5.
    assert_eq!(line("total", "requests_received", ""), "<5");
    assert_eq!(line("total", "requests_reached", ""), "<5");
    assert_eq!(line("total", "median_hours_to_first_call", ""), "<5");
    // No cell anywhere holds a count from 1 to 4.
    for l in csv.lines().skip(1) {
        let count = l.rsplit(',').next().unwrap();
        if let Ok(n) = count.parse::<u64>() {
            assert!(n == 0 || n >= 5, "{l}");
        }
    }

    // The page shows the real counts to staff, and the median time to the first call.
    let page = it.get("/figures?by=week").await.body;
    assert!(page.contains("<td>15</td>"), "{page}");
    assert!(
        page.contains("<strong>1 u</strong>"),
        "median on the page: {page}"
    );
}
