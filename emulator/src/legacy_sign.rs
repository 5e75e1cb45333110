//! The older signature methods, HmacSHA1 and HmacSHA256 ("signature v1"), that the official
//! SDKs still send when told to (`signMethod`): every parameter, the common ones included
//! (`Action`, `Version`, `Region`, `Timestamp`, `Nonce`, `SecretId`, `SignatureMethod`,
//! `Signature`, `Token`, `Language`, `RequestClient`), in the query (GET) or in a form body
//! (POST).
//!
//! String to sign: `METHOD + Host + path + "?" + k=v&…` over every parameter but
//! `Signature`, keys in byte order, values decoded (raw). `Signature` is
//! `base64(HMAC(SecretKey, string))`, compared in constant time. The checks run in the TC3
//! order: SecretId, timestamp window, token, signature. A repeated `Nonce` is not refused
//! (Go < 1.20 sends the same one from every process).

use crate::api_error::ApiError;
use crate::auth::{signature_failure, signed_host_candidates, Verifier};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

/// The parameters of the signature itself and of the call's envelope, which are not the
/// action's.
pub const COMMON_PARAMS: [&str; 11] = [
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Signature",
    "Token",
    "Language",
    "RequestClient",
];

/// The HMAC of a v1 signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `HmacSHA1` (also when `SignatureMethod` is absent).
    HmacSha1,
    /// `HmacSHA256`.
    HmacSha256,
}

impl Method {
    fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value {
            None | Some("HmacSHA1") => Ok(Self::HmacSha1),
            Some("HmacSHA256") => Ok(Self::HmacSha256),
            Some(other) => Err(ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!(
                    "SignatureMethod must be HmacSHA1 or HmacSHA256, {:?} was given",
                    other.chars().take(32).collect::<String>()
                ),
            )),
        }
    }

    /// `base64(HMAC(key, message))`.
    pub fn sign(self, key: &str, message: &str) -> String {
        let digest = match self {
            Self::HmacSha1 => {
                let mut mac = <Hmac<sha1::Sha1>>::new_from_slice(key.as_bytes())
                    .expect("HMAC accepts keys of any length");
                mac.update(message.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Self::HmacSha256 => {
                let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(key.as_bytes())
                    .expect("HMAC accepts keys of any length");
                mac.update(message.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
        };
        base64::engine::general_purpose::STANDARD.encode(digest)
    }
}

/// The first value of parameter `name`.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The string to sign of `params` (decoded), for a request `method host path`.
pub fn string_to_sign(method: &str, host: &str, path: &str, params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    signed.sort();
    let mut text = format!("{method}{host}{path}?");
    for (i, (k, v)) in signed.into_iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        text.push_str(k);
        text.push('=');
        text.push_str(v);
    }
    text
}

/// What a v1 request presents: its method, `Host` header, path and decoded parameters.
pub struct LegacyPresented<'a> {
    /// `GET` or `POST`, as received.
    pub method: &'a str,
    /// The `Host` header as received.
    pub host: &'a str,
    /// The path as received.
    pub path: &'a str,
    /// Every parameter, decoded, in the order received.
    pub params: &'a [(String, String)],
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        "AuthFailure.InvalidAuthorization",
        format!("the signature parameter {name} is missing"),
    )
}

impl Verifier {
    /// Verifies a HmacSHA1/HmacSHA256 request at server time `now`; returns its SecretId.
    pub fn verify_legacy<'a>(
        &self,
        request: &LegacyPresented<'a>,
        now: i64,
    ) -> Result<&'a str, ApiError> {
        let params = request.params;
        let signature = param(params, "Signature").ok_or_else(|| missing("Signature"))?;
        let method = Method::parse(param(params, "SignatureMethod"))?;
        let secret_id = param(params, "SecretId")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| missing("SecretId"))?;
        let nonce = param(params, "Nonce").ok_or_else(|| missing("Nonce"))?;
        if nonce.is_empty() || nonce.len() > 20 || !nonce.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!(
                    "Nonce must be a whole number, {:?} was given",
                    nonce.chars().take(32).collect::<String>()
                ),
            ));
        }
        let (account, _, _) = self.account(secret_id)?;
        self.timestamp(param(params, "Timestamp"), "the parameter Timestamp", now)?;
        Self::token(account, param(params, "Token"), "the parameter Token")?;
        for host in signed_host_candidates(request.host) {
            let text = string_to_sign(request.method, host, request.path, params);
            let expected = method.sign(&account.secret_key, &text);
            if expected.as_bytes().ct_eq(signature.as_bytes()).unwrap_u8() == 1 {
                return Ok(secret_id);
            }
        }
        Err(signature_failure())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::form_decode;

    #[test]
    fn hmac_vectors() {
        // RFC 2202 test case 2 and RFC 4231 test case 2, base64.
        assert_eq!(
            Method::HmacSha1.sign("Jefe", "what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk="
        );
        assert_eq!(
            Method::HmacSha256.sign("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }

    #[test]
    fn the_string_to_sign_of_the_python_sdk_capture() {
        // docs/research/official-sdks.md 1.5: the body the Python SDK sent, decoded.
        let body = "GameServerSessionId=gss+1%2Fx~y%2Az%27%28a%29%21&PlayerIds.0=p+1&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc&PlayerDataMap.Key=k&PlayerDataMap.Value=v+v&Action=JoinGameServerSessionBatch&RequestClient=SDK_PYTHON_3.0.1416&Nonce=6022761586155602413&Timestamp=1795629753&Version=2019-11-12&Region=ap-guangzhou&SecretId=AKIDDUMMYRESEARCH0001&SignatureMethod=HmacSHA1&Language=zh-CN&Signature=tfUIy5k1kbt3pTFwsxTiH%2FSmqo4%3D";
        let params = form_decode(body).unwrap();
        let text = string_to_sign("POST", "127.0.0.1:44959", "/", &params);
        assert_eq!(
            text,
            "POST127.0.0.1:44959/?Action=JoinGameServerSessionBatch&GameServerSessionId=gss 1/x~y*z'(a)!&Language=zh-CN&Nonce=6022761586155602413&PlayerDataMap.Key=k&PlayerDataMap.Value=v v&PlayerIds.0=p 1&PlayerIds.1=p+2&PlayerIds.2=é&PlayerIds.3=a&b=c&Region=ap-guangzhou&RequestClient=SDK_PYTHON_3.0.1416&SecretId=AKIDDUMMYRESEARCH0001&SignatureMethod=HmacSHA1&Timestamp=1795629753&Version=2019-11-12"
        );
        // The research's verifier accepted this signature with the dummy key.
        assert_eq!(
            Method::HmacSha1.sign("dummySecretKeyForResearch00", &text),
            "tfUIy5k1kbt3pTFwsxTiH/Smqo4="
        );
    }

    #[test]
    fn signature_methods() {
        assert_eq!(Method::parse(None).unwrap(), Method::HmacSha1);
        assert_eq!(
            Method::parse(Some("HmacSHA256")).unwrap(),
            Method::HmacSha256
        );
        let e = Method::parse(Some("TC3-HMAC-SHA256")).unwrap_err();
        assert_eq!(e.code, "AuthFailure.InvalidAuthorization");
    }
}
