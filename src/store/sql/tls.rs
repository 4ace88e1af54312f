//! TLS to PostgreSQL as libpq means it: the URL's `sslmode` (`disable`, `prefer`,
//! `require`, `verify-ca`, `verify-full`), `sslrootcert` (the CA that signed the
//! server's certificate), and `sslcert`/`sslkey` (a client certificate, for
//! `hostssl ... cert` lines in `pg_hba.conf`), with libpq's default files under
//! `~/.postgresql/` (`root.crt`, `postgresql.crt`, `postgresql.key`) when the URL names
//! none. The driver does not know these settings, so they are taken out of the URL
//! here and turn into a rustls connector (with the `ring` provider: pure Rust and a C
//! compiler, no OpenSSL headers, no cmake).
//!
//! As libpq: `prefer` and `require` encrypt without checking the server's certificate
//! unless a CA certificate is at hand (then they check it as `verify-ca` does);
//! `verify-ca` checks that the CA signed it; `verify-full` also that it was made out
//! to the URL's host. A Unix socket never uses TLS. Every failure is a sentence
//! ([`TlsProblem`]), never rustls's text.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use postgres::config::Host;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::Error;

/// How much TLS a connection asks for (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS if the server offers it (libpq's default).
    Prefer,
    /// TLS or no connection.
    Require,
    /// TLS, the server's certificate signed by the CA in `sslrootcert`.
    VerifyCa,
    /// As `VerifyCa`, and the certificate made out to the host connected to.
    VerifyFull,
}

impl SslMode {
    /// Its name in a URL.
    fn name(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }
}

/// Why a connection could not be made securely, in words saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    /// `sslmode` has a value caseload does not know (or `allow`).
    BadMode(String),
    /// `sslrootcert=system`, which needs the computer's own CA list.
    SystemRoots,
    /// `verify-ca`/`verify-full` with no CA certificate named or at the default place.
    NoRootCert(SslMode),
    /// A file a setting names cannot be read.
    Unreadable {
        /// The URL setting (`sslrootcert`, `sslcert`, `sslkey`).
        setting: &'static str,
        /// The file.
        path: PathBuf,
        /// Whether it does not exist (rather than cannot be read).
        missing: bool,
    },
    /// A file holds no PEM certificate (or, for `sslkey`, no unencrypted PEM key).
    NotPem {
        /// The URL setting.
        setting: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// The client's private key can be read by others (libpq refuses it too).
    KeyOpenToOthers(PathBuf),
    /// `sslcert` and `sslkey` are not a certificate and its key.
    Mismatch {
        /// The certificate.
        cert: PathBuf,
        /// The key.
        key: PathBuf,
    },
    /// The server does not offer TLS, and `sslmode` requires it.
    NoTlsAtServer {
        /// The host.
        host: String,
        /// The mode asked for.
        mode: SslMode,
    },
    /// The server's certificate was not signed by the CA given.
    UnknownCa {
        /// The host.
        host: String,
        /// The CA certificate's file.
        root: PathBuf,
    },
    /// The server's certificate is not made out to the host connected to.
    WrongHost(String),
    /// The server's certificate has expired or is not valid yet.
    Expired(String),
    /// The server's certificate was refused for another reason.
    BadCertificate(String),
    /// The server ended the handshake (it refused the client's certificate, say).
    RefusedByServer(String),
    /// The handshake failed otherwise.
    Handshake(String),
}

impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMode(mode) => write!(
                f,
                "sslmode={mode} in the PostgreSQL URL is not one caseload knows: use disable, prefer, require, verify-ca or verify-full"
            ),
            Self::SystemRoots => f.write_str(
                "sslrootcert=system (the computer's own list of CAs) is not supported: save the certificate of the CA that signed the server's certificate in a file and name it in the URL (sslrootcert=/path/to/root.crt)",
            ),
            Self::NoRootCert(mode) => write!(
                f,
                "sslmode={} checks the server's certificate against its CA, but no CA certificate was given: add sslrootcert=/path/to/root.crt (the certificate of the CA that signed the server's) to the URL, or put it at ~/.postgresql/root.crt",
                mode.name()
            ),
            Self::Unreadable {
                setting,
                path,
                missing: true,
            } => write!(
                f,
                "{setting} names {}, which does not exist: correct the path in the PostgreSQL URL",
                path.display()
            ),
            Self::Unreadable { setting, path, .. } => write!(
                f,
                "{setting} names {}, which caseload cannot read: check that your login may read it",
                path.display()
            ),
            Self::NotPem { setting, path } => {
                let what = if *setting == "sslkey" {
                    "an unencrypted private key in PEM form (BEGIN PRIVATE KEY)"
                } else {
                    "a certificate in PEM form (BEGIN CERTIFICATE)"
                };
                write!(
                    f,
                    "{setting} names {}, which does not hold {what}: name the right file in the PostgreSQL URL",
                    path.display()
                )
            }
            Self::KeyOpenToOthers(path) => write!(
                f,
                "the private key {} can be read by other logins, so caseload will not use it: make it yours alone (chmod 600 {0})",
                path.display()
            ),
            Self::Mismatch { cert, key } => write!(
                f,
                "the client certificate {} and the private key {} do not belong together: name the key that was made with that certificate (sslkey)",
                cert.display(),
                key.display()
            ),
            Self::NoTlsAtServer { host, mode } => write!(
                f,
                "the PostgreSQL server at {host} does not offer TLS, and sslmode={} requires it: ask its admin to turn TLS on (ssl = on in postgresql.conf, with its certificate and key), or check that the URL names the right server",
                mode.name()
            ),
            Self::UnknownCa { host, root } => write!(
                f,
                "the PostgreSQL server at {host} showed a certificate not signed by the CA in {}: ask its admin for the CA certificate that signed the server's and name it in the URL (sslrootcert), or check that the URL names the right server",
                root.display()
            ),
            Self::WrongHost(host) => write!(
                f,
                "the PostgreSQL server's certificate is not made out to {host}: use the host name the certificate names in the URL (ask the server's admin), or ask for a certificate that names {host}"
            ),
            Self::Expired(host) => write!(
                f,
                "the PostgreSQL server at {host} showed a certificate that has expired or is not valid yet: ask its admin to renew it, and check this computer's clock"
            ),
            Self::BadCertificate(host) => write!(
                f,
                "the PostgreSQL server at {host} showed a certificate that cannot be used to check who it is: ask its admin for a server certificate signed by the CA (not the CA's own)"
            ),
            Self::RefusedByServer(host) => write!(
                f,
                "the PostgreSQL server at {host} broke off the secure connection (it may not accept this client certificate): ask its admin whether the CA in its ssl_ca_file signed your certificate (sslcert)"
            ),
            Self::Handshake(host) => write!(
                f,
                "a secure connection to the PostgreSQL server at {host} could not be set up: check the URL's host and port, and ask its admin about its TLS settings"
            ),
        }
    }
}

/// The URL's TLS settings, its files found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Settings {
    /// `sslmode`.
    pub mode: SslMode,
    /// The CA certificate: `sslrootcert`, else `~/.postgresql/root.crt` if it exists.
    pub root_cert: Option<PathBuf>,
    /// The client certificate and its key: `sslcert`/`sslkey`, else
    /// `~/.postgresql/postgresql.crt` (if it exists) and `postgresql.key`.
    pub client: Option<(PathBuf, PathBuf)>,
}

/// `url` without the TLS settings the driver does not know, and those settings
/// (`home` is where `~/.postgresql/` is).
pub(super) fn split_url(url: &str, home: Option<&Path>) -> Result<(String, Settings), TlsProblem> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut kept = Vec::new();
    let (mut mode, mut root, mut cert, mut key) = (SslMode::Prefer, None, None, None);
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decoded(value);
        match name {
            "sslmode" => {
                mode = match value.as_str() {
                    "disable" => SslMode::Disable,
                    "prefer" => SslMode::Prefer,
                    "require" => SslMode::Require,
                    "verify-ca" => SslMode::VerifyCa,
                    "verify-full" => SslMode::VerifyFull,
                    _ => return Err(TlsProblem::BadMode(value)),
                };
            }
            "sslrootcert" if value == "system" => return Err(TlsProblem::SystemRoots),
            "sslrootcert" => root = Some(PathBuf::from(value)),
            "sslcert" => cert = Some(PathBuf::from(value)),
            "sslkey" => key = Some(PathBuf::from(value)),
            _ => kept.push(pair),
        }
    }
    let defaults = home.map(|home| home.join(".postgresql"));
    let default = |name: &str| {
        defaults
            .as_ref()
            .map(|dir| dir.join(name))
            .filter(|path| path.exists())
    };
    let root_cert = root.or_else(|| default("root.crt"));
    let client = cert.or_else(|| default("postgresql.crt")).map(|cert| {
        let key = key
            .or_else(|| defaults.as_ref().map(|dir| dir.join("postgresql.key")))
            .unwrap_or_else(|| PathBuf::from("~/.postgresql/postgresql.key"));
        (cert, key)
    });
    let stripped = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((
        stripped,
        Settings {
            mode,
            root_cert,
            client,
        },
    ))
}

/// `text` with its `%XX` escapes decoded (as the driver decodes a URL's values).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| text.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a connection's cancel requests need to reach the server as the connection
/// did: no TLS, or the connection's own connector.
#[derive(Clone, Default)]
pub struct Connector(Option<MakeRustlsConnect>);

impl Connector {
    /// Sends `token`'s cancel request.
    pub(super) fn cancel(&self, token: &postgres::CancelToken) {
        // Nothing to do if it fails: the statement then runs to its end.
        let _ = match &self.0 {
            Some(tls) => token.cancel_query(tls.clone()),
            None => token.cancel_query(postgres::NoTls),
        };
    }
}

/// Connects to `url` with the TLS its settings ask for.
///
/// # Errors
/// [`Error::Tls`] for a TLS setting or handshake that fails, else the driver's error.
pub(super) fn connect(url: &str) -> super::Result<(postgres::Client, Connector)> {
    let home = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_path_buf());
    let (stripped, settings) = split_url(url, home.as_deref()).map_err(Error::Tls)?;
    let mut config: postgres::Config = stripped.parse()?;
    let host = config.get_hosts().iter().find_map(|host| match host {
        Host::Tcp(name) => Some(name.clone()),
        Host::Unix(_) => None,
    });
    // libpq never uses TLS on a Unix socket, whatever sslmode says.
    let Some(host) = host.filter(|_| settings.mode != SslMode::Disable) else {
        config.ssl_mode(postgres::config::SslMode::Disable);
        return Ok((config.connect(postgres::NoTls)?, Connector(None)));
    };
    config.ssl_mode(if settings.mode == SslMode::Prefer {
        postgres::config::SslMode::Prefer
    } else {
        postgres::config::SslMode::Require
    });
    let tls = MakeRustlsConnect::new(client_config(&settings).map_err(Error::Tls)?);
    match config.connect(tls.clone()) {
        Ok(client) => Ok((client, Connector(Some(tls)))),
        Err(e) => Err(explained(e, &settings, host)),
    }
}

/// The rustls configuration `settings` ask for.
fn client_config(settings: &Settings) -> Result<rustls::ClientConfig, TlsProblem> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|_| TlsProblem::Handshake(String::new()))?;
    let roots = match &settings.root_cert {
        Some(path) => Some(root_store(path)?),
        None if matches!(settings.mode, SslMode::VerifyCa | SslMode::VerifyFull) => {
            return Err(TlsProblem::NoRootCert(settings.mode));
        }
        None => None,
    };
    let verifier: Arc<dyn ServerCertVerifier> = match roots {
        None => Arc::new(NoCheck(provider)),
        Some(roots) => {
            let checked = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|_| TlsProblem::Handshake(String::new()))?;
            if settings.mode == SslMode::VerifyFull {
                checked
            } else {
                Arc::new(AnyName(checked))
            }
        }
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match &settings.client {
        None => Ok(builder.with_no_client_auth()),
        Some((cert, key)) => {
            let certs = certificates("sslcert", cert)?;
            let private = private_key(key)?;
            builder
                .with_client_auth_cert(certs, private)
                .map_err(|_| TlsProblem::Mismatch {
                    cert: cert.clone(),
                    key: key.clone(),
                })
        }
    }
}

/// The CA certificates in `path`.
fn root_store(path: &Path) -> Result<RootCertStore, TlsProblem> {
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certificates("sslrootcert", path)?);
    if added == 0 {
        return Err(TlsProblem::NotPem {
            setting: "sslrootcert",
            path: path.to_owned(),
        });
    }
    Ok(roots)
}

/// `path`'s bytes, or the sentence saying why not.
fn read(setting: &'static str, path: &Path) -> Result<Vec<u8>, TlsProblem> {
    std::fs::read(path).map_err(|e| TlsProblem::Unreadable {
        setting,
        path: path.to_owned(),
        missing: e.kind() == std::io::ErrorKind::NotFound,
    })
}

/// The PEM certificates in `path` (at least one).
fn certificates(
    setting: &'static str,
    path: &Path,
) -> Result<Vec<CertificateDer<'static>>, TlsProblem> {
    let bytes = read(setting, path)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    if certs.is_empty() {
        return Err(TlsProblem::NotPem {
            setting,
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// The unencrypted PEM private key in `path`, refused (as libpq does) if other logins
/// may read it: it must be the user's alone (0600 or less), or root's and readable by
/// a group at most (0640).
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsProblem> {
    use std::os::unix::fs::MetadataExt as _;
    if let Ok(meta) = std::fs::metadata(path) {
        let open = if meta.uid() == 0 { 0o037 } else { 0o077 };
        if meta.mode() & open != 0 {
            return Err(TlsProblem::KeyOpenToOthers(path.to_owned()));
        }
    }
    let bytes = read("sslkey", path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|_| TlsProblem::NotPem {
        setting: "sslkey",
        path: path.to_owned(),
    })
}

/// The driver's failure to connect, a TLS one in words.
fn explained(e: postgres::Error, settings: &Settings, host: String) -> Error {
    if e.as_db_error().is_some() {
        return Error::Postgres(e);
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(now) = cause {
        let rustls = now.downcast_ref::<rustls::Error>().or_else(|| {
            now.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls) = rustls {
            return Error::Tls(in_words(rustls, settings, host));
        }
        // The driver's own words for a server that answered "no" to TLS.
        if now.to_string() == "server does not support TLS" {
            return Error::Tls(TlsProblem::NoTlsAtServer {
                host,
                mode: settings.mode,
            });
        }
        cause = now.source();
    }
    Error::Postgres(e)
}

/// rustls's refusal as a [`TlsProblem`].
fn in_words(e: &rustls::Error, settings: &Settings, host: String) -> TlsProblem {
    match e {
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => TlsProblem::WrongHost(host),
        rustls::Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => TlsProblem::Expired(host),
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => match &settings.root_cert {
            Some(root) => TlsProblem::UnknownCa {
                host,
                root: root.clone(),
            },
            None => TlsProblem::BadCertificate(host),
        },
        rustls::Error::InvalidCertificate(_) => TlsProblem::BadCertificate(host),
        rustls::Error::AlertReceived(_) => TlsProblem::RefusedByServer(host),
        _ => TlsProblem::Handshake(host),
    }
}

/// `prefer`/`require` without a CA certificate: the connection is encrypted, the
/// server's certificate taken as it is (libpq's behaviour), its handshake signatures
/// still checked.
#[derive(Debug)]
struct NoCheck(Arc<CryptoProvider>);

impl ServerCertVerifier for NoCheck {
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
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (or `prefer`/`require` with a CA certificate): the certificate must be
/// signed by the CA, for whatever host name it names. The name is checked only after
/// the chain, so a name mismatch means the chain was good.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Settings, SslMode, TlsProblem, split_url};

    #[test]
    fn the_tls_settings_leave_the_url_and_the_rest_stays() {
        let (url, settings) = split_url(
            "postgres://ann@db/team?sslmode=verify-full&application_name=x&sslrootcert=%2Fetc%2Fca.crt&sslcert=/h/c.crt&sslkey=/h/c.key",
            None,
        )
        .unwrap();
        assert_eq!(url, "postgres://ann@db/team?application_name=x");
        assert_eq!(
            settings,
            Settings {
                mode: SslMode::VerifyFull,
                root_cert: Some(PathBuf::from("/etc/ca.crt")),
                client: Some(("/h/c.crt".into(), "/h/c.key".into())),
            }
        );
        let (url, settings) = split_url("postgres://ann@db/team", None).unwrap();
        assert_eq!(url, "postgres://ann@db/team");
        assert_eq!(settings.mode, SslMode::Prefer);
        assert_eq!(settings.root_cert, None);
        assert_eq!(settings.client, None);
    }

    #[test]
    fn libpqs_default_files_are_used_when_they_exist_and_the_url_names_none() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".postgresql");
        std::fs::create_dir(&dir).unwrap();
        let none = split_url("postgres://db/team", Some(home.path()))
            .unwrap()
            .1;
        assert_eq!((none.root_cert, none.client), (None, None));
        for name in ["root.crt", "postgresql.crt"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let found = split_url("postgres://db/team", Some(home.path()))
            .unwrap()
            .1;
        assert_eq!(found.root_cert, Some(dir.join("root.crt")));
        assert_eq!(
            found.client,
            Some((dir.join("postgresql.crt"), dir.join("postgresql.key")))
        );
        let named = split_url("postgres://db/t?sslrootcert=/ca.pem", Some(home.path()))
            .unwrap()
            .1;
        assert_eq!(named.root_cert.as_deref(), Some(Path::new("/ca.pem")));
    }

    #[test]
    fn an_unknown_sslmode_or_the_system_store_is_a_sentence() {
        for (url, problem) in [
            (
                "postgres://db/t?sslmode=allow",
                TlsProblem::BadMode("allow".into()),
            ),
            (
                "postgres://db/t?sslmode=on",
                TlsProblem::BadMode("on".into()),
            ),
            (
                "postgres://db/t?sslrootcert=system",
                TlsProblem::SystemRoots,
            ),
        ] {
            assert_eq!(split_url(url, None), Err(problem.clone()), "{url}");
            assert!(
                problem.to_string().contains("sslmode")
                    || problem.to_string().contains("sslrootcert=/path")
            );
        }
    }

    #[test]
    fn verify_modes_without_a_ca_certificate_are_refused_before_connecting() {
        let settings = Settings {
            mode: SslMode::VerifyCa,
            root_cert: None,
            client: None,
        };
        let problem = super::client_config(&settings).unwrap_err();
        assert_eq!(problem, TlsProblem::NoRootCert(SslMode::VerifyCa));
        assert!(
            problem.to_string().contains("add sslrootcert="),
            "{problem}"
        );
    }

    #[test]
    fn a_private_key_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("me.key");
        std::fs::write(&key, "not a key").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            super::private_key(&key).unwrap_err(),
            TlsProblem::KeyOpenToOthers(key.clone())
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            super::private_key(&key).unwrap_err(),
            TlsProblem::NotPem {
                setting: "sslkey",
                path: key
            }
        );
    }
}
