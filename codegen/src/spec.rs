//! Loading the spec: YAML text to a JSON tree (for validation with paths) and to `openapiv3`.

use crate::error::{CodegenError, Result};
use crate::spec_path::SpecPath;
use serde_json::Value;

/// Parses `text` into a JSON tree; the error carries YAML's line and column.
pub(crate) fn parse_tree(label: &str, text: &str) -> Result<Value> {
    let tree: Value = serde_yaml::from_str(text).map_err(|e| CodegenError::Yaml {
        file: label.to_owned(),
        message: e.to_string(),
    })?;
    if !tree.is_object() {
        return Err(CodegenError::spec(
            label,
            SpecPath::root().as_str(),
            "the document must be a mapping (an OpenAPI object)",
        ));
    }
    Ok(tree)
}

/// Converts a validated tree into `openapiv3` types; a type mismatch names its spec path.
pub(crate) fn to_openapi(label: &str, tree: &Value) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(tree).map_err(|e| {
        let path = e.path().to_string();
        CodegenError::spec(
            label,
            if path == "." { "(root)" } else { &path },
            format!("not a valid OpenAPI 3.0 node: {}", e.inner()),
        )
    })
}
