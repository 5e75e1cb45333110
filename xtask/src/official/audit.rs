//! How faithful a spec is to Tencent's own definition of the service ([`Definition`], tccli's
//! `api.json`) and to the service's list of error codes: actions and their status, field
//! names, types, required-ness, nullability, the limits the field documentation states, and
//! each error code's existence.
//!
//! Requests are held to the definition exactly: a request the spec lets through must be one
//! the service accepts, and the reverse. Answers may be read more leniently than the
//! definition promises (a field optional or nullable that the definition says is always
//! present): that is reported as lenient, not as a contradiction; reading them more strictly
//! (a field required or not nullable that the definition lets be absent or null) is one.

use super::definition::{stated_limits, Definition, Member};
use serde_json::Value;
use std::collections::BTreeSet;
use tc3_codegen::refs::resolve_at;
use tc3_codegen::SpecPath;

/// How a finding weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum AuditClass {
    /// The spec says something the definition contradicts: fix the spec.
    Contradiction,
    /// The spec reads an answer more leniently than the definition promises: on purpose.
    Lenient,
    /// The definition says something the spec does not model (an optional field, a limit
    /// of an answer): for a reviewer to know.
    Note,
}

/// One difference between the spec and the definition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Finding {
    /// How it weighs.
    pub(crate) class: AuditClass,
    /// Where in the spec.
    pub(crate) path: String,
    /// What the spec says.
    pub(crate) what: String,
    /// What the definition says.
    pub(crate) official: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Answer,
}

struct Audit<'a> {
    tree: &'a Value,
    definition: &'a Definition,
    findings: Vec<Finding>,
}

/// Compares the spec `tree` (parsed and checked) with `definition` and the service's error
/// codes (`service_codes`; `None` skips that check).
pub(crate) fn audit(
    tree: &Value,
    definition: &Definition,
    service_codes: Option<&BTreeSet<String>>,
) -> Vec<Finding> {
    let mut audit = Audit {
        tree,
        definition,
        findings: Vec::new(),
    };
    for (key, official) in [
        ("x-tc-service", definition.service()),
        ("x-tc-version", definition.version()),
    ] {
        let spec = tree[key].as_str();
        if let (Some(spec), Some(official)) = (spec, official) {
            if spec != official {
                audit.push(
                    AuditClass::Contradiction,
                    &SpecPath::root().key(key),
                    format!("{key} {spec}"),
                    format!("the definition is of {key} {official}"),
                );
            }
        }
    }
    let Some(paths) = tree["paths"].as_object() else {
        return audit.findings;
    };
    for (route, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            let path = SpecPath::root().key("paths").key(route).key(method);
            if let Some(action) = op["x-tc-action"].as_str() {
                audit.action(&path, op, action, service_codes);
            }
        }
    }
    audit.findings.sort();
    audit.findings
}

impl<'a> Audit<'a> {
    fn push(&mut self, class: AuditClass, path: &SpecPath, what: String, official: String) {
        self.findings.push(Finding {
            class,
            path: path.as_str().to_owned(),
            what,
            official,
        });
    }

    fn action(
        &mut self,
        path: &SpecPath,
        op: &'a Value,
        name: &str,
        service_codes: Option<&BTreeSet<String>>,
    ) {
        let Some(official) = self.definition.action(name) else {
            self.push(
                AuditClass::Contradiction,
                &path.key("x-tc-action"),
                format!("action {name}"),
                "no such action in the definition".into(),
            );
            return;
        };
        let status = op["x-tc-status"].as_str().unwrap_or("online");
        if status != official.status {
            self.push(
                AuditClass::Contradiction,
                &path.key("x-tc-status"),
                format!("status {status}"),
                format!("status {}", official.status),
            );
        }
        if let (Some(codes), Some(listed)) = (service_codes, op["x-tc-error-codes"].as_object()) {
            for code in listed.keys() {
                if !codes.contains(code) {
                    self.push(
                        AuditClass::Contradiction,
                        &path.key("x-tc-error-codes").key(code),
                        format!("error code {code}"),
                        format!("not among the service's {} error codes", codes.len()),
                    );
                }
            }
        }
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        let body_path = path
            .key("requestBody")
            .key("content")
            .key("application/json")
            .key("schema");
        let (schema, schema_path) = self.deref(body, body_path);
        self.object(
            schema,
            &schema_path,
            &official.input,
            Direction::Request,
            &mut Vec::new(),
        );

        let answer = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let answer_path = path
            .key("responses")
            .key("200")
            .key("content")
            .key("application/json")
            .key("schema");
        let (envelope, envelope_path) = self.deref(answer, answer_path);
        let inner_path = envelope_path.key("properties").key("Response");
        let (inner, inner_path) = self.deref(&envelope["properties"]["Response"], inner_path);
        self.object(
            inner,
            &inner_path,
            &official.output,
            Direction::Answer,
            &mut Vec::new(),
        );
    }

    fn object(
        &mut self,
        schema: &Value,
        path: &SpecPath,
        object: &str,
        direction: Direction,
        seen: &mut Vec<String>,
    ) {
        if seen.iter().any(|s| s == object) {
            return;
        }
        seen.push(object.to_owned());
        let Some(members) = self.definition.members(object) else {
            self.push(
                AuditClass::Contradiction,
                path,
                "an object".into(),
                format!("{object} is not an object of the definition"),
            );
            return;
        };
        let properties = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for member in &members {
            let field_path = path.key("properties").key(&member.name);
            match properties.get(&member.name) {
                Some(field) => {
                    let in_required = required.contains(member.name.as_str());
                    self.field(
                        field,
                        &field_path,
                        path,
                        member,
                        in_required,
                        direction,
                        seen,
                    );
                }
                None if direction == Direction::Request && member.required == Some(true) => self
                    .push(
                        AuditClass::Contradiction,
                        &field_path,
                        "absent".into(),
                        format!("{} is a required {} of {object}", member.name, member.kind),
                    ),
                None => self.push(
                    AuditClass::Note,
                    &field_path,
                    "absent".into(),
                    format!(
                        "{} ({}) is an optional member of {object}",
                        member.name, member.kind
                    ),
                ),
            }
        }
        for name in properties.keys() {
            let envelope_error = direction == Direction::Answer && name == "Error";
            if !envelope_error && !members.iter().any(|m| &m.name == name) {
                self.push(
                    AuditClass::Contradiction,
                    &path.key("properties").key(name),
                    format!("field {name}"),
                    format!("{object} has no member {name}"),
                );
            }
        }
        seen.pop();
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        field: &Value,
        path: &SpecPath,
        parent: &SpecPath,
        member: &Member,
        in_required: bool,
        direction: Direction,
        seen: &mut Vec<String>,
    ) {
        let (schema, schema_path) = self.deref(field, path.clone());
        let expected = match member.kind.as_str() {
            "string" => "string",
            "int" => "integer",
            "float" => "number",
            "bool" => "boolean",
            "list" => "array",
            "object" => "object",
            other => other,
        };
        let found = schema["type"]
            .as_str()
            .unwrap_or(if schema["properties"].is_object() {
                "object"
            } else {
                "(none)"
            });
        if found != expected {
            self.push(
                AuditClass::Contradiction,
                &schema_path.key("type"),
                format!("type {found}"),
                format!("{} is a {} ({})", member.name, member.kind, member.member),
            );
            return;
        }
        match (direction, member.required, in_required) {
            (Direction::Request, Some(true), false)
            | (Direction::Request, Some(false) | None, true) => {
                let required = member.required == Some(true);
                self.push(
                    AuditClass::Contradiction,
                    &parent.key("required"),
                    format!(
                        "{} {}",
                        member.name,
                        if in_required { "required" } else { "optional" }
                    ),
                    format!(
                        "{} is {}",
                        member.name,
                        if required { "required" } else { "optional" }
                    ),
                )
            }
            (Direction::Answer, Some(true), false) => self.push(
                AuditClass::Lenient,
                &parent.key("required"),
                format!("{} read as optional", member.name),
                format!("{} is always present", member.name),
            ),
            (Direction::Answer, Some(false), true) => self.push(
                AuditClass::Contradiction,
                &parent.key("required"),
                format!("{} required", member.name),
                format!("{} may be absent", member.name),
            ),
            // May be null, or not said to be always there: an answer without it (an error
            // answer carries only `Error` and `RequestId`) would not parse.
            (Direction::Answer, Some(true), true) if member.nullable => self.push(
                AuditClass::Contradiction,
                &parent.key("required"),
                format!("{} required", member.name),
                format!("{} may be null", member.name),
            ),
            (Direction::Answer, None, true) if member.name != "RequestId" => self.push(
                AuditClass::Contradiction,
                &parent.key("required"),
                format!("{} required", member.name),
                format!(
                    "{} is not said to be always present{}",
                    member.name,
                    if member.nullable {
                        " and may be null"
                    } else {
                        ""
                    }
                ),
            ),
            _ => {}
        }
        if expected == "integer" {
            self.integer_format(schema, &schema_path, member, direction);
        }
        if direction == Direction::Answer {
            let nullable = field["nullable"].as_bool().unwrap_or(false)
                || schema["nullable"].as_bool().unwrap_or(false);
            if member.nullable && !nullable {
                self.push(
                    AuditClass::Contradiction,
                    &path.key("nullable"),
                    "not nullable".into(),
                    format!("{} may be null", member.name),
                );
            } else if !member.nullable && nullable {
                self.push(
                    AuditClass::Lenient,
                    &path.key("nullable"),
                    "nullable".into(),
                    format!("{} is never null", member.name),
                );
            }
        }
        self.limits(schema, &schema_path, member, direction);
        match member.kind.as_str() {
            "object" => self.object(schema, &schema_path, &member.member, direction, seen),
            "list" if self.definition.is_object(&member.member) => {
                let (items, items_path) = self.deref(&schema["items"], schema_path.key("items"));
                self.object(items, &items_path, &member.member, direction, seen);
            }
            "list" => {
                let (items, items_path) = self.deref(&schema["items"], schema_path.key("items"));
                let want = scalar_type(&member.member);
                let got = items["type"].as_str().unwrap_or("(none)");
                if got != want {
                    self.push(
                        AuditClass::Contradiction,
                        &items_path.key("type"),
                        format!("items of type {got}"),
                        format!("{} is a list of {}", member.name, member.member),
                    );
                }
            }
            _ => {}
        }
    }

    fn limits(&mut self, schema: &Value, path: &SpecPath, member: &Member, direction: Direction) {
        let stated = stated_limits(&member.document);
        let checks = [
            ("minLength", stated.min_length),
            ("maxLength", stated.max_length),
            ("minItems", stated.min_items),
            ("maxItems", stated.max_items),
            ("minimum", stated.minimum),
            ("maximum", stated.maximum),
        ];
        let doc = member.document.replace('\n', " ");
        for (key, said) in checks {
            let Some(said) = said else { continue };
            match schema[key].as_u64() {
                Some(spec) if spec == said => {}
                Some(spec) => self.push(
                    AuditClass::Contradiction,
                    &path.key(key),
                    format!("{key} {spec}"),
                    format!("{said}: \"{doc}\""),
                ),
                None if direction == Direction::Request => self.push(
                    AuditClass::Contradiction,
                    &path.key(key),
                    format!("no {key}"),
                    format!("{said}: \"{doc}\""),
                ),
                None => self.push(
                    AuditClass::Note,
                    &path.key(key),
                    format!("no {key} (answers are not checked)"),
                    format!("{said}: \"{doc}\""),
                ),
            }
        }
        if direction == Direction::Request {
            let mut keys: Vec<&str> = checks
                .iter()
                .filter(|(_, said)| said.is_some())
                .map(|(key, _)| *key)
                .collect();
            if stated.ascii {
                keys.push("pattern");
            }
            if member.kind == "list" {
                // A list's stated lengths are its items'; its own keys are item counts.
                let counts: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| k.ends_with("Items"))
                    .collect();
                self.stricter(schema, path, member, &counts, "");
                let (items, items_path) = self.deref(&schema["items"], path.key("items"));
                let mut item_keys: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| !k.ends_with("Items"))
                    .collect();
                if let Some(source) = items["x-tc-limits-of"].as_str() {
                    item_keys.extend(self.limits_of(items, &items_path, source));
                }
                self.stricter(items, &items_path, member, &item_keys, "items' ");
            } else {
                self.stricter(schema, path, member, &keys, "");
            }
        }
        if stated.ascii && direction == Direction::Request {
            let pattern = schema["pattern"].as_str().unwrap_or_default();
            if !is_ascii_pattern(pattern) {
                self.push(
                    AuditClass::Contradiction,
                    &path.key("pattern"),
                    if pattern.is_empty() {
                        "no pattern".to_owned()
                    } else {
                        format!("pattern {pattern}")
                    },
                    format!("ASCII only: \"{doc}\""),
                );
            }
        }
    }

    /// The item limits `x-tc-limits-of` takes from `source` (`Action.Member`, a member of the
    /// action's request): the keys its documentation states, each checked against the
    /// items' value. A source the definition does not have is a contradiction.
    fn limits_of(&mut self, items: &Value, path: &SpecPath, source: &str) -> Vec<&'static str> {
        let at = path.key("x-tc-limits-of");
        let member = source.split_once('.').and_then(|(action, name)| {
            let input = self.definition.action(action)?.input;
            self.definition
                .members(&input)?
                .into_iter()
                .find(|m| m.name == name)
        });
        let Some(member) = member else {
            self.push(
                AuditClass::Contradiction,
                &at,
                format!("limits of {source}"),
                format!("{source} is not a request member of the definition (Action.Member)"),
            );
            return Vec::new();
        };
        let stated = stated_limits(&member.document);
        let doc = member.document.replace('\n', " ");
        let mut keys = Vec::new();
        for (key, said) in [
            ("minLength", stated.min_length),
            ("maxLength", stated.max_length),
        ] {
            let Some(said) = said else { continue };
            keys.push(key);
            if items[key].as_u64() != Some(said) {
                self.push(
                    AuditClass::Contradiction,
                    &path.key(key),
                    match items[key].as_u64() {
                        Some(spec) => format!("items' {key} {spec}"),
                        None => format!("items' no {key}"),
                    },
                    format!("{said}, as {source} states: \"{doc}\""),
                );
            }
        }
        if stated.ascii {
            keys.push("pattern");
            if !is_ascii_pattern(items["pattern"].as_str().unwrap_or_default()) {
                self.push(
                    AuditClass::Contradiction,
                    &path.key("pattern"),
                    "items' pattern not ASCII".to_owned(),
                    format!("ASCII only, as {source} states: \"{doc}\""),
                );
            }
        }
        self.push(
            AuditClass::Note,
            &at,
            format!("items' limits of {source}"),
            format!("{}: \"{doc}\"", member.name),
        );
        keys
    }

    /// An integer's sign and width as the definition's type (`int64`, `uint64`) has them:
    /// no format reads as `int64`. A request may state `uint64` as `int64` with a
    /// non-negative `minimum`; an answer must be `uint64` (values above `i64::MAX` would not
    /// parse).
    fn integer_format(
        &mut self,
        schema: &Value,
        path: &SpecPath,
        member: &Member,
        direction: Direction,
    ) {
        let format = schema["format"].as_str().unwrap_or("int64");
        let non_negative = schema["minimum"].as_f64().is_some_and(|m| m >= 0.0);
        let faithful = match member.member.as_str() {
            "uint64" => {
                format == "uint64"
                    || (direction == Direction::Request && format == "int64" && non_negative)
            }
            "int64" => format == "int64",
            _ => true,
        };
        if !faithful {
            self.push(
                AuditClass::Contradiction,
                &path.key("format"),
                match schema["format"].as_str() {
                    Some(f) => format!("format {f}"),
                    None => "no format (int64)".to_owned(),
                },
                format!("{} is {}", member.name, member.member),
            );
        }
    }

    /// A constraint of a request the definition does not state: the spec refuses requests
    /// the service accepts. `stated` holds the keys the definition states; the ASCII pattern
    /// counts as stated when the documentation says ASCII.
    fn stricter(
        &mut self,
        schema: &Value,
        path: &SpecPath,
        member: &Member,
        stated: &[&str],
        what: &str,
    ) {
        let doc = member.document.replace('\n', " ");
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "pattern",
            "enum",
            "multipleOf",
        ] {
            let Some(value) = schema.get(key) else {
                continue;
            };
            if stated.contains(&key) {
                continue;
            }
            // A non-negative minimum of a `uint64` is its sign, not a limit.
            if key == "minimum" && member.member == "uint64" && value.as_f64() == Some(0.0) {
                continue;
            }
            let official = if doc.is_empty() {
                format!("{} states no {key}", member.name)
            } else {
                format!("{} states no {key}: \"{doc}\"", member.name)
            };
            self.push(
                AuditClass::Contradiction,
                &path.key(key),
                format!("{what}{key} {value}: stricter, refuses requests the service accepts"),
                official,
            );
        }
    }

    /// `schema`, or the component its `$ref` names, with its path.
    fn deref<'s>(&self, schema: &'s Value, path: SpecPath) -> (&'s Value, SpecPath)
    where
        'a: 's,
    {
        resolve_at(self.tree, schema, path)
    }
}

/// The OpenAPI type of a scalar member type of the definition.
fn scalar_type(member: &str) -> &'static str {
    match member {
        "string" => "string",
        "bool" => "boolean",
        "float" | "double" => "number",
        m if m.contains("int") => "integer",
        _ => "(unknown)",
    }
}

/// Whether a pattern admits ASCII characters only.
fn is_ascii_pattern(pattern: &str) -> bool {
    pattern == "^[\\x00-\\x7F]*$" || pattern == "^[\\x00-\\x7F]+$" || pattern == "^[ -~]*$"
}

/// The report as text for a terminal.
pub(crate) fn render_text(title: &str, findings: &[Finding]) -> String {
    let mut out = format!("{title}\n");
    if findings.is_empty() {
        out.push_str("  faithful: nothing differs\n");
    }
    for f in findings {
        let tag = match f.class {
            AuditClass::Contradiction => "CONTRADICTION",
            AuditClass::Lenient => "lenient      ",
            AuditClass::Note => "note         ",
        };
        out.push_str(&format!(
            "  {tag} {}: {} (official: {})\n",
            f.path, f.what, f.official
        ));
    }
    out.push_str(&summary(findings));
    out.push('\n');
    out
}

/// The report as Markdown for a pull-request comment.
pub(crate) fn render_markdown(title: &str, findings: &[Finding]) -> String {
    let mut out = format!("### {title}\n\n");
    if findings.is_empty() {
        out.push_str("Faithful: nothing differs.\n");
    } else {
        out.push_str(
            "| class | spec path | the spec says | the definition says |\n|---|---|---|---|\n",
        );
        for f in findings {
            let class = match f.class {
                AuditClass::Contradiction => "**contradiction**",
                AuditClass::Lenient => "lenient",
                AuditClass::Note => "note",
            };
            let cell = |t: &str| t.replace('|', "\\|").replace('\n', " ");
            out.push_str(&format!(
                "| {class} | `{}` | {} | {} |\n",
                cell(&f.path),
                cell(&f.what),
                cell(&f.official)
            ));
        }
    }
    out.push_str(&format!("\n{}\n", summary(findings)));
    out
}

/// `N contradictions, M lenient, K notes`.
pub(crate) fn summary(findings: &[Finding]) -> String {
    let count = |c: AuditClass| findings.iter().filter(|f| f.class == c).count();
    format!(
        "{} contradictions, {} lenient, {} notes",
        count(AuditClass::Contradiction),
        count(AuditClass::Lenient),
        count(AuditClass::Note)
    )
}
