//! Signing a full 25-player request: ours (canonical request through Authorization header)
//! and the aws-sigv4 crate on a same-size JSON POST.

use crate::stats::Spread;
use gse_client::api;
use gse_client::credentials::Credentials;
use std::hint::black_box;
use std::time::{Instant, SystemTime};
use tc3_runtime::signing::Signer;

/// The body of the official vectors' full-batch case: 25 players and player data.
pub(crate) fn full_batch_body() -> Vec<u8> {
    let players: Vec<String> = (0..25).map(|i| format!("\"player-{i:04}\"")).collect();
    format!(
        r#"{{"GameServerSessionId":"qcs::gse:ap-guangzhou:uin/100000000001:gameserversession/fleet-abc/gssess-123","PlayerIds":[{}],"PlayerDataMap":{{"Key":"team","Value":"red"}}}}"#,
        players.join(",")
    )
    .into_bytes()
}

/// Nanoseconds per call of `f`, over `samples` batches of `per_sample` calls.
pub(crate) fn time_ns(samples: usize, per_sample: usize, mut f: impl FnMut()) -> Spread {
    for _ in 0..per_sample {
        f();
    }
    let ns = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_sample {
                f();
            }
            start.elapsed().as_nanos() as f64 / per_sample as f64
        })
        .collect();
    Spread::of(ns)
}

/// Our Authorization for the full batch (compared with the Python SDK's by `cargo xtask bench`).
pub(crate) fn our_authorization() -> String {
    let credentials = Credentials::new("AKIDEXAMPLE", "secretEXAMPLE").unwrap();
    Signer::new(api::SERVICE.name)
        .authorization(
            &credentials,
            1_732_406_400,
            "application/json",
            "gse.tencentcloudapi.com",
            &full_batch_body(),
        )
        .unwrap()
}

/// Our signing of the full batch, the signing key cached as it is all day.
pub(crate) fn ours(samples: usize, per_sample: usize) -> Spread {
    let body = full_batch_body();
    let credentials = Credentials::new("AKIDEXAMPLE", "secretEXAMPLE").unwrap();
    let signer = Signer::new(api::SERVICE.name);
    time_ns(samples, per_sample, || {
        let auth = signer
            .authorization(
                &credentials,
                1_732_406_400,
                "application/json",
                "gse.tencentcloudapi.com",
                black_box(&body),
            )
            .unwrap();
        black_box(auth);
    })
}

/// aws-sigv4 signing a JSON POST of the same size.
pub(crate) fn aws_sigv4(samples: usize, per_sample: usize) -> Spread {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_smithy_runtime_api::client::identity::Identity;
    let body = full_batch_body();
    let identity: Identity =
        aws_credential_types::Credentials::new("AKIDEXAMPLE", "secretEXAMPLE", None, None, "bench")
            .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("gamelift")
        .time(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_732_406_400))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [
        ("content-type", "application/json"),
        ("host", "gamelift.us-east-1.amazonaws.com"),
    ];
    time_ns(samples, per_sample, || {
        let request = SignableRequest::new(
            "POST",
            "https://gamelift.us-east-1.amazonaws.com/",
            headers.iter().copied(),
            SignableBody::Bytes(black_box(&body)),
        )
        .unwrap();
        black_box(sign(request, &params).unwrap());
    })
}

/// SHA-256 of the full batch's body alone: the floor under any signer of these bytes.
pub(crate) fn sha256_floor(samples: usize, per_sample: usize) -> Spread {
    use sha2::Digest;
    let body = full_batch_body();
    time_ns(samples, per_sample, || {
        black_box(sha2::Sha256::digest(black_box(&body)));
    })
}
