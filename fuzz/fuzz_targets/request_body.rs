//! The emulator's validation of a request body against the spec.
#![no_main]

use gse_emulator::{validate, SpecRules};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static RULES: LazyLock<SpecRules> = LazyLock::new(SpecRules::embedded);

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) {
        let schema = &RULES.actions["JoinGameServerSessionBatch"].request_schema;
        let _ = validate::check(&RULES, schema, &body);
    }
});
