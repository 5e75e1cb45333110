//! The specs of the workspace and the crate directories generated from them.

use std::path::{Path, PathBuf};

/// One spec and the `src/` directory generated from it (both relative to the workspace root).
pub struct Target {
    /// The spec file.
    pub spec: &'static str,
    /// Text replacements applied to the spec before generating (each must match once).
    pub edits: &'static [(&'static str, &'static str)],
    /// The generated crate's `src/` directory.
    pub out_dir: &'static str,
}

impl Target {
    /// The spec's text after the edits, and the label naming both in messages and preambles.
    pub fn spec_text(&self, root: &Path) -> anyhow::Result<(String, String)> {
        use anyhow::Context;
        let mut text = std::fs::read_to_string(root.join(self.spec))
            .with_context(|| format!("{}: cannot read the spec", self.spec))?;
        for (from, to) in self.edits {
            anyhow::ensure!(
                text.matches(from).count() == 1,
                "{}: the edit {from:?} -> {to:?} must match exactly once",
                self.spec
            );
            text = text.replacen(from, to, 1);
        }
        let label = if self.edits.is_empty() {
            self.spec.to_string()
        } else {
            let edits: Vec<String> = self
                .edits
                .iter()
                .map(|(_, to)| to.trim().to_string())
                .collect();
            format!("{} with {}", self.spec, edits.join(", "))
        };
        Ok((label, text))
    }
}

/// Every generated crate: the client game backends use; the two-action fixture that proves
/// the generator holds no knowledge of a particular action; and a variant of the real spec
/// with other limits, whose tests prove the enforced numbers follow the spec.
pub const TARGETS: &[Target] = &[
    Target {
        spec: "spec/gse.yaml",
        edits: &[],
        out_dir: "generated-client/src",
    },
    Target {
        spec: "fixtures/two-actions/spec.yaml",
        edits: &[],
        out_dir: "fixtures/two-actions/src",
    },
    Target {
        spec: "spec/gse.yaml",
        edits: &[
            ("maxItems: 25\n", "maxItems: 10\n"),
            ("x-tc-rate-limit: 1000\n", "x-tc-rate-limit: 7\n"),
        ],
        out_dir: "fixtures/spec-variant/src",
    },
];

/// The workspace root this xtask was built in.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one level below the workspace root")
        .to_path_buf()
}
