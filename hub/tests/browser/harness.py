"""The browser tests' toolbox: real processes and a real browser, no Python packages.

- `Hub`: a `samen-hub serve` process on 127.0.0.1 (port 0: the hub picks one and logs
  it) with its own temporary `--data` directory; users and kiosks made with the CLI.
- `Kiosk`: a `samen-kiosk run --headless` process and its `callback submit` command.
- `Browser`: Debian's chromium driven by chromedriver through the W3C WebDriver
  protocol (plain JSON over HTTP, spoken here with urllib: a dozen commands), with
  axe-core (the npm package, `node_modules/axe-core/axe.min.js`) injected into pages
  and full-page screenshots at a given width.
- `totp`: RFC 6238 codes from the enrolment page's key, as an authenticator app would.

Nothing here sleeps to wait for something: processes are waited on through the lines
they log (each wait has a deadline, and a failure shows the log).
"""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
HUB_BIN = Path(os.environ.get("SAMEN_HUB_BIN", TARGET / "debug" / "samen-hub"))
KIOSK_BIN = Path(os.environ.get("SAMEN_KIOSK_BIN", TARGET / "debug" / "samen-kiosk"))
CHROMIUM = os.environ.get("SAMEN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SAMEN_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Where the screenshots go (git-ignored); a few are copied into docs/img/hub by hand.
SHOTS = Path(os.environ.get("SAMEN_HUB_SHOTS", TARGET / "hub-browser"))

PASSWORD = "correct horse battery staple"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the gate (0 violations). axe's
# "best-practice" rules run too and must pass as well.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def require_tools():
    """Every tool the tests need, or one clear error naming what is missing."""
    missing = []
    for path, what in [
        (HUB_BIN, "target/debug/samen-hub (cargo build -p samen-hub)"),
        (KIOSK_BIN, "target/debug/samen-kiosk (cargo build -p samen-kiosk --bin samen-kiosk)"),
        (Path(CHROMIUM), "chromium (apt install chromium)"),
        (Path(CHROMEDRIVER), "chromedriver (apt install chromium-driver)"),
        (AXE_JS, "axe-core (npm ci --prefix hub/tests/browser)"),
    ]:
        if not path.exists():
            missing.append(what)
    if missing:
        raise RuntimeError("missing for the browser tests: " + "; ".join(missing))


# ---- processes --------------------------------------------------------------------


class Process:
    """A child process whose stderr (and stdout) lines are collected as they come, so
    that a test can wait for a line instead of sleeping."""

    def __init__(self, args, env=None, name="process", keep_stdin=False):
        self.name = name
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [str(a) for a in args],
            # Kept open for a process that stops when its stdin closes.
            stdin=subprocess.PIPE if keep_stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            text=True,
            errors="replace",
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def log(self):
        with self.cond:
            return "\n".join(self.lines)

    def wait_for(self, pattern, timeout=30.0, start=0):
        """The first match of `pattern` in a line logged from line `start` on (the
        process's own words are the event); fails at the deadline or when it exits."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = start
        with self.cond:
            while True:
                for line in self.lines[seen:]:
                    m = regex.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                if self.proc.poll() is not None and not self.reader.is_alive():
                    raise AssertionError(
                        f"{self.name} exited ({self.proc.returncode}) before logging "
                        f"{pattern!r}:\n{self.log()}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{self.name} did not log {pattern!r} within {timeout} s:\n{self.log()}"
                    )
                self.cond.wait(left)

    def mark(self):
        with self.cond:
            return len(self.lines)

    def stop(self):
        if self.proc.stdin:
            self.proc.stdin.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        if not self.reader.is_alive():
            self.proc.stdout.close()


class Hub:
    """A real `samen-hub serve` on a port of its own choosing, with its own data."""

    def __init__(self, config_text=None, log="info"):
        self.log = log
        self.dir = Path(tempfile.mkdtemp(prefix="samen-hub-browser-"))
        self.data = self.dir / "data"
        self.config = None
        if config_text is not None:
            self.config = self.dir / "hub.toml"
            self.config.write_text(config_text)
        self.process = None
        self.url = None

    def cli(self, *args, stdin=None):
        cmd = [HUB_BIN, "--data", self.data]
        if self.config:
            cmd += ["--config", self.config]
        out = subprocess.run(
            [str(a) for a in cmd + list(args)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if out.returncode != 0:
            raise AssertionError(f"samen-hub {' '.join(map(str, args))}: {out.stderr}")
        return out.stdout

    def add_user(self, name, role):
        self.cli("user", "add", name, "--role", role, stdin=PASSWORD + "\n")

    def add_kiosk(self, kiosk_id):
        """The kiosk's `whsec_...` secret (the last line `kiosk add` prints)."""
        return self.cli("kiosk", "add", kiosk_id).strip().splitlines()[-1]

    def start(self):
        cmd = [HUB_BIN, "serve", "--listen", "127.0.0.1:0", "--data", self.data]
        if self.config:
            cmd += ["--config", self.config]
        self.process = Process(cmd, env={"RUST_LOG": self.log, "NO_COLOR": "1"}, name="samen-hub")
        m = self.process.wait_for(r"listening on (http://\S+)")
        self.url = m.group(1)
        return self

    def stop(self):
        if self.process:
            self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def deliver(self, secret, kiosk_id, request_id, first_name, phone, when="morning",
                topic=None):
        """A callback request as a kiosk posts it, signed the Standard Webhooks way."""
        body = json.dumps({
            "id": request_id,
            "kiosk_id": kiosk_id,
            "first_name": first_name,
            "phone": phone,
            "phone_national": national(phone),
            "when": when,
            "topic": topic,
            "language": "nl",
            "consent": {"version": "2026-11-28.1", "at": "2026-12-01T09:00:00Z"},
        }).encode()
        ts = str(int(time.time()))
        key = base64.b64decode(secret.removeprefix("whsec_"))
        mac = hmac.new(key, f"{request_id}.{ts}.".encode() + body, hashlib.sha256)
        req = urllib.request.Request(
            self.url + "/intake/callback",
            data=body,
            method="POST",
            headers={
                "content-type": "application/json",
                "webhook-id": request_id,
                "webhook-timestamp": ts,
                "webhook-signature": "v1," + base64.b64encode(mac.digest()).decode(),
            },
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200, r.status

    def heartbeat(self, secret, kiosk_id, reasons=(), screenshot=None, feeds=None):
        """A kiosk's heartbeat (issue 19): its status object with health (`reasons` as
        (code, words) pairs; none: ok) and optionally a PNG screenshot, signed the
        Standard Webhooks way with the kiosk's secret."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        status = {
            "kiosk_id": kiosk_id, "version": "0.1.0", "running": True,
            "config_version": 14, "config_error": None,
            "feeds": feeds if feeds is not None else [
                {"name": "Versa Welzijn", "items": 32, "last_success": now, "last_error": None}],
            "outbox": {"pending": 0, "oldest_pending_age_s": None, "delivered": 3,
                       "failed_attention": 0, "expired": 0},
            "delivery": "webhook", "screen": "on", "uptime_s": 7200,
            "free_disk_bytes": 5_000_000_000, "at": now,
            "health": {"state": "degraded" if reasons else "ok",
                       "reasons": [{"code": c, "words": w} for c, w in reasons]},
            "interval_s": 300,
            "messages": {"active": ["kerstmarkt"], "urgent": False},
        }
        if screenshot is not None:
            status["screenshot"] = {"taken_at": now, "mime": "image/png",
                                    "data": base64.b64encode(screenshot).decode()}
        body = json.dumps(status).encode()
        ts = str(int(time.time()))
        webhook_id = f"hb-{kiosk_id}-{ts}"
        key = base64.b64decode(secret.removeprefix("whsec_"))
        mac = hmac.new(key, f"{webhook_id}.{ts}.".encode() + body, hashlib.sha256)
        req = urllib.request.Request(
            self.url + "/intake/heartbeat",
            data=body,
            method="POST",
            headers={
                "content-type": "application/json",
                "webhook-id": webhook_id,
                "webhook-timestamp": ts,
                "webhook-signature": "v1," + base64.b64encode(mac.digest()).decode(),
            },
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200, r.status


def national(e164):
    """+31612345678 as the kiosk writes it for people: 06 12345678 (020 1234567)."""
    digits = "0" + e164[3:]
    split = 2 if digits.startswith("06") else 3
    return digits[:split] + " " + digits[split:]


class Kiosk:
    """A real kiosk: `samen-kiosk run --headless` delivering to `webhook_url`."""

    def __init__(self, kiosk_id, webhook_url, secret, heartbeat_url=None,
                 heartbeat_interval="5m", extra=""):
        self.dir = Path(tempfile.mkdtemp(prefix="samen-kiosk-e2e-"))
        self.state = self.dir / "state"
        secret_file = self.dir / "webhook-secret"
        secret_file.write_text(secret + "\n")
        secret_file.chmod(0o600)
        self.config = self.dir / "kiosk.toml"
        text = (
            f'kiosk_id = "{kiosk_id}"\n'
            "[callback.webhook]\n"
            f'url = "{webhook_url}"\n'
            f'secret_file = "{secret_file}"\n'
        )
        if heartbeat_url:
            # Its status object to the hub, signed with the same secret.
            text += (
                "[heartbeat]\n"
                f'url = "{heartbeat_url}"\n'
                f'interval = "{heartbeat_interval}"\n'
                f'secret_file = "{secret_file}"\n'
            )
        self.config.write_text(text + extra)
        self.process = None

    def base(self):
        return [KIOSK_BIN, "--config", self.config, "--state-dir", self.state]

    def run(self):
        self.process = Process(
            self.base() + ["run", "--headless"],
            # The health check's clock reason reads timesyncd's directory: none here,
            # so the machine running the tests does not decide a kiosk's health.
            env={"SAMEN_KIOSK_LOG": "info", "RUST_LOG": "info", "NO_COLOR": "1",
                 "SAMEN_KIOSK_TIMESYNC_DIR": str(self.dir / "no-timesyncd")},
            name="samen-kiosk",
        )
        return self

    def submit(self, name, phone, when):
        """`callback submit`; the request's id (its last line)."""
        out = subprocess.run(
            [str(a) for a in self.base() + ["callback", "submit", "--name", name,
                                            "--phone", phone, "--when", when]],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "SAMEN_KIOSK_LOG": "warn"},
        )
        if out.returncode != 0:
            raise AssertionError(f"callback submit: {out.stderr}")
        return out.stdout.strip().splitlines()[-1].strip()

    def stop(self):
        if self.process:
            self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class SmtpPeer:
    """A real SMTP server (hub/tests/peers/smtp_peer.py, aiosmtpd) on a free port; each
    message it accepts is a JSON line in its log. Its Python is
    `SAMEN_HUB_TEST_PYTHON` (scripts/test.sh makes it), else target/test-python."""

    def __init__(self):
        python = os.environ.get("SAMEN_HUB_TEST_PYTHON",
                                str(TARGET / "test-python" / "bin" / "python"))
        if not Path(python).exists():
            raise RuntimeError(f"missing for the end-to-end test: {python} with aiosmtpd "
                               "(scripts/test.sh installs it)")
        self.python = python
        self.process = Process([python, ROOT / "hub" / "tests" / "peers" / "smtp_peer.py"],
                               name="smtp-peer", keep_stdin=True)
        # stdin must stay open: the peer stops when it closes.
        self.port = int(self.process.wait_for(r"^port (\d+)$").group(1))

    def messages(self):
        with self.process.cond:
            lines = list(self.process.lines)
        return [json.loads(line) for line in lines if line.startswith("{")]

    def wait_for(self, ok, what, timeout=180.0):
        """Waits (on the peer's own output, with a deadline) until `ok(messages)`."""
        deadline = time.monotonic() + timeout
        with self.process.cond:
            while True:
                msgs = [json.loads(line) for line in self.process.lines if line.startswith("{")]
                if ok(msgs):
                    return msgs
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s: {msgs}")
                self.process.cond.wait(left)

    def stop(self):
        self.process.stop()


# ---- TOTP (RFC 6238: SHA-1, 6 digits, 30 s) ----------------------------------------


def totp(key_text, step):
    """The code for time step `step` of the base32 key the enrolment page shows."""
    key = base64.b32decode(key_text.replace(" ", "").upper() + "=" * (-len(key_text.replace(" ", "")) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def totp_step():
    return int(time.time()) // 30


# ---- the browser ------------------------------------------------------------------


class WebDriverError(AssertionError):
    pass


class Browser:
    """Headless chromium through chromedriver (W3C WebDriver over HTTP)."""

    ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

    def __init__(self, width=1280, height=900):
        self.profile = tempfile.mkdtemp(prefix="samen-hub-chromium-")
        self.driver = Process([CHROMEDRIVER, "--port=0"], name="chromedriver")
        port = self.driver.wait_for(r"started successfully on port (\d+)").group(1)
        self.base = f"http://127.0.0.1:{port}"
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--hide-scrollbars",
                            "--font-render-hinting=none", "--lang=nl-NL",
                            f"--user-data-dir={self.profile}",
                            f"--window-size={width},{height}",
                        ],
                        "prefs": {"intl.accept_languages": "nl-NL,nl"},
                    },
                }
            }
        }
        value = self._call("POST", "/session", caps)
        self.session = f"/session/{value['sessionId']}"
        self.width, self.height = width, height
        self.viewport(width, height)

    def _call(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise WebDriverError(f"WebDriver {method} {path}: {e.code} {detail[:500]}") from None

    def cmd(self, method, path, body=None):
        return self._call(method, self.session + path, body)

    def quit(self):
        try:
            self._call("DELETE", self.session)
        except Exception:
            pass
        self.driver.stop()
        shutil.rmtree(self.profile, ignore_errors=True)

    # -- pages and elements

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.cmd("GET", "/url")

    @property
    def title(self):
        return self.cmd("GET", "/title")

    def source(self):
        return self.cmd("GET", "/source")

    def find(self, css):
        return self.cmd("POST", "/element", {"using": "css selector", "value": css})[self.ELEMENT]

    def find_all(self, css):
        found = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [e[self.ELEMENT] for e in found]

    def click(self, css):
        """Clicks; when that loads another page (a link, a form), returns once the new
        page has loaded. WebDriver has no event for that: the old page is marked and
        the browser asked until the mark is gone (within 30 s)."""
        element = self.find(css)
        navigates = self._navigates(element)
        self.js("window.__samenOldPage = true")
        self.cmd("POST", f"/element/{element}/click")
        deadline = time.monotonic() + 30
        while True:
            state = self.js("return window.__samenOldPage ? 'old' : document.readyState")
            if state == "complete":
                return
            if state == "old" and not navigates:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"clicking {css} did not load a page within 30 s")
            time.sleep(0.02)

    def _navigates(self, element):
        """Whether clicking `element` is meant to load a page: a link (not to
        #somewhere on this page) or a form's submit button."""
        return self.js(
            "const e = arguments[0];"
            "if (e.tagName === 'A') { const h = e.getAttribute('href') || '';"
            "  return !h.startsWith('#'); }"
            "return !!(e.form && (e.type === 'submit'));",
            {self.ELEMENT: element},
        )

    def type(self, css, text):
        element = self.find(css)
        self.cmd("POST", f"/element/{element}/clear")
        self.cmd("POST", f"/element/{element}/value", {"text": text})

    def text(self, css="body"):
        return self.cmd("GET", f"/element/{self.find(css)}/text")

    def attr(self, css, name):
        return self.cmd("GET", f"/element/{self.find(css)}/attribute/{name}")

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def active_id(self):
        return self.js("return document.activeElement && document.activeElement.id")

    # -- viewport, screenshots, axe

    def cdp(self, command, params=None):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": command, "params": params or {}})

    def viewport(self, width, height=900):
        """The page laid out `width` CSS pixels wide (a phone at 360)."""
        self.cdp("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
        })
        self.width, self.height = width, height

    def horizontal_overflow(self):
        """How many CSS pixels the page is wider than the viewport (0 when it fits),
        and the elements sticking out on the right."""
        return self.js(
            "const w = document.documentElement.clientWidth;"
            "const out = [];"
            "for (const e of document.querySelectorAll('body *')) {"
            "  const r = e.getBoundingClientRect();"
            "  if (r.width > 0 && r.right > w + 0.5) out.push(e.tagName.toLowerCase() +"
            "    (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') +"
            "    ' right=' + Math.round(r.right));"
            "}"
            "return [document.documentElement.scrollWidth - w, out.slice(0, 10)];"
        )

    def small_text(self, minimum=16):
        """Visible text set smaller than `minimum` CSS pixels (DESIGN.md: 16 px at
        least), as 'tag.class: size' lines."""
        return self.js(
            "const out = new Set();"
            "const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
            "while (walk.nextNode()) {"
            "  const n = walk.currentNode, e = n.parentElement;"
            "  if (!e || !n.textContent.trim() || !e.getClientRects().length) continue;"
            "  if (e.closest('.visually-hidden, .skip, svg')) continue;"
            "  const size = parseFloat(getComputedStyle(e).fontSize);"
            "  if (size < arguments[0]) out.add(e.tagName.toLowerCase() +"
            "    (e.className ? '.' + e.className : '') + ': ' + size + ' px');"
            "}"
            "return [...out];",
            minimum,
        )

    def screenshot(self, name, widths=(360, 1280)):
        """Full-page PNGs `<name>-<width>.png` in SHOTS; asserts nothing overflows
        sideways at any width. The viewport is put back afterwards."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        before = (self.width, self.height)
        paths = []
        for width in widths:
            self.viewport(width, 800)
            self.js("return document.fonts.ready.then(() => true)")
            overflow, culprits = self.horizontal_overflow()
            assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide: {culprits}"
            height = self.js("return Math.ceil(document.documentElement.scrollHeight)")
            self.viewport(width, max(height, 200))
            shot = self.cdp("Page.captureScreenshot", {"format": "png"})
            path = SHOTS / f"{name}-{width}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            paths.append(path)
        self.viewport(*before)
        return paths

    def axe(self):
        """axe-core's violations on the current page (WCAG 2.x A/AA + best practice),
        each as a readable line; and the items it could not decide (to look at)."""
        if not self.js("return typeof window.axe === 'object'"):
            self.js(AXE_JS.read_text())
        result = self.js_async(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},"
            "  resultTypes: ['violations', 'incomplete']})"
            ".then(r => done(JSON.stringify({v: r.violations, i: r.incomplete})))"
            ".catch(e => done(JSON.stringify({error: String(e)})));",
            AXE_TAGS,
        )
        result = json.loads(result)
        if "error" in result:
            raise AssertionError(f"axe failed on {self.url}: {result['error']}")

        def lines(items):
            out = []
            for v in items:
                for node in v["nodes"]:
                    out.append(f"{v['id']} ({v.get('impact')}): {v['help']} at "
                               f"{' '.join(node['target'])}: {node.get('failureSummary') or ''}"
                               .replace("\n", " "))
            return out

        return lines(result["v"]), lines(result["i"])
