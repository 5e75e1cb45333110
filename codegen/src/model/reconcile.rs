//! `x-tc-reconcile`: how a batch action's items are read back when their outcome is unknown,
//! read from the spec and checked against both actions' schemas.

use super::refs::{resolve, response_inner_schema};
use super::{Action, ErrorCode, Reconcile};
use crate::error::{CodegenError, Result};
use crate::extensions as ext;
use crate::spec_path::SpecPath;
use serde_json::{Map, Value};

/// The keys `x-tc-reconcile` takes.
const KEYS: &[&str] = &[
    "action",
    "item-filter",
    "scope",
    "results",
    "next-token",
    "page-limit",
    "page-size",
    "present-codes",
    "present-when",
];

/// The operation's `x-tc-reconcile`, checked against `actions` (every action of the spec;
/// `batch_action` is the one carrying it).
pub(super) fn read(
    label: &str,
    tree: &Value,
    op: &Map<String, Value>,
    op_path: &SpecPath,
    batch_action: &Action,
    actions: &[Action],
    common_codes: &[ErrorCode],
) -> Result<Option<Reconcile>> {
    let Some(node) = op.get(ext::RECONCILE) else {
        return Ok(None);
    };
    let path = op_path.key(ext::RECONCILE);
    let err = |path: &SpecPath, problem: String| CodegenError::spec(label, path.as_str(), problem);
    let map = node
        .as_object()
        .ok_or_else(|| err(&path, "must be a mapping".into()))?;
    if let Some(extra) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(err(
            &path.key(extra),
            format!("unknown key `{extra}`; known: {}", KEYS.join(", ")),
        ));
    }
    let text = |key: &str| -> Result<String> {
        match map.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(other) => Err(err(
                &path.key(key),
                format!("must be a name, found {other}"),
            )),
            None => Err(err(&path.key(key), "missing".into())),
        }
    };
    let names = |key: &str| -> Result<Vec<String>> {
        match map.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        err(
                            &path.key(key).index(i),
                            format!("must be a name, found {v}"),
                        )
                    })
                })
                .collect(),
            Some(other) => Err(err(
                &path.key(key),
                format!("must be a list, found {other}"),
            )),
        }
    };
    let batch = batch_action
        .batch
        .as_ref()
        .filter(|b| b.results.is_some() && b.result_key.is_some())
        .ok_or_else(|| {
            err(
                &path,
                format!(
                    "needs `{}` with `results` and `result-key`: read-back results are matched to items by that key",
                    ext::BATCH
                ),
            )
        })?;
    let action = text("action")?;
    let reader = actions
        .iter()
        .find(|a| a.name == action && a.name != batch_action.name)
        .ok_or_else(|| {
            err(
                &path.key("action"),
                format!("`{action}` is not another action of this spec"),
            )
        })?;
    let schema = |name: &str| tree.pointer(&format!("/components/schemas/{name}"));
    let property = |schema: Option<&Value>, name: &str| -> Option<Value> {
        schema
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.get(name))
            .map(|p| resolve(tree, p).clone())
    };
    let read_request = schema(&reader.request_schema);
    let batch_request = schema(&batch_action.request_schema);
    let read_answer =
        response_inner_schema(tree, operation_at(tree, &reader.path)?).ok_or_else(|| {
            err(
                &path.key("action"),
                format!("`{action}`'s 200 response is not an envelope with one object property"),
            )
        })?;
    let item_filter = text("item-filter")?;
    if property(read_request, &item_filter).is_none() {
        return Err(err(
            &path.key("item-filter"),
            format!(
                "`{item_filter}` is not a property of {}",
                reader.request_schema
            ),
        ));
    }
    let results = text("results")?;
    let read_items = read_answer
        .get("properties")
        .and_then(|p| p.get(&results))
        .map(|s| resolve(tree, s))
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("array"))
        .and_then(|s| s.get("items"))
        .ok_or_else(|| {
            err(
                &path.key("results"),
                format!("`{results}` is not an array property of `{action}`'s answer"),
            )
        })?;
    let batch_items = response_inner_schema(tree, operation_at(tree, &batch_action.path)?)
        .and_then(|inner| inner.get("properties"))
        .and_then(|p| p.get(batch.results.as_deref().unwrap_or_default()))
        .map(|s| resolve(tree, s))
        .and_then(|s| s.get("items"));
    let same_items = match (
        read_items.get("$ref"),
        batch_items.and_then(|i| i.get("$ref")),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    if !same_items {
        return Err(err(
            &path.key("results"),
            format!(
                "the items of `{results}` must be the same component ($ref) as the batch's results, so a result read back is a result"
            ),
        ));
    }
    let result_schema = Some(resolve(tree, read_items));
    let required: Vec<&str> = batch_request
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let scope = names("scope")?;
    for (i, name) in scope.iter().enumerate() {
        let at = path.key("scope").index(i);
        if !required.contains(&name.as_str()) {
            return Err(err(
                &at,
                format!(
                    "`{name}` is not a required property of {}",
                    batch_action.request_schema
                ),
            ));
        }
        if property(read_request, name).is_none() {
            return Err(err(
                &at,
                format!("`{name}` is not a property of {}", reader.request_schema),
            ));
        }
        if property(result_schema, name).is_none() {
            return Err(err(
                &at,
                format!("`{name}` is not a property of the items of `{results}`"),
            ));
        }
    }
    let next_token = text("next-token")?;
    let token_in_answer = read_answer
        .get("properties")
        .and_then(|p| p.get(&next_token))
        .is_some();
    if property(read_request, &next_token).is_none() || !token_in_answer {
        return Err(err(
            &path.key("next-token"),
            format!(
                "`{next_token}` must be a property of both `{action}`'s request and its answer"
            ),
        ));
    }
    let page = match (map.get("page-limit"), map.get("page-size")) {
        (None, None) => None,
        (Some(_), Some(size)) => {
            let field = text("page-limit")?;
            let limit = property(read_request, &field).ok_or_else(|| {
                err(
                    &path.key("page-limit"),
                    format!("`{field}` is not a property of {}", reader.request_schema),
                )
            })?;
            if limit.get("type").and_then(Value::as_str) != Some("integer") {
                return Err(err(
                    &path.key("page-limit"),
                    format!("`{field}` is not an integer property"),
                ));
            }
            let size = size
                .as_u64()
                .filter(|n| (1..=i32::MAX as u64).contains(n))
                .ok_or_else(|| {
                    err(
                        &path.key("page-size"),
                        format!(
                            "must be a whole number from 1 to {}, found {size}",
                            i32::MAX
                        ),
                    )
                })?;
            let max = limit.get("maximum").and_then(Value::as_u64);
            let min = limit.get("minimum").and_then(Value::as_u64);
            if max.is_some_and(|m| size > m) || min.is_some_and(|m| size < m) {
                return Err(err(
                    &path.key("page-size"),
                    format!(
                        "{size} is outside `{field}`'s range ({}..={})",
                        min.map_or("".into(), |m| m.to_string()),
                        max.map_or("".into(), |m| m.to_string())
                    ),
                ));
            }
            Some((field, size))
        }
        (Some(_), None) => {
            return Err(err(
                &path.key("page-size"),
                "missing: needed with `page-limit`".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(err(
                &path.key("page-limit"),
                "missing: needed with `page-size`".into(),
            ))
        }
    };
    let present_codes = names("present-codes")?;
    for (i, code) in present_codes.iter().enumerate() {
        let known = batch_action.error_codes.iter().any(|c| &c.code == code)
            || common_codes.iter().any(|c| &c.code == code);
        if !known {
            return Err(err(
                &path.key("present-codes").index(i),
                format!(
                    "`{code}` is neither in the action's `{}` nor in `{}`",
                    ext::ERROR_CODES,
                    ext::COMMON_ERROR_CODES
                ),
            ));
        }
    }
    let mut present_when = Vec::new();
    if let Some(node) = map.get("present-when") {
        let at = path.key("present-when");
        let conditions = node.as_object().ok_or_else(|| {
            err(
                &at,
                "must map a property of the results to the values that count as present".into(),
            )
        })?;
        for (name, values) in conditions {
            if property(result_schema, name).is_none() {
                return Err(err(
                    &at.key(name),
                    format!("`{name}` is not a property of the items of `{results}`"),
                ));
            }
            let values = values
                .as_array()
                .filter(|v| !v.is_empty())
                .and_then(|v| {
                    v.iter()
                        .map(|x| x.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    err(
                        &at.key(name),
                        format!("must be a non-empty list of strings, found {values}"),
                    )
                })?;
            present_when.push((name.clone(), values));
        }
    }
    Ok(Some(Reconcile {
        action,
        item_filter,
        scope,
        results,
        next_token,
        page,
        present_codes,
        present_when,
    }))
}

/// The POST operation at a spec path key.
fn operation_at<'a>(tree: &'a Value, path_key: &str) -> Result<&'a Map<String, Value>> {
    tree.get("paths")
        .and_then(|p| p.get(path_key))
        .and_then(|p| p.get("post"))
        .and_then(Value::as_object)
        .ok_or_else(|| CodegenError::pass("model", format!("no POST operation at `{path_key}`")))
}
