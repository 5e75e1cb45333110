//! An error the emulator answers in the `Response.Error` envelope.

/// A Tencent Cloud error: a code and a message naming what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The error code, e.g. `InvalidParameterValue`.
    pub code: &'static str,
    /// What was wrong, naming the field, the limit and the value given.
    pub message: String,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
