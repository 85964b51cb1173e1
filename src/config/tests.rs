//! Configuration: parsing, validation with key paths, fleet documents and layering.

use super::*;

#[test]
fn empty_file_is_the_defaults() {
    assert_eq!(Config::parse("", "t").unwrap(), Config::default());
}

#[test]
fn values_are_read() {
    let c = Config::parse(
        r#"
        kiosk_id = "bieb-centrum"
        languages = ["en", "nl"]
        [signage]
        slide_seconds = 8
        fade_ms = 300
        [[signage.messages]]
        title = { nl = "Hallo", en = "Hello" }
        [[helplines]]
        name = "Test"
        number = "0800 1234"
        "#,
        "t",
    )
    .unwrap();
    assert_eq!(c.kiosk_id, "bieb-centrum");
    assert_eq!(c.default_language, Lang::En);
    assert_eq!(c.signage.slide_seconds, 8);
    assert_eq!(c.signage.messages[0].title.get(Lang::En), "Hello");
    assert_eq!(c.helplines.len(), 1);
}

#[test]
fn invalid_values_name_their_key() {
    let err = Config::parse(
        "[signage]\nslide_seconds = 0\n[session]\nwarning_seconds = 5\n[[feeds]]\nurl = \"ftp://x\"\n",
        "t",
    )
    .unwrap_err();
    let problems = err.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("signage.slide_seconds:")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("session.warning_seconds:")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("feeds[0].url: not a URL")),
        "{problems:?}"
    );
}

#[test]
fn durations() {
    assert_eq!(
        parse_duration("15m"),
        Some(std::time::Duration::from_secs(900))
    );
    assert_eq!(
        parse_duration("2s"),
        Some(std::time::Duration::from_secs(2))
    );
    assert_eq!(
        parse_duration("1h"),
        Some(std::time::Duration::from_secs(3600))
    );
    assert_eq!(parse_duration("soon"), None);
    assert_eq!(parse_duration("5"), None);
    let err = Config::parse(
        "[[feeds]]\nurl = \"https://x.org/a.ics\"\nrefresh = \"often\"\n",
        "t",
    )
    .unwrap_err();
    assert!(err.to_string().contains("feeds[0].refresh"), "{err}");
}

#[test]
fn webhooks_need_https_except_to_this_machine() {
    let check = |url: &str, secret: &str| {
        Config::parse(
            &format!("[callback.webhook]\nurl = \"{url}\"\nsecret = \"{secret}\"\n"),
            "t",
        )
    };
    let good = "0123456789abcdef";
    assert!(check("https://intake.example.org/hook", good).is_ok());
    assert!(check("http://127.0.0.1:8080/hook", good).is_ok());
    assert!(check("http://localhost/hook", good).is_ok());
    for bad in [
        "http://intake.example.org/",
        "http://localhost.example.org/",
        "http://127.0.0.1@intake.example.org/",
        "ftp://x",
    ] {
        let err = check(bad, good).unwrap_err().to_string();
        assert!(err.contains("callback.webhook.url"), "{bad}: {err}");
    }
    assert!(check("https://intake.example.org/hook", "")
        .unwrap_err()
        .to_string()
        .contains("callback.webhook.secret"));
}

#[test]
fn typos_are_refused() {
    let err = Config::parse("[signage]\nslide_secs = 5\n", "t").unwrap_err();
    assert!(
        err.to_string()
            .contains("signage.slide_secs: unknown field `slide_secs`"),
        "{err}"
    );
    assert!(err.to_string().contains("(at line 2)"), "{err}");
}

#[test]
fn a_kiosk_may_set_one_key_of_a_fleet_table() {
    let doc = FleetDoc::parse(
        "version = 1\nexpires = 2099-01-01T00:00:00Z\n[heartbeat]\nurl = \"https://status.example.org/beat\"\n[kiosks.bieb.heartbeat]\ninterval = \"1m\"\n",
        "fleet",
    )
    .expect("a partial table on top of the fleet's is fine");
    let c = Config::layered("kiosk_id = \"bieb\"\n", "local", Some(&doc)).expect("valid");
    let hb = c.heartbeat.expect("heartbeat");
    assert_eq!(hb.url, "https://status.example.org/beat");
    assert_eq!(hb.interval, std::time::Duration::from_secs(60));
}

#[test]
fn fleet_documents_name_the_key_of_a_wrong_value() {
    let err = FleetDoc::parse(
        "version = 2\nexpires = 2099-01-01T00:00:00Z\n[[feeds]]\nurl = \"https://a.example/a.ics\"\n[[feeds]]\nurl = \"https://a.example/b.ics\"\nrefresh = 5\n[kiosks.bieb.signage]\nslide_secs = 5\n[kiosks.dorp.session]\ninactivity_seconds = \"lang\"\n",
        "fleet",
    )
    .unwrap_err();
    let problems = err.problems();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("feeds[1].refresh: invalid type")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("kiosks.bieb.signage.slide_secs: unknown field")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("kiosks.dorp.session.inactivity_seconds: invalid type")),
        "{problems:?}"
    );
}

#[test]
fn kiosk_tables_that_can_never_apply_are_caught() {
    // An id no kiosk can have refuses the document, with its key path.
    let err = FleetDoc::parse(
        "version = 3
expires = 2099-01-01T00:00:00Z
[kiosks.\"bieb centrum\".signage]
slide_seconds = 5
",
        "fleet",
    )
    .unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| p.starts_with("kiosks.bieb centrum: no kiosk can have this id")),
        "{:?}",
        err.problems()
    );

    // A well-formed id for another kiosk: this kiosk is told, by id, in the log.
    let doc = FleetDoc::parse(
        "version = 4
expires = 2099-01-01T00:00:00Z
[kiosks.bieb-centrum.signage]
slide_seconds = 5
[kiosks.dorp]
",
        "fleet",
    )
    .expect("valid");
    assert_eq!(
        doc.kiosk_ids().collect::<Vec<_>>(),
        ["bieb-centrum", "dorp"]
    );
    let notice = doc
        .missing_kiosk_notice("bieb-centrm")
        .expect("a mistyped id is noticed");
    assert!(notice.contains("version 4"), "{notice}");
    assert!(notice.contains("bieb-centrum, dorp"), "{notice}");
    assert!(notice.contains("'bieb-centrm'"), "{notice}");
    assert_eq!(doc.missing_kiosk_notice("dorp"), None);
    let plain = FleetDoc::parse(
        "version = 1
expires = 2099-01-01T00:00:00Z
",
        "fleet",
    )
    .expect("valid");
    assert_eq!(plain.missing_kiosk_notice("dorp"), None);
}

#[test]
fn messages_with_a_window_are_read_and_checked_with_key_paths() {
    let c = Config::parse(
        r#"
        [[signage.messages]]
        id = "week-tegen-eenzaamheid"
        title = "Week tegen Eenzaamheid"
        from = "2026-09-24"
        until = "2026-10-02"
        days = ["monday", "tuesday"]
        hours = "09:00-12:00, 13:00-17:00"
        url = "https://www.eentegeneenzaamheid.nl"
        [[signage.messages]]
        id = "storm"
        title = "Vandaag gesloten"
        priority = "urgent"
        from = "2026-12-01T08:00"
        until = "2026-12-01T18:00"
        [[feeds]]
        url = "https://agenda.example.org/feed.json"
        urgent_allowed = true
        "#,
        "t",
    )
    .unwrap();
    let m = &c.signage.messages[0];
    assert_eq!(m.id, "week-tegen-eenzaamheid");
    assert_eq!(m.window.hours.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        m.window.days.map(|d| d.iter().filter(|x| **x).count()),
        Some(2)
    );
    assert!(c.signage.messages[1].is_urgent());
    assert!(c.feeds[0].urgent_allowed);

    let err = Config::parse(
        r#"
        [[signage.messages]]
        title = "Omgekeerd"
        from = "2026-10-02"
        until = "2026-09-24"
        [[signage.messages]]
        title = "Vreemde dag"
        days = ["maandag"]
        [[signage.messages]]
        title = "Leeg"
        hours = "10:00-10:00"
        [[signage.messages]]
        title = "Nooit"
        from = "2026-11-30"
        until = "2026-12-06"
        days = ["sunday"]
        [[signage.messages]]
        title = "Dringend zonder einde"
        priority = "urgent"
        [[signage.messages]]
        title = "Dringend te lang"
        priority = "urgent"
        from = "2026-12-01"
        until = "2026-12-20"
        [[signage.messages]]
        id = "twee keer"
        title = "x"
        url = "http://example.org"
        image = "plaatje.png"
        "#,
        "t",
    )
    .unwrap_err();
    let problems = err.problems();
    let keys: Vec<&str> = problems
        .iter()
        .map(|p| p.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        keys,
        [
            "signage.messages[0].until",
            "signage.messages[1].days",
            "signage.messages[2].hours",
            "signage.messages[3].hours",
            "signage.messages[4].until",
            "signage.messages[5].until",
            "signage.messages[6].id",
            "signage.messages[6].image",
            "signage.messages[6].url",
        ],
        "{problems:?}"
    );
}

#[test]
fn every_problem_is_named_not_only_the_first_type_error() {
    let text = "kiosk_id = \"bieb centrum!\"\n\
                [signage]\nslide_seconds = \"acht\"\nfade_ms = 300\n\
                [session]\nwarning_seconds = \"tien\"\n\
                [[feeds]]\nname = \"agenda\"\nurl = 42\n";
    let Err(ConfigError::Invalid { problems, .. }) = Config::parse(text, "kiosk.toml") else {
        panic!("refused");
    };
    let keys = [
        "signage.slide_seconds: ",
        "session.warning_seconds: ",
        "feeds[0].url: ",
        "kiosk_id",
    ];
    for key in keys {
        assert!(
            problems.iter().any(|p| p.starts_with(key)),
            "{key} missing: {problems:?}"
        );
    }
    assert_eq!(problems.len(), 4, "each once: {problems:?}");
    assert!(problems[0].contains("(at line "), "{problems:?}");
}

#[test]
fn a_private_output_is_an_alsa_device_name() {
    let c = Config::parse(
        "[speech]\nprivate_output = \" plughw:CARD=Headphones,DEV=0 \"\n",
        "t",
    )
    .unwrap();
    assert_eq!(
        c.private_output.as_deref(),
        Some("plughw:CARD=Headphones,DEV=0")
    );
    assert_eq!(Config::parse("", "t").unwrap().private_output, None);
    for bad in ["\"\"", "\"hw:0; reboot\"", "\"two words\"", "3"] {
        let err = Config::parse(&format!("[speech]\nprivate_output = {bad}\n"), "t").unwrap_err();
        assert!(
            err.problems()
                .iter()
                .any(|p| p.starts_with("speech.private_output")),
            "{bad}: {:?}",
            err.problems()
        );
    }
}
