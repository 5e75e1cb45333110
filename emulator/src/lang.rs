//! The language of error messages: `X-TC-Language` (TC3) or the `Language` parameter
//! (HmacSHA1/HmacSHA256), `zh-CN` or `en-US`. Absent or empty (the Node.js SDK sends nothing
//! by default, Go may send it empty): the emulator's English messages. In `zh-CN` the message
//! is the service's Chinese text for the code, followed by the emulator's English detail
//! (which names the field, the limit and the value).

use crate::api_error::ApiError;

/// The language of messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// `en-US`, and the default.
    #[default]
    English,
    /// `zh-CN`.
    Chinese,
}

impl Language {
    /// The language a request asks for; `None` (absent) and `""` are English; any other value
    /// than `zh-CN` and `en-US` is `InvalidParameterValue`.
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value.unwrap_or_default() {
            "" | "en-US" => Ok(Self::English),
            "zh-CN" => Ok(Self::Chinese),
            other => Err(ApiError::new(
                "InvalidParameterValue",
                format!(
                    "`Language` must be zh-CN or en-US, {:?} was given",
                    other.chars().take(32).collect::<String>()
                ),
            )),
        }
    }

    /// `error`'s message in this language.
    #[must_use]
    pub fn message(self, error: &ApiError) -> String {
        match self {
            Self::English => error.message.clone(),
            Self::Chinese => match chinese(error.code) {
                Some(text) => format!("{text}（{}）", error.message),
                None => error.message.clone(),
            },
        }
    }
}

/// The Chinese text of the main error codes.
fn chinese(code: &str) -> Option<&'static str> {
    Some(match code {
        "AuthFailure.SignatureFailure" => "请求签名验证失败，请检查您的签名计算是否正确",
        "AuthFailure.SecretIdNotFound" => "密钥不存在，请检查密钥是否正确",
        "AuthFailure.SignatureExpire" => "签名过期，请求时间戳与服务器时间相差过大",
        "AuthFailure.TokenFailure" => "临时证书 Token 错误",
        "AuthFailure.InvalidAuthorization" => "请求头部的 Authorization 不符合腾讯云标准",
        "InvalidAction" => "接口不存在",
        "NoSuchVersion" => "接口版本不存在",
        "MissingParameter" => "缺少参数错误",
        "UnknownParameter" => "未知参数错误",
        "InvalidParameter" => "参数错误",
        "InvalidParameterValue" => "参数取值错误",
        "RequestLimitExceeded" => "请求的次数超过了频率限制",
        "RequestSizeLimitExceeded" => "请求包超过限制大小",
        "ResourceNotFound" => "资源不存在",
        "ResourceUnavailable" => "资源不可用",
        "ResourceInsufficient" => "资源不足",
        "InternalError" => "内部错误",
        "UnsupportedOperation" => "操作不支持",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_messages() {
        assert_eq!(Language::parse(None).unwrap(), Language::English);
        assert_eq!(Language::parse(Some("")).unwrap(), Language::English);
        assert_eq!(Language::parse(Some("en-US")).unwrap(), Language::English);
        assert_eq!(Language::parse(Some("zh-CN")).unwrap(), Language::Chinese);
        let e = Language::parse(Some("fr-FR")).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("\"fr-FR\""), "{}", e.message);

        let error = ApiError::new("ResourceNotFound", "the session \"x\" does not exist");
        assert_eq!(Language::English.message(&error), error.message);
        assert_eq!(
            Language::Chinese.message(&error),
            "资源不存在（the session \"x\" does not exist）"
        );
        let other = ApiError::new("Something.Else", "detail");
        assert_eq!(Language::Chinese.message(&other), "detail");
    }
}
