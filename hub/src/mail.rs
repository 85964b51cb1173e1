//! The daily overdue e-mail to the coordinators: counts and a link, never a name or a
//! number. Sent at most once a calendar day, and only when something is overdue.

use crate::config::Mail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub overdue: usize,
}

pub fn counts(
    conn: &rusqlite::Connection,
    now: i64,
    calendar: &crate::workdays::Calendar,
    within: u32,
) -> anyhow::Result<Counts> {
    let list = crate::worklist::listing(conn, now, calendar, within, false)?;
    let open: Vec<_> = list
        .iter()
        .filter(|l| matches!(l.state.as_str(), "open" | "claimed" | "flagged"))
        .collect();
    Ok(Counts {
        open: open.len(),
        overdue: open.iter().filter(|l| l.overdue).count(),
    })
}

/// Subject and body of the e-mail (Dutch: the coordinators' language).
pub fn message(counts: Counts, public_url: &str) -> (String, String) {
    let subject = if counts.overdue == 1 {
        "samen-hub: 1 terugbelverzoek is te laat".to_string()
    } else {
        format!(
            "samen-hub: {} terugbelverzoeken zijn te laat",
            counts.overdue
        )
    };
    let body = format!(
        "Goedemorgen,\n\nEr {} {} terugbelverzoek{} te laat, van de {} open verzoeken.\n\
         Bekijk de lijst: {public_url}/worklist\n\n\
         Dit bericht komt van samen-hub en bevat bewust geen namen of nummers.\n",
        if counts.overdue == 1 { "is" } else { "zijn" },
        counts.overdue,
        if counts.overdue == 1 { "" } else { "en" },
        counts.open,
    );
    (subject, body)
}

pub async fn send(mail: &Mail, subject: String, body: String) -> anyhow::Result<()> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let mut builder = Message::builder().from(mail.from.parse()?).subject(subject);
    for to in &mail.to {
        builder = builder.to(to.parse()?);
    }
    let message = builder.body(body)?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.smtp_url)
        .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?
        .build();
    transport.send(message).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only() {
        let (subject, body) = message(
            Counts {
                open: 5,
                overdue: 2,
            },
            "https://hub.example.org",
        );
        assert_eq!(subject, "samen-hub: 2 terugbelverzoeken zijn te laat");
        assert!(body.contains("2 terugbelverzoeken te laat, van de 5 open"));
        assert!(body.contains("https://hub.example.org/worklist"));
    }
}
