//! Wire text as messages show it: cut after [`MAX_CHARS`] characters, with `…` after the cut.

use std::fmt;

/// The most characters of a wire text a message shows.
pub(crate) const MAX_CHARS: usize = 64;

/// A wire text ready for a message: `{}` writes it as given, `{:?}` quoted and escaped as
/// Rust's `Debug` quotes a string; both cut it after [`MAX_CHARS`] characters and write `…`
/// after the cut (after the closing quote when quoted, so the quotes hold only text that was
/// sent).
#[derive(Clone, Copy)]
pub(crate) struct Shown<'a> {
    head: &'a str,
    cut: bool,
}

/// `text` as messages show it (nothing is copied until it is written).
pub(crate) fn shown(text: &str) -> Shown<'_> {
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => Shown {
            head: &text[..end],
            cut: true,
        },
        None => Shown {
            head: text,
            cut: false,
        },
    }
}

impl Shown<'_> {
    fn ellipsis(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.head)?;
        self.ellipsis(f)
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.head, f)?;
        self.ellipsis(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_up_to_the_limit_are_shown_whole() {
        for text in [
            "",
            "GameServerSessionId",
            &"x".repeat(MAX_CHARS),
            &"é".repeat(MAX_CHARS),
        ] {
            assert_eq!(shown(text).to_string(), text);
            assert_eq!(format!("{:?}", shown(text)), format!("{text:?}"));
        }
    }

    #[test]
    fn longer_texts_are_cut_at_a_character_with_an_ellipsis_after_the_cut() {
        let text = format!("{}ü-rest", "é".repeat(MAX_CHARS - 1));
        let head = format!("{}ü", "é".repeat(MAX_CHARS - 1));
        assert_eq!(shown(&text).to_string(), format!("{head}…"));
        assert_eq!(format!("{:?}", shown(&text)), format!("\"{head}\"…"));
    }

    #[test]
    fn quoting_escapes_what_the_text_holds() {
        let text = "a\"b\n\u{7}";
        assert_eq!(format!("{:?}", shown(text)), r#""a\"b\n\u{7}""#);
        assert_eq!(
            shown(text).to_string(),
            text,
            "unquoted, the text is as given"
        );
        let long = format!("{}\n", "q".repeat(MAX_CHARS - 1));
        assert_eq!(
            format!("{:?}", shown(&long)),
            format!("\"{}\\n\"", "q".repeat(MAX_CHARS - 1)),
            "the 64th character is kept whole, escaped"
        );
    }
}
