//! The unsigned admin endpoints, and seeded fault injection that repeats run after run.

mod common;

use common::*;
use gse_emulator::{EmulatorConfig, FaultConfig, SessionSpec};
use serde_json::{json, Value};

async fn get(url: &str) -> (u16, Value) {
    let answer = test_support::http().get(url).send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

async fn post(url: &str, body: Value) -> (u16, Value) {
    let answer = test_support::http()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn stats_sessions_and_reset_over_http() {
    let emulator = emulator_with_session(5).await;
    let base = emulator.url();
    Raw::join(&emulator, &["p1", "p2"]).send().await;
    Raw::join(&emulator, &["p1"]).send().await;

    let (status, stats) = get(&format!("{base}/_emulator/stats")).await;
    assert_eq!(status, 200);
    assert_eq!(stats["requests"], 2);
    assert_eq!(stats["joined_players"], 2);
    assert_eq!(stats["errors"]["InvalidParameterValue"], 1);
    assert!(stats["max_requests_in_any_second"].as_u64().unwrap() >= 1);

    let (status, _) = post(
        &format!("{base}/_emulator/sessions"),
        json!({"GameServerSessionId": "gssess-new", "Capacity": 2, "FleetId": "fleet-x"}),
    )
    .await;
    assert_eq!(status, 200);
    let mut join_new = Raw::join(&emulator, &["x"]);
    join_new.body = json!({"GameServerSessionId": "gssess-new", "PlayerIds": ["x"]})
        .to_string()
        .into_bytes();
    let r = join_new.send().await;
    assert_eq!(r["PlayerSessions"][0]["FleetId"], "fleet-x");
    let (status, described) = get(&format!("{base}/_emulator/sessions/gssess-new")).await;
    assert_eq!(status, 200);
    assert_eq!(described["Players"][0]["PlayerId"], "x");
    assert_eq!(get(&format!("{base}/_emulator/sessions/none")).await.0, 404);

    let (status, _) = post(&format!("{base}/_emulator/reset"), json!({})).await;
    assert_eq!(status, 200);
    let (_, stats) = get(&format!("{base}/_emulator/stats")).await;
    assert_eq!(stats["requests"], 0);
    assert!(emulator.players().is_empty(), "sessions are emptied");
    assert_eq!(
        code(&Raw::join(&emulator, &["p1"]).send().await),
        "(no error)",
        "start sessions remain"
    );
    assert_eq!(
        code(&join_new.send().await),
        "ResourceNotFound",
        "added sessions are gone"
    );
    emulator.shutdown().await;
}

/// What the client sees of each of `n` sequential requests under faults.
async fn outcomes(seed: u64, n: usize) -> (Vec<String>, Vec<(String, String)>) {
    let mut config = EmulatorConfig::default().session(SessionSpec::new(SESSION, 10_000));
    config.faults = FaultConfig::all_kinds(seed, 0.1);
    config.faults.latency = std::time::Duration::from_millis(5);
    let emulator = config.start().await.unwrap();
    let http = test_support::http();
    let mut seen = Vec::new();
    for i in 0..n {
        let request = Raw::join(&emulator, &[&format!("p{i}")]).build();
        let outcome = match http.execute(request).await {
            Err(_) => "connection error".to_owned(),
            Ok(answer) => {
                let status = answer.status().as_u16();
                let date_skewed = answer
                    .headers()
                    .get("date")
                    .and_then(|d| httpdate::parse_http_date(d.to_str().ok()?).ok())
                    .is_some_and(|d| {
                        let d = d.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
                        (d - now()).abs() > 300
                    });
                let text = answer.text().await.unwrap_or_default();
                let parsed: Option<Value> = serde_json::from_str(&text).ok();
                let code = parsed
                    .as_ref()
                    .map(|v| {
                        v["Response"]["Error"]["Code"]
                            .as_str()
                            .unwrap_or("ok")
                            .to_owned()
                    })
                    .unwrap_or_else(|| "unparsable".to_owned());
                format!(
                    "{status} {code}{}",
                    if date_skewed { " skewed-date" } else { "" }
                )
            }
        };
        seen.push(outcome);
    }
    let players = emulator.players();
    emulator.shutdown().await;
    (seen, players)
}

#[tokio::test]
async fn the_same_seed_injects_the_same_faults() {
    let (first, held_first) = outcomes(7, 120).await;
    let (second, held_second) = outcomes(7, 120).await;
    assert_eq!(first, second, "reproducible");
    assert_eq!(held_first, held_second);
    let (other, _) = outcomes(8, 120).await;
    assert_ne!(first, other, "another seed, other faults");
    for expected in [
        "200 InternalError",
        "500",
        "503",
        "connection error",
        "unparsable",
        "skewed-date",
        "200 ok",
    ] {
        assert!(
            first.iter().any(|o| o.contains(expected)),
            "{expected} among {first:?}"
        );
    }
    // A faulted request changes nothing, except latency and skewed-date, which are served.
    let served = first.iter().filter(|o| o.starts_with("200 ok")).count();
    assert_eq!(held_first.len(), served);
}

#[tokio::test]
async fn beyond_loopback_the_admin_api_needs_a_token_and_then_refuses_without_it() {
    // Nothing is bound: the configuration is refused first.
    let error = EmulatorConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..EmulatorConfig::default()
    }
    .start()
    .await
    .unwrap_err();
    assert!(
        error.contains("0.0.0.0:0 is not a loopback address") && error.contains("admin token"),
        "{error}"
    );
    let short = gse_emulator::AdminToken::new("short").unwrap_err();
    assert!(
        short.contains("16 to 256") && !short.contains("short"),
        "{short}"
    );

    let token = "admin-token-0123456789";
    let config = EmulatorConfig {
        admin_token: Some(gse_emulator::AdminToken::new(token).unwrap()),
        web_identity: Some(("oidc-provider".to_owned(), "web-identity-secret".to_owned())),
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, 5));
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(token) && !shown.contains("web-identity-secret"),
        "no token in Debug: {shown}"
    );
    let emulator = config.start().await.unwrap();
    let stats = format!("{}/_emulator/stats", emulator.url());
    let ask = |value: Option<&'static str>| {
        let mut request = test_support::http().get(&stats);
        if let Some(value) = value {
            request = request.header(gse_emulator::ADMIN_TOKEN_HEADER, value);
        }
        async move { request.send().await.unwrap() }
    };
    let refused = ask(None).await;
    assert_eq!(refused.status().as_u16(), 401);
    let said = refused.text().await.unwrap();
    assert!(said.contains("x-emulator-admin-token"), "{said}");
    assert_eq!(
        ask(Some("admin-token-0123456780")).await.status().as_u16(),
        401
    );
    assert_eq!(ask(Some(token)).await.status().as_u16(), 200);
    let reset = test_support::http()
        .post(format!("{}/_emulator/reset", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 401, "a reset needs the token too");
    // The API itself is signed, not token-guarded.
    assert_eq!(
        code(&Raw::join(&emulator, &["p1"]).send().await),
        "(no error)"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn sessions_and_players_are_bounded_and_beyond_is_limit_exceeded() {
    let emulator = EmulatorConfig {
        max_sessions: 2,
        max_players: 3,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, 10))
    .start()
    .await
    .unwrap();
    let base = emulator.url();
    let sessions_url = format!("{base}/_emulator/sessions");
    let create = |id: &'static str| {
        post(
            &sessions_url,
            json!({"GameServerSessionId": id, "Capacity": 10}),
        )
    };
    assert_eq!(create("gssess-second").await.0, 200);
    // Replacing one that exists is no new session.
    assert_eq!(create("gssess-second").await.0, 200);
    let refused = test_support::http()
        .post(format!("{base}/_emulator/sessions"))
        .json(&json!({"GameServerSessionId": "gssess-third", "Capacity": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 409);
    let said = refused.text().await.unwrap();
    assert!(
        said.contains("LimitExceeded") && said.contains("at most 2 game server sessions"),
        "{said}"
    );

    assert_eq!(
        code(&Raw::join(&emulator, &["p1", "p2"]).send().await),
        "(no error)"
    );
    let answer = Raw::join(&emulator, &["p3", "p4"]).send().await;
    assert_eq!(code(&answer), "LimitExceeded");
    assert!(
        answer["Error"]["Message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 3 players")),
        "{answer}"
    );
    assert_eq!(
        code(&Raw::join(&emulator, &["p3"]).send().await),
        "(no error)"
    );
    assert_eq!(emulator.players().len(), 3);
    emulator.shutdown().await;

    let error = EmulatorConfig {
        max_sessions: 1,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new("gssess-a", 1))
    .session(SessionSpec::new("gssess-b", 1))
    .start()
    .await
    .unwrap_err();
    assert!(
        error.contains("at most max_sessions (1), 2 were given"),
        "{error}"
    );
}

#[tokio::test]
async fn a_session_is_read_a_page_at_a_time_in_player_order_each_player_once() {
    let emulator = emulator_with_session(10_000).await;
    let base = emulator.url();
    let ids: Vec<String> = (0..2_500).map(|i| format!("p{i:05}")).collect();
    for chunk in ids.chunks(25) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        Raw::join(&emulator, &chunk).send().await;
    }
    // The default page is 1 000 players; `NextAfter` names the last one while more follow.
    let (status, first) = get(&format!("{base}/_emulator/sessions/{SESSION}")).await;
    assert_eq!(status, 200);
    assert_eq!(first["Players"].as_array().unwrap().len(), 1_000);
    assert_eq!(first["NextAfter"], "p00999");
    assert_eq!(first["Session"]["GameServerSessionId"], SESSION);
    // Pages of 900 from the start: 900, 900, 700, then no `NextAfter`.
    let mut read = Vec::new();
    let mut sizes = Vec::new();
    let mut after = String::new();
    loop {
        let query = if after.is_empty() {
            "?limit=900".to_owned()
        } else {
            format!("?limit=900&after={after}")
        };
        let (status, page) = get(&format!("{base}/_emulator/sessions/{SESSION}{query}")).await;
        assert_eq!(status, 200, "{page}");
        let players = page["Players"].as_array().unwrap();
        sizes.push(players.len());
        read.extend(
            players
                .iter()
                .map(|p| p["PlayerId"].as_str().unwrap().to_owned()),
        );
        match page["NextAfter"].as_str() {
            Some(next) => after = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(sizes, [900, 900, 700]);
    assert_eq!(read, ids, "every player once, in order");
    // A limit outside 1 to 10 000, or an unknown parameter: 400 naming it.
    for query in ["limit=0", "limit=10001", "limit=x", "offset=3"] {
        let answer = test_support::http()
            .get(format!("{base}/_emulator/sessions/{SESSION}?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{query}");
        let text = answer.text().await.unwrap();
        let named = query.split('=').next().unwrap();
        assert!(text.contains(named), "{query}: {text}");
    }
}
