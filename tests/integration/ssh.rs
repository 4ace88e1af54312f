//! Real SSH, as the team uses it: a private `sshd` on 127.0.0.1 (its own config, host
//! key and port), two throwaway logins (`clssh...`) in a team group with key-only
//! login, and `caseload` run over `ssh -t` in a pseudo-terminal (tmux) for each. Both
//! save; then one connection drops in the middle of a form: its draft is kept and
//! offered at the next login, and the colleague's session carries on.
//!
//! Needs root (to add the logins and start sshd) and OpenSSH's server (`.ci/run`
//! installs it); without either the test says so and skips.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use caseload::demo::{self, DemoOptions};
use caseload::store::{Access, Actor, Store};

use crate::common::{at, today};
use crate::tmux::{Tmux, eventually};

/// Where Debian's openssh-server puts the daemon.
const SSHD: &str = "/usr/sbin/sshd";

/// Runs an admin command; it must succeed.
fn sh(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A team group and its logins, removed (with any process left running as them) when
/// dropped, even by a failing test.
struct Logins {
    group: String,
    users: Vec<(String, u32)>,
}

impl Logins {
    /// A new group `clssh<pid>x<n>g`.
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let group = format!(
            "clssh{}x{}g",
            std::process::id() % 100_000,
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        sh("groupadd", &[&group]);
        Self {
            group,
            users: Vec::new(),
        }
    }

    /// Adds a login in the group that can sign in by key only: no password can match
    /// `*`, and sshd (without PAM) lets it use keys, unlike a locked `!` account.
    fn add(&mut self, tag: &str) -> String {
        let login = format!("{}{tag}", self.group.trim_end_matches('g'));
        sh(
            "useradd",
            &[
                "-M",
                "-N",
                "-g",
                "users",
                "-G",
                &self.group,
                "-s",
                "/bin/sh",
                "-p",
                "*",
                &login,
            ],
        );
        let uid = sh("id", &["-u", &login]).trim().parse().unwrap();
        self.users.push((login.clone(), uid));
        login
    }

    /// Ends every process still running as one of the logins (by process id: the
    /// sessions this test started), so that they can be removed.
    fn end_their_processes(&self) {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
                continue;
            };
            let uid = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().next())
                .and_then(|u| u.parse::<u32>().ok());
            if uid.is_some_and(|uid| self.users.iter().any(|(_, u)| *u == uid)) {
                // SAFETY: signalling a process by id; no memory is involved.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

impl Drop for Logins {
    fn drop(&mut self) {
        self.end_their_processes();
        for (user, _) in &self.users {
            let _ = Command::new("userdel").arg(user).output();
        }
        let _ = Command::new("groupdel").arg(&self.group).output();
    }
}

/// The private sshd, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    client_key: PathBuf,
}

impl Server {
    /// Writes a host key, a client key, and a config that admits `users` by that key
    /// only, and starts sshd on a free port of 127.0.0.1.
    fn start(dir: &Path, users: &[&str]) -> Self {
        let keys = dir.join("ssh");
        std::fs::create_dir(&keys).unwrap();
        for name in ["host_key", "client_key"] {
            let path = keys.join(name);
            sh(
                "ssh-keygen",
                &[
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-f",
                    path.to_str().unwrap(),
                ],
            );
        }
        std::fs::copy(keys.join("client_key.pub"), keys.join("authorized_keys")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = keys.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\n\
                 ListenAddress 127.0.0.1\n\
                 HostKey {keys}/host_key\n\
                 PidFile {keys}/sshd.pid\n\
                 AuthorizedKeysFile {keys}/authorized_keys\n\
                 AuthenticationMethods publickey\n\
                 PubkeyAuthentication yes\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PermitRootLogin no\n\
                 AllowUsers {users}\n\
                 UsePAM no\n\
                 StrictModes no\n\
                 UseDNS no\n\
                 PrintMotd no\n\
                 PrintLastLog no\n\
                 X11Forwarding no\n",
                keys = keys.display(),
                users = users.join(" "),
            ),
        )
        .unwrap();
        // Where sshd drops privileges; the system service would create it.
        std::fs::create_dir_all("/run/sshd").unwrap();
        sh(SSHD, &["-t", "-f", config.to_str().unwrap()]);
        let log = std::fs::File::create(keys.join("sshd.log")).unwrap();
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        eventually("sshd to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        Self {
            child,
            port,
            client_key: keys.join("client_key"),
        }
    }

    /// The shell words that run `command` as `login` over `ssh -t`.
    fn ssh(&self, login: &str, command: &str) -> String {
        format!(
            "ssh -t -p {} -i {} -o IdentitiesOnly=yes -o BatchMode=yes \
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
             {login}@127.0.0.1 {command}",
            self.port,
            self.client_key.display()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the test can run here; if not, says why.
fn can_run() -> bool {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "skipped the SSH test: adding logins and starting sshd needs root (CI runs as root)"
        );
        return false;
    }
    if !Path::new(SSHD).exists() {
        eprintln!(
            "skipped the SSH test: {SSHD} is missing (apt-get install openssh-server; .ci/run does)"
        );
        return false;
    }
    true
}

/// Contacts with `note` saved by `login`, from the audit log.
fn saved_by(db: &Path, login: &str, note: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM contact c JOIN audit a
                ON a.entity = 'contact' AND a.row_id = c.id AND a.action = 'insert'
             WHERE c.note = ?1 AND a.who = ?2",
            [note, login],
            |r| r.get(0),
        )
        .unwrap()
}

/// Opens a contact form on the first client of Today, types `note` and waits to see it.
fn type_a_contact(terminal: &Tmux, note: &str) {
    terminal.wait_for("things to do");
    terminal.keys(&["n"]);
    terminal.wait_for("when*");
    terminal.keys(&["Tab", "Tab"]);
    terminal.type_text(note);
    terminal.wait_for(note);
}

/// Saves a contact with `note` in `login`'s session, and waits until it is stored
/// as theirs.
fn save_a_contact(terminal: &Tmux, db: &Path, login: &str, note: &str) {
    type_a_contact(terminal, note);
    terminal.keys(&["Enter"]);
    eventually(&format!("{login}'s contact to be saved"), || {
        (saved_by(db, login, note) == 1).then_some(())
    });
    terminal.wait_until("the form to close", |screen| !screen.contains("when*"));
}

#[test]
fn two_colleagues_over_ssh_save_and_a_dropped_connection_keeps_its_draft() {
    if !can_run() {
        return;
    }
    let mut logins = Logins::new();
    let (alex, bea) = (logins.add("a"), logins.add("b"));
    // A directory every login can reach, with the binary they run.
    let dir = tempfile::Builder::new()
        .prefix("clssh")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("caseload");
    // A link where the file system allows (no 80 MB copy), else a copy.
    if std::fs::hard_link(env!("CARGO_BIN_EXE_caseload"), &binary).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_caseload"), &binary).unwrap();
    }
    let db = dir.path().join("srv/team.db");
    let db_text = db.to_str().unwrap();
    sh(
        binary.to_str().unwrap(),
        &["init", "--db", db_text, "--group", &logins.group],
    );
    // The team's records: the demo, with Alex as its team leader and Bea as one of
    // the care co-ordinators in the same area.
    {
        let mut store = Store::open(&db, Access::ReadWrite).unwrap();
        let root = Actor {
            login: caseload::identity::os_login(),
            now: at("2026-11-23 09:00"),
        };
        let options = DemoOptions {
            seed: 2014,
            today: today(),
            clients: 300,
        };
        demo::generate(&mut store, &root, &options).unwrap();
        let as_alex = Actor {
            login: alex.clone(),
            ..root.clone()
        };
        demo::claim_demo_lead(&mut store, &as_alex).unwrap();
        let lead = store.worker_by_login(&alex).unwrap().unwrap();
        let colleague = store
            .workers()
            .unwrap()
            .into_iter()
            .find(|w| {
                w.area_id == lead.area_id
                    && w.login.is_none()
                    && w.role == caseload::domain::model::Role::CareCoordinator
            })
            .unwrap();
        store.assign_login(&root, colleague.id, &bea).unwrap();
    }
    let server = Server::start(dir.path(), &[&alex, &bea]);
    let session = format!("{} --db {db_text} --today 2026-11-23", binary.display());
    let alex_terminal = Tmux::start(&server.ssh(&alex, &session));
    let bea_terminal = Tmux::start(&server.ssh(&bea, &session));

    save_a_contact(&alex_terminal, &db, &alex, "alex saw the client");
    save_a_contact(&bea_terminal, &db, &bea, "bea rang the client");

    // Alex's connection drops in the middle of a form: the ssh client is killed.
    type_a_contact(&alex_terminal, "half a sentence");
    alex_terminal.hang_up();
    let draft = eventually("Alex's draft, saved when the connection dropped", || {
        let store = Store::open(&db, Access::ReadOnly).unwrap();
        store.drafts(&alex).unwrap().into_iter().next()
    });
    assert_eq!(draft.form, "contact");
    assert_eq!(draft.fields["note"], "half a sentence");

    // Bea's session is unaffected: it still saves.
    save_a_contact(&bea_terminal, &db, &bea, "bea again");
    assert_eq!(saved_by(&db, &alex, "half a sentence"), 0);

    // Alex logs in again and is offered the draft.
    let again = Tmux::start(&server.ssh(&alex, &session));
    again.wait_for("unsaved contact for C-");
    bea_terminal.keys(&["q"]);
    again.keys(&["Escape"]);
}
