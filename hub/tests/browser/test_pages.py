"""Every staff page in a real browser: axe-core finds 0 violations (WCAG 2.0/2.1/2.2
A and AA, and axe's best practices), nothing is wider than the screen at 360 or 1280
CSS pixels, and each page is saved as a full-page screenshot at both widths (in
target/hub-browser/, to look at).

One hub, its users made with the CLI: `ans` (coordinator) and `ict` (role it: the
fleet pages, and the 403 page). Requests and heartbeats arrive through the real
intake, signed as a kiosk signs them.
"""

import unittest

from harness import HERE, Browser, Hub, PASSWORD, require_tools, totp, totp_step


class Pages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tools()
        cls.hub = Hub()
        cls.hub.add_user("ans", "coordinator")
        cls.hub.add_user("ict", "it")
        cls.hub.add_user("eva", "editor")
        cls.secret = cls.hub.add_kiosk("bieb-centrum")
        cls.secret_noord = cls.hub.add_kiosk("buurthuis-noord")
        cls.hub.start()
        cls.browser = Browser()
        cls.checked = []
        cls.problems = []

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.hub.stop()

    def check(self, name):
        """axe and both screenshots of the page the browser is on now."""
        b = self.browser
        for width in (360, 1280):
            b.viewport(width)
            violations, undecided = b.axe()
            for v in violations:
                self.problems.append(f"{name} at {width} px: {v}")
            for u in undecided:
                print(f"  axe could not decide on {name} at {width} px: {u}")
            for small in b.small_text():
                self.problems.append(f"{name} at {width} px: text under 16 px: {small}")
        b.viewport(1280)
        try:
            b.screenshot(name)
        except AssertionError as e:
            self.problems.append(str(e))
        self.checked.append(name)

    def log_in(self, name, code=""):
        b = self.browser
        b.get(self.hub.url + "/login")
        b.type("#name", name)
        b.type("#password", PASSWORD)
        if code:
            b.type("#code", code)
        b.click("main form button[type=submit]")

    def enrol(self):
        """On the enrolment page: the key as a person would type it into an app; the
        code for this time step. Returns the key and the step used."""
        b = self.browser
        key = b.text(".secret code")
        step = totp_step()
        b.type("#code", totp(key, step))
        b.click("main form button[type=submit]")
        return key, step

    def test_announcement_pages(self):
        """The editors' pages (issue 20): the empty list, the form, its error summary,
        a message's page with the kiosk's own preview (samen-kiosk beside samen-hub),
        the list; in Dutch and English. Logs out at the end."""
        b, hub = self.browser, self.hub
        self.log_in("eva")
        self.enrol()
        self.assertTrue(b.url.endswith("/announcements"), b.url)
        self.assertIn("Er zijn nog geen berichten", b.text("main"))
        self.check("announcements-empty")
        b.click("main a.button")
        self.assertTrue(b.url.endswith("/announcements/new"), b.url)
        self.check("announcement-new")
        # Nothing filled in, a text too long: the summary links to the field.
        b.type("#body_nl", "x" * 170)
        self.assertIn("170 van 160", b.text(".count[data-for='body_nl']"), "the live count")
        b.click("main form button[type=submit]")
        self.assertIn("Vul een Nederlandse kop in", b.text(".error-summary"))
        self.assertIn("langer dan 160 tekens", b.text(".error-summary"))
        self.check("announcement-error")
        b.click(".error-summary a")
        self.assertEqual(b.active_id(), "title_nl")
        b.js("document.querySelector('#body_nl').value = ''")
        b.type("#title_nl", "Kerstdiner voor iedereen")
        b.type("#body_nl", "Eet mee op 24 december in Buurthuis Oost. Opgeven kan bij de balie.")
        b.type("#title_en", "Christmas dinner for everyone")
        b.type("#url", "https://example.org/kerstdiner")
        b.click("main form button[type=submit]")
        self.assertIn("Het concept is opgeslagen", b.text(".notice"))
        self.assertTrue(
            b.js("return [...document.querySelectorAll('figure.preview img')]"
                 ".every(i => i.complete && i.naturalWidth > 0)"), "the previews load")
        self.assertEqual(
            b.js("return [...document.querySelectorAll('figure.preview img')]"
                 ".map(i => i.naturalWidth + 'x' + i.naturalHeight)"),
            ["800x480", "1920x1080"])
        self.check("announcement")
        # The preview in English: the kiosk draws the English headline.
        b.click("nav.filter a[hreflang='en']")
        self.assertIn("?preview=en", b.url)
        self.assertEqual(b.attr("nav.filter a[aria-current]", "hreflang"), "en")
        self.assertTrue(
            b.js("return [...document.querySelectorAll('figure.preview img')]"
                 ".every(i => i.complete && i.naturalWidth > 0 && i.src.includes('-en?'))"))
        b.click("#publish button")
        self.assertIn("Het bericht is gepubliceerd", b.text(".notice"))
        self.check("announcement-published")
        page = b.url.split("?")[0]
        # Editing what was published: the form holds what was saved.
        b.click("a[href$='/edit']")
        self.assertEqual(b.js("return document.querySelector('#title_nl').value"),
                         "Kerstdiner voor iedereen")
        self.check("announcement-edit")
        b.get(page)
        b.click("form[action$='/withdraw'] button")
        self.assertIn("ingetrokken", b.text(".notice"))
        self.check("announcement-withdrawn")
        # The figures, from the header (editors see them too): none yet on a new hub.
        b.click("header a[href='/figures']")
        self.assertEqual(b.attr("header a[href='/figures']", "aria-current"), "page")
        self.assertIn("Nog geen cijfers", b.text("main"))
        self.check("figures-empty")
        b.click("header a.brand")
        self.assertTrue(b.url.endswith("/announcements"), "the brand goes to the start page")
        b.get(hub.url + "/announcements")
        self.assertIn("Ingetrokken", b.text("main"))
        self.check("announcements")
        b.click("a[hreflang='en'], a[lang='en']")
        self.assertIn("Messages on the kiosks", b.text("h1"))
        self.check("announcements-en")
        b.click(".card h2 a")
        self.check("announcement-en")
        b.click("a[hreflang='nl'], a[lang='nl']")
        b.click("header form[action='/logout'] button")
        self.assertTrue(b.url.endswith("/login"), b.url)
        mine = [p for p in self.problems if p.startswith("announcement")]
        self.assertEqual(mine, [], "\n" + "\n".join(mine))

    def test_every_page(self):
        b, hub = self.browser, self.hub

        # Login, empty and with a wrong password (error summary linking to the field).
        b.get(hub.url + "/")
        self.assertTrue(b.url.endswith("/login"), b.url)
        self.assertEqual(b.js("return document.documentElement.lang"), "nl")
        self.check("login")
        b.type("#name", "ans")
        b.type("#password", "not the password")
        b.click("main form button[type=submit]")
        self.assertIn("Er is een probleem", b.text(".error-summary"))
        self.check("login-error")
        b.click(".error-summary a")
        self.assertEqual(b.active_id(), "name", "the summary's link goes to the field")

        # First login: TOTP enrolment; a wrong code first, then the app's code.
        self.log_in("ans")
        self.assertTrue(b.url.endswith("/enrol"), b.url)
        self.check("enrol")
        b.type("#code", "000000")
        b.click("main form button[type=submit]")
        self.assertIn("Er is een probleem", b.text(".error-summary"))
        self.check("enrol-error")
        b.click(".error-summary a")
        self.assertEqual(b.active_id(), "code")
        key, step = self.enrol()

        # The worklist, empty.
        self.assertTrue(b.url.endswith("/worklist"), b.url)
        self.assertIn("geen open verzoeken", b.text("main"))
        self.check("worklist-empty")

        # Requests arrive from a kiosk; the worklist shows them, oldest first.
        hub.deliver(self.secret, "bieb-centrum", "req-1", "Anna", "+31612345678",
                    topic={"kind": "activity", "title": "Koffieochtend in de bibliotheek"})
        hub.deliver(self.secret, "bieb-centrum", "req-2", "Maria-Christina", "+31201234567",
                    when="any", topic={"kind": "chat"})
        hub.deliver(self.secret, "bieb-centrum", "req-3", "Wilhelmina Alexandra Louisa",
                    "+31687654321", when="evening",
                    topic={"kind": "activity",
                           "title": "Samen wandelen langs de Amstel en daarna koffie met gebak "
                                    "in het buurthuis aan de Weesperzijde"})
        b.get(hub.url + "/worklist")
        names = [b.cmd("GET", f"/element/{e}/text") for e in b.find_all(".card h2 a")]
        self.assertEqual(names, ["Anna", "Maria-Christina", "Wilhelmina Alexandra Louisa"])
        self.check("worklist")

        # A request's page; "Toon nummer" shows it as a tel: link.
        b.click(".card h2 a")
        self.assertTrue(b.url.endswith("/requests/req-1"), b.url)
        self.check("request")
        b.click("form[action$='/number'] button")
        self.assertEqual(b.attr(".number a", "href"), "tel:+31612345678")
        self.check("request-number")

        # "Ik bel": claimed, a notice says so.
        b.click("form[action$='/claim'] button")
        self.assertTrue(b.url.endswith("/requests/req-1?done=claimed"), b.url)
        self.assertIn("U belt deze persoon nu", b.text(".notice"))
        self.check("request-claimed")

        # The outcome form without a choice: the error summary links to the first radio.
        b.click("form[action$='/outcome'] button[type=submit]")
        self.assertIn("Kies hoe het ging", b.text(".error-summary"))
        self.check("outcome-error")
        b.click(".error-summary a")
        self.assertEqual(b.active_id(), "outcome-reached")

        # The language switch: English, on the same page, then back to Dutch.
        b.get(hub.url + "/worklist")
        b.click("a[hreflang='en'], a[lang='en']")
        self.assertTrue(b.url.endswith("/worklist"), b.url)
        self.assertEqual(b.js("return document.documentElement.lang"), "en")
        self.assertIn("Callback requests", b.text("h1"))
        self.check("worklist-en")
        b.click(".card h2 a")
        self.check("request-en")
        b.click("a[hreflang='nl'], a[lang='nl']")
        self.assertEqual(b.js("return document.documentElement.lang"), "nl")
        self.assertIn("Terugbellen", b.text("h1"))

        # Setting the outcome goes back to the list, one fewer.
        b.click("#outcome-reached")
        b.type("#note", "Komt donderdag naar de koffieochtend.")
        b.click("form[action$='/outcome'] button[type=submit]")
        self.assertTrue(b.url.endswith("/worklist"), b.url)
        self.assertEqual(len(b.find_all(".card")), 2)

        # A form whose CSRF token is not the session's: refused, the "form expired" page.
        b.get(hub.url + "/requests/req-2")
        b.js("document.querySelector(\"form[action$='/claim'] input[name=csrf]\").value = 'forged'")
        b.click("form[action$='/claim'] button")
        self.assertIn("Formulier verlopen", b.text("h1"))
        self.check("form-expired")
        b.get(hub.url + "/requests/req-2")
        self.assertNotIn("belt (tot", b.text("main"), "the forged claim changed nothing")

        # A request that does not exist: 404 page.
        b.get(hub.url + "/requests/nope")
        self.assertIn("Niet gevonden", b.text("h1"))
        self.check("not-found")

        # Logout (from the 404 page: it shows who is logged in too): back at the login
        # page; the worklist asks for a login again.
        self.assertIn("ans", b.text("header"))
        b.click("header form[action='/logout'] button")
        self.assertTrue(b.url.endswith("/login"), b.url)
        b.get(hub.url + "/worklist")
        self.assertTrue(b.url.endswith("/login"), b.url)

        # The IT team: enrols and lands on the fleet page. Before any heartbeat the
        # kiosks are "never seen"; then one is ok, one degraded with a screenshot.
        self.log_in("ict")
        self.enrol()
        self.assertTrue(b.url.endswith("/fleet"), b.url)
        self.assertIn("Kiosks", b.text("h1"))
        self.assertIn("Nog nooit gezien", b.text("main"))
        self.check("fleet-empty")
        screen = (HERE.parents[1] / "assets" / "demo" / "screen-today.png").read_bytes()
        hub.heartbeat(self.secret, "bieb-centrum")
        hub.heartbeat(self.secret_noord, "buurthuis-noord",
                      reasons=[("feed_stale", "Activiteiten Noord: last success 2 days ago"),
                               ("outbox_stuck", "the oldest request has waited 1 h 20 min")],
                      screenshot=screen,
                      feeds=[{"name": "Activiteiten <Noord>", "items": 4,
                              "last_success": "2026-11-29T08:00:00Z", "last_error": "HTTP 503"}])
        b.get(hub.url + "/fleet")
        self.assertIn("Een feed is al twee verversingen niet bijgewerkt", b.text("main"))
        self.assertIn("Activiteiten <Noord>", b.text("main"), "escaped, shown as text")
        self.assertTrue(b.js("const i = document.querySelector('img.screen');"
                             "return i.complete && i.naturalWidth > 0"), "the screenshot loads")
        self.check("fleet")
        b.click(".filter a[href$='degraded']")
        self.assertEqual(len(b.find_all(".fleet > li")), 1)
        self.check("fleet-degraded")
        b.click(".fleet h2 a")
        self.assertTrue(b.url.endswith("/fleet/buurthuis-noord"), b.url)
        self.assertTrue(b.find_all("table.history tbody tr"), "the history table")
        self.check("fleet-kiosk")
        b.click("a[hreflang='en'], a[lang='en']")
        self.assertIn("A feed has not been updated", b.text("main"))
        self.check("fleet-kiosk-en")
        b.click("a[hreflang='nl'], a[lang='nl']")

        # ...and gets 403 on the worklist.
        b.get(hub.url + "/worklist")
        self.assertIn("Geen toegang", b.text("h1"))
        self.check("forbidden")

        # And a TOTP login: a code of a later time step than the one enrolment used
        # (a code is never accepted twice), the next one or the current one.
        self.assertIn("ict", b.text("header"))
        b.click("header form[action='/logout'] button")
        self.log_in("ans", totp(key, max(step + 1, totp_step())))
        self.assertTrue(b.url.endswith("/worklist"), b.url)

        print(f"  checked with axe at 360 and 1280 px: {', '.join(self.checked)}")
        self.assertEqual(self.problems, [], "\n" + "\n".join(self.problems))


class Demo(unittest.TestCase):
    """The demo's worklist: overdue and flagged requests (ages a fresh hub cannot
    have), logged in with the demo's fixed TOTP secret as its app would."""

    def test_overdue_and_flagged(self):
        require_tools()
        import base64

        from harness import HUB_BIN, Process, SHOTS  # noqa: F401

        demo = Process([HUB_BIN, "demo", "--listen", "127.0.0.1:0"],
                       env={"RUST_LOG": "info"}, name="samen-hub demo")
        b = None
        try:
            url = demo.wait_for(r"listening on (http://\S+)").group(1)
            key = base64.b32encode(b"samen-hub-demo-totp!").decode()
            b = Browser()
            b.get(url + "/login")
            b.type("#name", "demo")
            b.type("#password", "demo-wachtwoord")
            b.type("#code", totp(key, totp_step()))
            b.click("main form button[type=submit]")
            self.assertTrue(b.url.endswith("/worklist"), b.url)
            self.assertTrue(b.find_all(".card.late"), "the demo has overdue requests")
            problems = []
            for name, path in [("demo-worklist", "/worklist")]:
                b.get(url + path)
                for width in (360, 1280):
                    b.viewport(width)
                    problems += [f"{name} at {width}: {v}" for v in b.axe()[0]]
                b.viewport(1280)
                b.screenshot(name)
            b.click(".card.late h2 a")
            for width in (360, 1280):
                b.viewport(width)
                problems += [f"demo-request at {width}: {v}" for v in b.axe()[0]]
            b.viewport(1280)
            b.screenshot("demo-request")

            # The IT team's demo user: the fleet in five states, a kiosk's week.
            b.click("header form[action='/logout'] button")
            b.type("#name", "demo-it")
            b.type("#password", "demo-wachtwoord")
            b.type("#code", totp(key, totp_step()))
            b.click("main form button[type=submit]")
            self.assertTrue(b.url.endswith("/fleet"), b.url)
            for name, path in [("demo-fleet", "/fleet"),
                               ("demo-fleet-kiosk", "/fleet/buurthuis-noord"),
                               ("demo-fleet-offline", "/fleet/gemeentehuis-hal"),
                               # Issue 20: ten weeks of figures, per month and per week.
                               ("demo-figures", "/figures"),
                               ("demo-figures-week", "/figures?by=week")]:
                b.get(url + path)
                for width in (360, 1280):
                    b.viewport(width)
                    problems += [f"{name} at {width}: {v}" for v in b.axe()[0]]
                    problems += [f"{name} at {width}: under 16 px: {s}" for s in b.small_text()]
                b.viewport(1280)
                b.screenshot(name)
            # The figures page: its charts are described, a table beside each.
            b.get(url + "/figures")
            self.assertEqual(len(b.find_all("svg[role=img] desc")), 2)
            self.assertTrue(b.find_all("table.history tbody tr"), "the tables")
            b.click("a[hreflang='en'], a[lang='en']")
            self.assertIn("Visits per kiosk", b.text("main"))
            for width in (360, 1280):
                b.viewport(width)
                problems += [f"demo-figures-en at {width}: {v}" for v in b.axe()[0]]
            b.viewport(1280)
            b.screenshot("demo-figures-en")
            self.assertEqual(problems, [], "\n" + "\n".join(problems))
        finally:
            if b:
                b.quit()
            demo.stop()


if __name__ == "__main__":
    unittest.main()
