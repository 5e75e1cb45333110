//! `tc3-codegen`: turns a hand-written OpenAPI spec of Tencent Cloud actions into the source
//! files of a client crate.
//!
//! The flow is one way: load the YAML, check it (every failure names its spec path), read the
//! API model from the `x-tc-*` extensions, run progenitor, post-process its syntax tree in
//! passes, and render the files. Nothing here knows a particular action: everything comes
//! from the spec.

mod error;
mod extensions;
mod item_limits;
mod manifest;
mod model;
mod names;
mod overlay;
mod passes;
mod progenitor_run;
mod render;
mod rustfmt;
mod spec;
pub mod spec_diff;
mod spec_path;
mod validate;

pub use error::{CodegenError, Result};
pub use manifest::{CrateSettings, Dependency, PackageInfo, RUNTIME_CRATE};
pub use model::refs;
pub use model::{Action, ApiModel, BatchField, ErrorCode, ListLimit};
pub use render::REGENERATE_COMMAND;
pub use spec_path::SpecPath;

use std::path::{Path, PathBuf};

/// One file of the generated crate, relative to the crate's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate's directory, e.g. `src/lib.rs` or `Cargo.toml`.
    pub path: PathBuf,
    /// The whole file.
    pub contents: String,
}

/// A spec to generate from: its text, the label naming it in messages and preambles, and
/// replacements of single values by JSON pointer (empty for the spec as written).
#[derive(Clone, Copy, Debug)]
pub struct SpecInput<'a> {
    /// The spec's path relative to the workspace, e.g. `spec/api.yaml`.
    pub label: &'a str,
    /// The spec's YAML text.
    pub text: &'a str,
    /// `(JSON pointer, YAML value)` pairs, each replacing a node that exists in the spec.
    pub overlay: &'a [(&'a str, &'a str)],
}

impl<'a> SpecInput<'a> {
    /// The spec as written.
    #[must_use]
    pub fn plain(label: &'a str, text: &'a str) -> Self {
        Self {
            label,
            text,
            overlay: &[],
        }
    }

    /// The label with the overlay's replacements, e.g. `spec/api.yaml with /a/b = 7`.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.overlay.is_empty() {
            return self.label.to_owned();
        }
        let edits: Vec<String> = self
            .overlay
            .iter()
            .map(|(pointer, value)| format!("{pointer} = {}", value.trim()))
            .collect();
        format!("{} with {}", self.label, edits.join(", "))
    }
}

/// Reads and checks two versions of a spec, and lists every change between them.
pub fn diff_specs(
    old_label: &str,
    old_text: &str,
    new_label: &str,
    new_text: &str,
) -> Result<Vec<spec_diff::Change>> {
    let (old_model, _, old_tree) = load(&SpecInput::plain(old_label, old_text))?;
    let (new_model, _, new_tree) = load(&SpecInput::plain(new_label, new_text))?;
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

/// Reads and checks a spec as [`generate`] does (its model included) and gives its tree, the
/// YAML as JSON with `$ref`s as written: for tools that look at more than the model, such as
/// xtask's audit against Tencent's definition (follow the `$ref`s with [`refs`]).
pub fn checked_tree(input: &SpecInput<'_>) -> Result<serde_json::Value> {
    let (_, _, tree) = load(input)?;
    Ok(tree)
}

/// Reads and checks a spec: its model, its `openapiv3` form and its raw tree.
fn load(input: &SpecInput<'_>) -> Result<(ApiModel, openapiv3::OpenAPI, serde_json::Value)> {
    let label = input.label;
    let mut tree = spec::parse_tree(label, input.text)?;
    overlay::apply(label, &mut tree, input.overlay)?;
    validate::check(label, &tree)?;
    let model = ApiModel::from_tree(label, &tree)?;
    let openapi = spec::to_openapi(label, &item_limits::without_item_limits(&tree, &model))?;
    Ok((model, openapi, tree))
}

/// Generates the client crate from a spec: `Cargo.toml` and the `src/` files. Each starts
/// with a preamble naming the spec and the command that regenerates it.
///
/// The output is deterministic: the same spec and settings give the same bytes.
pub fn generate(input: &SpecInput<'_>, settings: &CrateSettings) -> Result<Vec<GeneratedFile>> {
    let (model, openapi, _) = load(input)?;
    let label = input.describe();
    let tokens = progenitor_run::generate_tokens(input.label, &openapi)?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Progenitor {
        file: input.label.to_owned(),
        message: format!("output does not parse as Rust: {e}"),
    })?;
    passes::run_all(&mut file, &model, &settings.name)?;
    let head = render::preamble(&label, &settings.regenerate_command);
    let client = render::client_rs(&head, &file);
    let spec_sha256 = sha256_hex(input.text.as_bytes());
    let mut settings = settings.clone();
    if let Some(version) = &model.crate_version {
        settings.version = version.clone();
    }
    let manifest = manifest::render(
        &head,
        &settings,
        input.label,
        &spec_sha256,
        &model.title,
        &client,
    )?;
    let file = |path: &str, contents: String| GeneratedFile {
        path: PathBuf::from(path),
        contents,
    };
    let mut files = vec![
        file("Cargo.toml", manifest),
        file(
            "src/lib.rs",
            render::lib_rs(&head, &label, &model, settings.guide.as_deref()),
        ),
        file("src/api.rs", render::api_rs(&head, &model)),
        file("src/client.rs", client),
        file(
            "src/error_code.rs",
            render::error_code_rs(&head, input.label, &model)?,
        ),
    ];
    for generated in &mut files {
        if generated.path.extension().is_some_and(|e| e == "rs") {
            let name = generated.path.display().to_string();
            generated.contents = rustfmt::format(&name, &settings.edition, &generated.contents)?;
        }
    }
    Ok(files)
}

/// The SHA256 of `bytes`, in lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the spec at `root/label` and generates from it.
pub fn generate_from_file(
    root: &Path,
    label: &str,
    settings: &CrateSettings,
) -> Result<Vec<GeneratedFile>> {
    let text = std::fs::read_to_string(root.join(label)).map_err(|source| CodegenError::Read {
        file: label.to_owned(),
        source,
    })?;
    generate(&SpecInput::plain(label, &text), settings)
}
