//! Routes every operation the Tencent Cloud way: `POST /` with the action named in
//! `X-TC-Action` and the API version in `X-TC-Version`. The spec's path keys are labels only.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::{quote, ToTokens};

const PASS: &str = "route_actions";

pub fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let sends = super::operation_send_fns(file);
    if sends.len() != model.actions.len() {
        return Err(CodegenError::pass(
            PASS,
            format!(
                "found {} operations in progenitor's output, the spec has {}",
                sends.len(),
                model.actions.len()
            ),
        ));
    }
    for (operation_id, send) in sends {
        let action = model.action_by_operation_id(&operation_id).ok_or_else(|| {
            CodegenError::pass(
                PASS,
                format!("operation `{operation_id}` is not in the spec's model"),
            )
        })?;
        let url_at = position(&send.block.stmts, "let url =").ok_or_else(|| {
            CodegenError::pass(PASS, format!("`{operation_id}`: no `let url` statement"))
        })?;
        send.block.stmts[url_at] = syn::parse_quote! {
            let url = format!("{}/", client.baseurl);
        };
        let headers_at = position(&send.block.stmts, "let mut header_map =").ok_or_else(|| {
            CodegenError::pass(
                PASS,
                format!("`{operation_id}`: no `let mut header_map` statement"),
            )
        })?;
        let name = &action.name;
        let version = &model.version;
        let headers: syn::Block = syn::parse_quote! {{
            header_map.append(
                ::reqwest::header::HeaderName::from_static("x-tc-action"),
                ::reqwest::header::HeaderValue::from_static(#name),
            );
            header_map.append(
                ::reqwest::header::HeaderName::from_static("x-tc-version"),
                ::reqwest::header::HeaderValue::from_static(#version),
            );
        }};
        send.block.stmts[headers_at] = syn::parse2(quote! {
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
        })
        .map_err(|e| CodegenError::pass(PASS, e.to_string()))?;
        for (offset, stmt) in headers.stmts.into_iter().enumerate() {
            send.block.stmts.insert(headers_at + 1 + offset, stmt);
        }
    }
    Ok(())
}

/// The index of the first statement whose tokens start like `prefix`.
fn position(stmts: &[syn::Stmt], prefix: &str) -> Option<usize> {
    let wanted: String = prefix.split_whitespace().collect::<Vec<_>>().join(" ");
    stmts
        .iter()
        .position(|s| s.to_token_stream().to_string().starts_with(&wanted))
}
