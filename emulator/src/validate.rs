//! Checks a request body against the action's schema from the spec, the way the service
//! reports problems: a missing field is MissingParameter, an unknown one UnknownParameter,
//! a wrong type InvalidParameter, a broken limit InvalidParameterValue. Each message names
//! the field, the limit and the value given.

use crate::api_error::ApiError;
use crate::spec_rules::SpecRules;
use serde_json::Value;

/// Checks `body` against `schema`.
pub fn check(rules: &SpecRules, schema: &Value, body: &Value) -> Result<(), ApiError> {
    check_at(rules, schema, body, "")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn shown(text: &str) -> String {
    const MAX: usize = 64;
    if text.chars().count() <= MAX {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}…")
    }
}

fn check_at(rules: &SpecRules, schema: &Value, value: &Value, path: &str) -> Result<(), ApiError> {
    let schema = rules.resolve(schema);
    let field = if path.is_empty() {
        "the request body"
    } else {
        path
    };
    let wrong_type = |expected: &str| {
        ApiError::new(
            "InvalidParameter",
            format!(
                "`{field}` must be {expected}, {} was given",
                type_name(value)
            ),
        )
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Value::Object(map) = value else {
                return Err(wrong_type("an object"));
            };
            let props = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if map.get(name).is_none_or(Value::is_null) {
                    return Err(ApiError::new(
                        "MissingParameter",
                        format!("the required parameter `{}` is missing", join(path, name)),
                    ));
                }
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, child) in map {
                match props.and_then(|p| p.get(name)) {
                    Some(_) if child.is_null() => {}
                    Some(child_schema) => check_at(rules, child_schema, child, &join(path, name))?,
                    None if closed => {
                        return Err(ApiError::new(
                            "UnknownParameter",
                            format!("the parameter `{}` is not recognized", join(path, name)),
                        ))
                    }
                    None => {}
                }
            }
            Ok(())
        }
        Some("array") => {
            let Value::Array(items) = value else {
                return Err(wrong_type("an array"));
            };
            let n = items.len() as u64;
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if n < min {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("`{field}`: {n} items given, at least {min} required"),
                    ));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if n > max {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("`{field}`: {n} items given, at most {max} allowed"),
                    ));
                }
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_at(rules, item_schema, item, &format!("{path}[{i}]"))?;
                }
            }
            Ok(())
        }
        Some("string") => {
            let Value::String(text) = value else {
                return Err(wrong_type("a string"));
            };
            let n = text.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if n < min {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!(
                            "`{field}`: {n} characters given ({}), at least {min} required",
                            shown(text)
                        ),
                    ));
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if n > max {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!(
                            "`{field}`: {n} characters given ({}), at most {max} allowed",
                            shown(text)
                        ),
                    ));
                }
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                let matches = rules
                    .patterns
                    .get(pattern)
                    .is_none_or(|re| re.find(text).is_some());
                if !matches {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!(
                            "`{field}`: {} does not match the pattern {pattern}",
                            shown(text)
                        ),
                    ));
                }
            }
            Ok(())
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => Err(wrong_type("an integer")),
        Some("number") if !value.is_number() => Err(wrong_type("a number")),
        Some("boolean") if !value.is_boolean() => Err(wrong_type("a boolean")),
        _ => Ok(()),
    }
}
