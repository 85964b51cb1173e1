#!/usr/bin/env python3
"""Brings translations/<lang>/LC_MESSAGES/samen-kiosk.po in line with the @tr() strings
in ui/*.slint: new strings are added with an empty msgstr (shown in Dutch until
translated), strings no longer used are dropped, existing translations are kept.

Usage: scripts/update-translations.py [lang ...]   (default: every language folder)
The test `every_ui_string_is_translated` fails while any msgstr is empty.
"""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
TR = re.compile(r'@tr\("((?:[^"\\]|\\.)*)"(?:\s*\|\s*"((?:[^"\\]|\\.)*)"\s*%)?')

def extract():
    found = {}
    for path in sorted((root / "ui").glob("*.slint")):
        for m in TR.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), m.group(2))
    return found

def parse_po(text):
    entries, cur, key = {}, {}, None
    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            if "msgid" in cur:
                entries[cur["msgid"]] = cur
            cur, key = {}, None
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgid_plural|msgid|msgstr(?:\[\d\])?)\s+"(.*)"$', line)
        if m:
            key = m.group(1)
            cur[key] = m.group(2)
        elif line.startswith('"') and key:
            cur[key] += line[1:-1]
    return entries

def q(s):
    return '"' + s + '"'

def nplurals(header):
    m = re.search(r"nplurals=(\d+)", header)
    return int(m.group(1)) if m else 2

def write(lang, path, strings, old):
    header = old.get("", {}).get("msgstr") or (
        "Content-Type: text/plain; charset=UTF-8\\nLanguage: %s\\nPlural-Forms: nplurals=2; plural=(n != 1);\\n" % lang)
    out = ['msgid ""', "msgstr " + q(header), ""]
    for msgid, plural in sorted(strings.items()):
        e = old.get(msgid, {})
        out.append("msgid " + q(msgid))
        if plural is not None:
            out.append("msgid_plural " + q(plural))
            for i in range(nplurals(header)):
                out.append("msgstr[%d] " % i + q(e.get("msgstr[%d]" % i, "")))
        else:
            out.append("msgstr " + q(e.get("msgstr", "")))
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")

def main():
    langs = sys.argv[1:] or [p.name for p in (root / "translations").iterdir() if p.is_dir()]
    strings = extract()
    for lang in langs:
        path = root / "translations" / lang / "LC_MESSAGES" / "samen-kiosk.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        old = parse_po(path.read_text(encoding="utf-8")) if path.exists() else {}
        write(lang, path, strings, old)
        n = nplurals(old.get("", {}).get("msgstr", ""))
        def done(m, plural):
            e = old.get(m, {})
            if plural is None:
                return bool(e.get("msgstr"))
            return all(e.get("msgstr[%d]" % i) for i in range(n))
        missing = [m for m, p in strings.items() if not done(m, p)]
        print(f"{lang}: {len(strings)} strings, {len(missing)} untranslated")
        for m in missing:
            print("  missing:", m)

if __name__ == "__main__":
    main()
