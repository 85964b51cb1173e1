#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-only
"""Draw the six example illustrations bundled with the example feed.

Flat, calm, warm pictures drawn with Pillow (no photos, no external assets), so they can be
shipped under the project's own licence. Run from the project root:

    python3 scripts/draw-example-images.py

Writes assets/images/{koffie,wandelen,schilderen,samen-eten,jongeren,tuin}.jpg
(800x600 JPEG, quality 80). Output is deterministic.
"""

import math
import os
import sys

from PIL import Image, ImageDraw

W, H = 800, 600
S = 2  # supersampling factor for smooth edges

# Campaign palette and some softer companions.
OFFWHITE = "#FFF8EF"
TEAL = "#0B5A5A"
TEAL_SOFT = "#4F8F8A"
TEAL_PALE = "#CFE5E1"
ORANGE = "#9A3300"
ORANGE_SOFT = "#D9743A"
PEACH = "#FFE2C2"
PEACH_DEEP = "#F6C79A"
CREAM = "#FBEBD5"
BROWN = "#6B4A36"
BROWN_SOFT = "#A57A5A"
GREEN = "#5E8C5A"
GREEN_SOFT = "#8DB583"
GREEN_PALE = "#CFE3C3"
SKY = "#DCEFF0"
SUN = "#F7C35F"
BERRY = "#7A1F3D"
ROSE = "#E9A3A0"
LILAC = "#B9A7D6"
INK = "#1F2A2E"


def canvas(bg):
    img = Image.new("RGB", (W * S, H * S), bg)
    return img, ImageDraw.Draw(img)


def sc(*vals):
    return [v * S for v in vals]


def ellipse(d, box, fill, outline=None, width=0):
    d.ellipse(sc(*box), fill=fill, outline=outline, width=width * S)


def rect(d, box, fill, radius=0, outline=None, width=0):
    if radius:
        d.rounded_rectangle(sc(*box), radius=radius * S, fill=fill, outline=outline, width=width * S)
    else:
        d.rectangle(sc(*box), fill=fill, outline=outline, width=width * S)


def poly(d, pts, fill):
    d.polygon([(x * S, y * S) for x, y in pts], fill=fill)


def line(d, pts, fill, width):
    d.line([(x * S, y * S) for x, y in pts], fill=fill, width=width * S, joint="curve")


def arc(d, box, start, end, fill, width):
    d.arc(sc(*box), start, end, fill=fill, width=width * S)


def circle(d, cx, cy, r, fill):
    ellipse(d, (cx - r, cy - r, cx + r, cy + r), fill)


def finish(img, name, outdir):
    img = img.resize((W, H), Image.LANCZOS)
    path = os.path.join(outdir, name)
    img.save(path, "JPEG", quality=80, optimize=True, progressive=True)
    return path


def steam(d, x, y, colour):
    for i, dx in enumerate((-14, 6, 26)):
        pts = []
        for t in range(0, 41):
            yy = y - t * 2
            xx = x + dx + 6 * math.sin(t / 5.0 + i)
            pts.append((xx, yy))
        line(d, pts, colour, 5)


def cup(d, cx, base_y, body, accent):
    # saucer
    ellipse(d, (cx - 95, base_y - 12, cx + 95, base_y + 22), CREAM)
    ellipse(d, (cx - 95, base_y - 18, cx + 95, base_y + 14), OFFWHITE)
    # handle
    arc(d, (cx + 40, base_y - 110, cx + 100, base_y - 50), 270, 90, body, 14)
    # body
    d.pieslice(sc(cx - 65, base_y - 200, cx + 65, base_y), 0, 180, fill=body)
    rect(d, (cx - 65, base_y - 140, cx + 65, base_y - 100), body)
    ellipse(d, (cx - 65, base_y - 152, cx + 65, base_y - 128), accent)
    ellipse(d, (cx - 55, base_y - 148, cx + 55, base_y - 132), BROWN)
    rect(d, (cx - 65, base_y - 96, cx + 65, base_y - 84), accent)


def draw_koffie(outdir):
    img, d = canvas(PEACH)
    # window with soft light
    rect(d, (470, 60, 740, 300), OFFWHITE, radius=18)
    rect(d, (600, 60, 610, 300), PEACH_DEEP)
    rect(d, (470, 175, 740, 185), PEACH_DEEP)
    circle(d, 680, 120, 28, SUN)
    # plant on the wall shelf
    rect(d, (60, 200, 260, 212), BROWN_SOFT, radius=4)
    rect(d, (120, 150, 170, 200), ORANGE_SOFT, radius=8)
    for ang in (-60, -25, 10, 45):
        a = math.radians(ang - 90)
        ellipse(d, (145 + 55 * math.cos(a) - 18, 150 + 55 * math.sin(a) - 30,
                    145 + 55 * math.cos(a) + 18, 150 + 55 * math.sin(a) + 30), GREEN)
    # table
    rect(d, (0, 380, 800, 600), TEAL)
    rect(d, (0, 370, 800, 392), TEAL_SOFT)
    # cups
    cup(d, 270, 470, OFFWHITE, ORANGE)
    cup(d, 540, 480, CREAM, TEAL_SOFT)
    steam(d, 262, 290, OFFWHITE)
    steam(d, 532, 300, OFFWHITE)
    # biscuits
    for x in (395, 430):
        ellipse(d, (x - 26, 500, x + 26, 530), SUN)
        ellipse(d, (x - 20, 504, x + 20, 524), "#E8A94A")
    return finish(img, "koffie.jpg", outdir)


def tree(d, x, base, h, crown, trunk=BROWN):
    rect(d, (x - 9, base - h * 0.45, x + 9, base), trunk, radius=4)
    r = h * 0.33
    circle(d, x, base - h * 0.6, r, crown)
    circle(d, x - r * 0.6, base - h * 0.5, r * 0.7, crown)
    circle(d, x + r * 0.6, base - h * 0.5, r * 0.7, crown)


def draw_wandelen(outdir):
    img, d = canvas(SKY)
    circle(d, 620, 140, 70, SUN)
    # clouds
    for cx, cy in ((190, 110), (420, 80)):
        ellipse(d, (cx - 70, cy - 20, cx + 70, cy + 25), OFFWHITE)
        ellipse(d, (cx - 35, cy - 45, cx + 35, cy + 15), OFFWHITE)
    # hills
    ellipse(d, (-200, 280, 500, 700), GREEN_SOFT)
    ellipse(d, (300, 300, 1000, 720), GREEN_PALE)
    rect(d, (0, 420, 800, 600), GREEN_SOFT)
    ellipse(d, (-100, 400, 900, 760), GREEN)
    # winding path
    poly(d, [(360, 600), (520, 600), (470, 520), (430, 470), (440, 420), (470, 380),
             (455, 378), (405, 420), (385, 470), (380, 520)], PEACH)
    # trees
    tree(d, 120, 470, 230, TEAL_SOFT)
    tree(d, 240, 430, 160, GREEN)
    tree(d, 660, 480, 250, TEAL)
    tree(d, 560, 410, 120, TEAL_SOFT)
    tree(d, 760, 430, 170, GREEN)
    # bench
    rect(d, (600, 520, 720, 534), BROWN_SOFT, radius=4)
    rect(d, (600, 496, 720, 508), BROWN_SOFT, radius=4)
    rect(d, (610, 534, 620, 560), BROWN)
    rect(d, (700, 534, 710, 560), BROWN)
    return finish(img, "wandelen.jpg", outdir)


def draw_schilderen(outdir):
    img, d = canvas(OFFWHITE)
    rect(d, (0, 470, 800, 600), PEACH_DEEP)
    # easel legs
    line(d, [(300, 130), (220, 560)], BROWN_SOFT, 16)
    line(d, [(300, 130), (380, 560)], BROWN_SOFT, 16)
    line(d, [(300, 150), (300, 540)], BROWN, 12)
    rect(d, (190, 380, 410, 396), BROWN, radius=4)
    # canvas with a little landscape
    rect(d, (180, 120, 420, 380), CREAM, radius=6)
    # the painting itself is drawn on its own layer so the hills stay inside the frame
    pw, ph = 216, 236
    painting = Image.new("RGB", (pw * S, ph * S), SKY)
    p = ImageDraw.Draw(painting)
    circle(p, 168, 53, 26, SUN)
    ellipse(p, (-42, 118, 168, 268), GREEN_SOFT)
    ellipse(p, (88, 128, 268, 278), TEAL_SOFT)
    rect(p, (0, 198, pw, ph), GREEN)
    img.paste(painting, (192 * S, 132 * S))
    # palette
    ellipse(d, (480, 330, 740, 500), CREAM)
    circle(d, 690, 440, 22, PEACH_DEEP)
    for (x, y, c) in ((530, 380, ORANGE), (585, 360, SUN), (640, 375, TEAL),
                      (540, 440, BERRY), (600, 455, GREEN), (680, 395, ROSE)):
        circle(d, x, y, 20, c)
    # brushes in a jar on a small shelf
    rect(d, (530, 300, 680, 312), BROWN_SOFT, radius=4)
    rect(d, (560, 190, 640, 300), TEAL_PALE, radius=14)
    line(d, [(585, 200), (560, 90)], BROWN, 8)
    line(d, [(600, 200), (610, 80)], ORANGE_SOFT, 8)
    line(d, [(620, 200), (660, 100)], TEAL, 8)
    circle(d, 559, 86, 8, ORANGE)
    circle(d, 611, 76, 8, TEAL)
    circle(d, 662, 96, 8, SUN)
    return finish(img, "schilderen.jpg", outdir)


def plate(d, cx, cy, food):
    ellipse(d, (cx - 85, cy - 55, cx + 85, cy + 55), "#FFFFFF")
    ellipse(d, (cx - 62, cy - 38, cx + 62, cy + 38), CREAM)
    for dx, dy, r, c in food:
        circle(d, cx + dx, cy + dy, r, c)


def draw_samen_eten(outdir):
    img, d = canvas(CREAM)
    # lamp
    line(d, [(400, 0), (400, 70)], INK, 4)
    d.pieslice(sc(330, 60, 470, 180), 180, 360, fill=TEAL)
    circle(d, 400, 122, 14, SUN)
    # table seen from above-ish
    ellipse(d, (40, 200, 760, 600), ORANGE_SOFT)
    ellipse(d, (60, 215, 740, 585), PEACH)
    # plates
    plate(d, 210, 320, [(-20, -5, 18, GREEN), (15, 5, 16, ORANGE_SOFT), (-2, 18, 12, SUN)])
    plate(d, 590, 320, [(-15, 0, 20, ROSE), (18, -6, 14, GREEN_SOFT), (10, 18, 12, SUN)])
    plate(d, 250, 480, [(0, 0, 24, ORANGE_SOFT), (-28, 10, 10, GREEN)])
    plate(d, 550, 480, [(-12, 6, 18, GREEN), (18, -4, 16, BERRY)])
    # shared pan in the middle
    circle(d, 400, 400, 78, TEAL)
    circle(d, 400, 400, 64, "#E8A94A")
    for dx, dy in ((-25, -15), (20, -25), (10, 20), (-20, 25), (35, 10)):
        circle(d, 400 + dx, 400 + dy, 10, GREEN)
    # glasses
    for x, y in ((320, 260), (480, 260)):
        ellipse(d, (x - 18, y - 18, x + 18, y + 18), TEAL_PALE)
        ellipse(d, (x - 11, y - 11, x + 11, y + 11), "#FFFFFF")
    return finish(img, "samen-eten.jpg", outdir)


def note(d, x, y, colour, double=False):
    ellipse(d, (x - 22, y - 15, x + 16, y + 15), colour)
    rect(d, (x + 8, y - 90, x + 16, y), colour)
    if double:
        ellipse(d, (x + 38, y - 25, x + 76, y + 5), colour)
        rect(d, (x + 68, y - 100, x + 76, y - 10), colour)
        poly(d, [(x + 8, y - 90), (x + 76, y - 100), (x + 76, y - 80), (x + 8, y - 70)], colour)
    else:
        poly(d, [(x + 16, y - 90), (x + 46, y - 60), (x + 40, y - 54), (x + 16, y - 72)], colour)


def draw_jongeren(outdir):
    img, d = canvas(TEAL)
    # bright background blobs
    circle(d, 140, 130, 110, TEAL_SOFT)
    circle(d, 700, 480, 150, TEAL_SOFT)
    circle(d, 680, 110, 60, SUN)
    # headphones
    arc(d, (180, 150, 460, 430), 180, 360, PEACH, 26)
    rect(d, (160, 270, 230, 400), ORANGE_SOFT, radius=30)
    rect(d, (410, 270, 480, 400), ORANGE_SOFT, radius=30)
    rect(d, (176, 290, 214, 380), PEACH, radius=16)
    rect(d, (426, 290, 464, 380), PEACH, radius=16)
    # game controller
    cx, cy = 560, 330
    ellipse(d, (cx - 150, cy - 40, cx - 40, cy + 110), OFFWHITE)
    ellipse(d, (cx + 40, cy - 40, cx + 150, cy + 110), OFFWHITE)
    rect(d, (cx - 110, cy - 40, cx + 110, cy + 60), OFFWHITE, radius=40)
    rect(d, (cx - 104, cy + 5, cx - 60, cy + 21), INK, radius=4)
    rect(d, (cx - 90, cy - 9, cx - 74, cy + 35), INK, radius=4)
    circle(d, cx + 70, cy - 2, 11, ORANGE)
    circle(d, cx + 95, cy + 22, 11, SUN)
    circle(d, cx + 45, cy + 22, 11, GREEN)
    circle(d, cx + 70, cy + 46, 11, BERRY)
    # music notes
    note(d, 110, 520, SUN, double=True)
    note(d, 330, 540, ROSE)
    note(d, 720, 260, PEACH)
    # sparkles
    for x, y, r in ((300, 90, 10), (470, 120, 7), (60, 330, 8), (770, 360, 6)):
        poly(d, [(x, y - 2 * r), (x + r / 2, y), (x, y + 2 * r), (x - r / 2, y)], OFFWHITE)
        poly(d, [(x - 2 * r, y), (x, y + r / 2), (x + 2 * r, y), (x, y - r / 2)], OFFWHITE)
    return finish(img, "jongeren.jpg", outdir)


def flower(d, x, y, petal, centre, r=16):
    for k in range(6):
        a = k * math.pi / 3
        circle(d, x + r * math.cos(a), y + r * math.sin(a), r * 0.75, petal)
    circle(d, x, y, r * 0.6, centre)


def draw_tuin(outdir):
    img, d = canvas(SKY)
    circle(d, 110, 110, 55, SUN)
    # fence
    for x in range(0, 820, 60):
        poly(d, [(x + 8, 330), (x + 28, 300), (x + 48, 330), (x + 48, 420), (x + 8, 420)], OFFWHITE)
    rect(d, (0, 345, 800, 360), CREAM)
    rect(d, (0, 390, 800, 405), CREAM)
    # ground and raised beds
    rect(d, (0, 410, 800, 600), GREEN_SOFT)
    for bx in (60, 440):
        rect(d, (bx, 440, bx + 300, 560), BROWN_SOFT, radius=10)
        rect(d, (bx + 12, 452, bx + 288, 500), BROWN, radius=8)
    # vegetables / plants in the beds
    for x in range(100, 360, 55):
        for k, dx in enumerate((-14, 0, 14)):
            ellipse(d, (x + dx - 9, 400, x + dx + 9, 465), GREEN if k != 1 else TEAL_SOFT)
    for x in range(480, 760, 70):
        circle(d, x, 455, 28, GREEN)
        circle(d, x, 455, 16, GREEN_PALE)
    # sunflowers and flowers along the fence
    for x, h in ((380, 190), (410, 230)):
        line(d, [(x, 440), (x, 440 - h)], GREEN, 8)
        ellipse(d, (x - 30, 440 - h * 0.55 - 10, x, 440 - h * 0.55 + 10), GREEN)
        flower(d, x, 440 - h, SUN, BROWN, r=24)
    for x, c in ((40, ROSE), (770, ORANGE_SOFT), (720, LILAC), (20, LILAC)):
        line(d, [(x, 440), (x, 360)], GREEN, 6)
        flower(d, x, 355, c, SUN, r=14)
    # watering can
    cx, cy = 640, 540
    rect(d, (cx - 50, cy - 50, cx + 40, cy + 30), TEAL, radius=14)
    poly(d, [(cx + 36, cy - 20), (cx + 110, cy - 75), (cx + 118, cy - 66), (cx + 40, cy + 4)], TEAL)
    arc(d, (cx - 40, cy - 90, cx + 30, cy - 20), 180, 360, TEAL, 10)
    rect(d, (cx - 50, cy - 10, cx + 40, cy + 2), ORANGE_SOFT)
    return finish(img, "tuin.jpg", outdir)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = os.path.join(root, "assets", "images")
    os.makedirs(outdir, exist_ok=True)
    for fn in (draw_koffie, draw_wandelen, draw_schilderen, draw_samen_eten, draw_jongeren, draw_tuin):
        path = fn(outdir)
        size = os.path.getsize(path)
        print(f"{os.path.relpath(path, root)}: {size} bytes")
        if size >= 90 * 1024:
            print("  too large (limit 90 KB)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
