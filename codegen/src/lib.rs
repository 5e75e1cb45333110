//! `gse-codegen`: turns a hand-written OpenAPI spec of Tencent Cloud actions into the source
//! files of a client crate.
//!
//! The flow is one way: load the YAML, check it (every failure names its spec path), read the
//! API model from the `x-tc-*` extensions, run progenitor, post-process its syntax tree in
//! passes, and render the files. Nothing here knows a particular action: everything comes
//! from the spec.

mod error;
mod extensions;
mod model;
mod passes;
mod progenitor_run;
mod render;
mod runtime_files;
mod spec;
pub mod spec_diff;
mod spec_path;
mod validate;

pub use error::{CodegenError, Result};
pub use model::{Action, ApiModel, BatchField, ErrorCode, ListLimit};
pub use render::REGENERATE_COMMAND;
pub use spec_path::SpecPath;

use std::path::{Path, PathBuf};

/// One file of the generated crate, relative to its `src/` directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate's `src/`, e.g. `lib.rs`.
    pub path: PathBuf,
    /// The whole file.
    pub contents: String,
}

/// Reads and checks two versions of a spec, and lists every change between them.
pub fn diff_specs(
    old_label: &str,
    old_text: &str,
    new_label: &str,
    new_text: &str,
) -> Result<Vec<spec_diff::Change>> {
    let (old_model, _, old_tree) = load(old_label, old_text)?;
    let (new_model, _, new_tree) = load(new_label, new_text)?;
    Ok(spec_diff::diff(
        &spec_diff::Side {
            model: &old_model,
            tree: &old_tree,
        },
        &spec_diff::Side {
            model: &new_model,
            tree: &new_tree,
        },
    ))
}

/// Reads and checks a spec: its model, its `openapiv3` form and its raw tree.
fn load(label: &str, text: &str) -> Result<(ApiModel, openapiv3::OpenAPI, serde_json::Value)> {
    let tree = spec::parse_tree(label, text)?;
    validate::check(label, &tree)?;
    let model = ApiModel::from_tree(label, &tree)?;
    let openapi = spec::to_openapi(label, &tree)?;
    Ok((model, openapi, tree))
}

/// Generates the client crate's `src/` files from the spec `text`; `label` (the spec's path
/// relative to the workspace) appears in errors and in each file's preamble.
///
/// The output is deterministic: the same spec gives the same bytes.
pub fn generate(label: &str, text: &str) -> Result<Vec<GeneratedFile>> {
    let (model, openapi, _) = load(label, text)?;
    let tokens = progenitor_run::generate_tokens(label, &openapi)?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Progenitor {
        file: label.to_string(),
        message: format!("output does not parse as Rust: {e}"),
    })?;
    passes::run_all(&mut file, &model)?;
    let mut files = vec![
        GeneratedFile {
            path: PathBuf::from("lib.rs"),
            contents: render::lib_rs(label, &model),
        },
        GeneratedFile {
            path: PathBuf::from("client.rs"),
            contents: render::client_rs(label, &file),
        },
    ];
    files.extend(
        runtime_files::RUNTIME_FILES
            .iter()
            .map(|(name, source)| GeneratedFile {
                path: PathBuf::from(name),
                contents: render::runtime_rs(label, source),
            }),
    );
    Ok(files)
}

/// Reads the spec at `root/label` and generates from it.
pub fn generate_from_file(root: &Path, label: &str) -> Result<Vec<GeneratedFile>> {
    let text = std::fs::read_to_string(root.join(label)).map_err(|source| CodegenError::Read {
        file: label.to_string(),
        source,
    })?;
    generate(label, &text)
}
