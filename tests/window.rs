//! `samen-kiosk run` with a window, as a kiosk on an X11 desktop starts: under a real X
//! server (Xvfb), with systemd's readiness protocol. Start-up makes the window on the
//! main thread while a start-up thread reads the configuration and the cache and opens
//! the state files (src/app/kiosk.rs); these tests check what comes out of that: a kiosk
//! that says it is ready with its files in place, and a broken configuration that is
//! reported as such even though the window was being made at the same time.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An X server of its own on a display number it picks (`-displayfd`): no sleeping
/// until it is up, the number arrives when it accepts connections.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Option<Xvfb> {
        let mut child = match Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "800x480x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(err) => {
                eprintln!("skipped: Xvfb cannot run ({err}); scripts/test.sh installs xvfb");
                return None;
            }
        };
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb did not start");
        Some(Xvfb {
            child,
            display: format!(":{number}"),
        })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The kiosk with a window on `display`, its state in `state`, systemd's
/// `NOTIFY_SOCKET` at `notify`.
fn kiosk(display: &str, state: &Path, config: &Path, notify: &Path) -> Command {
    let mut command = Command::new(support::kiosk::bin());
    command
        .args(["--config", config.to_str().expect("path")])
        .args(["--state-dir", state.to_str().expect("path")])
        .args(["run", "--size", "800x480"])
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("SLINT_BACKEND", "winit-software")
        .env("NOTIFY_SOCKET", notify)
        .env("SAMEN_KIOSK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A new temporary directory with a configuration holding `config_text`: the
/// directory, and in it the state directory, the configuration file and the place
/// for systemd's `NOTIFY_SOCKET`.
fn files(config_text: &str) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, config_text).expect("config");
    let notify = dir.path().join("notify");
    (dir, state, config, notify)
}

/// A kiosk with a window on `x`, in a new temporary directory, once it has said
/// READY=1 to its `NOTIFY_SOCKET`.
struct Running {
    child: Child,
    dir: tempfile::TempDir,
}

impl Running {
    fn start(x: &Xvfb) -> Running {
        let (dir, state, config, notify) = files("[signage]\nslide_seconds = 10\n");
        let socket = UnixDatagram::bind(&notify).expect("notify socket");
        // A debug build on a busy machine: generous, and only the upper bound.
        socket
            .set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        let mut child = kiosk(&x.display, &state, &config, &notify)
            .spawn()
            .expect("the kiosk starts");
        let mut ready = false;
        let mut buf = [0u8; 256];
        while !ready {
            let n = match socket.recv(&mut buf) {
                Ok(n) => n,
                Err(err) => {
                    let _ = child.kill();
                    let out = child.wait_with_output().expect("output");
                    panic!(
                        "no READY=1 from the kiosk ({err}); stderr: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            };
            ready = String::from_utf8_lossy(&buf[..n])
                .lines()
                .any(|l| l == "READY=1");
        }
        Running { child, dir }
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_kiosk_with_a_window_is_ready_with_its_state_files_open() {
    let Some(x) = Xvfb::start() else { return };
    let mut running = Running::start(&x);
    let state = running.state();
    let child = &mut running.child;
    assert!(
        child.try_wait().expect("status").is_none(),
        "the kiosk stopped after saying it was ready"
    );
    // Ready means the window runs with everything a visitor can use behind it: the
    // outbox for "Ja, bel mij", the figures, the day of the last touch, and the
    // status file `samen-kiosk status` reads.
    for file in [
        "outbox.sqlite",
        "figures.sqlite3",
        "last-touch",
        "runtime.json",
        "feeds.sqlite",
    ] {
        assert!(
            state.join(file).exists(),
            "{file} is missing from the state directory once the kiosk is ready"
        );
    }
    let status = support::kiosk::run(&["status", "--json"], &state);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "status: {text}");
    assert!(
        text.contains("\"running\":true") && text.contains("\"screen\":\"on\""),
        "status does not report a running kiosk with its screen on: {text}"
    );
}

#[test]
fn a_broken_configuration_is_reported_while_the_window_is_being_made() {
    let Some(x) = Xvfb::start() else { return };
    let (_dir, state, config, notify) = files("[signage]\nslide_seconds = \"often\"\n");
    let socket = UnixDatagram::bind(&notify).expect("notify socket");
    socket.set_nonblocking(true).expect("non-blocking");
    let out = kiosk(&x.display, &state, &config, &notify)
        .output()
        .expect("the kiosk runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a broken configuration started a kiosk"
    );
    assert!(
        stderr.contains("kiosk.toml") && stderr.contains("slide_seconds"),
        "the error does not name the file and the setting: {stderr}"
    );
    assert!(
        !stderr.contains("cannot open the kiosk window"),
        "the configuration's error is hidden behind the window's: {stderr}"
    );
    let mut buf = [0u8; 256];
    assert!(
        socket.recv(&mut buf).is_err(),
        "a kiosk that did not start said READY=1"
    );
    // Nothing a visitor could have written was created for a kiosk that never ran.
    assert!(!state.join("outbox.sqlite").exists());
}

/// The pixel at (`x`, `y`) of the screen, as RRGGBB.
fn pixel(conn: &impl x11rb::connection::Connection, root: u32, x: i16, y: i16) -> u32 {
    use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};
    let image = conn
        .get_image(ImageFormat::Z_PIXMAP, root, x, y, 1, 1, !0)
        .expect("get_image")
        .reply()
        .expect("an image of the screen");
    // Xvfb's 24-bit screen: 32 bits a pixel, blue first.
    let d = &image.data;
    u32::from(d[2]) << 16 | u32::from(d[1]) << 8 | u32::from(d[0])
}

/// Polls the pixel at (5, 5) until `want` says yes (at most two minutes: a debug build
/// on a busy machine); the last colour seen.
fn wait_for_pixel(
    conn: &impl x11rb::connection::Connection,
    root: u32,
    what: &str,
    want: impl Fn(u32) -> bool,
) -> u32 {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let colour = pixel(conn, root, 5, 5);
        if want(colour) {
            return colour;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: the top left corner stayed #{colour:06X}"
        );
        // Polling the screen, not waiting for something to happen in time.
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The keyboard on an X11 desktop: the key events of a real X server reach the kiosk.
/// winit is patched to open the X input method only when a text field asks for it
/// (vendor/README.md); the kiosk has none, so a key goes straight through xkbcommon,
/// and this is the test that it does.
#[test]
fn a_key_pressed_on_the_x_server_starts_a_visit() {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        ConnectionExt as _, InputFocus, KEY_PRESS_EVENT, KEY_RELEASE_EVENT,
    };
    use x11rb::protocol::xtest::ConnectionExt as _;
    let Some(x) = Xvfb::start() else { return };
    let running = Running::start(&x);
    let (conn, screen) = x11rb::connect(Some(&x.display)).expect("connect to Xvfb");
    let root = conn.setup().roots[screen].root;
    // Signage's top bar (the theme's teal) is the first frame.
    const TEAL: u32 = 0x0B5A5A;
    let near = |a: u32, b: u32| {
        (0..3).all(|i| ((a >> (8 * i)) & 0xFF).abs_diff((b >> (8 * i)) & 0xFF) < 8)
    };
    wait_for_pixel(&conn, root, "signage's first frame", |c| near(c, TEAL));
    // No window manager: the kiosk's window (the root's only mapped child) gets the
    // keyboard as a window manager would give it.
    let tree = conn
        .query_tree(root)
        .expect("query_tree")
        .reply()
        .expect("tree");
    let window = *tree.children.last().expect("the kiosk's window");
    conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)
        .expect("focus");
    // "Any key starts a visit" (src/ui/keys.rs): the letter x, as a keyboard sends it.
    let min = conn.setup().min_keycode;
    let count = conn.setup().max_keycode - min + 1;
    let map = conn
        .get_keyboard_mapping(min, count)
        .expect("keyboard mapping")
        .reply()
        .expect("keyboard mapping");
    let per = usize::from(map.keysyms_per_keycode);
    let index = map
        .keysyms
        .iter()
        .position(|&sym| sym == u32::from(b'x'))
        .expect("a key for x in Xvfb's keymap");
    let keycode = min + u8::try_from(index / per).expect("keycode");
    for kind in [KEY_PRESS_EVENT, KEY_RELEASE_EVENT] {
        conn.xtest_fake_input(kind, keycode, x11rb::CURRENT_TIME, root, 0, 0, 0)
            .expect("XTEST");
    }
    conn.flush().expect("flush");
    // The home screen ("Activiteiten" on the cream background) replaces signage.
    let home = wait_for_pixel(&conn, root, "the key did not start a visit", |c| {
        !near(c, TEAL)
    });
    let (r, g, b) = (home >> 16, (home >> 8) & 0xFF, home & 0xFF);
    assert!(
        r > 200 && g > 200 && b > 180,
        "after the key the corner is #{home:06X}, not the home screen's light background"
    );
    drop(running);
}
