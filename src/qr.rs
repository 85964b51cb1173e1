//! QR codes for activity pages: a grey-scale bitmap, one pixel per module, with the
//! standard four-module quiet zone. The UI scales it up without smoothing.

/// A square bitmap; `true` is a dark module.
pub struct QrBitmap {
    pub size: usize,
    pub dark: Vec<bool>,
}

/// A QR code for a web link only: `https://` or `http://` (which links a source may
/// have is decided earlier, in `feed_policy`). Any other text, such as `javascript:`,
/// `tel:` or `WIFI:`, gives no code.
pub fn encode(url: &str) -> Option<QrBitmap> {
    let web = url
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        || url
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
    if !web || url.len() > 1000 {
        return None;
    }
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut dark = vec![false; size * size];
    for y in 0..width {
        for x in 0..width {
            dark[(y + quiet) * size + x + quiet] = colors[y * width + x] == qrcode::Color::Dark;
        }
    }
    Some(QrBitmap { size, dark })
}

impl QrBitmap {
    /// RGB bytes, black on white.
    pub fn to_rgb(&self) -> Vec<u8> {
        self.dark
            .iter()
            .flat_map(|d| if *d { [0u8, 0, 0] } else { [255u8, 255, 255] })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_a_url_with_quiet_zone() {
        let q = super::encode("https://example.org/activiteiten/koffie").unwrap();
        assert!(q.size >= 21 + 8);
        assert!(!q.dark[0], "the quiet zone is light");
        assert!(
            q.dark[4 * q.size + 4],
            "the finder pattern starts after the quiet zone"
        );
        assert!(super::encode("").is_none());
        for other in [
            "javascript:alert(1)",
            "tel:09001234567",
            "WIFI:T:WPA;S:x;P:y;;",
            "data:,x",
        ] {
            assert!(super::encode(other).is_none(), "{other}");
        }
    }
}
