//! Retention: erasure down to the bytes.

use crate::support::*;
use samen_hub::accounts::Role;
use samen_hub::config::Retention;

fn file_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["hub.sqlite3", "hub.sqlite3-wal"] {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            all.extend(bytes);
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn names_and_numbers_are_erased_from_the_files() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("k1");
    t.deliver(&secret, &body("done-1", "k1", "Quirinius", "+31612349876"))
        .await;
    t.deliver(&secret, &body("open-1", "k1", "Wilhelmina", "+31655501234"))
        .await;
    let mut ans = t.login("ans", Role::Coordinator).await;
    ans.submit("/requests/done-1", "/requests/done-1/claim", &[])
        .await;
    ans.submit(
        "/requests/done-1",
        "/requests/done-1/outcome",
        &[("outcome", "reached"), ("note", "Notitie-Zeldzaam")],
    )
    .await;
    let policy = Retention {
        after_outcome_days: 14,
        max_days: 60,
    };
    let before = file_bytes(t.dir.path());
    assert!(contains(&before, "Quirinius") || contains(&before, "12349876"));

    // 13 days later nothing is due yet.
    t.advance_minutes(13 * 24 * 60);
    let now = t.now();
    let r = t
        .hub
        .db
        .blocking(|c| samen_hub::retention::run(c, policy, now))
        .unwrap();
    assert_eq!(r.erased, 0);

    // 15 days after the outcome: the finished one goes.
    t.advance_minutes(2 * 24 * 60);
    let now = t.now();
    let r = t
        .hub
        .db
        .blocking(|c| samen_hub::retention::run(c, policy, now))
        .unwrap();
    assert_eq!(r.erased, 1);
    let bytes = file_bytes(t.dir.path());
    for gone in ["Quirinius", "12349876", "Notitie-Zeldzaam"] {
        assert!(
            !contains(&bytes, gone),
            "{gone} still in the database files"
        );
    }
    assert!(contains(&bytes, "Wilhelmina"), "the open one stays for now");

    // 61 days after intake, whatever happened: the open one goes too.
    t.advance_minutes(46 * 24 * 60);
    let now = t.now();
    let r = t
        .hub
        .db
        .blocking(|c| samen_hub::retention::run(c, policy, now))
        .unwrap();
    assert_eq!(r.erased, 1);
    let bytes = file_bytes(t.dir.path());
    for gone in ["Wilhelmina", "55501234"] {
        assert!(
            !contains(&bytes, gone),
            "{gone} still in the database files"
        );
    }

    // The receipts stay: kiosk, dates, outcome, attempts.
    let calendar = samen_hub::workdays::Calendar::default();
    let listing = t
        .hub
        .db
        .blocking(|c| samen_hub::worklist::listing(c, now, &calendar, 2, true))
        .unwrap();
    assert_eq!(listing.len(), 2);
    assert!(listing
        .iter()
        .all(|l| l.state == "erased" && l.first_name.is_none()));
    let (outcome, attempts): (Option<String>, u32) = t
        .hub
        .db
        .blocking(|c| {
            Ok(c.query_row(
                "SELECT outcome, attempts FROM requests WHERE id = 'done-1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!((outcome.as_deref(), attempts), (Some("reached"), 1));
    assert_eq!(
        t.audit("done-1"),
        vec!["ans claim", "ans outcome:reached", "retention erase"]
    );
    // A late retry of an erased request is a duplicate, not a new request.
    let (status, text) = t
        .deliver(&secret, &body("done-1", "k1", "Quirinius", "+31612349876"))
        .await;
    assert_eq!((status, text.as_str()), (200, r#"{"status":"duplicate"}"#));
}
