//! E-mail over SMTP as the delivery channel for organisations without a webhook: the
//! same content as the webhook body, as a plain-text message in Dutch with the JSON
//! below it, and the request id as Message-ID so the intake can spot a repeat.
//! STARTTLS (rustls) unless the server is this machine.

use crate::signing::Secret;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChannel {
    pub host: String,
    pub port: u16,
    /// Without STARTTLS only to 127.0.0.1 / localhost (checked in config).
    pub starttls: bool,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
    pub to: String,
}

/// How a send went, in the terms the outbox needs.
pub enum Sent {
    Ok,
    /// Try again later (connection trouble, 4xx SMTP replies).
    Transient(String),
    /// The server refused it for good (5xx SMTP replies, bad addresses).
    Permanent(String),
}

pub(crate) fn text(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    // Every value on one line, whatever the stored body holds: a newline in a value
    // must not make a line of its own ("Telefoon: ...").
    let line =
        |v: Option<&serde_json::Value>| super::one_line(v.and_then(|v| v.as_str()).unwrap_or(""));
    let field = |k: &str| line(value.get(k));
    let when = match field("when").as_str() {
        "morning" => "'s ochtends",
        "afternoon" => "'s middags",
        "evening" => "'s avonds",
        _ => "maakt niet uit",
    };
    let topic = match value
        .get("topic")
        .and_then(|t| t.get("kind"))
        .and_then(|k| k.as_str())
    {
        Some("activity") => format!("activiteit: {}", line(value["topic"].get("title"))),
        Some("chat") => "een praatje".into(),
        Some("volunteering") => "vrijwilligerswerk".into(),
        Some("other") => "iets anders".into(),
        _ => "niet gezegd".into(),
    };
    format!(
        "Terugbelverzoek via kiosk {kiosk}\n\n\
         Voornaam:  {name}\n\
         Telefoon:  {phone}\n\
         Wanneer:   {when}\n\
         Over:      {topic}\n\
         Taal:      {lang}\n\
         Toestemming: versie {cv}, gegeven op {ca}\n\
         Kenmerk:   {id}\n\n\
         -- \n{json}\n",
        kiosk = field("kiosk_id"),
        name = field("first_name"),
        phone = field("phone_national"),
        lang = field("language"),
        cv = line(value["consent"].get("version")),
        ca = line(value["consent"].get("at")),
        id = field("id"),
        json = String::from_utf8_lossy(body),
    )
}

pub async fn send(channel: &EmailChannel, id: &str, body: &[u8]) -> Sent {
    let message = Message::builder()
        .from(match channel.from.parse() {
            Ok(a) => a,
            Err(e) => return Sent::Permanent(format!("from address: {e}")),
        })
        .to(match channel.to.parse() {
            Ok(a) => a,
            Err(e) => return Sent::Permanent(format!("to address: {e}")),
        })
        .subject(format!("Terugbelverzoek {}", &id[..id.len().min(8)]))
        .message_id(Some(format!("<{id}@samen-kiosk>")))
        .header(ContentType::TEXT_PLAIN)
        .body(text(body));
    let message = match message {
        Ok(m) => m,
        Err(e) => return Sent::Permanent(format!("message: {e}")),
    };
    let builder = if channel.starttls {
        match AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&channel.host) {
            Ok(b) => b,
            Err(e) => return Sent::Transient(format!("smtp: {e}")),
        }
    } else {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&channel.host)
    };
    let mut builder = builder
        .port(channel.port)
        .timeout(Some(Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&channel.username, &channel.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose().to_string(),
        ));
    }
    match builder.build().send(message).await {
        Ok(_) => Sent::Ok,
        Err(e) if e.is_permanent() => Sent::Permanent(format!(
            "smtp refused: {}",
            e.status().map(|c| c.to_string()).unwrap_or_default()
        )),
        Err(e) => Sent::Transient(format!(
            "smtp: {}",
            e.status()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "connection".into())
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_value_with_a_newline_cannot_make_a_line_of_its_own() {
        // A body as an older kiosk stored it, with a title straight from a feed.
        let body = br#"{"id":"r1","kiosk_id":"k","first_name":"Anna","phone":"+31612345678","phone_national":"06 12345678","when":"morning","topic":{"kind":"activity","title":"Koffie\nTelefoon:  0900 1234567\r\nX"},"language":"nl","consent":{"version":"1","at":"2026-11-28T10:42:00Z"}}"#;
        let text = super::text(body);
        let phone_lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("Telefoon:"))
            .collect();
        assert_eq!(phone_lines, ["Telefoon:  06 12345678"], "{text}");
        assert!(text.contains("Over:      activiteit: Koffie Telefoon: 0900 1234567 X"));
    }
}
