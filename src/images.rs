//! Activity pictures: decoded and scaled down once, off the UI thread, to at most the
//! size they will be shown at, so a 4000x3000 photo costs a few hundred kilobytes in
//! memory, not 48 MB. No Slint here; the UI turns the pixels into an image.

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

pub fn load(
    source: &ImageRef,
    image_dir: Option<&std::path::Path>,
    max_w: u32,
    max_h: u32,
) -> anyhow::Result<Picture> {
    decode_scaled(&read(source, image_dir)?, max_w, max_h)
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
}
