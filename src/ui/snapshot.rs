//! The heartbeat's screenshot (issue 19, `[heartbeat] screenshot = true`): a small PNG
//! of what the screen shows, made with the kiosk's own renderer off the UI thread.
//!
//! - The UI thread only decides and hands over ([`App::snapshot_request`]): while
//!   signage or the dark screen shows, the configuration, the catalog (both shared,
//!   nothing copied), the clock's instant, the language and the window's logical
//!   size; during a visit nothing, so no form and no typed name can ever be drawn.
//! - The `screenshot` thread (nice 10, started at the first picture) has a headless
//!   Slint platform of its own (`headless::Headless`, Slint's software renderer). For
//!   each request it builds a fresh window with those inputs (signage at that instant,
//!   at the step on screen, or dark, as the schedule says), decodes the pictures the slide shows at the
//!   picture's size, and draws the screen's layout straight into at most 480 pixels
//!   wide (a scale factor below 1: a quarter of the pixels of a full frame).
//! - [`encode`] makes a PNG of about 50 KB at most: RGB, else 256 colours of the
//!   picture's own, else half the size.
//!
//! [`Camera`] is the thread's handle; [`Shots`] is what the heartbeat keeps: a new
//! picture when the UI hands a request over, else the last one (taken on signage).

use super::{App, AppWindow, KioskOptions};
use crate::config::Config;
use crate::feed::Catalog;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use samen_wire::health::Screenshot;
use slint::ComponentHandle;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The widest picture.
pub const MAX_WIDTH: u32 = 480;
/// The size a picture aims at (the hub takes up to 64 KB).
pub const TARGET_BYTES: usize = 50 * 1024;

/// What the screenshot thread needs to draw the screen as it is now.
pub struct Request {
    pub config: Arc<Config>,
    pub catalog: Catalog,
    pub now: DateTime<Utc>,
    pub lang: Lang,
    /// The window in logical pixels.
    pub logical: (f32, f32),
    /// The signage step on screen (`None`: an urgent message, or dark).
    pub step: Option<u64>,
}

impl App {
    /// The screen as the screenshot thread should draw it, while signage or the dark
    /// screen shows; `None` during a visit (any other screen).
    pub fn snapshot_request(&self) -> Option<Request> {
        let ctx = &self.ctx;
        if ctx.screen_on() && ctx.screen() != super::generated::Screen::Signage {
            return None;
        }
        let size = ctx.size();
        let scale = ctx.window.window().scale_factor().max(0.1);
        Some(Request {
            config: ctx.config(),
            catalog: ctx.catalog().clone(),
            now: ctx.clock.now(),
            lang: ctx.lang(),
            logical: (size.width as f32 / scale, size.height as f32 / scale),
            step: self.signage.base_step_on_screen(),
        })
    }
}

type Job = (
    Request,
    tokio::sync::oneshot::Sender<anyhow::Result<Vec<u8>>>,
);

/// The screenshot thread's handle.
pub struct Camera {
    image_dir: Option<PathBuf>,
    jobs: Option<mpsc::Sender<Job>>,
}

impl Camera {
    /// `image_dir`: where the feeds' pictures are (as for the screen).
    pub fn new(image_dir: Option<PathBuf>) -> Camera {
        Camera {
            image_dir,
            jobs: None,
        }
    }

    /// Draws `request` on the screenshot thread: the PNG's bytes.
    pub async fn take(&mut self, request: Request) -> anyhow::Result<Vec<u8>> {
        let jobs = match &self.jobs {
            Some(jobs) => jobs.clone(),
            None => {
                let (tx, rx) = mpsc::channel::<Job>();
                let image_dir = self.image_dir.clone();
                std::thread::Builder::new()
                    .name("screenshot".into())
                    .spawn(move || worker(rx, image_dir))?;
                self.jobs = Some(tx.clone());
                tx
            }
        };
        let (done, result) = tokio::sync::oneshot::channel();
        if jobs.send((request, done)).is_err() {
            self.jobs = None;
            anyhow::bail!("the screenshot thread has stopped");
        }
        result
            .await
            .map_err(|_| anyhow::anyhow!("the screenshot thread has stopped"))?
    }
}

fn worker(jobs: mpsc::Receiver<Job>, image_dir: Option<PathBuf>) {
    // SAFETY: setpriority only changes this thread's nice value.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    let mut screen = None;
    while let Ok((request, done)) = jobs.recv() {
        let _ = done.send(draw(request, image_dir.as_ref(), &mut screen));
    }
}

/// The size in physical pixels and the scale of a picture of a `logical` window.
pub fn picture_size((width, height): (f32, f32)) -> ((u32, u32), f32) {
    let width = width.max(1.0);
    let w = (MAX_WIDTH as f32).min(width.round()).max(1.0);
    let scale = w / width;
    let h = (height.max(1.0) * scale).round().max(1.0);
    ((w as u32, h as u32), scale)
}

fn draw(
    request: Request,
    image_dir: Option<&PathBuf>,
    screen: &mut Option<super::headless::Headless>,
) -> anyhow::Result<Vec<u8>> {
    let (size, scale) = picture_size(request.logical);
    let screen = match screen {
        Some(screen) => screen,
        None => screen.insert(super::headless::Headless::install(size, false)?),
    };
    screen.resize(size, scale);
    let window = AppWindow::new()?;
    let app = App::new(
        window,
        KioskOptions {
            config: request.config,
            clock: Arc::new(crate::time::FixedClock::new(request.now)),
            catalog: request.catalog,
            image_dir: image_dir.cloned(),
            state_dir: None,
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
    );
    app.set_language(request.lang);
    // The slide on screen (a fresh window starts at the first, which is also where
    // an urgent message is).
    if let Some(step) = request.step {
        app.show_step(step);
    }
    // The slide's pictures, decoded here at the picture's size.
    let max = size.0.max(size.1);
    let pictures = app
        .picture_sources()
        .into_iter()
        .map(|s| {
            let picture = crate::images::load(&s, image_dir.map(PathBuf::as_path), max, max).ok();
            (s, picture)
        })
        .collect();
    app.add_pictures(pictures);
    app.window().show()?;
    screen.advance(Duration::from_secs(5));
    screen.redraw();
    let (width, height, rgb) = screen.pixels();
    let _ = app.window().hide();
    drop(app);
    encode(width, height, rgb)
}

/// A PNG of at most about [`TARGET_BYTES`]: RGB; else the picture's 256 most common
/// colours; else the same at half the size (twice at most).
pub fn encode(mut width: u32, mut height: u32, mut rgb: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    let mut smallest = Vec::new();
    for _ in 0..3 {
        let png = png_rgb(width, height, &rgb)?;
        if png.len() <= TARGET_BYTES {
            return Ok(png);
        }
        let (palette, indices) = quantize(&rgb);
        let png = png_indexed(width, height, &palette, &indices)?;
        if png.len() <= TARGET_BYTES {
            return Ok(png);
        }
        smallest = png;
        (width, height, rgb) = halve(width, height, &rgb);
    }
    if smallest.len() > samen_wire::health::MAX_SCREENSHOT_BYTES {
        anyhow::bail!("the screenshot stays above 64 KB");
    }
    Ok(smallest)
}

fn png_rgb(width: u32, height: u32, rgb: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

fn png_indexed(width: u32, height: u32, palette: &[u8], indices: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette.to_vec());
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(indices)?;
    writer.finish()?;
    Ok(out)
}

/// The 256 most common colours (at 5 bits a channel) and each pixel's nearest.
fn quantize(rgb: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let bin = |p: &[u8]| {
        (usize::from(p[0] >> 3) << 10) | (usize::from(p[1] >> 3) << 5) | usize::from(p[2] >> 3)
    };
    let mut counts = vec![0u32; 1 << 15];
    for p in rgb.chunks_exact(3) {
        counts[bin(p)] += 1;
    }
    let mut used: Vec<usize> = (0..counts.len()).filter(|b| counts[*b] > 0).collect();
    used.sort_by_key(|b| std::cmp::Reverse(counts[*b]));
    used.truncate(256);
    let colour = |b: usize| {
        [
            ((b >> 10) as u8) << 3 | 4,
            (((b >> 5) & 31) as u8) << 3 | 4,
            ((b & 31) as u8) << 3 | 4,
        ]
    };
    let palette: Vec<[u8; 3]> = used.iter().map(|b| colour(*b)).collect();
    // Each bin's nearest palette entry, worked out once per bin used.
    let mut nearest = vec![u16::MAX; 1 << 15];
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    for p in rgb.chunks_exact(3) {
        let b = bin(p);
        if nearest[b] == u16::MAX {
            let c = colour(b);
            let best = palette
                .iter()
                .enumerate()
                .min_by_key(|(_, q)| {
                    (0..3)
                        .map(|i| (i32::from(c[i]) - i32::from(q[i])).pow(2))
                        .sum::<i32>()
                })
                .map(|(i, _)| i as u16)
                .unwrap_or(0);
            nearest[b] = best;
        }
        indices.push(nearest[b] as u8);
    }
    (palette.concat(), indices)
}

/// Half the size, each pixel the mean of four.
fn halve(width: u32, height: u32, rgb: &[u8]) -> (u32, u32, Vec<u8>) {
    let (w, h) = ((width / 2).max(1), (height / 2).max(1));
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    let at = |x: u32, y: u32, c: usize| {
        let (x, y) = (x.min(width - 1), y.min(height - 1));
        u32::from(rgb[((y * width + x) * 3) as usize + c])
    };
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let sum = at(2 * x, 2 * y, c)
                    + at(2 * x + 1, 2 * y, c)
                    + at(2 * x, 2 * y + 1, c)
                    + at(2 * x + 1, 2 * y + 1, c);
                out.push((sum / 4) as u8);
            }
        }
    }
    (w, h, out)
}

/// What the heartbeat keeps between beats: the camera and the last picture.
pub struct Shots {
    camera: Camera,
    last: Option<Screenshot>,
}

impl Shots {
    pub fn new(image_dir: Option<PathBuf>) -> Shots {
        Shots {
            camera: Camera::new(image_dir),
            last: None,
        }
    }

    /// The picture for this heartbeat: a new one when the UI handed a `request` over
    /// (signage or dark), else the last one (a visit is on: never a new picture).
    pub async fn next(&mut self, request: Option<Request>) -> Option<Screenshot> {
        if let Some(request) = request {
            let taken_at = request.now;
            match self.camera.take(request).await {
                Ok(png) => self.last = Some(Screenshot::new(taken_at, "image/png", &png)),
                Err(err) => tracing::warn!("no screenshot: {err:#}"),
            }
        }
        self.last.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(picture_size((1920.0, 1080.0)), ((480, 270), 0.25));
        assert_eq!(picture_size((800.0, 480.0)), ((480, 288), 0.6));
        assert_eq!(picture_size((400.0, 300.0)), ((400, 300), 1.0));
    }

    #[test]
    fn noisy_pictures_are_made_small_enough() {
        // Noise does not compress: RGB is far too big, so palette and halving.
        let mut x: u32 = 12345;
        let rgb: Vec<u8> = (0..480 * 270 * 3)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let png = encode(480, 270, rgb).unwrap();
        assert!(
            png.len() <= samen_wire::health::MAX_SCREENSHOT_BYTES,
            "{}",
            png.len()
        );
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // A flat picture stays RGB and whole.
        let flat = encode(480, 270, vec![200; 480 * 270 * 3]).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(flat));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (480, 270));
    }
}
