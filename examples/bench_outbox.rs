//! From "Ja, bel mij" to committed: the time `callback::submit` takes (validation,
//! building the request, one SQLite transaction with synchronous FULL), over 1,000
//! requests into a fresh outbox in a temporary directory on the state disk.
//!
//! Run: cargo run --release --example bench_outbox [-- N] [-- DIR]

use samen_kiosk::callback::{self, outbox::Outbox, Form};
use samen_kiosk::i18n::Lang;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let base = std::env::args()
        .nth(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("samen-kiosk-bench-{}", std::process::id()));
    let outbox = Outbox::open_in(&dir)?;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let phone = format!("06 1234 {:04}", i % 10_000);
        let form = Form {
            name: "Anna",
            phone: &phone,
            slot: "morning",
            topic: Some("chat"),
            lang: Lang::Nl,
        };
        let start = Instant::now();
        callback::submit(&outbox, "bench", form, chrono::Utc::now())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(start.elapsed());
    }
    times.sort();
    let ms =
        |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    println!("requests      {n}");
    println!("outbox        {}", dir.display());
    println!("p50_ms        {:.2}", ms(0.50));
    println!("p99_ms        {:.2}", ms(0.99));
    println!("max_ms        {:.2}", ms(1.0));
    drop(outbox);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
