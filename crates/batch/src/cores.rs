//! Work split over the machine's two cores.

/// Runs `first` on this thread and `second` on another, at once; a panic in either is
/// passed on.
pub(crate) fn both<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|s| {
        let other = s.spawn(second);
        let first = first();
        let second = other
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (first, second)
    })
}
