//! The actions the emulator implements, one module each, and the dispatch of a checked
//! request to its action.

mod describe_player_sessions;
mod join_game_server_session_batch;

pub use describe_player_sessions::DESCRIBE_PLAYER_SESSIONS;
pub use join_game_server_session_batch::JOIN_ACTION;

use crate::api_error::ApiError;
use crate::sessions::Sessions;
use crate::stats::Stats;
use serde_json::Value;

/// Serves `action` with its checked `body` for the account `account` (the SecretId that
/// signed it, or the account that issued its temporary credentials); returns the `Response`
/// envelope as JSON text.
/// An action of the spec the emulator does not implement is `UnsupportedOperation`.
pub(crate) fn dispatch(
    action: &str,
    sessions: &Sessions,
    stats: &Stats,
    account: &str,
    body: &Value,
) -> Result<String, ApiError> {
    match action {
        JOIN_ACTION => join_game_server_session_batch::serve(sessions, stats, account, body),
        DESCRIBE_PLAYER_SESSIONS => describe_player_sessions::serve(sessions, account, body),
        other => Err(ApiError::new(
            "UnsupportedOperation",
            format!("the emulator does not implement {other}"),
        )),
    }
}
