//! SHA-256 and HMAC-SHA256 for signing, from the crypto library the TLS backend compiles
//! anyway: ring with `rustls-ring` (the default), aws-lc-rs with `rustls-aws-lc`. Both
//! implement the hashes with the CPU's SHA extensions where it has them.

#[cfg(feature = "rustls-ring")]
use ring as backend;

#[cfg(all(feature = "rustls-aws-lc", not(feature = "rustls-ring")))]
use aws_lc_rs as backend;

#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")))]
compile_error!(
    "tc3-runtime needs a crypto backend for signing and TLS: enable its `rustls-ring` feature (the default) or `rustls-aws-lc`"
);

use backend::{digest, hmac};

/// A SHA-256 hash being computed; a clone continues from the same state.
#[derive(Clone)]
pub(crate) struct Sha256(digest::Context);

impl Sha256 {
    pub(crate) fn new() -> Self {
        Self(digest::Context::new(&digest::SHA256))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> [u8; 32] {
        to_array(self.0.finish().as_ref())
    }

    /// The hash of `data`.
    pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
        to_array(digest::digest(&digest::SHA256, data).as_ref())
    }
}

/// An HMAC-SHA256 being computed under one key; a clone continues from the same state, so a
/// keyed state made once serves any number of messages.
#[derive(Clone)]
pub(crate) struct HmacSha256(hmac::Context);

impl HmacSha256 {
    pub(crate) fn new(key: &[u8]) -> Self {
        Self(hmac::Context::with_key(&hmac::Key::new(
            hmac::HMAC_SHA256,
            key,
        )))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> [u8; 32] {
        to_array(self.0.sign().as_ref())
    }

    /// The HMAC of `message` under `key`.
    pub(crate) fn mac(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = Self::new(key);
        mac.update(message);
        mac.finish()
    }
}

/// A 32-byte output as an array (both algorithms give 32 bytes).
fn to_array(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: [u8; 32]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_and_hmac_match_their_published_vectors() {
        // FIPS 180-2's "abc" and RFC 4231's test case 2.
        assert_eq!(
            hex(Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut streamed = Sha256::new();
        streamed.update(b"a");
        let fork = streamed.clone();
        streamed.update(b"bc");
        assert_eq!(streamed.finish(), Sha256::digest(b"abc"));
        assert_eq!(fork.finish(), Sha256::digest(b"a"));
        assert_eq!(
            hex(HmacSha256::mac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
