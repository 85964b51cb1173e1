//! The staff pages.

use crate::support::*;
use samen_hub::accounts::Role;

const PAGES: &[&str] = &["/", "/worklist", "/requests/req-1", "/enrol"];
const FORMS: &[&str] = &[
    "/requests/req-1/number",
    "/requests/req-1/claim",
    "/requests/req-1/outcome",
    "/logout",
];

#[tokio::test]
async fn every_page_without_login_goes_to_the_login_page() {
    let t = TestHub::start().await;
    let mut b = Browser::new(&t.url);
    for path in PAGES {
        let page = b.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    for path in FORMS {
        let page = b.post(path, &[("csrf", "x")]).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    // A stolen-looking cookie is no better than none.
    b.cookies
        .insert("samen_hub_session".into(), "made-up".into());
    assert_eq!(b.get("/worklist").await.status, 303);
    let login = b.get("/login").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("<label for=\"password\">"));
}

#[tokio::test]
async fn pages_carry_a_strict_policy_and_are_not_cached() {
    let t = TestHub::start().await;
    let r = client()
        .get(format!("{}/login", t.url))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body = r.text().await.unwrap();
    assert!(!body.contains("<script") && !body.contains("style="));
    let css = client()
        .get(format!("{}/assets/hub.css", t.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    let font = client()
        .get(format!(
            "{}/assets/atkinson-hyperlegible-regular.ttf",
            t.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(font.headers()["content-type"], "font/ttf");
}

#[tokio::test]
async fn the_wrong_role_gets_403() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("k1");
    t.deliver(&secret, &body("req-1", "k1", "Anna", "+31612345678"))
        .await;
    let mut editor = t.login("eva", Role::Editor).await;
    let home = editor.get("/").await;
    assert_eq!(home.location.as_deref(), Some("/announcements"));
    assert_eq!(editor.get("/worklist").await.status, 403);
    assert_eq!(editor.get("/requests/req-1").await.status, 403);
    let csrf = editor.get("/announcements").await.csrf();
    let r = editor
        .post("/requests/req-1/number", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("612345678"));
    assert!(t.audit("req-1").is_empty());
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("k1");
    t.deliver(&secret, &body("req-1", "k1", "Anna", "+31612345678"))
        .await;
    let mut ans = t.login("ans", Role::Coordinator).await;
    for path in ["/requests/req-1/number", "/requests/req-1/claim"] {
        assert_eq!(ans.post(path, &[]).await.status, 403, "{path}");
        assert_eq!(
            ans.post(path, &[("csrf", "wrong")]).await.status,
            403,
            "{path}"
        );
    }
    let r = ans
        .post("/requests/req-1/outcome", &[("outcome", "reached")])
        .await;
    assert_eq!(r.status, 403);
    assert!(t.audit("req-1").is_empty(), "nothing happened");
    // The login form has its own token (no session yet).
    let mut stranger = Browser::new(&t.url);
    let r = stranger
        .post(
            "/login",
            &[("name", "ans"), ("password", PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn names_are_escaped() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("k1");
    let name = r#"<script>alert("x")</script>'"#;
    let (status, _) = t
        .deliver(&secret, &body("req-1", "k1", name, "+31612345678"))
        .await;
    assert_eq!(status, 200);
    let mut ans = t.login("ans", Role::Coordinator).await;
    for path in ["/worklist", "/requests/req-1"] {
        let page = ans.get(path).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("<script>"), "{path}");
        assert!(
            page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
            "{path}"
        );
        assert!(
            !page.body.contains(r#"alert("x")"#),
            "{path}: quotes escaped"
        );
    }
}

#[tokio::test]
async fn a_coordinator_enrols_claims_calls_and_records_the_outcome() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bibliotheek");
    t.deliver(
        &secret,
        &body("req-1", "bibliotheek", "Anna", "+31612345678"),
    )
    .await;
    t.advance_minutes(10);
    t.deliver(
        &secret,
        &body("req-2", "bibliotheek", "Bert", "+31687654321"),
    )
    .await;

    // A new coordinator: password first, then TOTP enrolment.
    let now = t.now();
    t.hub
        .db
        .blocking(|c| samen_hub::accounts::add(c, "ans", Role::Coordinator, PASSWORD, now))
        .unwrap();
    let mut ans = Browser::new(&t.url);
    let r = ans.log_in("ans", PASSWORD, "").await;
    assert_eq!(r.location.as_deref(), Some("/enrol"));
    assert_eq!(
        ans.get("/worklist").await.location.as_deref(),
        Some("/enrol")
    );
    let enrol = ans.get("/enrol").await;
    assert!(enrol.body.contains("<svg"), "a QR code");
    let start = enrol.body.find("<code>").unwrap() + 6;
    let end = enrol.body[start..].find("</code>").unwrap();
    let key = base32_decode(&enrol.body[start..start + end]);
    assert_eq!(key.len(), 20);
    let wrong = ans.submit("/enrol", "/enrol", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("error-summary"));
    let code = samen_hub::accounts::current_code(&key, "ans", t.now()).unwrap();
    let ok = ans.submit("/enrol", "/enrol", &[("code", &code)]).await;
    assert_eq!(ok.location.as_deref(), Some("/"));
    assert_eq!(ans.get("/").await.location.as_deref(), Some("/worklist"));

    // The worklist: oldest first, no number.
    let list = ans.get("/worklist").await;
    assert_eq!(list.status, 200);
    let (anna, bert) = (
        list.body.find("Anna").unwrap(),
        list.body.find("Bert").unwrap(),
    );
    assert!(anna < bert, "oldest first");
    assert!(list.body.contains("Koffieochtend") && list.body.contains("ochtend"));
    assert!(list.body.contains("vandaag 10:00"));
    assert!(!list.body.contains("612345678"), "no number on the list");

    // Toon nummer: a tel: link, and a line in the audit log.
    let page = ans.get("/requests/req-1").await;
    assert!(!page.body.contains("612345678"));
    let shown = ans
        .submit("/requests/req-1", "/requests/req-1/number", &[])
        .await;
    assert_eq!(shown.status, 200);
    assert!(
        shown.body.contains("href=\"tel:+31612345678\""),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("0612345678"));
    assert_eq!(t.audit("req-1"), vec!["ans view-number"]);

    // Ik bel: the other coordinator sees who has it and cannot take it.
    let claimed = ans
        .submit("/requests/req-1", "/requests/req-1/claim", &[])
        .await;
    assert_eq!(
        claimed.location.as_deref(),
        Some("/requests/req-1?done=claimed")
    );
    let mut piet = t.login("piet", Role::Coordinator).await;
    assert!(piet
        .get("/worklist")
        .await
        .body
        .contains("ans belt (tot 12:10)"));
    let taken = piet
        .submit("/requests/req-1", "/requests/req-1/claim", &[])
        .await;
    assert_eq!(taken.status, 409);
    assert!(taken.body.contains("ans belt deze persoon al"));
    let refused = piet
        .submit(
            "/requests/req-1",
            "/requests/req-1/outcome",
            &[("outcome", "reached")],
        )
        .await;
    assert_eq!(refused.status, 409);

    // An outcome is required; the error summary links to the field.
    let missing = ans
        .submit("/requests/req-1", "/requests/req-1/outcome", &[])
        .await;
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("href=\"#outcome-reached\""));
    assert!(missing.body.contains("geen informatie over gezondheid"));

    // Not reached, three times: flagged, and still on the list.
    for _ in 0..3 {
        let r = ans
            .submit(
                "/requests/req-1",
                "/requests/req-1/outcome",
                &[("outcome", "not-reached"), ("note", "voicemail")],
            )
            .await;
        assert_eq!(r.location.as_deref(), Some("/worklist"));
    }
    let list = ans.get("/worklist").await;
    assert!(list.body.contains("3 pogingen"), "flagged");

    // The claim lapses after two hours: then Piet can take it.
    piet.submit("/requests/req-2", "/requests/req-2/claim", &[])
        .await;
    t.advance_minutes(121);
    let mut ans = t.login("ans2", Role::Coordinator).await;
    let r = ans
        .submit("/requests/req-2", "/requests/req-2/claim", &[])
        .await;
    assert_eq!(r.status, 303, "the lapsed claim can be taken");

    // Reached: done, off the list.
    let r = ans
        .submit(
            "/requests/req-2",
            "/requests/req-2/outcome",
            &[("outcome", "reached")],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/worklist"));
    assert!(!ans.get("/worklist").await.body.contains("Bert"));
    assert_eq!(
        t.audit("req-2"),
        vec!["piet claim", "ans2 claim", "ans2 outcome:reached"]
    );
}

#[tokio::test]
async fn overdue_counts_working_days() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("k1");
    // Tuesday 1 December; two working days: late on Friday 4 December.
    t.deliver(&secret, &body("req-1", "k1", "Anna", "+31612345678"))
        .await;
    let mut ans = t.login("ans", Role::Coordinator).await;
    t.advance_minutes(2 * 24 * 60);
    assert_eq!(
        ans.get("/worklist").await.location.as_deref(),
        Some("/login"),
        "the session expired after 30 idle minutes"
    );
    let mut ans = t.login("ans-1", Role::Coordinator).await;
    let list = ans.get("/worklist").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("werkdag te laat"));
    t.advance_minutes(24 * 60);
    let mut ans = t.login("ans-2", Role::Coordinator).await;
    let list = ans.get("/worklist").await;
    assert!(list.body.contains("1 werkdag te laat"), "{}", list.body);
    let calendar = samen_hub::workdays::Calendar::default();
    let now = t.now();
    let listing = t
        .hub
        .db
        .blocking(|c| samen_hub::worklist::listing(c, now, &calendar, 2, false))
        .unwrap();
    assert!(listing[0].overdue);
    assert_eq!(listing[0].state, "open");
}

#[tokio::test]
async fn english_on_request() {
    let t = TestHub::start().await;
    let r = client()
        .get(format!("{}/login", t.url))
        .header("accept-language", "en-GB,en;q=0.9,nl;q=0.5")
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\">") && body.contains("Log in"));
    let mut b = Browser::new(&t.url);
    let r = b.get("/lang/en?back=/login").await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(b.get("/login").await.body.contains("User name"));
    let r = b.get("/lang/nl?back=//evil.example").await;
    assert_eq!(r.location.as_deref(), Some("/"), "no open redirect");
}
