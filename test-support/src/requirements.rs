//! What some tests need beyond Rust: the official SDKs (`cargo xtask python-env`,
//! `node-env`) and `redis-server`. A plain `cargo test` on a machine without them skips those
//! tests, saying in one line what to install; `cargo xtask ci` sets
//! [`REQUIRE_ALL_VARIABLE`], and then a missing one fails the test, so CI never skips.

/// Set (to anything) by `cargo xtask ci`: a test whose requirement is missing fails.
pub const REQUIRE_ALL_VARIABLE: &str = "TC3_TESTS_REQUIRE_ALL";

/// Whether a test that needs `what` can run: true when `present`; when not, a failure if
/// [`REQUIRE_ALL_VARIABLE`] is set, else one line on stderr naming `install`, and false (the
/// test returns: skipped).
#[must_use]
pub fn available(what: &str, install: &str, present: bool) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var_os(REQUIRE_ALL_VARIABLE).is_none(),
        "{what} is missing ({REQUIRE_ALL_VARIABLE} is set, so this test may not skip): {install}"
    );
    eprintln!("skipped: this test needs {what}; {install}");
    false
}

/// Whether `program` is on `PATH`.
#[must_use]
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .any(|dir| dir.join(program).is_file())
}
