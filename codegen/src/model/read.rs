//! Reading the model from a checked spec tree: the standard fields, the `x-tc-*` extensions,
//! each action's request schema, batch field and item limits.

use super::refs::{resolve, response_inner_schema};
use super::{Action, ApiModel, BatchField, ErrorCode, ItemLimits, ListLimit};
use crate::error::{CodegenError, Result};
use crate::extensions as ext;
use crate::spec_path::SpecPath;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

impl ApiModel {
    /// Reads the model from a spec tree that passed the generic checks.
    pub fn from_tree(label: &str, tree: &Value) -> Result<Self> {
        let root = SpecPath::root();
        let err =
            |path: &SpecPath, problem: String| CodegenError::spec(label, path.as_str(), problem);
        let title = required_str(label, tree, &root, "info.title", &["info", "title"])?;
        let service = required_str(label, tree, &root, ext::SERVICE, &[ext::SERVICE])?;
        let version = required_str(label, tree, &root, ext::VERSION, &[ext::VERSION])?;
        let endpoint = tree
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                err(
                    &root.key("servers"),
                    "missing: the first server's url is the default endpoint".into(),
                )
            })?;
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(err(
                &root.key("servers").index(0).key("url"),
                format!("`{endpoint}` is not an absolute http(s) URL"),
            ));
        }
        let common_error_codes = error_codes(
            label,
            tree.get(ext::COMMON_ERROR_CODES),
            &root.key(ext::COMMON_ERROR_CODES),
        )?;
        let crate_name = match tree.get(ext::CRATE_NAME) {
            None => None,
            Some(v) => {
                let text = v.as_str().unwrap_or_default();
                let valid = text.starts_with(|c: char| c.is_ascii_lowercase())
                    && text.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    });
                if !valid {
                    return Err(err(
                        &root.key(ext::CRATE_NAME),
                        format!(
                            "must be a package name of lowercase ASCII letters, digits, `-` and `_`, starting with a letter, found {v}"
                        ),
                    ));
                }
                Some(text.to_owned())
            }
        };
        let crate_version = match tree.get(ext::CRATE_VERSION) {
            None => None,
            Some(v) => {
                let text = v.as_str().unwrap_or_default();
                let parts: Vec<&str> = text.split('.').collect();
                let semver = parts.len() == 3
                    && parts.iter().all(|p| {
                        !p.is_empty()
                            && p.chars().all(|c| c.is_ascii_digit())
                            && (p.len() == 1 || !p.starts_with('0'))
                    });
                if !semver {
                    return Err(err(
                        &root.key(ext::CRATE_VERSION),
                        format!("must be a version MAJOR.MINOR.PATCH such as \"0.2.0\", found {v}"),
                    ));
                }
                Some(text.to_owned())
            }
        };

        let paths = tree
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                err(
                    &root.key("paths"),
                    "missing: the spec has no actions".into(),
                )
            })?;
        let mut actions = Vec::new();
        let mut operations = Vec::new();
        let mut seen_actions: BTreeMap<String, SpecPath> = BTreeMap::new();
        let mut seen_ids: BTreeMap<String, SpecPath> = BTreeMap::new();
        for (path_key, item) in paths {
            let item_path = root.key("paths").key(path_key);
            let item = item
                .as_object()
                .ok_or_else(|| err(&item_path, "must be a path item (a mapping)".into()))?;
            for (method, op) in item {
                let op_path = item_path.key(method);
                if method.starts_with("x-") || method == "summary" || method == "description" {
                    continue;
                }
                if method != "post" {
                    return Err(err(
                        &op_path,
                        format!("method `{method}` is not supported: every action is sent as POST"),
                    ));
                }
                let op = op
                    .as_object()
                    .ok_or_else(|| err(&op_path, "must be an operation (a mapping)".into()))?;
                let action = read_action(label, tree, path_key, op, &op_path, &common_error_codes)?;
                if let Some(first) =
                    seen_actions.insert(action.name.clone(), op_path.key(ext::ACTION))
                {
                    return Err(err(
                        &op_path.key(ext::ACTION),
                        format!(
                            "duplicate: action `{}` is already declared at {first}",
                            action.name
                        ),
                    ));
                }
                if let Some(first) =
                    seen_ids.insert(action.operation_id.clone(), op_path.key("operationId"))
                {
                    return Err(err(
                        &op_path.key("operationId"),
                        format!(
                            "duplicate: operationId `{}` is already used at {first}",
                            action.operation_id
                        ),
                    ));
                }
                actions.push(action);
                operations.push((op, op_path));
            }
        }
        for (i, (op, op_path)) in operations.iter().enumerate() {
            let reconcile = super::reconcile::read(
                label,
                tree,
                op,
                op_path,
                &actions[i],
                &actions,
                &common_error_codes,
            )?;
            actions[i].reconcile = reconcile;
        }
        if actions.is_empty() {
            return Err(err(
                &root.key("paths"),
                "the spec declares no operation".into(),
            ));
        }
        Ok(Self {
            title,
            service,
            version,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            crate_name,
            crate_version,
            common_error_codes,
            actions,
        })
    }
}

fn required_str(
    label: &str,
    tree: &Value,
    root: &SpecPath,
    name: &str,
    keys: &[&str],
) -> Result<String> {
    let path = keys.iter().fold(root.clone(), |p, k| p.key(k));
    let value = keys.iter().try_fold(tree, |node, k| node.get(*k));
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(other) => Err(CodegenError::spec(
            label,
            path.as_str(),
            format!("`{name}` must be a non-empty string, found {other}"),
        )),
        None => Err(CodegenError::spec(label, path.as_str(), "missing")),
    }
}

fn is_action_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

fn is_error_code(code: &str) -> bool {
    code.split('.').all(is_action_name)
}

fn read_action(
    label: &str,
    tree: &Value,
    path_key: &str,
    op: &Map<String, Value>,
    op_path: &SpecPath,
    common_codes: &[ErrorCode],
) -> Result<Action> {
    let err = |path: &SpecPath, problem: String| CodegenError::spec(label, path.as_str(), problem);
    let name = match op.get(ext::ACTION) {
        None => {
            return Err(err(
                &op_path.key(ext::ACTION),
                "missing: every operation names the Tencent Cloud action it calls".into(),
            ))
        }
        Some(Value::String(s)) if is_action_name(s) => s.clone(),
        Some(other) => {
            return Err(err(
                &op_path.key(ext::ACTION),
                format!("{other} is not an action name (PascalCase letters and digits)"),
            ))
        }
    };
    let operation_id = match op.get("operationId") {
        Some(Value::String(s))
            if s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            s.clone()
        }
        Some(other) => {
            return Err(err(
                &op_path.key("operationId"),
                format!("{other} is not a snake_case method name"),
            ))
        }
        None => {
            return Err(err(
                &op_path.key("operationId"),
                "missing: it names the generated method".into(),
            ))
        }
    };
    let rate_limit = match op.get(ext::RATE_LIMIT) {
        None => {
            return Err(err(
                &op_path.key(ext::RATE_LIMIT),
                "missing: the service's requests-per-second limit for the action".into(),
            ))
        }
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
            .map(|n| n as u32)
            .ok_or_else(|| {
                err(
                    &op_path.key(ext::RATE_LIMIT),
                    format!("must be a positive whole number of requests per second, found {v}"),
                )
            })?,
    };
    if let Some(status) = op.get(ext::STATUS) {
        if !matches!(status.as_str(), Some("online" | "deprecated" | "offline")) {
            return Err(err(
                &op_path.key(ext::STATUS),
                format!("must be `online`, `deprecated` or `offline`, found {status}"),
            ));
        }
    }
    let page_token = match op.get(ext::PAGE_TOKEN) {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    err(
                        &op_path.key(ext::PAGE_TOKEN),
                        format!("must name the field of the next page's token, found {value}"),
                    )
                })?
                .to_owned(),
        ),
    };
    let error_codes = error_codes(
        label,
        op.get(ext::ERROR_CODES),
        &op_path.key(ext::ERROR_CODES),
    )?;
    let hints_path = op_path.key(ext::ERROR_HINTS);
    let error_hints = error_codes_map(label, op.get(ext::ERROR_HINTS), &hints_path, "hint")?;
    if let Some(unknown) = error_hints.iter().find(|h| {
        !error_codes.iter().any(|c| c.code == h.code)
            && !common_codes.iter().any(|c| c.code == h.code)
    }) {
        return Err(err(
            &hints_path.key(&unknown.code),
            format!(
                "`{}` is neither in the action's `{}` nor in `{}`",
                unknown.code,
                ext::ERROR_CODES,
                ext::COMMON_ERROR_CODES
            ),
        ));
    }

    let schema_path = op_path
        .key("requestBody")
        .key("content")
        .key("application/json")
        .key("schema");
    let schema_ref = op
        .get("requestBody")
        .and_then(|b| b.pointer("/content/application~1json/schema/$ref"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            err(
                &schema_path,
                "missing: the request body must be application/json with a $ref to a component schema".into(),
            )
        })?;
    let request_schema = schema_ref
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| {
            err(
                &schema_path.key("$ref"),
                format!("`{schema_ref}` is not a component schema"),
            )
        })?
        .to_owned();
    let schema = tree
        .pointer(&schema_ref[1..])
        .and_then(Value::as_object)
        .ok_or_else(|| {
            err(
                &schema_path.key("$ref"),
                format!("`{schema_ref}` does not resolve"),
            )
        })?;
    if op.get("responses").and_then(|r| r.get("200")).is_none() {
        return Err(err(
            &op_path.key("responses").key("200"),
            "missing: every action answers HTTP 200 with a JSON envelope".into(),
        ));
    }
    let batch = match op.get(ext::BATCH) {
        None => None,
        Some(b) => Some(read_batch(
            label,
            tree,
            op,
            b,
            schema,
            schema_ref,
            &op_path.key(ext::BATCH),
        )?),
    };
    let list_limits = list_limits(
        label,
        tree,
        schema,
        &SpecPath::from_pointer(&schema_ref[1..]),
    )?;
    Ok(Action {
        name,
        operation_id,
        path: path_key.to_owned(),
        rate_limit,
        error_codes,
        error_hints,
        request_schema,
        batch,
        reconcile: None,
        list_limits,
        page_token,
    })
}

fn read_batch(
    label: &str,
    tree: &Value,
    op: &Map<String, Value>,
    batch: &Value,
    schema: &Map<String, Value>,
    schema_ref: &str,
    path: &SpecPath,
) -> Result<BatchField> {
    let err = |path: &SpecPath, problem: String| CodegenError::spec(label, path.as_str(), problem);
    let text = |key: &str| -> Result<Option<String>> {
        match batch.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(err(
                &path.key(key),
                format!("must be a property name, found {other}"),
            )),
        }
    };
    let field = text("field")?.ok_or_else(|| {
        err(
            &path.key("field"),
            "missing: the name of the list property to split".into(),
        )
    })?;
    if let Some(extra) = batch.as_object().and_then(|m| {
        m.keys()
            .find(|k| !["field", "results", "result-key"].contains(&k.as_str()))
    }) {
        return Err(err(
            &path.key(extra),
            format!("unknown key `{extra}`; known: field, results, result-key"),
        ));
    }
    let prop = schema
        .get("properties")
        .and_then(|p| p.get(&field))
        .ok_or_else(|| {
            err(
                &path.key("field"),
                format!("`{field}` is not a property of {schema_ref}"),
            )
        })?;
    if prop.get("type").and_then(Value::as_str) != Some("array") {
        return Err(err(
            &path.key("field"),
            format!("`{field}` is not an array property"),
        ));
    }
    let max_items = prop
        .get("maxItems")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            err(
                &path.key("field"),
                format!("`{field}` has no maxItems, so there is no size to split it into"),
            )
        })?;
    if max_items == 0 {
        return Err(err(&path.key("field"), format!("`{field}` has maxItems 0")));
    }
    let results = text("results")?;
    let result_key = text("result-key")?;
    if let Some(results) = &results {
        let inner = response_inner_schema(tree, op).ok_or_else(|| {
            err(
                &path.key("results"),
                "the 200 response is not an envelope with one object property".into(),
            )
        })?;
        let list = inner
            .get("properties")
            .and_then(|p| p.get(results))
            .map(|s| resolve(tree, s))
            .filter(|s| s.get("type").and_then(Value::as_str) == Some("array"))
            .ok_or_else(|| {
                err(
                    &path.key("results"),
                    format!("`{results}` is not an array property of the response"),
                )
            })?;
        if let Some(key) = &result_key {
            let item = list.get("items").map(|i| resolve(tree, i));
            if item
                .and_then(|i| i.get("properties"))
                .and_then(|p| p.get(key))
                .is_none()
            {
                return Err(err(
                    &path.key("result-key"),
                    format!("`{key}` is not a property of the items of `{results}`"),
                ));
            }
        }
    } else if result_key.is_some() {
        return Err(err(&path.key("result-key"), "needs `results`".into()));
    }
    Ok(BatchField {
        field,
        max_items,
        results,
        result_key,
    })
}

/// The item limits of a request schema's list properties. Item limits deeper in the body
/// (inside nested objects or lists) are refused rather than left unenforced.
fn list_limits(
    label: &str,
    tree: &Value,
    schema: &Map<String, Value>,
    path: &SpecPath,
) -> Result<Vec<ListLimit>> {
    let mut limits = Vec::new();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Ok(limits);
    };
    for (name, prop) in props {
        let prop = resolve(tree, prop);
        let min_items = prop.get("minItems").and_then(Value::as_u64);
        let max_items = prop.get("maxItems").and_then(Value::as_u64);
        let items = item_limits(prop);
        if min_items.is_some() || max_items.is_some() || items.any() {
            limits.push(ListLimit {
                field: name.clone(),
                min_items,
                max_items,
                items,
            });
        }
        let mut nested = Vec::new();
        collect_nested_item_limits(
            tree,
            prop,
            &path.key("properties").key(name),
            true,
            &mut nested,
            &mut std::collections::HashSet::new(),
        );
        if let Some(deep) = nested.first() {
            return Err(CodegenError::spec(
                label,
                deep.as_str(),
                "item limits below the request's top-level fields are not enforced by the generator; move the list up or drop the limit",
            ));
        }
    }
    Ok(limits)
}

/// The limits of a list property's items, when they are strings written in place (a `$ref`
/// is a schema of its own, which typify checks as a type).
pub(crate) fn item_limits(list: &Value) -> ItemLimits {
    let Some(items) = list.get("items").filter(|i| {
        i.get("$ref").is_none() && i.get("type").and_then(Value::as_str) == Some("string")
    }) else {
        return ItemLimits::default();
    };
    ItemLimits {
        min_length: items.get("minLength").and_then(Value::as_u64),
        max_length: items.get("maxLength").and_then(Value::as_u64),
        pattern: items
            .get("pattern")
            .and_then(Value::as_str)
            .map(String::from),
    }
}

/// Collects the paths of item limits below the top of `schema`. `seen` holds the schemas
/// already walked, by address: a schema reached again (a recursive one, or one shared by
/// several fields) is walked once.
fn collect_nested_item_limits<'a>(
    tree: &'a Value,
    schema: &'a Value,
    path: &SpecPath,
    top: bool,
    found: &mut Vec<SpecPath>,
    seen: &mut std::collections::HashSet<usize>,
) {
    let schema = resolve(tree, schema);
    if !seen.insert(std::ptr::from_ref(schema) as usize) {
        return;
    }
    if !top && (schema.get("minItems").is_some() || schema.get("maxItems").is_some()) {
        found.push(path.clone());
    }
    if let Some(items) = schema.get("items") {
        collect_nested_item_limits(tree, items, &path.key("items"), false, found, seen);
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let at = path.key("properties").key(name);
            collect_nested_item_limits(tree, prop, &at, false, found, seen);
        }
    }
}

fn error_codes(label: &str, node: Option<&Value>, path: &SpecPath) -> Result<Vec<ErrorCode>> {
    error_codes_map(label, node, path, "description")
}

/// A map of error code → text (`what` names the text in messages), sorted by code.
fn error_codes_map(
    label: &str,
    node: Option<&Value>,
    path: &SpecPath,
    what: &str,
) -> Result<Vec<ErrorCode>> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let map = node.as_object().ok_or_else(|| {
        CodegenError::spec(
            label,
            path.as_str(),
            format!("must map each error code to its {what}"),
        )
    })?;
    let mut codes = map
        .iter()
        .map(|(code, description)| {
            if !is_error_code(code) {
                return Err(CodegenError::spec(
                    label,
                    path.key(code).as_str(),
                    format!("`{code}` is not an error code (dotted PascalCase parts)"),
                ));
            }
            let description = description.as_str().ok_or_else(|| {
                CodegenError::spec(
                    label,
                    path.key(code).as_str(),
                    format!("the {what} must be a string"),
                )
            })?;
            Ok(ErrorCode {
                code: code.clone(),
                description: description.to_owned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    codes.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(codes)
}
