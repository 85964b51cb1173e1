//! POST /intake/callback.

use crate::support::*;
use samen_wire::standard::WebhookSecret;

#[tokio::test]
async fn a_signed_request_is_stored_once() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bibliotheek");
    let b = body("req-1", "bibliotheek", "Anna", "+31612345678");
    assert_eq!(
        t.deliver(&secret, &b).await,
        (200, r#"{"status":"stored"}"#.into())
    );
    // A retry: same id, same bytes, a fresh timestamp and signature.
    t.advance_minutes(3);
    assert_eq!(
        t.deliver(&secret, &b).await,
        (200, r#"{"status":"duplicate"}"#.into())
    );
    // The same id with another body: a conflict, nothing changes.
    let other = body("req-1", "bibliotheek", "Bert", "+31612345678");
    assert_eq!(t.deliver(&secret, &other).await.0, 409);
    assert_eq!(t.count_requests(), 1);
    // A test request from the kiosk's admin screen is verified, not stored.
    let mut test: serde_json::Value =
        serde_json::from_str(&b.replace("req-1", "req-test")).unwrap();
    test["test"] = serde_json::Value::Bool(true);
    let test = test.to_string();
    assert_eq!(t.deliver(&secret, &test).await.0, 200);
    assert_eq!(t.count_requests(), 1);
}

#[tokio::test]
async fn refused_requests_leave_nothing() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bibliotheek");
    let b = body("req-2", "bibliotheek", "Anna", "+31612345678");
    let now = t.now();

    // Signed with another kiosk's secret.
    let wrong = WebhookSecret::from_bytes(vec![1; 32]).unwrap();
    assert_eq!(deliver_at(&t.url, &wrong, "req-2", now, &b).await.0, 401);
    // Signed correctly, but the body changed on the way.
    let mut request = client().post(format!("{}/intake/callback", t.url));
    for (k, v) in samen_wire::standard::headers(&secret, "req-2", now, b.as_bytes()) {
        request = request.header(k, v);
    }
    let tampered = b.replace("Anna", "Anne");
    let r = request.body(tampered).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A signature replayed under another webhook-id.
    let mut request = client().post(format!("{}/intake/callback", t.url));
    let signed = samen_wire::standard::headers(&secret, "req-2", now, b.as_bytes());
    request = request
        .header("webhook-id", "req-3")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signed[2].1.clone());
    assert_eq!(
        request
            .body(b.clone())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    // Six minutes old, or six minutes ahead.
    assert_eq!(
        deliver_at(&t.url, &secret, "req-2", now - 360, &b).await.0,
        401
    );
    assert_eq!(
        deliver_at(&t.url, &secret, "req-2", now + 360, &b).await.0,
        401
    );
    // A message signed correctly but replayed after the window.
    t.advance_minutes(6);
    assert_eq!(deliver_at(&t.url, &secret, "req-2", now, &b).await.0, 401);
    let now = t.now();
    // An unknown kiosk.
    let stranger = b.replace("bibliotheek", "onbekend");
    assert_eq!(
        deliver_at(&t.url, &secret, "req-2", now, &stranger).await.0,
        401
    );
    // Invalid JSON, signed.
    assert_eq!(
        deliver_at(&t.url, &secret, "req-2", now, "{\"kiosk_id\":")
            .await
            .0,
        400
    );
    // Valid JSON, signed, but not the schema.
    let bad_phone = b.replace("+31612345678", "call me");
    assert_eq!(
        deliver_at(&t.url, &secret, "req-2", now, &bad_phone)
            .await
            .0,
        422
    );
    // webhook-id is not the request's id.
    assert_eq!(
        deliver_at(&t.url, &secret, "other-id", now, &b).await.0,
        422
    );
    // No signature at all.
    let r = client()
        .post(format!("{}/intake/callback", t.url))
        .header("webhook-id", "req-2")
        .header("webhook-timestamp", now.to_string())
        .body(b.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Larger than 64 KB.
    let big = b.replace("Koffieochtend", &"x".repeat(70 * 1024));
    assert_eq!(deliver_at(&t.url, &secret, "req-2", now, &big).await.0, 413);

    assert_eq!(
        t.count_requests(),
        0,
        "nothing unverified or invalid is stored"
    );
    // And the real one still goes through.
    assert_eq!(deliver_at(&t.url, &secret, "req-2", now, &b).await.0, 200);
    assert_eq!(t.count_requests(), 1);
}

#[tokio::test]
async fn a_rotated_secret_keeps_working_for_a_day() {
    let t = TestHub::start().await;
    let old = t.add_kiosk("bibliotheek");
    let now = t.now();
    let new = t
        .hub
        .db
        .blocking(|c| samen_hub::kiosks::rotate_secret(c, "bibliotheek", now))
        .unwrap();
    let b1 = body("r1", "bibliotheek", "Anna", "+31612345678");
    assert_eq!(t.deliver(&old, &b1).await.0, 200);
    let b2 = body("r2", "bibliotheek", "Anna", "+31612345678");
    assert_eq!(t.deliver(&new, &b2).await.0, 200);
    t.advance_minutes(25 * 60);
    let b3 = body("r3", "bibliotheek", "Anna", "+31612345678");
    assert_eq!(t.deliver(&old, &b3).await.0, 401);
    assert_eq!(t.deliver(&new, &b3).await.0, 200);
}

#[tokio::test]
async fn todays_kiosks_x_samen_signature_is_accepted_too() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bibliotheek");
    let b = body("legacy-1", "bibliotheek", "Anna", "+31612345678");
    // As src/callback/delivery.rs signs today: the secret file's text is the key.
    let post = |key: Vec<u8>, ts: i64, id: &'static str| {
        let header = samen_wire::legacy::sign(&key, ts, b.as_bytes());
        client()
            .post(format!("{}/intake/callback", t.url))
            .header("content-type", "application/json")
            .header("Idempotency-Key", id)
            .header("X-Samen-Signature", header)
            .body(b.clone())
            .send()
    };
    let key = secret.encode().into_bytes();
    let now = t.now();
    assert_eq!(
        post(b"wrong".to_vec(), now, "legacy-1")
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post(key.clone(), now - 400, "legacy-1")
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(post(key.clone(), now, "other").await.unwrap().status(), 422);
    assert_eq!(t.count_requests(), 0);
    assert_eq!(
        post(key.clone(), now, "legacy-1").await.unwrap().status(),
        200
    );
    assert_eq!(t.count_requests(), 1);
}
