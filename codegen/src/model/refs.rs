//! Following a schema's `$ref`s to the node they name: the one resolver of the model, of the
//! spec comparison (`spec_diff`) and of the audit against Tencent's definition (in xtask).

use crate::spec_path::SpecPath;
use serde_json::{Map, Value};

/// The most `$ref`s followed in a chain: a cycle ends there instead of looping.
const MAX_HOPS: usize = 16;

/// `schema`, or the node its `$ref` names (following a chain of them); a `$ref` that is not
/// local or does not resolve is left as it is (a checked spec has none).
#[must_use]
pub fn resolve<'a>(tree: &'a Value, schema: &'a Value) -> &'a Value {
    follow(tree, schema).0
}

/// [`resolve`], with the resolved node's spec path: `path` (where `schema` sits) when it is
/// no `$ref`, otherwise the path of the node the last `$ref` names.
#[must_use]
pub fn resolve_at<'a>(tree: &'a Value, schema: &'a Value, path: SpecPath) -> (&'a Value, SpecPath) {
    match follow(tree, schema) {
        (node, Some(pointer)) => (node, SpecPath::from_pointer(pointer)),
        (node, None) => (node, path),
    }
}

/// The node reached and the JSON pointer of the last `$ref` followed, if any.
fn follow<'a>(tree: &'a Value, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut node = schema;
    let mut last = None;
    for _ in 0..MAX_HOPS {
        let Some(pointer) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        let Some(target) = tree.pointer(pointer) else {
            break;
        };
        node = target;
        last = Some(pointer);
    }
    (node, last)
}

/// The schema inside the 200 response's envelope: its only property's schema.
pub(crate) fn response_inner_schema<'a>(
    tree: &'a Value,
    op: &'a Map<String, Value>,
) -> Option<&'a Value> {
    let envelope = resolve(
        tree,
        op.get("responses")?
            .pointer("/200/content/application~1json/schema")?,
    );
    let props = envelope.get("properties")?.as_object()?;
    if props.len() != 1 {
        return None;
    }
    Some(resolve(tree, props.values().next()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree() -> Value {
        json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }}})
    }

    #[test]
    fn a_chain_of_refs_is_followed_to_its_end_with_its_path() {
        let tree = tree();
        let schema = json!({"$ref": "#/components/schemas/A"});
        assert_eq!(resolve(&tree, &schema), &json!({"type": "string"}));
        let (node, path) = resolve_at(&tree, &schema, SpecPath::root().key("here"));
        assert_eq!(node, &json!({"type": "string"}));
        assert_eq!(path.as_str(), "components.schemas.B");
    }

    #[test]
    fn a_schema_without_ref_keeps_its_own_path() {
        let tree = tree();
        let schema = json!({"type": "integer"});
        assert_eq!(resolve(&tree, &schema), &schema);
        let (_, path) = resolve_at(&tree, &schema, SpecPath::root().key("here"));
        assert_eq!(path.as_str(), "here");
    }

    #[test]
    fn cycles_dangling_and_remote_refs_end_without_panicking() {
        let tree = tree();
        let looped = json!({"$ref": "#/components/schemas/Loop"});
        assert_eq!(
            resolve(&tree, &looped),
            &json!({"$ref": "#/components/schemas/Loop"})
        );
        for schema in [
            json!({"$ref": "#/components/schemas/Missing"}),
            json!({"$ref": "other.yaml#/X"}),
        ] {
            assert_eq!(resolve(&tree, &schema), &schema);
        }
    }
}
