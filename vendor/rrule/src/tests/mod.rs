#![cfg(test)]
// samen-kiosk: rrule's own tests are not vendored (see vendor/README.md).
