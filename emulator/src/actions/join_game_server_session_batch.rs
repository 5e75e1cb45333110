//! `JoinGameServerSessionBatch`: joins players to a game server session, all or none, and
//! answers the player sessions created.

use crate::api_error::ApiError;
use crate::clock::this_second;
use crate::request_id::request_id;
use crate::sessions::{json_string, Joined, Sessions};
use crate::stats::Stats;
use serde_json::Value;

/// The action whose semantics the emulator implements.
pub const JOIN_ACTION: &str = "JoinGameServerSessionBatch";

/// Joins the players of a checked `body`; returns the `Response` envelope as JSON text.
pub(crate) fn serve(
    sessions: &Sessions,
    stats: &Stats,
    account: &str,
    body: &Value,
) -> Result<String, ApiError> {
    let session = body["GameServerSessionId"].as_str().unwrap_or_default();
    let players: Vec<String> = body["PlayerIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(String::from))
        .collect();
    let data = body
        .get("PlayerDataMap")
        .and_then(|map| map.get("Value"))
        .and_then(Value::as_str);
    let created =
        this_second(|now| sessions.join_as(Some(account), session, &players, data, &now.rfc3339))?;
    stats.joined(session, created.len());
    Ok(answer(&created, &request_id()))
}

/// A join's answer: the bytes serde_json writes for the JSON tree
/// `{"Response": {"PlayerSessions": [...], "RequestId": ...}}`.
fn answer(created: &Joined, request_id: &str) -> String {
    let mut out = Vec::with_capacity(128 + 384 * created.len());
    out.extend_from_slice(b"{\"Response\":{\"PlayerSessions\":");
    created.write_json(&mut out);
    out.extend_from_slice(b",\"RequestId\":");
    json_string(&mut out, request_id);
    out.extend_from_slice(b"}}");
    // Only JSON text was written: UTF-8 (the lossy conversion never replaces anything).
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::SessionSpec;
    use serde_json::json;

    #[test]
    fn a_join_answer_is_the_bytes_of_its_json_tree() {
        let sessions = Sessions::default();
        sessions.put(SessionSpec::new("gssess-a", 10));
        for players in [vec![], vec!["p1".to_owned(), "p\"2".to_owned()]] {
            let joined = sessions
                .join("gssess-a", &players, Some("d"), "2026-11-25T00:00:00Z")
                .unwrap();
            let mut written = Vec::new();
            joined.write_json(&mut written);
            let tree: Value = serde_json::from_slice(&written).unwrap();
            assert_eq!(tree.as_array().map(Vec::len), Some(players.len()));
            let id = request_id();
            assert_eq!(
                answer(&joined, &id),
                json!({"Response": {"PlayerSessions": tree, "RequestId": id}}).to_string()
            );
        }
    }
}
