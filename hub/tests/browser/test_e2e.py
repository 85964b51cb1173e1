"""End to end, as staff would use it, with real processes only:

1. a real hub (`samen-hub serve`, its own data, retention set to erase right after a
   final outcome so that the erasure is due without waiting 14 days), a kiosk and a
   coordinator made with its CLI; the kiosk's heartbeat (its status object with its
   health, signed with the same secret: Standard Webhooks headers and
   `X-Samen-Signature`) reaches the hub: `fleet list --json` shows it ok;
2. a real kiosk (`samen-kiosk run --headless`) whose `[callback.webhook]` points at
   the hub's /intake/callback with the secret `kiosk add` printed, in `secret_file`;
   `samen-kiosk callback submit` makes a request, and the kiosk's log line
   "callback request delivered" for its id is the event the test waits for;
3. in chromium: the coordinator logs in, sets up TOTP, finds the request in the
   worklist, claims it ("Ik bel"), shows the number (a tel: link), sets "Bereikt";
4. `samen-hub retention run` erases the name and number; `callbacks list --json`
   still has the receipt (kiosk, received, state, attempts), and neither the hub's
   database nor its WAL holds the name or number any more.

And the fleet (issue 19), with short intervals (10 s, the least both sides allow):
three real kiosks heartbeat to a real hub, signed with their `whsec_` secrets: one
healthy, one whose feed server is gone (`feed_stale` after two 2 s refreshes), one
stopped after its first heartbeat. `fleet list --json` shows ok, degraded with the
feed reason, and offline (three missed intervals: polled, with a deadline); the `it`
address gets one alert e-mail naming each of the two (a real SMTP server:
hub/tests/peers/smtp_peer.py); /metrics parses with prometheus-client's parser.
"""

import datetime
import json
import re
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

from harness import Browser, Hub, Kiosk, PASSWORD, SmtpPeer, require_tools, totp, totp_step

NAME = "Geertje"
PHONE = "06 1234 5678"
E164 = "+31612345678"


class EndToEnd(unittest.TestCase):
    def test_kiosk_request_called_back_then_erased(self):
        require_tools()
        started = time.monotonic()
        hub = Hub(config_text="[retention]\nafter_outcome_days = 0\nmax_days = 60\n")
        kiosk = browser = None
        try:
            secret = hub.add_kiosk("bieb-e2e")
            self.assertTrue(secret.startswith("whsec_"), secret)
            hub.add_user("ans", "coordinator")
            hub.start()

            # The kiosk starts: its first heartbeat reaches the hub (the hub's log says
            # the kiosk's health is known), and `fleet list` shows it ok.
            mark = hub.process.mark()
            kiosk = Kiosk("bieb-e2e", hub.url + "/intake/callback", secret,
                          heartbeat_url=hub.url + "/intake/heartbeat").run()
            hub.process.wait_for(r"heartbeat stored: health changed.*kiosk=bieb-e2e health=\"?ok",
                                 timeout=60, start=mark)
            fleet = json.loads(hub.cli("fleet", "list", "--json"))
            self.assertEqual([(k["id"], k["health"]) for k in fleet], [("bieb-e2e", "ok")])
            self.assertEqual(fleet[0]["has_screenshot"], False)
            self.assertTrue(fleet[0]["version"], fleet)

            # The kiosk delivers a request made on it.
            request_id = kiosk.submit(NAME, PHONE, "morning")
            self.assertRegex(request_id, r"^[0-9a-f-]{36}$")
            kiosk.process.wait_for(rf"callback request delivered.*{request_id}", timeout=60)
            listed = json.loads(hub.cli("callbacks", "list", "--json"))
            self.assertEqual([(r["id"], r["kiosk"], r["state"]) for r in listed],
                             [(request_id, "bieb-e2e", "open")])

            # A coordinator calls back, in the browser.
            browser = b = Browser()
            b.get(hub.url + "/")
            b.type("#name", "ans")
            b.type("#password", PASSWORD)
            b.click("main form button[type=submit]")
            self.assertTrue(b.url.endswith("/enrol"), b.url)
            b.type("#code", totp(b.text(".secret code"), totp_step()))
            b.click("main form button[type=submit]")
            self.assertTrue(b.url.endswith("/worklist"), b.url)
            self.assertEqual(b.text(".card h2 a"), NAME)
            self.assertIn("bieb-e2e", b.text(".card"))
            b.click(".card h2 a")
            self.assertTrue(b.url.endswith(f"/requests/{request_id}"), b.url)
            b.click("form[action$='/claim'] button")
            self.assertIn("U belt deze persoon nu", b.text(".notice"))
            b.click("form[action$='/number'] button")
            self.assertEqual(b.attr(".number a", "href"), f"tel:{E164}")
            self.assertEqual(b.text(".number a").replace(" ", ""), PHONE.replace(" ", ""))
            b.click("#outcome-reached")
            b.click("form[action$='/outcome'] button[type=submit]")
            self.assertTrue(b.url.endswith("/worklist"), b.url)
            self.assertEqual(b.find_all(".card"), [])

            listed = json.loads(hub.cli("callbacks", "list", "--json", "--with-personal-data"))
            self.assertEqual(listed[0]["state"], "reached", listed)
            self.assertEqual(listed[0].get("first_name"), NAME, listed)

            # Retention: due now (after_outcome_days = 0); the figures remain.
            out = hub.cli("retention", "run")
            self.assertIn("erased 1 request", out)
            listed = json.loads(hub.cli("callbacks", "list", "--json", "--with-personal-data"))
            self.assertEqual(len(listed), 1, listed)
            receipt = listed[0]
            self.assertEqual((receipt["id"], receipt["kiosk"], receipt["state"]),
                             (request_id, "bieb-e2e", "erased"), receipt)
            self.assertEqual(receipt["attempts"], 1, receipt)
            self.assertTrue(receipt["received"], receipt)
            self.assertIsNone(receipt.get("first_name"), receipt)
            self.assertIsNone(receipt.get("phone"), receipt)

            # The request's page no longer shows a name or number.
            b.get(hub.url + f"/requests/{request_id}")
            page = b.source()
            self.assertNotIn(NAME, page)
            self.assertNotIn("612345678", page)

            # Nor do the hub's files (the server is stopped first: its files closed).
            hub.process.stop()
            for f in sorted(hub.data.iterdir()):
                if f.is_file():
                    data = f.read_bytes()
                    for secret_text in (NAME.encode(), b"612345678", b"1234 5678"):
                        self.assertNotIn(secret_text, data, f"{secret_text!r} in {f.name}")
            print(f"  end to end: kiosk -> hub -> call -> erased in "
                  f"{time.monotonic() - started:.1f} s")
        finally:
            if browser:
                browser.quit()
            if kiosk:
                kiosk.stop()
            hub.stop()

    def test_fleet_ok_degraded_offline_alerts_and_metrics(self):
        require_tools()
        started = time.monotonic()
        smtp = SmtpPeer()
        extra_dir = Path(tempfile.mkdtemp(prefix="samen-e2e-fleet-"))
        token = "e2e-metrics-token-0123456789"
        (extra_dir / "metrics-token").write_text(token + "\n")
        hub = Hub(config_text=(
            "[fleet]\nheartbeat_interval_s = 10\n"
            f'[mail]\nsmtp_url = "smtp://127.0.0.1:{smtp.port}"\n'
            'from = "samen-hub <hub@e2e.test>"\nto = ["coordinatoren@e2e.test"]\n'
            '[alerts]\nto = ["it@e2e.test"]\n'
            f'[metrics]\ntoken_file = "{extra_dir / "metrics-token"}"\n'))
        kiosks = []
        try:
            secrets = {k: hub.add_kiosk(k) for k in ("e2e-ok", "e2e-stale", "e2e-gone")}
            hub.start()
            # A port nobody listens on: the feed server that stopped.
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                gone_feed = f"http://127.0.0.1:{s.getsockname()[1]}/feed.json"
            mark = hub.process.mark()
            for kiosk_id in secrets:
                extra = ""
                if kiosk_id == "e2e-stale":
                    extra = f'[[feeds]]\nname = "agenda"\nurl = "{gone_feed}"\nrefresh = "2s"\n'
                kiosks.append(Kiosk(kiosk_id, hub.url + "/intake/callback", secrets[kiosk_id],
                                    heartbeat_url=hub.url + "/intake/heartbeat",
                                    heartbeat_interval="10s", extra=extra).run())
            changed = r"heartbeat stored: health changed.*kiosk={} health=\"?{}"
            hub.process.wait_for(changed.format("e2e-ok", "ok"), timeout=60, start=mark)
            hub.process.wait_for(changed.format("e2e-gone", "ok"), timeout=60, start=mark)
            # The third kiosk stops altogether (SIGTERM, as systemd would).
            kiosks[2].process.stop()
            hub.process.wait_for(changed.format("e2e-stale", "degraded"), timeout=60, start=mark)

            # Offline after three missed intervals: asked until it shows, bounded.
            deadline = time.monotonic() + 90
            while True:
                fleet = {k["id"]: k for k in json.loads(hub.cli("fleet", "list", "--json"))}
                if fleet["e2e-gone"]["health"] == "offline":
                    break
                self.assertLess(time.monotonic(), deadline, f"never offline: {fleet}")
                time.sleep(1)
            self.assertEqual({k: v["health"] for k, v in fleet.items()},
                             {"e2e-ok": "ok", "e2e-stale": "degraded", "e2e-gone": "offline"})
            self.assertEqual([r["code"] for r in fleet["e2e-stale"]["reasons"]], ["feed_stale"],
                             fleet["e2e-stale"])
            self.assertEqual(fleet["e2e-ok"]["reasons"], [], fleet["e2e-ok"])
            for k in fleet.values():
                self.assertTrue(k["version"] and k["last_seen"], k)

            # One alert e-mail each for the degraded and the offline kiosk (the alert
            # job runs every minute; both may share one e-mail), none for the ok one.
            def named(msgs, kiosk_id):
                return [m for m in msgs if "it@e2e.test" in m["to"]
                        and re.search(rf"^- {kiosk_id}: ", m["data"], re.M)]

            msgs = smtp.wait_for(lambda ms: named(ms, "e2e-stale") and named(ms, "e2e-gone"),
                                 "alert e-mails about e2e-stale and e2e-gone")
            self.assertEqual(len(named(msgs, "e2e-stale")), 1, msgs)
            self.assertEqual(len(named(msgs, "e2e-gone")), 1, msgs)
            self.assertEqual(named(msgs, "e2e-ok"), [], msgs)
            gone = named(msgs, "e2e-gone")[0]["data"]
            self.assertRegex(gone, r"(?m)^- e2e-gone: offline")

            # /metrics, read by Prometheus's own parser (prometheus-client).
            req = urllib.request.Request(hub.url + "/metrics",
                                         headers={"authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read().decode()
            parsed = subprocess.run(
                [smtp.python, "-c",
                 "import json, sys\n"
                 "from prometheus_client.parser import text_string_to_metric_families as f\n"
                 "print(json.dumps([[s.name, s.labels, s.value] for m in f(sys.stdin.read()) "
                 "for s in m.samples]))"],
                input=text, capture_output=True, text=True, timeout=60)
            self.assertEqual(parsed.returncode, 0, parsed.stderr + text)
            samples = json.loads(parsed.stdout)
            value = {(n, l.get("kiosk")): v for n, l, v in samples}
            self.assertEqual(value[("samen_kiosk_up", "e2e-ok")], 1.0, text)
            self.assertEqual(value[("samen_kiosk_up", "e2e-gone")], 0.0, text)
            self.assertEqual(value[("samen_kiosk_degraded", "e2e-stale")], 1.0, text)
            self.assertEqual(value[("samen_kiosk_degraded", "e2e-ok")], 0.0, text)
            print(f"  fleet: ok, degraded, offline, alerts and metrics in "
                  f"{time.monotonic() - started:.1f} s")
        finally:
            for k in kiosks:
                k.stop()
            hub.stop()
            smtp.stop()


class Announcements(unittest.TestCase):
    """Issue 20: an editor writes a message and an urgent notice in the browser, looks
    at the kiosk's own preview and publishes; a real kiosk (`run --headless`) reads the
    hub's feed as a `[[feeds]]` source with `urgent_allowed = true` (refresh 2 s),
    fetches the message's picture from the hub, and `signage plan` shows both; the
    urgent notice is withdrawn and is gone from the kiosk within one feed refresh, then
    the message likewise.

    Events: the hub logs every request at trace level (`samen_hub::http`); the kiosk's
    first poll after a change is a 200, and its next one a 304, which it can only send
    with the new ETag, so it has taken the new feed by then."""

    FEED = r"path=/feeds/messages.json status="

    def wait_feed(self, hub, status, start, timeout=30):
        return hub.process.wait_for(self.FEED + str(status), timeout=timeout, start=start)

    def plan(self, kiosk):
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        out = subprocess.run(
            [str(a) for a in kiosk.base() + ["signage", "plan", "--from", now, "--hours", "1"]],
            capture_output=True, text=True, timeout=60,
        )
        self.assertEqual(out.returncode, 0, out.stderr)
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def test_editor_publishes_kiosk_shows_urgent_withdrawn_within_one_refresh(self):
        require_tools()
        hub = Hub(log="info,samen_hub::http=trace")
        kiosk = browser = None
        try:
            secret = hub.add_kiosk("bieb-berichten")
            hub.add_user("eva", "editor")
            hub.cli("user", "grant-urgent", "eva")
            hub.start()

            browser = b = Browser()
            b.get(hub.url + "/")
            b.type("#name", "eva")
            b.type("#password", PASSWORD)
            b.click("main form button[type=submit]")
            key = b.text(".secret code")
            b.type("#code", totp(key, totp_step()))
            b.click("main form button[type=submit]")
            self.assertTrue(b.url.endswith("/announcements"), b.url)

            def write(title, body, urgent_until=None, picture=None):
                b.get(hub.url + "/announcements/new")
                b.type("#title_nl", title)
                b.type("#body_nl", body)
                b.click("#target-some")
                b.click("#kiosk-bieb-berichten")
                if urgent_until:
                    self.assertIn("van 160", b.text(".count[data-for='body_nl']"))
                    b.click("#urgent")
                    self.assertIn("van 90", b.text(".count[data-for='body_nl']"),
                                  "an urgent notice's text has the shorter limit")
                    b.js(f"document.querySelector('#until_date').value = '{urgent_until}'")
                b.click("main form button[type=submit]")
                self.assertIn("Het concept is opgeslagen", b.text(".notice"))
                if picture:
                    b.cmd("POST", f"/element/{b.find('#picture')}/value", {"text": str(picture)})
                    b.click("form[action$='/picture'] button")
                    self.assertIn("De foto is opgeslagen", b.text(".notice"))
                    self.assertTrue(b.js("const i = document.querySelector('img.picture');"
                                         "return i.complete && i.naturalWidth > 0"))
                self.assertEqual(
                    b.js("return [...document.querySelectorAll('figure.preview img')]"
                         ".filter(i => i.complete).map(i => i.naturalWidth + 'x' + i.naturalHeight)"),
                    ["800x480", "1920x1080"],
                    "the kiosk's preview at both sizes, before publishing")
                b.click("#publish button")
                self.assertIn("gepubliceerd", b.text(".notice"))
                return b.url.split("/announcements/")[1].split("?")[0]

            photo = Path(__file__).resolve().parents[2] / "assets" / "demo" / "screen-spotlight.png"
            normal = write("Kerstdiner voor iedereen", "Eet mee op 24 december.", picture=photo)
            soon = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
            urgent = write("Vandaag gesloten", "Wegens storm.", urgent_until=soon)

            mark = hub.process.mark()
            kiosk = Kiosk(
                "bieb-berichten", hub.url + "/intake/callback", secret,
                extra=("[[feeds]]\n"
                       'name = "Berichten van de hub"\n'
                       f'url = "{hub.url}/feeds/messages.json"\n'
                       'refresh = "2s"\n'
                       "urgent_allowed = true\n"),
            ).run()
            first = self.wait_feed(hub, 200, mark, timeout=60)
            self.wait_feed(hub, 304, hub.process.lines.index(first.string) + 1)
            # The message's picture: fetched by the kiosk from below the feed's folder
            # (its feed policy allows that without image_hosts).
            hub.process.wait_for(rf"path=/feeds/pictures/hub-{normal}-[0-9a-f]+\.jpg status=200",
                                 start=mark)
            plan = self.plan(kiosk)
            kinds = {(p["kind"], p.get("id")) for p in plan}
            self.assertIn(("urgent", f"hub-{urgent}"), kinds, plan)
            self.assertIn(("message", f"hub-{normal}"), kinds, plan)

            # Withdraw the urgent notice: the kiosk's next poll gets the new feed.
            b.get(hub.url + f"/announcements/{urgent}")
            mark = hub.process.mark()
            withdrawn = time.monotonic()
            b.click("form[action$='/withdraw'] button")
            self.assertIn("ingetrokken", b.text(".notice"))
            changed = self.wait_feed(hub, 200, mark)
            took = time.monotonic() - withdrawn
            self.assertLess(took, 2 + 3, "within one refresh (2 s) and some slack")
            self.wait_feed(hub, 304, hub.process.lines.index(changed.string) + 1)
            plan = self.plan(kiosk)
            kinds = {(p["kind"], p.get("id")) for p in plan}
            self.assertNotIn("urgent", {k for k, _ in kinds}, plan)
            self.assertIn(("message", f"hub-{normal}"), kinds, plan)
            print(f"  the urgent notice left the kiosk's feed {took:.1f} s after withdrawal")

            # Withdraw the other message too: after one refresh the kiosk shows none of
            # the hub's messages.
            b.get(hub.url + f"/announcements/{normal}")
            mark = hub.process.mark()
            withdrawn = time.monotonic()
            b.click("form[action$='/withdraw'] button")
            self.assertIn("ingetrokken", b.text(".notice"))
            changed = self.wait_feed(hub, 200, mark)
            took = time.monotonic() - withdrawn
            self.assertLess(took, 2 + 3, "within one refresh (2 s) and some slack")
            self.wait_feed(hub, 304, hub.process.lines.index(changed.string) + 1)
            plan = self.plan(kiosk)
            ids = [p.get("id") or "" for p in plan]
            self.assertEqual([i for i in ids if i.startswith("hub-")], [], plan)
            print(f"  the message left the kiosk's feed {took:.1f} s after withdrawal")
        finally:
            if browser:
                browser.quit()
            if kiosk:
                kiosk.stop()
            hub.stop()


if __name__ == "__main__":
    unittest.main()
