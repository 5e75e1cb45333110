//! Compares two versions of a spec structurally and classes each change for callers of the
//! generated client: breaking (code or requests that worked stop working) or compatible.

use crate::model::refs::resolve;
use crate::model::{Action, ApiModel, ErrorCode};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

/// Whether a change can break callers of the generated client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Callers' code or requests that worked before may fail now.
    Breaking,
    /// Everything that worked before still works.
    Compatible,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Breaking => "breaking",
            Self::Compatible => "compatible",
        })
    }
}

/// One change between the two specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Breaking or compatible.
    pub class: Class,
    /// What changed, e.g. `SomeAction request field SomeList`.
    pub subject: String,
    /// How it changed, e.g. `maxItems 40 → 32`.
    pub what: String,
    /// Why that is breaking or compatible, in one line.
    pub why: String,
}

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for Side<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Side").finish_non_exhaustive()
    }
}

/// A spec as compared: its model and its raw tree (for schemas).
pub struct Side<'a> {
    /// The checked model.
    pub model: &'a ApiModel,
    /// The document, for resolving `$ref`s.
    pub tree: &'a Value,
}

struct Diff {
    changes: Vec<Change>,
    /// The (old, new) schema pairs being compared, by address: a recursive schema (one that
    /// contains itself through `$ref`s) is compared once, not forever.
    comparing: std::collections::HashSet<(usize, usize)>,
}

impl Diff {
    fn push(
        &mut self,
        class: Class,
        subject: impl Into<String>,
        what: impl Into<String>,
        why: &str,
    ) {
        self.changes.push(Change {
            class,
            subject: subject.into(),
            what: what.into(),
            why: why.to_owned(),
        });
    }
}

/// Every change from `old` to `new`, breaking ones first.
#[must_use]
pub fn diff(old: &Side<'_>, new: &Side<'_>) -> Vec<Change> {
    let mut d = Diff {
        comparing: std::collections::HashSet::new(),
        changes: Vec::new(),
    };
    let (o, n) = (old.model, new.model);
    for (subject, before, after, why) in [
        (
            "service",
            &o.service,
            &n.service,
            "requests are signed for another service",
        ),
        (
            "API version",
            &o.version,
            &n.version,
            "the service may answer the new version differently",
        ),
        (
            "default endpoint",
            &o.endpoint,
            &n.endpoint,
            "clients built without .endpoint(..) call another server",
        ),
    ] {
        if before != after {
            d.push(Class::Breaking, subject, format!("{before} → {after}"), why);
        }
    }
    codes(
        &mut d,
        "common error codes",
        &o.common_error_codes,
        &n.common_error_codes,
    );
    for action in &o.actions {
        match n.actions.iter().find(|a| a.name == action.name) {
            None => d.push(
                Class::Breaking,
                format!("action {}", action.name),
                "removed",
                "its client method disappears",
            ),
            Some(new_action) => compare_action(&mut d, old, new, action, new_action),
        }
    }
    for action in &n.actions {
        if !o.actions.iter().any(|a| a.name == action.name) {
            d.push(
                Class::Compatible,
                format!("action {}", action.name),
                "added",
                "a new method; existing calls are untouched",
            );
        }
    }
    d.changes.sort_by_key(|c| c.class);
    d.changes
}

fn compare_action(d: &mut Diff, old: &Side<'_>, new: &Side<'_>, o: &Action, n: &Action) {
    let name = &o.name;
    if o.operation_id != n.operation_id {
        d.push(
            Class::Breaking,
            format!("action {name}"),
            format!("method {} → {}", o.operation_id, n.operation_id),
            "callers of the old method name no longer compile",
        );
    }
    if o.rate_limit != n.rate_limit {
        let (class, why) = if n.rate_limit < o.rate_limit {
            (
                Class::Breaking,
                "tighter: callers get fewer requests per second",
            )
        } else {
            (
                Class::Compatible,
                "looser: callers may send more requests per second",
            )
        };
        d.push(
            class,
            format!("action {name} rate limit"),
            format!("{}/s → {}/s", o.rate_limit, n.rate_limit),
            why,
        );
    }
    codes(
        d,
        &format!("action {name} error codes"),
        &o.error_codes,
        &n.error_codes,
    );
    hints(
        d,
        &format!("action {name} error hints"),
        &o.error_hints,
        &n.error_hints,
    );
    match (&o.batch, &n.batch) {
        (Some(_), None) => d.push(
            Class::Breaking,
            format!("action {name} batching"),
            "removed",
            "send_in_batches disappears",
        ),
        (None, Some(b)) => d.push(
            Class::Compatible,
            format!("action {name} batching"),
            format!("added on {}", b.field),
            "a new send_in_batches method",
        ),
        (Some(a), Some(b))
            if a.field != b.field || a.results != b.results || a.result_key != b.result_key =>
        {
            d.push(
                Class::Breaking,
                format!("action {name} batching"),
                format!("{} → {}", a.field, b.field),
                "send_in_batches takes or returns other items",
            )
        }
        _ => {}
    }
    match (&o.reconcile, &n.reconcile) {
        (Some(_), None) => d.push(
            Class::Breaking,
            format!("action {name} reconciliation"),
            "removed",
            "send_in_batches leaves items unknown again where it settled them",
        ),
        (None, Some(r)) => d.push(
            Class::Compatible,
            format!("action {name} reconciliation"),
            format!("added, reading back with {}", r.action),
            "send_in_batches settles unknown items by reading them back (on by default)",
        ),
        (Some(a), Some(b)) if a != b => d.push(
            Class::Compatible,
            format!("action {name} reconciliation"),
            reconcile_change(a, b),
            "unknown items are read back another way",
        ),
        _ => {}
    }
    let old_request = schema_of(old.tree, &o.request_schema);
    let new_request = schema_of(new.tree, &n.request_schema);
    compare_schema(
        d,
        old,
        new,
        &format!("{name} request"),
        old_request,
        new_request,
        Direction::Request,
    );
    let old_response = response_schema(old.tree, &o.path);
    let new_response = response_schema(new.tree, &n.path);
    if let (Some(a), Some(b)) = (old_response, new_response) {
        compare_schema(
            d,
            old,
            new,
            &format!("{name} response"),
            a,
            b,
            Direction::Received,
        );
    }
}

/// What differs between two reconciliations, part by part (`page-size: 40 → 400`).
fn reconcile_change(a: &crate::model::Reconcile, b: &crate::model::Reconcile) -> String {
    fn part<T: PartialEq + std::fmt::Debug>(name: &str, a: &T, b: &T, out: &mut Vec<String>) {
        if a != b {
            let shown = |v: &T| format!("{v:?}").trim_matches('"').to_owned();
            out.push(format!("{name}: {} → {}", shown(a), shown(b)));
        }
    }
    let mut parts = Vec::new();
    part("action", &a.action, &b.action, &mut parts);
    part("item-filter", &a.item_filter, &b.item_filter, &mut parts);
    part("scope", &a.scope, &b.scope, &mut parts);
    part("results", &a.results, &b.results, &mut parts);
    part("next-token", &a.next_token, &b.next_token, &mut parts);
    let limit = |r: &crate::model::Reconcile| {
        r.page
            .as_ref()
            .map_or_else(|| "none".to_owned(), |(field, _)| field.clone())
    };
    let size = |r: &crate::model::Reconcile| {
        r.page
            .as_ref()
            .map_or_else(|| "none".to_owned(), |(_, size)| size.to_string())
    };
    part("page-limit", &limit(a), &limit(b), &mut parts);
    part("page-size", &size(a), &size(b), &mut parts);
    part(
        "present-codes",
        &a.present_codes,
        &b.present_codes,
        &mut parts,
    );
    part("present-when", &a.present_when, &b.present_when, &mut parts);
    format!("reads back with {}; {}", b.action, parts.join(", "))
}

fn codes(d: &mut Diff, subject: &str, old: &[ErrorCode], new: &[ErrorCode]) {
    let o: BTreeSet<&str> = old.iter().map(|c| c.code.as_str()).collect();
    let n: BTreeSet<&str> = new.iter().map(|c| c.code.as_str()).collect();
    for code in o.difference(&n) {
        d.push(
            Class::Breaking,
            subject,
            format!("{code} removed"),
            "its ErrorCode variant disappears; code matching on it no longer compiles",
        );
    }
    for code in n.difference(&o) {
        d.push(
            Class::Compatible,
            subject,
            format!("{code} added"),
            "a new ErrorCode variant; ErrorCode is non-exhaustive",
        );
    }
}

/// Hints are text shown in errors: every change to them is compatible.
fn hints(d: &mut Diff, subject: &str, old: &[ErrorCode], new: &[ErrorCode]) {
    let text = |list: &[ErrorCode], code: &str| {
        list.iter()
            .find(|h| h.code == code)
            .map(|h| h.description.clone())
    };
    let all: BTreeSet<&str> = old.iter().chain(new).map(|h| h.code.as_str()).collect();
    for code in all {
        let what = match (text(old, code), text(new, code)) {
            (None, Some(_)) => format!("{code} added"),
            (Some(_), None) => format!("{code} removed"),
            (Some(a), Some(b)) if a != b => format!("{code} reworded"),
            _ => continue,
        };
        d.push(
            Class::Compatible,
            subject,
            what,
            "only the hint an error's message ends with changes",
        );
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Request,
    Received,
}

fn schema_of<'a>(tree: &'a Value, component: &str) -> &'a Value {
    tree.pointer(&format!("/components/schemas/{component}"))
        .unwrap_or(&Value::Null)
}

/// The object inside the 200 response's envelope.
fn response_schema<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    let op = tree.get("paths")?.get(path)?.get("post")?;
    let envelope = resolve(
        tree,
        op.pointer("/responses/200/content/application~1json/schema")?,
    );
    let props = envelope.get("properties")?.as_object()?;
    let (_, inner) = props.iter().next()?;
    Some(inner)
}

fn type_of(tree: &Value, schema: &Value) -> String {
    type_of_within(tree, schema, 0)
}

/// [`type_of`], `depth` arrays deep: an array that holds itself through `$ref`s is named
/// after a few levels instead of forever.
fn type_of_within(tree: &Value, schema: &Value, depth: usize) -> String {
    const DEEPEST: usize = 8;
    let s = resolve(tree, schema);
    let base = s
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("any")
        .to_owned();
    let base = match s.get("format").and_then(Value::as_str) {
        Some(format) => format!("{base}({format})"),
        None => base,
    };
    match (base.as_str(), s.get("items")) {
        ("array", Some(_)) if depth == DEEPEST => "array of …".to_owned(),
        ("array", Some(items)) => {
            format!("array of {}", type_of_within(tree, items, depth + 1))
        }
        _ => base,
    }
}

fn required_set(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

fn compare_schema(
    d: &mut Diff,
    old: &Side<'_>,
    new: &Side<'_>,
    subject: &str,
    o: &Value,
    n: &Value,
    dir: Direction,
) {
    let (o, n) = (resolve(old.tree, o), resolve(new.tree, n));
    let pair = (
        std::ptr::from_ref(o) as usize,
        std::ptr::from_ref(n) as usize,
    );
    if !d.comparing.insert(pair) {
        return; // being compared further up: a recursive schema
    }
    compare_properties(d, old, new, subject, o, n, dir);
    d.comparing.remove(&pair);
}

fn compare_properties(
    d: &mut Diff,
    old: &Side<'_>,
    new: &Side<'_>,
    subject: &str,
    o: &Value,
    n: &Value,
    dir: Direction,
) {
    let empty = serde_json::Map::new();
    let op = o
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let np = n
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let (or, nr) = (required_set(o), required_set(n));
    let mut removed: Vec<&String> = op.keys().filter(|k| !np.contains_key(*k)).collect();
    let mut added: Vec<&String> = np.keys().filter(|k| !op.contains_key(*k)).collect();
    // A field removed and another added with the same schema is a rename.
    removed.retain(|r| {
        let same = added.iter().position(|a| {
            resolve(old.tree, &op[*r]) == resolve(new.tree, &np[*a])
                && or.contains(*r) == nr.contains(*a)
        });
        match same {
            Some(i) => {
                let a = added.remove(i);
                d.push(
                    Class::Breaking,
                    format!("{subject} field {r}"),
                    format!("renamed to {a}"),
                    "the field's name and its setter or accessor change",
                );
                false
            }
            None => true,
        }
    });
    for r in removed {
        let why = match dir {
            Direction::Request => "callers that set it no longer compile",
            Direction::Received => "callers that read it no longer compile",
        };
        d.push(
            Class::Breaking,
            format!("{subject} field {r}"),
            "removed",
            why,
        );
    }
    for a in added {
        let (class, why) = match (dir, nr.contains(a.as_str())) {
            (Direction::Request, true) => (
                Class::Breaking,
                "a new required field: requests without it now fail",
            ),
            (Direction::Request, false) => (Class::Compatible, "a new optional field"),
            (Direction::Received, _) => (
                Class::Compatible,
                "a new field to read; existing code is untouched",
            ),
        };
        d.push(class, format!("{subject} field {a}"), "added", why);
    }
    for (name, old_field) in op {
        let Some(new_field) = np.get(name) else {
            continue;
        };
        let field = format!("{subject} field {name}");
        compare_field(d, old, new, &field, old_field, new_field, dir);
        match (or.contains(name), nr.contains(name), dir) {
            (false, true, Direction::Request) => d.push(
                Class::Breaking,
                &field,
                "now required",
                "requests without it now fail",
            ),
            (true, false, Direction::Request) => d.push(
                Class::Compatible,
                &field,
                "now optional",
                "callers may leave it out",
            ),
            (a, b, Direction::Received) if a != b => d.push(
                Class::Breaking,
                &field,
                if b { "now required" } else { "now optional" },
                "its generated type changes between T and Option<T>",
            ),
            _ => {}
        }
    }
}

fn compare_field(
    d: &mut Diff,
    old: &Side<'_>,
    new: &Side<'_>,
    field: &str,
    o: &Value,
    n: &Value,
    dir: Direction,
) {
    let (ot, nt) = (type_of(old.tree, o), type_of(new.tree, n));
    if ot != nt {
        d.push(
            Class::Breaking,
            field,
            format!("type {ot} → {nt}"),
            "its generated type changes",
        );
        return;
    }
    let (o, n) = (resolve(old.tree, o), resolve(new.tree, n));
    let nullable = |s: &Value| s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if nullable(o) != nullable(n) {
        d.push(
            Class::Breaking,
            field,
            format!("nullable {} → {}", nullable(o), nullable(n)),
            "its generated type changes between T and Option<T>",
        );
    }
    for (key, tighter_when_larger) in [
        ("minLength", true),
        ("minItems", true),
        ("minimum", true),
        ("maxLength", false),
        ("maxItems", false),
        ("maximum", false),
    ] {
        let (a, b) = (
            o.get(key).and_then(Value::as_f64),
            n.get(key).and_then(Value::as_f64),
        );
        if a == b {
            continue;
        }
        let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
        let tighter = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => (b > a) == tighter_when_larger,
            (None, None) => false,
        };
        limit_change(
            d,
            field,
            format!("{key} {} → {}", show(a), show(b)),
            tighter,
            dir,
        );
    }
    let pattern = |s: &Value| s.get("pattern").and_then(Value::as_str).map(String::from);
    if pattern(o) != pattern(n) {
        let tighter = pattern(n).is_some();
        let show = |p: Option<String>| p.unwrap_or_else(|| "none".to_owned());
        limit_change(
            d,
            field,
            format!("pattern {} → {}", show(pattern(o)), show(pattern(n))),
            tighter,
            dir,
        );
    }
    let values = |s: &Value| -> Option<BTreeSet<String>> {
        s.get("enum")
            .and_then(Value::as_array)
            .map(|v| v.iter().map(|x| x.to_string()).collect())
    };
    if values(o) != values(n) {
        let tighter = match (values(o), values(n)) {
            (Some(a), Some(b)) => !a.is_subset(&b),
            (None, Some(_)) => true,
            _ => false,
        };
        limit_change(d, field, "enum values changed".to_owned(), tighter, dir);
    }
    if type_of(new.tree, n) == "object" || n.get("properties").is_some() {
        compare_schema(d, old, new, field, o, n, dir);
    }
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        let (oi, ni) = (resolve(old.tree, oi), resolve(new.tree, ni));
        if ni.get("properties").is_some() {
            compare_schema(d, old, new, &format!("{field}[]"), oi, ni, dir);
        } else {
            compare_field(d, old, new, &format!("{field}[]"), oi, ni, dir);
        }
    }
}

fn limit_change(d: &mut Diff, field: &str, what: String, tighter: bool, dir: Direction) {
    let (class, why) = match (dir, tighter) {
        (Direction::Request, true) => (
            Class::Breaking,
            "tighter: requests that were valid now fail before sending",
        ),
        (Direction::Request, false) => (
            Class::Compatible,
            "looser: every request valid before is still valid",
        ),
        (Direction::Received, _) => (
            Class::Compatible,
            "responses are read leniently: limits are not enforced on them",
        ),
    };
    d.push(class, field, what, why);
}

/// The report as text for a terminal.
#[must_use]
pub fn render_text(title: &str, changes: &[Change]) -> String {
    let mut out = format!("{title}\n");
    if changes.is_empty() {
        out.push_str("  no change to the API\n");
    }
    for c in changes {
        let tag = match c.class {
            Class::Breaking => "BREAKING  ",
            Class::Compatible => "compatible",
        };
        out.push_str(&format!("  {tag} {}: {} ({})\n", c.subject, c.what, c.why));
    }
    out.push_str(&summary(changes));
    out.push('\n');
    out
}

/// The report as Markdown for a pull-request comment.
#[must_use]
pub fn render_markdown(title: &str, changes: &[Change]) -> String {
    let mut out = format!("### {title}\n\n");
    if changes.is_empty() {
        out.push_str("No change to the API.\n");
    } else {
        out.push_str("| class | what | change | why |\n|---|---|---|---|\n");
        for c in changes {
            let class = match c.class {
                Class::Breaking => "**breaking**",
                Class::Compatible => "compatible",
            };
            let cell = |t: &str| t.replace('|', "\\|");
            out.push_str(&format!(
                "| {class} | {} | {} | {} |\n",
                cell(&c.subject),
                cell(&c.what),
                cell(&c.why)
            ));
        }
    }
    out.push_str(&format!("\n{}\n", summary(changes)));
    out
}

/// `N breaking, M compatible`.
#[must_use]
pub fn summary(changes: &[Change]) -> String {
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    format!(
        "{breaking} breaking, {} compatible",
        changes.len() - breaking
    )
}
