//! What a generated client tells the runtime about its API: the service, its version and
//! endpoint, and for each action its rate, error codes, hints and batch field. The generator
//! writes these as constants from the spec; the runtime reads nothing else about an API.

use std::fmt;

/// A Tencent Cloud service as one spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The service name signed into every request's credential scope (`x-tc-service`).
    pub name: &'static str,
    /// The API version sent as `X-TC-Version` (`x-tc-version`).
    pub version: &'static str,
    /// The default endpoint (the spec's first server).
    pub default_endpoint: &'static str,
    /// Error codes every action may return: `(code, description)`.
    pub common_error_codes: &'static [(&'static str, &'static str)],
    /// Every action of the spec, in its order.
    pub actions: &'static [Action],
}

impl Service {
    /// The action whose client method is `operation_id`.
    pub fn action_by_operation_id(&self, operation_id: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.operation_id == operation_id)
    }

    /// The action sent as `X-TC-Action: name`.
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

/// One action, as the spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// The name sent as `X-TC-Action`.
    pub name: &'static str,
    /// The spec's `operationId`: the client method's name.
    pub operation_id: &'static str,
    /// The most requests per second the service accepts for this action.
    pub rate_limit_per_second: u32,
    /// Error codes specific to this action: `(code, description)`.
    pub error_codes: &'static [(&'static str, &'static str)],
    /// What to do next after an error code of this action: `(code, hint)`.
    pub error_hints: &'static [(&'static str, &'static str)],
    /// The list field that may be split across requests, if any.
    pub batch: Option<BatchField>,
}

impl Action {
    /// The spec's hint for `code` after this action, if it gives one.
    pub fn hint_for(&self, code: &str) -> Option<&'static str> {
        self.error_hints
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, hint)| *hint)
    }
}

/// A request list field that may be split across several requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchField {
    /// The field's name in the request body.
    pub field: &'static str,
    /// The most items one request may carry.
    pub max_items: usize,
}

/// The error codes of a service, as a type: the generator writes one enum per spec with a
/// variant per code it lists. [`String`] serves when no such type exists.
pub trait ServiceCode:
    Clone + fmt::Debug + fmt::Display + PartialEq + Send + Sync + 'static
{
    /// The value for `code` as the service spells it; never fails (codes are open-ended).
    fn parse(code: &str) -> Self;

    /// The code as the service spells it.
    fn as_str(&self) -> &str;

    /// The part before the first dot: `Family` for `Family.Detail`.
    fn family(&self) -> &str {
        let code = self.as_str();
        code.split_once('.').map_or(code, |(family, _)| family)
    }
}

impl ServiceCode for String {
    fn parse(code: &str) -> Self {
        code.to_string()
    }

    fn as_str(&self) -> &str {
        self
    }
}

/// A client type the generator wrote: the runtime's [`crate::ClientBuilder`] builds it.
pub trait GeneratedClient: Sized {
    /// The API the client calls.
    const SERVICE: &'static Service;

    /// The client, from the endpoint (no trailing `/`), the HTTP client and the runtime.
    fn from_parts(endpoint: &str, http: reqwest::Client, runtime: crate::Runtime) -> Self;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_the_part_before_the_first_dot() {
        assert_eq!("Auth.Sig.X".to_string().family(), "Auth");
        assert_eq!(String::parse("Plain").family(), "Plain");
    }

    #[test]
    fn hints_are_found_by_code() {
        const ACTION: Action = Action {
            name: "DoThing",
            operation_id: "do_thing",
            rate_limit_per_second: 5,
            error_codes: &[],
            error_hints: &[("ResourceNotFound", "check the thing's id")],
            batch: None,
        };
        assert_eq!(
            ACTION.hint_for("ResourceNotFound"),
            Some("check the thing's id")
        );
        assert_eq!(ACTION.hint_for("Other"), None);
    }
}
