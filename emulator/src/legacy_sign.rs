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
    #[must_use]
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
#[must_use]
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The string to sign of `params` (decoded), for a request `method host path`.
#[must_use]
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

/// Shows the type only: its state is large, or holds keys.
impl std::fmt::Debug for LegacyPresented<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyPresented").finish_non_exhaustive()
    }
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
        let entry = self.account(secret_id)?;
        let account = &entry.account;
        self.timestamp(param(params, "Timestamp"), "the parameter Timestamp", now)?;
        Self::unexpired(&entry, now)?;
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

    const ID: &str = "AKIDDUMMYRESEARCH0001";
    const KEY: &str = "dummySecretKeyForResearch00";
    const PYTHON_POST: &str = "GameServerSessionId=gss+1%2Fx~y%2Az%27%28a%29%21&PlayerIds.0=p+1&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc&PlayerDataMap.Key=k&PlayerDataMap.Value=v+v&Action=JoinGameServerSessionBatch&RequestClient=SDK_PYTHON_3.0.1416&Nonce=6022761586155602413&Timestamp=1795629753&Version=2019-11-12&Region=ap-guangzhou&SecretId=AKIDDUMMYRESEARCH0001&SignatureMethod=HmacSHA1&Language=zh-CN&Signature=tfUIy5k1kbt3pTFwsxTiH%2FSmqo4%3D";
    const NODE_GET: &str = "GameServerSessionId=gss%201%2Fx~y*z%27(a)!&PlayerIds.0=p%201&PlayerIds.1=p%2B2&PlayerIds.2=%C3%A9&PlayerIds.3=a%26b%3Dc&PlayerDataMap.Key=k&PlayerDataMap.Value=v%20v&Action=JoinGameServerSessionBatch&RequestClient=SDK_NODEJS_4.1.220&Nonce=42515&Timestamp=1795629767&Version=2019-11-12&SecretId=AKIDDUMMYRESEARCH0001&Region=ap-guangzhou&SignatureMethod=HmacSHA1&Signature=oTgYunlmOH51x7K6UTeyNQrOT0s%3D";
    const GO_GET_TOKEN: &str = "Action=JoinGameServerSessionBatch&GameServerSessionId=qcs%3A%3Agse%3Aap-guangzhou%3Auin%2F100000%3Agameserversession%2Ffleet-1%2Fgss-1&Language=zh-CN&Nonce=5577006791947779410&PlayerDataMap.Key=k1&PlayerDataMap.Value=v1&PlayerIds.0=p1&PlayerIds.1=p2&Region=ap-guangzhou&RequestClient=SDK_GO_1.3.166&SecretId=AKIDDUMMYRESEARCH0001&Signature=8WnQeuLRyKsXhqZ9A7OPFhg%2Fr%2Bw%3D&SignatureMethod=HmacSHA1&Timestamp=1795629788&Token=tmpTokenABC&Version=2019-11-12";

    fn verifier(token: Option<&str>) -> Verifier {
        Verifier::new(
            "gse",
            300,
            &[crate::auth::Account {
                secret_id: ID.into(),
                secret_key: KEY.into(),
                token: token.map(String::from),
            }],
        )
        .unwrap()
    }

    /// (name, method, host, encoded params, timestamp, token of the account)
    type Capture = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        i64,
        Option<&'static str>,
    );

    fn captures() -> [Capture; 3] {
        [
            (
                "python POST",
                "POST",
                "127.0.0.1:44959",
                PYTHON_POST,
                1795629753,
                None,
            ),
            (
                "node GET",
                "GET",
                "127.0.0.1:44959",
                NODE_GET,
                1795629767,
                None,
            ),
            (
                "go GET with a token",
                "GET",
                "127.0.0.1:41975",
                GO_GET_TOKEN,
                1795629788,
                Some("tmpTokenABC"),
            ),
        ]
    }

    fn code(
        verifier: &Verifier,
        method: &str,
        host: &str,
        params: &[(String, String)],
        now: i64,
    ) -> &'static str {
        let request = LegacyPresented {
            method,
            host,
            path: "/",
            params,
        };
        verifier.verify_legacy(&request, now).unwrap_err().code
    }

    fn changed(
        params: &[(String, String)],
        name: &str,
        value: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            params.iter().filter(|(k, _)| k != name).cloned().collect();
        if let Some(v) = value {
            out.push((name.to_owned(), v.to_owned()));
        }
        out
    }

    #[test]
    fn what_each_official_sdk_signed_is_accepted() {
        for (name, method, host, text, ts, token) in captures() {
            let params = form_decode(text).unwrap();
            let request = LegacyPresented {
                method,
                host,
                path: "/",
                params: &params,
            };
            assert_eq!(
                verifier(token).verify_legacy(&request, ts - 299),
                Ok(ID),
                "{name}"
            );
        }
    }

    #[test]
    fn each_capture_changed_in_one_way_is_refused_with_its_code() {
        for (name, method, host, text, ts, token) in captures() {
            let v = verifier(token);
            let params = form_decode(text).unwrap();
            let signature = param(&params, "Signature").unwrap();
            let other_sig = Method::HmacSha1.sign("another-key", "x");
            for (what, p, h, m, now, want) in [
                (
                    "wrong signature",
                    changed(&params, "Signature", Some(&other_sig)),
                    host,
                    method,
                    ts,
                    "AuthFailure.SignatureFailure",
                ),
                (
                    "a value changed",
                    changed(&params, "PlayerIds.0", Some("zz")),
                    host,
                    method,
                    ts,
                    "AuthFailure.SignatureFailure",
                ),
                (
                    "another host",
                    params.clone(),
                    "127.0.0.1:1",
                    method,
                    ts,
                    "AuthFailure.SignatureFailure",
                ),
                (
                    "another method",
                    params.clone(),
                    host,
                    if method == "GET" { "POST" } else { "GET" },
                    ts,
                    "AuthFailure.SignatureFailure",
                ),
                (
                    "HmacSHA256 claimed",
                    changed(&params, "SignatureMethod", Some("HmacSHA256")),
                    host,
                    method,
                    ts,
                    "AuthFailure.SignatureFailure",
                ),
                (
                    "unknown SecretId",
                    changed(&params, "SecretId", Some("AKIDNOBODY")),
                    host,
                    method,
                    ts,
                    "AuthFailure.SecretIdNotFound",
                ),
                (
                    "expired",
                    params.clone(),
                    host,
                    method,
                    ts + 301,
                    "AuthFailure.SignatureExpire",
                ),
                (
                    "early",
                    params.clone(),
                    host,
                    method,
                    ts - 301,
                    "AuthFailure.SignatureExpire",
                ),
                (
                    "no Timestamp",
                    changed(&params, "Timestamp", None),
                    host,
                    method,
                    ts,
                    "AuthFailure.InvalidAuthorization",
                ),
                (
                    "no Nonce",
                    changed(&params, "Nonce", None),
                    host,
                    method,
                    ts,
                    "AuthFailure.InvalidAuthorization",
                ),
                (
                    "Nonce not a number",
                    changed(&params, "Nonce", Some("-1")),
                    host,
                    method,
                    ts,
                    "AuthFailure.InvalidAuthorization",
                ),
                (
                    "no SecretId",
                    changed(&params, "SecretId", None),
                    host,
                    method,
                    ts,
                    "AuthFailure.InvalidAuthorization",
                ),
                (
                    "unknown method",
                    changed(&params, "SignatureMethod", Some("HmacMD5")),
                    host,
                    method,
                    ts,
                    "AuthFailure.InvalidAuthorization",
                ),
            ] {
                assert_eq!(
                    code(&v, m, h, &p, now),
                    want,
                    "{name}: {what} (signature {signature})"
                );
            }
            // The token: required from a temporary account, and must be its own.
            let temporary = verifier(Some("another-token"));
            assert_eq!(
                code(&temporary, method, host, &params, ts),
                "AuthFailure.TokenFailure",
                "{name}"
            );
        }
    }

    #[test]
    fn hmac_sha256_and_a_repeated_nonce() {
        let mut params = form_decode(
            "Action=JoinGameServerSessionBatch&Nonce=0&Region=&SecretId=AKIDDUMMYRESEARCH0001&SignatureMethod=HmacSHA256&Timestamp=1795629788&Version=2019-11-12",
        )
        .unwrap();
        let text = string_to_sign("POST", "127.0.0.1:41975", "/", &params);
        params.push(("Signature".into(), Method::HmacSha256.sign(KEY, &text)));
        let v = verifier(None);
        for _ in 0..2 {
            let request = LegacyPresented {
                method: "POST",
                host: "127.0.0.1:41975",
                path: "/",
                params: &params,
            };
            assert_eq!(v.verify_legacy(&request, 1795629788), Ok(ID));
        }
        // Signed over the host without its port: also accepted (costs nothing).
        let mut no_port = changed(&params, "Signature", None);
        let text = string_to_sign("POST", "127.0.0.1", "/", &no_port);
        no_port.push(("Signature".into(), Method::HmacSha256.sign(KEY, &text)));
        let request = LegacyPresented {
            method: "POST",
            host: "127.0.0.1:41975",
            path: "/",
            params: &no_port,
        };
        assert_eq!(v.verify_legacy(&request, 1795629788), Ok(ID));
    }
}
