//! The example feed compiled into the binary, with its pictures, so that a kiosk with
//! no configuration at all shows something real-looking (and says it is an example).

use super::json::{self, FeedError, ParsedFeed};
use super::{Catalog, ImageRef};
use chrono::NaiveDate;

pub const FEED: &str = include_str!("../../assets/example-feed.json");

const IMAGES: &[(&str, &[u8])] = &[
    (
        "jongeren.jpg",
        include_bytes!("../../assets/images/jongeren.jpg"),
    ),
    (
        "koffie.jpg",
        include_bytes!("../../assets/images/koffie.jpg"),
    ),
    (
        "samen-eten.jpg",
        include_bytes!("../../assets/images/samen-eten.jpg"),
    ),
    (
        "schilderen.jpg",
        include_bytes!("../../assets/images/schilderen.jpg"),
    ),
    ("tuin.jpg", include_bytes!("../../assets/images/tuin.jpg")),
    (
        "wandelen.jpg",
        include_bytes!("../../assets/images/wandelen.jpg"),
    ),
];

/// The bytes of a bundled picture.
pub fn image(name: &str) -> Option<&'static [u8]> {
    IMAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

fn resolve(name: &str) -> Option<ImageRef> {
    IMAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| ImageRef::Bundled(n))
}

/// The example feed, moved to the week of `today`.
pub fn example(today: NaiveDate) -> Result<ParsedFeed, FeedError> {
    json::parse(FEED, today, &resolve)
}

/// The example as a catalog (what a kiosk with no feed configured shows; the feed
/// service decides when, see `FeedService::catalog`). A broken example (it is compiled
/// in and tested, so only in development) gives an empty catalog and an error line.
pub fn catalog(today: NaiveDate) -> Catalog {
    match example(today) {
        Ok(feed) => Catalog::new(feed.activities, true).prepared(today),
        Err(err) => {
            tracing::error!("bundled example feed is broken: {err}");
            Catalog::default()
        }
    }
}
