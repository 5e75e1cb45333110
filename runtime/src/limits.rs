//! Messages for broken limits, shared by the generated checks: each names the field (as the
//! service spells it), the limit and the value given. Generated code only: reached through
//! `tc3_runtime::__private`.

use crate::text::{quoted, MAX_SHOWN_VALUE_CHARS};

/// A value as shown in a message: quoted, and cut after 64 characters.
fn shown(value: &str) -> String {
    quoted(value, MAX_SHOWN_VALUE_CHARS)
}

/// Checks a list's length against `minItems`/`maxItems`.
pub fn check_list_length(
    field: &str,
    given: usize,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), String> {
    if let Some(max) = max.filter(|max| given > *max) {
        return Err(format!(
            "{field}: {given} items given, at most {max} allowed"
        ));
    }
    if let Some(min) = min.filter(|min| given < *min) {
        return Err(format!(
            "{field}: {given} items given, at least {min} required"
        ));
    }
    Ok(())
}

/// The limits of a list's string items (`minLength`, `maxLength`, and a pattern that is one
/// character class: its ranges and its text, for the message).
#[derive(Clone, Copy, Debug)]
pub struct ItemLimits<'a> {
    /// `minLength`.
    pub min: Option<usize>,
    /// `maxLength`.
    pub max: Option<usize>,
    /// The pattern's ranges and the pattern as the spec writes it.
    pub pattern: Option<(&'a [(char, char)], &'a str)>,
}

/// Checks each item of a list against `limits`; the first broken one is named by its
/// position, `field[i]`.
pub fn check_items<S: AsRef<str>>(
    field: &str,
    items: &[S],
    limits: ItemLimits<'_>,
) -> Result<(), String> {
    for (i, item) in items.iter().enumerate() {
        let item = item.as_ref();
        let chars = item.chars().count();
        let broken = if limits.max.is_some_and(|max| chars > max) {
            limits.max.map(|max| too_long(item, max))
        } else if limits.min.is_some_and(|min| chars < min) {
            limits.min.map(|min| too_short(item, min))
        } else {
            limits
                .pattern
                .filter(|(ranges, _)| !chars_in(item, ranges))
                .map(|(_, pattern)| mismatch(item, pattern))
        };
        if let Some(message) = broken {
            return Err(format!("{field}[{i}]: {message}"));
        }
    }
    Ok(())
}

/// The message for a string longer than `max` characters.
#[must_use]
pub fn too_long(value: &str, max: usize) -> String {
    format!(
        "{} characters given ({}), at most {max} allowed",
        value.chars().count(),
        shown(value)
    )
}

/// The message for a string shorter than `min` characters.
#[must_use]
pub fn too_short(value: &str, min: usize) -> String {
    format!(
        "{} characters given ({}), at least {min} required",
        value.chars().count(),
        shown(value)
    )
}

/// Whether every character of `value` is in one of `ranges` (inclusive): the check of a
/// pattern that is one character class over the whole value, such as `^[\x00-\x7F]*$`.
#[must_use]
pub fn chars_in(value: &str, ranges: &[(char, char)]) -> bool {
    value
        .chars()
        .all(|c| ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi))
}

/// The message for a string that does not match `pattern`.
#[must_use]
pub fn mismatch(value: &str, pattern: &str) -> String {
    format!("{} does not match the pattern {pattern}", shown(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_in_checks_every_character_against_the_ranges() {
        let ascii = [('\0', '\u{7f}')];
        assert!(chars_in("", &ascii));
        assert!(chars_in("player-01 \u{7f}", &ascii));
        assert!(!chars_in("caf\u{e9}", &ascii));
        let digits_or_dash = [('-', '-'), ('0', '9')];
        assert!(chars_in("12-34", &digits_or_dash));
        assert!(!chars_in("12_34", &digits_or_dash));
        assert!(!chars_in("x", &[]));
    }

    #[test]
    fn each_item_is_checked_and_the_first_broken_one_named_by_its_position() {
        let ascii = [('\0', '\u{7f}')];
        let limits = ItemLimits {
            min: Some(1),
            max: Some(4),
            pattern: Some((&ascii, "^[\\x00-\\x7F]*$")),
        };
        assert!(check_items("Ids", &["a", "abcd"], limits).is_ok());
        let long = check_items("Ids", &["a", "abcde"], limits).unwrap_err();
        assert_eq!(
            long,
            "Ids[1]: 5 characters given (\"abcde\"), at most 4 allowed"
        );
        let empty = check_items("Ids", &[String::new()], limits).unwrap_err();
        assert!(
            empty.starts_with("Ids[0]: 0 characters given") && empty.contains("at least 1"),
            "{empty}"
        );
        let accented = check_items("Ids", &["ok", "é"], limits).unwrap_err();
        assert!(
            accented.starts_with("Ids[1]: \"é\" does not match the pattern"),
            "{accented}"
        );
    }

    #[test]
    fn messages_name_the_limit_and_the_value() {
        assert_eq!(
            check_list_length("Items", 26, Some(1), Some(25)).unwrap_err(),
            "Items: 26 items given, at most 25 allowed"
        );
        assert_eq!(
            check_list_length("Items", 0, Some(1), Some(25)).unwrap_err(),
            "Items: 0 items given, at least 1 required"
        );
        assert!(check_list_length("Items", 25, Some(1), Some(25)).is_ok());
        assert_eq!(
            too_long("abc", 2),
            "3 characters given (\"abc\"), at most 2 allowed"
        );
        assert!(too_long(&"x".repeat(300), 5).contains("…(236 more characters)"));
    }
}
