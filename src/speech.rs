//! Speech output for speech mode: espeak-ng (Debian `espeak-ng`; Dutch, English,
//! Turkish and Polish voices included), offline, to the sound card through ALSA.
//!
//! The engine runs as a child process managed by a thread of its own, so the UI thread
//! only sends a message: a new text interrupts the one being spoken, `stop` silences
//! it. Without espeak-ng or without a sound card, speech is not available: the
//! "Voorlezen" control is shown disabled and the log says why, once.

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

fn espeak_installed() -> bool {
    Command::new("espeak-ng")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the machine has a sound card (ALSA's list of cards).
fn sound_card() -> bool {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|cards| !cards.trim().is_empty() && !cards.contains("no soundcards"))
        .unwrap_or(false)
}

enum Message {
    Say(String, Lang, i32),
    Stop,
}

/// espeak-ng through a thread that owns the running child process.
pub struct Espeak {
    tx: mpsc::Sender<Message>,
}

impl Espeak {
    /// The engine, if it can speak on this machine; otherwise `None` and one log line.
    pub fn detect() -> Option<Espeak> {
        if !espeak_installed() {
            tracing::info!("speech mode not available: espeak-ng is not installed");
            return None;
        }
        if !sound_card() {
            tracing::info!("speech mode not available: no sound card");
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
                    if let Message::Say(text, lang, volume) = message {
                        let child = Command::new("espeak-ng")
                            .args(["-v", voice(lang), "-s", RATE, "-a"])
                            .arg(amplitude(volume).to_string())
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
        let _ = self.tx.send(Message::Say(text.to_string(), lang, volume));
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
