//! The coordinators' worklist: open requests oldest first, "Toon nummer" (logged),
//! "Ik bel" (a claim that lapses after two hours) and the outcome of a call.
//!
//! Outcomes: `reached` (done), `not-reached` (try again; flagged after three
//! attempts), `wrong-number` and `no-contact` (final). Every outcome counts as an
//! attempt. A note of at most 200 characters may go with it; it is erased with the
//! name and number. Erased requests are not in the worklist.

use crate::accounts::User;
use crate::audit::{self, Action};
use rusqlite::{params, Connection, OptionalExtension};

pub const CLAIM_S: i64 = 2 * 3600;
pub const FLAG_AFTER_ATTEMPTS: u32 = 3;
pub const NOTE_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Reached,
    NotReached,
    WrongNumber,
    NoContact,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Reached,
        Outcome::NotReached,
        Outcome::WrongNumber,
        Outcome::NoContact,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::NotReached => "not-reached",
            Outcome::WrongNumber => "wrong-number",
            Outcome::NoContact => "no-contact",
        }
    }

    pub fn from_key(key: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == key)
    }

    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::NotReached)
    }
}

/// A request as the worklist shows it (without the number: see [`reveal_number`]).
#[derive(Clone)]
pub struct Item {
    pub id: String,
    pub kiosk_id: String,
    pub received_at: i64,
    pub first_name: String,
    pub best_time: String,
    pub topic_kind: Option<String>,
    pub topic_title: Option<String>,
    pub attempts: u32,
    pub outcome: Option<String>,
    /// Who has it now (a claim that has not lapsed): user id and name.
    pub claimed_by: Option<(i64, String)>,
    pub claimed_until: Option<i64>,
    pub note: Option<String>,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("id", &self.id)
            .field("kiosk_id", &self.kiosk_id)
            .finish_non_exhaustive()
    }
}

impl Item {
    pub fn flagged(&self) -> bool {
        self.attempts >= FLAG_AFTER_ATTEMPTS
    }
}

const ITEM_COLUMNS: &str = "r.id, r.kiosk_id, r.received_at, r.first_name, r.best_time,
    r.topic_kind, r.topic_title, r.attempts, r.outcome, r.claimed_by, u.name, r.claimed_until,
    r.note";

fn item_from_row(r: &rusqlite::Row<'_>, now: i64) -> rusqlite::Result<Item> {
    let claimed_by: Option<i64> = r.get(9)?;
    let claimer: Option<String> = r.get(10)?;
    let until: Option<i64> = r.get(11)?;
    let active = until.is_some_and(|u| u > now);
    Ok(Item {
        id: r.get(0)?,
        kiosk_id: r.get(1)?,
        received_at: r.get(2)?,
        first_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        best_time: r.get(4)?,
        topic_kind: r.get(5)?,
        topic_title: r.get(6)?,
        attempts: r.get(7)?,
        outcome: r.get(8)?,
        claimed_by: match (active, claimed_by, claimer) {
            (true, Some(id), Some(name)) => Some((id, name)),
            _ => None,
        },
        claimed_until: until.filter(|_| active),
        note: r.get(12)?,
    })
}

/// Open requests, oldest first.
pub fn open_items(conn: &Connection, now: i64) -> anyhow::Result<Vec<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM requests r LEFT JOIN users u ON u.id = r.claimed_by
         WHERE r.erased_at IS NULL AND r.final = 0 ORDER BY r.received_at, r.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| item_from_row(r, now))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One request that has not been erased (open or with a final outcome).
pub fn item(conn: &Connection, id: &str, now: i64) -> anyhow::Result<Option<Item>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM requests r LEFT JOIN users u ON u.id = r.claimed_by
         WHERE r.erased_at IS NULL AND r.id = ?1"
    );
    Ok(conn
        .query_row(&sql, [id], |r| item_from_row(r, now))
        .optional()?)
}

pub fn is_final(conn: &Connection, id: &str) -> anyhow::Result<bool> {
    Ok(conn
        .query_row("SELECT final FROM requests WHERE id = ?1", [id], |r| {
            r.get::<_, bool>(0)
        })
        .optional()?
        .unwrap_or(true))
}

/// The number, for a coordinator who asked to see it: logged in the audit log.
/// Returns (E.164 for the `tel:` link, the national form to read).
pub fn reveal_number(
    conn: &Connection,
    id: &str,
    user: &User,
    now: i64,
) -> anyhow::Result<Option<(String, String)>> {
    let number: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT phone, phone_national FROM requests WHERE id = ?1 AND erased_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((Some(e164), Some(national))) = number else {
        return Ok(None);
    };
    audit::record(conn, now, &user.name, Action::ViewNumber, None, Some(id))?;
    Ok(Some((e164, national)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Done,
    /// Another coordinator has it (their name).
    TakenBy(String),
    /// Erased, finished or never there.
    Gone,
}

/// Who holds an active claim on an open request, other than `user`.
fn held_by_other(
    conn: &Connection,
    id: &str,
    user: &User,
    now: i64,
) -> anyhow::Result<Option<Option<String>>> {
    type Claim = (bool, Option<i64>, Option<i64>, Option<String>);
    let row: Option<Claim> = conn
        .query_row(
            "SELECT r.final, r.claimed_by, r.claimed_until, u.name FROM requests r
             LEFT JOIN users u ON u.id = r.claimed_by WHERE r.id = ?1 AND r.erased_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match row {
        None | Some((true, ..)) => Ok(None),
        Some((false, Some(by), Some(until), name)) if by != user.id && until > now => {
            Ok(Some(Some(name.unwrap_or_default())))
        }
        Some(_) => Ok(Some(None)),
    }
}

/// "Ik bel": claims the request for two hours (again, when it is already yours).
pub fn claim(conn: &Connection, id: &str, user: &User, now: i64) -> anyhow::Result<Change> {
    match held_by_other(conn, id, user, now)? {
        None => return Ok(Change::Gone),
        Some(Some(other)) => return Ok(Change::TakenBy(other)),
        Some(None) => {}
    }
    conn.execute(
        "UPDATE requests SET claimed_by = ?2, claimed_until = ?3 WHERE id = ?1",
        params![id, user.id, now + CLAIM_S],
    )?;
    audit::record(conn, now, &user.name, Action::Claim, None, Some(id))?;
    Ok(Change::Done)
}

/// Records the outcome of a call. Not allowed while someone else holds the request.
pub fn set_outcome(
    conn: &mut Connection,
    id: &str,
    user: &User,
    outcome: Outcome,
    note: Option<&str>,
    now: i64,
) -> anyhow::Result<Change> {
    let tx = conn.transaction()?;
    match held_by_other(&tx, id, user, now)? {
        None => return Ok(Change::Gone),
        Some(Some(other)) => return Ok(Change::TakenBy(other)),
        Some(None) => {}
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    tx.execute(
        "UPDATE requests SET attempts = attempts + 1, outcome = ?2, outcome_at = ?3,
            final = ?4, claimed_by = NULL, claimed_until = NULL, note = COALESCE(?5, note)
         WHERE id = ?1",
        params![id, outcome.key(), now, outcome.is_final(), note],
    )?;
    audit::record(
        &tx,
        now,
        &user.name,
        Action::Outcome,
        Some(outcome.key()),
        Some(id),
    )?;
    tx.commit()?;
    Ok(Change::Done)
}

/// A line of `callbacks list --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listing {
    pub id: String,
    pub kiosk: String,
    pub received: String,
    /// `open`, `claimed`, `flagged` (open after 3 attempts), or the final outcome
    /// (`reached`, `wrong-number`, `no-contact`); `erased` once retention ran.
    pub state: String,
    pub overdue: bool,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

pub fn listing(
    conn: &Connection,
    now: i64,
    calendar: &crate::workdays::Calendar,
    within: u32,
    with_personal_data: bool,
) -> anyhow::Result<Vec<Listing>> {
    let mut stmt = conn.prepare(
        "SELECT id, kiosk_id, received_at, attempts, outcome, final, claimed_until, erased_at,
            first_name, phone
         FROM requests ORDER BY received_at, id",
    )?;
    let today = crate::words::local_date(now);
    let rows = stmt.query_map([], |r| {
        let received_at: i64 = r.get(2)?;
        let attempts: u32 = r.get(3)?;
        let outcome: Option<String> = r.get(4)?;
        let is_final: bool = r.get(5)?;
        let claimed_until: Option<i64> = r.get(6)?;
        let erased: Option<i64> = r.get(7)?;
        let state = if erased.is_some() {
            "erased".to_string()
        } else if is_final {
            outcome.unwrap_or_default()
        } else if claimed_until.is_some_and(|u| u > now) {
            "claimed".to_string()
        } else if attempts >= FLAG_AFTER_ATTEMPTS {
            "flagged".to_string()
        } else {
            "open".to_string()
        };
        let overdue = erased.is_none()
            && !is_final
            && calendar
                .days_late(crate::words::local_date(received_at), today, within)
                .is_some();
        Ok(Listing {
            id: r.get(0)?,
            kiosk: r.get(1)?,
            received: crate::words::rfc3339(received_at),
            state,
            overdue,
            attempts,
            first_name: if with_personal_data { r.get(8)? } else { None },
            phone: if with_personal_data { r.get(9)? } else { None },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
