//! The viewer's copy of a request: private, in the runtime folder (memory), and gone after
//! `clear`. One test in this binary: it sets the process's XDG_RUNTIME_DIR.

use loket_pdf::viewer::{self, ViewError};
use std::os::unix::fs::PermissionsExt;

#[test]
fn the_viewers_copy_is_private_and_cleared_and_none_is_written_without_a_runtime_folder() {
    let runtime = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_RUNTIME_DIR", runtime.path());
    let pdf = b"%PDF-1.7 a request".to_vec();
    // `true` stands for a viewer that opens the file and returns at once, as xdg-open does.
    let path = viewer::open_with(&pdf, "true").unwrap();
    assert!(path.starts_with(runtime.path().join("loket-view")));
    assert_eq!(std::fs::read(&path).unwrap(), pdf);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);

    // A viewer that cannot start leaves no file behind.
    let err = viewer::open_with(&pdf, "/nonexistent/viewer").unwrap_err();
    assert!(matches!(err, ViewError::NoViewer(_)), "{err}");
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );

    viewer::clear();
    assert!(!path.exists() && !runtime.path().join("loket-view").exists());

    std::env::remove_var("XDG_RUNTIME_DIR");
    assert!(matches!(
        viewer::open_with(&pdf, "true"),
        Err(ViewError::NoRuntimeDir)
    ));
}
