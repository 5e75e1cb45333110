//! Removes the `api-version` header progenitor adds to every request: Tencent Cloud does not
//! know it, and it must be neither sent nor signed.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::ToTokens;

/// The header progenitor adds.
const HEADER: &str = "\"api-version\"";

pub fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let mut removed = 0;
    for (_, send) in super::operation_send_fns(file) {
        let before = send.block.stmts.len();
        send.block
            .stmts
            .retain(|stmt| !stmt.to_token_stream().to_string().contains(HEADER));
        removed += before - send.block.stmts.len();
    }
    if removed != model.actions.len() {
        return Err(CodegenError::pass(
            "strip_api_version",
            format!(
                "expected one api-version header per action ({}), found {removed}: progenitor's output changed",
                model.actions.len()
            ),
        ));
    }
    Ok(())
}
