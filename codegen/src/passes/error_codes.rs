//! Emits `ErrorCode`: one variant per error code of the spec (common and per action), dotted
//! sub-codes kept (`Family.Detail` is the variant `FamilyDetail`), and `Other` for codes the
//! spec does not list.

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

const PASS: &str = "error_codes";

pub fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
    for code in model
        .common_error_codes
        .iter()
        .chain(model.actions.iter().flat_map(|a| a.error_codes.iter()))
    {
        codes.entry(&code.code).or_insert(&code.description);
    }
    let mut variants = Vec::new();
    let mut by_ident: BTreeMap<String, &str> = BTreeMap::new();
    for (code, description) in &codes {
        let ident = code.replace('.', "");
        if let Some(other) = by_ident.insert(ident.clone(), code) {
            return Err(CodegenError::pass(
                PASS,
                format!("the codes `{other}` and `{code}` would both be the variant `{ident}`"),
            ));
        }
        variants.push((format_ident!("{}", ident), *code, *description));
    }
    let decls = variants.iter().map(|(ident, code, description)| {
        let doc = format!("`{code}`: {description}");
        quote!(#[doc = #doc] #ident,)
    });
    let to_str = variants
        .iter()
        .map(|(ident, code, _)| quote!(Self::#ident => #code,));
    let from_str = variants
        .iter()
        .map(|(ident, code, _)| quote!(#code => Self::#ident,));
    let describe = variants
        .iter()
        .map(|(ident, _, description)| quote!(Self::#ident => Some(#description),));
    file.items.push(syn::parse_quote! {
        /// An error code the service answers with: every code the spec lists, and `Other` for
        /// any other (codes are open-ended: new dotted sub-codes appear).
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#decls)*
            /// A code the spec does not list, kept as sent.
            Other(String),
        }
    });
    file.items.push(syn::parse_quote! {
        impl ErrorCode {
            /// The code as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Other(code) => code,
                }
            }

            /// The variant for `code` (`Other` when the spec does not list it).
            pub fn parse(code: &str) -> Self {
                match code {
                    #(#from_str)*
                    other => Self::Other(other.to_string()),
                }
            }

            /// The part before the first dot: `Family` for `Family.Detail`.
            pub fn family(&self) -> &str {
                let code = self.as_str();
                code.split_once('.').map_or(code, |(family, _)| family)
            }

            /// The spec's description of the code, if it lists it.
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    #(#describe)*
                    Self::Other(_) => None,
                }
            }
        }
    });
    file.items.push(syn::parse_quote! {
        impl ::std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    });
    file.items.push(syn::parse_quote! {
        impl ::std::str::FromStr for ErrorCode {
            type Err = ::std::convert::Infallible;
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(code))
            }
        }
    });
    Ok(())
}
