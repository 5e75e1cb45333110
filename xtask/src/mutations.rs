//! Mutations of Tencent's service definitions (tccli's `api.json`) and of the specs drafted
//! from them, for `cargo xtask fuzz definitions`: fields removed, types swapped, cycles added,
//! references left dangling, names with odd characters, wrong JSON types, deep chains, odd
//! limits in the documents, and (on the drafted spec) huge or odd enums. Each mutation says
//! what it did, so that a crash names its case.

use fastrand::Rng;
use serde_json::{json, Value};

/// Names no generator expects: empty, blank, keywords, digits first, non-ASCII, punctuation,
/// names that collide once cased, and very long.
const ODD_NAMES: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "r#type",
    "async",
    "1stField",
    "9",
    "_",
    "__",
    "a-b",
    "a.b",
    "a b",
    "a/b",
    "a\"b",
    "a\\b",
    "a\nb",
    "{x}",
    "é",
    "名字",
    "Ǆ",
    "🎮",
    "\u{0}",
    "FooBar",
    "foo_bar",
    "FOO_BAR",
    "Foo_Bar",
    "Error",
    "Result",
    "Option",
    "String",
    "Client",
    "RequestId",
];

/// Member types: the definitions' own, and some they never use.
const MEMBER_TYPES: &[&str] = &[
    "string",
    "int64",
    "uint64",
    "integer",
    "int",
    "bool",
    "float",
    "double",
    "binary",
    "timestamp",
    "object",
    "list",
    "",
    "map",
    "any",
];

/// Documents whose limits (as `stated_limits` reads them) are odd.
const ODD_DOCUMENTS: &[&str] = &[
    "最多 99999999999999999999999 个",
    "长度为 -5 到 3 个字符",
    "取值范围 10 到 1",
    "最大值为 18446744073709551616",
    "最小值为 -9223372036854775809",
    "长度 0-0",
    "最多支持 0 个",
    "取值范围：[1, 1e308]",
    "1~ ~2 ~~ 最大 最小 长度",
    "",
];

/// One random mutation of a definition's tree; what it did, or `None` when the tree had
/// nothing it could change (or the mutation drawn left it as it was).
pub(crate) fn mutate_definition(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let before = tree.clone();
    let what = draw_mutation(tree, rng)?;
    (*tree != before).then_some(what)
}

fn draw_mutation(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    match rng.u8(0..14) {
        0 => remove_member(tree, rng),
        1 => remove_member_key(tree, rng),
        2 => swap_type(tree, rng),
        3 => add_cycle(tree, rng),
        4 => rename_member(tree, rng),
        5 => rename_object(tree, rng),
        6 => rename_action(tree, rng),
        7 => wrong_json_type(tree, rng),
        8 => dangling_reference(tree, rng),
        9 => remove_object(tree, rng),
        10 => duplicate_member(tree, rng),
        11 => deep_chain(tree, rng),
        12 => odd_document(tree, rng),
        _ => many_members(tree, rng),
    }
}

/// One random mutation of a drafted spec's tree (YAML); what it did, or `None`.
pub(crate) fn mutate_spec(tree: &mut serde_yaml::Value, rng: &mut Rng) -> Option<String> {
    let schemas = tree
        .get_mut("components")?
        .get_mut("schemas")?
        .as_mapping_mut()?;
    let names: Vec<String> = schemas
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    let name = pick(&names, rng)?.clone();
    let schema = schemas.get_mut(name.as_str())?;
    let properties = schema.get_mut("properties")?.as_mapping_mut()?;
    let fields: Vec<String> = properties
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    let field = pick(&fields, rng)?.clone();
    let property = properties.get_mut(field.as_str())?.as_mapping_mut()?;
    let (what, values): (&str, Vec<serde_yaml::Value>) = match rng.u8(0..4) {
        0 => (
            "a huge enum",
            (0..20_000).map(|i| format!("Value{i}").into()).collect(),
        ),
        1 => (
            "an enum of names that collide once cased",
            [
                "FooBar", "foo_bar", "FOO_BAR", "foo-bar", "Foo Bar", "foobar",
            ]
            .map(serde_yaml::Value::from)
            .to_vec(),
        ),
        2 => (
            "an enum of odd strings",
            ODD_NAMES.iter().map(|s| (*s).into()).collect(),
        ),
        _ => (
            "an enum of mixed types",
            vec![
                1.into(),
                "one".into(),
                serde_yaml::Value::Null,
                true.into(),
                1.into(),
            ],
        ),
    };
    property.insert("enum".into(), serde_yaml::Value::Sequence(values));
    Some(format!("spec: {name}.{field} given {what}"))
}

/// Keeps at most `keep` actions of the definition (at random), so that a case generates fast.
pub(crate) fn keep_actions(tree: &mut Value, keep: usize, rng: &mut Rng) {
    let Some(actions) = tree.get_mut("actions").and_then(Value::as_object_mut) else {
        return;
    };
    let mut names: Vec<String> = actions.keys().cloned().collect();
    rng.shuffle(&mut names);
    for name in names.into_iter().skip(keep) {
        actions.remove(&name);
    }
}

fn pick<'a, T>(items: &'a [T], rng: &mut Rng) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(0..items.len())])
}

fn odd_name(rng: &mut Rng) -> String {
    match rng.u8(0..6) {
        0 => "N".repeat(rng.usize(200..5_000)),
        1 => (0..rng.usize(1..12)).map(|_| rng.char(..)).collect(),
        _ => (*pick(ODD_NAMES, rng).expect("names")).to_owned(),
    }
}

fn object_names(tree: &Value) -> Vec<String> {
    tree["objects"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn action_names(tree: &Value) -> Vec<String> {
    tree["actions"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The objects the kept actions name as input or output: mutating them reaches generation.
fn reachable_objects(tree: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for action in tree["actions"].as_object().into_iter().flatten() {
        for side in ["input", "output"] {
            if let Some(name) = action.1[side].as_str() {
                names.push(name.to_owned());
            }
        }
    }
    // Their member objects too, one level down.
    let objects = &tree["objects"];
    let direct = names.clone();
    for name in direct {
        for member in objects[&name]["members"].as_array().into_iter().flatten() {
            if let Some(inner) = member["member"].as_str() {
                if objects.get(inner).is_some() {
                    names.push(inner.to_owned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names.retain(|n| objects.get(n).is_some());
    if names.is_empty() {
        object_names(tree)
    } else {
        names
    }
}

/// A random object the actions reach, and its members.
fn some_members<'a>(tree: &'a mut Value, rng: &mut Rng) -> Option<(String, &'a mut Vec<Value>)> {
    let name = pick(&reachable_objects(tree), rng)?.clone();
    let members = tree["objects"][&name]["members"].as_array_mut()?;
    Some((name, members))
}

fn remove_member(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let (object, members) = some_members(tree, rng)?;
    if members.is_empty() {
        return None;
    }
    let removed = members.remove(rng.usize(0..members.len()));
    Some(format!("{object}: member {} removed", removed["name"]))
}

fn remove_member_key(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let (object, members) = some_members(tree, rng)?;
    let index = rng.usize(0..members.len().max(1));
    let member = members.get_mut(index)?.as_object_mut()?;
    let key = *pick(&["name", "type", "member", "required", "document"], rng)?;
    member.remove(key);
    Some(format!("{object}: member {index} lost its {key:?}"))
}

fn swap_type(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let objects = object_names(tree);
    let (object, members) = some_members(tree, rng)?;
    let index = rng.usize(0..members.len().max(1));
    let member = members.get_mut(index)?;
    let kind = *pick(MEMBER_TYPES, rng)?;
    let inner = match rng.u8(0..3) {
        0 => pick(&objects, rng).cloned().unwrap_or_default(),
        1 => (*pick(MEMBER_TYPES, rng)?).to_owned(),
        _ => member["member"].as_str().unwrap_or_default().to_owned(),
    };
    member["type"] = json!(kind);
    member["member"] = json!(inner);
    Some(format!(
        "{object}: member {index} is now {kind} of {inner:?}"
    ))
}

fn add_cycle(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let reachable = reachable_objects(tree);
    let a = pick(&reachable, rng)?.clone();
    let b = pick(&object_names(tree), rng)?.clone();
    let required = rng.bool();
    let (first, second) = if rng.bool() {
        ("object", "list")
    } else {
        ("object", "object")
    };
    tree["objects"][&a]["members"]
        .as_array_mut()?
        .push(json!({"name": "Loop", "type": first, "member": b, "required": required, "document": "a cycle"}));
    tree["objects"][&b]["members"]
        .as_array_mut()?
        .push(json!({"name": "Back", "type": second, "member": a, "required": required, "document": "a cycle"}));
    Some(format!(
        "cycle {a} -> {b} -> {a} ({first}, {second}, required {required})"
    ))
}

fn rename_member(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let name = odd_name(rng);
    let (object, members) = some_members(tree, rng)?;
    let index = rng.usize(0..members.len().max(1));
    members.get_mut(index)?["name"] = json!(name);
    Some(format!("{object}: member {index} renamed {name:?}"))
}

fn rename_object(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let old = pick(&reachable_objects(tree), rng)?.clone();
    let new = odd_name(rng);
    let objects = tree["objects"].as_object_mut()?;
    let body = objects.remove(&old)?;
    objects.insert(new.clone(), body);
    // Every reference follows, so the definition stays whole under its odd name.
    for object in objects.values_mut() {
        for member in object["members"].as_array_mut().into_iter().flatten() {
            if member["member"] == json!(old) {
                member["member"] = json!(new);
            }
        }
    }
    for action in tree["actions"].as_object_mut()?.values_mut() {
        for side in ["input", "output"] {
            if action[side] == json!(old) {
                action[side] = json!(new);
            }
        }
    }
    Some(format!("object {old} renamed {new:?}"))
}

fn rename_action(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let old = pick(&action_names(tree), rng)?.clone();
    let new = odd_name(rng);
    let actions = tree["actions"].as_object_mut()?;
    let mut body = actions.remove(&old)?;
    body["name"] = json!(new);
    actions.insert(new.clone(), body);
    Some(format!("action {old} renamed {new:?}"))
}

fn wrong_json_type(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let wrong = match rng.u8(0..6) {
        0 => Value::Null,
        1 => json!(7),
        2 => json!("text"),
        3 => json!([]),
        4 => json!({}),
        _ => json!(true),
    };
    let (where_, slot): (String, &mut Value) = match rng.u8(0..6) {
        0 => {
            let action = pick(&action_names(tree), rng)?.clone();
            let side = *pick(&["input", "output", "status", "document", "name"], rng)?;
            (
                format!("action {action}'s {side}"),
                &mut tree["actions"][&action][side],
            )
        }
        1 => {
            let object = pick(&reachable_objects(tree), rng)?.clone();
            (
                format!("object {object}'s members"),
                &mut tree["objects"][&object]["members"],
            )
        }
        2 => {
            let object = pick(&reachable_objects(tree), rng)?.clone();
            (format!("object {object}"), &mut tree["objects"][&object])
        }
        3 => {
            let (object, members) = some_members(tree, rng)?;
            let index = rng.usize(0..members.len().max(1));
            let key = *pick(&["name", "type", "member", "required"], rng)?;
            (
                format!("{object}: member {index}'s {key}"),
                &mut members.get_mut(index)?[key],
            )
        }
        4 => ("metadata".to_owned(), &mut tree["metadata"]),
        _ => {
            let action = pick(&action_names(tree), rng)?.clone();
            (format!("action {action}"), &mut tree["actions"][&action])
        }
    };
    *slot = wrong.clone();
    Some(format!("{where_} is now {wrong}"))
}

fn dangling_reference(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    if rng.bool() {
        let action = pick(&action_names(tree), rng)?.clone();
        let side = *pick(&["input", "output"], rng)?;
        tree["actions"][&action][side] = json!("NoSuchObject");
        Some(format!("action {action}'s {side} names no object"))
    } else {
        let (object, members) = some_members(tree, rng)?;
        members.push(json!({"name": "Dangling", "type": "object", "member": "NoSuchObject", "required": true}));
        Some(format!("{object}: a member names no object"))
    }
}

fn remove_object(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let name = pick(&reachable_objects(tree), rng)?.clone();
    tree["objects"].as_object_mut()?.remove(&name);
    Some(format!("object {name} removed, its references kept"))
}

fn duplicate_member(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let (object, members) = some_members(tree, rng)?;
    let index = rng.usize(0..members.len().max(1));
    let mut copy = members.get(index)?.clone();
    let name = copy["name"].as_str().unwrap_or_default().to_owned();
    let twin = match rng.u8(0..3) {
        0 => name.clone(),
        1 => name.to_lowercase(),
        _ => heck::ToSnakeCase::to_snake_case(name.as_str()),
    };
    copy["name"] = json!(twin);
    members.push(copy);
    Some(format!("{object}: member {name:?} given again as {twin:?}"))
}

fn deep_chain(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let start = pick(&reachable_objects(tree), rng)?.clone();
    let depth = rng.usize(50..2_000);
    let objects = tree["objects"].as_object_mut()?;
    for level in 0..depth {
        let next = if level + 1 == depth {
            json!([{"name": "Leaf", "type": "string", "member": "string", "required": false}])
        } else {
            json!([{"name": "Next", "type": "object", "member": format!("Chain{}", level + 1), "required": rng.bool()}])
        };
        objects.insert(
            format!("Chain{level}"),
            json!({"type": "object", "members": next, "document": ""}),
        );
    }
    objects
        .get_mut(&start)?
        .get_mut("members")?
        .as_array_mut()?
        .push(json!({"name": "Chain", "type": "object", "member": "Chain0", "required": true}));
    Some(format!("{start}: a chain of {depth} nested objects"))
}

fn odd_document(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let (object, members) = some_members(tree, rng)?;
    let index = rng.usize(0..members.len().max(1));
    let document = if rng.u8(0..4) == 0 {
        "x".repeat(rng.usize(10_000..200_000))
    } else {
        (*pick(ODD_DOCUMENTS, rng)?).to_owned()
    };
    let shown: String = document.chars().take(40).collect();
    members.get_mut(index)?["document"] = json!(document);
    Some(format!("{object}: member {index} documented {shown:?}"))
}

fn many_members(tree: &mut Value, rng: &mut Rng) -> Option<String> {
    let (object, members) = some_members(tree, rng)?;
    let count = rng.usize(500..5_000);
    for i in 0..count {
        members.push(json!({"name": format!("Field{i}"), "type": "string", "member": "string", "required": false, "document": ""}));
    }
    Some(format!("{object}: {count} members added"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Value {
        json!({
            "actions": {
                "DoThing": {"name": "DoThing", "input": "DoThingRequest", "output": "DoThingResponse", "document": "d", "status": "online"}
            },
            "objects": {
                "DoThingRequest": {"type": "object", "document": "", "members": [
                    {"name": "Ids", "type": "list", "member": "string", "required": true, "document": "最多 25 个"},
                    {"name": "Item", "type": "object", "member": "Thing", "required": false, "document": ""}
                ]},
                "DoThingResponse": {"type": "object", "document": "", "members": [
                    {"name": "Things", "type": "list", "member": "Thing", "document": ""},
                    {"name": "RequestId", "type": "string", "member": "string", "document": ""}
                ]},
                "Thing": {"type": "object", "document": "", "members": [
                    {"name": "Name", "type": "string", "member": "string", "document": ""}
                ]}
            },
            "metadata": {"apiVersion": "2020-01-01", "serviceShortName": "thing"}
        })
    }

    #[test]
    fn every_mutation_changes_the_definition_and_says_how() {
        let mut rng = Rng::with_seed(7);
        let mut kinds = std::collections::HashSet::new();
        for _ in 0..400 {
            let mut tree = definition();
            let before = tree.clone();
            if let Some(what) = mutate_definition(&mut tree, &mut rng) {
                assert!(!what.is_empty());
                assert_ne!(tree, before, "{what} left the tree as it was");
                kinds.insert(what.split(' ').next().unwrap_or_default().to_owned());
            }
        }
        assert!(kinds.len() > 5, "the mutations vary: {kinds:?}");
    }

    #[test]
    fn a_renamed_object_keeps_its_references() {
        let mut rng = Rng::with_seed(1);
        for _ in 0..50 {
            let mut tree = definition();
            let what = rename_object(&mut tree, &mut rng).expect("an object to rename");
            let objects = object_names(&tree);
            for action in tree["actions"].as_object().unwrap().values() {
                for side in ["input", "output"] {
                    let name = action[side].as_str().unwrap();
                    assert!(objects.iter().any(|o| o == name), "{what}: {side} {name}");
                }
            }
        }
    }

    #[test]
    fn keeping_actions_trims_the_rest() {
        let mut tree = definition();
        tree["actions"]["Other"] =
            json!({"name": "Other", "input": "DoThingRequest", "output": "DoThingResponse"});
        keep_actions(&mut tree, 1, &mut Rng::with_seed(3));
        assert_eq!(action_names(&tree).len(), 1);
    }

    #[test]
    fn a_spec_mutation_adds_an_enum_to_a_property() {
        let mut spec: serde_yaml::Value = serde_yaml::from_str(
            "components:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        Name:\n          type: string\n",
        )
        .unwrap();
        let what = mutate_spec(&mut spec, &mut Rng::with_seed(5)).expect("a property");
        assert!(what.contains("Thing.Name"), "{what}");
        assert!(spec["components"]["schemas"]["Thing"]["properties"]["Name"]["enum"].is_sequence());
    }
}
