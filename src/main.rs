//! Entry point: everything is in `samen_kiosk::app` (see ARCHITECTURE.md).

fn main() -> std::process::ExitCode {
    samen_kiosk::app::main()
}
