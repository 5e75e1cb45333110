//! Every doc comment as `///` lines: a multi-line `#[doc]` (which prettyplease prints as
//! `/** */`) becomes one attribute per line. Runs last, over the whole file.

use syn::visit_mut::VisitMut;

pub(super) fn apply(file: &mut syn::File) {
    SplitDocs.visit_file_mut(file);
}

struct SplitDocs;

impl SplitDocs {
    fn split(attrs: &mut Vec<syn::Attribute>) {
        if !attrs.iter().any(is_multi_line_doc) {
            return;
        }
        let mut out = Vec::with_capacity(attrs.len());
        for attr in attrs.drain(..) {
            let lines = multi_line_doc(&attr);
            match lines {
                Some(text) => {
                    let inner = matches!(attr.style, syn::AttrStyle::Inner(_));
                    for line in text.lines() {
                        // `///text` is `#[doc = "text"]`: a space keeps `/// text`.
                        let line = if line.is_empty() {
                            String::new()
                        } else {
                            format!(" {line}")
                        };
                        out.push(if inner {
                            syn::parse_quote!(#![doc = #line])
                        } else {
                            syn::parse_quote!(#[doc = #line])
                        });
                    }
                }
                None => out.push(attr),
            }
        }
        *attrs = out;
    }
}

fn is_multi_line_doc(attr: &syn::Attribute) -> bool {
    multi_line_doc(attr).is_some()
}

/// The text of a `#[doc = "..."]` that spans several lines.
fn multi_line_doc(attr: &syn::Attribute) -> Option<String> {
    super::doc_string(attr).filter(|text| text.contains('\n'))
}

impl VisitMut for SplitDocs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        Self::split(attrs);
        for attr in attrs {
            self.visit_attribute_mut(attr);
        }
    }
}
