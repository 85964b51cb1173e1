#!/usr/bin/env python3
# The peer of scripts/measure-disk.sh (issue 15): a feed with N pictures of SIZE bytes
# (or trickling, "slow"), and a webhook that answers 503 until PORTFILE.ok exists, then 200.
# usage: server.py PORTFILE N SIZE [slow]
import sys, time, json, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
portfile, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
slow = len(sys.argv) > 4 and sys.argv[4] == "slow"
posts = []
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path == "/feed.json":
            ev = [{"id": f"e{i}", "name": f"Activiteit {i}", "start": "2026-12-01T10:00", "rrule": "FREQ=DAILY",
                   "image": f"p/{i}.jpg"} for i in range(n)]
            body = json.dumps({"format": "samen-kiosk-feed", "version": 1, "name": "m", "events": ev}).encode()
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body); return
        if self.path.startswith("/p/"):
            sys.stderr.write(f"{time.time():.3f} GET {self.path}\n"); sys.stderr.flush()
            self.send_response(200); self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(size)); self.end_headers()
            try:
                if slow:
                    for _ in range(size):
                        self.wfile.write(b"x"); self.wfile.flush(); time.sleep(1)
                else:
                    self.wfile.write(b"\xff" * size)
            except Exception: pass
            return
        self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
    def do_POST(self):
        l = int(self.headers.get("Content-Length", 0)); self.rfile.read(l)
        posts.append(time.time())
        sys.stderr.write(f"{time.time():.3f} POST {self.path} #{len(posts)}\n"); sys.stderr.flush()
        import os
        self.send_response(200 if os.path.exists(portfile + ".ok") else 503); self.send_header("Content-Length", "0"); self.end_headers()
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
