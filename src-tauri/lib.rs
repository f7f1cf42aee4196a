//! The officer's desktop window: a thin Tauri shell over the core crates.
//!
//! Business logic lives in `crates/`; this file only opens the window. The counter's screens
//! and the commands behind them arrive with the desktop-app issue, each command a few lines
//! calling a crate.
#![forbid(unsafe_code)]

use std::panic::PanicHookInfo;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the window's event loop has started; before that, a failure means "cannot start".
static STARTED: AtomicBool = AtomicBool::new(false);

/// Opens the window and runs until it is closed. Whatever goes wrong is told in one line on
/// standard error (`loket-app: cannot start: …`), never as a panic with a backtrace.
pub fn run() -> ExitCode {
    std::panic::set_hook(Box::new(report_panic));
    // GTK and WebKit failures (no display, a library missing) surface as panics inside the
    // runtime; the hook has already told the officer why, so only the exit code is left.
    let outcome = std::panic::catch_unwind(|| {
        let app = tauri::Builder::default().build(tauri::generate_context!())?;
        Ok::<_, tauri::Error>(app.run_return(|_, event| {
            if let tauri::RunEvent::Ready = event {
                STARTED.store(true, Ordering::SeqCst);
            }
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
