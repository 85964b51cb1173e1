//! Compiles the Slint UI with the bundled translations (translations/<lang>/LC_MESSAGES/
//! samen-kiosk.po). Debug info stays on so that the testing backend can find elements
//! by accessible label; it costs a few bytes of metadata, nothing at run time.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(true);
    if let Err(err) = slint_build::compile_with_config("ui/app.slint", config) {
        eprintln!("{err}");
        std::process::exit(1);
    }
    println!("cargo:rerun-if-changed=translations");
    // Release builds for Linux/glibc: relative relocations packed (DT_RELR, glibc 2.36
    // and binutils 2.38, as on Debian 12 and Raspberry Pi OS bookworm). The 2.2 MB of
    // .rela.dyn that a position-independent binary otherwise carries shrink to a few
    // KB, and the loader has less to do at start (docs/performance.md).
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux_gnu && std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rustc-link-arg=-Wl,-z,pack-relative-relocs");
    }
}
