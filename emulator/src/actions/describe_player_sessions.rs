//! `DescribePlayerSessions`: player sessions, filtered, a page at a time.

use crate::api_error::ApiError;
use crate::request_id::request_id;
use crate::sessions::{json_string, PlayerSessionFilter, Sessions};
use serde_json::Value;

/// The action that lists player sessions.
pub const DESCRIBE_PLAYER_SESSIONS: &str = "DescribePlayerSessions";
/// How the emulator's page tokens start (an offset follows).
const NEXT_TOKEN_PREFIX: &str = "page-";

/// Player sessions, filtered and a page at a time: `Limit` per page (all when absent),
/// `NextToken` from the previous page's answer. Returns the `Response` envelope as JSON text.
pub(crate) fn serve(sessions: &Sessions, account: &str, body: &Value) -> Result<String, ApiError> {
    let text = |key: &str| body[key].as_str();
    let filter = PlayerSessionFilter {
        game_server_session_id: text("GameServerSessionId"),
        player_id: text("PlayerId"),
        player_session_id: text("PlayerSessionId"),
        status: text("PlayerSessionStatusFilter"),
        account: Some(account),
    };
    let limit = match body.get("Limit").and_then(Value::as_u64) {
        None => None,
        Some(0) => {
            return Err(ApiError::new(
                "InvalidParameterValue",
                "`Limit`: 0 given, at least 1 required",
            ))
        }
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let offset = match text("NextToken") {
        None => 0,
        Some(token) => token
            .strip_prefix(NEXT_TOKEN_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| {
                ApiError::new(
                    "InvalidParameterValue",
                    format!("`NextToken`: {token:?} is not a token this service gave"),
                )
            })?,
    };
    // The envelope as serde_json writes its JSON tree (keys by name), without the tree.
    let mut out = br#"{"Response":{"NextToken":"#.to_vec();
    let mut listed = Vec::new();
    let (count, more) = sessions.player_sessions(&filter, offset, limit, &mut listed)?;
    match more {
        true => json_string(&mut out, &format!("{NEXT_TOKEN_PREFIX}{}", offset + count)),
        false => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(br#","PlayerSessions":"#);
    out.extend_from_slice(&listed);
    out.extend_from_slice(br#","RequestId":"#);
    json_string(&mut out, &request_id());
    out.extend_from_slice(b"}}");
    // Only JSON strings and numbers were written: the bytes are UTF-8.
    String::from_utf8(out).map_err(|_| ApiError::new("InternalError", "an answer was not UTF-8"))
}
