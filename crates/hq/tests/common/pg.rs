//! A real PostgreSQL for the tests: a cluster of its own in a temporary directory, on a free
//! loopback port, one per test binary (each test gets its own database in it).
//!
//! `initdb` refuses to run as root, and the tests run as root in CI: then the cluster's
//! programs run as the `postgres` system user (or `nobody`), which owns the cluster's
//! directory. A watcher process (`sh`) holds a pipe from this process: when the test binary
//! exits, however it exits, the pipe closes and the watcher stops the cluster and deletes it.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

/// A running cluster. Stopped when dropped, or by its watcher when the process exits.
pub struct Cluster {
    pub port: u16,
    root: PathBuf,
    watcher: Mutex<Option<(Child, ChildStdin)>>,
}

/// The superuser `initdb` creates; local connections are trusted.
const SUPERUSER: &str = "hq";

static SHARED: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The cluster shared by every test of this binary, started on first use.
pub fn shared() -> &'static Cluster {
    SHARED.get_or_init(Cluster::start)
}

/// A fresh, empty database in the shared cluster: its URL.
pub fn new_database() -> String {
    shared().new_database()
}

fn output(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The user the cluster's programs run as: none (ourselves) unless we are root.
fn cluster_user() -> Option<(u32, u32)> {
    if output(Command::new("id").arg("-u")) != "0" {
        return None;
    }
    for name in ["postgres", "nobody"] {
        let uid = output(Command::new("id").args(["-u", name]));
        let gid = output(Command::new("id").args(["-g", name]));
        if let (Ok(uid), Ok(gid)) = (uid.parse(), gid.parse()) {
            return Some((uid, gid));
        }
    }
    panic!("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

/// A PostgreSQL program: on PATH, else the newest /usr/lib/postgresql/*/bin.
pub fn pg_bin(name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let p = e.path().join("bin").join(name);
            p.is_file().then_some((v, p))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: no {name} on PATH or in /usr/lib/postgresql/*/bin \
             (scripts/setup installs the postgresql package)"
        )
    })
}

fn as_user<'a>(cmd: &'a mut Command, user: Option<(u32, u32)>, cwd: &Path) -> &'a mut Command {
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    cmd.current_dir(cwd)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Cluster {
    /// initdb, then pg_ctl start on a free port (a few tries: another process may take the
    /// port between our probe and the server's bind).
    pub fn start() -> Cluster {
        let initdb = pg_bin("initdb");
        let pg_ctl = pg_bin("pg_ctl");
        let user = cluster_user();
        let root = tempfile::Builder::new()
            .prefix("loket-hq-pg-")
            .tempdir()
            .expect("a temporary directory")
            .keep();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&root, Some(uid), Some(gid)).expect("chown the cluster dir");
        }
        let data = root.join("data");
        let sock = root.join("sock");
        let out = as_user(&mut Command::new(&initdb), user, &root)
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        as_user(&mut Command::new("mkdir"), user, &root)
            .arg(&sock)
            .status()
            .expect("mkdir sock");
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .expect("postgresql.conf");
        writeln!(
            conf,
            "listen_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nmax_connections = 200\n",
            sock.display()
        )
        .unwrap();

        // The watcher first: whatever happens next, the cluster is stopped and deleted.
        let script = format!(
            "cat >/dev/null; '{}' -D '{}' -m immediate stop >/dev/null 2>&1; rm -rf '{}'",
            pg_ctl.display(),
            data.display(),
            root.display()
        );
        let mut watcher = as_user(&mut Command::new("sh"), user, &root)
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start the cluster's watcher");
        let stdin = watcher.stdin.take().unwrap();

        let started = (0..5).find_map(|_| {
            let port = free_port();
            let ok = as_user(&mut Command::new(&pg_ctl), user, &root)
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(root.join("log"))
                .args(["-w", "-t", "120", "-o", &format!("-p {port}"), "start"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            ok.then_some(port)
        });
        let Some(port) = started else {
            drop(stdin);
            let _ = watcher.wait();
            panic!(
                "PostgreSQL did not start: see {}",
                root.join("log").display()
            );
        };
        Cluster {
            port,
            root,
            watcher: Mutex::new(Some((watcher, stdin))),
        }
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates a new database and returns its URL.
    pub fn new_database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        let mut client = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect to the test cluster");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        self.url(&name)
    }

    /// Where the cluster lives (deleted when it stops).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some((mut child, stdin)) = self.watcher.lock().unwrap().take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}
