//! One call to STS (version 2018-08-13) for temporary credentials: `AssumeRole` signed with
//! a long-term key, or `AssumeRoleWithWebIdentity` unsigned (`Authorization: SKIP`, as the
//! official SDKs send it); the answer read bounded and never quoted.

use super::key::Credentials;
use super::provider::EnvLookup;
use super::variables::{DEFAULT_STS_ENDPOINT, ENV_STS_ENDPOINT};
use crate::signing::{sign_request, RequestContext, Signer};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The largest STS answer read (a real one is about a kilobyte).
pub const MAX_STS_ANSWER_BYTES: usize = 64 * 1024;

/// STS's URL: `endpoint` if given, else `TENCENTCLOUD_STS_ENDPOINT`, else STS's own.
pub(super) fn url(endpoint: Option<&str>, lookup: &EnvLookup) -> Result<reqwest::Url, String> {
    let base = endpoint
        .map(str::to_owned)
        .or_else(|| lookup(ENV_STS_ENDPOINT).filter(|e| !e.is_empty()))
        .unwrap_or_else(|| DEFAULT_STS_ENDPOINT.to_owned());
    let base = base.trim_end_matches('/');
    reqwest::Url::parse(&format!("{base}/"))
        .map_err(|e| format!("the STS endpoint {base:?} is not a URL: {e}"))
}

/// Calls `action` with `params` in `region`, signed with `signing` (unsigned when `None`);
/// the credentials answered, or what was wrong (never a secret).
pub(super) async fn call(
    url: &reqwest::Url,
    action: &'static str,
    params: &serde_json::Value,
    signing: Option<&Credentials>,
    region: &str,
    timeout: Duration,
) -> Result<Credentials, String> {
    crate::tls::install_default_provider();
    let http = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build the STS client: {e}"))?;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut request = http
        .post(url.clone())
        .header("content-type", "application/json")
        .header("x-tc-action", action)
        .header("x-tc-version", "2018-08-13")
        .body(params.to_string())
        .build()
        .map_err(|e| format!("cannot build the STS request: {e}"))?;
    match signing {
        Some(credentials) => sign_request(
            &mut request,
            &Signer::new("sts"),
            credentials,
            timestamp,
            RequestContext {
                region: Some(region),
                language: None,
            },
        )
        .map_err(|e| format!("cannot sign the STS request: {e}"))?,
        None => {
            let headers = request.headers_mut();
            let text = |value: &str| {
                reqwest::header::HeaderValue::from_str(value)
                    .map_err(|_| format!("the region {value:?} cannot be a header"))
            };
            headers.insert("authorization", text("SKIP")?);
            headers.insert("x-tc-region", text(region)?);
            headers.insert(
                "x-tc-timestamp",
                reqwest::header::HeaderValue::from(timestamp),
            );
        }
    }
    let what = format!("POST {url}");
    let (status, body) =
        super::fetch::bounded_body(http.execute(request).await, &what, MAX_STS_ANSWER_BYTES)
            .await?;
    parse_answer(&body, action).map_err(|problem| {
        if status.is_success() {
            format!("{url}: {problem}")
        } else {
            format!("{url} answered HTTP {}: {problem}", status.as_u16())
        }
    })
}

/// The credentials of an answer to `action`, or its error; never quotes the answer's keys.
pub(super) fn parse_answer(body: &[u8], action: &str) -> Result<Credentials, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Envelope {
        response: Option<Answer>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        credentials: Option<Keys>,
        expired_time: Option<u64>,
        error: Option<ApiError>,
        request_id: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Keys {
        token: Option<String>,
        tmp_secret_id: Option<String>,
        tmp_secret_key: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct ApiError {
        code: Option<String>,
        message: Option<String>,
    }
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the answer is not STS's JSON (at line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let answer = envelope
        .response
        .ok_or_else(|| "the answer has no Response".to_owned())?;
    let request = answer
        .request_id
        .map(|id| format!(" (RequestId {})", crate::text::quoted(&id, 64)))
        .unwrap_or_default();
    if let Some(error) = answer.error {
        return Err(format!(
            "STS refused {action}: {} {}{request}",
            crate::text::quoted(error.code.as_deref().unwrap_or("(no code)"), 64),
            crate::text::quoted(error.message.as_deref().unwrap_or_default(), 200)
        ));
    }
    let keys = answer
        .credentials
        .ok_or_else(|| format!("the answer has no Credentials{request}"))?;
    let field = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the answer has no Credentials.{name}{request}"))
    };
    let id = field(keys.tmp_secret_id, "TmpSecretId")?;
    let key = field(keys.tmp_secret_key, "TmpSecretKey")?;
    let token = field(keys.token, "Token")?;
    let expired = answer
        .expired_time
        .filter(|t| *t > 0)
        .ok_or_else(|| format!("the answer has no ExpiredTime{request}"))?;
    Credentials::with_token(id, key, token)
        .map(|c| c.expiring_at(UNIX_EPOCH + Duration::from_secs(expired)))
        .map_err(|e| format!("the answer's credentials are unusable: {e}"))
}
