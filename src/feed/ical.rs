//! iCalendar (RFC 5545) feeds: Google Calendar, Outlook/Exchange, Nextcloud, Apple and
//! WordPress plugins, turned into [`Activity`] values.
//!
//! What it does: unfolds lines at the byte level (a fold may split a multi-byte UTF-8
//! character), splits the calendar into its components with a cheap line scan, and
//! hands each VEVENT/VTIMEZONE to the `icalendar` crate's parser on its own, so that
//! one broken event costs only that event. It reads DTSTART/DTEND/DURATION (DATE,
//! UTC, floating and TZID times), every RRULE (their union; expanded later by the
//! `rrule` crate in the event's own zone), RDATE (DATE, DATE-TIME, PERIOD), EXDATE,
//! RECURRENCE-ID overrides (RANGE=THISANDFUTURE too; the highest SEQUENCE, then the
//! latest DTSTAMP / LAST-MODIFIED, wins) and STATUS. Time zones: IANA names, Windows
//! names (Outlook), IANA names hidden in longer TZIDs, the VTIMEZONE's X-LIC-LOCATION
//! or its offsets; floating times use X-WR-TIMEZONE, else Europe/Amsterdam.
//!
//! Lenient where the data is sloppy (issue #16), each repair a warning with the
//! event's UID and line: a mismatched or missing END closes the open component; an
//! empty RRULE, a COUNT beside UNTIL or below 1, and rule parts that are not RFC
//! 5545's are dropped; DTEND before DTSTART (or a negative DURATION) is read the other
//! way round; an unreadable DTEND is ignored; a line that is not a property (a text's
//! line break that was not folded) joins the line before; BEGIN/END lines may be in
//! lower case or end in blanks. An event without SUMMARY has an empty title. An
//! event is refused only when no sensible reading exists (no DTSTART, a bad RRULE),
//! a calendar only when no event in it can be read.
//!
//! What it deliberately does not do: it does not evaluate a VTIMEZONE's own
//! transition rules (it maps the zone to an IANA zone instead, whose rules are
//! maintained), nor EXRULE, VTODO/VJOURNAL, alarms or attendees. It refuses
//! sub-hourly rules (FREQ=SECONDLY/MINUTELY): nothing a welfare kiosk lists happens
//! every minute, and such rules are the classic way to make an expander spin.

use super::{
    capped, repeat_of, resolve, windows_zones, Activity, ImageRef, Location, Organizer, Override,
    ParsedFeed, RDate, Status, Tally, Timing, MAX_CATEGORIES, MAX_DATES_PER_EVENT,
    MAX_DESCRIPTION_CHARS, MAX_EVENTS, MAX_OVERRIDES, MAX_SHORT_CHARS, MAX_TITLE_CHARS,
    MAX_URL_CHARS,
};
use crate::i18n::Localized;
use crate::time::ZONE;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Components nest VCALENDAR > VEVENT > VALARM; anything much deeper is hostile.
const MAX_DEPTH: usize = 8;

/// RRULEs read from one event (RFC 5545 allows several; real feeds have two or three).
const MAX_RRULES: usize = 8;

/// Why a whole iCalendar feed is refused.
#[derive(Debug, thiserror::Error)]
pub enum IcalError {
    #[error("not an iCalendar file: it does not start with BEGIN:VCALENDAR")]
    NotCalendar,
    #[error("iCalendar nests components more than {MAX_DEPTH} deep (line {0})")]
    TooDeep(usize),
    #[error("iCalendar: none of its {count} event(s) can be used; first problem: {first}")]
    NoGoodEvents { count: usize, first: String },
}

/// Parses an iCalendar feed. Every usable VEVENT becomes an activity (changed
/// instances are merged into their master); each unusable one is one line in
/// `skipped`. Fails only when the input is not a calendar or no event is usable.
pub fn parse(bytes: &[u8]) -> Result<ParsedFeed, IcalError> {
    // Warnings and skipped events are summarised per kind (`Tally`): a hostile feed
    // cannot write a million log lines.
    let mut notes = Notes {
        warnings: Tally::default(),
        skipped: Tally::with_examples(Tally::SKIPPED_EXAMPLES),
    };
    let prepared = prepare(bytes, &mut notes)?;
    let mut zones = Zones::new(&prepared.timezones, &mut notes.warnings);
    let floating = prepared
        .cal_zone
        .as_deref()
        .and_then(|name| {
            let zone = zones.by_name(name);
            if zone.is_none() {
                notes.warnings.note("unknown X-WR-TIMEZONE values", || {
                    format!(
                        "X-WR-TIMEZONE '{}' is unknown; using Europe/Amsterdam",
                        name.chars().take(100).collect::<String>()
                    )
                });
            }
            zone
        })
        .unwrap_or(ZONE);
    let mut events = Vec::new();
    let mut bad = 0;
    let ignored = prepared.events.len().saturating_sub(MAX_EVENTS);
    notes.warnings.note_many("events ignored", ignored, || {
        format!(
            "more than {MAX_EVENTS} events in the feed; {} ignored",
            super::thousands(ignored)
        )
    });
    for block in prepared.events.iter().take(MAX_EVENTS) {
        let component = match icalendar::parser::read_components(&block.text) {
            Ok(mut list) if !list.is_empty() => list.swap_remove(0),
            Ok(_) => continue,
            Err(err) => {
                bad += 1;
                notes.skipped.note("events skipped", || {
                    format!(
                        "event at line {} ({}): cannot be parsed: {}",
                        block.line,
                        block.uid.as_deref().unwrap_or("no UID"),
                        first_line(&err)
                    )
                });
                continue;
            }
        };
        let mut cx = Cx {
            zones: &mut zones,
            floating,
            warnings: &mut notes.warnings,
            block,
        };
        match cx.event(&component) {
            Ok(event) => events.push(event),
            Err(reason) => {
                bad += 1;
                notes.skipped.note("events skipped", || {
                    format!(
                        "event at line {} ({}): {reason}",
                        block.line,
                        block.uid.as_deref().unwrap_or("no UID")
                    )
                });
            }
        }
    }
    // A feed in which every event is bad is refused as a whole, like the JSON feed:
    // showing an empty screen as if all were well would hide the problem.
    notes.warnings.merge(zones.warnings);
    if events.is_empty() {
        if let Some(line) = prepared.too_deep {
            return Err(IcalError::TooDeep(line));
        }
    }
    if events.is_empty() && bad > 0 {
        return Err(IcalError::NoGoodEvents {
            count: bad,
            first: notes.skipped.first().unwrap_or_default().to_string(),
        });
    }
    let activities = group(events, &mut notes.warnings);
    Ok(ParsedFeed {
        activities,
        example: false,
        skipped: notes.skipped.finish(),
        warnings: notes.warnings.finish(),
    })
}

/// What parsing found wrong, summarised per kind.
struct Notes {
    warnings: Tally,
    skipped: Tally,
}

/// A value as quoted in a warning: at most 60 characters.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty() && l.trim() != "error:")
        .unwrap_or(text);
    line.chars().take(200).collect()
}

// ---------------------------------------------------------------------------------
// Stage 1: bytes to logical lines to components.

/// One top-level component, as unfolded text ready for the icalendar parser.
struct Block {
    text: String,
    /// 1-based logical line where it begins, for messages.
    line: usize,
    uid: Option<String>,
}

struct Prepared {
    cal_zone: Option<String>,
    /// The first line where components nest more than `MAX_DEPTH` deep.
    too_deep: Option<usize>,
    events: Vec<Block>,
    timezones: Vec<Block>,
}

/// Unfolds, checks that this is a calendar, and cuts it into top-level components.
/// Tolerates what publishers get wrong: LF instead of CRLF, blank lines, a missing
/// END:VCALENDAR, a file cut off mid-event (that event is dropped with a warning).
fn prepare(bytes: &[u8], feed: &mut Notes) -> Result<Prepared, IcalError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let raw_lines = unfold(bytes);
    let mut lossy = 0usize;
    let lines: Vec<String> = raw_lines
        .into_iter()
        .map(|l| match String::from_utf8(l) {
            Ok(s) => s,
            Err(e) => {
                lossy += 1;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        })
        .collect();
    if lossy > 0 {
        feed.warnings.note("lines not valid UTF-8", || {
            format!("{lossy} line(s) are not valid UTF-8; bad bytes shown as \u{fffd}")
        });
    }
    let mut numbered = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    match numbered.next() {
        Some((_, first)) if first.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR") => {}
        _ => return Err(IcalError::NotCalendar),
    }
    let mut out = Prepared {
        cal_zone: None,
        too_deep: None,
        events: Vec::new(),
        timezones: Vec::new(),
    };
    // The open component (below VCALENDAR), its nesting, and its lines (an END the
    // scan repairs is a line of its own making).
    let mut stack: Vec<String> = Vec::new();
    let mut current: Vec<Cow<'_, str>> = Vec::new();
    let mut start_line = 0;
    let mut deep = false;
    let mut beyond = 0usize;
    let mut ended = false;
    for (index, line) in numbered {
        let number = index + 1;
        if ended {
            feed.warnings.note("content after END:VCALENDAR", || {
                format!("content after END:VCALENDAR (line {number}) ignored")
            });
            break;
        }
        let upper_prefix = line.get(..6).map(str::to_ascii_uppercase);
        let is_begin = upper_prefix.as_deref() == Some("BEGIN:");
        let is_end = line.get(..4).map(str::to_ascii_uppercase).as_deref() == Some("END:");
        let begins = is_begin.then(|| line[6..].trim().to_ascii_uppercase());
        // A component that never nests (VEVENT, VTODO ...) begins while another is
        // open, or the calendar ends: the open one lacked its END. It is closed here.
        let closes_all = match &begins {
            Some(name) => !stack.is_empty() && TOP_LEVEL.contains(&name.as_str()),
            None => is_end && line[4..].trim().eq_ignore_ascii_case("VCALENDAR"),
        };
        if closes_all && !stack.is_empty() {
            let open = stack.last().cloned().unwrap_or_default();
            feed.warnings.note("components repaired", || {
                format!(
                    "line {number}: {} while {open} (line {start_line}, {}) is open; END:{open} was missing and is assumed",
                    shorten(line.trim()),
                    find_uid(&current).as_deref().unwrap_or("no UID")
                )
            });
            while let Some(name) = stack.pop() {
                current.push(Cow::Owned(format!("END:{name}")));
            }
            beyond = 0;
            finish(&mut current, start_line, &mut deep, &mut out, feed);
        }
        if stack.is_empty() {
            if let Some(name) = begins {
                current = vec![Cow::Owned(format!("BEGIN:{name}"))];
                stack.push(name);
                start_line = number;
                deep = false;
            } else if is_end {
                if line[4..].trim().eq_ignore_ascii_case("VCALENDAR") {
                    ended = true;
                }
                // A stray END at calendar level says nothing useful; ignore it.
            } else if let Some((name, value)) = calendar_property(line) {
                if name.eq_ignore_ascii_case("X-WR-TIMEZONE") && out.cal_zone.is_none() {
                    out.cal_zone = Some(value.trim().to_string());
                }
            }
            continue;
        }
        if let Some(name) = begins {
            // Past MAX_DEPTH only the depth is counted: the component is skipped,
            // and the stack (searched at every END) stays small.
            if stack.len() >= MAX_DEPTH {
                deep = true;
                beyond += 1;
                out.too_deep.get_or_insert(number);
            } else {
                stack.push(name.clone());
            }
            // BEGIN and END lines as the parser wants them: upper case, no trailing
            // blanks (Exchange and some plug-ins write "END:VEVENT ").
            current.push(Cow::Owned(format!("BEGIN:{name}")));
        } else if is_end && beyond > 0 {
            beyond -= 1;
            current.push(Cow::Borrowed(line));
        } else if is_end {
            let name = line[4..].trim().to_ascii_uppercase();
            match stack.iter().rposition(|s| *s == name) {
                Some(at) => {
                    // Inner components left open are closed first.
                    for inner in stack.drain(at + 1..).rev() {
                        feed.warnings.note("components repaired", || {
                            format!(
                                "line {number}: END:{name} while {inner} is open (UID {}); END:{inner} was missing and is assumed",
                                find_uid(&current).as_deref().unwrap_or("none")
                            )
                        });
                        current.push(Cow::Owned(format!("END:{inner}")));
                    }
                    stack.truncate(at);
                    current.push(Cow::Owned(format!("END:{name}")));
                }
                None => {
                    // A typo (END:VTOOD after BEGIN:VTODO) closes the open component.
                    let open = stack.pop().unwrap_or_default();
                    feed.warnings.note("components repaired", || {
                        format!(
                            "line {number}: {} does not match BEGIN:{open} (UID {}); taken as END:{open}",
                            shorten(line.trim()),
                            find_uid(&current).as_deref().unwrap_or("none")
                        )
                    });
                    current.push(Cow::Owned(format!("END:{open}")));
                }
            }
            if stack.is_empty() {
                finish(&mut current, start_line, &mut deep, &mut out, feed);
            }
        } else if !is_property_line(line) && current.len() > 1 {
            // A line break in a text that was not folded (some plug-ins write a
            // DESCRIPTION's lines as they are): the line belongs to the one before.
            feed.warnings.note("lines joined to the line before", || {
                format!(
                    "line {number} (UID {}) is not a property; joined to the line before as a line break",
                    find_uid(&current).as_deref().unwrap_or("none")
                )
            });
            if let Some(last) = current.last_mut() {
                let joined = last.to_mut();
                joined.push_str("\\n");
                joined.push_str(line);
            }
        } else {
            current.push(Cow::Borrowed(line));
        }
    }
    if !stack.is_empty() {
        let kind = current
            .first()
            .and_then(|l| l.get(6..))
            .unwrap_or("component")
            .trim()
            .to_ascii_uppercase();
        let what = format!(
            "{kind} at line {start_line} ({}): the file ends inside it (truncated?)",
            find_uid(&current).as_deref().unwrap_or("no UID")
        );
        if kind == "VEVENT" {
            feed.skipped.note("events skipped", || what);
        } else {
            feed.warnings.note("truncated components", || what);
        }
    } else if !ended {
        feed.warnings.note("truncated files", || {
            "the file ends without END:VCALENDAR (truncated?)".to_string()
        });
    }
    Ok(out)
}

/// NAME[;params]:value with a name of letters, digits and '-' (RFC 5545 3.1).
fn is_property_line(line: &str) -> bool {
    let name_end = line.find([';', ':']).unwrap_or(0);
    name_end > 0
        && line.contains(':')
        && line[..name_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Components that are only ever children of VCALENDAR.
const TOP_LEVEL: [&str; 6] = [
    "VEVENT",
    "VTODO",
    "VJOURNAL",
    "VFREEBUSY",
    "VTIMEZONE",
    "VAVAILABILITY",
];

/// A closed top-level component: an event or a time zone is kept, one nested too
/// deep is skipped, anything else is ignored.
fn finish(
    current: &mut Vec<Cow<'_, str>>,
    start_line: usize,
    deep: &mut bool,
    out: &mut Prepared,
    feed: &mut Notes,
) {
    let kind = current
        .first()
        .and_then(|l| l.get(6..))
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let block = Block {
        text: join(current),
        line: start_line,
        uid: find_uid(current),
    };
    current.clear();
    if std::mem::take(deep) {
        feed.skipped.note("events skipped", || {
            format!(
                "{kind} at line {start_line} ({}): nests components more than {MAX_DEPTH} deep",
                block.uid.as_deref().unwrap_or("no UID")
            )
        });
        return;
    }
    match kind.as_str() {
        "VEVENT" => out.events.push(block),
        "VTIMEZONE" => out.timezones.push(block),
        _ => {}
    }
}

/// RFC 5545 3.1 unfolding on bytes: a line break followed by a space or tab is
/// removed. Done before UTF-8 decoding because publishers fold at 75 octets and may
/// split a multi-byte character. Accepts CRLF and bare LF.
fn unfold(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for physical in bytes.split(|b| *b == b'\n') {
        let physical = physical.strip_suffix(b"\r").unwrap_or(physical);
        match (physical.first(), lines.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => last.extend_from_slice(&physical[1..]),
            _ => lines.push(physical.to_vec()),
        }
    }
    lines
}

/// Lines joined with CRLF: the icalendar parser looks for "\r\n" first and would
/// scan to the end of the input for every property of an LF-only file.
fn join<S: AsRef<str>>(lines: &[S]) -> String {
    let mut text = String::with_capacity(lines.iter().map(|l| l.as_ref().len() + 2).sum());
    for line in lines {
        text.push_str(line.as_ref().trim_end_matches('\r'));
        text.push_str("\r\n");
    }
    text
}

fn find_uid<S: AsRef<str>>(lines: &[S]) -> Option<String> {
    lines.iter().find_map(|l| {
        let (name, value) = calendar_property(l.as_ref())?;
        name.eq_ignore_ascii_case("UID")
            .then(|| value.trim().chars().take(200).collect())
    })
}

/// NAME[;params]:value, for the few calendar-level properties read without the parser.
fn calendar_property(line: &str) -> Option<(&str, &str)> {
    let (head, value) = line.split_once(':')?;
    let name = head.split(';').next()?;
    Some((name.trim(), value))
}

// ---------------------------------------------------------------------------------
// Stage 2: time zones.

/// (X-LIC-LOCATION, standard offset, daylight offset in seconds) of a VTIMEZONE.
type Definition = (Option<String>, Option<i32>, Option<i32>);

/// TZID values to zones, with the calendar's VTIMEZONEs as a last resort.
struct Zones {
    /// TZID -> what its VTIMEZONE says.
    definitions: HashMap<String, Definition>,
    cache: HashMap<String, Tz>,
    warnings: Tally,
}

impl Zones {
    fn new(blocks: &[Block], warnings: &mut Tally) -> Self {
        let mut definitions = HashMap::new();
        for block in blocks {
            let component = match icalendar::parser::read_components(&block.text) {
                Ok(mut list) if !list.is_empty() => list.swap_remove(0),
                _ => {
                    warnings.note("VTIMEZONEs that cannot be parsed", || {
                        format!("VTIMEZONE at line {} cannot be parsed; ignored", block.line)
                    });
                    continue;
                }
            };
            let Some(tzid) = value(&component, "TZID") else {
                continue;
            };
            let location = value(&component, "X-LIC-LOCATION").map(str::to_string);
            let mut standard = None;
            let mut daylight = None;
            for part in &component.components {
                let offset = value(part, "TZOFFSETTO").and_then(parse_offset);
                match part.name.as_str().to_ascii_uppercase().as_str() {
                    "STANDARD" => standard = standard.or(offset),
                    "DAYLIGHT" => daylight = daylight.or(offset),
                    _ => {}
                }
            }
            definitions.insert(unquote(tzid).to_string(), (location, standard, daylight));
        }
        Zones {
            definitions,
            cache: HashMap::new(),
            warnings: Tally::default(),
        }
    }

    /// A zone by name without VTIMEZONE help: IANA, Windows, or an IANA name at the
    /// end of a longer TZID ("/freeassociation.sourceforge.net/Europe/Amsterdam").
    fn by_name(&self, name: &str) -> Option<Tz> {
        let name = unquote(name);
        if let Ok(zone) = name.parse::<Tz>() {
            return Some(zone);
        }
        if let Some(zone) = windows_zones::lookup(name) {
            return Some(zone);
        }
        name.match_indices('/')
            .find_map(|(at, _)| name[at + 1..].parse::<Tz>().ok())
    }

    /// The zone for a TZID parameter. Unknown zones fall back to Europe/Amsterdam
    /// with one warning per name: the kiosk's own zone is the likeliest meaning.
    fn tzid(&mut self, tzid: &str) -> Tz {
        if let Some(zone) = self.cache.get(tzid) {
            return *zone;
        }
        let zone = self
            .by_name(tzid)
            .or_else(|| self.by_definition(tzid))
            .unwrap_or_else(|| {
                self.warnings.note("unknown time zones", || {
                    format!(
                        "time zone '{}' is unknown; its times are taken as Europe/Amsterdam",
                        tzid.chars().take(100).collect::<String>()
                    )
                });
                ZONE
            });
        self.cache.insert(tzid.to_string(), zone);
        zone
    }

    /// From the VTIMEZONE: its X-LIC-LOCATION, else a well-known zone with the same
    /// standard and daylight offsets (their transition dates are the usual ones), else
    /// a fixed offset.
    fn by_definition(&self, tzid: &str) -> Option<Tz> {
        let (location, standard, daylight) = self.definitions.get(unquote(tzid))?;
        if let Some(zone) = location.as_deref().and_then(|l| self.by_name(l)) {
            return Some(zone);
        }
        let standard = (*standard)?;
        let name = match (standard / 60, daylight.map(|d| d / 60)) {
            (60, Some(120)) => "Europe/Berlin",
            (0, Some(60)) => "Europe/London",
            (120, Some(180)) => "Europe/Helsinki",
            (-300, Some(-240)) => "America/New_York",
            (-360, Some(-300)) => "America/Chicago",
            (-420, Some(-360)) => "America/Denver",
            (-480, Some(-420)) => "America/Los_Angeles",
            (minutes, None) if minutes % 60 == 0 && (-12..=14).contains(&(minutes / 60)) => {
                // Etc/GMT signs are inverted: Etc/GMT-1 is UTC+1.
                let hours = minutes / 60;
                return match hours {
                    0 => Some(chrono_tz::Etc::UTC),
                    h if h > 0 => format!("Etc/GMT-{h}").parse().ok(),
                    h => format!("Etc/GMT+{}", -h).parse().ok(),
                };
            }
            _ => return None,
        };
        name.parse().ok()
    }
}

fn unquote(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// "+0100", "-0500", "+013000" to seconds east of UTC.
fn parse_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..4].parse().ok()?;
    let seconds: i32 = match digits.get(4..) {
        Some(s) if !s.is_empty() => s.parse().ok()?,
        _ => 0,
    };
    Some(sign * (hours * 3600 + minutes * 60 + seconds))
}

// ---------------------------------------------------------------------------------
// Stage 3: one VEVENT to an activity.

/// A date or date-time value as written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    Floating(NaiveDateTime),
    Utc(NaiveDateTime),
    Zoned(NaiveDateTime, Tz),
}

impl When {
    /// The instant it means; a date is taken at `time` in `zone`, a floating time in
    /// `floating`.
    fn instant(self, zone: Tz, time: NaiveTime, floating: Tz) -> DateTime<Tz> {
        match self {
            When::Date(d) => resolve(zone, d.and_time(time)),
            When::Floating(t) => resolve(floating, t),
            When::Utc(t) => resolve(chrono_tz::UTC, t),
            When::Zoned(t, z) => resolve(z, t),
        }
    }

    /// The same kind of value, `by` earlier (a date by whole days).
    fn earlier(self, by: Duration) -> When {
        let minus = |t: NaiveDateTime| t.checked_sub_signed(by).unwrap_or(t);
        match self {
            When::Date(d) => When::Date(
                d.checked_sub_days(chrono::Days::new(by.num_days().max(0) as u64))
                    .unwrap_or(d),
            ),
            When::Floating(t) => When::Floating(minus(t)),
            When::Utc(t) => When::Utc(minus(t)),
            When::Zoned(t, z) => When::Zoned(minus(t), z),
        }
    }

    fn date(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Floating(t) | When::Utc(t) | When::Zoned(t, _) => t.date(),
        }
    }
}

/// A VEVENT before grouping by UID.
struct Event {
    activity: Activity,
    recurrence_id: Option<When>,
    /// RECURRENCE-ID;RANGE=THISANDFUTURE: the change applies to later instances too.
    this_and_future: bool,
    sequence: i64,
    /// The later of DTSTAMP and LAST-MODIFIED.
    stamp: Option<DateTime<Utc>>,
}

impl Event {
    /// Which of two versions of the same component wins: the higher SEQUENCE, then
    /// the later DTSTAMP / LAST-MODIFIED (RFC 5545 3.8.7.4).
    fn version(&self) -> (i64, Option<DateTime<Utc>>) {
        (self.sequence, self.stamp)
    }
}

struct Cx<'a> {
    zones: &'a mut Zones,
    /// Where floating times are (X-WR-TIMEZONE, else Europe/Amsterdam).
    floating: Tz,
    warnings: &'a mut Tally,
    /// The event as text and where it begins, for warnings that name the line.
    block: &'a Block,
}

fn value<'a>(c: &'a Component, name: &str) -> Option<&'a str> {
    c.properties
        .iter()
        .find(|p| p.name.as_str().eq_ignore_ascii_case(name))
        .map(|p| p.val.as_str())
}

fn all<'a, 'b>(c: &'a Component<'b>, name: &'a str) -> impl Iterator<Item = &'a Property<'b>> {
    c.properties
        .iter()
        .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

fn param<'a>(p: &'a Property, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str())
}

impl Cx<'_> {
    /// A property repaired or ignored so that the event can be shown: one warning
    /// with the event's UID and the property's line.
    fn repaired(&mut self, property: &str, what: impl FnOnce() -> String) {
        let block = self.block;
        self.warnings.note("properties repaired", || {
            let offset = block
                .text
                .split("\r\n")
                .position(|l| {
                    calendar_property(l)
                        .is_some_and(|(name, _)| name.eq_ignore_ascii_case(property))
                })
                .unwrap_or(0);
            format!(
                "event {} line {}: {}",
                block
                    .uid
                    .as_deref()
                    .map(shorten)
                    .unwrap_or("(no UID)".into()),
                block.line + offset,
                what()
            )
        });
    }

    fn event(&mut self, c: &Component) -> Result<Event, String> {
        let dtstart = all(c, "DTSTART").next().ok_or("no DTSTART")?;
        let mut start_when = self.when_of(dtstart).map_err(|e| format!("DTSTART: {e}"))?;
        let mut end_when = match all(c, "DTEND").next() {
            Some(p) => match self.when_of(p) {
                Ok(end) => Some(end),
                Err(e) => {
                    // Empty or garbled: the event is read as if it had none.
                    self.repaired("DTEND", || format!("DTEND ignored: {e}"));
                    None
                }
            },
            None => None,
        };
        // A negative DURATION (it ends before it starts): read the other way round,
        // as with DTEND before DTSTART.
        if end_when.is_none() {
            if let Some(length) = value(c, "DURATION")
                .and_then(|d| d.trim().strip_prefix('-'))
                .and_then(parse_duration)
            {
                self.repaired("DURATION", || {
                    "negative DURATION; the event is taken to end at DTSTART".into()
                });
                end_when = Some(start_when);
                start_when = start_when.earlier(length);
            }
        }
        if let Some(end) = end_when.filter(|end| self.before(*end, start_when)) {
            // What mature readers do: the two are taken the other way round.
            self.repaired("DTEND", || {
                "DTEND is before DTSTART; the two are swapped".into()
            });
            end_when = Some(start_when);
            start_when = end;
        }
        let (start, zone, all_day) = match start_when {
            When::Date(d) => (d.and_time(NaiveTime::MIN), ZONE, true),
            When::Floating(t) => (t, self.floating, false),
            When::Utc(t) => (t, chrono_tz::UTC, false),
            When::Zoned(t, z) => (t, z, false),
        };
        let first = resolve(zone, start);
        let duration = self.duration(c, start_when, end_when, first, all_day)?;

        // Every RRULE (their instances are the union); an empty one is ignored.
        let mut rules = Vec::new();
        for p in all(c, "RRULE") {
            let text = p.val.as_str();
            if text.trim().is_empty() {
                self.repaired("RRULE", || "empty RRULE ignored".into());
                continue;
            }
            if rules.len() >= MAX_RRULES {
                self.repaired("RRULE", || {
                    format!("more than {MAX_RRULES} RRULEs; the rest ignored")
                });
                break;
            }
            let mut fixes = Vec::new();
            let rule = normalise_rrule(text, zone, all_day, start, self.floating, &mut fixes)
                .map_err(|e| format!("RRULE: {e}"))?;
            for fix in fixes {
                self.repaired("RRULE", || format!("RRULE '{}': {fix}", shorten(text)));
            }
            rules.push(rule);
        }
        let mut rules = rules.into_iter();
        let rrule = rules.next();
        let more_rrules: Vec<String> = rules.collect();

        let time_of_day = start.time();
        let floating = self.floating;
        let in_zone = |w: When| -> NaiveDateTime {
            if all_day {
                w.date().and_time(NaiveTime::MIN)
            } else {
                w.instant(zone, time_of_day, floating)
                    .with_timezone(&zone)
                    .naive_local()
            }
        };
        // At most MAX_DATES_PER_EVENT of each; the rest are counted, not read.
        let mut exdates = Vec::new();
        let mut extra = 0usize;
        for p in all(c, "EXDATE") {
            for item in p.val.as_str().split(',').filter(|s| !s.trim().is_empty()) {
                if exdates.len() >= MAX_DATES_PER_EVENT {
                    extra += 1;
                    continue;
                }
                match self.when_in(p, item) {
                    Ok(w) => exdates.push(in_zone(w)),
                    Err(e) => self.warnings.note("EXDATE values ignored", || {
                        format!("EXDATE '{}' ignored: {e}", shorten(item))
                    }),
                }
            }
        }
        self.warnings.note_many("EXDATE values ignored", extra, || {
            format!(
                "more than {MAX_DATES_PER_EVENT} EXDATE values in one event; {} ignored",
                super::thousands(extra)
            )
        });
        let mut rdates = Vec::new();
        let mut extra = 0usize;
        for p in all(c, "RDATE") {
            for item in p.val.as_str().split(',').filter(|s| !s.trim().is_empty()) {
                if rdates.len() >= MAX_DATES_PER_EVENT {
                    extra += 1;
                    continue;
                }
                match self.rdate(p, item, zone, all_day) {
                    Ok((w, length)) => rdates.push(RDate {
                        start: in_zone(w),
                        duration: length,
                    }),
                    Err(e) => self.warnings.note("RDATE values ignored", || {
                        format!("RDATE '{}' ignored: {e}", shorten(item))
                    }),
                }
            }
        }
        self.warnings.note_many("RDATE values ignored", extra, || {
            format!(
                "more than {MAX_DATES_PER_EVENT} RDATE values in one event; {} ignored",
                super::thousands(extra)
            )
        });
        let recurrence_id = match all(c, "RECURRENCE-ID").next() {
            None => None,
            Some(p) => Some((
                self.when_of(p).map_err(|e| format!("RECURRENCE-ID: {e}"))?,
                param(p, "RANGE").is_some_and(|r| unquote(r).eq_ignore_ascii_case("THISANDFUTURE")),
            )),
        };
        let (recurrence_id, this_and_future) = match recurrence_id {
            Some((when, future)) => (Some(when), future),
            None => (None, false),
        };
        // The later of DTSTAMP and LAST-MODIFIED decides between equal SEQUENCEs.
        let stamp = ["DTSTAMP", "LAST-MODIFIED"]
            .iter()
            .filter_map(|name| value(c, name))
            .filter_map(|text| parse_when(text, None).ok())
            .map(|w| {
                w.instant(chrono_tz::UTC, NaiveTime::MIN, chrono_tz::UTC)
                    .with_timezone(&Utc)
            })
            .max();

        let status = match value(c, "STATUS").map(|s| s.trim().to_ascii_uppercase()) {
            Some(s) if s == "CANCELLED" || s == "CANCELED" => Status::Cancelled,
            Some(s) if s == "TENTATIVE" => Status::Tentative,
            _ => Status::Confirmed,
        };
        let title = value(c, "SUMMARY").unwrap_or("").trim();
        let title_chars = title.chars().count();
        if title_chars > MAX_TITLE_CHARS {
            return Err(format!("SUMMARY is {title_chars} characters long"));
        }
        let mut cut = 0usize;
        // Without SUMMARY the title is empty: the screens show a neutral word
        // ("Activiteit"), `feed occurrences` an empty title.
        let description = capped(
            value(c, "DESCRIPTION").unwrap_or(""),
            MAX_DESCRIPTION_CHARS,
            &mut cut,
        );
        let uid = match value(c, "UID").map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.chars().take(500).collect(),
            // Without a UID the event still deserves a stable id across refreshes.
            None => format!("{}-{}", start.format("%Y%m%dT%H%M%S"), title),
        };
        let mut categories: Vec<String> = Vec::new();
        for p in all(c, "CATEGORIES") {
            for item in split_text_list(p.val.as_str()) {
                let item = capped(&item, MAX_SHORT_CHARS, &mut cut).to_lowercase();
                if item.is_empty() {
                    continue;
                }
                if categories.len() >= MAX_CATEGORIES {
                    cut += 1;
                    continue;
                }
                categories.push(item);
            }
        }
        let organizer = all(c, "ORGANIZER")
            .next()
            .map(|p| {
                let address = p.val.as_str().trim();
                Organizer {
                    name: param(p, "CN")
                        .map(|n| capped(unquote(n), MAX_SHORT_CHARS, &mut cut))
                        .unwrap_or_default(),
                    email: address
                        .get(..7)
                        .filter(|s| s.eq_ignore_ascii_case("mailto:"))
                        .map(|_| capped(&address[7..], MAX_SHORT_CHARS, &mut cut))
                        .unwrap_or_default(),
                    ..Organizer::default()
                }
            })
            .unwrap_or_default();
        let image = all(c, "IMAGE")
            .chain(all(c, "ATTACH").filter(|p| {
                param(p, "FMTTYPE").is_some_and(|t| t.to_ascii_lowercase().starts_with("image/"))
            }))
            .map(|p| p.val.as_str().trim())
            .filter(|v| v.len() <= MAX_URL_CHARS)
            .find(|v| v.starts_with("https://") || v.starts_with("http://"))
            .map(|v| ImageRef::Url(v.to_string()));
        let sequence = value(c, "SEQUENCE")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let place = capped(
            value(c, "LOCATION").unwrap_or(""),
            MAX_SHORT_CHARS,
            &mut cut,
        );
        if cut > 0 {
            self.warnings.note("events with text cut to length", || {
                format!("event {}: text longer than its cap was cut", shorten(&uid))
            });
        }
        let local_start = first.with_timezone(&ZONE).naive_local();
        let activity = Activity {
            id: uid,
            title: Localized::new(title),
            description: Localized::new(description),
            accessibility: Localized::default(),
            location: Location {
                name: place,
                address: String::new(),
            },
            organizer,
            url: value(c, "URL")
                .map(str::trim)
                .filter(|u| u.len() <= MAX_URL_CHARS)
                .unwrap_or("")
                .to_string(),
            image,
            cost_cents: None,
            cost_note: Localized::default(),
            categories,
            status,
            repeat: if more_rrules.is_empty() {
                repeat_of(rrule.as_deref(), local_start)
            } else {
                crate::i18n::Repeat::Other
            },
            timing: Timing {
                start,
                zone,
                duration,
                all_day,
                rrule,
                more_rrules,
                rdates,
                exdates,
                overrides: Vec::new(),
            },
        };
        Ok(Event {
            activity,
            recurrence_id,
            this_and_future,
            sequence,
            stamp,
        })
    }

    /// The length from DTEND or DURATION; RFC 5545 3.6.1: without either, a DATE
    /// start lasts one day and a DATE-TIME start takes no time.
    fn duration(
        &mut self,
        c: &Component,
        start: When,
        end: Option<When>,
        first: DateTime<Tz>,
        all_day: bool,
    ) -> Result<Duration, String> {
        if let Some(end) = end {
            if all_day {
                let days = (end.date() - start.date()).num_days();
                return Ok(Duration::days(days.max(1)));
            }
            let end = end.instant(first.timezone(), first.time(), self.floating);
            return Ok(end.signed_duration_since(first).max(Duration::zero()));
        }
        if let Some(text) = value(c, "DURATION") {
            let length = parse_duration(text).ok_or_else(|| format!("DURATION '{text}'"))?;
            return Ok(if all_day {
                Duration::days(length.num_days().max(1))
            } else {
                length
            });
        }
        Ok(if all_day {
            Duration::days(1)
        } else {
            Duration::zero()
        })
    }

    /// Whether `a` is before `b`: dates by date, anything else as instants.
    fn before(&self, a: When, b: When) -> bool {
        match (a, b) {
            (When::Date(x), When::Date(y)) => x < y,
            _ => {
                let at = |w: When| w.instant(ZONE, NaiveTime::MIN, self.floating);
                at(a) < at(b)
            }
        }
    }

    fn when_of(&mut self, p: &Property) -> Result<When, String> {
        self.when_in(p, p.val.as_str())
    }

    /// One value of a date/date-time property, with the property's TZID.
    fn when_in(&mut self, p: &Property, text: &str) -> Result<When, String> {
        let zone = param(p, "TZID").map(|z| self.zones.tzid(z));
        parse_when(text, zone)
    }

    /// One RDATE value: a date, a date-time, or a PERIOD (start/end or start/duration).
    fn rdate(
        &mut self,
        p: &Property,
        item: &str,
        zone: Tz,
        all_day: bool,
    ) -> Result<(When, Option<Duration>), String> {
        let Some((a, b)) = item.split_once('/') else {
            return Ok((self.when_in(p, item)?, None));
        };
        let start = self.when_in(p, a)?;
        let begin = start.instant(zone, NaiveTime::MIN, self.floating);
        let length = match b.trim().starts_with(['P', '+', '-']) {
            true => parse_duration(b).ok_or_else(|| format!("period length '{b}'"))?,
            false => {
                let end = self.when_in(p, b)?;
                end.instant(zone, NaiveTime::MIN, self.floating)
                    .signed_duration_since(begin)
            }
        };
        if length < Duration::zero() {
            return Err("period ends before it starts".into());
        }
        let length = if all_day {
            Duration::days(length.num_days().max(1))
        } else {
            length
        };
        Ok((start, Some(length)))
    }
}

/// DATE (YYYYMMDD), DATE-TIME (YYYYMMDDTHHMMSS) with an optional Z. Strict, so that
/// "20261332T250000" is an error rather than a guess.
fn parse_when(text: &str, zone: Option<Tz>) -> Result<When, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "'{}' is not a date or date-time",
            text.chars().take(40).collect::<String>()
        )
    };
    let bytes = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        bytes
            .get(r)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    if bytes.len() == 8 && digits(0..8) {
        return NaiveDate::parse_from_str(text, "%Y%m%d")
            .map(When::Date)
            .map_err(|_| bad());
    }
    let utc = bytes.len() == 16 && matches!(bytes[15], b'Z' | b'z');
    if (bytes.len() == 15 || utc)
        && digits(0..8)
        && matches!(bytes[8], b'T' | b't')
        && digits(9..15)
    {
        let t = NaiveDateTime::parse_from_str(&text[..15].to_ascii_uppercase(), "%Y%m%dT%H%M%S")
            .map_err(|_| bad())?;
        return Ok(match (utc, zone) {
            (true, _) => When::Utc(t),
            (false, Some(z)) => When::Zoned(t, z),
            (false, None) => When::Floating(t),
        });
    }
    Err(bad())
}

/// RFC 5545 durations: [+]P[n]W or [+]P[nD][T[nH][nM][nS]]. Negative ones are refused
/// (an event cannot end before it starts).
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    let length = super::json::parse_duration(text)?;
    (length >= Duration::zero() && length <= Duration::days(3660)).then_some(length)
}

/// CATEGORIES is a comma list of TEXT; the parser leaves its escapes in place.
fn split_text_list(text: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => push_last(&mut items, '\n'),
                Some(other) => push_last(&mut items, other),
                None => {}
            },
            ',' => items.push(String::new()),
            other => push_last(&mut items, other),
        }
    }
    items
}

fn push_last(items: &mut [String], c: char) {
    if let Some(last) = items.last_mut() {
        last.push(c);
    }
}

/// Makes an RRULE value safe and understandable for the rrule crate: refuses
/// sub-hourly frequencies, rewrites UNTIL to UTC (the crate demands UTC when DTSTART
/// has a zone, but publishers write DATE and floating UNTILs), and validates it.
fn normalise_rrule(
    rule: &str,
    zone: Tz,
    all_day: bool,
    start: NaiveDateTime,
    floating: Tz,
    fixes: &mut Vec<&'static str>,
) -> Result<String, String> {
    let rule = rule.trim();
    let rule = rule
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("RRULE:"))
        .map_or(rule, |_| &rule[6..]);
    let mut parts = Vec::new();
    for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
        let (key, val) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' is not KEY=VALUE"))?;
        let key = key.trim().to_ascii_uppercase();
        let val = val.trim();
        match key.as_str() {
            "FREQ" if matches!(val.to_ascii_uppercase().as_str(), "SECONDLY" | "MINUTELY") => {
                return Err(format!("FREQ={val} is not supported (repeats too often)"));
            }
            known if !RULE_PARTS.contains(&known) => {
                // X- parts and RFC 7529's RSCALE/SKIP: the rrule crate refuses them.
                fixes.push("a rule part that is not RFC 5545's ignored");
                continue;
            }
            "UNTIL" => {
                let until = parse_when(val, None).map_err(|e| format!("UNTIL: {e}"))?;
                // A DATE UNTIL is the start of that day in the event's zone, as
                // mature readers take it (python-dateutil, libical): with a
                // DATE-TIME DTSTART, an instance later that day is not included.
                let instant = match until {
                    When::Date(d) => resolve(zone, d.and_time(NaiveTime::MIN)),
                    // All-day instances are dates: a date-time UNTIL includes the
                    // date it names (a UTC one its UTC date), as the reference does.
                    other if all_day => resolve(ZONE, other.date().and_time(NaiveTime::MIN)),
                    // Otherwise UNTIL is an instant (RFC 5545 3.3.10), compared as
                    // one with the instances wherever DTSTART is.
                    other => other.instant(zone, NaiveTime::MIN, floating_or(zone, floating)),
                };
                let utc = instant.with_timezone(&Utc);
                parts.push(format!("UNTIL={}", utc.format("%Y%m%dT%H%M%SZ")));
                continue;
            }
            _ => {}
        }
        parts.push(format!("{key}={val}"));
    }
    // COUNT and UNTIL together (RFC 5545 forbids it): UNTIL is kept. A COUNT below
    // one says nothing: it is dropped.
    let has_until = parts.iter().any(|p| p.starts_with("UNTIL="));
    let before = parts.len();
    parts.retain(|p| {
        let Some(count) = p.strip_prefix("COUNT=") else {
            return true;
        };
        if has_until {
            return false;
        }
        count.parse::<i64>().map_or(true, |n| n > 0)
    });
    if parts.len() < before {
        fixes.push(if has_until {
            "COUNT and UNTIL together; COUNT ignored"
        } else {
            "COUNT below 1 ignored"
        });
    }
    let normalised = parts.join(";");
    let parsed = super::parse_rule(&normalised)?;
    let dt_start = resolve(zone, start).with_timezone(&rrule::Tz::Tz(zone));
    parsed.validate(dt_start).map_err(|e| format!("{e}"))?;
    Ok(normalised)
}

/// The rule parts of RFC 5545 3.3.10.
const RULE_PARTS: [&str; 14] = [
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
];

/// A floating UNTIL belongs with the event's own zone (RFC 5545: UNTIL has the same
/// value type as DTSTART); `floating` is only used when the event itself is UTC.
fn floating_or(zone: Tz, floating: Tz) -> Tz {
    if zone == chrono_tz::UTC {
        floating
    } else {
        zone
    }
}

// ---------------------------------------------------------------------------------
// Stage 4: masters and their changed instances.

/// Groups events by UID: one master each (the highest SEQUENCE wins a duplicate),
/// RECURRENCE-ID events become overrides of their master. An override without a
/// master is shown as an event of its own.
fn group(events: Vec<Event>, warnings: &mut Tally) -> Vec<Activity> {
    type Version = (i64, Option<DateTime<Utc>>);
    let mut masters: Vec<(Activity, Version)> = Vec::new();
    let mut by_uid: HashMap<String, usize> = HashMap::new();
    let mut changed = Vec::new();
    for e in events {
        if e.recurrence_id.is_some() {
            changed.push(e);
            continue;
        }
        let version = e.version();
        match by_uid.get(&e.activity.id) {
            Some(&i) => {
                warnings.note("UIDs that appear twice", || {
                    format!(
                        "UID {} appears twice; the highest SEQUENCE (then the latest DTSTAMP) is kept",
                        shorten(&e.activity.id)
                    )
                });
                if version > masters[i].1 {
                    masters[i] = (e.activity, version);
                }
            }
            None => {
                by_uid.insert(e.activity.id.clone(), masters.len());
                masters.push((e.activity, version));
            }
        }
    }
    // Newer versions last (stable: equal ones keep their order), so that each
    // replaces an older override of the same instance.
    changed.sort_by_key(Event::version);
    // (master, instance) to its place in the master's overrides: a replacement is
    // found without a search (a feed may have 100,000 changed instances).
    let mut placed: HashMap<(usize, DateTime<Utc>), usize> = HashMap::new();
    for e in changed {
        let Some(when) = e.recurrence_id else {
            continue;
        };
        let version = e.version();
        let Some(&i) = by_uid.get(&e.activity.id) else {
            // Orphan: it becomes the master for its UID, so that later orphans of
            // the same UID are not dropped as duplicates.
            by_uid.insert(e.activity.id.clone(), masters.len());
            masters.push((e.activity, version));
            continue;
        };
        let master = &mut masters[i].0;
        let t = &master.timing;
        let recurrence_id = if t.all_day {
            crate::time::start_of_day(when.date())
        } else {
            when.instant(t.zone, t.start.time(), t.zone)
        }
        .with_timezone(&Utc);
        let mut activity = e.activity;
        // Publishers often send only what changed; the rest comes from the master.
        inherit(&mut activity, master);
        let overrides = &mut master.timing.overrides;
        let replacement = Override {
            recurrence_id,
            this_and_future: e.this_and_future,
            activity: Arc::new(activity),
        };
        match placed.get(&(i, recurrence_id)) {
            Some(&at) => overrides[at] = replacement,
            None if overrides.len() >= MAX_OVERRIDES => {
                warnings.note("changed instances ignored", || {
                    format!(
                        "UID {}: more than {MAX_OVERRIDES} changed instances; the rest ignored",
                        shorten(&master.id)
                    )
                });
            }
            None => {
                placed.insert((i, recurrence_id), overrides.len());
                overrides.push(replacement);
            }
        }
    }
    masters.into_iter().map(|(a, _)| a).collect()
}

fn inherit(changed: &mut Activity, master: &Activity) {
    if changed.description.get(crate::i18n::Lang::Nl).is_empty() {
        changed.description = master.description.clone();
    }
    if changed.location.name.is_empty() {
        changed.location = master.location.clone();
    }
    if changed.url.is_empty() {
        changed.url = master.url.clone();
    }
    if changed.categories.is_empty() {
        changed.categories = master.categories.clone();
    }
    if changed.organizer == Organizer::default() {
        changed.organizer = master.organizer.clone();
    }
    if changed.image.is_none() {
        changed.image = master.image.clone();
    }
    changed.repeat = master.repeat.clone();
    // A changed instance is one instance: it must not multiply. RANGE=THISANDFUTURE
    // is applied to the master's later instances (`Override::this_and_future`).
    changed.timing.rrule = None;
    changed.timing.more_rrules.clear();
    changed.timing.rdates.clear();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Catalog;
    use crate::i18n::Lang;

    fn cal(events: &str) -> Vec<u8> {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{events}END:VCALENDAR\r\n")
            .into_bytes()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("test instant")
    }

    /// (title, start RFC 3339 in Amsterdam, end, status) of every occurrence.
    fn list(bytes: &[u8], from: &str, to: &str) -> Vec<(String, String, String, &'static str)> {
        let feed = parse(bytes).expect("parses");
        let catalog = Catalog::new(feed.activities, false);
        catalog
            .occurrences(utc(from), utc(to))
            .into_iter()
            .map(|o| {
                (
                    o.activity.title.get(Lang::Nl).to_string(),
                    o.start.to_rfc3339(),
                    o.end.to_rfc3339(),
                    o.status.as_str(),
                )
            })
            .collect()
    }

    /// cargo fuzz (ical target), minimised: a byte that is not UTF-8 becomes U+FFFD
    /// inside BYDAY, and rrule 0.14 panicked slicing "1F\u{fffd}T" by bytes.
    #[test]
    fn fuzz_non_ascii_byday_is_refused_not_a_panic() {
        let bytes = b"BEGIN:VCALENDAR\r\n\nBEGIN:VEVENT\r\nDTSTART:20261002\nRRULE:FREQ=MONTHLY;BYDAY=1F\xfdT\r\nEND:VEVENT\r\n\n";
        let err = parse(bytes).expect_err("the only event is refused");
        assert!(err.to_string().contains("ASCII"), "{err}");
        let bytes = cal("BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261002T100000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=1FÉ\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:v\r\nDTSTART:20261002T100000Z\r\nEND:VEVENT\r\n");
        let feed = parse(&bytes).expect("the good event is kept");
        assert_eq!(feed.activities.len(), 1);
        assert_eq!(feed.skipped.len(), 1);
    }

    #[test]
    fn folding_across_a_multibyte_character() {
        // "é" is C3 A9; the fold falls between its two bytes.
        let mut bytes = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Caf\xC3\r\n \xA9 samen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".to_vec();
        let feed = parse(&bytes).expect("parses");
        assert_eq!(feed.activities[0].title.get(Lang::Nl), "Café samen");
        assert!(feed.warnings.is_empty(), "{:?}", feed.warnings);
        // The same with bare LF and a tab as the fold.
        bytes = b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:f\nDTSTART:20261201T100000Z\nSUMMARY:Caf\xC3\n\t\xA9\nEND:VEVENT\nEND:VCALENDAR\n".to_vec();
        let feed = parse(&bytes).expect("parses");
        assert_eq!(feed.activities[0].title.get(Lang::Nl), "Café");
    }

    #[test]
    fn escaped_text() {
        let bytes = cal("BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Koffie\\, thee \\; koek\r\nDESCRIPTION:Regel een\\nregel twee\\\\pad\r\nCATEGORIES:Eten\\, drinken,Ontmoeten\r\nEND:VEVENT\r\n");
        let feed = parse(&bytes).expect("parses");
        let a = &feed.activities[0];
        assert_eq!(a.title.get(Lang::Nl), "Koffie, thee ; koek");
        assert_eq!(a.description.get(Lang::Nl), "Regel een\nregel twee\\pad");
        assert_eq!(a.categories, vec!["eten, drinken", "ontmoeten"]);
    }

    #[test]
    fn windows_zone_name() {
        let bytes = cal("BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Romance Standard Time:20260707T100000\r\nDTEND;TZID=Romance Standard Time:20260707T110000\r\nSUMMARY:W\r\nEND:VEVENT\r\n");
        assert_eq!(
            list(&bytes, "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"),
            vec![(
                "W".into(),
                "2026-07-07T10:00:00+02:00".into(),
                "2026-07-07T11:00:00+02:00".into(),
                "CONFIRMED"
            )]
        );
        // Eastern Standard Time is New York: 10:00 there is 16:00 in Amsterdam.
        let bytes = cal("BEGIN:VEVENT\r\nUID:ny\r\nDTSTART;TZID=\"Eastern Standard Time\":20260707T100000\r\nSUMMARY:NY\r\nEND:VEVENT\r\n");
        let got = list(&bytes, "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z");
        assert_eq!(got[0].1, "2026-07-07T16:00:00+02:00");
    }

    #[test]
    fn unknown_zone_uses_vtimezone_offsets_or_amsterdam() {
        let bytes = cal("BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTART;TZID=Custom:20260707T100000\r\nSUMMARY:C\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:m\r\nDTSTART;TZID=Mars/Base:20260707T100000\r\nSUMMARY:M\r\nEND:VEVENT\r\n");
        let feed = parse(&bytes).expect("parses");
        assert_eq!(feed.warnings.len(), 1, "{:?}", feed.warnings);
        let got = list(&bytes, "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z");
        assert_eq!(got[0].1, "2026-07-07T10:00:00+02:00"); // Mars: taken as Amsterdam
        assert_eq!(got[1].1, "2026-07-07T16:00:00+02:00"); // Custom: like New York
    }

    #[test]
    fn a_zone_left_out_of_the_build_uses_its_vtimezone() {
        // The build keeps only some zones (.cargo/config.toml, issue 24): Jakarta is
        // not among them, so its VTIMEZONE's fixed offset (+07:00) is used.
        assert!("Asia/Jakarta".parse::<Tz>().is_err());
        let bytes = cal("BEGIN:VTIMEZONE\r\nTZID:Asia/Jakarta\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0700\r\nTZOFFSETTO:+0700\r\nTZNAME:WIB\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:j\r\nDTSTART;TZID=Asia/Jakarta:20260707T100000\r\nSUMMARY:J\r\nEND:VEVENT\r\n");
        let feed = parse(&bytes).expect("parses");
        assert!(feed.warnings.is_empty(), "{:?}", feed.warnings);
        let got = list(&bytes, "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z");
        assert_eq!(got[0].1, "2026-07-07T05:00:00+02:00");
    }

    #[test]
    fn floating_times_use_x_wr_timezone() {
        let bytes = b"BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Europe/London\r\nBEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261201T100000\r\nDURATION:PT1H\r\nSUMMARY:F\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let got = list(bytes, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z");
        assert_eq!(got[0].1, "2026-12-01T11:00:00+01:00");
        assert_eq!(got[0].2, "2026-12-01T12:00:00+01:00");
        // Without X-WR-TIMEZONE, floating is Amsterdam.
        let bytes =
            cal("BEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261201T100000\r\nSUMMARY:F\r\nEND:VEVENT\r\n");
        let got = list(&bytes, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z");
        assert_eq!(got[0].1, "2026-12-01T10:00:00+01:00");
        assert_eq!(got[0].2, got[0].1, "no DTEND, no DURATION: zero length");
    }

    const WEEKLY: &str = "BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Amsterdam:20261006T100000\r\nDTEND;TZID=Europe/Amsterdam:20261006T110000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Koffie\r\nEND:VEVENT\r\n";

    #[test]
    fn weekly_event_stays_at_ten_across_the_october_change() {
        let got = list(&cal(WEEKLY), "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
        let starts: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(
            starts,
            [
                "2026-10-06T10:00:00+02:00",
                "2026-10-13T10:00:00+02:00",
                "2026-10-20T10:00:00+02:00",
                "2026-10-27T10:00:00+01:00"
            ]
        );
    }

    #[test]
    fn recurrence_id_moves_and_cancels_instances() {
        let events = format!(
            "{WEEKLY}BEGIN:VEVENT\r\nUID:w\r\nRECURRENCE-ID;TZID=Europe/Amsterdam:20261013T100000\r\nDTSTART;TZID=Europe/Amsterdam:20261014T140000\r\nDTEND;TZID=Europe/Amsterdam:20261014T150000\r\nSUMMARY:Koffie (verplaatst)\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:w\r\nRECURRENCE-ID:20261020T080000Z\r\nDTSTART;TZID=Europe/Amsterdam:20261020T100000\r\nDTEND;TZID=Europe/Amsterdam:20261020T110000\r\nSUMMARY:Koffie\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
        );
        let got = list(
            &cal(&events),
            "2026-10-01T00:00:00Z",
            "2026-11-01T00:00:00Z",
        );
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[1].0, "Koffie (verplaatst)");
        assert_eq!(got[1].1, "2026-10-14T14:00:00+02:00");
        assert_eq!(got[2].1, "2026-10-20T10:00:00+02:00");
        assert_eq!(got[2].3, "CANCELLED");
        assert!(!got.iter().any(|g| g.1 == "2026-10-13T10:00:00+02:00"));
        // The catalog still has one activity for the UID.
        let feed = parse(&cal(&events)).expect("parses");
        assert_eq!(feed.activities.len(), 1);
        assert_eq!(feed.activities[0].timing.overrides.len(), 2);
    }

    #[test]
    fn a_cancelled_master_cancels_every_instance() {
        let events = WEEKLY.replace("SUMMARY:Koffie", "SUMMARY:Koffie\r\nSTATUS:CANCELLED");
        let got = list(
            &cal(&events),
            "2026-10-01T00:00:00Z",
            "2026-11-01T00:00:00Z",
        );
        assert!(got.iter().all(|g| g.3 == "CANCELLED"), "{got:?}");
    }

    #[test]
    fn exdate_lists_and_properties() {
        let events = WEEKLY.replace(
            "SUMMARY:Koffie",
            "SUMMARY:Koffie\r\nEXDATE;TZID=Europe/Amsterdam:20261013T100000,20261020T100000\r\nEXDATE:20261027T090000Z",
        );
        let got = list(
            &cal(&events),
            "2026-10-01T00:00:00Z",
            "2026-11-01T00:00:00Z",
        );
        let starts: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert_eq!(starts, ["2026-10-06T10:00:00+02:00"]);
    }

    #[test]
    fn rdate_date_time_date_and_period() {
        let events = "BEGIN:VEVENT\r\nUID:r\r\nDTSTART;TZID=Europe/Amsterdam:20261201T100000\r\nDURATION:PT1H\r\nRDATE;VALUE=PERIOD:20261203T130000Z/20261203T160000Z,20261204T090000Z/PT30M\r\nRDATE;TZID=Europe/Amsterdam:20261205T100000\r\nSUMMARY:R\r\nEND:VEVENT\r\n";
        let got = list(&cal(events), "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");
        let spans: Vec<(&str, &str)> = got.iter().map(|g| (g.1.as_str(), g.2.as_str())).collect();
        assert_eq!(
            spans,
            [
                ("2026-12-01T10:00:00+01:00", "2026-12-01T11:00:00+01:00"),
                ("2026-12-03T14:00:00+01:00", "2026-12-03T17:00:00+01:00"),
                ("2026-12-04T10:00:00+01:00", "2026-12-04T10:30:00+01:00"),
                ("2026-12-05T10:00:00+01:00", "2026-12-05T11:00:00+01:00"),
            ]
        );
        let all_day = "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20261201\r\nRDATE;VALUE=DATE:20261208\r\nSUMMARY:D\r\nEND:VEVENT\r\n";
        let got = list(
            &cal(all_day),
            "2026-12-01T00:00:00Z",
            "2026-12-31T00:00:00Z",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, "2026-12-08T00:00:00+01:00");
        assert_eq!(got[1].2, "2026-12-09T00:00:00+01:00");
    }

    #[test]
    fn until_as_date_and_floating_is_accepted() {
        let events = "BEGIN:VEVENT\r\nUID:u\r\nDTSTART;TZID=Europe/Amsterdam:20261201T100000\r\nRRULE:FREQ=DAILY;UNTIL=20261203\r\nSUMMARY:U\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:v\r\nDTSTART;VALUE=DATE:20261201\r\nRRULE:FREQ=DAILY;UNTIL=20261202\r\nSUMMARY:V\r\nEND:VEVENT\r\n";
        let got = list(&cal(events), "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");
        // UNTIL=20261203 is 3 December 00:00: the 10:00 instance that day is past it.
        assert_eq!(got.iter().filter(|g| g.0 == "U").count(), 2);
        assert_eq!(got.iter().filter(|g| g.0 == "V").count(), 2);
    }

    #[test]
    fn hostile_input_is_refused_or_bounded() {
        assert!(matches!(parse(b"<html>"), Err(IcalError::NotCalendar)));
        assert!(matches!(parse(b""), Err(IcalError::NotCalendar)));
        let deep = format!("BEGIN:VCALENDAR\r\n{}", "BEGIN:X\r\n".repeat(1000));
        assert!(matches!(parse(deep.as_bytes()), Err(IcalError::TooDeep(_))));
        // An hourly rule since 1900 skips ahead to the window (at most 500 of its
        // instances in one query); a rule that never matches ends.
        let events = "BEGIN:VEVENT\r\nUID:h\r\nDTSTART:19000101T000000Z\r\nRRULE:FREQ=HOURLY;BYMINUTE=0\r\nSUMMARY:H\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:n\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\nSUMMARY:Never\r\nEND:VEVENT\r\n";
        let got = list(&cal(events), "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");
        assert_eq!(got.len(), 500);
        assert_eq!(got[0].1, "2026-12-01T01:00:00+01:00");
        assert!(got.iter().all(|g| g.0 == "H"));
    }
}
