//! TLS without a proxy: `serve --tls-cert PEM --tls-key PEM`.
//!
//! The certificate and key are read at start and again on SIGHUP. A reload
//! swaps what new handshakes present; connections already open keep theirs
//! and are never dropped. A reload that fails (a missing file, a key that
//! does not match, a key file every user can read) is logged and changes
//! nothing.
//!
//! Every answer over TLS carries `Strict-Transport-Security:
//! max-age=31536000` (the connection loop adds it, so the overflow lane's
//! answers have it too).

use std::path::Path;
use std::sync::{Arc, RwLock};

use rustls::{
    crypto::ring,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};

pub use keywarden_engine::config::TlsFiles;

/// The certificate new handshakes present; [`Tls::reload`] replaces it.
#[derive(Debug)]
struct Current(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for Current {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.0.read().ok().map(|c| Arc::clone(&c))
    }
}

/// A TLS acceptor whose certificate can be reloaded.
#[derive(Clone)]
pub struct Tls {
    files: TlsFiles,
    current: Arc<Current>,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Reads the files; an error names the file and what is wrong with it.
    pub fn load(files: TlsFiles) -> Result<Self, String> {
        let certified = read(&files)?;
        let current = Arc::new(Current(RwLock::new(Arc::new(certified))));
        let mut config =
            rustls::ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| format!("TLS: {e}"))?
                .with_no_client_auth()
                .with_cert_resolver(current.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            files,
            current,
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// Reads the files again; on success new handshakes present the new
    /// certificate.
    pub fn reload(&self) -> Result<(), String> {
        let certified = read(&self.files)?;
        if let Ok(mut current) = self.current.0.write() {
            *current = Arc::new(certified);
        }
        Ok(())
    }

    /// The acceptor of the listener.
    pub fn acceptor(&self) -> &tokio_rustls::TlsAcceptor {
        &self.acceptor
    }

    /// Reloads on every SIGHUP, for as long as the process runs.
    pub fn reload_on_sighup(&self) {
        #[cfg(unix)]
        {
            let tls = self.clone();
            tokio::spawn(async move {
                let Ok(mut hangups) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                else {
                    tracing::warn!("cannot listen for SIGHUP: the TLS certificate will not reload");
                    return;
                };
                while hangups.recv().await.is_some() {
                    match tls.reload() {
                        Ok(()) => {
                            tracing::info!(cert = %tls.files.cert.display(), "TLS certificate reloaded")
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "TLS reload failed: the previous certificate stays")
                        }
                    }
                }
            });
        }
    }
}

fn read(files: &TlsFiles) -> Result<CertifiedKey, String> {
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| pem_error(&files.cert, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(&files.cert, e))?;
    if chain.is_empty() {
        return Err(format!(
            "{}: no certificate in the file",
            files.cert.display()
        ));
    }
    // The key is a secret file like the `*_FILE` secrets: refused when
    // every user can read it, at start and at each reload.
    crate::setup::check_private_file(&files.key, "tls_key")?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| pem_error(&files.key, e))?;
    let certified = CertifiedKey::from_der(chain, key, &ring::default_provider())
        .map_err(|e| format!("{} and {}: {e}", files.cert.display(), files.key.display()))?;
    Ok(certified)
}

fn pem_error(path: &Path, err: rustls::pki_types::pem::Error) -> String {
    format!("{}: {err}", path.display())
}
