//! Domain values to UI structs. Text composed from data (dates, repeats, cost) is put
//! into words here, in the screen's language, through `crate::i18n`.

use super::generated as ui;
use crate::config::Config;
use crate::feed::{Activity, Catalog, ImageRef, Occurrence};
use crate::i18n::{self, Lang};
use crate::images::Picture;
use crate::playlist::{Slide, SlideKind};
use chrono::{DateTime, NaiveDate, Utc};
use slint::{Image, ModelRc, Rgb8Pixel, Rgba8Pixel, SharedPixelBuffer, SharedString, VecModel};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

/// At most this many decoded pictures are kept (each about 2.6 MiB at 1920x1080):
/// the ones on screen and the next ones the rotation will show. The others are decoded
/// again, off the UI thread, when they are needed (`Controller::load_pictures`).
pub const MAX_PICTURES: usize = 8;

/// Pictures and QR codes turned into Slint images; pictures bounded, least recently
/// used first out.
#[derive(Default)]
pub struct ImageStore {
    pictures: HashMap<ImageRef, Image>,
    /// Least recently used first.
    used: VecDeque<ImageRef>,
    qr: HashMap<String, Image>,
    placeholder: Option<Image>,
}

impl ImageStore {
    pub fn insert_picture(&mut self, source: ImageRef, picture: &Picture) {
        let image = if picture.opaque {
            Image::from_rgb8(SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(
                &picture.pixels,
                picture.width,
                picture.height,
            ))
        } else {
            Image::from_rgba8(SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(
                &picture.pixels,
                picture.width,
                picture.height,
            ))
        };
        self.pictures.insert(source.clone(), image);
        self.touch(&source);
        while self.used.len() > MAX_PICTURES {
            if let Some(oldest) = self.used.pop_front() {
                self.pictures.remove(&oldest);
            }
        }
    }

    /// The picture, if it is decoded; it counts as just used.
    pub fn picture(&mut self, source: &ImageRef) -> Option<Image> {
        let image = self.pictures.get(source).cloned();
        if image.is_some() {
            self.touch(source);
        }
        image
    }

    /// Forgets every decoded picture (the screen goes dark for hours).
    pub fn clear_pictures(&mut self) {
        self.pictures.clear();
        self.used.clear();
    }

    pub fn pictures_len(&self) -> usize {
        self.pictures.len()
    }

    pub fn has_picture(&self, source: &ImageRef) -> bool {
        self.pictures.contains_key(source)
    }

    fn touch(&mut self, source: &ImageRef) {
        self.used.retain(|s| s != source);
        self.used.push_back(source.clone());
    }

    /// A picture that cannot be shown gets a calm, neutral block in its place.
    pub fn mark_broken(&mut self, source: ImageRef) {
        let placeholder = self
            .placeholder
            .get_or_insert_with(|| {
                // The soft panel colour (#FFE2C2), 4x3 like most photos.
                let pixels = [0xFFu8, 0xE2, 0xC2, 0xFF].repeat(12);
                Image::from_rgba8(SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(
                    &pixels, 4, 3,
                ))
            })
            .clone();
        self.pictures.insert(source, placeholder);
    }

    /// Forgets the pictures and QR codes that `catalog` no longer refers to: a feed
    /// whose pictures and links change every day must not make the store grow for
    /// ever (found by tests/soak.rs: about 50 MB a day with a new picture every 15
    /// minutes).
    pub fn retain_for(&mut self, catalog: &Catalog, messages: &[crate::messages::Message]) {
        let activities = catalog.activities();
        let pictures: HashSet<&ImageRef> = activities
            .iter()
            .filter_map(|a| a.image.as_ref())
            .chain(messages.iter().filter_map(|m| m.image.as_ref()))
            .collect();
        let links: HashSet<&str> = activities
            .iter()
            .map(|a| a.url.as_str())
            .chain(messages.iter().map(|m| m.url.as_str()))
            .collect();
        self.pictures.retain(|source, _| pictures.contains(source));
        self.used.retain(|source| pictures.contains(source));
        self.qr.retain(|url, _| links.contains(url.as_str()));
    }

    pub fn qr(&mut self, url: &str) -> Option<Image> {
        if let Some(image) = self.qr.get(url) {
            return Some(image.clone());
        }
        let bitmap = crate::qr::encode(url)?;
        let size = bitmap.size as u32;
        let buffer = SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(&bitmap.to_rgb(), size, size);
        let image = Image::from_rgb8(buffer);
        self.qr.insert(url.to_string(), image.clone());
        Some(image)
    }
}

/// Phone numbers and time ranges kept on one line (issue 23: "06 / •••••• 78", "10:00 - /
/// 11:30"): a space between two digits (or the dots of a masked number) becomes a
/// no-break space (U+00A0, in the bundled font), and " - " between two digits becomes
/// no-break space, hyphen, word joiner (U+2060, which forbids the break after a hyphen
/// that a no-break space alone allows; it has no glyph and takes no room), no-break
/// space. Speech reads the same text: espeak-ng ignores both.
pub fn keep_together(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let numeric = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || *c == '•');
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let before = i.checked_sub(1).and_then(|b| chars.get(b));
        if chars[i] == ' '
            && numeric(before)
            && chars.get(i + 1) == Some(&'-')
            && chars.get(i + 2) == Some(&' ')
            && numeric(chars.get(i + 3))
        {
            out.push_str("\u{a0}-\u{2060}\u{a0}");
            i += 3;
            continue;
        }
        if chars[i] == ' ' && numeric(before) && numeric(chars.get(i + 1)) {
            out.push('\u{a0}');
        } else {
            out.push(chars[i]);
        }
        i += 1;
    }
    out
}

fn s(text: impl AsRef<str>) -> SharedString {
    SharedString::from(text.as_ref())
}

pub fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

fn time_of(o: &Occurrence, lang: Lang) -> String {
    keep_together(&i18n::time_range(
        lang,
        o.start.time(),
        o.end.time(),
        o.all_day,
    ))
}

fn cost_of(a: &Activity, lang: Lang) -> String {
    i18n::cost(lang, a.cost_cents, a.cost_note.get(lang))
}

pub fn item(o: &Occurrence, lang: Lang, today: NaiveDate, now: DateTime<Utc>) -> ui::ActivityItem {
    let a = &o.activity;
    ui::ActivityItem {
        id: s(&a.id),
        title: s(i18n::activity_title(lang, a.title.get(lang))),
        time: s(time_of(o, lang)),
        day: s(i18n::capitalise(&i18n::relative_date(
            lang,
            o.local_date(),
            today,
        ))),
        weekday: s(i18n::capitalise(&i18n::relative_weekday(
            lang,
            o.local_date(),
            today,
        ))),
        place: s(&a.location.name),
        cost: s(cost_of(a, lang)),
        cancelled: o.is_cancelled(),
        ongoing: o.start <= now && o.end > now && !o.all_day,
    }
}

/// "elke dinsdag 10:00 - 11:30" or "zaterdag 5 december 14:00 - 16:00".
fn when_of(o: &Occurrence, lang: Lang, today: NaiveDate) -> String {
    let a = &o.activity;
    let time = time_of(o, lang);
    match i18n::repeat_phrase(lang, &a.repeat) {
        Some(repeat) => i18n::capitalise(&format!("{repeat} {time}")),
        None => i18n::capitalise(&format!(
            "{} {time}",
            i18n::relative_date(lang, o.local_date(), today)
        )),
    }
}

fn contact_of(a: &Activity) -> String {
    let o = &a.organizer;
    let contact = [o.name.as_str(), o.phone.as_str(), o.email.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    keep_together(&contact)
}

pub fn detail(
    o: &Occurrence,
    lang: Lang,
    today: NaiveDate,
    images: &mut ImageStore,
) -> ui::ActivityDetail {
    let a = &o.activity;
    let picture = a.image.as_ref().and_then(|i| images.picture(i));
    let qr = images.qr(&a.url);
    let next = if a.repeat == i18n::Repeat::Once {
        String::new()
    } else {
        i18n::capitalise(&i18n::relative_date(lang, o.local_date(), today))
    };
    ui::ActivityDetail {
        id: s(&a.id),
        title: s(i18n::activity_title(lang, a.title.get(lang))),
        description: s(a.description.get(lang)),
        when: s(when_of(o, lang, today)),
        next: s(next),
        place: s(&a.location.name),
        address: s(&a.location.address),
        cost: s(cost_of(a, lang)),
        accessibility: s(a.accessibility.get(lang)),
        contact: s(contact_of(a)),
        url: s(&a.url),
        cancelled: o.is_cancelled(),
        has_image: picture.is_some(),
        image: picture.unwrap_or_default(),
        has_qr: qr.is_some(),
        qr: qr.unwrap_or_default(),
    }
}

pub fn slide(
    slide: &Slide,
    _config: &Config,
    lang: Lang,
    now: DateTime<Utc>,
    images: &mut ImageStore,
) -> ui::SlideData {
    let today = now.with_timezone(&crate::time::ZONE).date_naive();
    let items =
        |list: &[Occurrence]| model(list.iter().map(|o| item(o, lang, today, now)).collect());
    let message = slide.message.as_deref();
    let (title, body) = match slide.kind {
        SlideKind::Campaign(_) | SlideKind::Urgent => message
            .map(|m| (m.title.get(lang).to_string(), m.body.get(lang).to_string()))
            .unwrap_or_default(),
        SlideKind::Today => (
            match lang {
                Lang::Nl => "Vandaag".into(),
                Lang::En => "Today".into(),
                Lang::Tr => "Bugün".into(),
                Lang::Pl => "Dzisiaj".into(),
            },
            String::new(),
        ),
        SlideKind::Week => (
            match lang {
                Lang::Nl => "Deze week".into(),
                Lang::En => "This week".into(),
                Lang::Tr => "Bu hafta".into(),
                Lang::Pl => "W tym tygodniu".into(),
            },
            String::new(),
        ),
        SlideKind::Spotlight => (
            match (
                lang,
                slide.spotlight.as_ref().map(|o| o.local_date() == today),
            ) {
                (Lang::Nl, Some(true)) => "Vandaag".into(),
                (Lang::Nl, _) => "Doe mee".into(),
                (Lang::En, Some(true)) => "Today".into(),
                (Lang::En, _) => "Join in".into(),
                (Lang::Tr, Some(true)) => "Bugün".into(),
                (Lang::Tr, _) => "Siz de katılın".into(),
                (Lang::Pl, Some(true)) => "Dzisiaj".into(),
                (Lang::Pl, _) => "Zapraszamy".into(),
            },
            String::new(),
        ),
        SlideKind::CallToAction | SlideKind::Help => Default::default(),
    };
    let picture = message
        .and_then(|m| m.image.as_ref())
        .and_then(|i| images.picture(i));
    let qr = message
        .filter(|m| !m.url.is_empty())
        .and_then(|m| images.qr(&m.url));
    ui::SlideData {
        has_picture: picture.is_some(),
        picture: picture.unwrap_or_default(),
        has_qr: qr.is_some(),
        qr: qr.unwrap_or_default(),
        kind: match slide.kind {
            SlideKind::Campaign(_) => ui::SlideKind::Campaign,
            SlideKind::Urgent => ui::SlideKind::Urgent,
            SlideKind::Today => ui::SlideKind::Today,
            SlideKind::Spotlight => ui::SlideKind::Spotlight,
            SlideKind::Week => ui::SlideKind::Week,
            SlideKind::CallToAction => ui::SlideKind::CallToAction,
            SlideKind::Help => ui::SlideKind::Help,
        },
        title: s(title),
        body: s(body),
        items: items(&slide.items),
        more: slide.more as i32,
        activity: slide
            .spotlight
            .as_ref()
            .map(|o| detail(o, lang, today, images))
            .unwrap_or_default(),
    }
}

pub fn helplines(config: &Config, lang: Lang) -> ModelRc<ui::Helpline> {
    model(
        config
            .helplines
            .iter()
            .map(|h| ui::Helpline {
                name: s(h.name.get(lang)),
                number: s(keep_together(h.number.get(lang))),
                detail: s(h.detail.get(lang)),
            })
            .collect(),
    )
}

pub fn languages(config: &Config) -> ModelRc<ui::Choice> {
    model(
        config
            .languages
            .iter()
            .map(|l| ui::Choice {
                key: s(l.code()),
                label: s(l.endonym()),
            })
            .collect(),
    )
}

/// Upper bound on the cards of one browse list: every card is laid out (the list is
/// not virtual), so a feed with thousands of activities a day would make the screen
/// slow and large. No community centre lists more in a week.
pub const MAX_LIST_ITEMS: usize = 200;

/// The browse list for a day tab (0 today, 1 tomorrow, 2 the coming 7 days) and a
/// category ("" for all). Cancelled ones stay in the list, marked, so that nobody
/// walks to a closed door; finished ones are gone. At most [`MAX_LIST_ITEMS`].
pub fn browse_items(
    catalog: &Catalog,
    day_tab: i32,
    category: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> ModelRc<ui::ActivityItem> {
    let today = now.with_timezone(&crate::time::ZONE).date_naive();
    let (first, days) = match day_tab {
        1 => (today.succ_opt().unwrap_or(today), 1),
        2 => (today, 7),
        _ => (today, 1),
    };
    let mut list = Vec::new();
    for offset in 0..days {
        let Some(date) = first.checked_add_days(chrono::Days::new(offset)) else {
            continue;
        };
        for o in catalog.on_day(date) {
            if o.local_date() != date && !(offset == 0 && o.all_day) {
                continue;
            }
            if o.end <= now {
                continue;
            }
            if !category.is_empty() && !o.activity.categories.iter().any(|c| c == category) {
                continue;
            }
            if list.len() >= MAX_LIST_ITEMS {
                return model(list);
            }
            list.push(item(&o, lang, today, now));
        }
    }
    model(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_store_keeps_only_the_most_recently_used() {
        let picture = Picture {
            width: 4,
            height: 3,
            opaque: true,
            pixels: vec![0; 4 * 3 * 3],
        };
        let source = |i: usize| ImageRef::Url(format!("https://example.org/{i}.jpg"));
        let mut store = ImageStore::default();
        store.insert_picture(source(0), &picture);
        for i in 1..MAX_PICTURES + 4 {
            store.insert_picture(source(i), &picture);
            // The first picture is on screen all the time: used at every step.
            assert!(store.picture(&source(0)).is_some(), "step {i}");
        }
        let kept = (0..MAX_PICTURES + 4)
            .filter(|i| store.has_picture(&source(*i)))
            .count();
        assert_eq!(kept, MAX_PICTURES);
        assert!(store.has_picture(&source(MAX_PICTURES + 3)), "the newest");
        assert!(
            !store.has_picture(&source(1)),
            "the oldest unused one is gone"
        );
    }

    #[test]
    fn numbers_and_time_ranges_are_kept_on_one_line() {
        assert_eq!(
            keep_together("10:00 - 11:30"),
            "10:00\u{a0}-\u{2060}\u{a0}11:30"
        );
        assert_eq!(keep_together("06 •••••• 78"), "06\u{a0}••••••\u{a0}78");
        assert_eq!(keep_together("088 0767 000"), "088\u{a0}0767\u{a0}000");
        // Words around a number still break; a hyphen in a number is left alone.
        assert_eq!(
            keep_together("Bel 035 623 1100 of 0800-0113"),
            "Bel 035\u{a0}623\u{a0}1100 of 0800-0113"
        );
        assert_eq!(keep_together("Elke dinsdag"), "Elke dinsdag");
    }
}
