//! The pages' words, in Dutch (B1, "u") and English. The language comes from the
//! `lang` cookie (set by the switch in the header), else from `Accept-Language`,
//! else Dutch.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of `nl` or `en` in an Accept-Language header, by its q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// The word for `key` in `lang`; the key itself when missing (a test checks none is).
pub fn t(lang: Lang, key: &str) -> &'static str {
    let Some((nl, en)) = lookup(key) else {
        return "?";
    };
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    if let Some(words) = crate::http::announcements::words(key) {
        return Some(words);
    }
    if let Some(words) = crate::http::figures::words(key) {
        return Some(words);
    }
    Some(match key {
        "skip" => ("Naar de inhoud", "Skip to content"),
        "nav" => ("Taal, pagina's en account", "Language, pages and account"),
        "logout" => ("Uitloggen", "Log out"),
        "error_summary" => ("Er is een probleem", "There is a problem"),
        "error_prefix" => ("Fout", "Error"),
        "login_title" => ("Inloggen", "Log in"),
        "login_name" => ("Gebruikersnaam", "User name"),
        "login_password" => ("Wachtwoord", "Password"),
        "login_code" => ("Code uit uw app (6 cijfers)", "Code from your app (6 digits)"),
        "login_code_hint" => (
            "Heeft u nog geen app ingesteld? Laat dit veld dan leeg.",
            "Have you not set up an app yet? Then leave this field empty.",
        ),
        "login_button" => ("Inloggen", "Log in"),
        "login_failed" => (
            "De gebruikersnaam, het wachtwoord of de code klopt niet.",
            "The user name, password or code is not right.",
        ),
        "login_locked" => (
            "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw.",
            "Too many failed attempts. Try again in 15 minutes.",
        ),
        "login_csrf" => (
            "Het formulier was verlopen. Probeer het opnieuw.",
            "The form had expired. Please try again.",
        ),
        "enrol_title" => ("Tweestapsverificatie instellen", "Set up two-step verification"),
        "enrol_step1" => (
            "Open een authenticator-app op uw telefoon (bijvoorbeeld FreeOTP of Google Authenticator).",
            "Open an authenticator app on your phone (for example FreeOTP or Google Authenticator).",
        ),
        "enrol_step2" => ("Scan deze QR-code met de app.", "Scan this QR code with the app."),
        "enrol_qr_label" => ("QR-code voor de authenticator-app", "QR code for the authenticator app"),
        "enrol_manual" => (
            "Lukt scannen niet? Typ dan deze sleutel over:",
            "Cannot scan? Type in this key instead:",
        ),
        "enrol_step3" => (
            "Vul de 6 cijfers in die de app nu laat zien.",
            "Enter the 6 digits the app shows now.",
        ),
        "enrol_button" => ("Bevestigen", "Confirm"),
        "enrol_wrong" => (
            "De code klopt niet. Vul de code in die de app nu laat zien.",
            "The code is not right. Enter the code the app shows now.",
        ),
        "home_title" => ("Welkom", "Welcome"),
        "home_nothing_yet" => (
            "Voor uw rol zijn er in deze versie van samen-hub nog geen pagina's.",
            "This version of samen-hub has no pages for your role yet.",
        ),
        "back_home" => ("Naar de startpagina", "To the start page"),
        "forbidden_title" => ("Geen toegang", "No access"),
        "forbidden" => (
            "Deze pagina is niet voor uw rol.",
            "This page is not for your role.",
        ),
        "not_found_title" => ("Niet gevonden", "Not found"),
        "not_found" => (
            "Deze pagina of dit verzoek bestaat niet (meer).",
            "This page or request does not exist (any more).",
        ),
        "csrf_title" => ("Formulier verlopen", "Form expired"),
        "csrf" => (
            "Het formulier was verlopen of kwam niet van deze site. Ga terug en probeer het opnieuw.",
            "The form had expired or did not come from this site. Go back and try again.",
        ),
        "error_title" => ("Er ging iets mis", "Something went wrong"),
        "error" => (
            "Er ging iets mis bij de server. Probeer het later opnieuw.",
            "Something went wrong on the server. Please try again later.",
        ),
        "worklist_title" => ("Terugbelverzoeken", "Callback requests"),
        "worklist_empty" => (
            "Er zijn geen open verzoeken. Goed gedaan!",
            "There are no open requests. Well done!",
        ),
        "topic" => ("Onderwerp", "Topic"),
        "best_time" => ("Beste tijd", "Best time"),
        "kiosk" => ("Kiosk", "Kiosk"),
        "received" => ("Binnengekomen", "Received"),
        "status" => ("Status", "Status"),
        "attempts" => ("Pogingen", "Attempts"),
        "note" => ("Notitie", "Note"),
        "back_to_list" => ("← Terug naar de lijst", "← Back to the list"),
        "number_title" => ("Telefoonnummer", "Phone number"),
        "show_number" => ("Toon nummer", "Show number"),
        "number_logged" => (
            "Dat u dit nummer bekeek, is vastgelegd.",
            "That you viewed this number has been recorded.",
        ),
        "claim_title" => ("Bellen", "Calling"),
        "claim_button" => ("Ik bel", "I will call"),
        "outcome_legend" => ("Hoe ging het?", "How did it go?"),
        "note_label" => ("Korte notitie (niet verplicht)", "Short note (optional)"),
        "note_warning" => (
            "Schrijf hier geen informatie over gezondheid of andere privézaken. Hooguit 200 tekens.",
            "Do not write anything about health or other private matters here. At most 200 characters.",
        ),
        "outcome_button" => ("Uitkomst opslaan", "Save outcome"),
        "outcome_missing" => ("Kies hoe het ging", "Choose how it went"),
        "note_too_long" => (
            "De notitie is langer dan 200 tekens",
            "The note is longer than 200 characters",
        ),
        "request_done" => (
            "Dit verzoek is afgehandeld.",
            "This request has been dealt with.",
        ),
        "outcome_reached" => ("Bereikt", "Reached"),
        "outcome_not-reached" => ("Niet bereikt (later opnieuw proberen)", "Not reached (try again later)"),
        "outcome_wrong-number" => ("Verkeerd nummer", "Wrong number"),
        "outcome_no-contact" => ("Wil geen contact", "Does not want contact"),
        "saved" => ("De uitkomst is opgeslagen.", "The outcome has been saved."),
        "claimed_ok" => ("U belt deze persoon nu.", "You are calling this person now."),
        "time_morning" => ("ochtend", "morning"),
        "time_afternoon" => ("middag", "afternoon"),
        "time_evening" => ("avond", "evening"),
        "time_any" => ("maakt niet uit", "any time"),
        "topic_activity" => ("Activiteit", "Activity"),
        "topic_chat" => ("Een praatje", "A chat"),
        "topic_volunteering" => ("Vrijwilligerswerk", "Volunteering"),
        "topic_other" => ("Iets anders", "Something else"),
        "topic_none" => ("Niet ingevuld", "Not given"),
        "request_title" => ("Terugbellen", "Call back"),
        "fleet_title" => ("Kiosks", "Kiosks"),
        "fleet_filter" => ("Toon kiosks", "Show kiosks"),
        "fleet_all" => ("Alle", "All"),
        "fleet_none" => (
            "Geen kiosks in deze toestand.",
            "No kiosks in this state.",
        ),
        "state_ok" => ("In orde", "OK"),
        "state_degraded" => ("Problemen", "Problems"),
        "state_offline" => ("Offline", "Offline"),
        "state_never" => ("Nog nooit gezien", "Never seen"),
        "fleet_last_seen" => ("Laatst gezien", "Last seen"),
        "fleet_last_seen_lower" => ("laatst gezien", "last seen"),
        "fleet_never" => ("nog nooit", "never"),
        "fleet_software" => ("Software", "Software"),
        "fleet_config" => ("Configuratie", "Configuration"),
        "fleet_config_own" => ("eigen bestand", "own file"),
        "fleet_feeds" => ("Feeds", "Feeds"),
        "fleet_no_feeds" => ("geen (het voorbeeld)", "none (the example)"),
        "fleet_outbox" => ("Terugbelverzoeken", "Callback requests"),
        "fleet_messages" => ("Berichten", "Messages"),
        "fleet_warnings" => ("Waarschuwingen", "Warnings"),
        "fleet_no_messages" => ("geen", "none"),
        "fleet_no_picture" => ("Nog geen schermafbeelding.", "No screenshot yet."),
        "fleet_reasons" => ("Waarom", "Why"),
        "fleet_back" => ("← Alle kiosks", "← All kiosks"),
        "fleet_now" => ("Nu", "Now"),
        "fleet_history" => ("De laatste 7 dagen", "The last 7 days"),
        "fleet_history_none" => (
            "Nog geen geschiedenis.",
            "No history yet.",
        ),
        "fleet_per_day" => ("Per dag", "Per day"),
        "fleet_day" => ("Dag", "Day"),
        "fleet_max_pending" => ("Wachtende verzoeken (max.)", "Waiting requests (max.)"),
        "fleet_max_feed_age" => ("Oudste feed (max.)", "Oldest feed (max.)"),
        "fleet_restarts" => ("Herstart", "Restarted"),
        "fleet_chart_pending" => ("wachtende verzoeken", "waiting requests"),
        "fleet_chart_highest" => ("hoogste:", "highest:"),
        "fleet_chart" => ("Grafiek van de toestand", "Chart of the state"),
        "fleet_full_status" => ("Laatste status, volledig", "Last status, in full"),
        "fleet_no_status" => (
            "Deze kiosk heeft nog geen status gestuurd.",
            "This kiosk has not sent a status yet.",
        ),
        "fleet_uptime" => ("Draait sinds", "Running for"),
        "fleet_screen" => ("Scherm", "Screen"),
        "screen_on" => ("aan", "on"),
        "screen_off" => ("uit (buiten de openingstijden)", "off (outside opening hours)"),
        "fleet_home_link" => ("Bekijk de kiosks", "See the kiosks"),
        "alert_offline" => ("offline", "offline"),
        "alert_degraded" => ("problemen", "problems"),
        "alert_recovered" => ("weer in orde", "OK again"),
        _ => return None,
    })
}

/// The hub's words for a health reason code (issue 19); `None` for a code it does not
/// know (the page then shows the kiosk's own words).
pub fn reason(lang: Lang, code: &str) -> Option<&'static str> {
    use samen_wire::health::codes;
    let (nl, en) = match code {
        codes::FEED_STALE => (
            "Een feed is al twee verversingen niet bijgewerkt",
            "A feed has not been updated for two refresh intervals",
        ),
        codes::OUTBOX_STUCK => (
            "Een terugbelverzoek wacht al langer dan een uur",
            "A callback request has been waiting for more than an hour",
        ),
        codes::OUTBOX_ATTENTION => (
            "Een terugbelverzoek werd geweigerd en vraagt aandacht",
            "A callback request was refused and needs attention",
        ),
        codes::OUTBOX_EXPIRED => (
            "Terugbelverzoeken zijn verlopen zonder aan te komen",
            "Callback requests expired without being delivered",
        ),
        codes::OUTBOX_UNREADABLE => (
            "Het terugbelbestand van de kiosk is niet te lezen",
            "The kiosk's callback outbox cannot be read",
        ),
        codes::CONFIG_REFUSED => (
            "Het vlootdocument werd geweigerd",
            "The fleet document was refused",
        ),
        codes::DISK_LOW => (
            "Minder dan 100 MB vrije schijfruimte",
            "Less than 100 MB free disk",
        ),
        codes::CLOCK_UNSYNCED => (
            "De klok is niet gelijkgezet",
            "The clock is not synchronised",
        ),
        codes::NO_TOUCH => (
            "Al dagen geen enkele aanraking terwijl open (scherm kapot?)",
            "No touch at all for days while open (touch panel broken?)",
        ),
        _ => return None,
    };
    Some(match lang {
        Lang::Nl => nl,
        Lang::En => en,
    })
}

/// A field's error, for the summary at the top (a link to `#field`) and the field.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: &'static str,
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub title: String,
    pub user: Option<String>,
    pub csrf: String,
    pub path: String,
    pub errors: Vec<FieldError>,
    /// A link to the figures page in the header (roles `editor`, `it`, `admin`).
    pub figures_link: bool,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// The error message for `field`, if the form had one (shown at the field).
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
    }

    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("de;q=1, en;q=0.5, nl;q=0.8"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        for dir in ["templates"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for entry in std::fs::read_dir(path).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for part in text.split("p.t(\"").skip(1) {
                    let key = part.split('"').next().unwrap();
                    assert!(lookup(key).is_some(), "missing key {key}");
                }
            }
        }
    }
}
