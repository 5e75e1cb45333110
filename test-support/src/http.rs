//! Plain HTTP clients for tests that send requests by hand.

/// A reqwest client builder for tests that send requests by hand: no proxy, and ring installed
/// as rustls's crypto provider unless one is (what tc3-runtime's default `rustls-ring` feature
/// does before building its own client: reqwest then has no provider of its own).
pub fn http_builder() -> reqwest::ClientBuilder {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: a provider is then in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder().no_proxy()
}

/// A reqwest client for tests that send requests by hand; see [`http_builder`].
#[must_use]
pub fn http() -> reqwest::Client {
    http_builder().build().expect("a plain HTTP client builds")
}
