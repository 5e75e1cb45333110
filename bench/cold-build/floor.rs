//! The floor of `cargo xtask bench`'s cold-build comparison: what any reqwest-based HTTPS
//! JSON client pays (reqwest with rustls and ring, tokio, serde, serde_json), no more.

#[derive(serde::Serialize)]
struct Join<'a> {
    #[serde(rename = "PlayerIds")]
    player_ids: &'a [String],
}

#[derive(serde::Deserialize, Debug)]
struct Answer {
    #[serde(rename = "Response")]
    response: serde_json::Value,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: floor URL")?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let players: Vec<String> = std::env::args().skip(2).collect();
    let answer: Answer = client
        .post(endpoint)
        .json(&Join {
            player_ids: &players,
        })
        .send()
        .await?
        .json()
        .await?;
    println!("{:?}", answer.response);
    Ok(())
}
