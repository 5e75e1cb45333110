//! What a generated client tells the runtime about its API: the service, its version and
//! endpoint, and for each action its rate, error codes, hints and batch field. The generator
//! writes these as constants from the spec; the runtime reads nothing else about an API.
//!
//! The structs are `#[non_exhaustive]`: read their fields; generated code builds them with
//! the hidden `const` constructors, so a later field comes with a default.

use std::fmt;

/// A Tencent Cloud service as one spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The generated crate's name, sent in `X-TC-RequestClient` and `User-Agent`.
    pub client_name: &'static str,
    /// The generated crate's version.
    pub client_version: &'static str,
}

impl Service {
    /// A service with no common error codes and no actions (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __new(
        name: &'static str,
        version: &'static str,
        default_endpoint: &'static str,
    ) -> Self {
        Self {
            name,
            version,
            default_endpoint,
            common_error_codes: &[],
            actions: &[],
            client_name: "",
            client_version: "",
        }
    }

    /// This service as called by the crate `name` at `version` (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __client(mut self, name: &'static str, version: &'static str) -> Self {
        self.client_name = name;
        self.client_version = version;
        self
    }

    /// This service with these common error codes (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __common_error_codes(
        mut self,
        codes: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.common_error_codes = codes;
        self
    }

    /// This service with these actions (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __actions(mut self, actions: &'static [Action]) -> Self {
        self.actions = actions;
        self
    }

    /// The action whose client method is `operation_id`.
    #[must_use]
    pub fn action_by_operation_id(&self, operation_id: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.operation_id == operation_id)
    }

    /// The action sent as `X-TC-Action: name`.
    #[must_use]
    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

/// One action, as the spec describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// An action with no codes, hints or batch field (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __new(
        name: &'static str,
        operation_id: &'static str,
        rate_limit_per_second: u32,
    ) -> Self {
        Self {
            name,
            operation_id,
            rate_limit_per_second,
            error_codes: &[],
            error_hints: &[],
            batch: None,
        }
    }

    /// This action with these error codes (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __error_codes(mut self, codes: &'static [(&'static str, &'static str)]) -> Self {
        self.error_codes = codes;
        self
    }

    /// This action with these hints (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __error_hints(mut self, hints: &'static [(&'static str, &'static str)]) -> Self {
        self.error_hints = hints;
        self
    }

    /// This action with a batch field (generated code).
    #[doc(hidden)]
    #[must_use]
    pub const fn __batch(mut self, field: &'static str, max_items: usize) -> Self {
        self.batch = Some(BatchField { field, max_items });
        self
    }

    /// The spec's hint for `code` after this action, if it gives one.
    #[must_use]
    pub fn hint_for(&self, code: &str) -> Option<&'static str> {
        self.error_hints
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, hint)| *hint)
    }
}

/// A request list field that may be split across several requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
        code.to_owned()
    }

    fn as_str(&self) -> &str {
        self
    }
}

/// A code the spec does not list. Opaque on purpose: when a later spec lists the code, it
/// gets a variant of its own, and code that matched it here would silently stop matching.
/// Read it with [`UnknownCode::as_str`] to log or report it; match on the listed variants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownCode(String);

impl UnknownCode {
    /// The unlisted code (generated code).
    #[doc(hidden)]
    #[must_use]
    pub fn __new(code: &str) -> Self {
        Self(code.to_owned())
    }

    /// The code as the service spelled it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_the_part_before_the_first_dot() {
        assert_eq!("Auth.Sig.X".to_owned().family(), "Auth");
        assert_eq!(String::parse("Plain").family(), "Plain");
    }

    #[test]
    fn hints_are_found_by_code() {
        const ACTION: Action = Action::__new("DoThing", "do_thing", 5)
            .__error_hints(&[("ResourceNotFound", "check the thing's id")]);
        assert_eq!(
            ACTION.hint_for("ResourceNotFound"),
            Some("check the thing's id")
        );
        assert_eq!(ACTION.hint_for("Other"), None);
        assert_eq!(ACTION.batch, None);
        assert_eq!(
            ACTION.__batch("Items", 25).batch.map(|b| b.max_items),
            Some(25)
        );
    }
}
