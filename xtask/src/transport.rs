//! Connections to any server named by an `http://` or `https://` URL: name resolution (IPv4 and
//! IPv6), a timeout on connecting, reading and writing, and TLS through rustls with the system's
//! roots, a private CA (`--ca FILE`) or no verification at all (`--insecure`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cors_core::conformance::{RawRequest, RawResponse};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme, StreamOwned};
use url::{Host, Url};

use crate::raw_http;

/// How to trust a server's certificate.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// A PEM file of extra trusted roots (a private CA), added to the system's.
    pub ca: Option<PathBuf>,
    /// Accept any certificate.
    pub insecure: bool,
}

/// Where to connect: the URL's host and port, and TLS for `https`.
pub struct Endpoint {
    host: Host<String>,
    port: u16,
    host_header: String,
    tls: Option<Arc<ClientConfig>>,
    timeout: Duration,
}

/// A connection, plain or TLS.
pub trait Connection: Read + Write {}
impl<T: Read + Write> Connection for T {}

impl Endpoint {
    /// The endpoint of `url` (`http` or `https`); for `https` the TLS configuration is built now,
    /// so a bad `--ca` file is reported before anything is sent.
    pub fn new(url: &Url, tls: &TlsOptions, timeout: Duration) -> Result<Endpoint, String> {
        let host = url.host().ok_or_else(|| format!("{url}: no host"))?.to_owned();
        let port = url.port_or_known_default().ok_or_else(|| format!("{url}: no port"))?;
        let tls = match url.scheme() {
            "http" => None,
            "https" => Some(Arc::new(client_config(tls)?)),
            other => return Err(format!("{url}: the scheme {other:?} is neither http nor https")),
        };
        // The `host` header: the host, and the port unless it is the scheme's default.
        let host_header = match url.port() {
            Some(port) => format!("{}:{port}", bracketed(&host)),
            None => bracketed(&host),
        };
        Ok(Endpoint { host, port, host_header, tls, timeout })
    }

    /// Sends `request` on a fresh connection (`connection: close`) and reads the answer.
    pub fn send(&self, request: &RawRequest) -> Result<RawResponse, String> {
        let mut connection = self.connect()?;
        let bytes = raw_http::encode_for_host(request, &self.host_header, true);
        raw_http::exchange(&mut connection, &bytes, request.method == "HEAD")
            .map_err(|e| format!("{} {}: {e}", self.authority(), request.method))
    }

    /// `host:port` for messages.
    pub fn authority(&self) -> String {
        format!("{}:{}", bracketed(&self.host), self.port)
    }

    fn addresses(&self) -> Result<Vec<SocketAddr>, String> {
        use std::net::ToSocketAddrs;
        let found = match &self.host {
            Host::Ipv4(a) => vec![SocketAddr::from((*a, self.port))],
            Host::Ipv6(a) => vec![SocketAddr::from((*a, self.port))],
            Host::Domain(d) => {
                (d.as_str(), self.port).to_socket_addrs().map_err(|e| format!("cannot resolve {d}: {e}"))?.collect()
            }
        };
        if found.is_empty() {
            return Err(format!("{} resolves to no address", self.host));
        }
        Ok(found)
    }

    /// A fresh connection (TLS handshake done), trying each address in turn.
    pub fn connect(&self) -> Result<Box<dyn Connection>, String> {
        let mut last = String::new();
        let mut tcp = None;
        for address in self.addresses()? {
            match TcpStream::connect_timeout(&address, self.timeout) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = format!("cannot connect to {address}: {e}"),
            }
        }
        let mut tcp = tcp.ok_or(last)?;
        tcp.set_read_timeout(Some(self.timeout)).map_err(|e| e.to_string())?;
        tcp.set_write_timeout(Some(self.timeout)).map_err(|e| e.to_string())?;
        let Some(config) = &self.tls else { return Ok(Box::new(tcp)) };
        let name = match &self.host {
            Host::Domain(d) => ServerName::try_from(d.clone()).map_err(|e| format!("{d}: {e}"))?,
            Host::Ipv4(a) => ServerName::from(std::net::IpAddr::V4(*a)),
            Host::Ipv6(a) => ServerName::from(std::net::IpAddr::V6(*a)),
        };
        let mut connection =
            ClientConnection::new(config.clone(), name).map_err(|e| format!("TLS with {}: {e}", self.authority()))?;
        while connection.is_handshaking() {
            connection.complete_io(&mut tcp).map_err(|e| {
                let hint = if e.to_string().contains("certificate") {
                    " (--ca FILE trusts a private CA; --insecure skips verification)"
                } else {
                    ""
                };
                format!("TLS handshake with {} failed: {e}{hint}", self.authority())
            })?;
        }
        Ok(Box::new(StreamOwned::new(connection, tcp)))
    }
}

/// The host as written in a URL (url's `Display` brackets an IPv6 address).
fn bracketed(host: &Host<String>) -> String {
    host.to_string()
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// rustls on ring: the system's roots plus `--ca`, or no verification with `--insecure`.
fn client_config(options: &TlsOptions) -> Result<ClientConfig, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    if options.insecure {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider())))
            .with_no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    let system = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(system.certs);
    if let Some(path) = &options.ca {
        for cert in read_pem_certificates(path)? {
            roots.add(cert).map_err(|e| format!("--ca {}: {e}", path.display()))?;
        }
    }
    if roots.is_empty() {
        return Err("no trusted root certificates found on this system: pass --ca FILE (PEM) or --insecure".to_owned());
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// Every certificate of a PEM file; none is an error.
fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("--ca {}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("--ca {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("--ca {}: no PEM certificate in the file", path.display()));
    }
    Ok(certs)
}

/// `--insecure`: any certificate is accepted; handshake signatures are still checked.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
