//! For each action whose spec names its page token (`x-tc-page-token`: a field of its request
//! and of its answer, beside one list in the answer), an `into_paginator()` on its request
//! builder, through the runtime's `Paginator` (pages and items as streams, a bound on pages, a
//! repeated token an error).

use crate::error::{CodegenError, Result};
use crate::model::ApiModel;
use quote::quote;

const PASS: &str = "paginators";

pub(super) fn apply(file: &mut syn::File, model: &ApiModel) -> Result<()> {
    for action in &model.actions {
        let Some(token) = action.page_token.as_deref() else {
            continue;
        };
        let (builder, request_fields) = super::action_request(file, action, PASS)?;
        let missing = |side: &str| {
            CodegenError::pass(
                PASS,
                format!(
                    "`{}`: x-tc-page-token names `{token}`, which its {side} lacks",
                    action.name
                ),
            )
        };
        let token_field = request_fields
            .iter()
            .find(|f| f.wire == token)
            .ok_or_else(|| missing("request"))?;
        let token_setter = token_field.ident.clone();
        let response = super::send_calls::inner_response_type(file, &action.operation_id)?;
        let response_name = match &response {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .ok_or_else(|| CodegenError::pass(PASS, "the answer type is not a named type"))?;
        let Some(answer) = super::types_struct(file, &response_name) else {
            return Err(CodegenError::pass(
                PASS,
                format!("no type `{response_name}`"),
            ));
        };
        let fields = super::wire_fields(answer);
        let next = fields
            .iter()
            .find(|f| f.wire == token)
            .ok_or_else(|| missing("answer"))?;
        let lists: Vec<_> = fields
            .iter()
            .filter(|f| {
                let inner = super::unwrap_type(&f.ty, "Option").unwrap_or(&f.ty);
                super::unwrap_type(inner, "Vec").is_some()
            })
            .collect();
        let [list] = lists.as_slice() else {
            return Err(CodegenError::pass(
                PASS,
                format!(
                    "`{}`: a paged answer must have exactly one list, `{response_name}` has {}",
                    action.name,
                    lists.len()
                ),
            ));
        };
        let list_optional = super::unwrap_type(&list.ty, "Option");
        let element = super::unwrap_type(list_optional.unwrap_or(&list.ty), "Vec")
            .ok_or_else(|| CodegenError::pass(PASS, "the answer's list is not a Vec"))?;
        let item = super::from_builder_module(element, file);
        let list_ident = &list.ident;
        let items = if list_optional.is_some() {
            quote!(page.#list_ident.unwrap_or_default())
        } else {
            quote!(page.#list_ident)
        };
        let next_ident = &next.ident;
        let next_token = if super::unwrap_type(&next.ty, "Option").is_some() {
            quote!(page.#next_ident.as_ref().map(|t| t.to_string()))
        } else {
            quote!(Some(page.#next_ident.to_string()))
        };
        let doc = format!(
            " Every page of `{}`, following `{token}`: `.pages()` and `.items()` as streams, \
             `.collect_items()`, at most `.max_pages(n)` pages; a token the service gives twice \
             ends the stream with an error.",
            action.name
        );
        let module = super::top_module(file, "builder")
            .ok_or_else(|| CodegenError::pass(PASS, "no `builder` module"))?;
        module.push(syn::parse_quote! {
            impl<'a> ::tc3_runtime::__private::PagedRequest for #builder<'a> {
                type Page = #response;
                type Item = #item;
                type Code = crate::ErrorCode;

                fn with_token(&self, token: ::std::option::Option<::std::string::String>) -> Self {
                    match token {
                        ::std::option::Option::Some(token) => self.clone().#token_setter(token),
                        ::std::option::Option::None => self.clone(),
                    }
                }

                async fn send_page(self) -> Result<#response, crate::Error> {
                    self.send().await
                }

                fn next_token(page: &#response) -> ::std::option::Option<::std::string::String> {
                    #next_token
                }

                fn items(page: #response) -> Vec<#item> {
                    #items
                }
            }
        });
        module.push(syn::parse_quote! {
            impl<'a> #builder<'a> {
                #[doc = #doc]
                pub fn into_paginator(self) -> ::tc3_runtime::Paginator<Self> {
                    ::tc3_runtime::Paginator::__new(self)
                }
            }
        });
    }
    Ok(())
}
