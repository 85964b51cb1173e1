#!/usr/bin/env python3
"""Generates the feeds that scripts/measure.sh runs the kiosk on (issue 8).

Usage: scripts/make-measure-feeds.py [OUT_DIR]      (default: target/measure-feeds)

Writes, in the project's JSON feed format (docs/feed-format.md):
  OUT_DIR/feed-30.json     30 activities around today: 8 weekly series, 22 single
                           events in the coming week (6 of them today), no pictures
  OUT_DIR/feed-1000.json   1,000 activities: 200 weekly series, 800 single events from
                           30 days back to 60 days ahead, 50 with a large picture
  OUT_DIR/images/big-NN.jpg  the 50 pictures, 4000x3000 JPEG (about 0.7 MB each)
Dates are relative to today in Europe/Amsterdam, so the feeds always have something
on "Vandaag". Content is deterministic for a given day (seeded). Pictures that exist
already are not drawn again. Needs python3 with PIL (Debian python3-pil).
"""
import datetime as dt
import json
import os
import random
import sys
from zoneinfo import ZoneInfo

CATEGORIES = ["ontmoeten", "bewegen", "creatief", "eten", "jongeren", "leren"]
TITLES = [
    "Koffieochtend", "Wandelen in het park", "Stoelyoga", "Samen koken", "Breiclub",
    "Taalcafé", "Spelletjesmiddag", "Zingen met elkaar", "Computerhulp", "Moestuinieren",
    "Schilderen", "Repair Café", "Filmavond", "Boekenclub", "Dansen voor ouderen",
]
PLACES = [
    ("Bibliotheek Hilversum", "'s-Gravelandseweg 55, 1217 EP Hilversum"),
    ("Buurthuis Oost", "Larenseweg 100, Hilversum"),
    ("Wijkcentrum Noord", "Johannes Geradtsweg 1, Hilversum"),
    ("Het Wapen", "Kerkstraat 12, Hilversum"),
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def event(rng, i, start, minutes, rrule=None, image=None):
    title = f"{rng.choice(TITLES)} {i + 1}"
    place = rng.choice(PLACES)
    e = {
        "id": f"m{i:04d}",
        "name": title,
        "description": "Een gezellig moment met mensen uit de buurt. U bent van harte "
        "welkom, ook als u niemand kent. Neem gerust iemand mee.",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "duration": f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H",
        "location": {"name": place[0], "address": place[1]},
        "organizer": {"name": "Versa Welzijn", "phone": "035 123 4500"},
        "url": f"https://example.org/activiteiten/{i}",
        "cost": {"amount": rng.choice([0, 0, 1, 2, 2.5, 5])},
        "categories": rng.sample(CATEGORIES, rng.choice([1, 1, 2])),
        "translations": {"en": {"name": f"Activity {i + 1}"}},
    }
    if rrule:
        e["rrule"] = rrule
    if image:
        e["image"] = image
    return e


def feed(name, events):
    return {"format": "samen-kiosk-feed", "version": 1, "name": name, "events": events}


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute))


def feed_30(rng, today):
    events = []
    for i in range(8):
        first = today - dt.timedelta(days=rng.randrange(7, 60))
        weekday = DAYS[(today.weekday() + i) % 7]
        start = at(first, rng.choice([9, 10, 13, 14, 19]), rng.choice([0, 30]))
        events.append(event(rng, i, start, 90, f"FREQ=WEEKLY;BYDAY={weekday}"))
    for i in range(8, 30):
        day = today if i < 14 else today + dt.timedelta(days=rng.randrange(1, 8))
        hour = 8 + 2 * (i - 8) if i < 14 else rng.randrange(9, 21)
        events.append(event(rng, i, at(day, hour, rng.choice([0, 15, 30])), 120))
    return feed("30 activiteiten (gegenereerd)", events)


def feed_1000(rng, today):
    events = []
    for i in range(1000):
        image = f"images/big-{i // 20 + 1:02d}.jpg" if i % 20 == 0 else None
        if i % 5 == 0:
            first = today - dt.timedelta(days=rng.randrange(7, 200))
            rule = f"FREQ=WEEKLY;BYDAY={rng.choice(DAYS)}"
            events.append(event(rng, i, at(first, rng.randrange(8, 21)), 90, rule, image))
        else:
            day = today + dt.timedelta(days=rng.randrange(-30, 61))
            if image:
                day = today + dt.timedelta(days=rng.randrange(0, 7))
            start = at(day, rng.randrange(8, 22), rng.choice([0, 15, 30, 45]))
            events.append(event(rng, i, start, rng.choice([60, 90, 120]), None, image))
    return feed("1000 activiteiten met 50 grote foto's (gegenereerd)", events)


def draw_pictures(folder, count=50, size=(4000, 3000)):
    try:
        from PIL import Image, ImageDraw, ImageFilter
    except ImportError:
        sys.exit("needs PIL: apt-get install python3-pil (or pip install pillow)")
    os.makedirs(folder, exist_ok=True)
    for n in range(1, count + 1):
        path = os.path.join(folder, f"big-{n:02d}.jpg")
        if os.path.exists(path):
            continue
        rng = random.Random(n)
        # Coarse noise scaled up plus shapes: compresses like a photo, not like a flat fill.
        small = Image.effect_noise((size[0] // 16, size[1] // 16), 60).convert("RGB")
        tint = Image.new("RGB", small.size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        small = Image.blend(small, tint, 0.5)
        picture = small.resize(size, Image.BICUBIC)
        draw = ImageDraw.Draw(picture)
        for _ in range(40):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            r = rng.randrange(50, 600)
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        picture = picture.filter(ImageFilter.GaussianBlur(2))
        fine = Image.effect_noise(size, 12).convert("RGB")
        picture = Image.blend(picture, fine, 0.08)
        picture.save(path, "JPEG", quality=88)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/measure-feeds"
    os.makedirs(out, exist_ok=True)
    today = dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    rng = random.Random(today.toordinal())
    for name, data in (("feed-30.json", feed_30(rng, today)), ("feed-1000.json", feed_1000(rng, today))):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
    draw_pictures(os.path.join(out, "images"))
    print(out)


if __name__ == "__main__":
    main()
