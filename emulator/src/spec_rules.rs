//! What the emulator enforces, read from the spec: service, version, and per action its
//! request schema and rate limit. Nothing here is a constant of the emulator's own.

use serde_json::Value;
use std::collections::HashMap;

/// The workspace's spec, embedded so the binary runs from anywhere: the crate's own copy of
/// `spec/gse.yaml` (written by `cargo xtask generate`), so that its package holds it too.
pub const EMBEDDED_SPEC: &str = include_str!("../spec/gse.yaml");

/// The rules of one action.
#[derive(Clone, Debug)]
pub struct ActionRules {
    /// The action's name (`X-TC-Action`).
    pub name: String,
    /// Requests per second per SecretId (`x-tc-rate-limit`).
    pub rate_limit: u32,
    /// The request body's schema (a `$ref` or an inline schema).
    pub request_schema: Value,
}

/// The rules of a whole spec.
#[derive(Clone, Debug)]
pub struct SpecRules {
    /// The whole document, for resolving `$ref`s.
    pub root: Value,
    /// The service in the credential scope (`x-tc-service`).
    pub service: String,
    /// The only version accepted (`x-tc-version`).
    pub version: String,
    /// The actions by name.
    pub actions: HashMap<String, ActionRules>,
    /// Every `pattern` of the spec, compiled once.
    pub patterns: HashMap<String, regress::Regex>,
}

fn collect_patterns(
    node: &Value,
    found: &mut HashMap<String, regress::Regex>,
) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get("pattern") {
                let re = regress::Regex::new(p).map_err(|e| format!("pattern {p:?}: {e}"))?;
                found.insert(p.clone(), re);
            }
            map.values().try_for_each(|v| collect_patterns(v, found))
        }
        Value::Array(items) => items.iter().try_for_each(|v| collect_patterns(v, found)),
        _ => Ok(()),
    }
}

/// `root.pointer(path)` (RFC 6901) without an allocation per token when no token is escaped.
fn pointer<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    if path.contains('~') {
        return root.pointer(path);
    }
    if path.is_empty() {
        return Some(root);
    }
    path.strip_prefix('/')?
        .split('/')
        .try_fold(root, |target, token| match target {
            Value::Object(map) => map.get(token),
            Value::Array(items) => {
                // As serde_json reads an index: digits, no sign, no leading zero.
                if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)
            }
            _ => None,
        })
}

impl SpecRules {
    /// Reads the rules from a spec's YAML text.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        let root: Value =
            serde_yaml::from_str(text).map_err(|e| format!("the spec is not YAML: {e}"))?;
        let text_of = |key: &str| {
            root.get(key)
                .and_then(Value::as_str)
                .map(String::from)
                .ok_or_else(|| format!("the spec has no {key}"))
        };
        let service = text_of("x-tc-service")?;
        let version = text_of("x-tc-version")?;
        let mut actions = HashMap::new();
        for (path, item) in root
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the spec has no paths")?
        {
            let Some(op) = item.get("post") else { continue };
            let name = op
                .get("x-tc-action")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("paths.{path}.post has no x-tc-action"))?;
            let rate_limit = op
                .get("x-tc-rate-limit")
                .and_then(Value::as_u64)
                .and_then(|r| u32::try_from(r).ok())
                .ok_or_else(|| format!("paths.{path}.post has no x-tc-rate-limit"))?;
            let request_schema = op
                .pointer("/requestBody/content/application~1json/schema")
                .cloned()
                .ok_or_else(|| format!("paths.{path}.post has no JSON request body"))?;
            actions.insert(
                name.to_owned(),
                ActionRules {
                    name: name.to_owned(),
                    rate_limit,
                    request_schema,
                },
            );
        }
        let mut patterns = HashMap::new();
        collect_patterns(&root, &mut patterns)?;
        Ok(Self {
            patterns,
            root,
            service,
            version,
            actions,
        })
    }

    /// The embedded workspace spec's rules.
    #[must_use]
    pub fn embedded() -> Self {
        Self::from_yaml(EMBEDDED_SPEC).expect("the embedded spec is valid (checked by codegen)")
    }

    /// Follows `$ref`s until a schema object.
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut current = schema;
        for _ in 0..32 {
            match current.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| pointer(&self.root, p)) {
                    Some(target) => current = target,
                    None => return current,
                },
                None => return current,
            }
        }
        current
    }

    /// The `maxItems` of an array field of an action's request (for the admin and docs).
    pub fn max_items(&self, action: &str, field: &str) -> Option<u64> {
        let rules = self.actions.get(action)?;
        let schema = self.resolve(&rules.request_schema);
        let prop = self.resolve(schema.get("properties")?.get(field)?);
        prop.get("maxItems").and_then(Value::as_u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_resolve_as_serde_json_resolves_them() {
        let root = serde_json::json!({
            "a": {"b": [10, {"c": 1}], "x/y": 2, "m~n": 3, "": 4},
            "0": "zero",
        });
        for path in [
            "",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/01",
            "/a/b/+1",
            "/a/b/2",
            "/a/b/x",
            "/a/x~1y",
            "/a/m~0n",
            "/a/",
            "/0",
            "a",
            "/a/b/1/c/d",
            "/nope",
            "/a/b/18446744073709551616",
        ] {
            assert_eq!(pointer(&root, path), root.pointer(path), "{path:?}");
        }
    }
}
