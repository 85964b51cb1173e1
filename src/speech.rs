//! Speech output for speech mode: espeak-ng (Debian `espeak-ng`; Dutch, English,
//! Turkish and Polish voices included), offline, to the sound card through ALSA.
//!
//! The engine runs as a child process managed by a thread of its own, so the UI thread
//! only sends a message: a new text interrupts the one being spoken, `stop` silences
//! it. Without espeak-ng or without a sound card, speech is not available: the
//! "Voorlezen" control is shown disabled and the log says why, once.
//!
//! Private listening (issue 21): speech goes to a headset when there is one, a USB
//! sound card that appears while the kiosk runs ([`watch_headsets`]: a slow poll of
//! `/proc/asound/cards` on a thread of its own) or a fixed device declared private in
//! the configuration (`[speech] private_output`). espeak-ng plays on it with `-d`.

use crate::i18n::Lang;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// What speaks. The kiosk uses [`Espeak`]; tests record what would be said.
pub trait Speaker: Send + Sync {
    /// Says `text`, interrupting anything still being said. `volume` is a step around
    /// the default (0), from -3 to +3.
    fn say(&self, text: &str, lang: Lang, volume: i32);
    fn stop(&self);
    /// The same on an ALSA device (`Some`: a private output only the visitor hears).
    /// Speakers that know only one output say it there.
    fn say_to(&self, text: &str, lang: Lang, volume: i32, device: Option<&str>) {
        let _ = device;
        self.say(text, lang, volume);
    }
}

/// Whether `name` looks like an ALSA device name ("plughw:CARD=Headset,DEV=0",
/// "hw:1", "default"): what `[speech] private_output` may hold.
pub fn is_alsa_device(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_:,=.-".contains(c))
}

/// A sound card of `/proc/asound/cards`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub index: u32,
    /// ALSA's id of the card ("Headset"), for `plughw:CARD=<id>`.
    pub id: String,
    pub driver: String,
}

/// The cards listed in `/proc/asound/cards`.
pub fn cards(text: &str) -> Vec<Card> {
    text.lines()
        .filter_map(|line| {
            // " 1 [Headset        ]: USB-Audio - Logitech USB Headset"
            let (head, rest) = line.split_once("]:")?;
            let (index, id) = head.split_once('[')?;
            let index = index.trim().parse().ok()?;
            let driver = rest.split(" - ").next()?.trim().to_string();
            Some(Card {
                index,
                id: id.trim().to_string(),
                driver,
            })
        })
        .collect()
}

/// The private output among the cards: the first USB sound card (a USB headset or a
/// USB sound card with headphones), as an ALSA device for espeak-ng's `-d`.
pub fn usb_headset(cards: &[Card]) -> Option<String> {
    cards
        .iter()
        .find(|c| c.driver == "USB-Audio")
        .map(|c| format!("plughw:CARD={},DEV=0", c.id))
        .filter(|d| is_alsa_device(d))
}

/// How often `/proc/asound/cards` is read: reading it costs a few microseconds, and a
/// headset plugged in is noticed within this time.
pub const HEADSET_POLL: std::time::Duration = std::time::Duration::from_millis(700);

/// Watches for a USB headset on a thread of its own and calls `changed` with the
/// new private output (or `None`) whenever one appears or goes. Never on the UI
/// thread; `changed` is called on the watcher's thread.
pub fn watch_headsets(changed: impl Fn(Option<String>) + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("headsets".into())
        .spawn(move || {
            let mut last: Option<String> = None;
            loop {
                let now = std::fs::read_to_string("/proc/asound/cards")
                    .map(|text| usb_headset(&cards(&text)))
                    .unwrap_or(None);
                if now != last {
                    tracing::info!(
                        headset = now.is_some(),
                        "speech: private output {}",
                        if now.is_some() { "connected" } else { "gone" }
                    );
                    changed(now.clone());
                    last = now;
                }
                std::thread::sleep(HEADSET_POLL);
            }
        });
    if let Err(err) = spawned {
        tracing::warn!("speech: cannot watch for headsets: {err}");
    }
}

/// The espeak-ng voice for a language.
pub fn voice(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl",
        Lang::En => "en-gb",
        Lang::Tr => "tr",
        Lang::Pl => "pl",
    }
}

/// espeak-ng's amplitude (0-200, default 100) for a volume step.
pub fn amplitude(volume: i32) -> u32 {
    (100 + 25 * volume.clamp(-3, 3)) as u32
}

/// Words per minute: a little slower than espeak-ng's 175, for people who listen
/// carefully.
const RATE: &str = "150";

/// Whether `espeak-ng` is an executable file on the `PATH`: looked up, not run, as
/// this is asked during start-up (running `espeak-ng --version` took 10 ms or more).
fn espeak_installed() -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join("espeak-ng"))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Whether the machine has a sound card (ALSA's list of cards).
fn sound_card() -> bool {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|cards| !cards.trim().is_empty() && !cards.contains("no soundcards"))
        .unwrap_or(false)
}

enum Message {
    Say(String, Lang, i32, Option<String>),
    Stop,
}

/// espeak-ng through a thread that owns the running child process.
pub struct Espeak {
    tx: mpsc::Sender<Message>,
}

impl Espeak {
    /// The engine, if it can speak on this machine; otherwise `None` and one log line.
    pub fn detect() -> Option<Espeak> {
        if !sound_card() {
            tracing::info!("speech mode not available: no sound card");
            return None;
        }
        if !espeak_installed() {
            tracing::info!("speech mode not available: espeak-ng is not installed");
            return None;
        }
        let (tx, rx) = mpsc::channel::<Message>();
        let spawned = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || {
                let mut current: Option<Child> = None;
                for message in rx {
                    if let Some(mut child) = current.take() {
                        let _ = child.kill();
                        let _ = child.wait();
                    }
                    if let Message::Say(text, lang, volume, device) = message {
                        let mut command = Command::new("espeak-ng");
                        command
                            .args(["-v", voice(lang), "-s", RATE, "-a"])
                            .arg(amplitude(volume).to_string());
                        if let Some(device) = &device {
                            command.arg("-d").arg(device);
                        }
                        let child = command
                            .arg("--")
                            .arg(&text)
                            .stdin(Stdio::null())
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .spawn();
                        match child {
                            Ok(child) => current = Some(child),
                            Err(err) => tracing::warn!("speech: espeak-ng did not start: {err}"),
                        }
                    }
                    // Reap a child that finished on its own, without blocking.
                    if let Some(child) = current.as_mut() {
                        if let Ok(Some(_)) = child.try_wait() {
                            current = None;
                        }
                    }
                }
                if let Some(mut child) = current {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            });
        match spawned {
            Ok(_) => Some(Espeak { tx }),
            Err(err) => {
                tracing::warn!("speech mode not available: {err}");
                None
            }
        }
    }
}

impl Speaker for Espeak {
    fn say(&self, text: &str, lang: Lang, volume: i32) {
        let _ = self
            .tx
            .send(Message::Say(text.to_string(), lang, volume, None));
    }

    fn say_to(&self, text: &str, lang: Lang, volume: i32, device: Option<&str>) {
        let _ = self.tx.send(Message::Say(
            text.to_string(),
            lang,
            volume,
            device.map(str::to_string),
        ));
    }

    fn stop(&self) {
        let _ = self.tx.send(Message::Stop);
    }
}

/// Writes what `text` sounds like to a WAV file (for `samen-kiosk speak`).
pub fn to_wav(text: &str, lang: Lang, out: &Path) -> anyhow::Result<()> {
    if !espeak_installed() {
        anyhow::bail!("espeak-ng is not installed (Debian: apt install espeak-ng)");
    }
    let status = Command::new("espeak-ng")
        .args(["-v", voice(lang), "-s", RATE, "-w"])
        .arg(out)
        .arg("--")
        .arg(text)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        anyhow::bail!("espeak-ng failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usb_card_is_a_private_output_the_built_in_ones_are_not() {
        let pi = " 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n                      bcm2835 Headphones\n 1 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0\n                      vc4-hdmi-0\n";
        assert_eq!(cards(pi).len(), 2);
        assert_eq!(usb_headset(&cards(pi)), None);
        let with_headset = format!(
            "{pi} 2 [Headset        ]: USB-Audio - Logitech USB Headset\n                      Logitech Logitech USB Headset at usb-0000:01:00.0-1.3, full speed\n"
        );
        let found = cards(&with_headset);
        assert_eq!(found[2].index, 2);
        assert_eq!(found[2].driver, "USB-Audio");
        assert_eq!(
            usb_headset(&found).as_deref(),
            Some("plughw:CARD=Headset,DEV=0")
        );
        assert_eq!(usb_headset(&cards("--- no soundcards ---")), None);
    }

    #[test]
    fn alsa_device_names() {
        for ok in [
            "default",
            "plughw:CARD=Headphones,DEV=0",
            "hw:1",
            "sysdefault:CARD=vc4hdmi0",
        ] {
            assert!(is_alsa_device(ok), "{ok}");
        }
        for bad in ["", "plughw:1; rm -rf /", "a b", "x\ny", &"a".repeat(101)] {
            assert!(!is_alsa_device(bad), "{bad}");
        }
    }
}
