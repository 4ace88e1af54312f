//! TLS to PostgreSQL as libpq means `sslmode`, `sslrootcert`, `sslcert` and `sslkey`,
//! against a real cluster of its own with `ssl = on`: a throwaway CA and a server
//! certificate for `localhost` made here (the openssl command, which Debian's
//! postgresql package brings), and a `pg_hba.conf` with a `hostssl ... cert` line. A
//! second CA stands for the wrong one. With `CASELOAD_TEST_PG` and
//! `CASELOAD_TEST_PG_BIN` (`scripts/pg-test.sh` sets both).

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use caseload::store::sql::Connection;

use crate::postgres::PgDatabase;
use crate::postgres_store::{caseload, text};

/// A PostgreSQL cluster with TLS on, listening on 127.0.0.1, stopped and removed
/// when dropped; the CA's files and a client certificate for the role `ann` in
/// `client`.
struct TlsCluster {
    bin: PathBuf,
    owner: Option<String>,
    server: tempfile::TempDir,
    client: tempfile::TempDir,
    port: u16,
}

/// Runs `command`, failing the test with what it printed if it fails.
fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", text(&output));
}

/// A key and a certificate signed by `ca` (self-signed without one) in `dir`.
fn certificate(dir: &Path, name: &str, subject: &str, ca: Option<&str>, extensions: &[&str]) {
    let mut openssl = Command::new("openssl");
    openssl.current_dir(dir).args(["req", "-x509"]);
    if let Some(ca) = ca {
        openssl.args(["-CA", &format!("{ca}.crt"), "-CAkey", &format!("{ca}.key")]);
    }
    openssl.args([
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        subject,
        "-keyout",
        &format!("{name}.key"),
        "-out",
        &format!("{name}.crt"),
    ]);
    for extension in extensions {
        openssl.args(["-addext", extension]);
    }
    run(&mut openssl);
}

/// The two CAs, the server's certificate (for `localhost`) and ann's, in `dir`.
fn make_certificates(dir: &Path) {
    let ca = [
        "basicConstraints=critical,CA:TRUE",
        "keyUsage=critical,keyCertSign",
    ];
    let leaf = "basicConstraints=critical,CA:FALSE";
    certificate(dir, "ca", "/CN=caseload test CA", None, &ca);
    certificate(dir, "other-ca", "/CN=another CA", None, &ca);
    certificate(
        dir,
        "server",
        "/CN=localhost",
        Some("ca"),
        &[
            leaf,
            "subjectAltName=DNS:localhost",
            "extendedKeyUsage=serverAuth",
        ],
    );
    certificate(
        dir,
        "ann",
        "/CN=ann",
        Some("ca"),
        &[leaf, "extendedKeyUsage=clientAuth"],
    );
}

impl TlsCluster {
    /// Starts one, or `None` (after saying why) without PostgreSQL's programs or openssl.
    fn start() -> Option<Self> {
        PgDatabase::create()?;
        let Ok(bin) = std::env::var("CASELOAD_TEST_PG_BIN") else {
            eprintln!("TLS tests skipped: CASELOAD_TEST_PG_BIN is not set (scripts/pg-test.sh)");
            return None;
        };
        if Command::new("openssl").arg("version").output().is_err() {
            eprintln!("TLS tests skipped: no openssl command to make certificates with");
            return None;
        }
        let owner = std::env::var("CASELOAD_TEST_PG_OWNER").ok();
        let client = tempfile::tempdir().unwrap();
        make_certificates(client.path());
        let server = tempfile::tempdir().unwrap();
        for file in ["ca.crt", "server.crt", "server.key"] {
            std::fs::copy(client.path().join(file), server.path().join(file)).unwrap();
        }
        std::fs::set_permissions(
            server.path().join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let mut cluster = Self {
            bin: PathBuf::from(bin),
            owner,
            server,
            client,
            port: 0,
        };
        if let Some(owner) = &cluster.owner {
            run(Command::new("chown")
                .args(["-R", owner])
                .arg(cluster.server.path()));
        }
        let data = cluster.server.path().join("data");
        run(cluster.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "caseload_test",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        let hba = "local all all trust\n\
                   hostssl all ann 127.0.0.1/32 cert\n\
                   hostssl all all 127.0.0.1/32 trust\n";
        let hba_file = data.join("pg_hba.conf");
        let mut write = cluster.command("sh");
        write.args([
            "-c",
            &format!(
                "printf '{}' > {}",
                hba.replace('\n', "\\n"),
                hba_file.display()
            ),
        ]);
        run(&mut write);
        let dir = cluster.server.path().display().to_string();
        for _ in 0..5 {
            cluster.port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={dir} \
                 -c fsync=off -c ssl=on -c ssl_cert_file={dir}/server.crt \
                 -c ssl_key_file={dir}/server.key -c ssl_ca_file={dir}/ca.crt",
                cluster.port
            );
            let started = cluster
                .command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.server.path().join("server.log"))
                .args(["-w", "-s", "-o", &options, "start"])
                .status()
                .unwrap();
            if started.success() {
                let admin = cluster.url("caseload_test", "postgres", "sslmode=require");
                let server = Connection::postgres(&admin).unwrap();
                for statement in [
                    "CREATE ROLE ann LOGIN",
                    "CREATE DATABASE team OWNER ann",
                    "CREATE DATABASE region",
                ] {
                    server.execute_batch(statement).unwrap();
                }
                return Some(cluster);
            }
        }
        panic!("the TLS cluster did not start");
    }

    /// One of PostgreSQL's programs, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let path = if program == "sh" {
            PathBuf::from("sh")
        } else {
            path
        };
        match &self.owner {
            Some(owner) => {
                let mut command = Command::new("runuser");
                command.args(["-u", owner, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        }
    }

    /// The URL of `database` as `user` on host `localhost`, with `settings`.
    fn url(&self, user: &str, database: &str, settings: &str) -> String {
        format!(
            "postgres://{user}@localhost:{}/{database}?{settings}",
            self.port
        )
    }

    /// A file of the client's (the CAs, ann's certificate and key).
    fn file(&self, name: &str) -> String {
        self.client.path().join(name).display().to_string()
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.server.path().join("data"))
            .args(["-m", "immediate", "-s", "stop"])
            .status();
    }
}

/// Whether the connection to `url` is encrypted, as the server sees it.
fn encrypted(url: &str) -> bool {
    Connection::postgres(url)
        .unwrap()
        .query_row(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get("ssl")
        .unwrap()
}

/// The sentence connecting to `url` fails with.
fn refusal(url: &str) -> String {
    Connection::postgres(url).unwrap_err().to_string()
}

#[test]
fn tls_connects_and_refuses_as_libpqs_sslmodes_say() {
    let Some(cluster) = TlsCluster::start() else {
        return;
    };
    let ca = format!("sslrootcert={}", cluster.file("ca.crt"));
    let other = format!("sslrootcert={}", cluster.file("other-ca.crt"));

    // verify-full: the right CA and the certificate's own host name.
    let full = cluster.url(
        "caseload_test",
        "postgres",
        &format!("sslmode=verify-full&{ca}"),
    );
    assert!(encrypted(&full));
    // prefer (the default) and require encrypt without a CA certificate.
    for settings in ["", "sslmode=require"] {
        assert!(encrypted(&cluster.url(
            "caseload_test",
            "postgres",
            settings
        )));
    }

    // A CA that did not sign the server's certificate, checked or as require's CA.
    for mode in ["verify-full", "verify-ca", "require"] {
        let wrong = refusal(&cluster.url(
            "caseload_test",
            "postgres",
            &format!("sslmode={mode}&{other}"),
        ));
        assert!(
            wrong.contains("showed a certificate not signed by the CA in")
                && wrong.contains("other-ca.crt")
                && wrong.contains("ask its admin for the CA certificate"),
            "{mode}: {wrong}"
        );
    }

    // 127.0.0.1 is not the name the certificate is made out to: verify-full refuses,
    // verify-ca (the CA alone) accepts.
    let by_address = |mode: &str| {
        format!(
            "postgres://caseload_test@127.0.0.1:{}/postgres?sslmode={mode}&{ca}",
            cluster.port
        )
    };
    let wrong_host = refusal(&by_address("verify-full"));
    assert!(
        wrong_host.contains("certificate is not made out to 127.0.0.1")
            && wrong_host.contains("use the host name the certificate names"),
        "{wrong_host}"
    );
    assert!(encrypted(&by_address("verify-ca")));

    // No CA certificate for verify-full: refused before connecting.
    let no_ca = refusal(&cluster.url("caseload_test", "postgres", "sslmode=verify-full"));
    assert!(no_ca.contains("add sslrootcert="), "{no_ca}");

    // ann logs in by certificate (hostssl ... cert): as ann, without a password.
    let ann = |key: &str| {
        cluster.url(
            "ann",
            "team",
            &format!(
                "sslmode=verify-full&{ca}&sslcert={}&sslkey={key}",
                cluster.file("ann.crt")
            ),
        )
    };
    let login: String = Connection::postgres(&ann(&cluster.file("ann.key")))
        .unwrap()
        .query_row("SELECT current_user::text AS me", &[])
        .unwrap()
        .get("me")
        .unwrap();
    assert_eq!(login, "ann");
    // Without her certificate the cert line refuses her, in caseload's words.
    let no_cert = caseload(
        &[
            "init",
            "--db",
            &cluster.url("ann", "team", &format!("sslmode=verify-full&{ca}")),
        ],
        cluster.client.path(),
        &[],
    );
    let printed = text(&no_cert);
    assert!(!no_cert.status.success(), "{printed}");
    assert!(printed.contains("refused the login"), "{printed}");
    // A certificate with some other key is not sent.
    let mismatch = refusal(&ann(&cluster.file("server.key")));
    assert!(mismatch.contains("do not belong together"), "{mismatch}");

    // The whole program over verify-full: init, then open.
    let home = cluster.client.path();
    let url = cluster.url(
        "caseload_test",
        "region",
        &format!("sslmode=verify-full&{ca}"),
    );
    let init = caseload(&["init", "--db", &url], home, &[]);
    assert!(init.status.success(), "{}", text(&init));
    let info = caseload(&["info", "--db", &url], home, &[]);
    assert!(info.status.success(), "{}", text(&info));
}

#[test]
fn require_to_a_server_without_tls_is_refused_in_words() {
    // The suite's own cluster has TLS off.
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let refused = refusal(&format!("{}?sslmode=require", pg.url));
    assert!(
        refused.contains("does not offer TLS, and sslmode=require requires it")
            && refused.contains("ask its admin to turn TLS on"),
        "{refused}"
    );
    // prefer falls back to an unencrypted connection, as libpq's does.
    assert!(!encrypted(&format!("{}?sslmode=prefer", pg.url)));
}
