//! The figures page (issue 20, roles `editor`, `it` and `admin`): per week or month,
//! in total and per kiosk, with charts drawn here as SVG (readable without JavaScript;
//! a table with the same numbers beside each one for screen readers), the activities
//! opened most, the callback requests against their outcomes in the worklist and the
//! median time to the first call; and `GET /figures.csv`, the council's export, in
//! which a count from 1 to 4 is written `<5` (`crate::figures::csv`).

use super::auth::Visitor;
use super::error::AppError;
use crate::accounts::Role;
use crate::figures::{self, Period, Summary};
use crate::i18n::{Lang, PageCtx};
use crate::{words, Hub};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

const ROLES: &[Role] = &[Role::Editor, Role::It, Role::Admin];
/// How many weeks or months the page and the CSV cover.
pub const PERIODS: usize = 12;

/// The page's own words.
pub fn words(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "figures_title" => ("Cijfers", "Figures"),
        "figures_intro" => (
            "Wat de kiosks per dag tellen: geen persoonsgegevens, geen bezoeken apart, geen tijden. Nieuwe cijfers komen met de hartslag van elke kiosk.",
            "What the kiosks count per day: no personal data, no single visits, no times. New figures arrive with each kiosk's heartbeat.",
        ),
        "figures_by" => ("Periode", "Period"),
        "figures_week" => ("Per week", "Per week"),
        "figures_month" => ("Per maand", "Per month"),
        "figures_visits" => ("Bezoeken", "Visits"),
        "figures_visits_chart" => ("Bezoeken per periode", "Visits per period"),
        "figures_totals" => ("Alle kiosks samen", "All kiosks together"),
        "figures_period" => ("Periode", "Period"),
        "figures_activities" => ("Activiteiten geopend", "Activities opened"),
        "figures_qr" => ("QR-codes getoond", "QR codes shown"),
        "figures_callbacks" => ("Terugbelverzoeken", "Callback requests"),
        "figures_help" => ("Hulp geopend", "Help opened"),
        "figures_helpline" => ("Hulplijn-dia getoond", "Helpline slide shown"),
        "figures_speech" => ("Met voorlezen", "With speech"),
        "figures_larger" => ("Met grotere letters", "With larger text"),
        "figures_contrast" => ("Met hoog contrast", "With high contrast"),
        "figures_timeouts" => ("Gestopt na wachten", "Ended by time-out"),
        "figures_per_kiosk" => ("Bezoeken per kiosk", "Visits per kiosk"),
        "figures_total" => ("Totaal", "Total"),
        "figures_languages" => ("Bezoeken per taal", "Visits by language"),
        "figures_language" => ("Taal", "Language"),
        "figures_top" => ("Meest geopende activiteiten", "Activities opened most"),
        "figures_activity" => ("Activiteit", "Activity"),
        "figures_times" => ("Keer geopend", "Times opened"),
        "figures_none" => ("Nog geen cijfers.", "No figures yet."),
        "figures_outcomes" => ("Terugbelverzoeken en uitkomst", "Callback requests and outcome"),
        "figures_outcomes_chart" => (
            "Terugbelverzoeken en uitkomst per periode",
            "Callback requests and outcome per period",
        ),
        "figures_received" => ("Ontvangen", "Received"),
        "figures_reached" => ("Bereikt", "Reached"),
        "figures_not_reached" => ("Niet bereikt", "Not reached"),
        "figures_open" => ("Nog niet gebeld", "Not called yet"),
        "figures_median" => ("Mediaan tot eerste belpoging", "Median time to first call"),
        "figures_csv" => (
            "Download de cijfers als CSV voor de gemeente",
            "Download the figures as CSV for the council",
        ),
        "figures_csv_note" => (
            "In de CSV staat elk aantal van 1 tot en met 4 als <5, zodat niemand in een kleine buurt te herkennen is. Op deze pagina ziet u de echte aantallen: deel ze niet zo.",
            "In the CSV every count from 1 to 4 is written <5, so that nobody in a small neighbourhood can be singled out. This page shows the real counts: do not share them as they are.",
        ),
        "figures_per_kiosk_table" => (
            "Bezoeken per kiosk, per periode",
            "Visits per kiosk, per period",
        ),
        "figures_outcomes_table" => ("Uitkomst per periode", "Outcome per period"),
        "figures_table_region" => ("Tabel, schuift opzij", "Table, scrolls sideways"),
        "figures_link" => ("Cijfers", "Figures"),
        _ => return None,
    })
}

#[derive(Deserialize)]
pub struct Params {
    by: Option<String>,
}

fn period_of(params: &Params) -> Period {
    params
        .by
        .as_deref()
        .and_then(Period::parse)
        .unwrap_or(Period::Month)
}

async fn load(hub: &Hub, period: Period) -> Result<Summary, AppError> {
    let today = words::local_date(hub.clock.now().timestamp());
    Ok(hub
        .db
        .call(move |c| figures::summary(c, period, PERIODS, today))
        .await?)
}

/// A period as the page names it: "week 49" or "dec 2026".
fn period_name(period: Period, start: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match period {
        Period::Week => {
            format!("week {}", start.iso_week().week())
        }
        Period::Month => {
            const NL: [&str; 12] = [
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ];
            const EN: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let m = start.month0() as usize;
            match lang {
                Lang::Nl => format!("{} {}", NL[m], start.year()),
                Lang::En => format!("{} {}", EN[m], start.year()),
            }
        }
    }
}

/// A short label under a bar: "wk 49" or "dec".
fn bar_label(period: Period, start: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match period {
        Period::Week => format!("{}", start.iso_week().week()),
        Period::Month => period_name(period, start, lang)
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

struct Bar {
    x: String,
    y: String,
    width: String,
    height: String,
    class: &'static str,
    value: String,
    value_x: String,
    value_y: String,
}

struct Tick {
    x: String,
    label: String,
}

/// A bar chart: groups of bars along the x axis, the values above the bars.
struct Chart {
    id: &'static str,
    /// The name of its scrolling region (unique on the page).
    label: &'static str,
    bars: Vec<Bar>,
    ticks: Vec<Tick>,
    description: String,
}

const CHART_W: f64 = 720.0;
const PLOT_TOP: f64 = 28.0;
const PLOT_BOTTOM: f64 = 200.0;

fn bar_chart(
    id: &'static str,
    label: &'static str,
    groups: &[(String, Vec<(u64, &'static str)>)],
    description: String,
) -> Chart {
    let max = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = CHART_W / groups.len().max(1) as f64;
    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for (i, (label, values)) in groups.iter().enumerate() {
        let n = values.len().max(1) as f64;
        let inner = slot * 0.8;
        let width = inner / n;
        let left = slot * i as f64 + slot * 0.1;
        for (j, (value, class)) in values.iter().enumerate() {
            let h = (*value as f64 / max as f64) * (PLOT_BOTTOM - PLOT_TOP);
            let x = left + width * j as f64;
            bars.push(Bar {
                x: format!("{x:.1}"),
                y: format!("{:.1}", PLOT_BOTTOM - h),
                width: format!("{:.1}", (width - 2.0).max(1.0)),
                height: format!("{h:.1}"),
                class,
                value: value.to_string(),
                value_x: format!("{:.1}", x + width / 2.0 - 1.0),
                value_y: format!("{:.1}", PLOT_BOTTOM - h - 6.0),
            });
        }
        ticks.push(Tick {
            x: format!("{:.1}", slot * i as f64 + slot / 2.0),
            label: label.clone(),
        });
    }
    Chart {
        id,
        label,
        bars,
        ticks,
        description,
    }
}

struct Row {
    name: String,
    cells: Vec<String>,
}

struct Top {
    title: String,
    count: u64,
}

struct Choice {
    href: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    p: PageCtx,
    choices: Vec<Choice>,
    csv_href: String,
    has_figures: bool,
    visits_chart: Chart,
    totals: Vec<Row>,
    kiosks: Vec<String>,
    per_kiosk: Vec<Row>,
    languages: Vec<Row>,
    top: Vec<Top>,
    outcomes_chart: Chart,
    outcomes: Vec<Row>,
    median_all: String,
}

fn language_name(code: &str, lang: Lang) -> String {
    match (code, lang) {
        ("nl", Lang::Nl) => "Nederlands".into(),
        ("nl", Lang::En) => "Dutch".into(),
        ("en", Lang::Nl) => "Engels".into(),
        ("en", Lang::En) => "English".into(),
        ("tr", Lang::Nl) => "Turks".into(),
        ("tr", Lang::En) => "Turkish".into(),
        ("pl", Lang::Nl) => "Pools".into(),
        ("pl", Lang::En) => "Polish".into(),
        (other, _) => other.to_string(),
    }
}

fn median_words(seconds: Option<i64>, lang: Lang) -> String {
    match seconds {
        Some(s) => words::duration(s, lang),
        None => "–".into(),
    }
}

pub async fn page(
    State(hub): State<Hub>,
    visitor: Visitor,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let period = period_of(&params);
    let s = load(&hub, period).await?;
    let lang = visitor.lang;
    let t = |k: &str| crate::i18n::t(lang, k);
    let has_figures = !s.kiosks.is_empty();
    let names: Vec<String> = s
        .rows
        .iter()
        .map(|r| period_name(period, r.start, lang))
        .collect();
    let visits: Vec<(String, Vec<(u64, &'static str)>)> = s
        .rows
        .iter()
        .map(|r| {
            (
                bar_label(period, r.start, lang),
                vec![(r.total.visits, "b-visits")],
            )
        })
        .collect();
    let total_visits: u64 = s.rows.iter().map(|r| r.total.visits).sum();
    let highest = s.rows.iter().map(|r| r.total.visits).max().unwrap_or(0);
    let visits_chart = bar_chart(
        "visits",
        t("figures_visits_chart"),
        &visits,
        match lang {
            Lang::Nl => format!(
                "Staafgrafiek van het aantal bezoeken per {}, de laatste {PERIODS}: samen {total_visits}, hoogste {highest}. De tabel hieronder geeft dezelfde cijfers.",
                if period == Period::Week { "week" } else { "maand" }
            ),
            Lang::En => format!(
                "Bar chart of the number of visits per {}, the last {PERIODS}: {total_visits} in all, highest {highest}. The table below gives the same figures.",
                period.key()
            ),
        },
    );
    let totals = s
        .rows
        .iter()
        .zip(&names)
        .rev()
        .map(|(r, name)| Row {
            name: name.clone(),
            cells: r
                .total
                .measures()
                .iter()
                .map(|(_, n)| n.to_string())
                .collect(),
        })
        .collect();
    let per_kiosk = s
        .rows
        .iter()
        .zip(&names)
        .rev()
        .map(|(r, name)| {
            let mut cells: Vec<String> = s
                .kiosks
                .iter()
                .map(|k| {
                    r.per_kiosk
                        .get(k)
                        .map(|c| c.visits)
                        .unwrap_or(0)
                        .to_string()
                })
                .collect();
            cells.push(r.total.visits.to_string());
            Row {
                name: name.clone(),
                cells,
            }
        })
        .collect();
    let mut by_language: std::collections::BTreeMap<String, u64> = Default::default();
    for r in &s.rows {
        for (k, v) in &r.total.by_language {
            *by_language.entry(k.clone()).or_default() += v;
        }
    }
    let mut languages: Vec<(String, u64)> = by_language.into_iter().collect();
    languages.sort_by_key(|l| std::cmp::Reverse(l.1));
    let languages = languages
        .into_iter()
        .map(|(code, n)| Row {
            name: language_name(&code, lang),
            cells: vec![n.to_string()],
        })
        .collect();
    let top = s
        .top
        .iter()
        .map(|a| Top {
            title: if a.title.is_empty() {
                a.id.clone()
            } else {
                a.title.clone()
            },
            count: a.count,
        })
        .collect();
    let groups: Vec<(String, Vec<(u64, &'static str)>)> = s
        .rows
        .iter()
        .map(|r| {
            (
                bar_label(period, r.start, lang),
                vec![
                    (r.outcomes.received, "b-received"),
                    (r.outcomes.reached, "b-reached"),
                    (r.outcomes.not_reached, "b-not-reached"),
                ],
            )
        })
        .collect();
    let o = &s.outcomes;
    let outcomes_chart = bar_chart(
        "outcomes",
        t("figures_outcomes_chart"),
        &groups,
        match lang {
            Lang::Nl => format!(
                "Staafgrafiek per {}: ontvangen terugbelverzoeken, bereikt en niet bereikt. Samen {} ontvangen, {} bereikt, {} niet bereikt. De tabel hieronder geeft dezelfde cijfers.",
                if period == Period::Week { "week" } else { "maand" },
                o.received, o.reached, o.not_reached
            ),
            Lang::En => format!(
                "Bar chart per {}: callback requests received, reached and not reached. {} received in all, {} reached, {} not reached. The table below gives the same figures.",
                period.key(),
                o.received, o.reached, o.not_reached
            ),
        },
    );
    let outcomes = s
        .rows
        .iter()
        .zip(&names)
        .rev()
        .map(|(r, name)| {
            let o = &r.outcomes;
            Row {
                name: name.clone(),
                cells: vec![
                    o.received.to_string(),
                    o.reached.to_string(),
                    o.not_reached.to_string(),
                    o.open.to_string(),
                    median_words(o.median_first_call_s(), lang),
                ],
            }
        })
        .collect();
    let mut p = visitor.page(t("figures_title"), Vec::new());
    p.path = format!("/figures?by={}", period.key());
    let page = FiguresPage {
        p,
        choices: vec![
            Choice {
                href: "/figures?by=week",
                label: t("figures_week"),
                current: period == Period::Week,
            },
            Choice {
                href: "/figures?by=month",
                label: t("figures_month"),
                current: period == Period::Month,
            },
        ],
        csv_href: format!("/figures.csv?by={}", period.key()),
        has_figures,
        visits_chart,
        totals,
        kiosks: s.kiosks.clone(),
        per_kiosk,
        languages,
        top,
        outcomes_chart,
        outcomes,
        median_all: median_words(o.median_first_call_s(), lang),
    };
    Ok((StatusCode::OK, Html(page.render()?)).into_response())
}

/// The council's CSV (`<5` for counts from 1 to 4; see docs/figures.md).
pub async fn csv(
    State(hub): State<Hub>,
    visitor: Visitor,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    visitor.require(ROLES)?;
    let period = period_of(&params);
    let s = load(&hub, period).await?;
    let today = words::local_date(hub.clock.now().timestamp());
    let name = format!("samen-figures-{}-{today}.csv", period.key());
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        figures::csv(&s),
    )
        .into_response())
}
