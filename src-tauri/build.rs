//! Embeds `tauri.conf.json` and makes one permission per command (`allow-<name>`), so that
//! `capabilities/default.json` grants each command explicitly.

include!("command_names.rs");

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("the Tauri build step (tauri.conf.json, capabilities/, icons)");
}
