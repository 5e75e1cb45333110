//! The INI dialect of credentials files, read as the official SDKs read it: `[section]`
//! headers, `key = value` (or `key: value`) lines, `#` and `;` comment lines, blank lines.
//! Keys are case-insensitive and values trimmed, as Python's `configparser` has them; one pair
//! of matching quotes around a value is removed, as Go's `ini` does. Strict where a quiet
//! guess could sign with the wrong key: a section given twice, a key outside any section and
//! any other line are errors naming the line (never its text: it may be a secret). A key given
//! twice is kept twice, for the reader to refuse by name.

use std::collections::HashMap;

/// The sections of a file, by name, each its keys (lowercase) and values in file order.
#[derive(Debug, Default)]
pub(super) struct Sections(HashMap<String, Vec<(String, String)>>);

/// One section's keys and values.
#[derive(Debug)]
pub(super) struct Section<'a>(&'a [(String, String)]);

impl Sections {
    /// `[name]`, if the file has it.
    pub(super) fn section(&self, name: &str) -> Option<Section<'_>> {
        self.0.get(name).map(|pairs| Section(pairs))
    }
}

impl<'a> Section<'a> {
    /// Every value given for `key` (lowercase), in file order.
    pub(super) fn get_all(&self, key: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Parses `text`; an error says which line is wrong and how.
pub(super) fn parse(text: &str) -> Result<Sections, String> {
    let mut sections: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut current: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let name = header
                .strip_suffix(']')
                .ok_or_else(|| format!("line {number} opens a [section] without closing it"))?
                .trim();
            if sections.contains_key(name) {
                return Err(format!(
                    "line {number} opens [{name}] again; keep one section of each name"
                ));
            }
            sections.insert(name.to_owned(), Vec::new());
            current = Some(name.to_owned());
            continue;
        }
        let Some(split) = line.find(['=', ':']) else {
            return Err(format!(
                "line {number} is neither a [section], a key = value nor a comment (its text is not shown: it may be a secret)"
            ));
        };
        let key = line[..split].trim().to_ascii_lowercase();
        let value = unquoted(line[split + 1..].trim());
        if key.is_empty() {
            return Err(format!("line {number} has a value without a key"));
        }
        let Some(section) = current.as_ref().and_then(|name| sections.get_mut(name)) else {
            return Err(format!(
                "line {number} sets a key before any [section] (its text is not shown: it may be a secret)"
            ));
        };
        section.push((key, value.to_owned()));
    }
    Ok(Sections(sections))
}

/// `value` without one pair of matching quotes around it.
fn unquoted(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_quotes() {
        let sections = parse(
            "# a comment\n; another\n\n[default]\nsecret_id = AKID1\nSecret_Key: \"k=1\"\n\n  [ staging ]  \ntoken='t'\nempty =\n",
        )
        .unwrap();
        let one =
            |section: &str, key: &str| sections.section(section).unwrap().get_all(key).join("|");
        assert_eq!(one("default", "secret_id"), "AKID1");
        assert_eq!(one("default", "secret_key"), "k=1");
        assert_eq!(one("staging", "token"), "t");
        assert_eq!(one("staging", "empty"), "");
        let twice = parse("[a]\nsecret_key=1\nSECRET_KEY=2\n").unwrap();
        assert_eq!(
            twice.section("a").unwrap().get_all("secret_key"),
            ["1", "2"]
        );
        assert!(
            sections.section("Default").is_none(),
            "section names keep their case"
        );
    }

    #[test]
    fn each_ambiguity_is_an_error_naming_the_line_and_never_its_text() {
        for (text, expected) in [
            (
                "[default\nsecret_id=x\n",
                "line 1 opens a [section] without closing it",
            ),
            ("[a]\nx=1\n[a]\n", "line 3 opens [a] again"),
            (
                "AKIDpastedsecret=x\n[a]\n",
                "line 1 sets a key before any [section]",
            ),
            ("[a]\n= v\n", "line 2 has a value without a key"),
            ("[a]\nAKIDpastedsecret\n", "line 2 is neither a [section]"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?}: {error}");
            assert!(!error.contains("pastedsecret"), "{error}");
        }
    }
}
