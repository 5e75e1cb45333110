//! The Rust names progenitor and typify give what a spec names: a component schema becomes a
//! type (`UpdateBucketCORSOptRequest` → `UpdateBucketCorsOptRequest`), an `operationId` a
//! method. The passes find progenitor's items by these names, so they are derived here the
//! way typify derives them (its `sanitize`: heck's case conversion of the name with every
//! character that cannot continue an identifier turned into a word break, `x` before a name
//! that cannot start one, `_` after a keyword), and nowhere else.

use heck::{ToPascalCase, ToSnakeCase};

/// The type typify generates for the component schema `schema`.
pub(crate) fn type_name(schema: &str) -> String {
    sanitize(schema, |s| s.to_pascal_case())
}

/// The method progenitor generates for the operation `operation_id`.
pub(crate) fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, |s| s.to_snake_case())
}

fn sanitize(input: &str, to_case: fn(&str) -> String) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => to_case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{}{out}", to_case("x")),
    };
    if is_identifier(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// Whether `name` can be written as a plain (not raw) Rust identifier: not a keyword, nor
/// one of those typify also avoids (`gen`, `_`).
fn is_identifier(name: &str) -> bool {
    name != "_" && name != "gen" && syn::parse_str::<syn::Ident>(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The schema names of real service definitions that were once derived otherwise.
    const SCHEMAS: &[&str] = &[
        "UpdateBucketCORSOptRequest",
        "AssumeRoleWithSAMLRequest",
        "ConsumeCustomMFATokenRequest",
        "DeregisterTargetsFromClassicalLBRequest",
        "CreateSSOAccountRequest",
        "DescribeACLRequest",
        "CreateBoundIPRequest",
        "ControlCameraPTZRequest",
        "BatchDescribeKTVMusicDetailsRequest",
        "CreateWidgetBatchRequest",
        "Describe2FARequest",
        "IPv6Address",
        "HTTPSListener",
        "Self",
        "type",
        "9Lives",
        "snake_case_name",
        "With.Dots-and-dashes",
    ];

    /// The type names typify itself gives `schemas`, generated through progenitor.
    fn typify_names(schemas: &[&str]) -> BTreeSet<String> {
        let mut components = serde_json::Map::new();
        for name in schemas {
            components.insert(
                (*name).to_owned(),
                serde_json::json!({"type": "object", "properties": {"A": {"type": "string"}}}),
            );
        }
        let spec = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": components},
        });
        let openapi: openapiv3::OpenAPI = serde_json::from_value(spec).unwrap();
        let tokens = crate::progenitor_run::generate_tokens("names", &openapi).unwrap();
        let file: syn::File = syn::parse2(tokens).unwrap();
        let types = file
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
                _ => None,
            })
            .unwrap();
        types
            .1
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_schema_name_becomes_the_type_typify_writes() {
        let typify = typify_names(SCHEMAS);
        for schema in SCHEMAS {
            let ours = type_name(schema);
            assert!(
                typify.contains(&ours),
                "{schema}: derived `{ours}`, typify wrote {typify:?}"
            );
        }
        assert_eq!(
            type_name("UpdateBucketCORSOptRequest"),
            "UpdateBucketCorsOptRequest"
        );
    }

    #[test]
    fn operation_ids_become_the_methods_progenitor_writes() {
        for (id, method) in [
            ("create_widget_batch", "create_widget_batch"),
            ("update_bucket_cors_opt", "update_bucket_cors_opt"),
            ("UpdateBucketCORSOpt", "update_bucket_cors_opt"),
            ("type", "type_"),
            ("gen", "gen_"),
            ("a__b", "a_b"),
        ] {
            assert_eq!(method_name(id), method, "{id}");
        }
    }
}
