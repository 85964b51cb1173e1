#!/usr/bin/env python3
"""What the heartbeat's screenshot costs (issue 19), on the running kiosk under Xvfb.

Runs `samen-kiosk run` (Slint's software renderer, as on the boards) with
`[heartbeat] interval = "10s"` to a local receiver, once with `screenshot = true` and
once without, and prints per heartbeat: the CPU time of the `screenshot` thread, of
the whole process, the picture's size, and the memory (RSS, PSS, peak RSS) after the
heartbeats. The first heartbeat (thread start, fonts loaded once) is shown apart.

Usage: scripts/measure-heartbeat.py [--bin target/release/samen-kiosk]
       [--size 1920x1080] [--beats 6]
Needs: Xvfb, python3 (standard library only), a release build.
Waiting is on events (Xvfb's -displayfd, the receiver's requests), with deadlines.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


class Receiver:
    def __init__(self):
        self.beats = []
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                beat = json.loads(body)
                with outer.cond:
                    outer.beats.append((time.monotonic(), len(body), beat.get("screenshot")))
                    outer.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/beat"

    def wait(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.beats) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"only {len(self.beats)} heartbeats within {timeout} s")
                self.cond.wait(left)


def cpu_ticks(pid, thread=None):
    """utime + stime of the process, or of its threads named `thread`."""
    def ticks(stat_path):
        stat = Path(stat_path).read_text()
        fields = stat[stat.rfind(")") + 2:].split()
        return int(fields[11]) + int(fields[12])
    if thread is None:
        return ticks(f"/proc/{pid}/stat")
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        if (task / "comm").read_text().strip() == thread:
            total += ticks(task / "stat")
    return total


def thread_cpu_ns(pid, thread):
    """CPU time of the threads named `thread`, in nanoseconds (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        if (task / "comm").read_text().strip() == thread:
            total += int((task / "schedstat").read_text().split()[0])
    return total


def memory(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    def kb(key):
        for line in status.splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0
    pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
    return {"rss_kib": kb("VmRSS"), "pss_kib": pss, "peak_rss_kib": kb("VmHWM")}


def run(binary, size, beats, screenshot):
    work = Path(tempfile.mkdtemp(prefix="samen-measure-hb-"))
    receiver = Receiver()
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{size}x24",
                             "-nolisten", "tcp"], pass_fds=(w,), stderr=subprocess.DEVNULL)
    os.close(w)
    display = b""
    while not display.endswith(b"\n"):
        chunk = os.read(r, 16)
        if not chunk:
            break
        display += chunk
    display = display.decode().strip()
    os.close(r)
    config = work / "kiosk.toml"
    config.write_text(f'kiosk_id = "measure"\n[heartbeat]\nurl = "{receiver.url}"\n'
                      f'interval = "10s"\nscreenshot = {"true" if screenshot else "false"}\n')
    env = {**os.environ, "DISPLAY": f":{display}", "SLINT_BACKEND": "winit-software",
           "SAMEN_KIOSK_STATE_DIR": str(work / "state"), "SAMEN_KIOSK_LOG": "warn"}
    env.pop("WAYLAND_DISPLAY", None)
    kiosk = subprocess.Popen([binary, "--config", config, "run", "--size", size], env=env,
                             stdout=subprocess.DEVNULL, stderr=open(work / "kiosk.log", "w"))
    try:
        receiver.wait(1, 60)
        # Let the first slide settle before the baseline: the next beat is ~10 s away.
        first_shot = thread_cpu_ns(kiosk.pid, "screenshot")
        base_cpu = cpu_ticks(kiosk.pid)
        receiver.wait(1 + beats, 20 * beats + 30)
        cpu = cpu_ticks(kiosk.pid) - base_cpu
        shot = thread_cpu_ns(kiosk.pid, "screenshot") - first_shot
        mem = memory(kiosk.pid)
        pictures = [len(s["data"]) * 3 // 4 for _, _, s in receiver.beats if s]
        return {
            "beats": beats,
            "first_screenshot_cpu_ms": round(first_shot / 1e6, 1),
            "screenshot_cpu_ms_per_beat": round(shot / 1e6 / beats, 1),
            "process_cpu_ms_per_beat": round(cpu * 1000 / TICK / beats, 1),
            "picture_bytes": pictures[-1] if pictures else 0,
            "beats_with_a_picture": f"{len(pictures)} of {len(receiver.beats)}",
            "body_bytes": receiver.beats[-1][1],
            **mem,
        }
    finally:
        kiosk.terminate()
        kiosk.wait(30)
        xvfb.terminate()
        xvfb.wait(10)
        receiver.server.shutdown()
        if os.environ.get("KEEP"):
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=str(ROOT / "target" / "release" / "samen-kiosk"))
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--beats", type=int, default=6)
    a = p.parse_args()
    if not Path(a.bin).exists() or not shutil.which("Xvfb"):
        sys.exit("needs a release build (cargo build --release) and Xvfb")
    for screenshot in (True, False):
        figures = run(a.bin, a.size, a.beats, screenshot)
        print(json.dumps({"size": a.size, "screenshot": screenshot, **figures}))


if __name__ == "__main__":
    main()
