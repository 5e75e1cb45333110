//! Replacing single values of a spec by JSON pointer, for variants of a spec (the same
//! spec with other limits) that no edit of the spec's text can break: a pointer names a node by its
//! place in the document, not by the text around it.

use crate::error::{CodegenError, Result};
use serde_json::Value;

/// Replaces, for each `(pointer, YAML value)`, the node at `pointer`; the node must exist.
pub(crate) fn apply(label: &str, tree: &mut Value, overlay: &[(&str, &str)]) -> Result<()> {
    for (pointer, value) in overlay {
        let fail = |problem: String| CodegenError::Spec {
            file: label.to_owned(),
            path: format!("overlay {pointer}"),
            problem,
        };
        let value: Value = serde_yaml::from_str(value)
            .map_err(|e| fail(format!("the value {value:?} is not YAML: {e}")))?;
        let node = tree
            .pointer_mut(pointer)
            .ok_or_else(|| fail("no such node in the spec".to_owned()))?;
        *node = value;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_replaces_one_value_and_a_missing_node_is_named() {
        let mut tree = serde_json::json!({"paths": {"/A": {"post": {"x-rate": 3}}}});
        apply("s.yaml", &mut tree, &[("/paths/~1A/post/x-rate", "7")]).unwrap();
        assert_eq!(tree["paths"]["/A"]["post"]["x-rate"], 7);
        let e = apply("s.yaml", &mut tree, &[("/paths/~1B/post", "7")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.yaml") && e.contains("/paths/~1B/post") && e.contains("no such node"),
            "{e}"
        );
    }
}
