//! Rendering without any display server: a Slint platform of our own with one
//! `MinimalSoftwareWindow`, drawn by the software renderer into a buffer, and Slint's
//! clock moved by hand. `screenshot` and `speak` use it through [`render`]; the
//! `bench_frame` example uses [`Headless`] directly to count a frame's instructions.

use super::{App, AppWindow, KioskOptions, Scene};
use anyhow::Context as _;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};
use std::cell::Cell;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

struct ManualPlatform {
    window: Rc<MinimalSoftwareWindow>,
    elapsed: Rc<Cell<Duration>>,
}

impl Platform for ManualPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.elapsed.get()
    }
}

/// The headless platform of this thread: one window of a fixed size, a frame buffer,
/// and a clock that moves only when told.
pub struct Headless {
    window: Rc<MinimalSoftwareWindow>,
    elapsed: Rc<Cell<Duration>>,
    buffer: Vec<Rgb8Pixel>,
    width: u32,
    height: u32,
}

impl Headless {
    /// Installs the platform (once per thread). `reuse`: the buffer is kept between
    /// frames and only what changed is drawn again, as on a display; else every frame
    /// is drawn whole.
    pub fn install((width, height): (u32, u32), reuse: bool) -> anyhow::Result<Headless> {
        let window = MinimalSoftwareWindow::new(if reuse {
            RepaintBufferType::ReusedBuffer
        } else {
            RepaintBufferType::NewBuffer
        });
        let elapsed = Rc::new(Cell::new(Duration::ZERO));
        slint::platform::set_platform(Box::new(ManualPlatform {
            window: window.clone(),
            elapsed: elapsed.clone(),
        }))
        .map_err(|e| anyhow::anyhow!("cannot start the headless renderer: {e}"))?;
        window.set_size(PhysicalSize::new(width, height));
        Ok(Headless {
            window,
            elapsed,
            buffer: vec![Rgb8Pixel::default(); (width * height) as usize],
            width,
            height,
        })
    }

    /// A new size in physical pixels, with `scale` physical pixels to a logical one
    /// (the heartbeat's screenshot draws the screen's layout into 480 pixels).
    pub fn resize(&mut self, (width, height): (u32, u32), scale: f32) {
        self.window
            .dispatch_event(slint::platform::WindowEvent::ScaleFactorChanged {
                scale_factor: scale,
            });
        self.window.set_size(PhysicalSize::new(width, height));
        self.buffer = vec![Rgb8Pixel::default(); (width * height) as usize];
        (self.width, self.height) = (width, height);
    }

    /// The last frame: width, height and its pixels (RGB, row by row).
    pub fn pixels(&self) -> (u32, u32, Vec<u8>) {
        let bytes = self.buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        (self.width, self.height, bytes)
    }

    /// Moves Slint's clock on by `by` and runs the timers and animations due.
    pub fn advance(&self, by: Duration) {
        self.elapsed.set(self.elapsed.get() + by);
        slint::platform::update_timers_and_animations();
    }

    /// Draws if anything changed; returns the rectangles drawn (x, y, w, h).
    pub fn frame(&mut self) -> Option<Vec<(i32, i32, u32, u32)>> {
        let (buffer, width) = (&mut self.buffer, self.width as usize);
        let mut drawn = None;
        self.window.draw_if_needed(|renderer| {
            let region = renderer.render(buffer, width);
            drawn = Some(
                region
                    .iter()
                    .map(|(origin, size)| (origin.x, origin.y, size.width, size.height))
                    .collect(),
            );
        });
        drawn
    }

    /// Draws the whole window now.
    pub fn redraw(&mut self) {
        self.window.request_redraw();
        self.frame();
    }

    pub fn has_active_animations(&self) -> bool {
        self.window.has_active_animations()
    }

    /// The last frame as PNG.
    pub fn write_png(&self, out: &Path) -> anyhow::Result<()> {
        let file = std::fs::File::create(out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().context("cannot write PNG")?;
        let bytes: Vec<u8> = self.buffer.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        writer
            .write_image_data(&bytes)
            .context("cannot write PNG")?;
        writer.finish().context("cannot write PNG")?;
        Ok(())
    }
}

/// What to make of the scene.
pub enum Output<'a> {
    /// The picture, as PNG.
    Png(&'a Path),
    /// What speech mode would say: printed on stdout, spoken into a WAV file.
    Speech(&'a Path),
}

/// The visitor's settings to show the scene with.
#[derive(Debug, Default, Clone, Copy)]
pub struct Look {
    /// 0 normal, 1 large, 2 extra large.
    pub text_size: i32,
    pub high_contrast: bool,
}

/// Renders `scene` at `width` x `height` into `out`. Time is fixed (`--now`),
/// animations are finished before the frame is taken, so the same arguments give the
/// same picture.
pub fn render(
    options: KioskOptions,
    scene: Scene,
    size: (u32, u32),
    lang: Option<crate::i18n::Lang>,
    look: Look,
    out: Output<'_>,
) -> anyhow::Result<()> {
    let mut screen = Headless::install(size, false)?;
    let window = AppWindow::new().context("cannot build the user interface")?;
    let image_dir = options.image_dir.clone();
    let app = App::new(window, options);
    app.window()
        .window()
        .set_size(PhysicalSize::new(size.0, size.1));
    if let Some(lang) = lang {
        app.set_language(lang);
    }
    super::show_scene(&app, scene);
    // The pictures this scene shows are decoded here on the spot; the running kiosk
    // does it off the UI thread.
    let max = size.0.max(size.1) / 2;
    let pictures = app
        .picture_sources()
        .into_iter()
        .map(|s| {
            let picture = crate::images::load(&s, image_dir.as_deref(), max, max).ok();
            (s, picture)
        })
        .collect();
    app.add_pictures(pictures);
    app.set_look(look.text_size, look.high_contrast);
    app.preview_with_speech();
    app.window().show().context("cannot show the window")?;

    // Let every animation (the cross-fade) finish before taking the frame.
    screen.advance(Duration::from_secs(5));

    match out {
        Output::Png(path) => {
            screen.redraw();
            screen.write_png(path)?;
        }
        Output::Speech(path) => {
            let text = app.screen_speech();
            println!("{text}");
            crate::speech::to_wav(&text, app.language(), path)?;
        }
    }
    drop(app);
    Ok(())
}
