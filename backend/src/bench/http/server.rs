//! The service under load: this very binary started as `guichet serve` on the bench's
//! database, in its own process, so that its CPU time and its resident memory are read from
//! the kernel apart from the clients'.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server's resident memory at one instant: the heap and stacks (anonymous) apart from
/// the mapped files (the binary's code and data, the shared libraries).
pub struct Memory {
    pub resident_mib: f64,
    pub anonymous_mib: f64,
    pub files_mib: f64,
    pub threads: u64,
}

pub struct Server {
    child: Child,
    pub base: String,
    data_dir: PathBuf,
}

/// A port nobody listens on now (the kernel's choice, released at once).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn random_secret() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Server {
    /// Starts the service on `database_url` and waits until it is ready. The login limits
    /// are raised (the bench logs in a thousand times from one address); everything else
    /// is the defaults, as an operator would run it.
    pub fn start(database_url: &str) -> Result<Server, String> {
        let port = free_port()?;
        let data_dir = std::env::temp_dir().join(format!("guichet-bench-data-{port}"));
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("GUICHET_HOST", "127.0.0.1")
            .env("GUICHET_PORT", port.to_string())
            .env("GUICHET_MODE", "production")
            .env("GUICHET_JWT_SECRET", random_secret()?)
            .env("GUICHET_ACCESS_TOKEN_MINUTES", "60")
            .env("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", "1000")
            .env("GUICHET_LOGIN_LIMIT_PER_ADDRESS", "10000")
            .env("GUICHET_DATA_DIR", &data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("guichet serve : {e}"))?;
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            data_dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let agent = ureq::Agent::new_with_defaults();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("guichet serve s'est arrêté : {status}"));
            }
            if agent
                .get(format!("{}/health/ready", self.base))
                .call()
                .is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("guichet serve n'est pas prêt au bout de 60 s".into())
    }

    fn proc_file(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(format!("/proc/{}/{name}", self.child.id()))
            .map_err(|e| format!("/proc/{}/{name} : {e}", self.child.id()))
    }

    /// CPU time the server has used so far, user and system.
    pub fn cpu(&self) -> Result<Duration, String> {
        let stat = self.proc_file("stat")?;
        // The fields after the command name (which may hold spaces), from the third on.
        let after = stat.rsplit_once(')').ok_or("stat illisible")?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| -> Result<u64, String> {
            fields
                .get(i)
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| "stat illisible".to_owned())
        };
        // utime and stime are the 14th and 15th fields, in clock ticks.
        let used = ticks(11)? + ticks(12)?;
        // SAFETY: sysconf has no preconditions.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Ok(Duration::from_secs_f64(used as f64 / per_second as f64))
    }

    fn status_kib(&self, field: &str) -> Result<u64, String> {
        self.proc_file("status")?
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("{field} absent de /proc/…/status"))
    }

    /// The highest resident memory of the server since it started, in MiB.
    pub fn peak_rss_mib(&self) -> Result<f64, String> {
        Ok(self.status_kib("VmHWM:")? as f64 / 1024.0)
    }

    /// Its resident memory now, in MiB, and where it goes.
    pub fn memory(&self) -> Result<Memory, String> {
        let mib =
            |field: &str| -> Result<f64, String> { Ok(self.status_kib(field)? as f64 / 1024.0) };
        Ok(Memory {
            resident_mib: mib("VmRSS:")?,
            anonymous_mib: mib("RssAnon:")?,
            files_mib: mib("RssFile:")?,
            threads: self.status_kib("Threads:")?,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: a signal to our own child, which has not been reaped yet.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
