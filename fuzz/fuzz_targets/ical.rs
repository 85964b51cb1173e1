#![no_main]
//! iCalendar: `parse_any` on arbitrary bytes (seeds are .ics files), then the
//! occurrences of a 14-day window.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::parse_and_expand(data);
});
