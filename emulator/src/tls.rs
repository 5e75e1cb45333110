//! HTTPS for the emulator: a certificate and key from PEM files, or a self-signed CA and a
//! certificate for the given host names made on demand (its CA written for clients to trust).

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The names a self-signed certificate is made for by default.
pub const SELF_SIGNED_HOSTS: &[&str] = &["127.0.0.1", "localhost"];

/// The certificate chain and private key the emulator serves HTTPS with.
pub struct TlsIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Clone for TlsIdentity {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("certificates", &self.chain.len())
            .field("key", &"(hidden)")
            .finish()
    }
}

impl TlsIdentity {
    /// Reads a PEM certificate chain (leaf first) and a PEM private key; the error names the
    /// file and what is wrong with it.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, String> {
        let chain = CertificateDer::pem_file_iter(cert)
            .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
        if chain.is_empty() {
            return Err(format!(
                "--tls-cert {}: no CERTIFICATE in the file",
                cert.display()
            ));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
        Ok(Self { chain, key })
    }

    /// Makes a CA and a certificate it signs for `hosts` (names or IP addresses); writes the
    /// CA's certificate to `dir/ca.pem` (for clients to trust) and the served certificate and
    /// key to `dir/server.pem` and `dir/server.key`. Returns the identity and the CA's path.
    pub fn self_signed(dir: &Path, hosts: &[&str]) -> Result<(Self, PathBuf), String> {
        let failed = |what: &str, e: &dyn fmt::Display| format!("--tls-self-signed: {what}: {e}");
        let ca_key = rcgen::KeyPair::generate().map_err(|e| failed("a CA key", &e))?;
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new())
            .map_err(|e| failed("the CA", &e))?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "gse-emulator local CA");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca = ca_params
            .self_signed(&ca_key)
            .map_err(|e| failed("the CA", &e))?;
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = rcgen::KeyPair::generate().map_err(|e| failed("a key", &e))?;
        let mut params =
            rcgen::CertificateParams::new(hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>())
                .map_err(|e| failed("the host names", &e))?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            hosts.first().copied().unwrap_or("gse-emulator"),
        );
        let cert = params
            .signed_by(&key, &issuer)
            .map_err(|e| failed("the certificate", &e))?;
        std::fs::create_dir_all(dir).map_err(|e| failed(&dir.display().to_string(), &e))?;
        let ca_path = dir.join("ca.pem");
        for (path, text, private) in [
            (ca_path.clone(), ca.pem(), false),
            (dir.join("server.pem"), cert.pem(), false),
            (dir.join("server.key"), key.serialize_pem(), true),
        ] {
            write_file(&path, &text, private)
                .map_err(|e| failed(&path.display().to_string(), &e))?;
        }
        let identity = Self {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::try_from(key.serialize_der()).map_err(|e| failed("the key", &e))?,
        };
        Ok((identity, ca_path))
    }

    /// The acceptor that serves this identity (HTTP/1.1 over TLS 1.2 or 1.3).
    pub(crate) fn acceptor(&self) -> Result<tokio_rustls::TlsAcceptor, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS: {e}"))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| format!("TLS: the certificate and key do not go together: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}

/// Writes `text` to `path`; a private key readable by its owner only (mode 0600 on Unix),
/// from the moment the file exists.
fn write_file(path: &std::path::Path, text: &str, private: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path)?;
    #[cfg(unix)]
    if private {
        // An existing file keeps its mode on open: set it.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_signed_identity_writes_its_key_for_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("gse-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (_, ca) = TlsIdentity::self_signed(&dir, &["127.0.0.1"]).unwrap();
        assert!(ca.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |name: &str| {
                std::fs::metadata(dir.join(name))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode("server.key"), 0o600, "the private key");
            // Written again over a file that was readable by all: its owner's only again.
            std::fs::set_permissions(
                dir.join("server.key"),
                std::fs::Permissions::from_mode(0o644),
            )
            .unwrap();
            TlsIdentity::self_signed(&dir, &["127.0.0.1"]).unwrap();
            assert_eq!(mode("server.key"), 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
