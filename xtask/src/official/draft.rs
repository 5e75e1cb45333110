//! Drafting spec sections from Tencent's definition of a service ([`Definition`]): for each
//! action a `paths` entry and its schemas, in this spec's conventions, for a spec author to
//! review and edit:
//! - the request is `additionalProperties: false`, its fields required as the definition says,
//!   with the limits the field documentation states in words (lengths, ASCII as a pattern, item
//!   counts, ranges);
//! - the answer is `{"Response": …}` with the definition's fields, every one optional and
//!   nullable and without limits (answers are read leniently; `spec-audit` reports it as
//!   such, the limits stay in the descriptions), plus the envelope's `Error` and a required
//!   `RequestId`;
//! - `x-tc-action`, `x-tc-status` from the definition; `x-tc-rate-limit` is not in the
//!   definition: the draft puts the rate it is given and says so, for the author to check.

use super::definition::{stated_limits, Definition, Member};
use serde_yaml::{Mapping, Value};

/// The drafted spec: with `standalone`, a whole document (header, servers, extensions) that
/// generates a client as it is; without, the `paths` and `components` to merge into a spec.
pub(crate) fn import_actions(
    definition: &Definition,
    service: &str,
    actions: &[String],
    standalone: bool,
    rate_limit: u64,
) -> Result<String, String> {
    let mut paths = Mapping::new();
    let mut schemas = Mapping::new();
    for name in actions {
        let action = definition
            .action(name)
            .ok_or_else(|| format!("{name}: no such action in the definition"))?;
        let mut op = Mapping::new();
        op.insert("operationId".into(), snake_case(name).into());
        let summary = definition_summary(&action.document, name);
        op.insert("summary".into(), summary.into());
        op.insert("description".into(), action.document.trim().into());
        op.insert("x-tc-action".into(), name.as_str().into());
        if action.status != "online" {
            op.insert("x-tc-status".into(), action.status.as_str().into());
        }
        op.insert("x-tc-rate-limit".into(), rate_limit.into());
        let request = format!("{name}Request");
        let envelope = format!("{name}Envelope");
        let inner = format!("{name}Response");
        op.insert(
            "requestBody".into(),
            yaml(&[
                ("required", true.into()),
                ("content", json_content(&request)),
            ]),
        );
        let ok = yaml(&[
            (
                "description",
                "Always HTTP 200, success or failure: a failure carries `Response.Error`.".into(),
            ),
            ("content", json_content(&envelope)),
        ]);
        op.insert("responses".into(), yaml(&[("200", ok)]));
        let mut item = Mapping::new();
        item.insert("post".into(), Value::Mapping(op));
        paths.insert(format!("/{name}").into(), Value::Mapping(item));

        let mut object_queue: Vec<(String, String, bool)> =
            vec![(action.input.clone(), request.clone(), true)];
        schemas.insert(
            envelope.as_str().into(),
            yaml(&[
                ("type", "object".into()),
                (
                    "description",
                    "The body of every answer: one `Response` object.".into(),
                ),
                ("required", Value::Sequence(vec!["Response".into()])),
                ("properties", yaml(&[("Response", reference(&inner))])),
            ]),
        );
        object_queue.push((action.output.clone(), inner.clone(), false));
        while let Some((object, schema_name, is_request)) = object_queue.pop() {
            if schemas.contains_key(schema_name.as_str()) {
                continue;
            }
            let members = definition
                .members(&object)
                .ok_or_else(|| format!("{object}: no such object in the definition"))?;
            let top_answer = !is_request && schema_name == inner;
            let schema = object_schema(
                definition,
                &object,
                &members,
                is_request,
                top_answer,
                &mut object_queue,
            );
            schemas.insert(schema_name.into(), schema);
        }
    }
    if !schemas.contains_key("ApiError") {
        schemas.insert("ApiError".into(), api_error());
    }
    let mut doc = Mapping::new();
    if standalone {
        doc.insert("openapi".into(), "3.0.3".into());
        doc.insert(
            "info".into(),
            yaml(&[
                (
                    "title",
                    format!("Tencent Cloud {service} API 3.0 (imported)").into(),
                ),
                ("version", definition.version().unwrap_or_default().into()),
            ]),
        );
        doc.insert(
            "servers".into(),
            Value::Sequence(vec![yaml(&[(
                "url",
                format!("https://{service}.tencentcloudapi.com").into(),
            )])]),
        );
        doc.insert("x-tc-service".into(), service.into());
        doc.insert(
            "x-tc-version".into(),
            definition.version().unwrap_or_default().into(),
        );
    }
    doc.insert("paths".into(), Value::Mapping(paths));
    doc.insert(
        "components".into(),
        yaml(&[("schemas", Value::Mapping(schemas))]),
    );
    let mut body = serde_yaml::to_string(&Value::Mapping(doc)).map_err(|e| e.to_string())?;
    // A version such as 2020-01-01 is a date to YAML 1.1 readers (openapi-spec-validator):
    // quoted, it stays the string it is.
    if let Some(version) = definition.version() {
        for key in ["  version", "x-tc-version"] {
            body = body.replace(
                &format!("{key}: {version}\n"),
                &format!("{key}: \"{version}\"\n"),
            );
        }
    }
    Ok(format!(
        "# Drafted by `cargo xtask import-action {}` from Tencent's definition of {service} {}.\n\
         # Review before use: x-tc-rate-limit is not in the definition ({rate_limit} is the\n\
         # usual default: check the action's page), nor are the action's error codes.\n{body}",
        if actions.len() == definition.action_names().len() && actions.len() > 5 {
            "--all".to_owned()
        } else {
            actions.join(" ")
        },
        definition.version().unwrap_or_default()
    ))
}

fn object_schema(
    definition: &Definition,
    object: &str,
    members: &[Member],
    is_request: bool,
    top_answer: bool,
    queue: &mut Vec<(String, String, bool)>,
) -> Value {
    let mut schema = Mapping::new();
    schema.insert("type".into(), "object".into());
    let document = definition.object_document(object);
    if !document.is_empty() {
        schema.insert("description".into(), document.into());
    }
    if is_request {
        schema.insert("additionalProperties".into(), false.into());
        let required: Vec<Value> = members
            .iter()
            .filter(|m| m.required == Some(true))
            .map(|m| m.name.as_str().into())
            .collect();
        if !required.is_empty() {
            schema.insert("required".into(), Value::Sequence(required));
        }
    } else if top_answer {
        schema.insert("required".into(), Value::Sequence(vec!["RequestId".into()]));
    }
    let mut properties = Mapping::new();
    for member in members {
        properties.insert(
            member.name.as_str().into(),
            field_schema(definition, member, is_request, top_answer, queue),
        );
    }
    if top_answer {
        properties.insert("Error".into(), reference("ApiError"));
    }
    schema.insert("properties".into(), Value::Mapping(properties));
    Value::Mapping(schema)
}

fn field_schema(
    definition: &Definition,
    member: &Member,
    is_request: bool,
    top_answer: bool,
    queue: &mut Vec<(String, String, bool)>,
) -> Value {
    // Limits are checked on requests; an answer is read as it comes (its limits stay in words).
    let limits = if is_request {
        stated_limits(&member.document)
    } else {
        Default::default()
    };
    let mut schema = Mapping::new();
    let description = member.document.trim().replace('\n', " ");
    match member.kind.as_str() {
        "object" => {
            queue.push((member.member.clone(), member.member.clone(), is_request));
            // A `$ref` cannot carry siblings in OpenAPI 3.0: the object's own schema documents it.
            return reference(&member.member);
        }
        "list" => {
            schema.insert("type".into(), "array".into());
            let items = if definition.is_object(&member.member) {
                queue.push((member.member.clone(), member.member.clone(), is_request));
                reference(&member.member)
            } else {
                scalar(&member.member)
            };
            schema.insert("items".into(), items);
            if let Some(n) = limits.min_items {
                schema.insert("minItems".into(), n.into());
            }
            if let Some(n) = limits.max_items {
                schema.insert("maxItems".into(), n.into());
            }
        }
        _ => {
            if let Value::Mapping(m) = scalar(&member.member) {
                schema.extend(m);
            }
            if let Some(n) = limits.min_length {
                schema.insert("minLength".into(), n.into());
            }
            if let Some(n) = limits.max_length {
                schema.insert("maxLength".into(), n.into());
            }
            if limits.ascii && member.kind == "string" {
                schema.insert("pattern".into(), "^[\\x00-\\x7F]*$".into());
            }
            if let Some(n) = limits.minimum {
                schema.insert("minimum".into(), n.into());
            }
            if let Some(n) = limits.maximum {
                schema.insert("maximum".into(), n.into());
            }
        }
    }
    let request_id = top_answer && member.name == "RequestId";
    if !(is_request || request_id) {
        schema.insert("nullable".into(), true.into());
    }
    schema.insert("description".into(), description.into());
    Value::Mapping(schema)
}

/// The schema of a scalar member type.
fn scalar(member: &str) -> Value {
    match member {
        "bool" => yaml(&[("type", "boolean".into())]),
        "float" | "double" => yaml(&[("type", "number".into())]),
        // The definition's sign and width: `uint64` stays unsigned (a negative value is
        // refused before sending, and an answer's value above `i64::MAX` still parses).
        "uint64" => yaml(&[("type", "integer".into()), ("format", "uint64".into())]),
        m if m.contains("int") => yaml(&[("type", "integer".into()), ("format", "int64".into())]),
        _ => yaml(&[("type", "string".into())]),
    }
}

fn api_error() -> Value {
    let text = |d: &str| {
        yaml(&[
            ("type", "string".into()),
            ("nullable", true.into()),
            ("description", d.into()),
        ])
    };
    yaml(&[
        ("type", "object".into()),
        (
            "description",
            "A failure answered in the envelope (still HTTP 200).".into(),
        ),
        (
            "properties",
            yaml(&[
                ("Code", text("The error code.")),
                (
                    "Message",
                    text("A human-readable description of the failure."),
                ),
            ]),
        ),
    ])
}

fn json_content(schema: &str) -> Value {
    yaml(&[("application/json", yaml(&[("schema", reference(schema))]))])
}

fn reference(schema: &str) -> Value {
    yaml(&[("$ref", format!("#/components/schemas/{schema}").into())])
}

fn yaml(pairs: &[(&str, Value)]) -> Value {
    Value::Mapping(
        pairs
            .iter()
            .map(|(k, v)| (Value::from(*k), v.clone()))
            .collect(),
    )
}

/// The first sentence of the definition's document that is not a retirement notice, or the
/// action's name.
fn definition_summary(document: &str, name: &str) -> String {
    document
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(|l| l.chars().take(120).collect())
        .unwrap_or_else(|| name.to_owned())
}

/// `DescribeWidgets` → `describe_widgets`.
fn snake_case(name: &str) -> String {
    // As progenitor names the method: `UpdateBucketCORSOpt` → `update_bucket_cors_opt`.
    heck::ToSnakeCase::to_snake_case(name)
}
