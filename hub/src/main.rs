//! `samen-hub`: see `cli.rs` for the commands and ARCHITECTURE.md for the map.
fn main() -> std::process::ExitCode {
    samen_hub::cli::main()
}
