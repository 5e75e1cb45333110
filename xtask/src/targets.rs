//! The specs of the workspace and the crate directories generated from them.

use std::path::{Path, PathBuf};

/// One spec and the `src/` directory generated from it (both relative to the workspace root).
pub struct Target {
    /// The spec file.
    pub spec: &'static str,
    /// The generated crate's `src/` directory.
    pub out_dir: &'static str,
}

/// Every generated crate: the client game backends use, and the two-action fixture that
/// proves the generator holds no knowledge of a particular action.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "spec/gse.yaml",
        out_dir: "generated-client/src",
    },
    Target {
        spec: "fixtures/two-actions/spec.yaml",
        out_dir: "fixtures/two-actions/src",
    },
];

/// The workspace root this xtask was built in.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one level below the workspace root")
        .to_path_buf()
}
