//! The spec as typify is given it: the limits of request lists' string items taken out.
//! typify would make each such item a type of its own (breaking every caller's `Vec<String>`
//! when a limit is added); the generator checks them itself instead (the model's
//! [`crate::model::ItemLimits`], enforced by the `send_calls` pass).

use crate::model::ApiModel;
use serde_json::Value;

/// `tree` without the item limits the model records for each action's request lists.
pub(crate) fn without_item_limits(tree: &Value, model: &ApiModel) -> Value {
    let mut tree = tree.clone();
    for action in &model.actions {
        for limit in action.list_limits.iter().filter(|l| l.items.any()) {
            let pointer = format!(
                "/components/schemas/{}/properties/{}",
                escape(&action.request_schema),
                escape(&limit.field)
            );
            // A list property written as a `$ref` is changed where it is defined.
            let target = match tree
                .pointer(&pointer)
                .and_then(|p| p.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(defined) => defined.to_owned(),
                None => pointer,
            };
            if let Some(items) = tree
                .pointer_mut(&format!("{target}/items"))
                .and_then(Value::as_object_mut)
            {
                for key in ["minLength", "maxLength", "pattern"] {
                    items.remove(key);
                }
            }
        }
    }
    tree
}

/// A name as one segment of a JSON pointer.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
