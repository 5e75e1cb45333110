//! Running progenitor with the workspace's settings.

use crate::error::{CodegenError, Result};
use proc_macro2::TokenStream;

/// Generates the raw client tokens (builder interface) for `spec`.
pub(crate) fn generate_tokens(label: &str, spec: &openapiv3::OpenAPI) -> Result<TokenStream> {
    let mut settings = progenitor::GenerationSettings::new();
    settings.with_interface(progenitor::InterfaceStyle::Builder);
    // The runtime's state rides in the client; every request goes through its call
    // pipeline (the `send_calls` pass replaces progenitor's `send`), so no hook is needed.
    settings.with_inner_type(quote::quote!(tc3_runtime::Runtime));
    // progenitor and typify panic on some schema shapes; a spec must never crash the
    // generator, so a panic becomes an error naming the spec.
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        progenitor::Generator::new(&settings).generate_tokens(spec)
    }));
    match generated {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(CodegenError::Progenitor {
            file: label.to_owned(),
            message: e.to_string(),
        }),
        Err(panic) => Err(CodegenError::Progenitor {
            file: label.to_owned(),
            message: format!(
                "it stopped on this spec ({}); simplify the schema it names",
                panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("no message")
            ),
        }),
    }
}
