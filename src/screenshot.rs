//! Renders a scene to PNG without any display server: a Slint platform of our own with
//! one `MinimalSoftwareWindow`, drawn by the software renderer into a buffer. Time is
//! fixed (`--now`), animations are finished before the frame is taken, so the same
//! arguments give the same picture.

use crate::ui::{AppWindow, Controller, KioskOptions, Scene};
use anyhow::{bail, Context};
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::Rgb8Pixel;
use slint::{ComponentHandle, PhysicalSize};
use std::cell::Cell;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    elapsed: Rc<Cell<Duration>>,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.elapsed.get()
    }
}

pub fn parse_size(text: &str) -> anyhow::Result<(u32, u32)> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .with_context(|| format!("size '{text}' is not WIDTHxHEIGHT, e.g. 1920x1080"))?;
    let w: u32 = w
        .trim()
        .parse()
        .with_context(|| format!("width '{w}' is not a number"))?;
    let h: u32 = h
        .trim()
        .parse()
        .with_context(|| format!("height '{h}' is not a number"))?;
    if !(320..=7680).contains(&w) || !(240..=7680).contains(&h) {
        bail!("size {w}x{h} is out of range (320x240 up to 7680x7680)");
    }
    Ok((w, h))
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

/// Renders `scene` at `width` x `height` into `out`.
pub fn render(
    options: KioskOptions,
    scene: Scene,
    (width, height): (u32, u32),
    lang: Option<crate::i18n::Lang>,
    look: Look,
    out: Output<'_>,
) -> anyhow::Result<()> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    let elapsed = Rc::new(Cell::new(Duration::ZERO));
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        window: window.clone(),
        elapsed: elapsed.clone(),
    }))
    .map_err(|e| anyhow::anyhow!("cannot start the headless renderer: {e}"))?;
    window.set_size(PhysicalSize::new(width, height));

    let app = AppWindow::new().context("cannot build the user interface")?;
    let image_dir = options.image_dir.clone();
    let controller = Controller::new(app, options);
    controller
        .window()
        .window()
        .set_size(PhysicalSize::new(width, height));
    if let Some(lang) = lang {
        controller.set_language(lang);
    }
    controller.show_scene(scene);
    // The pictures this scene shows are decoded here on the spot; the running kiosk
    // does it off the UI thread.
    let max = width.max(height) / 2;
    let pictures = controller
        .picture_sources()
        .into_iter()
        .map(|s| {
            let picture = crate::images::load(&s, image_dir.as_deref(), max, max).ok();
            (s, picture)
        })
        .collect();
    controller.add_pictures(pictures);
    controller.set_look(look.text_size, look.high_contrast);
    controller.preview_with_speech();
    controller
        .window()
        .show()
        .context("cannot show the window")?;

    // Let every animation (the cross-fade) finish before taking the frame.
    elapsed.set(elapsed.get() + Duration::from_secs(5));
    slint::platform::update_timers_and_animations();

    match out {
        Output::Png(path) => {
            let mut buffer = vec![Rgb8Pixel::default(); (width * height) as usize];
            window.request_redraw();
            window.draw_if_needed(|renderer| {
                renderer.render(&mut buffer, width as usize);
            });
            write_png(path, width, height, &buffer)?;
        }
        Output::Speech(path) => {
            let text = controller.screen_speech();
            println!("{text}");
            crate::speech::to_wav(&text, controller.language(), path)?;
        }
    }
    drop(controller);
    Ok(())
}

fn write_png(out: &Path, width: u32, height: u32, pixels: &[Rgb8Pixel]) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().context("cannot write PNG")?;
    let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer
        .write_image_data(&bytes)
        .context("cannot write PNG")?;
    writer.finish().context("cannot write PNG")?;
    Ok(())
}
