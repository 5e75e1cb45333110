//! Text from the wire or from a caller, made safe and short enough to put in a message: the
//! one place where values are escaped and cut.

/// The most characters of one service-controlled value (a code, a message, a request id, a
/// body) an error shows; the rest is cut and counted.
pub(crate) const MAX_SHOWN_CHARS: usize = 512;

/// The most characters of a caller's value a limit message shows.
pub(crate) const MAX_SHOWN_VALUE_CHARS: usize = 64;

fn unsafe_to_print(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `text` made safe to print: control and bidirectional-override characters escaped (`\n`,
/// `\u{1b}`, …), with `"` and `\` escaped too when `quote` is set, and cut after `max`
/// characters with the rest counted (`…(N more characters)`).
fn escaped(text: &str, max: usize, quote: bool) -> String {
    let mut out = String::with_capacity(text.len().min(max + 32) + 2);
    if quote {
        out.push('"');
    }
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        if unsafe_to_print(c) || (quote && matches!(c, '"' | '\\')) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if quote {
        out.push('"');
    }
    let rest = chars.count();
    if rest > 0 {
        out.push_str(&format!("…({rest} more characters)"));
    }
    out
}

/// Text that came from the wire, safe to print and cut after `max` characters.
#[must_use]
pub fn shown(text: &str, max: usize) -> String {
    escaped(text, max, false)
}

/// A value in double quotes (quotes and backslashes escaped), safe to print and cut after
/// `max` characters.
#[must_use]
pub fn quoted(text: &str, max: usize) -> String {
    escaped(text, max, true)
}

/// Bytes that came from the wire, read as UTF-8 (invalid sequences replaced), safe to print
/// and cut after `max` characters.
pub(crate) fn shown_bytes(bytes: &[u8], max: usize) -> String {
    // Only the start is shown: never decode more than four bytes a character allows.
    let head = &bytes[..bytes.len().min(max.saturating_mul(4))];
    let mut text = shown(&String::from_utf8_lossy(head), max);
    if head.len() < bytes.len() {
        text.push_str(&format!(" ({} bytes in all)", bytes.len()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(
            shown("a\nb\u{1b}[31m\u{202e}", 10),
            "a\\nb\\u{1b}[31m\\u{202e}"
        );
    }

    #[test]
    fn long_text_is_cut_and_the_rest_counted() {
        assert_eq!(shown(&"x".repeat(300), 4), "xxxx…(296 more characters)");
        assert_eq!(shown("abcd", 4), "abcd");
    }

    #[test]
    fn quoted_values_escape_quotes() {
        assert_eq!(quoted("a\"b\\c", 64), "\"a\\\"b\\\\c\"");
        assert_eq!(quoted("abcdef", 3), "\"abc\"…(3 more characters)");
    }

    #[test]
    fn bytes_are_read_leniently_and_only_their_start() {
        assert_eq!(shown_bytes(b"ok \xff", 10), "ok \u{fffd}");
        let long = vec![b'a'; 10_000];
        let text = shown_bytes(&long, 8);
        assert!(
            text.starts_with("aaaaaaaa…(") && text.ends_with(" (10000 bytes in all)"),
            "{text}"
        );
    }
}
