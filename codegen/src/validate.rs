//! Checks of the spec tree that need no knowledge of a particular API: `$ref`s resolve,
//! `x-tc-*` extensions sit where they belong, and schema constraints agree with each other.

use crate::error::{CodegenError, Result};
use crate::extensions::{ITEMS_EXTENSIONS, OPERATION_EXTENSIONS, ROOT_EXTENSIONS};
use crate::spec_path::SpecPath;
use serde_json::{Map, Value};

/// Runs every generic check over `tree`, stopping at the first problem.
pub(crate) fn check(label: &str, tree: &Value) -> Result<()> {
    check_openapi_version(label, tree)?;
    walk(label, tree, tree, &SpecPath::root(), Place::Root)?;
    for_each_schema(tree, &mut |schema, path| check_schema(label, schema, path))
}

fn check_openapi_version(label: &str, tree: &Value) -> Result<()> {
    match tree.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(CodegenError::spec(
            label,
            "openapi",
            format!("version `{v}` is not supported; use 3.0.x"),
        )),
        None => Err(CodegenError::spec(label, "openapi", "missing")),
    }
}

/// Where a node sits, for deciding which extensions it may carry.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Root,
    Paths,
    PathItem,
    Operation,
    /// A schema's `items`.
    Items,
    Other,
}

const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn walk(label: &str, root: &Value, node: &Value, path: &SpecPath, place: Place) -> Result<()> {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let child = path.key(key);
                if key == "$ref" {
                    check_ref(label, root, value, &child)?;
                    continue;
                }
                if key.starts_with("x-tc-") {
                    check_extension_place(label, key, place, &child)?;
                }
                // Examples are data, not spec: their keys are not inspected.
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                let child_place = match place {
                    Place::Root if key == "paths" => Place::Paths,
                    Place::Paths => Place::PathItem,
                    Place::PathItem if HTTP_METHODS.contains(&key.as_str()) => Place::Operation,
                    _ if key == "items" => Place::Items,
                    _ => Place::Other,
                };
                walk(label, root, value, &child, child_place)?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| walk(label, root, item, &path.index(i), Place::Other)),
        _ => Ok(()),
    }
}

fn check_extension_place(label: &str, key: &str, place: Place, path: &SpecPath) -> Result<()> {
    let (allowed, where_) = match place {
        Place::Root => (ROOT_EXTENSIONS, "at the document root"),
        Place::Operation => (OPERATION_EXTENSIONS, "on an operation"),
        Place::Items => (ITEMS_EXTENSIONS, "on a list's items"),
        Place::Paths | Place::PathItem | Place::Other => (&[][..], "here"),
    };
    if allowed.contains(&key) {
        return Ok(());
    }
    let known = ROOT_EXTENSIONS
        .iter()
        .map(|k| format!("{k} (root)"))
        .chain(
            OPERATION_EXTENSIONS
                .iter()
                .map(|k| format!("{k} (operation)")),
        )
        .chain(ITEMS_EXTENSIONS.iter().map(|k| format!("{k} (items)")))
        .collect::<Vec<_>>()
        .join(", ");
    Err(CodegenError::spec(
        label,
        path.as_str(),
        format!("unknown extension `{key}` {where_}; known extensions: {known}"),
    ))
}

fn check_ref(label: &str, root: &Value, value: &Value, path: &SpecPath) -> Result<()> {
    let Some(target) = value.as_str() else {
        return Err(CodegenError::spec(label, path.as_str(), "must be a string"));
    };
    let Some(pointer) = target.strip_prefix('#') else {
        return Err(CodegenError::spec(
            label,
            path.as_str(),
            format!("`{target}` points outside this document; only local references (`#/...`) are supported"),
        ));
    };
    if root.pointer(pointer).is_none() {
        return Err(CodegenError::spec(
            label,
            path.as_str(),
            format!(
                "`{target}` does not resolve: no node at {}",
                SpecPath::from_pointer(pointer)
            ),
        ));
    }
    Ok(())
}

/// A callback given each schema object and its path.
pub(crate) type SchemaVisitor<'f> = dyn FnMut(&Map<String, Value>, &SpecPath) -> Result<()> + 'f;

/// Calls `f` on every schema object of the document: components, bodies, responses,
/// parameters and everything nested in them (properties, items, compositions).
pub(crate) fn for_each_schema(tree: &Value, f: &mut SchemaVisitor<'_>) -> Result<()> {
    let root = SpecPath::root();
    if let Some(schemas) = tree
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        let base = root.key("components").key("schemas");
        for (name, schema) in schemas {
            visit_schema(schema, &base.key(name), f)?;
        }
    }
    if let Some(paths) = tree.get("paths").and_then(Value::as_object) {
        for (p, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let op_path = root.key("paths").key(p).key(method);
                visit_operation_schemas(op, &op_path, f)?;
            }
        }
    }
    Ok(())
}

fn content_schemas<'a>(node: Option<&'a Value>, base: &SpecPath) -> Vec<(&'a Value, SpecPath)> {
    node.and_then(|n| n.get("content"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(media, m)| {
            m.get("schema")
                .map(|s| (s, base.key("content").key(media).key("schema")))
        })
        .collect()
}

fn visit_operation_schemas(
    op: &Value,
    op_path: &SpecPath,
    f: &mut SchemaVisitor<'_>,
) -> Result<()> {
    let mut found = content_schemas(op.get("requestBody"), &op_path.key("requestBody"));
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            found.extend(content_schemas(
                Some(response),
                &op_path.key("responses").key(status),
            ));
        }
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        for (i, p) in params.iter().enumerate() {
            if let Some(s) = p.get("schema") {
                found.push((s, op_path.key("parameters").index(i).key("schema")));
            }
        }
    }
    found
        .into_iter()
        .try_for_each(|(schema, path)| visit_schema(schema, &path, f))
}

fn visit_schema(schema: &Value, path: &SpecPath, f: &mut SchemaVisitor<'_>) -> Result<()> {
    let Some(map) = schema.as_object() else {
        return Ok(());
    };
    if map.contains_key("$ref") {
        return Ok(());
    }
    f(map, path)?;
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            visit_schema(prop, &path.key("properties").key(name), f)?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key) {
            visit_schema(child, &path.key(key), f)?;
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            for (i, child) in list.iter().enumerate() {
                visit_schema(child, &path.key(key).index(i), f)?;
            }
        }
    }
    Ok(())
}

/// Checks one schema object's constraints against each other.
fn check_schema(label: &str, schema: &Map<String, Value>, path: &SpecPath) -> Result<()> {
    for (min_key, max_key) in [
        ("minLength", "maxLength"),
        ("minItems", "maxItems"),
        ("minProperties", "maxProperties"),
    ] {
        let min = count(label, schema, min_key, path)?;
        let max = count(label, schema, max_key, path)?;
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                return Err(CodegenError::spec(
                    label,
                    path.key(min_key).as_str(),
                    format!("{min_key} {min} is greater than {max_key} {max}: no value can satisfy both"),
                ));
            }
        }
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    if let (Some(min), Some(max)) = (number("minimum"), number("maximum")) {
        if min > max {
            return Err(CodegenError::spec(
                label,
                path.key("minimum").as_str(),
                format!("minimum {min} is greater than maximum {max}: no value can satisfy both"),
            ));
        }
    }
    if let Some(pattern) = schema.get("pattern") {
        let text = pattern.as_str().unwrap_or_default();
        if let Err(e) = regress::Regex::new(text) {
            return Err(CodegenError::spec(
                label,
                path.key("pattern").as_str(),
                format!("`{text}` is not a valid ECMA-262 regular expression: {e}"),
            ));
        }
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        if values.is_empty() {
            return Err(CodegenError::spec(
                label,
                path.key("enum").as_str(),
                "an empty enum admits no value",
            ));
        }
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        let props = schema.get("properties").and_then(Value::as_object);
        for (i, name) in required.iter().enumerate() {
            let name = name.as_str().unwrap_or_default();
            if !props.is_some_and(|p| p.contains_key(name)) {
                return Err(CodegenError::spec(
                    label,
                    path.key("required").index(i).as_str(),
                    format!("`{name}` is required but is not among the schema's properties"),
                ));
            }
        }
    }
    Ok(())
}

fn count(
    label: &str,
    schema: &Map<String, Value>,
    key: &str,
    path: &SpecPath,
) -> Result<Option<u64>> {
    match schema.get(key) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            CodegenError::spec(
                label,
                path.key(key).as_str(),
                format!("must be a non-negative integer, found {v}"),
            )
        }),
    }
}
