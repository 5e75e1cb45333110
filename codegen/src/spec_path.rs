//! Dotted paths into the spec tree, as error messages print them.

use std::fmt;

/// A location in the spec: `paths./JoinX.post.x-tc-action`, `servers[0].url`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecPath(String);

impl SpecPath {
    /// The document root.
    #[must_use]
    pub fn root() -> Self {
        Self::default()
    }

    /// The child named `key` of this mapping.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        if self.0.is_empty() {
            Self(key.to_owned())
        } else {
            Self(format!("{}.{key}", self.0))
        }
    }

    /// The element at `index` of this sequence.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}[{index}]", self.0))
    }

    /// The path of a JSON pointer such as `/components/schemas/X`.
    #[must_use]
    pub fn from_pointer(pointer: &str) -> Self {
        pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .fold(Self::root(), |path, segment| path.key(&segment))
    }

    /// The path as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "(root)"
        } else {
            &self.0
        }
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_keys_and_indexes() {
        let p = SpecPath::root().key("paths").key("/X").key("post");
        assert_eq!(p.to_string(), "paths./X.post");
        assert_eq!(
            SpecPath::root()
                .key("servers")
                .index(0)
                .key("url")
                .to_string(),
            "servers[0].url"
        );
        assert_eq!(SpecPath::root().to_string(), "(root)");
    }

    #[test]
    fn decodes_json_pointers() {
        assert_eq!(
            SpecPath::from_pointer("/paths/~1X/post").to_string(),
            "paths./X.post"
        );
    }
}
