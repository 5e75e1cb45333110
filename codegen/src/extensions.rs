//! The `x-tc-*` extensions the generator reads (documented in spec/README.md).

/// Extensions allowed at the document root.
pub(crate) const ROOT_EXTENSIONS: &[&str] = &[
    SERVICE,
    VERSION,
    CRATE_NAME,
    CRATE_VERSION,
    COMMON_ERROR_CODES,
];
/// Extensions allowed on an operation.
pub(crate) const OPERATION_EXTENSIONS: &[&str] = &[
    ACTION,
    STATUS,
    RATE_LIMIT,
    ERROR_CODES,
    ERROR_HINTS,
    BATCH,
    RECONCILE,
    PAGE_TOKEN,
];

/// Extensions allowed on a list's `items`.
pub(crate) const ITEMS_EXTENSIONS: &[&str] = &[LIMITS_OF];

/// Items: `Action.Member`, a request member of the service's definition whose stated limits
/// the items' limits are, when the definition states none for the list's items (a list
/// documented only by its count, whose items a read action filters by a member documented
/// by length and ASCII). Informational for the generator; `cargo xtask spec-audit` checks
/// the limits against that member's.
pub(crate) const LIMITS_OF: &str = "x-tc-limits-of";

/// Root: the service name signed into the credential scope.
pub(crate) const SERVICE: &str = "x-tc-service";
/// Root: the API version sent as `X-TC-Version`.
pub(crate) const VERSION: &str = "x-tc-version";
/// Root: the generated crate's package name when the spec is vendored on its own
/// (`cargo xtask vendor DIR --spec PATH`; default `SERVICE-client`); a workspace target's
/// name is the workspace's (xtask/src/targets.rs).
pub(crate) const CRATE_NAME: &str = "x-tc-crate-name";
/// Root: the generated crate's version (semver `MAJOR.MINOR.PATCH`, default `0.1.0`); a
/// spec change must bump it as `cargo xtask generate --check` says.
pub(crate) const CRATE_VERSION: &str = "x-tc-crate-version";
/// Root: error codes every action may return (code → description).
pub(crate) const COMMON_ERROR_CODES: &str = "x-tc-common-error-codes";
/// Operation: the action name sent as `X-TC-Action`.
pub(crate) const ACTION: &str = "x-tc-action";
/// Operation: the action's status in the service's own definition (`online`, `deprecated`
/// or `offline`, the values Tencent's definitions use); informational, said in the description for readers of the docs, checked by
/// `cargo xtask spec-audit`. Never a `#[deprecated]`: that would make every caller's build warn.
pub(crate) const STATUS: &str = "x-tc-status";
/// Operation: the most requests per second the service accepts for the action.
pub(crate) const RATE_LIMIT: &str = "x-tc-rate-limit";
/// Operation: error codes specific to the action (code → description).
pub(crate) const ERROR_CODES: &str = "x-tc-error-codes";
/// Operation: what to do next after an error code of the action (code → hint).
pub(crate) const ERROR_HINTS: &str = "x-tc-error-hints";
/// Operation: `{field: <array property>}`, a list that may be split across requests.
pub(crate) const BATCH: &str = "x-tc-batch";
/// Operation: how the batch's items are read back when their outcome is unknown: the
/// reading action, its item filter, the scope, its results, paging and the codes that may
/// mean "already there" (spec/README.md).
pub(crate) const RECONCILE: &str = "x-tc-reconcile";

/// Operation: the field that carries the next page's token, in the request and in the answer
/// (the field name the request and the answer share): the action gets `into_paginator()`.
pub(crate) const PAGE_TOKEN: &str = "x-tc-page-token";
