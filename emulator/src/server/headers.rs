//! The headers the emulator reads: their names, parsed once; the check that each one present
//! is text; the media type of `Content-Type`.

use crate::api_error::ApiError;
use hyper::header::{HeaderMap, HeaderName};

/// The headers the emulator reads, parsed once (not from text at each lookup).
pub(crate) mod names {
    use hyper::header::HeaderName;

    pub(crate) const AUTHORIZATION: HeaderName = hyper::header::AUTHORIZATION;
    pub(crate) const CONTENT_TYPE: HeaderName = hyper::header::CONTENT_TYPE;
    pub(crate) const HOST: HeaderName = hyper::header::HOST;
    pub(crate) const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
    pub(crate) const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");
    pub(crate) const X_TC_ACTION: HeaderName = HeaderName::from_static("x-tc-action");
    pub(crate) const X_TC_VERSION: HeaderName = HeaderName::from_static("x-tc-version");
    pub(crate) const X_TC_REGION: HeaderName = HeaderName::from_static("x-tc-region");
    pub(crate) const X_TC_LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
    pub(crate) const X_TC_CONTENT_SHA256: HeaderName =
        HeaderName::from_static("x-tc-content-sha256");
}

/// The headers the emulator reads, as they are named in messages, and the code a header
/// that is present but not text gets (those read by the signature check are part of the
/// authorization).
const READ_HEADERS: [(&str, HeaderName, &str); 10] = [
    (
        "Authorization",
        names::AUTHORIZATION,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "X-TC-Timestamp",
        names::X_TC_TIMESTAMP,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "X-TC-Token",
        names::X_TC_TOKEN,
        "AuthFailure.InvalidAuthorization",
    ),
    (
        "Content-Type",
        names::CONTENT_TYPE,
        "AuthFailure.InvalidAuthorization",
    ),
    ("Host", names::HOST, "AuthFailure.InvalidAuthorization"),
    ("X-TC-Action", names::X_TC_ACTION, "InvalidParameter"),
    ("X-TC-Version", names::X_TC_VERSION, "InvalidParameter"),
    ("X-TC-Region", names::X_TC_REGION, "InvalidParameter"),
    ("X-TC-Language", names::X_TC_LANGUAGE, "InvalidParameter"),
    (
        "X-TC-Content-SHA256",
        names::X_TC_CONTENT_SHA256,
        "AuthFailure.InvalidAuthorization",
    ),
];

/// The headers a request may send once only: the host, and every header the signature or the
/// routing reads (two of them would let a proxy and the emulator read different requests).
const ONCE_ONLY: [(&str, HeaderName); 8] = [
    ("Host", names::HOST),
    ("Authorization", names::AUTHORIZATION),
    ("Content-Type", names::CONTENT_TYPE),
    ("X-TC-Action", names::X_TC_ACTION),
    ("X-TC-Version", names::X_TC_VERSION),
    ("X-TC-Timestamp", names::X_TC_TIMESTAMP),
    ("X-TC-Token", names::X_TC_TOKEN),
    ("X-TC-Region", names::X_TC_REGION),
];

/// The message for a request that sends one of [`ONCE_ONLY`] more than once (answered 400, as
/// RFC 9112 requires for two `Host` headers).
pub(crate) fn repeated_header(headers: &HeaderMap) -> Option<String> {
    ONCE_ONLY.iter().find_map(|(name, header)| {
        let count = headers.get_all(header).iter().count();
        (count > 1)
            .then(|| format!("the header {name} is sent {count} times; a request sends it once\n"))
    })
}

/// Refuses a header the emulator reads that is present but not visible ASCII text (which
/// would otherwise read as missing), naming it and its first offending byte.
pub(crate) fn check_header_text(headers: &HeaderMap) -> Result<(), ApiError> {
    for (name, header, code) in READ_HEADERS {
        for value in headers.get_all(header) {
            if value.to_str().is_err() {
                let bytes = value.as_bytes();
                let (at, byte) = bytes
                    .iter()
                    .enumerate()
                    .find(|(_, b)| !(b.is_ascii_graphic() || **b == b' ' || **b == b'\t'))
                    .map_or((0, 0), |(i, b)| (i, *b));
                return Err(ApiError::new(
                    code,
                    format!(
                        "the header {name} is present but is not visible ASCII text: byte 0x{byte:02X} at position {at} of {}",
                        bytes.len()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The media type of a `Content-Type` value, without parameters, lower case.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}
