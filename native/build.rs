// Node-API symbols are provided by the node executable when the addon is loaded, not by a
// library at link time. Linux and the BSDs allow undefined symbols in a shared object by
// default; macOS must be told so explicitly.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("macos") {
        println!("cargo:rustc-cdylib-link-arg=-undefined");
        println!("cargo:rustc-cdylib-link-arg=dynamic_lookup");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
