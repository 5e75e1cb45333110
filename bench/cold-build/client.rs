//! The client's side of `cargo xtask bench`'s cold-build comparison: a small program that
//! joins players with the vendored client (built, never run, by the bench).

use gse_client::{BatchOptions, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: join-small URL")?;
    let client = Client::builder()
        .endpoint(endpoint)
        .region("ap-shanghai")
        .build()?;
    let players: Vec<String> = std::env::args().skip(2).collect();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-demo")
        .send_in_batches(players, BatchOptions::new())
        .await?;
    println!("{} joined", outcome.succeeded.len());
    Ok(())
}
