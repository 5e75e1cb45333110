//! STS's `AssumeRole` (version 2018-08-13), as much of it as a client's credentials need: the
//! caller's TC3 signature checked (service `sts`, a long-term key of an account the emulator
//! knows), `RoleArn`, `RoleSessionName` and `DurationSeconds` checked, and temporary
//! credentials issued that the API accepts until they expire.

use super::call::{self, Params};
use super::state::Emulator;
use crate::api_error::ApiError;
use crate::lang::Language;
use crate::request_id::request_id;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// The action served here.
pub(crate) const ASSUME_ROLE: &str = "AssumeRole";
/// STS's API version.
pub(crate) const STS_VERSION: &str = "2018-08-13";
/// The longest `DurationSeconds`: 12 hours.
const MAX_DURATION_SECS: u64 = 43_200;

/// Serves a signed `AssumeRole`; the `Response` envelope as JSON text.
pub(crate) fn assume_role(
    state: &Emulator,
    parts: &hyper::http::request::Parts,
    body: &[u8],
    language: &mut Language,
) -> Result<String, ApiError> {
    let call = call::verify(&state.sts_verifier, parts, body, language)?;
    if call.secret_id.starts_with("AKIDTMP") {
        return Err(ApiError::new(
            "InvalidParameter",
            "AssumeRole is called with a long-term key here, not with temporary credentials",
        ));
    }
    if call.version != STS_VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "the version {:?} does not exist; STS is version {STS_VERSION}",
                call.version.chars().take(32).collect::<String>()
            ),
        ));
    }
    let Params::Json(text) = call.params else {
        return Err(ApiError::new(
            "InvalidParameter",
            "AssumeRole takes a JSON body here",
        ));
    };
    let params: Value = serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("the request body is not JSON: {e}"),
        )
    })?;
    let text_param = |name: &str, min: usize, max: usize| -> Result<String, ApiError> {
        let value = params.get(name).and_then(Value::as_str).ok_or_else(|| {
            ApiError::new(
                "MissingParameter",
                format!("the required parameter `{name}` is missing or not a string"),
            )
        })?;
        let n = value.chars().count();
        if !(min..=max).contains(&n) {
            return Err(ApiError::new(
                "InvalidParameterValue",
                format!("{name}: {n} characters given, {min} to {max} allowed"),
            ));
        }
        Ok(value.to_owned())
    };
    let role_arn = text_param("RoleArn", 1, 1024)?;
    if !role_arn.starts_with("qcs::cam::") {
        return Err(ApiError::new(
            "InvalidParameterValue",
            "RoleArn: must be a role's qcs::cam::uin/…:roleName/… resource name",
        ));
    }
    let session = text_param("RoleSessionName", 2, 128)?;
    if !session
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
    {
        return Err(ApiError::new(
            "InvalidParameterValue",
            "RoleSessionName: letters, digits and _+=,.@- only",
        ));
    }
    let duration = match params.get("DurationSeconds") {
        None | Some(Value::Null) => 7200,
        Some(value) => value
            .as_u64()
            .filter(|d| (1..=MAX_DURATION_SECS).contains(d))
            .ok_or_else(|| {
                ApiError::new(
                    "InvalidParameterValue",
                    format!(
                        "DurationSeconds: a whole number from 1 to {MAX_DURATION_SECS}, {} given",
                        value.to_string().chars().take(32).collect::<String>()
                    ),
                )
            })?,
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let expires_at = now + duration as i64;
    let account = state.verifier.issue(now, expires_at);
    state.stats.credentials_issued();
    Ok(json!({"Response": {
        "Credentials": {
            "Token": account.token,
            "TmpSecretId": account.secret_id,
            "TmpSecretKey": account.secret_key,
        },
        "ExpiredTime": expires_at,
        "Expiration": super::metadata::expiration(expires_at),
        "RequestId": request_id(),
    }})
    .to_string())
}
