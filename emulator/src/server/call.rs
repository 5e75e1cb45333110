//! From a request to a verified call: its signature checked (TC3 in `Authorization`, or
//! HmacSHA1/HmacSHA256 in its parameters), then who calls, the action, version and region,
//! and its parameters as sent.

use super::headers::{media_type, names};
use crate::api_error::ApiError;
use crate::auth::{Presented, Verifier};
use crate::clock::unix_now;
use crate::lang::Language;
use crate::legacy_sign::{self, LegacyPresented};
use crate::params;
use hyper::header::HeaderName;
use hyper::http::request::Parts;
use hyper::Method;

/// The action's parameters as sent: a JSON body, or flattened pairs (a query string or a
/// form body).
pub(crate) enum Params<'a> {
    /// A JSON body, not parsed yet.
    Json(&'a str),
    /// Flattened pairs, decoded.
    Flat(Vec<(String, String)>),
}

/// A verified call: who, what, and the parameters.
pub(crate) struct Call<'a> {
    /// The SecretId whose signature was verified.
    pub(crate) secret_id: String,
    /// The action named (empty when none was).
    pub(crate) action: String,
    /// The version named (empty when none was).
    pub(crate) version: String,
    /// The region named, if any.
    pub(crate) region: Option<String>,
    /// The action's parameters.
    pub(crate) params: Params<'a>,
}

fn utf8_body(body: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(body).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("the request body is not valid UTF-8: {e}"),
        )
    })
}

/// Verifies the signature of the request `parts` with `body` and reads its call. `language`
/// is set to the language the request asks for as soon as it is known, so that errors found
/// after that are told in it.
pub(crate) fn verify<'a>(
    verifier: &Verifier,
    parts: &'a Parts,
    body: &'a [u8],
    language: &mut Language,
) -> Result<Call<'a>, ApiError> {
    let headers = &parts.headers;
    let get = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or_default();
    let content_type = get(names::CONTENT_TYPE).unwrap_or_default();
    let host = get(names::HOST).unwrap_or_default();
    let form = media_type(content_type) == "application/x-www-form-urlencoded";
    let call = if let Some(authorization) = get(names::AUTHORIZATION) {
        *language = Language::parse(get(names::X_TC_LANGUAGE)).unwrap_or_default();
        let presented = Presented {
            method,
            path,
            query,
            authorization: Some(authorization),
            timestamp: get(names::X_TC_TIMESTAMP),
            token: get(names::X_TC_TOKEN),
            content_type,
            host,
            unsigned_payload: get(names::X_TC_CONTENT_SHA256) == Some("UNSIGNED-PAYLOAD"),
            body,
            headers: Some(headers),
        };
        let secret_id = verifier.verify(&presented, unix_now())?.to_owned();
        Language::parse(get(names::X_TC_LANGUAGE))?;
        let params = if parts.method == Method::GET {
            Params::Flat(params::form_decode(query)?)
        } else if form {
            Params::Flat(params::form_decode(utf8_body(body)?)?)
        } else {
            Params::Json(utf8_body(body)?)
        };
        Call {
            secret_id,
            action: get(names::X_TC_ACTION).unwrap_or_default().to_owned(),
            version: get(names::X_TC_VERSION).unwrap_or_default().to_owned(),
            region: get(names::X_TC_REGION).map(str::to_owned),
            params,
        }
    } else {
        // No Authorization: a HmacSHA1/HmacSHA256 request, all in its parameters.
        let mut all = if parts.method == Method::GET {
            params::form_decode(query)?
        } else if form {
            params::form_decode(utf8_body(body)?)?
        } else {
            Vec::new()
        };
        if legacy_sign::param(&all, "Signature").is_none() {
            return Err(ApiError::new(
                "AuthFailure.InvalidAuthorization",
                "the Authorization header is missing (and there is no Signature parameter of a HmacSHA1/HmacSHA256 request)",
            ));
        }
        *language = Language::parse(legacy_sign::param(&all, "Language")).unwrap_or_default();
        let secret_id = verifier
            .verify_legacy(
                &LegacyPresented {
                    method,
                    host,
                    path,
                    params: &all,
                },
                unix_now(),
            )?
            .to_owned();
        Language::parse(legacy_sign::param(&all, "Language"))?;
        let take =
            |all: &[(String, String)], name: &str| legacy_sign::param(all, name).map(str::to_owned);
        let call = Call {
            secret_id,
            action: take(&all, "Action").unwrap_or_default(),
            version: take(&all, "Version").unwrap_or_default(),
            region: take(&all, "Region"),
            params: Params::Flat(Vec::new()),
        };
        all.retain(|(k, _)| !legacy_sign::COMMON_PARAMS.contains(&k.as_str()));
        Call {
            params: Params::Flat(all),
            ..call
        }
    };
    Ok(call)
}
