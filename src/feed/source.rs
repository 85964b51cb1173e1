//! Feed files and bodies: the format told from the content (iCalendar or the JSON
//! feed), size limits, and the errors that make a source unusable as a whole.

use super::*;

/// A parsed feed: its activities, whether it is an example, and one line for each
/// event that was skipped because it was invalid (for the log). `warnings` are about
/// data that was kept but guessed at (an unknown time zone, a truncated file).
#[derive(Debug, Default)]
pub struct ParsedFeed {
    pub activities: Vec<Activity>,
    pub example: bool,
    pub skipped: Vec<String>,
    pub warnings: Vec<String>,
}

/// Feeds larger than this are refused before parsing (the fetcher has the same limit).
pub const MAX_FEED_BYTES: usize = 10 * 1024 * 1024;

/// A source that cannot be used at all: nothing in it is shown. The CLI exits with
/// code 2 for these (1 stays for usage and other errors).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("feed is {0} bytes, more than the limit of {MAX_FEED_BYTES}")]
    TooLarge(usize),
    #[error("feed is empty")]
    Empty,
    /// Never quotes the bytes: a local path may name any file (a key, a secret).
    #[error("neither an iCalendar (BEGIN:VCALENDAR) nor a JSON feed (starting with {{)")]
    UnknownFormat,
    /// A reader's error about a local file, without what it quoted from the file.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Ical(#[from] ical::IcalError),
    #[error(transparent)]
    Json(#[from] json::FeedError),
}

/// Which format a feed is in, told from its first bytes (never from a file name or
/// a Content-Type, which publishers get wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ical,
    Json,
}

/// Detects the format: `BEGIN:VCALENDAR` (any case) or `{`, after an optional UTF-8
/// byte-order mark and white space.
pub fn detect(bytes: &[u8]) -> Result<Format, SourceError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    if body.is_empty() {
        return Err(SourceError::Empty);
    }
    if body.len() >= 15 && body[..15].eq_ignore_ascii_case(b"BEGIN:VCALENDAR") {
        return Ok(Format::Ical);
    }
    if body[0] == b'{' {
        return Ok(Format::Json);
    }
    Err(SourceError::UnknownFormat)
}

/// Parses a feed in either format. `today` only matters for example JSON feeds;
/// `images` resolves JSON `image` values (iCalendar images are URLs).
pub fn parse_any(
    bytes: &[u8],
    today: NaiveDate,
    images: json::ImageResolver,
) -> Result<ParsedFeed, SourceError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(SourceError::TooLarge(bytes.len()));
    }
    match detect(bytes)? {
        Format::Ical => Ok(ical::parse(bytes)?),
        Format::Json => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| json::FeedError::Malformed(format!("not UTF-8: {e}")))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            Ok(json::parse(text, today, images)?)
        }
    }
}

/// Reads a feed (iCalendar or JSON, told from the content) from a local file;
/// pictures are looked up beside it.
pub fn load_file(path: &std::path::Path, today: NaiveDate) -> anyhow::Result<ParsedFeed> {
    use anyhow::Context;
    // Only a regular file, read with the limit: a FIFO or a device is refused before
    // a byte is read.
    let bytes =
        crate::files::read_regular(path, MAX_FEED_BYTES).map_err(|e| SourceError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    let base = path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let resolve = move |name: &str| -> Option<ImageRef> {
        if name.starts_with("http://") || name.starts_with("https://") {
            return Some(ImageRef::Url(name.to_string()));
        }
        let relative = std::path::Path::new(name);
        // Only plain relative paths below the feed's folder.
        let safe = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        safe.then(|| ImageRef::File(base.join(relative)))
    };
    parse_any(&bytes, today, &resolve)
        .map_err(|e| match e {
            // The readers' messages quote values ('...', "...", `...`); from a local
            // file, which may be any file on the kiosk, they are left out.
            SourceError::Ical(_) | SourceError::Json(_) => {
                SourceError::Invalid(unquote_file(&e.to_string(), &bytes))
            }
            other => other,
        })
        .with_context(|| format!("{}", path.display()))
}

/// `message` with every quoted part that occurs in `file` replaced by `…`.
fn unquote_file(message: &str, file: &[u8]) -> String {
    let file = String::from_utf8_lossy(file);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['\'', '"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let after = &rest[open + 1..];
        let Some(close) = after.find(quote) else {
            break;
        };
        let quoted = &after[..close];
        out.push_str(&rest[..=open]);
        let in_file = !quoted.is_empty() && file.contains(quoted);
        out.push_str(if in_file { "…" } else { quoted });
        out.push(quote);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}
