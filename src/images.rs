//! Activity pictures: decoded and scaled down once, off the UI thread, to at most the
//! size they will be shown at, so a 4000x3000 photo costs about 2.6 MB in memory at
//! 1920x1080, not 48 MB, and the scaled result is kept on disk for the next time.
//! No Slint here; the UI turns the pixels into an image.

use crate::feed::{bundled, ImageRef};
use anyhow::Context;

/// Pixels ready to hand to the UI: RGB when the picture is opaque (a quarter less
/// memory, and the renderer need not draw what is under it), else RGBA.
#[derive(Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub opaque: bool,
    /// RGB (3 bytes a pixel) when `opaque`, else RGBA (4 bytes, not premultiplied).
    pub pixels: Vec<u8>,
}

/// Largest file accepted, before decoding.
const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// The bytes of a picture; pictures from URLs come from the disk cache in `image_dir`
/// (the feed service downloads them).
pub fn read(source: &ImageRef, image_dir: Option<&std::path::Path>) -> anyhow::Result<Vec<u8>> {
    match source {
        ImageRef::Bundled(name) => bundled::image(name)
            .map(<[u8]>::to_vec)
            .with_context(|| format!("no bundled image {name}")),
        // Only a regular file within the limit: a FIFO or a device beside a local feed
        // is refused before a byte is read.
        ImageRef::File(path) => crate::files::read_regular(path, MAX_FILE_BYTES as usize)
            .with_context(|| format!("{}", path.display())),
        ImageRef::Url(url) => {
            let dir = image_dir.context("no picture cache")?;
            let path = crate::image_cache::path_for(dir, url);
            std::fs::read(&path).context("picture not downloaded (yet)")
        }
    }
}

/// Largest side accepted, before decoding.
const MAX_SIDE: u32 = 12_000;
/// Largest picture decoded at full size (everything but the JPEG path, which decodes
/// at 1/2 to 1/8), checked against the header before any pixel is decoded: 24
/// megapixels is 96 MB as RGBA, a 6000x4000 photo. An 11000x11000 PNG of 375 KB
/// took 861 MB before this.
pub const MAX_PIXELS: u64 = 24_000_000;
/// What the decoder may allocate in all (16-bit pictures take twice the bytes).
const MAX_DECODE_BYTES: u64 = 128 * 1024 * 1024;

/// The size that fits within `max_w` x `max_h` with the aspect ratio of `w` x `h`
/// (never larger than the picture itself).
fn fitted(w: u32, h: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    let (max_w, max_h) = (max_w.max(1), max_h.max(1));
    if w <= max_w && h <= max_h {
        return (w, h);
    }
    let scale = f64::min(
        f64::from(max_w) / f64::from(w),
        f64::from(max_h) / f64::from(h),
    );
    (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    )
}

/// A JPEG decoded straight at a reduced size (1/2, 1/4 or 1/8, the smallest that is
/// still at least the fitted size), so a large photo never exists at full size in
/// memory. `None` when this decoder cannot read it (the general path then tries).
fn decode_jpeg_reduced(bytes: &[u8], max_w: u32, max_h: u32) -> Option<image::DynamicImage> {
    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if w > MAX_SIDE || h > MAX_SIDE {
        return None;
    }
    let (fw, fh) = fitted(w, h, max_w, max_h);
    let (out_w, out_h) = decoder
        .scale(u16::try_from(fw).ok()?, u16::try_from(fh).ok()?)
        .ok()?;
    let pixels = decoder.decode().ok()?;
    let (out_w, out_h) = (u32::from(out_w), u32::from(out_h));
    match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            image::RgbImage::from_raw(out_w, out_h, pixels).map(image::DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(out_w, out_h, pixels).map(image::DynamicImage::ImageLuma8)
        }
        // CMYK and 16-bit grey are rare in photos: the general path handles them.
        _ => None,
    }
}

/// Decodes and scales to fit within `max_w` x `max_h`, keeping the aspect ratio.
pub fn decode_scaled(bytes: &[u8], max_w: u32, max_h: u32) -> anyhow::Result<Picture> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        if let Some(reduced) = decode_jpeg_reduced(bytes, max_w, max_h) {
            return Ok(fit(reduced, max_w, max_h));
        }
    }
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .context("unknown image format")
    };
    // The header first: a small file can promise a huge picture.
    let (w, h) = reader()?
        .into_dimensions()
        .context("image header cannot be read")?;
    anyhow::ensure!(
        u64::from(w) * u64::from(h) <= MAX_PIXELS,
        "picture is {w}x{h} pixels, more than the budget of {} megapixels",
        MAX_PIXELS / 1_000_000
    );
    let mut reader = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().context("image cannot be decoded")?;
    Ok(fit(decoded, max_w, max_h))
}

/// Scales down to fit within `max_w` x `max_h`: RGB when the picture is opaque, else
/// RGBA. Area averaging (`imageops::thumbnail`) in the picture's own 8-bit pixels,
/// one output pixel at a time. `resize` (a triangle filter) first made a copy in
/// 32-bit floats, as wide as the picture and as high as the result: 7.7 MB for a
/// 1000x750 JPEG fitted into 640x640, the largest buffer of the whole preparation,
/// and more CPU (issue 24, "Pictures" in docs/performance.md). The JPEG path hands
/// over less than twice the fitted size (unless the photo is over 8 times larger), so
/// the averaging is over one or two pixels a side.
fn fit(decoded: image::DynamicImage, max_w: u32, max_h: u32) -> Picture {
    use image::imageops::thumbnail;
    use image::DynamicImage;
    let (width, height) = fitted(decoded.width(), decoded.height(), max_w, max_h);
    let same = (width, height) == (decoded.width(), decoded.height());
    let opaque_rgb = |img: image::RgbImage| {
        let img = if same {
            img
        } else {
            thumbnail(&img, width, height)
        };
        Picture {
            width,
            height,
            opaque: true,
            pixels: img.into_raw(),
        }
    };
    match decoded {
        DynamicImage::ImageRgb8(img) => opaque_rgb(img),
        DynamicImage::ImageLuma8(img) => {
            let img = if same {
                img
            } else {
                thumbnail(&img, width, height)
            };
            opaque_rgb(DynamicImage::ImageLuma8(img).into_rgb8())
        }
        other if !other.color().has_alpha() => opaque_rgb(other.into_rgb8()),
        other => {
            let img = other.into_rgba8();
            let img = if same {
                img
            } else {
                thumbnail(&img, width, height)
            };
            if img.pixels().all(|p| p.0[3] == 255) {
                opaque_rgb(DynamicImage::ImageRgba8(img).into_rgb8())
            } else {
                Picture {
                    width,
                    height,
                    opaque: false,
                    pixels: img.into_raw(),
                }
            }
        }
    }
}

/// The picture, fitted within `max_w` x `max_h`. With a picture folder it is decoded
/// and scaled once: the result is kept on disk (`image_cache::scaled_path_for`, a
/// small JPEG, or PNG when the picture is transparent), and the next time, when the
/// rotation comes back to it, only that small file is read. Off the UI thread.
pub fn load(
    source: &ImageRef,
    image_dir: Option<&std::path::Path>,
    max_w: u32,
    max_h: u32,
) -> anyhow::Result<Picture> {
    let scaled = image_dir.and_then(|dir| {
        scaled_key(source).map(|key| crate::image_cache::scaled_path_for(dir, &key, max_w, max_h))
    });
    if let Some(picture) = scaled
        .as_deref()
        .and_then(|path| read_scaled(path, max_w, max_h))
    {
        return Ok(picture);
    }
    // The original, decoded in full: one at a time in the whole process (see
    // `FULL_DECODES`). Another thread may have made the scaled file while this one
    // waited.
    let _one_at_a_time = FullDecode::start();
    if let Some(picture) = scaled
        .as_deref()
        .and_then(|path| read_scaled(path, max_w, max_h))
    {
        return Ok(picture);
    }
    let picture = decode_scaled(&read(source, image_dir)?, max_w, max_h)?;
    if let Some(path) = &scaled {
        if let Err(err) = keep_scaled(path, &picture) {
            tracing::warn!("scaled picture not kept: {err:#}");
        }
    }
    Ok(picture)
}

/// The scaled picture kept on disk, if it is there and whole; a torn or foreign file is
/// removed (it is made again from the original).
fn read_scaled(path: &std::path::Path, max_w: u32, max_h: u32) -> Option<Picture> {
    let bytes = std::fs::read(path).ok()?;
    match decode_scaled(&bytes, max_w, max_h) {
        Ok(picture) => Some(picture),
        Err(_) => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Decoding an original is the largest allocation of the kiosk (the file, the decoder's
/// buffers, the decoded and the scaled pixels: about 10 MB for a 4000x3000 photo), and
/// two threads can want one at the same time: the batch that the slides on screen wait
/// for, and the `pictures` worker preparing the catalog (or two of them while a newer
/// catalog replaces an older one). Running them one after another keeps the peak at one
/// such decode however the threads are scheduled; on a busy machine the peak with 50
/// large pictures was up to 53 MiB PSS, 35 with one at a time (docs/performance.md).
static FULL_DECODES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Holding the process's one full decode (`FULL_DECODES`).
struct FullDecode(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

impl FullDecode {
    fn start() -> FullDecode {
        // A panic while decoding leaves nothing half-done behind the lock.
        let guard = FULL_DECODES
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        #[cfg(test)]
        tests::decode_started();
        FullDecode(guard)
    }
}

#[cfg(test)]
impl Drop for FullDecode {
    fn drop(&mut self) {
        tests::decode_ended();
    }
}

/// Makes sure the scaled picture is on disk (decoding and scaling it if it is not),
/// without keeping the pixels: what the background worker does for every picture of
/// the catalog. Returns whether it had to decode.
pub fn prepare(
    source: &ImageRef,
    image_dir: Option<&std::path::Path>,
    max_w: u32,
    max_h: u32,
) -> anyhow::Result<bool> {
    let Some(dir) = image_dir else {
        return Ok(false);
    };
    let key = scaled_key(source).context("picture not readable")?;
    if crate::image_cache::scaled_path_for(dir, &key, max_w, max_h).exists() {
        return Ok(false);
    }
    load(source, image_dir, max_w, max_h).map(|_| true)
}

/// What identifies a picture's content: its URL (a downloaded picture is never
/// replaced), a file's path with its size and time, a bundled picture's name with the
/// program version. `None` when a file cannot be read (the error comes from `read`).
fn scaled_key(source: &ImageRef) -> Option<String> {
    match source {
        ImageRef::Url(url) => Some(format!("url {url}")),
        ImageRef::File(path) => {
            let meta = std::fs::metadata(path).ok()?;
            let time = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos();
            Some(format!("file {} {} {time}", path.display(), meta.len()))
        }
        ImageRef::Bundled(name) => Some(format!("bundled {} {name}", env!("CARGO_PKG_VERSION"))),
    }
}

/// Encodes the scaled picture (JPEG at quality 90 when it is opaque, else PNG), writes
/// it atomically and trims the folder to its limit; not on a disk short of its reserve
/// (`image_cache::disk_reserve`: that room is the outbox's).
fn keep_scaled(path: &std::path::Path, picture: &Picture) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    if picture.opaque {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).encode(
            &picture.pixels,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgb8,
        )?;
    } else {
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut bytes),
            &picture.pixels,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgba8,
        )?;
    }
    use crate::image_cache::{check_disk, disk_reserve, free_near};
    if let Err(low) = check_disk(path, bytes.len() as u64, disk_reserve(), &free_near) {
        tracing::debug!("scaled picture not kept: {low}");
        return Ok(());
    }
    crate::image_cache::write_atomic(path, &bytes)?;
    if let Some(dir) = path.parent() {
        crate::image_cache::trim(dir, crate::image_cache::MAX_SCALED_BYTES)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Full decodes running now, and the most seen at once (`FullDecode`).
    static RUNNING: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);

    pub(super) fn decode_started() {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        MOST.fetch_max(now, Ordering::SeqCst);
    }

    pub(super) fn decode_ended() {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }

    /// The slides' batch and the catalog's worker (and a second worker) ask for
    /// originals at the same time: they are decoded one after another.
    #[test]
    fn originals_are_decoded_one_at_a_time_across_threads() {
        let state = tempfile::tempdir().unwrap();
        let dir = state.path().join("images");
        let original = crate::feed::bundled::image("koffie.jpg").unwrap();
        let urls: Vec<String> = (0..6)
            .map(|i| format!("https://example.org/foto-{i}.jpg"))
            .collect();
        for url in &urls {
            crate::image_cache::store(&dir, url, original).unwrap();
        }
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let dir = dir.clone();
                let urls = urls.clone();
                std::thread::spawn(move || {
                    // Each thread in its own order, as the batch and the workers are.
                    let mut made = 0;
                    for i in 0..urls.len() {
                        let url = &urls[(i + t) % urls.len()];
                        let source = crate::feed::ImageRef::Url(url.clone());
                        let picture = super::load(&source, Some(&dir), 300, 300).unwrap();
                        assert_eq!((picture.width, picture.height), (300, 225));
                        made += 1;
                    }
                    made
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 6);
        }
        // Other tests of this module decode too; whatever ran beside this one, never
        // two originals at once.
        assert_eq!(MOST.load(Ordering::SeqCst), 1);
        assert_eq!(RUNNING.load(Ordering::SeqCst), 0);
    }
    /// A PNG header that promises 11000x11000 pixels (a 375 KB file of that size
    /// took 861 MB): refused from the header, before any pixel is decoded.
    #[test]
    fn pictures_over_the_pixel_budget_are_refused_before_decoding() {
        fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
            let mut crc_input = kind.to_vec();
            crc_input.extend_from_slice(data);
            let mut out = (data.len() as u32).to_be_bytes().to_vec();
            out.extend_from_slice(&crc_input);
            out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
            out
        }
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for b in bytes {
                crc ^= u32::from(*b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut header = 11_000u32.to_be_bytes().to_vec();
        header.extend_from_slice(&11_000u32.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &header));
        // The start of the pixel data (zlib of nothing): enough for the header.
        png.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0, 0, 0, 0, 1]));
        png.extend(chunk(b"IEND", &[]));
        let err = super::decode_scaled(&png, 800, 600).err().expect("refused");
        assert!(
            format!("{err:#}").contains("11000x11000 pixels, more than the budget"),
            "{err:#}"
        );
    }

    #[test]
    fn bundled_pictures_are_scaled_to_fit() {
        let p = super::load(
            &crate::feed::ImageRef::Bundled("koffie.jpg"),
            None,
            400,
            400,
        )
        .unwrap();
        assert_eq!((p.width, p.height), (400, 300));
        assert!(p.opaque);
        assert_eq!(p.pixels.len(), 400 * 300 * 3);
        assert!(super::decode_scaled(b"not an image", 10, 10).is_err());
    }

    /// A JPEG of `w` x `h`: red on the left half, blue on the right.
    fn two_colour_jpeg(w: u32, h: u32, grey: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90);
        if grey {
            let img = image::GrayImage::from_fn(w, h, |x, _| {
                image::Luma([if x < w / 2 { 40 } else { 220 }])
            });
            img.write_with_encoder(encoder).unwrap();
        } else {
            let img = image::RgbImage::from_fn(w, h, |x, _| {
                image::Rgb(if x < w / 2 {
                    [220, 20, 20]
                } else {
                    [20, 20, 220]
                })
            });
            img.write_with_encoder(encoder).unwrap();
        }
        bytes
    }

    #[test]
    fn large_jpegs_are_decoded_at_a_reduced_size() {
        let jpeg = two_colour_jpeg(1600, 1200, false);
        // Straight at a quarter: the full 1600x1200 never exists in memory.
        let reduced = super::decode_jpeg_reduced(&jpeg, 400, 400).expect("reduced");
        assert_eq!((reduced.width(), reduced.height()), (400, 300));
        let p = super::decode_scaled(&jpeg, 300, 300).unwrap();
        assert_eq!((p.width, p.height), (300, 225));
        let at = |x: u32, y: u32| {
            let i = ((y * p.width + x) * 3) as usize;
            [p.pixels[i], p.pixels[i + 1], p.pixels[i + 2]]
        };
        let left = at(30, 100);
        let right = at(270, 100);
        assert!(left[0] > 180 && left[2] < 70, "red: {left:?}");
        assert!(right[2] > 180 && right[0] < 70, "blue: {right:?}");

        let grey = super::decode_scaled(&two_colour_jpeg(800, 800, true), 100, 100).unwrap();
        assert_eq!((grey.width, grey.height), (100, 100));
        assert!(
            grey.pixels[0] < 80 && grey.pixels[0] == grey.pixels[2],
            "dark grey on the left"
        );

        // Small pictures are not enlarged; a torn JPEG is an error, not a panic.
        let small = super::decode_scaled(&two_colour_jpeg(64, 48, false), 400, 400).unwrap();
        assert_eq!((small.width, small.height), (64, 48));
        assert!(super::decode_scaled(&jpeg[..200], 400, 400).is_err());
    }

    #[test]
    fn a_picture_is_decoded_and_scaled_once_then_read_back_small() {
        let state = tempfile::tempdir().unwrap();
        let dir = state.path().join("images");
        let url = "https://example.org/foto.jpg";
        let original = crate::feed::bundled::image("koffie.jpg").unwrap();
        crate::image_cache::store(&dir, url, original).unwrap();
        let source = crate::feed::ImageRef::Url(url.into());

        // The background worker's step: decode once, then only check.
        assert!(super::prepare(&source, Some(&dir), 300, 300).unwrap());
        assert!(!super::prepare(&source, Some(&dir), 300, 300).unwrap());

        let first = super::load(&source, Some(&dir), 400, 400).unwrap();
        assert_eq!((first.width, first.height), (400, 300));
        let kept = crate::image_cache::scaled_path_for(&dir, &format!("url {url}"), 400, 400);
        let kept_len = std::fs::metadata(&kept)
            .expect("the scaled picture is kept")
            .len();
        assert!(kept_len < original.len() as u64, "{kept_len} bytes");

        // The second time the original is not decoded again (here it is unreadable).
        crate::image_cache::store(&dir, url, b"broken").unwrap();
        let second = super::load(&source, Some(&dir), 400, 400).unwrap();
        assert_eq!((second.width, second.height), (400, 300));
        // Another size is another file, made from the original.
        assert!(super::load(&source, Some(&dir), 200, 200).is_err());

        // A torn scaled file is made again from the original.
        crate::image_cache::store(&dir, url, original).unwrap();
        std::fs::write(&kept, b"torn").unwrap();
        let again = super::load(&source, Some(&dir), 400, 400).unwrap();
        assert_eq!((again.width, again.height), (400, 300));
        assert!(std::fs::metadata(&kept).unwrap().len() > 100);
    }
}
