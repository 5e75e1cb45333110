//! The CVM instance metadata of one CAM role, as the metadata service of a CVM instance serves
//! it (`EmulatorConfig::cvm_role`): `GET /latest/meta-data/cam/security-credentials/` names
//! the role; `GET …/security-credentials/ROLE` issues temporary credentials the API then
//! accepts until they expire.

use super::answer::{json_response, respond};
use super::state::Emulator;
use crate::clock::date_now;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use serde_json::json;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the metadata paths start.
pub(crate) const PREFIX: &str = "/latest/meta-data/";

/// The role listing, under [`PREFIX`].
const CREDENTIALS: &str = "/latest/meta-data/cam/security-credentials/";

/// Answers a metadata `GET` of `path`.
pub(crate) fn handle(state: &Emulator, path: &str) -> Response<Full<Bytes>> {
    let now = date_now();
    let not_found = |what: String| respond(StatusCode::NOT_FOUND, "text/plain", what, &now);
    let Some(role) = &state.cvm_role else {
        return not_found(
            "no CVM role: start the emulator with --cvm-role NAME to serve instance metadata\n"
                .to_owned(),
        );
    };
    match path.strip_prefix(CREDENTIALS) {
        Some("") => respond(StatusCode::OK, "text/plain", role.clone(), &now),
        Some(asked) if asked == role => {
            let issued_at = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            let expires_at = issued_at + state.credentials_lifetime.as_secs() as i64;
            let account = state.verifier.issue(issued_at, expires_at, None);
            state.stats.credentials_issued();
            json_response(
                &json!({
                    "TmpSecretId": account.secret_id,
                    "TmpSecretKey": account.secret_key,
                    "Token": account.token,
                    "ExpiredTime": expires_at,
                    "Expiration": expiration(expires_at),
                    "Code": "Success",
                }),
                &now,
            )
        }
        Some(other) => not_found(format!(
            "no role {:?} on this instance (its role is {role:?})\n",
            other.chars().take(140).collect::<String>()
        )),
        None => not_found(format!(
            "no metadata at {path:?}; the role's credentials are under {CREDENTIALS}\n"
        )),
    }
}

/// `ExpiredTime` as the metadata service also writes it, ISO 8601 in UTC.
pub(crate) fn expiration(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
