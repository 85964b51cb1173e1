//! Words composed from data, in all four languages.

use super::*;
use chrono::{NaiveDate, NaiveTime, Weekday};

#[test]
fn dates_read_as_people_say_them() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert_eq!(long_date(Lang::Nl, d), "zaterdag 28 november");
    assert_eq!(long_date(Lang::En, d), "Saturday 28 November");
    assert_eq!(relative_date(Lang::Nl, d, d), "vandaag");
    assert_eq!(relative_date(Lang::Nl, d, d.pred_opt().unwrap()), "morgen");
}

#[test]
fn repeats_in_words() {
    let weekly = Repeat::Weekly {
        days: vec![Weekday::Mon, Weekday::Thu],
        interval: 1,
    };
    assert_eq!(
        repeat_phrase(Lang::Nl, &weekly).unwrap(),
        "elke maandag en donderdag"
    );
    assert_eq!(
        repeat_phrase(Lang::En, &weekly).unwrap(),
        "every Monday and Thursday"
    );
    let monthly = Repeat::MonthlyNth {
        nth: 1,
        day: Weekday::Sat,
    };
    assert_eq!(
        repeat_phrase(Lang::Nl, &monthly).unwrap(),
        "elke eerste zaterdag van de maand"
    );
    assert_eq!(repeat_phrase(Lang::Nl, &Repeat::Once), None);
}

#[test]
fn cost_in_words() {
    assert_eq!(cost(Lang::Nl, Some(0), ""), "Gratis");
    assert_eq!(
        cost(Lang::Nl, Some(250), "inclusief koffie"),
        "€ 2,50 (inclusief koffie)"
    );
    assert_eq!(cost(Lang::En, Some(750), ""), "€7.50");
    assert_eq!(cost(Lang::En, None, ""), "");
    assert_eq!(cost(Lang::Tr, Some(0), ""), "Ücretsiz");
    assert_eq!(cost(Lang::Tr, Some(250), ""), "2,50 €");
    assert_eq!(cost(Lang::Pl, Some(0), ""), "Bezpłatnie");
    assert_eq!(cost(Lang::Pl, Some(500), "z kawą"), "5 € (z kawą)");
}

#[test]
fn every_language_reads_its_own_code() {
    for lang in Lang::ALL {
        assert_eq!(Lang::parse(lang.code()), Some(lang));
    }
    assert_eq!(Lang::parse("tr-TR"), Some(Lang::Tr));
    assert_eq!(Lang::parse("pl_PL"), Some(Lang::Pl));
    assert_eq!(Lang::Tr.endonym(), "Türkçe");
    assert_eq!(Lang::Pl.endonym(), "Polski");
}

#[test]
fn turkish_and_polish_dates() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert_eq!(long_date(Lang::Tr, d), "28 Kasım Cumartesi");
    assert_eq!(long_date(Lang::Pl, d), "sobota, 28 listopada");
    assert_eq!(capitalise(&long_date(Lang::Pl, d)), "Sobota, 28 listopada");
    assert_eq!(relative_date(Lang::Tr, d, d), "bugün");
    assert_eq!(relative_date(Lang::Pl, d, d.pred_opt().unwrap()), "jutro");
    let t = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
    assert_eq!(time_range(Lang::Tr, t, t, true), "tüm gün");
    assert_eq!(time_range(Lang::Pl, t, t, true), "cały dzień");
}

#[test]
fn turkish_and_polish_updated_at() {
    use chrono::TimeZone;
    let when = chrono_tz::Europe::Amsterdam
        .with_ymd_and_hms(2026, 11, 27, 9, 15, 0)
        .single()
        .unwrap();
    let same_day = when.date_naive();
    let next_day = same_day.succ_opt().unwrap();
    assert_eq!(
        updated_at(Lang::Tr, when, same_day),
        "Son güncelleme: 09:15"
    );
    assert_eq!(
        updated_at(Lang::Tr, when, next_day),
        "Son güncelleme: 27 Kasım, 09:15"
    );
    assert_eq!(
        updated_at(Lang::Pl, when, same_day),
        "Zaktualizowano o 09:15"
    );
    assert_eq!(
        updated_at(Lang::Pl, when, next_day),
        "Zaktualizowano 27 listopada o 09:15"
    );
}

#[test]
fn turkish_repeats_in_words() {
    let weekly = |days: Vec<Weekday>, interval| Repeat::Weekly { days, interval };
    let tr = |r: &Repeat| repeat_phrase(Lang::Tr, r).unwrap();
    assert_eq!(tr(&weekly(vec![Weekday::Mon], 1)), "her pazartesi");
    assert_eq!(
        tr(&weekly(vec![Weekday::Mon, Weekday::Thu], 1)),
        "her pazartesi ve perşembe"
    );
    assert_eq!(tr(&weekly(vec![Weekday::Fri], 2)), "2 haftada bir cuma");
    assert_eq!(
        tr(&Repeat::MonthlyNth {
            nth: 1,
            day: Weekday::Sat
        }),
        "her ayın ilk cumartesi günü"
    );
    assert_eq!(tr(&Repeat::Daily), "her gün");
    assert_eq!(tr(&Repeat::Other), "düzenli olarak");
}

#[test]
fn polish_repeats_agree_in_gender_and_case() {
    let weekly = |days: Vec<Weekday>, interval| Repeat::Weekly { days, interval };
    let pl = |r: &Repeat| repeat_phrase(Lang::Pl, r).unwrap();
    assert_eq!(pl(&weekly(vec![Weekday::Mon], 1)), "w każdy poniedziałek");
    assert_eq!(pl(&weekly(vec![Weekday::Wed], 1)), "w każdą środę");
    assert_eq!(
        pl(&weekly(vec![Weekday::Mon, Weekday::Thu], 1)),
        "w poniedziałki i czwartki"
    );
    assert_eq!(
        pl(&weekly(vec![Weekday::Tue, Weekday::Sat], 1)),
        "we wtorki i soboty"
    );
    assert_eq!(
        pl(&weekly(vec![Weekday::Fri], 2)),
        "co drugi tydzień w piątek"
    );
    assert_eq!(
        pl(&weekly(vec![Weekday::Tue, Weekday::Sun], 2)),
        "co drugi tydzień we wtorek i niedzielę"
    );
    assert_eq!(pl(&weekly(vec![Weekday::Sat], 3)), "co 3 tygodnie w sobotę");
    assert_eq!(pl(&weekly(vec![Weekday::Sat], 5)), "co 5 tygodni w sobotę");
    assert_eq!(
        pl(&Repeat::MonthlyNth {
            nth: 1,
            day: Weekday::Sat
        }),
        "w każdą pierwszą sobotę miesiąca"
    );
    assert_eq!(
        pl(&Repeat::MonthlyNth {
            nth: -1,
            day: Weekday::Mon
        }),
        "w każdy ostatni poniedziałek miesiąca"
    );
    assert_eq!(pl(&Repeat::Daily), "codziennie");
    assert_eq!(pl(&Repeat::Other), "regularnie");
}

#[test]
fn an_activity_without_a_title_is_a_neutral_word_on_screen() {
    assert_eq!(activity_title(Lang::Nl, ""), "Activiteit");
    assert_eq!(activity_title(Lang::En, "  "), "Activity");
    assert_eq!(activity_title(Lang::Tr, ""), "Etkinlik");
    assert_eq!(activity_title(Lang::Pl, ""), "Wydarzenie");
    assert_eq!(activity_title(Lang::En, "Koffie"), "Koffie");
}
