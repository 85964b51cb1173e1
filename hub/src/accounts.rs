//! Staff accounts: roles, Argon2id password hashes, TOTP (RFC 6238: SHA-1, 6 digits,
//! 30 s, one step of drift either way, a code never accepted twice) and the lock-out
//! after [`MAX_FAILURES`] failed logins in a row.
//!
//! Logging in is split in two so that the slow password hash never runs while the
//! database is held: [`login_record`] reads, the caller verifies the password on
//! a blocking thread, [`finish_login`] checks the code and counts failures.

use anyhow::{bail, Context};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension};
use totp_rs::{Algorithm, TOTP};

pub const MAX_FAILURES: u32 = 5;
pub const LOCK_S: i64 = 15 * 60;
pub const MIN_PASSWORD_CHARS: usize = 12;
const TOTP_STEP: u64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Coordinator,
    Editor,
    It,
    Admin,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Editor => "editor",
            Role::It => "it",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "coordinator" => Some(Role::Coordinator),
            "editor" => Some(Role::Editor),
            "it" => Some(Role::It),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&crate::random::bytes::<16>()?)
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password: verified against when the user does not exist, so
/// that a wrong name takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

pub fn add(
    conn: &Connection,
    name: &str,
    role: Role,
    password: &str,
    now: i64,
) -> anyhow::Result<()> {
    if !valid_name(name) {
        bail!("user name: 1 to 40 letters, digits, '.', '_', '-' or '@'");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("password: at least {MIN_PASSWORD_CHARS} characters");
    }
    let hash = hash_password(password)?;
    let added = conn.execute(
        "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        params![name, role.key(), hash, now],
    )?;
    if added == 0 {
        bail!("user {name} already exists");
    }
    Ok(())
}

fn user_id(conn: &Connection, name: &str) -> anyhow::Result<i64> {
    conn.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .optional()?
        .with_context(|| format!("no user {name}"))
}

/// Disables the account and ends its sessions.
pub fn disable(conn: &Connection, name: &str) -> anyhow::Result<()> {
    let id = user_id(conn, name)?;
    conn.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [id])?;
    crate::sessions::delete_for_user(conn, id)
}

/// Forgets the user's TOTP secret and ends their sessions: they enrol again at their
/// next login (with their password).
pub fn reset_totp(conn: &Connection, name: &str) -> anyhow::Result<()> {
    let id = user_id(conn, name)?;
    conn.execute(
        "UPDATE users SET totp_secret = NULL, totp_enrolled = 0, totp_last_step = NULL,
            failed_logins = 0, locked_until = NULL
         WHERE id = ?1",
        [id],
    )?;
    crate::sessions::delete_for_user(conn, id)
}

pub struct LoginRecord {
    pub user: User,
    pub password_hash: String,
}

/// The account to check a login against (`None`: unknown, disabled or malformed).
pub fn login_record(conn: &Connection, name: &str) -> anyhow::Result<Option<LoginRecord>> {
    let row: Option<(i64, String, String, String, bool)> = conn
        .query_row(
            "SELECT id, name, role, password_hash, disabled FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    Ok(row.and_then(|(id, name, role, hash, disabled)| {
        let role = Role::parse(&role)?;
        (!disabled).then_some(LoginRecord {
            user: User { id, name, role },
            password_hash: hash,
        })
    }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// Password and code right.
    Ok(User),
    /// Password right, no TOTP yet: the user must enrol before anything else.
    Enrol(User),
    Failed,
    Locked,
}

fn totp(secret: &[u8], name: &str) -> anyhow::Result<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        TOTP_STEP,
        secret.to_vec(),
        Some("samen-hub".to_string()),
        name.to_string(),
    )
    .map_err(|e| anyhow::anyhow!("TOTP: {e}"))
}

/// The time step a code belongs to (this one, the one before or after), if it is
/// right. Compared in constant time.
pub fn check_code(secret: &[u8], name: &str, code: &str, now: i64) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, name).ok()?;
    let step = now.max(0) / TOTP_STEP as i64;
    let mut found = None;
    for s in [step - 1, step, step + 1] {
        let expected = totp.generate((s.max(0) as u64) * TOTP_STEP);
        let same = expected
            .bytes()
            .zip(code.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && found.is_none() {
            found = Some(s);
        }
    }
    found
}

/// The code an authenticator shows at `now` (tests and the demo).
pub fn current_code(secret: &[u8], name: &str, now: i64) -> anyhow::Result<String> {
    Ok(totp(secret, name)?.generate(now.max(0) as u64))
}

/// Second half of a login, after the password was verified (`password_ok`).
pub fn finish_login(
    conn: &Connection,
    user: &User,
    password_ok: bool,
    code: &str,
    now: i64,
) -> anyhow::Result<Login> {
    let (secret, enrolled, last_step, failed, locked_until): (
        Option<Vec<u8>>,
        bool,
        Option<i64>,
        u32,
        Option<i64>,
    ) = conn.query_row(
        "SELECT totp_secret, totp_enrolled, totp_last_step, failed_logins, locked_until
         FROM users WHERE id = ?1",
        [user.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    if locked_until.is_some_and(|until| until > now) {
        return Ok(Login::Locked);
    }
    let result = if !password_ok {
        Login::Failed
    } else if !enrolled {
        Login::Enrol(user.clone())
    } else {
        match secret.and_then(|s| check_code(&s, &user.name, code, now)) {
            Some(step) if last_step.is_none_or(|last| step > last) => {
                conn.execute(
                    "UPDATE users SET totp_last_step = ?2 WHERE id = ?1",
                    params![user.id, step],
                )?;
                Login::Ok(user.clone())
            }
            _ => Login::Failed,
        }
    };
    if result == Login::Failed {
        let failed = failed + 1;
        if failed >= MAX_FAILURES {
            conn.execute(
                "UPDATE users SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
                params![user.id, now + LOCK_S],
            )?;
            return Ok(Login::Locked);
        }
        conn.execute(
            "UPDATE users SET failed_logins = ?2 WHERE id = ?1",
            params![user.id, failed],
        )?;
    } else {
        conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
            [user.id],
        )?;
    }
    Ok(result)
}

/// The user's TOTP secret for enrolment, made now if there is none yet. Refused once
/// enrolled (a reset goes through `user reset-totp`).
pub fn enrolment_secret(conn: &Connection, user: &User) -> anyhow::Result<Option<Vec<u8>>> {
    let (secret, enrolled): (Option<Vec<u8>>, bool) = conn.query_row(
        "SELECT totp_secret, totp_enrolled FROM users WHERE id = ?1",
        [user.id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if enrolled {
        return Ok(None);
    }
    if let Some(secret) = secret {
        return Ok(Some(secret));
    }
    let secret = crate::random::bytes::<20>()?.to_vec();
    conn.execute(
        "UPDATE users SET totp_secret = ?2 WHERE id = ?1",
        params![user.id, secret],
    )?;
    Ok(Some(secret))
}

/// The otpauth:// URL for the QR code and the base32 text to type in.
pub fn enrolment_uri(secret: &[u8], name: &str) -> anyhow::Result<(String, String)> {
    let totp = totp(secret, name)?;
    Ok((totp.get_url(), totp.get_secret_base32()))
}

/// Confirms enrolment with a code from the app.
pub fn finish_enrolment(
    conn: &Connection,
    user: &User,
    code: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let Some(secret) = enrolment_secret(conn, user)? else {
        return Ok(false);
    };
    let Some(step) = check_code(&secret, &user.name, code, now) else {
        return Ok(false);
    };
    conn.execute(
        "UPDATE users SET totp_enrolled = 1, totp_last_step = ?2 WHERE id = ?1",
        params![user.id, step],
    )?;
    Ok(true)
}

/// Sets and confirms a TOTP secret directly (the demo user).
pub fn enrol_with_secret(conn: &Connection, name: &str, secret: &[u8]) -> anyhow::Result<()> {
    let id = user_id(conn, name)?;
    conn.execute(
        "UPDATE users SET totp_secret = ?2, totp_enrolled = 1 WHERE id = ?1",
        params![id, secret],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, with 6 of the 8 digits.
        let secret = b"12345678901234567890";
        assert_eq!(current_code(secret, "x", 59).unwrap(), "287082");
        assert_eq!(current_code(secret, "x", 1_111_111_109).unwrap(), "081804");
        assert_eq!(current_code(secret, "x", 2_000_000_000).unwrap(), "279037");
        assert_eq!(
            check_code(secret, "x", "081804", 1_111_111_109 + 30),
            Some(37_037_036)
        );
        assert_eq!(check_code(secret, "x", "081804", 1_111_111_109 + 90), None);
        assert_eq!(check_code(secret, "x", "08180", 1_111_111_109), None);
    }

    #[test]
    fn login_locks_after_failures_and_codes_are_used_once() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(dir.path()).unwrap();
        add(&conn, "ans", Role::Coordinator, "correct horse battery", 0).unwrap();
        assert!(add(&conn, "ans", Role::Editor, "correct horse battery", 0).is_err());
        assert!(add(&conn, "bob", Role::Editor, "short", 0).is_err());
        let rec = login_record(&conn, "ans").unwrap().unwrap();
        assert!(verify_password(&rec.password_hash, "correct horse battery"));
        assert!(!verify_password(&rec.password_hash, "wrong"));
        let user = rec.user;
        assert_eq!(
            finish_login(&conn, &user, true, "", 1000).unwrap(),
            Login::Enrol(user.clone())
        );
        let secret = enrolment_secret(&conn, &user).unwrap().unwrap();
        let now = 1_800_000_000;
        let code = current_code(&secret, "ans", now).unwrap();
        assert!(finish_enrolment(&conn, &user, &code, now).unwrap());
        // The code that confirmed enrolment cannot log in as well.
        assert_eq!(
            finish_login(&conn, &user, true, &code, now).unwrap(),
            Login::Failed
        );
        let later = now + 60;
        let code = current_code(&secret, "ans", later).unwrap();
        assert_eq!(
            finish_login(&conn, &user, true, &code, later).unwrap(),
            Login::Ok(user.clone())
        );
        for i in 1..MAX_FAILURES {
            assert_eq!(
                finish_login(&conn, &user, false, "", later + i as i64).unwrap(),
                Login::Failed
            );
        }
        assert_eq!(
            finish_login(&conn, &user, false, "", later + 10).unwrap(),
            Login::Locked
        );
        let code = current_code(&secret, "ans", later + 120).unwrap();
        assert_eq!(
            finish_login(&conn, &user, true, &code, later + 120).unwrap(),
            Login::Locked
        );
        let after = later + LOCK_S + 60;
        let code = current_code(&secret, "ans", after).unwrap();
        assert_eq!(
            finish_login(&conn, &user, true, &code, after).unwrap(),
            Login::Ok(user.clone())
        );
        disable(&conn, "ans").unwrap();
        assert!(login_record(&conn, "ans").unwrap().is_none());
    }
}
