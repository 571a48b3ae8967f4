//! Node identity for TLS: a per-node ed25519 key, a self-signed certificate for it, and the
//! certificate verifiers that pin peers by [`PeerId`] instead of trusting a CA.
//!
//! The client side accepts exactly the `PeerId` it dialed (a bootnode's, from the testnet's
//! list); the server side requires a client certificate, accepts any key that proves possession
//! in the handshake and reports the client's `PeerId` (the node then applies its ban list).
//! Chains, names and validity periods are not checked: the key is the identity.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

use super::TransportError;
use crate::peer_id::PeerId;

/// The ALPN protocol name of shardnet connections.
pub const ALPN: &[u8] = b"shardnet/1";

/// The rustls crypto provider: ring, so no C build beyond ring's own assembly.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A node's secret key and the self-signed certificate that carries its public key.
pub struct NodeKey {
    pkcs8: Vec<u8>,
    cert: CertificateDer<'static>,
    peer_id: PeerId,
}

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeKey")
            .field("peer_id", &self.peer_id)
            .finish_non_exhaustive()
    }
}

fn setup(e: impl std::fmt::Display) -> TransportError {
    TransportError::Setup(e.to_string())
}

impl NodeKey {
    /// A fresh random ed25519 key.
    pub fn generate() -> Result<Self, TransportError> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).map_err(setup)?;
        Self::from_key_pair(&key)
    }

    /// The key stored as PKCS#8 DER (ed25519 or ECDSA P-256).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, TransportError> {
        let key = rcgen::KeyPair::try_from(der).map_err(setup)?;
        Self::from_key_pair(&key)
    }

    fn from_key_pair(key: &rcgen::KeyPair) -> Result<Self, TransportError> {
        use rcgen::PublicKeyData;
        let params = rcgen::CertificateParams::new(vec!["shardnet".to_string()]).map_err(setup)?;
        let cert = params.self_signed(key).map_err(setup)?;
        Ok(Self {
            pkcs8: key.serialize_der(),
            cert: cert.der().clone(),
            peer_id: PeerId::from_public_key_der(&key.subject_public_key_info()),
        })
    }

    /// Reads the key stored at `path`, or generates one and stores it there (owner-only
    /// permissions on Unix), so a node keeps its identity across restarts.
    pub fn load_or_generate(path: &std::path::Path) -> Result<Self, TransportError> {
        match std::fs::read(path) {
            Ok(der) => Self::from_pkcs8_der(&der),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate()?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(setup)?;
                std::io::Write::write_all(&mut file, &key.pkcs8).map_err(setup)?;
                Ok(key)
            }
            Err(e) => Err(setup(e)),
        }
    }

    /// The secret key as PKCS#8 DER, for storing in the node's data directory.
    pub fn to_pkcs8_der(&self) -> Vec<u8> {
        self.pkcs8.clone()
    }

    /// The identity this key gives its node.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    /// The certificate chain to present (the single self-signed certificate).
    pub fn cert_chain(&self) -> Vec<CertificateDer<'static>> {
        vec![self.cert.clone()]
    }

    /// The private key in the form rustls takes.
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.pkcs8.clone()))
    }
}

/// The `PeerId` of the key in a certificate.
pub fn peer_id_of(cert: &CertificateDer<'_>) -> Result<PeerId, rustls::Error> {
    let parsed = ParsedCertificate::try_from(cert)?;
    Ok(PeerId::from_public_key_der(
        parsed.subject_public_key_info().as_ref(),
    ))
}

fn algorithms() -> WebPkiSupportedAlgorithms {
    rustls::crypto::ring::default_provider().signature_verification_algorithms
}

/// Client-side verifier: the server must hold the key of the expected `PeerId`.
#[derive(Debug)]
pub struct PinnedServerVerifier {
    expected: PeerId,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedServerVerifier {
    /// A verifier accepting exactly `expected`.
    pub fn new(expected: PeerId) -> Self {
        Self {
            expected,
            algorithms: algorithms(),
        }
    }
}

impl ServerCertVerifier for PinnedServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if peer_id_of(end_entity)? == self.expected {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("TLS 1.2 is not supported".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Server-side verifier: a client certificate is required; any key proving possession is
/// accepted, and its `PeerId` is read from the connection afterwards.
#[derive(Debug)]
pub struct PeerClientVerifier {
    algorithms: WebPkiSupportedAlgorithms,
}

impl Default for PeerClientVerifier {
    fn default() -> Self {
        Self {
            algorithms: algorithms(),
        }
    }
}

impl ClientCertVerifier for PeerClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        peer_id_of(end_entity)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("TLS 1.2 is not supported".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_round_trip_keeps_identity() {
        let key = NodeKey::generate().unwrap();
        let again = NodeKey::from_pkcs8_der(&key.to_pkcs8_der()).unwrap();
        assert_eq!(key.peer_id(), again.peer_id());
        assert_eq!(peer_id_of(&key.cert_chain()[0]).unwrap(), key.peer_id());
        assert_ne!(NodeKey::generate().unwrap().peer_id(), key.peer_id());
        assert!(NodeKey::from_pkcs8_der(b"garbage").is_err());
    }

    #[test]
    fn load_or_generate_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.key");
        let first = NodeKey::load_or_generate(&path).unwrap();
        let second = NodeKey::load_or_generate(&path).unwrap();
        assert_eq!(first.peer_id(), second.peer_id());
        std::fs::write(&path, b"garbage").unwrap();
        assert!(NodeKey::load_or_generate(&path).is_err());
    }
}
