#!/usr/bin/env python3
"""Starts a command under an X display and reports when its first frame is on screen.

Usage: first-frame.py X Y RRGGBB -- command args...
Polls the pixel at (X, Y) of the root window (no window manager: the kiosk window is
at 0,0) until it has the colour RRGGBB, e.g. the teal top bar of signage, and prints
`first_frame_s <seconds> pid <pid>` on stdout. The command keeps running; its pid
is printed so the caller can measure and stop it. The root window is painted grey
first, so that black (a dark screen) can count as a frame too. The command's stderr
goes to $MEASURE_LOG (default /tmp/samen-kiosk-measure.log). Needs python-xlib.
"""
import os, subprocess, sys, time
from Xlib import X, display

def main():
    x, y, colour = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    want = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
    d = display.Display()
    screen = d.screen()
    root = screen.root
    grey = screen.default_colormap.alloc_color(0x8000, 0x8000, 0x8000).pixel
    root.change_attributes(background_pixel=grey)
    root.clear_area(0, 0, 0, 0)
    d.sync()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(os.environ.get("MEASURE_LOG", "/tmp/samen-kiosk-measure.log"), "w"))
    while True:
        if proc.poll() is not None:
            print("error: the kiosk exited with", proc.returncode, file=sys.stderr)
            sys.exit(1)
        raw = root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF).data
        b, g, r = raw[0], raw[1], raw[2]
        if abs(r - want[0]) < 8 and abs(g - want[1]) < 8 and abs(b - want[2]) < 8:
            break
        if time.monotonic() - start > 30:
            print("error: no frame within 30 s", file=sys.stderr)
            proc.kill()
            sys.exit(1)
        time.sleep(0.002)
    print(f"first_frame_s {time.monotonic() - start:.3f} pid {proc.pid}", flush=True)
    # Detach: the caller owns the process from here on.
    os._exit(0)

if __name__ == "__main__":
    main()
