//! Sessions are per account, as on the service: a session owned by one SecretId does not exist
//! for another (joins and reads are `ResourceNotFound`, listings leave it out), and a
//! session without an owner is every account's. The emulator binary, two accounts.

use gse_client::{Client, Error};
use test_support::{emulator_binary, EmulatorBinary};

const A: (&str, &str) = ("AKIDACCOUNTA", "key-of-a");
const B: (&str, &str) = ("AKIDACCOUNTB", "key-of-b");

fn client(emulator: &EmulatorBinary, (id, key): (&str, &str)) -> Client {
    gse_e2e::builder(emulator.url.clone(), id, key)
        .build()
        .unwrap()
}

async fn join(client: &Client, session: &str, player: &str) -> Result<(), Error> {
    client
        .join_game_server_session_batch()
        .game_server_session_id(session)
        .player_ids(vec![player.to_owned()])
        .send()
        .await
        .map(drop)
}

/// The player ids `client` reads back for `player` across sessions.
async fn sessions_of(client: &Client, player: &str) -> Vec<String> {
    client
        .describe_player_sessions()
        .player_id(player)
        .send()
        .await
        .unwrap()
        .player_sessions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.game_server_session_id)
        .collect()
}

#[tokio::test]
async fn another_accounts_session_does_not_exist_and_a_shared_one_is_everyones() {
    let accounts = [format!("{}:{}", A.0, A.1), format!("{}:{}", B.0, B.1)];
    let sessions = [
        format!("gssess-a:10@{}", A.0),
        "gssess-shared:10".to_owned(),
    ];
    let emulator = EmulatorBinary::start(
        &emulator_binary(),
        &[
            "--account",
            &accounts[0],
            "--account",
            &accounts[1],
            "--session",
            &sessions[0],
            "--session",
            &sessions[1],
        ],
    );
    let (a, b) = (client(&emulator, A), client(&emulator, B));

    join(&a, "gssess-a", "p").await.expect("the owner joins");
    let refused = join(&b, "gssess-a", "q").await.unwrap_err();
    assert_eq!(
        refused.code().map(|c| c.as_str().to_owned()).as_deref(),
        Some("ResourceNotFound"),
        "{refused}"
    );
    assert!(refused.to_string().contains("does not exist"), "{refused}");
    let read = b
        .describe_player_sessions()
        .game_server_session_id("gssess-a")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        read.code().map(|c| c.as_str().to_owned()).as_deref(),
        Some("ResourceNotFound")
    );

    join(&a, "gssess-shared", "p2").await.unwrap();
    join(&b, "gssess-shared", "p").await.unwrap();
    // A listing by player: each account sees its own session and the shared one only.
    assert_eq!(sessions_of(&a, "p").await, ["gssess-a", "gssess-shared"]);
    assert_eq!(sessions_of(&b, "p").await, ["gssess-shared"]);
}

#[test]
fn a_session_owner_after_at_is_parsed_and_an_empty_one_refused() {
    let owned = gse_emulator::SessionSpec::parse("gssess:x:10@AKIDA").unwrap();
    assert_eq!(
        (
            owned.game_server_session_id.as_str(),
            owned.capacity,
            owned.owner.as_deref()
        ),
        ("gssess:x", 10, Some("AKIDA"))
    );
    let shared = gse_emulator::SessionSpec::parse("a@b:10").unwrap();
    assert_eq!(
        (shared.game_server_session_id.as_str(), shared.owner),
        ("a@b", None)
    );
    let empty = gse_emulator::SessionSpec::parse("s:10@").unwrap_err();
    assert!(empty.contains("the SecretId after @ is empty"), "{empty}");
}
