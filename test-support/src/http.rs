//! Plain HTTP clients for tests that send requests by hand.

/// A reqwest client builder for tests that send requests by hand: no proxy, and the runtime's
/// TLS crypto provider installed (with the default `rustls-ring` feature reqwest has none of
/// its own).
pub fn http_builder() -> reqwest::ClientBuilder {
    tc3_runtime::tls::install_default_provider();
    reqwest::Client::builder().no_proxy()
}

/// A reqwest client for tests that send requests by hand; see [`http_builder`].
pub fn http() -> reqwest::Client {
    http_builder().build().expect("a plain HTTP client builds")
}
