//! The emulator's parsing of an Authorization header.
#![no_main]

use gse_emulator::auth::parse_authorization;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = std::str::from_utf8(data) {
        if let Ok(parsed) = parse_authorization(header) {
            assert_eq!(parsed.signature.len(), 64);
        }
    }
});
