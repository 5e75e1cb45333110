//! Tencent's own definition of a service and what xtask does with it; the generator knows
//! none of it. `definition`: reading tccli's `api.json` (and the limits its documentation
//! states in words); `tccli`: fetching it and the service's error codes into `target/tccli`;
//! `audit`: the spec compared with them (`cargo xtask spec-audit`); `draft`: spec sections
//! drafted from the definition (`cargo xtask import-action`).
//!
//! The children import one another (`audit` and `draft` read `definition`), never this file.

pub(crate) mod audit;
pub(crate) mod definition;
pub(crate) mod draft;
pub(crate) mod tccli;
