//! The language of the service's messages.

/// The language of the service's messages (`X-TC-Language`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Language {
    /// `zh-CN`
    ZhCn,
    /// `en-US`
    EnUs,
}

impl Language {
    /// The header value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::EnUs => "en-US",
        }
    }
}
