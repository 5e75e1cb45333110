//! Following a schema's `$ref`s to the node they name, and finding an answer's object inside
//! its envelope.

use serde_json::{Map, Value};

/// Follows one local `$ref`, if `schema` is one.
pub(crate) fn resolve<'a>(tree: &'a Value, schema: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| tree.pointer(p))
        .unwrap_or(schema)
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
