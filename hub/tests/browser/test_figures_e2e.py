"""Impact figures end to end (issue 20), with real processes only: a real kiosk
(`samen-kiosk run --headless`, heartbeat every 10 s, signed with its `whsec_` secret)
whose state directory already holds three days of figures, a real hub (`samen-hub
serve`), and between them a small HTTP relay this test controls, to be the network:

1. down: the relay answers 503 (the hub unreachable): the kiosk keeps the days;
2. the answer lost: the relay passes the heartbeat to the hub (which stores the days)
   but answers the kiosk 503, so the kiosk sends the same days again;
3. up: the hub's own answer reaches the kiosk (`figures_ack`);
4. the next heartbeat carries no figures, and the hub holds each kiosk-day once:
   the visits add up to the kiosk's, not to twice or three times them.

The relay hands every heartbeat to the test through a queue (waited on with a
deadline), so nothing sleeps to synchronise.
"""

import datetime
import http.server
import json
import queue
import sqlite3
import threading
import unittest
import urllib.error
import urllib.request
import zoneinfo

from harness import Hub, Kiosk, require_tools

PASS_HEADERS = ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature",
                "x-samen-signature", "user-agent")


class Relay:
    """An HTTP relay to `target`: `mode` is "down" (503, nothing passed on), "lost"
    (passed on, the answer replaced by 503) or "up" (passed on, answered as the hub
    answered). Every request body goes into `seen`."""

    def __init__(self, target):
        self.target = target
        self.mode = "down"
        self.seen = queue.Queue()
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                mode = relay.mode
                relay.seen.put((mode, body))
                status, answer = 503, b'{"status":"unavailable"}'
                if mode != "down":
                    request = urllib.request.Request(relay.target + self.path, data=body,
                                                     method="POST")
                    for name in PASS_HEADERS:
                        if self.headers.get(name):
                            request.add_header(name, self.headers[name])
                    try:
                        with urllib.request.urlopen(request, timeout=20) as r:
                            hub_status, hub_answer = r.status, r.read()
                    except urllib.error.HTTPError as e:
                        hub_status, hub_answer = e.code, e.read()
                    if mode == "up":
                        status, answer = hub_status, hub_answer
                    elif hub_status != 200:
                        raise AssertionError(f"the hub refused: {hub_status} {hub_answer!r}")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the kiosk stopped (the end of the test)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=60):
        """The next heartbeat: (mode it met, its JSON)."""
        mode, body = self.seen.get(timeout=timeout)
        return mode, json.loads(body)

    def stop(self):
        self.server.shutdown()


def seed(state, days):
    """The kiosk's figures.sqlite3 as its `figures::Store` writes it."""
    state.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(state / "figures.sqlite3")
    db.execute("CREATE TABLE days (day TEXT PRIMARY KEY, rev INTEGER NOT NULL, "
               "acked_rev INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL)")
    for day, visits in days:
        data = {"day": day, "visits": visits, "visits_by_language": {"nl": visits},
                "activities": [{"id": "koffie", "title": "Koffieochtend", "count": 2}]}
        db.execute("INSERT INTO days (day, rev, data) VALUES (?, 1, ?)", (day, json.dumps(data)))
    db.commit()
    db.close()


def days_of(beat):
    return [d["day"] for d in beat.get("figures") or []]


class FiguresEndToEnd(unittest.TestCase):
    def test_days_resent_after_an_outage_are_stored_once(self):
        require_tools()
        today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Amsterdam")).date()
        days = [((today - datetime.timedelta(days=n)).isoformat(), v)
                for n, v in ((3, 5), (2, 6), (1, 7))]
        hub = Hub()
        relay = None
        kiosk = None
        try:
            secret = hub.add_kiosk("figures-e2e")
            hub.start()
            relay = Relay(hub.url)
            kiosk = Kiosk("figures-e2e", hub.url + "/intake/callback", secret,
                          heartbeat_url=relay.url + "/intake/heartbeat",
                          heartbeat_interval="10s")
            seed(kiosk.state, days)
            kiosk.run()
            sent = [d for d, _ in days]
            # 1: the hub cannot be reached.
            mode, beat = relay.next()
            self.assertEqual((mode, days_of(beat)), ("down", sent), beat)
            # 2: it can, but its answer is lost on the way back.
            relay.mode = "lost"
            mode, beat = relay.next()
            while mode == "down":
                mode, beat = relay.next()
            self.assertEqual(days_of(beat), sent, "sent again: never acknowledged")
            # 3: through.
            relay.mode = "up"
            mode, beat = relay.next()
            while mode != "up":
                mode, beat = relay.next()
            self.assertEqual(days_of(beat), sent, "sent again: the answer was lost")
            # 4: acknowledged: not sent any more.
            mode, beat = relay.next()
            self.assertEqual(days_of(beat), [], beat)
            self.assertNotIn("figures", beat)
            # The hub holds each day once, with the kiosk's counts.
            db = sqlite3.connect(hub.data / "hub.sqlite3")
            rows = db.execute("SELECT day, data FROM figures_days WHERE kiosk_id = ? "
                              "ORDER BY day", ("figures-e2e",)).fetchall()
            db.close()
            stored = [(day, json.loads(data)["visits"]) for day, data in rows]
            self.assertEqual(stored, days, "each kiosk-day once: 18 visits, not 36")
        finally:
            if kiosk:
                kiosk.stop()
            if relay:
                relay.stop()
            hub.stop()


if __name__ == "__main__":
    unittest.main()
