//! Parameters sent flattened, as the official SDKs send them in a query string (GET) or a
//! form body (the HmacSHA1/HmacSHA256 signatures): `PlayerIds.0=a&PlayerIds.1=b`,
//! `PlayerDataMap.Key=k`, `List.0.Field=x`. [`unflatten`] turns them back into the JSON
//! object the JSON path validates, guided by the action's schema for scalar types (a
//! boolean may come as `true` or Python's `True`, a number as decimal text), so every check
//! of the spec applies to them unchanged.

use crate::api_error::ApiError;
use crate::spec_rules::SpecRules;
use crate::text::shown;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The deepest nesting of dotted names accepted (`A.0.B.1.C` is 5).
pub const MAX_DEPTH: usize = 16;

/// Decodes `application/x-www-form-urlencoded` text (a query string or a form body): pairs
/// separated by `&`, `+` is a space, `%XX` bytes that must form UTF-8. A pair without `=`
/// has an empty value; empty pairs (`a=1&&b=2`) are skipped.
pub fn form_decode(text: &str) -> Result<Vec<(String, String)>, ApiError> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_component(key)?, decode_component(value)?))
        })
        .collect()
}

fn decode_component(text: &str) -> Result<String, ApiError> {
    let plus_as_space = text.replace('+', " ");
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(&plus_as_space).collect();
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            "InvalidParameter",
            format!(
                "the form-encoded parameter text {:?} does not decode to UTF-8",
                shown(text)
            ),
        )
    })
}

/// A dotted name's tree before it becomes JSON: a leaf (the text given) or named children.
enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

/// Rebuilds the JSON object of flattened `pairs`: `A.N` (N a decimal index) makes a list
/// ordered by the numeric index (`.0, .1, .2, …, .10`: the order the pairs came in does not
/// matter; indices must run from 0 without a gap), `A.K` an object. Leaves are strings,
/// turned into booleans or numbers where `schema` (the action's request schema) wants them.
/// A name given twice, or both as a value and as a prefix (`A=1&A.0=2`), is
/// `InvalidParameter`.
pub fn unflatten(
    rules: &SpecRules,
    schema: &Value,
    pairs: &[(String, String)],
) -> Result<Value, ApiError> {
    let mut root = BTreeMap::new();
    for (name, value) in pairs {
        let segments: Vec<&str> = name.split('.').collect();
        if segments.len() > MAX_DEPTH {
            return Err(ApiError::new(
                "InvalidParameter",
                format!(
                    "the parameter name {:?} nests {} levels; at most {MAX_DEPTH} are accepted",
                    shown(name),
                    segments.len()
                ),
            ));
        }
        insert(&mut root, &segments, value, name)?;
    }
    let value = to_json(Node::Branch(root), "")?;
    Ok(typed(rules, schema, value))
}

fn conflict(name: &str) -> ApiError {
    ApiError::new(
        "InvalidParameter",
        format!(
            "the parameter `{}` is given more than once, or both as a value and as a list or object",
            shown(name)
        ),
    )
}

fn insert(
    node: &mut BTreeMap<String, Node>,
    segments: &[&str],
    value: &str,
    name: &str,
) -> Result<(), ApiError> {
    let Some((first, rest)) = segments.split_first() else {
        return Err(conflict(name));
    };
    if rest.is_empty() {
        if node.contains_key(*first) {
            return Err(conflict(name));
        }
        node.insert((*first).to_owned(), Node::Leaf(value.to_owned()));
        return Ok(());
    }
    match node
        .entry((*first).to_owned())
        .or_insert_with(|| Node::Branch(BTreeMap::new()))
    {
        Node::Branch(children) => insert(children, rest, value, name),
        Node::Leaf(_) => Err(conflict(name)),
    }
}

fn is_index(segment: &str) -> bool {
    !segment.is_empty() && segment.len() <= 9 && segment.bytes().all(|b| b.is_ascii_digit())
}

fn to_json(node: Node, path: &str) -> Result<Value, ApiError> {
    let children = match node {
        Node::Leaf(text) => return Ok(Value::String(text)),
        Node::Branch(children) => children,
    };
    let child_path = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    if !path.is_empty() && !children.is_empty() && children.keys().all(|k| is_index(k)) {
        let mut indexed: Vec<(u32, String, Node)> = children
            .into_iter()
            .map(|(k, v)| (k.parse().unwrap_or(u32::MAX), k, v))
            .collect();
        indexed.sort_by_key(|(i, _, _)| *i);
        let mut items = Vec::with_capacity(indexed.len());
        for (expected, (index, key, child)) in indexed.into_iter().enumerate() {
            if u64::from(index) != expected as u64 {
                return Err(ApiError::new(
                    "InvalidParameter",
                    format!(
                        "the list `{path}` has no item {expected} (`{path}.{key}` given): items are numbered from 0 without a gap"
                    ),
                ));
            }
            items.push(to_json(child, &child_path(&key))?);
        }
        return Ok(Value::Array(items));
    }
    let mut map = Map::new();
    for (key, child) in children {
        let value = to_json(child, &child_path(&key))?;
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

/// Turns string leaves into the booleans and numbers `schema` wants; text that is not one
/// stays a string (and the schema check then names the field and the type).
fn typed(rules: &SpecRules, schema: &Value, value: Value) -> Value {
    let schema = rules.resolve(schema);
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("object"), Value::Object(map)) => {
            let props = schema.get("properties").and_then(Value::as_object);
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match props.and_then(|p| p.get(&k)) {
                            Some(child) => typed(rules, child, v),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
        (Some("array"), Value::Array(items)) => match schema.get("items") {
            Some(item_schema) => Value::Array(
                items
                    .into_iter()
                    .map(|item| typed(rules, item_schema, item))
                    .collect(),
            ),
            None => Value::Array(items),
        },
        (Some("boolean"), Value::String(text)) => match text.as_str() {
            "true" | "True" => Value::Bool(true),
            "false" | "False" => Value::Bool(false),
            _ => Value::String(text),
        },
        (Some("integer"), Value::String(text)) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or(Value::String(text)),
        (Some("number"), Value::String(text)) => text
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            })
            .unwrap_or(Value::String(text)),
        (_, value) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(text: &str) -> Vec<(String, String)> {
        form_decode(text).unwrap()
    }

    fn rules_and_schema() -> (SpecRules, Value) {
        let rules = SpecRules::embedded();
        let schema = rules.actions[crate::actions::JOIN_ACTION]
            .request_schema
            .clone();
        (rules, schema)
    }

    #[test]
    fn form_decoding_as_python_and_node_encode() {
        // Python (quote_plus) and Node (querystring + WHATWG URL) encodings of the same values.
        let python = "GameServerSessionId=gss+1%2Fx~y%2Az%27%28a%29%21&PlayerIds.0=p+1&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc";
        let node = "GameServerSessionId=gss%201%2Fx~y*z%27(a)!&PlayerIds.0=p%201&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc";
        let want = vec![
            (
                "GameServerSessionId".to_owned(),
                "gss 1/x~y*z'(a)!".to_owned(),
            ),
            ("PlayerIds.0".to_owned(), "p 1".to_owned()),
            ("PlayerIds.1".to_owned(), "p+2".to_owned()),
            ("PlayerIds.2".to_owned(), "é".to_owned()),
            ("PlayerIds.3".to_owned(), "a&b=c".to_owned()),
        ];
        assert_eq!(pairs(python), want);
        assert_eq!(pairs(node), want);
        assert_eq!(
            pairs("a&&b=&c=1"),
            vec![
                ("a".into(), "".into()),
                ("b".into(), "".into()),
                ("c".into(), "1".into())
            ]
        );
        let e = form_decode("a=%C3").unwrap_err();
        assert_eq!(e.code, "InvalidParameter");
    }

    #[test]
    fn lists_follow_the_numeric_index_and_objects_their_keys() {
        let (rules, schema) = rules_and_schema();
        // Go sends the keys sorted as text: .0, .1, .10, .11, .2, ...
        let mut text =
            String::from("GameServerSessionId=g&PlayerDataMap.Key=k&PlayerDataMap.Value=v+v");
        let mut ids: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        ids.sort();
        for i in &ids {
            text.push_str(&format!("&PlayerIds.{i}=p{i}"));
        }
        let value = unflatten(&rules, &schema, &pairs(&text)).unwrap();
        let want: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        assert_eq!(
            value,
            json!({"GameServerSessionId": "g", "PlayerIds": want, "PlayerDataMap": {"Key": "k", "Value": "v v"}})
        );
    }

    #[test]
    fn nested_lists_of_objects_and_typed_scalars() {
        let rules = SpecRules::embedded();
        let schema = json!({"type": "object", "properties": {
            "B": {"type": "boolean"}, "F": {"type": "boolean"}, "N": {"type": "integer"},
            "D": {"type": "number"},
            "LO": {"type": "array", "items": {"type": "object", "properties": {"V": {"type": "integer"}}}}}});
        let value = unflatten(
            &rules,
            &schema,
            &pairs("B=True&F=false&N=5&D=1.5&LO.0.K=x&LO.0.V=2&LO.1.K=y&O.In.Deep=y&S=True"),
        )
        .unwrap();
        assert_eq!(
            value,
            json!({"B": true, "F": false, "N": 5, "D": 1.5,
                   "LO": [{"K": "x", "V": 2}, {"K": "y"}], "O": {"In": {"Deep": "y"}}, "S": "True"})
        );
        // Text that is not of the wanted type stays text: the schema check names it.
        let value = unflatten(&rules, &schema, &pairs("N=five&B=yes")).unwrap();
        assert_eq!(value, json!({"N": "five", "B": "yes"}));
    }

    #[test]
    fn conflicts_gaps_and_depth_are_refused() {
        let (rules, schema) = rules_and_schema();
        for (text, needle) in [
            ("A=1&A=2", "`A` is given more than once"),
            ("A=1&A.0=2", "`A.0` is given more than once"),
            ("A.0=1&A=2", "`A` is given more than once"),
            (
                "PlayerIds.0=a&PlayerIds.2=c",
                "has no item 1 (`PlayerIds.2` given)",
            ),
            ("PlayerIds.1=a", "has no item 0"),
            ("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q=1", "nests 17 levels"),
        ] {
            let e = unflatten(&rules, &schema, &pairs(text)).unwrap_err();
            assert_eq!(e.code, "InvalidParameter", "{text}");
            assert!(e.message.contains(needle), "{text}: {}", e.message);
        }
    }

    #[test]
    fn a_flat_value_where_a_list_is_wanted_is_left_for_the_schema_check() {
        let (rules, schema) = rules_and_schema();
        let value = unflatten(
            &rules,
            &schema,
            &pairs("GameServerSessionId=g&PlayerIds=p1"),
        )
        .unwrap();
        let e = crate::validate::check(&rules, &schema, &value).unwrap_err();
        assert_eq!(e.code, "InvalidParameter");
        assert!(
            e.message.contains("`PlayerIds` must be an array"),
            "{}",
            e.message
        );
    }
}
