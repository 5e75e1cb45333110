//! Checks the patterns that are one character class over the whole value (`^[\x00-\x7F]*$`,
//! `^[A-Za-z0-9_-]+$`: what Tencent's limits are) by comparing characters with ranges,
//! instead of typify's `regress::Regex` compiled at first use. A client whose patterns are all
//! of this kind does not depend on `regress` (a regex engine, seconds of every user's cold
//! build); any other pattern keeps typify's check.

use crate::error::Result;
use crate::model::ApiModel;
use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

pub(super) fn apply(file: &mut syn::File, _model: &ApiModel) -> Result<()> {
    PatternChecks.visit_file_mut(file);
    Ok(())
}

/// A pattern of the kind this pass checks: every character of the value in `ranges` (sorted,
/// disjoint), and at least one character when `non_empty`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharClass {
    pub(crate) ranges: Vec<(char, char)>,
    pub(crate) non_empty: bool,
}

struct PatternChecks;

impl VisitMut for PatternChecks {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let Some(at) = block
            .stmts
            .iter()
            .position(|stmt| pattern_static(stmt).is_some())
        else {
            return;
        };
        let Some(class) = pattern_static(&block.stmts[at]).and_then(|p| char_class(&p)) else {
            return;
        };
        let Some(syn::Stmt::Expr(syn::Expr::If(check), _)) = block.stmts.get_mut(at + 1) else {
            return;
        };
        let cond: String = check.cond.to_token_stream().to_string();
        if cond.replace(' ', "") != "PATTERN.find(value).is_none()" {
            return;
        }
        let ranges = class
            .ranges
            .iter()
            .map(|(lo, hi)| quote::quote!((#lo, #hi)));
        let outside = quote::quote!(!::tc3_runtime::__private::chars_in(value, &[#(#ranges),*]));
        *check.cond = if class.non_empty {
            syn::parse_quote!(value.is_empty() || #outside)
        } else {
            syn::parse_quote!(#outside)
        };
        block.stmts.remove(at);
    }
}

/// The pattern of typify's `static PATTERN: LazyLock<::regress::Regex> = …("…")`.
fn pattern_static(stmt: &syn::Stmt) -> Option<String> {
    let syn::Stmt::Item(syn::Item::Static(item)) = stmt else {
        return None;
    };
    if item.ident != "PATTERN" || !item.ty.to_token_stream().to_string().contains("regress") {
        return None;
    }
    #[derive(Default)]
    struct FirstString(Option<String>);
    impl<'ast> Visit<'ast> for FirstString {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.0.get_or_insert_with(|| lit.value());
        }
    }
    let mut found = FirstString::default();
    found.visit_expr(&item.expr);
    found.0
}

/// `pattern` as a character class over the whole value, if it is one: `^[…]*$` or `^[…]+$`,
/// the class made of characters, ranges, `\xHH`, `\uHHHH`, `\u{H…}`, `\d`, `\w`, `\t` and
/// its kin and escaped punctuation, negated or not. `None` for anything else.
pub(crate) fn char_class(pattern: &str) -> Option<CharClass> {
    let body = pattern.strip_prefix("^[")?.strip_suffix('$')?;
    let (body, non_empty) = match (body.strip_suffix("]*"), body.strip_suffix("]+")) {
        (Some(body), _) => (body, false),
        (_, Some(body)) => (body, true),
        _ => return None,
    };
    let (body, negated) = match body.strip_prefix('^') {
        Some(rest) => (rest, true),
        None => (body, false),
    };
    let mut chars = body.chars().peekable();
    let mut ranges = Vec::new();
    while let Some(first) = chars.next() {
        let lo = match first {
            '\\' => match escape(&mut chars)? {
                Atom::Char(c) => c,
                Atom::Set(set) => {
                    ranges.extend_from_slice(set);
                    continue;
                }
            },
            // A `]` or `[` unescaped inside would end or nest the class: not this kind.
            '[' | ']' => return None,
            c => c,
        };
        let mut probe = chars.clone();
        if probe.next() == Some('-') && probe.peek().is_some() {
            chars.next();
            let hi = match chars.next()? {
                '\\' => match escape(&mut chars)? {
                    Atom::Char(c) => c,
                    Atom::Set(_) => return None,
                },
                '[' | ']' => return None,
                c => c,
            };
            if hi < lo {
                return None;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
    let mut ranges = merged(ranges);
    if negated {
        ranges = complement(&ranges);
    }
    Some(CharClass { ranges, non_empty })
}

/// What an escape inside a class stands for.
enum Atom {
    Char(char),
    Set(&'static [(char, char)]),
}

const DIGITS: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

/// The escape after a `\`.
fn escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Atom> {
    let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| {
        let digits: String = (0..n).map(|_| chars.next()).collect::<Option<_>>()?;
        digits
            .chars()
            .all(|c| c.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten()
            .and_then(char::from_u32)
    };
    Some(Atom::Char(match chars.next()? {
        'd' => return Some(Atom::Set(DIGITS)),
        'w' => return Some(Atom::Set(WORD)),
        'x' => hex(chars, 2)?,
        'u' if chars.peek() == Some(&'{') => {
            chars.next();
            let digits: String = chars.by_ref().take_while(|c| *c != '}').collect();
            if digits.is_empty()
                || digits.len() > 6
                || !digits.chars().all(|c| c.is_ascii_hexdigit())
            {
                return None;
            }
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?
        }
        'u' => hex(chars, 4)?,
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        'f' => '\u{c}',
        'v' => '\u{b}',
        '0' if !chars.peek().is_some_and(char::is_ascii_digit) => '\0',
        c if c.is_ascii_punctuation() => c,
        _ => return None,
    }))
}

/// `ranges` sorted, with overlapping and touching ones joined.
fn merged(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort_unstable();
    let mut out: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Every character not in `ranges` (sorted, disjoint).
fn complement(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut out = Vec::new();
    let mut next = Some('\0');
    for (lo, hi) in ranges {
        if let Some(start) = next {
            if start < *lo {
                out.push((start, before(*lo)));
            }
        }
        next = after(*hi);
    }
    if let Some(start) = next {
        out.push((start, char::MAX));
    }
    out
}

/// The character before `c` (skipping the surrogates, which are no characters).
fn before(c: char) -> char {
    match c {
        '\u{e000}' => '\u{d7ff}',
        c => char::from_u32(u32::from(c) - 1).unwrap_or('\0'),
    }
}

/// The character after `c`, if any.
fn after(c: char) -> Option<char> {
    match c {
        '\u{d7ff}' => Some('\u{e000}'),
        char::MAX => None,
        c => char::from_u32(u32::from(c) + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn accepts(class: &CharClass, value: &str) -> bool {
        !(class.non_empty && value.is_empty())
            && value
                .chars()
                .all(|c| class.ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)))
    }

    #[test]
    fn the_specs_patterns_are_classes_and_others_are_left_alone() {
        let ascii = char_class("^[\\x00-\\x7F]*$").unwrap();
        assert_eq!(ascii.ranges, [('\0', '\u{7f}')]);
        assert!(!ascii.non_empty);
        let id = char_class("^[A-Za-z0-9_\\-]+$").unwrap();
        assert_eq!(
            id.ranges,
            [('-', '-'), ('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')]
        );
        assert!(id.non_empty);
        let not_space = char_class("^[^ ]*$").unwrap();
        assert_eq!(not_space.ranges, [('\0', '\u{1f}'), ('!', char::MAX)]);
        for other in [
            "^[a-z]{1,5}$",
            "[a-z]*",
            "^[a-z]*",
            "^([a-z])*$",
            "^[a-z]*[0-9]$",
            "^[\\s]*$",
            "^[z-a]*$",
            "^[\\q]*$",
            "^[a-\\d]*$",
        ] {
            assert_eq!(char_class(other), None, "{other}");
        }
    }

    /// Classes built from pieces of the kinds Tencent's patterns use.
    fn class_pattern() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("a-z".to_owned()),
            Just("A-Z".to_owned()),
            Just("0-9".to_owned()),
            Just("\\x00-\\x7F".to_owned()),
            Just("\\x20-\\x7e".to_owned()),
            Just("\\u4e00-\\u9fa5".to_owned()),
            Just("\\u{1F600}-\\u{1F64F}".to_owned()),
            Just("\\d".to_owned()),
            Just("\\w".to_owned()),
            Just("\\-".to_owned()),
            Just("\\]".to_owned()),
            Just("\\\\".to_owned()),
            Just("\\t".to_owned()),
            Just("_.:/@ ".to_owned()),
            Just("é".to_owned()),
        ];
        (
            any::<bool>(),
            proptest::collection::vec(piece, 1..5),
            prop_oneof![Just('*'), Just('+')],
        )
            .prop_map(|(negated, pieces, quantifier)| {
                format!(
                    "^[{}{}]{quantifier}$",
                    if negated { "^" } else { "" },
                    pieces.concat()
                )
            })
    }

    proptest! {
        #[test]
        fn a_class_accepts_what_the_regex_accepts(
            pattern in class_pattern(),
            values in proptest::collection::vec(
                "[a-zA-Z0-9 _.:/@\\-\\]\\\\\t\\x00-\\x7f\u{80}-\u{ff}é一-鿿😀-🙏\u{10ffff}]{0,6}", 9),
        ) {
            let class = char_class(&pattern).expect("a class");
            let regex = regress::Regex::new(&pattern).unwrap();
            for value in values {
                prop_assert_eq!(
                    accepts(&class, &value),
                    regex.find(&value).is_some(),
                    "{} on {:?}", pattern, value
                );
            }
        }
    }
}
