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
}
