//! The TLS crypto backend. With the `rustls-ring` feature (the default) the runtime installs
//! ring as the process's rustls crypto provider, unless the application or another library
//! already installed one; with `rustls-aws-lc`, reqwest brings aws-lc-rs itself.

/// Makes sure rustls has a crypto provider before an HTTP client is built. The runtime calls
/// it before building its own client; call it before building a `reqwest::Client` of your own
/// to pass to [`crate::ClientBuilder::http_client`]. Does nothing without `rustls-ring`.
pub fn install_default_provider() {
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: a provider is then in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
