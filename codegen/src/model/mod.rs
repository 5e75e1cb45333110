//! The API as the generator sees it: service metadata and one entry per action, read from
//! the spec's standard fields and its `x-tc-*` extensions.
//!
//! This file holds the model's types only; its children read it from a checked spec tree
//! (`read`: the service and its actions, `reconcile`: `x-tc-reconcile`; `refs`: following a
//! schema's `$ref`s). No child is imported here, so no two files import each other.

mod read;
mod reconcile;
pub mod refs;

/// Everything the generated code needs to know about the API beyond progenitor's output.
#[derive(Clone, Debug)]
pub struct ApiModel {
    /// The spec's `info.title`.
    pub title: String,
    /// The service name signed into the credential scope (`x-tc-service`).
    pub service: String,
    /// The API version sent as `X-TC-Version` (`x-tc-version`).
    pub version: String,
    /// The default endpoint (`servers[0].url`), without a trailing slash.
    pub endpoint: String,
    /// The package name of the crate vendored from this spec alone (`x-tc-crate-name`), when
    /// the spec sets one.
    pub crate_name: Option<String>,
    /// The generated crate's version (`x-tc-crate-version`), when the spec sets one.
    pub crate_version: Option<String>,
    /// Codes every action may return (`x-tc-common-error-codes`), sorted by code.
    pub common_error_codes: Vec<ErrorCode>,
    /// The actions, in the order of the spec's paths.
    pub actions: Vec<Action>,
}

/// One documented error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code as the service sends it: PascalCase parts joined by dots.
    pub code: String,
    /// What it means.
    pub description: String,
}

/// One action of the API.
#[derive(Clone, Debug)]
pub struct Action {
    /// The action name sent as `X-TC-Action`.
    pub name: String,
    /// The operation's `operationId`: the generated method's name.
    pub operation_id: String,
    /// The spec's path key (a label; requests always go to `/`).
    pub path: String,
    /// The most requests per second the service accepts.
    pub rate_limit: u32,
    /// Codes specific to this action, sorted by code.
    pub error_codes: Vec<ErrorCode>,
    /// What to do next after a code of this action (`description` holds the hint), by code.
    pub error_hints: Vec<ErrorCode>,
    /// The component name of the request body's schema.
    pub request_schema: String,
    /// The list field that may be split across requests, if any.
    pub batch: Option<BatchField>,
    /// How the batch's items are read back when their outcome is unknown (`x-tc-reconcile`).
    pub reconcile: Option<Reconcile>,
    /// The item limits of the request's list fields (typify does not enforce them).
    pub list_limits: Vec<ListLimit>,
    /// The field carrying the next page's token in the request and the answer
    /// (`x-tc-page-token`), when the action pages with one.
    pub page_token: Option<String>,
}

/// `minItems`/`maxItems` of one list field of a request, and the limits of its items when
/// they are strings written in place (`items: {type: string, maxLength: ..}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListLimit {
    /// The property's name in the request body.
    pub field: String,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// The items' limits. The generator checks them itself, so that the items stay `String`
    /// (typify would make each item a type of its own).
    pub items: ItemLimits,
}

/// `minLength`, `maxLength` and `pattern` of a list's string items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemLimits {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
}

impl ItemLimits {
    /// Whether the items have any limit.
    pub fn any(&self) -> bool {
        self.min_length.is_some() || self.max_length.is_some() || self.pattern.is_some()
    }
}

/// A list field of a request that may be split into several requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchField {
    /// The property's name in the request body.
    pub field: String,
    /// Its `maxItems`: the most items one request may carry.
    pub max_items: u64,
    /// The response's array property holding one result per item, if any.
    pub results: Option<String>,
    /// The property of a result that echoes its item, if any.
    pub result_key: Option<String>,
}

/// How a batch action's items are read back (see spec/README.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconcile {
    /// The `x-tc-action` of the action that reads items back.
    pub action: String,
    /// Its request property that takes one item.
    pub item_filter: String,
    /// Properties of the batch request that every result read back must match: the same
    /// name in the batch request (required there), in the read request (a filter) and in the
    /// read results.
    pub scope: Vec<String>,
    /// The read answer's list of results (the same schema as the batch's results).
    pub results: String,
    /// The property carrying the next page's token, in the read request and its answer.
    pub next_token: String,
    /// The read request's page-size property and the page size to ask for.
    pub page: Option<(String, u64)>,
    /// Batch error codes that may mean "an item is already there".
    pub present_codes: Vec<String>,
    /// Properties of a result read back and the values that make it count as present (e.g.
    /// a status that is still live); by property name.
    pub present_when: Vec<(String, Vec<String>)>,
}

impl ApiModel {
    /// The action whose operation has this `operationId`.
    #[must_use]
    pub fn action_by_operation_id(&self, operation_id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.operation_id == operation_id)
    }
}
