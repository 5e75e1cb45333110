//! What a generated client type implements so that the runtime's builder can make it.

use crate::runtime::Runtime;
use crate::service::Service;

/// A client type the generator wrote: the runtime's [`crate::ClientBuilder`] builds it.
pub trait GeneratedClient: Sized {
    /// The API the client calls.
    const SERVICE: &'static Service;

    /// The client, from its runtime (which holds the endpoint and the transport).
    #[doc(hidden)]
    fn __from_runtime(runtime: Runtime) -> Self;
}
