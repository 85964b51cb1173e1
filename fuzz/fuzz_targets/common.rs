//! Shared by both targets: parse with `parse_any`, then expand the catalog for a
//! 14-day window, so the recurrence expansion is fuzzed as well as the parsers.

use chrono::{NaiveDate, TimeZone, Utc};

pub fn parse_and_expand(data: &[u8]) {
    let today = NaiveDate::from_ymd_opt(2025, 3, 24).expect("valid date");
    let Ok(parsed) = samen_kiosk::feed::parse_any(data, today, &|_| None) else {
        return;
    };
    // The week of the switch to summer time (30 March 2025) is inside the window.
    let from = Utc.with_ymd_and_hms(2025, 3, 23, 23, 0, 0).unwrap();
    let to = from + chrono::Duration::days(14);
    let catalog = samen_kiosk::feed::Catalog::new(parsed.activities, false);
    let occurrences = catalog.occurrences(from, to);
    assert!(occurrences.len() <= samen_kiosk::feed::MAX_PER_WINDOW);
}
