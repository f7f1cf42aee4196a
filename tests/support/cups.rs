//! A CUPS scheduler of the tests' own: `cupsd` on a loopback port with its files in a temp
//! directory, and printers whose "paper" is a file (a tiny backend copies each job there), so
//! a test sees exactly the bytes a printer would have been sent.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Scheduler {
    dir: tempfile::TempDir,
    child: Child,
    /// `127.0.0.1:PORT`, as `lp -h` takes it.
    pub server: String,
}

const BACKEND: &str = r#"#!/bin/sh
# Test backend: the job's bytes go to the path in the device URI (capture:/path).
[ $# -eq 0 ] && { echo 'direct capture "Unknown" "Loket test printer"'; exit 0; }
path="${DEVICE_URI#capture:}"
if [ -n "$6" ]; then cat "$6" > "$path.part"; else cat > "$path.part"; fi
mv "$path.part" "$path"
"#;

impl Scheduler {
    /// Starts a scheduler, or says why it cannot here (no cupsd; not root, which cupsd needs
    /// to run its backends).
    pub fn start() -> Result<Scheduler, String> {
        let cupsd = Path::new("/usr/sbin/cupsd");
        if !cupsd.exists() {
            return Err("cupsd is not installed (Debian: cups-daemon)".into());
        }
        if Command::new("lpadmin").arg("-h").output().is_err() {
            return Err("lpadmin is not installed (Debian: cups-client)".into());
        }
        let uid = Command::new("id")
            .arg("-u")
            .output()
            .map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Err("cupsd needs root to run its backends".into());
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let root = dir.path();
        for sub in [
            "state",
            "cache",
            "spool",
            "tmp",
            "log",
            "out",
            "bin/backend",
        ] {
            std::fs::create_dir_all(root.join(sub)).map_err(|e| e.to_string())?;
        }
        use std::os::unix::fs::PermissionsExt;
        for open in ["out", "tmp"] {
            std::fs::set_permissions(root.join(open), std::fs::Permissions::from_mode(0o777))
                .map_err(|e| e.to_string())?;
        }
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        for d in ["filter", "cgi-bin", "daemon", "notifier", "monitor"] {
            let _ = std::os::unix::fs::symlink(
                Path::new("/usr/lib/cups").join(d),
                root.join("bin").join(d),
            );
        }
        let backend = root.join("bin/backend/capture");
        std::fs::write(&backend, BACKEND).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&backend, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let server = format!("127.0.0.1:{port}");
        std::fs::write(
            root.join("cupsd.conf"),
            format!(
                "Listen {server}\nLogLevel warn\nWebInterface No\nDefaultAuthType None\n\
                 PreserveJobFiles No\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        let r = root.display();
        std::fs::write(
            root.join("cups-files.conf"),
            format!(
                "ServerRoot {r}\nStateDir {r}/state\nCacheDir {r}/cache\nRequestRoot {r}/spool\n\
                 TempDir {r}/tmp\nErrorLog {r}/log/error_log\nAccessLog {r}/log/access_log\n\
                 PageLog {r}/log/page_log\nServerBin {r}/bin\nDataDir /usr/share/cups\n\
                 SystemGroup root\n"
            ),
        )
        .map_err(|e| e.to_string())?;
        let child = Command::new(cupsd)
            .arg("-f")
            .arg("-c")
            .arg(root.join("cupsd.conf"))
            .arg("-s")
            .arg(root.join("cups-files.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cupsd does not start: {e}"))?;
        let scheduler = Scheduler { dir, child, server };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&scheduler.server).is_err() {
            if Instant::now() > deadline {
                return Err("cupsd did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(scheduler)
    }

    /// Adds printer `name`; returns the file its jobs will be written to.
    pub fn add_printer(&self, name: &str) -> PathBuf {
        let out = self.dir.path().join("out").join(format!("{name}.bin"));
        let status = Command::new("lpadmin")
            .args(["-h", &self.server, "-p", name, "-E", "-v"])
            .arg(format!("capture:{}", out.display()))
            .status()
            .expect("lpadmin runs");
        assert!(status.success(), "lpadmin failed");
        out
    }

    /// The bytes printed to `out`, once the job is done (None after 30 s).
    pub fn printed(&self, out: &Path) -> Option<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(bytes) = std::fs::read(out) {
                return Some(bytes);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits (up to 30 s) until no job document is left in CUPS's spool, as a counter set up
    /// by scripts/setup (`PreserveJobFiles No`) leaves it; false if one stays.
    pub fn spool_emptied(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = std::fs::read_dir(self.dir.path().join("spool"))
                .map(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.file_name().to_string_lossy().starts_with('d'))
                })
                .unwrap_or(false);
            if !left {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
