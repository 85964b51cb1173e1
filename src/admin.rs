//! The admin screen's lock and facts: the PIN (an Argon2 hash in configuration; five
//! wrong tries lock it for five minutes) and the machine's network addresses. Nothing
//! here knows about Slint; the controller runs the lock-out timer.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Wrong PINs in a row before the lock.
pub const MAX_TRIES: u32 = 5;
/// How long the lock lasts.
pub const LOCKOUT: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// How long the corner must be held.
pub const LONG_PRESS: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether `text` is an Argon2 PHC string (`$argon2id$v=19$m=...`).
pub fn is_pin_hash(text: &str) -> bool {
    PasswordHash::new(text)
        .map(|h| h.algorithm.as_str().starts_with("argon2"))
        .unwrap_or(false)
}

/// A PIN is 4 to 8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The Argon2id hash of a PIN, with a fresh random salt, for `[admin] pin_hash`.
pub fn hash_pin(pin: &str) -> anyhow::Result<String> {
    if !valid_pin(pin) {
        anyhow::bail!("a PIN is 4 to 8 digits");
    }
    // 16 random bytes from the operating system (through uuid's v4 generator).
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the PIN: {e}"))
}

/// Checks a PIN against the configured hash (about 20 ms here with Argon2's defaults).
pub fn verify_pin(pin: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Counts wrong tries. The caller locks for [`LOCKOUT`] when [`PinGate::wrong`] says so
/// and calls [`PinGate::unlock`] when that time is over.
#[derive(Debug, Default)]
pub struct PinGate {
    wrong: u32,
    locked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Open,
    Wrong { left: u32 },
    Locked,
}

impl PinGate {
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Checks one PIN.
    pub fn attempt(&mut self, pin: &str, hash: Option<&str>) -> Attempt {
        if self.locked {
            return Attempt::Locked;
        }
        if hash.is_some_and(|h| verify_pin(pin, h)) {
            self.wrong = 0;
            return Attempt::Open;
        }
        self.wrong += 1;
        if self.wrong >= MAX_TRIES {
            self.locked = true;
            Attempt::Locked
        } else {
            Attempt::Wrong {
                left: MAX_TRIES - self.wrong,
            }
        }
    }

    pub fn unlock(&mut self) {
        self.locked = false;
        self.wrong = 0;
    }
}

/// The host name and the addresses this machine uses to reach the outside world (IPv4
/// and IPv6). Found by "connecting" a UDP socket, which sends nothing.
pub fn network_addresses() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(name) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        out.push(name.trim().to_string());
    }
    for (bind, probe) in [("0.0.0.0:0", "192.0.2.1:9"), ("[::]:0", "[2001:db8::1]:9")] {
        let local = std::net::UdpSocket::bind(bind)
            .and_then(|s| s.connect(probe).map(|_| s))
            .and_then(|s| s.local_addr());
        if let Ok(addr) = local {
            out.push(addr.ip().to_string());
        }
    }
    if out.len() <= 1 {
        out.push("geen netwerk / no network".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_hash_and_verify() {
        let hash = hash_pin("2468").expect("hashes");
        assert!(is_pin_hash(&hash));
        assert!(verify_pin("2468", &hash));
        assert!(!verify_pin("2469", &hash));
        assert!(!is_pin_hash("2468"));
        assert!(hash_pin("12").is_err());
        assert!(hash_pin("12ab").is_err());
    }

    #[test]
    fn five_wrong_tries_lock() {
        let hash = hash_pin("2468").expect("hashes");
        let mut gate = PinGate::default();
        for left in (1..MAX_TRIES).rev() {
            assert_eq!(gate.attempt("0000", Some(&hash)), Attempt::Wrong { left });
        }
        assert_eq!(gate.attempt("0000", Some(&hash)), Attempt::Locked);
        // Even the right PIN does not open a locked gate.
        assert_eq!(gate.attempt("2468", Some(&hash)), Attempt::Locked);
        gate.unlock();
        assert_eq!(gate.attempt("2468", Some(&hash)), Attempt::Open);
        // Without a configured hash nothing opens it.
        assert_eq!(
            PinGate::default().attempt("2468", None),
            Attempt::Wrong { left: 4 }
        );
    }
}
