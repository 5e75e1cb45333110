//! The hand-written runtime every generated client carries (signing, credentials, the
//! builder and hooks), emitted verbatim from `codegen/runtime/`.

/// `(file name, source)` of each runtime module, in the order `lib.rs` declares them.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("credentials.rs", include_str!("../runtime/credentials.rs")),
    ("runtime.rs", include_str!("../runtime/runtime.rs")),
    ("signing.rs", include_str!("../runtime/signing.rs")),
];

/// The path progenitor's generated `Client` uses for its inner state.
pub const INNER_TYPE: &str = "crate::runtime::Runtime";
