//! Nothing important hidden below the fold (issue 22) and no layout faults (issue 23),
//! checked from the layout on Slint's testing backend: every scene at six window sizes
//! (800x480 to 3840x2160, and portrait), three text sizes (signage: normal only) and
//! four languages.
//!
//! - Every `Flickable` is a `ScrollArea`'s; when its content is taller than what shows,
//!   its scroll bar and its "Meer" / "Terug naar boven" buttons are there, inside the
//!   window, labelled and at least `Theme.target` tall; when it fits, they are not.
//! - Outside scrolling areas, no visible text leaves the window, and (when no panel is
//!   open) none runs under the bottom bar.
//! - On the help screen the "Bel 112" line is whole inside the window and above the
//!   bottom bar, and in each helpline card the number comes before its description.
//! - No shown control, picture or text lies outside the window (outside scrolling areas).
//! - Every shown text fits its box (issue 23): Slint's own layout answer for the text
//!   (`layout_info`: its longest word or unwrapped width, its wrapped height at the width
//!   it was given) is compared with the size it got; a text that is narrower than its
//!   longest word, shorter than its lines, or shortened with "…" is a fault.
//! - The bottom bar (signage's and the interactive screens') has the same height in
//!   every language, so the layout does not jump when a visitor switches.
//! - The helpline slide shows "In direct gevaar? Bel 112." whole, above its bottom bar.
//! - All of it again with three urgent notices in force (issue 17): their strip on
//!   every interactive screen, their slide on signage.
//!
//! The testing backend can be set up once per process: own `main` (harness = false).

use i_slint_backend_testing::{mock_elapsed_time, AccessibleRole, ElementHandle, ElementRoot};
use samen_kiosk::callback::delivery::{Channel, Webhook};
use samen_kiosk::config::Config;
use samen_kiosk::feed::{bundled, Catalog};
use samen_kiosk::i18n::Lang;
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Kiosk, Theme};
use samen_kiosk::ui::{show_scene, App, AppWindow, KioskOptions, Scene};
use slint::{ComponentHandle, Model};
use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Saturday 28 November 2026, 10:42 in Hilversum (as in tests/ui.rs).
const NOW: &str = "2026-11-28T10:42:00+01:00";

const SIZES: [(u32, u32); 6] = [
    (800, 480),
    (1024, 600),
    (1280, 800),
    (1920, 1080),
    (1080, 1920),
    (3840, 2160),
];

const LANGS: [Lang; 4] = [Lang::Nl, Lang::En, Lang::Tr, Lang::Pl];

/// "In direct gevaar? Bel 112." as each language shows it (translations/*/…po).
fn emergency_line(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "In direct gevaar? Bel 112.",
        Lang::En => "In immediate danger? Call 112.",
        Lang::Tr => "Acil tehlike mi var? 112'yi arayın.",
        Lang::Pl => "Bezpośrednie zagrożenie? Proszę dzwonić pod 112.",
    }
}

/// A kiosk that offers "Bel mij terug" (a webhook is configured): the fullest bars.
fn kiosk(width: u32, height: u32) -> Rc<App> {
    kiosk_with(width, height, Config::default())
}

/// Three long urgent notices in force (issue 17): the strip on every interactive
/// screen, the urgent slide on signage.
fn urgent_config() -> Config {
    let mut config = Config::default();
    for (id, title, body) in [
        (
            "storm",
            "Vandaag gesloten wegens storm",
            "De bibliotheek is vandaag de hele dag dicht. Morgen zijn we er weer, vanaf 09:00.",
        ),
        (
            "koffie",
            "De koffieochtend in de grote zaal gaat vandaag niet door",
            "Volgende week bent u weer welkom.",
        ),
        (
            "lift",
            "De lift is kapot",
            "Gebruik de trap of vraag de balie om hulp.",
        ),
    ] {
        let raw = samen_kiosk::messages::RawWindow {
            from: Some("2026-11-28T08:00"),
            until: Some("2026-11-29"),
            priority: Some("urgent"),
            ..Default::default()
        };
        let (window, priority, problems) = samen_kiosk::messages::check_window(&raw);
        assert!(problems.is_empty(), "{problems:?}");
        config.signage.messages.push(samen_kiosk::config::Message {
            id: id.into(),
            window,
            priority,
            url: "https://www.example.org/nieuws".into(),
            ..samen_kiosk::config::Message::always(
                samen_kiosk::i18n::Localized::new(title),
                samen_kiosk::i18n::Localized::new(body),
            )
        });
    }
    config
}

fn kiosk_with(width: u32, height: u32, mut config: Config) -> Rc<App> {
    config.callback.channel = Some(Channel::Webhook(Webhook {
        url: "https://intake.example.org/hook".into(),
        secret: samen_kiosk::signing::Secret::new("0123456789abcdef0123"),
    }));
    let clock = Arc::new(FixedClock::new(parse_instant(NOW).expect("valid time")));
    let feed = bundled::example(clock.today()).expect("bundled feed parses");
    let window = AppWindow::new().expect("window");
    window
        .window()
        .set_size(slint::PhysicalSize::new(width, height));
    let app = App::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock,
            catalog: Catalog::new(feed.activities, true),
            image_dir: None,
            state_dir: None,
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
    );
    app.window().show().expect("show");
    app
}

#[derive(Clone, Copy, Debug)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Rect {
    fn of(e: &ElementHandle) -> Rect {
        let (p, s) = (e.absolute_position(), e.size());
        Rect {
            x: p.x,
            y: p.y,
            w: s.width,
            h: s.height,
        }
    }
    fn bottom(&self) -> f32 {
        self.y + self.h
    }
    fn right(&self) -> f32 {
        self.x + self.w
    }
    fn inside(&self, o: &Rect) -> bool {
        const SLACK: f32 = 1.0;
        self.x >= o.x - SLACK
            && self.y >= o.y - SLACK
            && self.right() <= o.right() + SLACK
            && self.bottom() <= o.bottom() + SLACK
    }
}

fn shown(e: &ElementHandle) -> bool {
    let s = e.size();
    s.width > 0.0 && s.height > 0.0 && e.computed_opacity() > 0.01
}

fn id(e: &ElementHandle) -> String {
    e.id().map(|s| s.to_string()).unwrap_or_default()
}

/// What the checks need of an element, read once per view.
struct Info {
    handle: ElementHandle,
    id: String,
    type_name: String,
    role: Option<AccessibleRole>,
    accessible_id: String,
    label: String,
    rect: Rect,
    shown: bool,
}

impl Info {
    fn of(e: ElementHandle) -> Info {
        Info {
            id: id(&e),
            type_name: e.type_name().map(|s| s.to_string()).unwrap_or_default(),
            role: e.accessible_role(),
            accessible_id: e.accessible_id().map(|s| s.to_string()).unwrap_or_default(),
            label: e
                .accessible_label()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            rect: Rect::of(&e),
            shown: shown(&e),
            handle: e,
        }
    }
    fn key(&self) -> String {
        let r = self.rect;
        format!(
            "{}|{}|{:.1},{:.1},{:.1},{:.1}",
            self.id, self.label, r.x, r.y, r.w, r.h
        )
    }
}

fn keys_under(e: &ElementHandle) -> HashSet<String> {
    e.query_descendants()
        .find_all()
        .into_iter()
        .map(|d| Info::of(d).key())
        .collect()
}

/// Checks one view; returns whether something in it scrolls, and the height of its
/// bottom bar.
fn check_view(
    app: &App,
    what: &str,
    lang: Lang,
    scene: Scene,
    out: &mut Vec<String>,
) -> (bool, Option<f32>) {
    let window = app.window();
    let size = window.window().size();
    let win = Rect {
        x: 0.0,
        y: 0.0,
        w: size.width as f32,
        h: size.height as f32,
    };
    let target = window.global::<Theme>().get_target();
    // A first walk through the tree creates what `if` and `for` have not created yet
    // (Slint does that lazily, when the tree is visited); the second reads it.
    window.root_element().query_descendants().find_all();
    let all: Vec<Info> = window
        .root_element()
        .query_descendants()
        .find_all()
        .into_iter()
        .map(Info::of)
        .collect();
    let with_id =
        |wanted: &str| -> Vec<&Info> { all.iter().filter(|i| i.shown && i.id == wanted).collect() };

    // Scrolling areas.
    let flicks: Vec<&Info> = all
        .iter()
        .filter(|i| i.shown && i.type_name == "Flickable")
        .collect();
    let contents = with_id("ScrollArea::content");
    let mut controls = with_id("ScrollArea::more-button");
    controls.extend(with_id("ScrollArea::up-button"));
    let thumbs = with_id("ScrollArea::thumb");
    let mut in_flicks: HashSet<String> = HashSet::new();
    let mut overflowing = 0;
    for flick in &flicks {
        let area = flick.rect;
        if flick.id != "ScrollArea::flick" {
            out.push(format!(
                "{what}: a Flickable that is not a ScrollArea ({})",
                flick.id
            ));
        }
        in_flicks.extend(keys_under(&flick.handle));
        // Its content starts at its left edge, as wide as it is.
        let Some(content) = contents.iter().find(|c| {
            (c.rect.x - area.x).abs() < 1.0
                && (c.rect.w - area.w).abs() < 1.0
                && in_flicks.contains(&c.key())
        }) else {
            out.push(format!("{what}: a ScrollArea without its content"));
            continue;
        };
        let overflows = content.rect.h > area.h + 1.0;
        let within = |r: &Rect| r.x >= area.x - 1.0 && r.right() <= area.right() + 1.0;
        // The buttons in the row right under the area, the bar inside it.
        let mine: Vec<&&Info> = controls
            .iter()
            .filter(|c| within(&c.rect) && (c.rect.y - area.bottom()).abs() < target)
            .collect();
        let bar = thumbs.iter().any(|t| {
            within(&t.rect) && t.rect.y >= area.y - 1.0 && t.rect.bottom() <= area.bottom() + 1.0
        });
        if !overflows {
            if !mine.is_empty() || bar {
                out.push(format!("{what}: scroll controls although everything fits"));
            }
            // "Everything fits" must be true of what is drawn, not only of what the
            // layout measured: a text that runs past the bottom of an area that does
            // not scroll is cut off with nothing to say so (wrapped lines measured at
            // the wrong width did this to the help screen's cards).
            let under = keys_under(&flick.handle);
            for t in all.iter().filter(|i| {
                i.shown && i.role == Some(AccessibleRole::Text) && under.contains(&i.key())
            }) {
                if t.rect.bottom() > area.bottom() + 1.0 {
                    out.push(format!(
                        "{what}: '{}' is cut off at the bottom of a scrolling area that does not scroll ({:?}, area ends at {:.0})",
                        t.label,
                        t.rect,
                        area.bottom()
                    ));
                }
            }
            continue;
        }
        overflowing += 1;
        let scrolls = format!(
            "content scrolls ({:.0} px in {:.0} px)",
            content.rect.h, area.h
        );
        if !bar {
            out.push(format!("{what}: {scrolls} without a scroll bar"));
        }
        for wanted in ["ScrollArea::more-button", "ScrollArea::up-button"] {
            match mine.iter().find(|c| c.id == wanted) {
                None => out.push(format!("{what}: {scrolls} without {wanted}")),
                Some(c) => {
                    let (r, label) = (c.rect, &c.label);
                    if label.trim().is_empty() {
                        out.push(format!("{what}: {wanted} has no label"));
                    }
                    if r.h + 0.5 < target || r.w + 0.5 < target {
                        out.push(format!(
                            "{what}: '{label}' is {:.0}x{:.0} px, less than {target:.0}",
                            r.w, r.h
                        ));
                    }
                    if !r.inside(&win) {
                        out.push(format!("{what}: '{label}' is outside the window at {r:?}"));
                    }
                }
            }
        }
    }

    // The bars (not the scroll areas' button rows), and whether a panel is open.
    let bars: Vec<&Info> = all
        .iter()
        .filter(|i| i.shown && i.accessible_id == "bar" && i.role == Some(AccessibleRole::Groupbox))
        .filter(|i| !controls.iter().any(|c| c.rect.inside(&i.rect)))
        .collect();
    let footer = bars
        .iter()
        .map(|b| b.rect)
        .filter(|r| r.y > win.h / 2.0)
        .max_by(|a, b| a.y.total_cmp(&b.y));
    let mut in_bars: HashSet<String> = HashSet::new();
    for b in &bars {
        in_bars.extend(keys_under(&b.handle));
    }
    let panel_open = all.iter().any(|i| i.shown && i.accessible_id == "sheet");
    // Signage's bottom bar (the invitation, the languages, "Hulp nodig?").
    let signage_bar = all
        .iter()
        .find(|i| i.shown && i.id == "SignageScreen::bottom")
        .map(|i| i.rect);
    let footer = footer.or(signage_bar);
    if let Some(bar) = all
        .iter()
        .find(|i| i.shown && i.id == "SignageScreen::bottom")
    {
        in_bars.extend(keys_under(&bar.handle));
    }

    // No control or picture outside the window (outside scrolling areas).
    for c in all.iter().filter(|i| {
        i.shown
            && matches!(
                i.role,
                Some(AccessibleRole::Button | AccessibleRole::Checkbox | AccessibleRole::Image)
            )
    }) {
        let k = c.key();
        if !in_flicks.contains(&k) && !c.rect.inside(&win) {
            out.push(format!(
                "{what}: '{}' ({:?}) lies outside the window at {:?}",
                c.label, c.role, c.rect
            ));
        } else if let Some(f) = footer {
            // Nor under the bottom bar, where it cannot be seen or tapped (issue 23:
            // "Ja, bel mij" at extra large on 800x480, whose text is not a Text).
            let control = matches!(
                c.role,
                Some(AccessibleRole::Button | AccessibleRole::Checkbox)
            );
            // (Signage's "Tik op het scherm" is the whole window, bar and all.)
            let covers_bar = c.rect.y <= f.y + 1.0 && c.rect.bottom() >= f.bottom() - 1.0;
            if control
                && !covers_bar
                && !panel_open
                && !in_flicks.contains(&k)
                && !in_bars.contains(&k)
                && c.rect.bottom() > f.y + 1.0
            {
                out.push(format!(
                    "{what}: '{}' ({:?}) lies under the bottom bar at {:?} (bar at {:.0})",
                    c.label, c.role, c.rect, f.y
                ));
            }
        }
    }

    // Texts outside scrolling areas stay in the window and off the bottom bar.
    for t in all
        .iter()
        .filter(|i| i.shown && i.role == Some(AccessibleRole::Text))
    {
        let k = t.key();
        if in_flicks.contains(&k) {
            continue;
        }
        let (r, label) = (t.rect, &t.label);
        if !r.inside(&win) {
            out.push(format!(
                "{what}: '{label}' is cut off by the window edge at {r:?}"
            ));
        } else if let Some(f) = footer {
            if !panel_open && !in_bars.contains(&k) && r.bottom() > f.y + 1.0 {
                out.push(format!(
                    "{what}: '{label}' runs under the bottom bar ({r:?}, bar at {:.0})",
                    f.y
                ));
            }
        }
    }

    // A list slide's rows lie wholly within the slide (above the bottom bar). One
    // that does not fit is left out (not drawn, counted in "en nog ...": below).
    if matches!(scene, Scene::SignageToday | Scene::SignageWeek) {
        // The layer in front (the other one of the cross-fade is faded out).
        let front: Vec<&Info> = all
            .iter()
            .filter(|i| i.shown && i.type_name == "SlideView")
            .collect();
        let rows: Vec<(Rect, ElementHandle)> = front
            .iter()
            .flat_map(|slide| {
                slide
                    .handle
                    .query_descendants()
                    .match_type_name("ItemRow")
                    .find_all()
                    .into_iter()
                    .map(|row| (slide.rect, row))
            })
            .collect();
        if front.len() != 1 || rows.is_empty() {
            out.push(format!(
                "{what}: {} slides in front, {} rows",
                front.len(),
                rows.len()
            ));
        }
        for (slide, row) in rows {
            let r = Rect::of(&row);
            if shown(&row) && !r.inside(&slide) {
                out.push(format!(
                    "{what}: a row runs out of the slide ({r:?}, slide {slide:?})"
                ));
            }
        }
    }

    if matches!(scene, Scene::SignageWeek | Scene::SignageToday) && lang == Lang::Nl {
        // Only whole rows, and "en nog N" counts the others (issue 23).
        let signage = window.global::<samen_kiosk::ui::generated::Signage>();
        let slide = if signage.get_front_is_a() {
            signage.get_slide_a()
        } else {
            signage.get_slide_b()
        };
        let titles: Vec<String> = slide.items.iter().map(|i| i.title.to_string()).collect();
        let shown_rows = titles
            .iter()
            .filter(|t| all.iter().any(|i| i.shown && &i.label == *t))
            .count();
        let total = titles.len() + slide.more as usize;
        let more = all
            .iter()
            .filter(|i| i.shown && i.label.starts_with("en nog "))
            .find_map(|i| {
                i.label
                    .split(' ')
                    .nth(2)
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .unwrap_or(0);
        if shown_rows == 0 || shown_rows + more != total {
            out.push(format!(
                "{what}: {shown_rows} rows shown and 'en nog {more}', of {total} activities"
            ));
        }
    }
    if scene == Scene::SignageHelp {
        let line = emergency_line(lang);
        let limit = footer.map_or(win.h, |f| f.y);
        let whole = all.iter().any(|i| {
            i.shown && i.label == line && i.rect.inside(&win) && i.rect.bottom() <= limit + 1.0
        });
        if !whole {
            let at: Vec<Rect> = all
                .iter()
                .filter(|i| i.label == line)
                .map(|i| i.rect)
                .collect();
            out.push(format!(
                "{what}: '{line}' is not whole above the bottom bar (at {at:?}, bar at {limit:.0})"
            ));
        }
    }
    if scene == Scene::Help {
        let line = emergency_line(lang);
        let found: Vec<&Info> = all.iter().filter(|i| i.shown && i.label == line).collect();
        let limit = footer.map_or(win.h, |f| f.y);
        // Whole, inside the window, above the bottom bar, and if it scrolls, inside
        // the part of its area that shows.
        let ok = found.iter().any(|i| {
            i.rect.inside(&win)
                && i.rect.bottom() <= limit + 1.0
                && (!in_flicks.contains(&i.key()) || flicks.iter().any(|f| i.rect.inside(&f.rect)))
        });
        if !ok {
            let at: Vec<Rect> = found.iter().map(|i| i.rect).collect();
            out.push(format!(
                "{what}: '{line}' is not in view above the bottom bar (at {at:?}, bar at {limit:.0})"
            ));
        }
        for hl in window.global::<Kiosk>().get_helplines().iter() {
            let y_of = |text: &str| {
                all.iter()
                    .find(|i| i.shown && i.role == Some(AccessibleRole::Text) && i.label == text)
                    .map(|i| i.rect.y)
            };
            if std::env::var("FOLD_DEBUG").is_ok() {
                for i in all
                    .iter()
                    .filter(|i| i.label == hl.detail.as_str() || i.label == hl.number.as_str())
                {
                    eprintln!(
                        "DBG {what} {:?} {:?} shown={} op={} {:?}",
                        i.label,
                        i.role,
                        i.shown,
                        i.handle.computed_opacity(),
                        i.rect
                    );
                }
            }
            // Elements scrolled out of view are not in the tree's answer: a card
            // whose description shows must show its number, above it.
            match (y_of(&hl.number), y_of(&hl.detail)) {
                (_, None) => {}
                (Some(n), Some(d)) if n < d => {}
                other => out.push(format!(
                    "{what}: {}: description in view, number not above it ({other:?})",
                    hl.name
                )),
            }
        }
    }
    text_faults(app, what, &win, out);
    (overflowing > 0, footer.map(|f| f.h))
}

/// Texts that do not fit their box (issue 23), from Slint's own layout answers: every
/// shown `Text` item (also those inside buttons, which the accessibility tree does not
/// list as texts) is asked for its longest word or unwrapped width and for its wrapped
/// height at the width it has. Returns the texts' rectangles, for the window check.
fn text_faults(app: &App, what: &str, win: &Rect, out: &mut Vec<String>) {
    // The urgent strip cuts a notice short by design (issue 17: one line each, the
    // whole of it on the signage slide and in speech).
    let notices: Vec<String> = app
        .window()
        .global::<Kiosk>()
        .get_urgent()
        .iter()
        .flat_map(|n| {
            [
                format!("{}.", n.title),
                n.title.to_string(),
                n.body.to_string(),
            ]
        })
        .collect();
    use i_slint_core::item_tree::{ItemRc, ParentItemTraversalMode};
    use i_slint_core::items::{
        ComplexText, Flickable, ItemRef, Opacity, Orientation, SimpleText, TextOverflow, TextWrap,
    };
    let window = app.window();
    let adapter = i_slint_core::window::WindowInner::from_pub(window.window()).window_adapter();
    let root = ItemRc::new_root(ElementRoot::item_tree(window));
    // The opacity an item is drawn with, and whether it is in a scrolling area.
    let ancestry = |item: &ItemRc| {
        let (mut o, mut scrolls) = (1.0, false);
        let mut at = item.parent_item(ParentItemTraversalMode::FindAllParents);
        while let Some(i) = at {
            if let Some(op) = ItemRef::downcast_pin::<Opacity>(i.borrow()) {
                o *= op.opacity();
            }
            scrolls |= ItemRef::downcast_pin::<Flickable>(i.borrow()).is_some();
            at = i.parent_item(ParentItemTraversalMode::FindAllParents);
        }
        (o, scrolls)
    };
    root.visit_descendants(|item| {
        let (text, wrap, overflow) =
            if let Some(t) = ItemRef::downcast_pin::<ComplexText>(item.borrow()) {
                (t.text().to_string(), t.wrap(), t.overflow())
            } else if let Some(t) = ItemRef::downcast_pin::<SimpleText>(item.borrow()) {
                (t.text().to_string(), TextWrap::NoWrap, TextOverflow::Clip)
            } else {
                return ControlFlow::<()>::Continue(());
            };
        let g = item.geometry();
        let (w, h) = (g.size.width, g.size.height);
        if text.trim().is_empty() || w <= 0.0 || h <= 0.0 || !item.is_visible() {
            return ControlFlow::Continue(());
        }
        let (opacity, scrolls) = ancestry(item);
        if opacity < 0.01 {
            return ControlFlow::Continue(());
        }
        // (`map_to_window` maps a point of the parent's space: the item's own origin.)
        let p = item.map_to_window(g.origin);
        let r = Rect {
            x: p.x,
            y: p.y,
            w,
            h,
        };
        let line = text.replace('\n', " ");
        let r_ = item.borrow();
        let horizontal = r_
            .as_ref()
            .layout_info(Orientation::Horizontal, -1.0, &adapter, item);
        let vertical = r_
            .as_ref()
            .layout_info(Orientation::Vertical, w, &adapter, item);
        if overflow == TextOverflow::Elide {
            if wrap == TextWrap::NoWrap
                && horizontal.preferred > w + 1.0
                && !notices.contains(&text)
            {
                out.push(format!(
                    "{what}: '{line}' is shortened with … ({w:.0} px for {:.0})",
                    horizontal.preferred
                ));
            }
        } else if horizontal.min > w + 1.0 {
            out.push(format!(
                "{what}: '{line}' is wider than its box ({w:.0} px for {:.0}{})",
                horizontal.min,
                if wrap == TextWrap::NoWrap {
                    ""
                } else {
                    ", its longest word"
                }
            ));
        }
        if vertical.preferred > h + 1.0
            && !(overflow == TextOverflow::Elide && wrap == TextWrap::NoWrap)
        {
            out.push(format!(
                "{what}: '{line}' is taller than its box ({h:.0} px for {:.0})",
                vertical.preferred
            ));
        }
        // Inside the element it is drawn on (a button, a card, a bar): a text that is
        // given its width but overflows its parent runs into the parent's border.
        if let Some(parent) = item.parent_item(ParentItemTraversalMode::StopAtPopups) {
            let is_viewport = ItemRef::downcast_pin::<Flickable>(parent.borrow()).is_some();
            let pg = parent.geometry();
            let pp = parent.map_to_window(pg.origin);
            let pr = Rect {
                x: pp.x,
                y: pp.y,
                w: pg.size.width,
                h: pg.size.height,
            };
            if !is_viewport && pr.w > 0.0 && pr.h > 0.0 && !r.inside(&pr) {
                out.push(format!(
                    "{what}: '{line}' runs out of its box ({r:?} in {pr:?})"
                ));
            }
        }
        if !scrolls && !r.inside(win) {
            out.push(format!("{what}: '{line}' lies outside the window at {r:?}"));
        }
        ControlFlow::Continue(())
    });
}

fn is_signage(scene: Scene) -> bool {
    matches!(
        scene,
        Scene::Signage
            | Scene::SignageToday
            | Scene::SignageSpotlight
            | Scene::SignageWeek
            | Scene::SignageCallToAction
            | Scene::SignageHelp
            | Scene::SignageMessage
            | Scene::Dark
    )
}

fn every_scene_at_every_size_shows_what_it_hides() {
    every_scene(Config::default, &SIZES, 50);
}

/// The same with three urgent notices in force: the strip takes its room at the top
/// of every interactive screen and nothing else is pushed out of sight.
/// At the three sizes where room is shortest: 800x480 (the smallest type in pixels),
/// 1920x1080 (the layout follows the short side, so 16:9 is the least height for its
/// width: 800x450 in 800x480's terms; 1024x600 and 1280x800 have more) and 1080x1920
/// (portrait). With five sizes this half alone took 1,204 s of a CI run on shared
/// cores, where CI has 45 minutes for everything.
fn every_scene_with_urgent_notices_still_fits() {
    every_scene(urgent_config, &[SIZES[0], SIZES[3], SIZES[4]], 50);
}

fn every_scene(config: fn() -> Config, sizes: &[(u32, u32)], min_scrolling: usize) {
    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut views, mut scrolling) = (0, 0);
    let mut setup = Duration::ZERO;
    // The bottom bar's height per view without the language: the same in every language.
    let mut bar_heights: HashMap<String, Vec<(Lang, f32)>> = HashMap::new();
    // FOLD_SCENES=callback-name,help: only those (for a quick look while changing them).
    let only: Option<Vec<String>> = std::env::var("FOLD_SCENES")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    for &(w, h) in sizes {
        for (name, scene) in Scene::ALL {
            if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == name)) {
                continue;
            }
            let t0 = Instant::now();
            let app = kiosk_with(w, h, config());
            setup += t0.elapsed();
            mock_elapsed_time(Duration::from_millis(1));
            let short = app.window().global::<Theme>().get_short_side();
            assert_eq!(short, w.min(h) as f32, "the theme follows the window size");
            show_scene(&app, scene);
            for lang in LANGS {
                app.set_language(lang);
                // Signage is always at the normal text size: the visitor's choice
                // ends with the visit (src/ui/access.rs). The list slides are also
                // checked larger (a preview at `--text-size extra-large`): their
                // rows follow the text size (issue 21).
                let list = matches!(scene, Scene::SignageToday | Scene::SignageWeek);
                let text_sizes = if is_signage(scene) && !list {
                    0..1
                } else {
                    0..3
                };
                for text_size in text_sizes {
                    app.set_look(text_size, false);
                    let what = format!("{name} {w}x{h} {lang} text size {text_size}");
                    views += 1;
                    let (scrolls, bar) = check_view(&app, &what, lang, scene, &mut failures);
                    if scrolls {
                        scrolling += 1;
                    }
                    if let Some(bar) = bar {
                        bar_heights
                            .entry(format!("{name} {w}x{h} text size {text_size}"))
                            .or_default()
                            .push((lang, bar));
                    }
                }
            }
            // A shown window stays alive in the testing backend; hidden, the kiosk is
            // dropped here. Kept, every later kiosk took longer to build and check
            // (0.25 s each with 12 alive, 2.7 s with 138).
            let _ = app.window().hide();
        }
    }
    let mut jumps: Vec<String> = bar_heights
        .iter()
        .filter(|(_, hs)| {
            let (lo, hi) = hs.iter().fold((f32::MAX, f32::MIN), |(lo, hi), (_, h)| {
                (lo.min(*h), hi.max(*h))
            });
            hi - lo > 1.0
        })
        .map(|(view, hs)| {
            format!("{view}: the bottom bar changes height between languages: {hs:?}")
        })
        .collect();
    jumps.sort();
    failures.extend(jumps);
    eprintln!(
        "  {views} views, {scrolling} with scrolling content, {:.1} s ({:.1} s building kiosks)",
        started.elapsed().as_secs_f32(),
        setup.as_secs_f32()
    );
    assert!(
        only.is_some() || scrolling > min_scrolling,
        "only {scrolling} views scroll: is the check finding the areas?"
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// "Meer" moves down by a page and counts as a touch; "Terug naar boven" goes back.
fn scroll_buttons_move_by_a_page_and_count_as_touches() {
    let app = kiosk(800, 480);
    show_scene(&app, Scene::Help);
    app.set_look(2, false);
    let find = |id: &str| {
        ElementHandle::find_by_element_id(app.window(), id)
            .next()
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let content_y = || Rect::of(&find("ScrollArea::content")).y;
    let top = content_y();
    let flick_h = Rect::of(&find("ScrollArea::flick")).h;
    find("ScrollArea::more-button").invoke_accessible_default_action();
    let moved = top - content_y();
    assert!(
        moved > flick_h * 0.5 && moved <= flick_h,
        "moved {moved} px for a {flick_h} px area"
    );
    // A touch restarts the inactivity timer: 80 s after it, still no warning.
    mock_elapsed_time(Duration::from_secs(50));
    find("ScrollArea::more-button").invoke_accessible_default_action();
    mock_elapsed_time(Duration::from_secs(50));
    assert!(
        !app.window()
            .global::<samen_kiosk::ui::generated::Nav>()
            .get_warning(),
        "the button counted as a touch"
    );
    find("ScrollArea::up-button").invoke_accessible_default_action();
    assert!((content_y() - top).abs() < 0.5, "back at the top");
}

fn main() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let scenarios: &[(&str, fn())] = &[
        (
            "scroll_buttons_move_by_a_page_and_count_as_touches",
            scroll_buttons_move_by_a_page_and_count_as_touches,
        ),
        (
            "every_scene_at_every_size_shows_what_it_hides",
            every_scene_at_every_size_shows_what_it_hides,
        ),
        (
            "every_scene_with_urgent_notices_still_fits",
            every_scene_with_urgent_notices_still_fits,
        ),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut ran = 0;
    // A whole run does the urgent-notice pass at the same time in a second process of
    // this test (Slint's testing backend is one per process): each pass keeps one core
    // busy, and CI has two.
    let urgent = "every_scene_with_urgent_notices_still_fits";
    let beside = if filter.is_empty() && std::env::var_os("FOLD_BESIDE").is_none() {
        std::env::current_exe().ok().and_then(|exe| {
            std::process::Command::new(exe)
                .arg(urgent)
                .env("FOLD_BESIDE", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .ok()
        })
    } else {
        None
    };
    for (name, scenario) in scenarios {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        if beside.is_some() && *name == urgent {
            continue;
        }
        print!("test fold::{name} ... ");
        scenario();
        println!("ok");
        ran += 1;
    }
    if let Some(child) = beside {
        let out = child
            .wait_with_output()
            .expect("the urgent-notice pass ran");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if !line.starts_with("test result") && !line.is_empty() {
                println!("{line}");
            }
        }
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "the urgent-notice pass failed: {}",
            out.status
        );
        ran += 1;
    }
    println!("\ntest result: ok. {ran} passed; 0 failed");
}
