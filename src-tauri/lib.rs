//! The officer's desktop window: a thin Tauri shell over the core crates.
//!
//! Business logic lives in `crates/`; the commands in `commands.rs` are each a few lines
//! calling them. Whatever goes wrong at start-up is told in one line, never as a panic.
#![forbid(unsafe_code)]

pub mod commands;
pub mod error;
pub mod session;
pub mod settings;

use session::Session;
use std::panic::PanicHookInfo;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{Manager, Runtime};

/// Whether the window's event loop has started; before that, a failure means "cannot start".
static STARTED: AtomicBool = AtomicBool::new(false);

/// The data directory: `LOKET_DATA_DIR` when set, else the platform's (as the `loket` CLI).
pub fn data_dir() -> Option<PathBuf> {
    std::env::var_os("LOKET_DATA_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(loket_store::default_dir)
}

/// The app's commands and state on any runtime: the real window, or the mock runtime of the
/// command tests. The sync worker starts here; it idles while the store is locked and while
/// no headquarters address is set.
pub fn with_commands<R: Runtime>(
    builder: tauri::Builder<R>,
    session: Session,
) -> tauri::Builder<R> {
    use commands::*;
    let worker = loket_sync::Worker::start(session.sync_slot(), loket_sync::Settings::default());
    builder
        .manage(session)
        .manage(worker)
        .invoke_handler(tauri::generate_handler![
            status,
            create_store,
            unlock,
            lock,
            officers,
            add_officer,
            remove_officer,
            change_passphrase,
            counter_log,
            set_language,
            set_mission,
            check,
            save,
            finalize,
            close_case,
            departed_open,
            close_departed,
            case,
            history,
            version,
            cases,
            today,
            read_mrz,
            mission,
            printers,
            print_request,
            exit_lists,
            print_exit_list,
            void_request,
            attach_photo,
            photo,
            usb_state,
            export_usb,
            apply_receipt,
            hq_url,
            set_hq_url,
            mission_cases,
            sync_status,
            sync_now
        ])
}

/// Opens the window and runs until it is closed. Whatever goes wrong is told in one line on
/// standard error (`loket-app: cannot start: …`), never as a panic with a backtrace.
pub fn run() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    webkit_defaults();
    let Some(dir) = data_dir() else {
        eprintln!("loket-app: cannot start: no data directory (set HOME or LOKET_DATA_DIR)");
        return ExitCode::FAILURE;
    };
    let session = match Session::new(dir.clone()) {
        Ok(session) => session,
        Err(e) => {
            eprintln!(
                "loket-app: cannot start: data directory {}: {e}",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    // GTK and WebKit failures (no display, a library missing) surface as panics inside the
    // runtime; the hook has already told the officer why, so only the exit code is left.
    let outcome = std::panic::catch_unwind(move || {
        // A second start brings the open window forward instead of opening another.
        let builder = tauri::Builder::default().plugin(tauri_plugin_single_instance::init(
            |app, _args, _cwd| {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.set_focus();
                }
            },
        ));
        let app = with_commands(builder, session)
            .setup(|app| {
                if let Some(window) = app.get_webview_window("main") {
                    window.with_webview(draw_with_cpu)?;
                }
                Ok(())
            })
            .build(tauri::generate_context!())?;
        // Requests handed to a viewer live in memory until the window closes; a crash's
        // leftovers go at the next start.
        loket_pdf::viewer::clear();
        Ok::<_, tauri::Error>(app.run_return(|_, event| match event {
            tauri::RunEvent::Ready => STARTED.store(true, Ordering::SeqCst),
            tauri::RunEvent::Exit => loket_pdf::viewer::clear(),
            _ => {}
        }))
    });
    match outcome {
        Ok(Ok(0)) => ExitCode::SUCCESS,
        Ok(Ok(code)) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Ok(Err(e)) => {
            eprintln!("loket-app: cannot start: {}", one_line(&e.to_string()));
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::FAILURE,
    }
}

/// WebKitGTK draws this window's few screens of forms and lists with the CPU: accelerated
/// compositing, through Mesa's software GL where there is no GPU, took ~75 MiB of the web
/// process, and its frames came ~20 ms after the page had changed (docs/benchmarks.md).
#[cfg(target_os = "linux")]
fn draw_with_cpu(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    let view = webview.inner();
    if let Some(settings) = WebViewExt::settings(&view) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

#[cfg(not(target_os = "linux"))]
fn draw_with_cpu(_webview: tauri::webview::PlatformWebview) {}

/// WebKitGTK's knobs that exist only as environment variables, read by the processes it
/// starts (so set before the window opens, while this is the only thread); whatever the
/// officer's environment already says wins. Measured in docs/benchmarks.md.
fn webkit_defaults() {
    for (name, value) in [
        // No DMA-BUF renderer: drawing with the CPU (`draw_with_cpu`) has no use for it, and it
        // took ~15 MiB between the app and the web process.
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
        // JavaScriptCore without its JIT compilers: the page's scripts are small (the work is
        // in Rust) and the interpreter keeps a keystroke's results well inside a frame, while
        // the JIT's code and its compilers' pages took ~28 MiB of the web process.
        ("JSC_useJIT", "0"),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

fn report_panic(info: &PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unexpected failure");
    let started = STARTED.load(Ordering::SeqCst);
    let message = if !started && message.starts_with("Failed to initialize gtk") {
        match std::env::var("DISPLAY").or_else(|_| std::env::var("WAYLAND_DISPLAY")) {
            Ok(display) => format!("cannot open the display {display} (GTK does not start)"),
            Err(_) => "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset)"
                .to_string(),
        }
    } else {
        one_line(message)
    };
    let when = if started { "stopped" } else { "cannot start" };
    eprintln!("loket-app: {when}: {message}");
}

/// The first line of a message, for a one-line report.
fn one_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}
