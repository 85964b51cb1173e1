"""End to end, as staff would use it, with real processes only:

1. a real hub (`samen-hub serve`, its own data, retention set to erase right after a
   final outcome so that the erasure is due without waiting 14 days), a kiosk and a
   coordinator made with its CLI; the kiosk's heartbeat (today's: its status object,
   `X-Samen-Signature` with the same secret) reaches the hub: `fleet list --json`
   shows it ok;
2. a real kiosk (`samen-kiosk run --headless`) whose `[callback.webhook]` points at
   the hub's /intake/callback with the secret `kiosk add` printed, in `secret_file`;
   `samen-kiosk callback submit` makes a request, and the kiosk's log line
   "callback request delivered" for its id is the event the test waits for;
3. in chromium: the coordinator logs in, sets up TOTP, finds the request in the
   worklist, claims it ("Ik bel"), shows the number (a tel: link), sets "Bereikt";
4. `samen-hub retention run` erases the name and number; `callbacks list --json`
   still has the receipt (kiosk, received, state, attempts), and neither the hub's
   database nor its WAL holds the name or number any more.
"""

import json
import time
import unittest

from harness import Browser, Hub, Kiosk, PASSWORD, require_tools, totp, totp_step

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


if __name__ == "__main__":
    unittest.main()
