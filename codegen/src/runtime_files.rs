//! The hand-written runtime every generated client carries (signing, credentials, the
//! builder and hooks), emitted verbatim from `codegen/runtime/`.

/// `(file name, source)` of each runtime module, in the order `lib.rs` declares them.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("batch.rs", include_str!("../runtime/batch.rs")),
    ("call.rs", include_str!("../runtime/call.rs")),
    ("credentials.rs", include_str!("../runtime/credentials.rs")),
    ("error.rs", include_str!("../runtime/error.rs")),
    ("limits.rs", include_str!("../runtime/limits.rs")),
    ("retry.rs", include_str!("../runtime/retry.rs")),
    ("runtime.rs", include_str!("../runtime/runtime.rs")),
    ("signing.rs", include_str!("../runtime/signing.rs")),
];

/// The path progenitor's generated `Client` uses for its inner state.
pub const INNER_TYPE: &str = "crate::runtime::Runtime";
