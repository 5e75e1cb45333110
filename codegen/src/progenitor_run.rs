//! Running progenitor with the workspace's settings.

use crate::error::{CodegenError, Result};
use proc_macro2::TokenStream;

/// Generates the raw client tokens (builder interface) for `spec`.
pub fn generate_tokens(label: &str, spec: &openapiv3::OpenAPI) -> Result<TokenStream> {
    let mut settings = progenitor::GenerationSettings::new();
    settings.with_interface(progenitor::InterfaceStyle::Builder);
    let inner: TokenStream = crate::runtime_files::INNER_TYPE
        .parse()
        .expect("the inner type path is valid Rust");
    settings.with_inner_type(inner);
    // The runtime implements the hooks (signing, clock-skew correction); a missing
    // implementation is a compile error rather than an unsigned request.
    settings.with_hooks(progenitor::HooksMode::Expected);
    progenitor::Generator::new(&settings)
        .generate_tokens(spec)
        .map_err(|e| CodegenError::Progenitor {
            file: label.to_string(),
            message: e.to_string(),
        })
}
