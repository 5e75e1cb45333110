//! Checks a request body against the action's schema from the spec, the way the service
//! reports problems: a missing field is MissingParameter, an unknown one UnknownParameter,
//! a wrong type InvalidParameter, a broken limit InvalidParameterValue. Each message names
//! the field, the limit and the value given.

use crate::api_error::ApiError;
use crate::spec_rules::SpecRules;
use crate::text::shown;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Checks `body` against `schema`.
pub fn check(rules: &SpecRules, schema: &Value, body: &Value) -> Result<(), ApiError> {
    check_at(rules, schema, body, &Path::Root)
}

/// Checks one field's `value` against its `schema`; errors name the field `name`.
pub fn check_field(
    rules: &SpecRules,
    schema: &Value,
    value: &Value,
    name: &str,
) -> Result<(), ApiError> {
    check_at(rules, schema, value, &Path::Named(name))
}

/// Where a value sits in the body, written out only when an error names it.
#[derive(Clone, Copy)]
enum Path<'a> {
    /// The body itself.
    Root,
    /// A name given whole (a field checked alone).
    Named(&'a str),
    /// A field of an object.
    Field(&'a Path<'a>, &'a str),
    /// An item of an array.
    Item(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn is_root(&self) -> bool {
        matches!(self, Path::Root) || matches!(self, Path::Named(name) if name.is_empty())
    }

    /// `A.B[2].C`, as errors name fields.
    fn text(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Named(name) => name.to_string(),
            Path::Field(parent, key) => join(&parent.text(), key),
            Path::Item(parent, i) => format!("{}[{i}]", parent.text()),
        }
    }
}

/// Parses a request body as JSON, refusing what `serde_json::Value` would silently accept:
/// a key twice in one object (where the last would win). Errors are `InvalidParameter`,
/// naming the duplicated key.
pub fn parse_body(text: &str) -> Result<Value, ApiError> {
    match serde_json::from_str::<Strict>(text) {
        Ok(Strict(value)) => Ok(value),
        Err(e) if e.classify() == serde_json::error::Category::Data => Err(ApiError::new(
            "InvalidParameter",
            format!("the request body is refused: {e}"),
        )),
        Err(e) => Err(ApiError::new(
            "InvalidParameter",
            format!("the request body is not valid JSON: {e}"),
        )),
    }
}

/// A JSON value whose objects have each key once.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} is not finite")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Strict::deserialize(deserializer).map(|s| s.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key {:?} appears twice in one object (each key may appear once)",
                    shown(&key)
                )));
            }
            let Strict(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
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

fn check_at(
    rules: &SpecRules,
    schema: &Value,
    value: &Value,
    path: &Path<'_>,
) -> Result<(), ApiError> {
    let schema = rules.resolve(schema);
    let field = || {
        if path.is_root() {
            "the request body".to_owned()
        } else {
            path.text()
        }
    };
    let wrong_type = |expected: &str| {
        ApiError::new(
            "InvalidParameter",
            format!(
                "`{}` must be {expected}, {} was given",
                field(),
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
                        format!(
                            "the required parameter `{}` is missing",
                            Path::Field(path, name).text()
                        ),
                    ));
                }
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, child) in map {
                match props.and_then(|p| p.get(name)) {
                    Some(_) if child.is_null() => {}
                    Some(child_schema) => {
                        check_at(rules, child_schema, child, &Path::Field(path, name))?
                    }
                    None if closed => {
                        return Err(ApiError::new(
                            "UnknownParameter",
                            format!(
                                "the parameter `{}` is not recognized",
                                Path::Field(path, name).text()
                            ),
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
                        format!("`{}`: {n} items given, at least {min} required", field()),
                    ));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if n > max {
                    return Err(ApiError::new(
                        "InvalidParameterValue",
                        format!("`{}`: {n} items given, at most {max} allowed", field()),
                    ));
                }
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_at(rules, item_schema, item, &Path::Item(path, i))?;
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
                            "`{}`: {n} characters given ({:?}), at least {min} required",
                            field(),
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
                            "`{}`: {n} characters given ({:?}), at most {max} allowed",
                            field(),
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
                            "`{}`: {:?} does not match the pattern {pattern}",
                            field(),
                            shown(text)
                        ),
                    ));
                }
            }
            Ok(())
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => Err(wrong_type("an integer")),
        Some("integer")
            if schema
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint"))
                && value.as_i64().is_some_and(|n| n < 0) =>
        {
            Err(ApiError::new(
                "InvalidParameterValue",
                format!("`{}`: {value} given, at least 0 allowed", field()),
            ))
        }
        Some("number") if !value.is_number() => Err(wrong_type("a number")),
        Some("boolean") if !value.is_boolean() => Err(wrong_type("a boolean")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_twice_in_one_object_is_refused_naming_it() {
        for (body, key) in [
            (
                r#"{"GameServerSessionId":"a","GameServerSessionId":"b"}"#,
                "GameServerSessionId",
            ),
            (
                r#"{"PlayerDataMap":{"Key":"k","Value":"v","Key":"x"}}"#,
                "Key",
            ),
            (r#"[{"a":1},{"b":1,"b":2}]"#, "b"),
        ] {
            let e = parse_body(body).unwrap_err();
            assert_eq!(e.code, "InvalidParameter", "{body}");
            assert!(
                e.message
                    .contains(&format!("the key {key:?} appears twice")),
                "{body}: {}",
                e.message
            );
        }
    }

    #[test]
    fn player_ids_the_read_back_cannot_filter_by_are_refused_naming_the_item() {
        let rules = SpecRules::embedded();
        let schema = &rules.actions["JoinGameServerSessionBatch"].request_schema;
        let body =
            |id: &str| serde_json::json!({"GameServerSessionId": "s", "PlayerIds": ["ok", id]});
        for (id, says) in [
            ("é", "does not match"),
            ("", "at least 1"),
            (&"p".repeat(1025) as &str, "at most 1024"),
        ] {
            let error = check(&rules, schema, &body(id)).unwrap_err();
            assert_eq!(error.code, "InvalidParameterValue", "{id:?}");
            assert!(
                error.message.contains("PlayerIds") && error.message.contains(says),
                "{id:?}: {}",
                error.message
            );
        }
        assert!(check(&rules, schema, &body(&"p".repeat(1024))).is_ok());
    }

    #[test]
    fn an_unsigned_integer_below_zero_is_refused_naming_the_field() {
        let rules = SpecRules::embedded();
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"Limit": {"type": "integer", "format": "uint64"}}
        });
        let error = check(&rules, &schema, &serde_json::json!({"Limit": -1})).unwrap_err();
        assert_eq!(error.code, "InvalidParameterValue");
        assert!(
            error.message.contains("`Limit`: -1 given, at least 0"),
            "{}",
            error.message
        );
        assert!(check(&rules, &schema, &serde_json::json!({"Limit": 0})).is_ok());
        assert!(check(&rules, &schema, &serde_json::json!({"Limit": u64::MAX})).is_ok());
    }

    #[test]
    fn bodies_without_duplicates_parse_as_serde_json_does() {
        for body in [
            r#"{"GameServerSessionId":"a","PlayerIds":["p1","p2"],"PlayerDataMap":{"Key":"k","Value":"v"}}"#,
            r#"{"a":{"a":{"a":1}},"n":-1.5e3,"u":18446744073709551615,"t":true,"z":null}"#,
            "[]",
            "\"text\"",
        ] {
            assert_eq!(
                parse_body(body).unwrap(),
                serde_json::from_str::<Value>(body).unwrap(),
                "{body}"
            );
        }
        for bad in ["{", "", "{\"a\":1} x", "nul"] {
            let e = parse_body(bad).unwrap_err();
            assert!(e.message.contains("not valid JSON"), "{bad}: {}", e.message);
        }
    }
}
