//! STS (version 2018-08-13), as much of it as a client's credentials need: `AssumeRole`, the
//! caller's TC3 signature checked (service `sts`, a long-term key of an account the emulator
//! knows), and `AssumeRoleWithWebIdentity`, unsigned, its OIDC provider and token checked
//! against the ones configured; then `RoleArn`, `RoleSessionName` and `DurationSeconds`
//! checked, and temporary credentials issued that the API accepts until they expire.

use super::call::{self, Params};
use super::state::Emulator;
use crate::api_error::ApiError;
use crate::lang::Language;
use crate::request_id::request_id;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq;

/// The actions served here.
pub(crate) const ASSUME_ROLE: &str = "AssumeRole";
pub(crate) const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "AssumeRoleWithWebIdentity";
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
    grant(state, &params, Some(&call.secret_id))
}

/// Serves `AssumeRoleWithWebIdentity`, unsigned (the token is the proof): the provider and
/// the token must be the ones the emulator is configured to trust.
pub(crate) fn assume_role_with_web_identity(
    state: &Emulator,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<String, ApiError> {
    let version = parts
        .headers
        .get("x-tc-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if version != STS_VERSION {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "the version {:?} does not exist; STS is version {STS_VERSION}",
                version.chars().take(32).collect::<String>()
            ),
        ));
    }
    let params: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            "InvalidParameter",
            format!("the request body is not JSON: {e}"),
        )
    })?;
    let Some((provider, trusted)) = &state.web_identity else {
        return Err(ApiError::new(
            "InvalidParameterValue",
            "no OIDC provider is configured (EmulatorConfig::web_identity, --web-identity)",
        ));
    };
    let given = params
        .get("ProviderId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if given != provider {
        return Err(ApiError::new(
            "InvalidParameterValue",
            format!(
                "ProviderId: no OIDC provider {:?}",
                given.chars().take(64).collect::<String>()
            ),
        ));
    }
    let token = params
        .get("WebIdentityToken")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if token.as_bytes().ct_eq(trusted.as_bytes()).unwrap_u8() != 1 {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "the WebIdentityToken is not one the OIDC provider issued",
        ));
    }
    grant(state, &params, None)
}

/// Checks the role parameters and issues the credentials: the `Response` envelope.
fn grant(state: &Emulator, params: &Value, owner: Option<&str>) -> Result<String, ApiError> {
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
    let account = state.verifier.issue(now, expires_at, owner);
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
