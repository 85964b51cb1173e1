//! Activity pictures: decoded and scaled down once, off the UI thread, to at most the
//! size they will be shown at, so a 4000x3000 photo costs about 2.6 MB in memory at
//! 1920x1080, not 48 MB, and the scaled result is kept on disk for the next time.
//! No Slint here; the UI turns the pixels into an image.

use crate::feed::{bundled, ImageRef};
use anyhow::Context;

/// RGBA pixels, ready to hand to the UI.
#[derive(Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
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
        ImageRef::File(path) => {
            let size = std::fs::metadata(path)
                .with_context(|| format!("{}", path.display()))?
                .len();
            anyhow::ensure!(
                size <= MAX_FILE_BYTES,
                "{} is larger than 20 MB",
                path.display()
            );
            std::fs::read(path).with_context(|| format!("{}", path.display()))
        }
        ImageRef::Url(url) => {
            let dir = image_dir.context("no picture cache")?;
            let path = crate::image_cache::path_for(dir, url);
            std::fs::read(&path).context("picture not downloaded (yet)")
        }
    }
}

/// Decodes and scales to fit within `max_w` x `max_h`, keeping the aspect ratio.
pub fn decode_scaled(bytes: &[u8], max_w: u32, max_h: u32) -> anyhow::Result<Picture> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .context("unknown image format")?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().context("image cannot be decoded")?;
    let scaled = if decoded.width() > max_w || decoded.height() > max_h {
        decoded.resize(
            max_w.max(1),
            max_h.max(1),
            image::imageops::FilterType::Triangle,
        )
    } else {
        decoded
    };
    let rgba = scaled.to_rgba8();
    Ok(Picture {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
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
    if let Some(path) = &scaled {
        if let Ok(bytes) = std::fs::read(path) {
            match decode_scaled(&bytes, max_w, max_h) {
                Ok(picture) => return Ok(picture),
                // A torn or foreign file: made again below.
                Err(_) => {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }
    let picture = decode_scaled(&read(source, image_dir)?, max_w, max_h)?;
    if let Some(path) = &scaled {
        if let Err(err) = keep_scaled(path, &picture) {
            tracing::warn!("scaled picture not kept: {err:#}");
        }
    }
    Ok(picture)
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
/// it atomically and trims the folder to its limit.
fn keep_scaled(path: &std::path::Path, picture: &Picture) -> anyhow::Result<()> {
    let opaque = picture.rgba.chunks_exact(4).all(|p| p[3] == 255);
    let mut bytes = Vec::new();
    if opaque {
        let rgb: Vec<u8> = picture
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).encode(
            &rgb,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgb8,
        )?;
    } else {
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut bytes),
            &picture.rgba,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgba8,
        )?;
    }
    crate::image_cache::write_atomic(path, &bytes)?;
    if let Some(dir) = path.parent() {
        crate::image_cache::trim(dir, crate::image_cache::MAX_SCALED_BYTES)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
        assert_eq!(p.rgba.len(), 400 * 300 * 4);
        assert!(super::decode_scaled(b"not an image", 10, 10).is_err());
    }

    #[test]
    fn a_picture_is_decoded_and_scaled_once_then_read_back_small() {
        let state = tempfile::tempdir().unwrap();
        let dir = state.path().join("images");
        let url = "https://example.org/foto.jpg";
        let original = crate::feed::bundled::image("koffie.jpg").unwrap();
        crate::image_cache::store(&dir, url, original).unwrap();
        let source = crate::feed::ImageRef::Url(url.into());

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
