//! Reading an answer: the `Response` envelope's error, or its value and request id. Never
//! panics, whatever the bytes.

use crate::error::Error;
use crate::service::ServiceCode;
use crate::text::shown_bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "Response", borrow)]
    response: &'a serde_json::value::RawValue,
}

/// The parts of the inner `Response` every answer has, read leniently: a field of an
/// unexpected type is treated as absent rather than failing the whole answer.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "Error", default)]
    error: Option<serde_json::Value>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<serde_json::Value>,
}

/// Whether a field of an answer holds a result: not null, not an empty list or object.
fn holds_something(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Array(items) => !items.is_empty(),
        serde_json::Value::Object(fields) => !fields.is_empty(),
        _ => true,
    }
}

/// The start of a body, as an error shows it.
fn snippet(bytes: &[u8]) -> String {
    shown_bytes(bytes, 200)
}

/// Reads an answer: the inner `Response` as `T` and its request id, or the error it holds.
/// Never panics, whatever the bytes.
pub fn read_answer<T: DeserializeOwned, C: ServiceCode>(
    status: u16,
    bytes: &[u8],
) -> Result<(T, String), Error<C>> {
    let envelope = serde_json::from_slice::<Envelope<'_>>(bytes);
    let probe = envelope
        .as_ref()
        .ok()
        .and_then(|e| serde_json::from_str::<Probe>(e.response.get()).ok());
    let request_id = probe
        .as_ref()
        .and_then(|p| p.request_id.as_ref())
        .and_then(|id| id.as_str())
        .map(String::from);
    if status != 200 {
        return Err(Error::HttpStatus {
            status,
            request_id,
            body: snippet(bytes),
        });
    }
    let envelope = envelope.map_err(|e| Error::MalformedResponse {
        request_id: None,
        detail: format!("{e}; the body starts \"{}\"", snippet(bytes)),
        source: Some(Box::new(e)),
    })?;
    let Some(probe) = probe else {
        return Err(Error::MalformedResponse {
            request_id: None,
            detail: "`Response` is not an object".to_owned(),
            source: None,
        });
    };
    match probe.error {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(error)) => {
            let text = |key: &str| error.get(key).and_then(|v| v.as_str()).unwrap_or_default();
            // An error beside results contradicts itself: what it reports cannot be trusted
            // to mean "nothing happened" (the results say something did).
            let others = serde_json::from_str::<
                std::collections::BTreeMap<String, serde_json::Value>,
            >(envelope.response.get())
            .map(|fields| {
                fields
                    .into_iter()
                    .filter(|(k, v)| k != "Error" && k != "RequestId" && holds_something(v))
                    .map(|(k, _)| k)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
            if !others.is_empty() {
                return Err(Error::MalformedResponse {
                    request_id,
                    detail: format!(
                        "the answer holds an Error ({}) and results ({}) at once; it may have taken effect",
                        text("Code"),
                        others.join(", ")
                    ),
                    source: None,
                });
            }
            return Err(Error::Api {
                code: C::parse(text("Code")),
                message: text("Message").to_owned(),
                request_id: request_id.unwrap_or_default(),
                hint: None,
            });
        }
        Some(other) => {
            return Err(Error::MalformedResponse {
                request_id,
                detail: format!("`Error` is not an object: {other}"),
                source: None,
            })
        }
    }
    let request_id = request_id.ok_or_else(|| Error::MalformedResponse {
        request_id: None,
        detail: "the answer has no RequestId".to_owned(),
        source: None,
    })?;
    let value = serde_json::from_str::<T>(envelope.response.get()).map_err(|e| {
        Error::MalformedResponse {
            request_id: Some(request_id.clone()),
            detail: e.to_string(),
            source: Some(Box::new(e)),
        }
    })?;
    Ok((value, request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_beside_results_is_unknown_not_a_refusal() {
        let answer = br#"{"Response":{"Error":{"Code":"InternalError","Message":"x"},"Widgets":[{"Id":"w"}],"RequestId":"r"}}"#;
        let error = read_answer::<serde_json::Value, String>(200, answer).unwrap_err();
        assert!(error.may_have_taken_effect(), "{error}");
        assert!(error.to_string().contains("Widgets"), "{error}");
        let empty = br#"{"Response":{"Error":{"Code":"InvalidParameter","Message":"x"},"Widgets":[],"Next":null,"RequestId":"r"}}"#;
        let error = read_answer::<serde_json::Value, String>(200, empty).unwrap_err();
        assert!(
            error.code().is_some(),
            "empty fields are no results: {error}"
        );
        let refusal =
            br#"{"Response":{"Error":{"Code":"InvalidParameter","Message":"x"},"RequestId":"r"}}"#;
        let error = read_answer::<serde_json::Value, String>(200, refusal).unwrap_err();
        assert!(!error.may_have_taken_effect() && error.code().is_some());
    }
}
