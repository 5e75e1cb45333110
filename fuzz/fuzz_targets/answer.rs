//! The client's reading of an answer: any status and bytes give a value or a typed error.
#![no_main]

use gse_client::types::JoinGameServerSessionBatchResponse;
use libfuzzer_sys::fuzz_target;
use tc3_runtime::__private::read_answer;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((first, rest)) if *first < 128 => (200, rest),
        Some((first, rest)) => (u16::from(*first) + 300, rest),
        None => (200, data),
    };
    let _ = read_answer::<JoinGameServerSessionBatchResponse, String>(status, body);
});
