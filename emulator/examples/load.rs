//! Measures how many signed, verified requests a second the emulator serves: starts it
//! in-process, pre-signs distinct single-player joins, and sends them from several concurrent
//! connections. `cargo run --release -p gse-emulator --example load -- [REQUESTS] [CONNECTIONS]`

use gse_client::signing::{sign_request, RequestContext, Signer};
use gse_client::{api, Credentials};
use gse_emulator::{EmulatorConfig, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let config = EmulatorConfig {
        rate_limit: Some(u32::MAX),
        ..EmulatorConfig::default()
    };
    let emulator = config
        .session(SessionSpec::new("gssess-load", usize::MAX))
        .start()
        .await
        .expect("start the emulator");
    let url = reqwest::Url::parse(&format!("{}/", emulator.url())).unwrap();
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    let signer = Signer::new(api::SERVICE);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let action = api::ACTIONS[0].name;
    let mut batches: Vec<Vec<reqwest::Request>> = (0..connections).map(|_| Vec::new()).collect();
    for i in 0..requests {
        let body = format!(r#"{{"GameServerSessionId":"gssess-load","PlayerIds":["player-{i}"]}}"#);
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
        *request.body_mut() = Some(body.into_bytes().into());
        let headers = request.headers_mut();
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("x-tc-action", action.parse().unwrap());
        headers.insert("x-tc-version", api::VERSION.parse().unwrap());
        let context = RequestContext {
            region: Some("ap-shanghai"),
            language: None,
        };
        sign_request(&mut request, &signer, &credentials, now, context).unwrap();
        batches[i % connections].push(request);
    }
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(connections)
        .build()
        .unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for batch in batches {
        let http = http.clone();
        tasks.spawn(async move {
            let mut failed = 0usize;
            for request in batch {
                let answer = http.execute(request).await.unwrap();
                let body = answer.bytes().await.unwrap();
                if memchr_error(&body) {
                    failed += 1;
                }
            }
            failed
        });
    }
    let mut failed = 0;
    while let Some(n) = tasks.join_next().await {
        failed += n.unwrap();
    }
    let elapsed = started.elapsed();
    let stats = emulator.stats();
    println!(
        "{} requests in {:.2} s: {:.0} requests/s; {} errors; joined {}",
        requests,
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        failed,
        stats.joined_players
    );
    emulator.shutdown().await;
}

fn memchr_error(body: &[u8]) -> bool {
    body.windows(8).any(|w| w == b"\"Error\":")
}
