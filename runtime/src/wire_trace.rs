//! The wire trace: at `trace` level only, each attempt's method, URL, headers and body, and
//! each answer's status, headers and body, the bodies cut after [`MAX_TRACED_BODY`] bytes.
//! The signature of `Authorization`, `X-TC-Token` and any header marked sensitive are
//! redacted; no secret key is ever on the wire to begin with.

use crate::text::shown_bytes;
use crate::transport::{WireRequest, WireResponse};
use reqwest::header::HeaderMap;

/// The most characters of a body the trace shows.
const MAX_TRACED_BODY: usize = 4096;

/// The headers as one line, secrets redacted.
fn headers(map: &HeaderMap) -> String {
    let mut out = String::new();
    for (name, value) in map {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name.as_str());
        out.push_str(": ");
        let text = value.to_str().unwrap_or("(not text)");
        if name == reqwest::header::AUTHORIZATION {
            // The credential and the signed headers help debugging; the signature does not.
            match text.split_once(", Signature=") {
                Some((head, _)) => {
                    out.push_str(head);
                    out.push_str(", Signature=** redacted **");
                }
                None => out.push_str("** redacted **"),
            }
        } else if value.is_sensitive() || name.as_str() == "x-tc-token" {
            out.push_str("** redacted **");
        } else {
            out.push_str(text);
        }
    }
    out
}

/// Traces a request about to be sent.
pub(crate) fn request(request: &WireRequest) {
    if tracing::enabled!(tracing::Level::TRACE) {
        tracing::trace!(
            method = %request.method,
            url = %request.url,
            headers = %headers(&request.headers),
            body = %shown_bytes(&request.body, MAX_TRACED_BODY),
            "wire: request"
        );
    }
}

/// Traces an answer.
pub(crate) fn response(response: &WireResponse) {
    if tracing::enabled!(tracing::Level::TRACE) {
        tracing::trace!(
            status = response.status,
            headers = %headers(&response.headers),
            body = %shown_bytes(&response.body, MAX_TRACED_BODY),
            "wire: answer"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn signatures_and_tokens_are_redacted() {
        let mut map = HeaderMap::new();
        map.insert(
            reqwest::header::AUTHORIZATION,
            HeaderValue::from_static(
                "TC3-HMAC-SHA256 Credential=AKID/2024-01-01/widgets/tc3_request, SignedHeaders=content-type;host, Signature=abcdef0123",
            ),
        );
        map.insert("x-tc-token", HeaderValue::from_static("secret-token"));
        map.insert("x-tc-action", HeaderValue::from_static("DoThing"));
        let line = headers(&map);
        assert!(
            !line.contains("abcdef0123") && !line.contains("secret-token"),
            "{line}"
        );
        assert!(
            line.contains("Credential=AKID/") && line.contains("x-tc-action: DoThing"),
            "{line}"
        );
    }
}
