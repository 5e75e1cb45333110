//! What the credential services' HTTP calls share: the answer read up to a bound, and errors
//! told with their causes.

/// The answer's body, at most `max` bytes; `what` names the request in errors (`GET URL`).
pub(super) async fn bounded_body(
    sent: Result<reqwest::Response, reqwest::Error>,
    what: &str,
    max: usize,
) -> Result<(reqwest::StatusCode, Vec<u8>), String> {
    let mut answer = sent.map_err(|e| format!("{what} failed: {}", error_chain(&e)))?;
    let status = answer.status();
    let mut body = Vec::new();
    while let Some(chunk) = answer
        .chunk()
        .await
        .map_err(|e| format!("reading the answer to {what} failed: {}", error_chain(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(format!(
                "{what} answered more than {max} bytes, the most read"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

/// `error` and its causes, `: `-separated (reqwest's own message alone says little).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
