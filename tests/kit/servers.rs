//! The one place that finds and starts servers: the shared ones
//! `.ci/servers.sh` started (announced through CROSSING_TEST_* variables),
//! and private instances for the fault tests, which stop and restart their
//! server and so must not share the one other tests are using.
//!
//! A test whose server is not configured is skipped with a message, except
//! under CI=true, where that is a failure: run the suite with `.ci/test`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::cloud::Cloud;

/// The value of `var`, or None (skip) when the server is not configured;
/// under CI=true a missing server fails the test instead.
pub fn configured(var: &str, server: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            let msg = format!(
                "{server} is not running ({var} is unset): run the tests with .ci/test, which starts it"
            );
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("CI=true and {msg}");
            }
            eprintln!("SKIPPED: {msg}");
            None
        }
    }
}

/// The path of the command-line tool `name` (e.g. `sqlcipher`), or None
/// (skip) when it is not installed; under CI=true (where `.ci/install.sh`
/// installs it) a missing tool fails the test instead.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let msg = format!("{name} is not installed: .ci/install.sh installs it");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("CI=true and {msg}");
        }
        eprintln!("SKIPPED: {msg}");
    }
    found
}

/// A server process of a test's own, stopped on drop.
pub struct Server {
    name: &'static str,
    pub port: u16,
    args: Vec<String>,
    program: PathBuf,
    child: Option<Child>,
    log: PathBuf,
    /// The server's data and log, removed once it is stopped.
    _dir: TempDir,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn start(&mut self) {
        assert!(self.child.is_none(), "{} is running", self.name);
        let log = std::fs::File::create(&self.log).unwrap();
        let child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(self.addr()).is_err() {
            assert!(
                Instant::now() < deadline,
                "{} did not listen on {}: {}",
                self.name,
                self.port,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: the server dies at once, mid-request.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
    }

    /// SIGTERM: the server closes its port and exits.
    pub fn terminate(&mut self) {
        self.signal(libc::SIGTERM);
    }

    fn signal(&mut self, sig: i32) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: a PID of our own child, not yet reaped.
            unsafe { libc::kill(child.id() as i32, sig) };
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts `program args…` as a private server listening on `port`, its
/// output in `log`.
fn spawn(name: &'static str, program: String, port: u16, args: &[&str], dir: TempDir) -> Server {
    let mut server = Server {
        name,
        port,
        args: args.iter().map(|s| s.to_string()).collect(),
        program: program.into(),
        child: None,
        log: dir.path().join(format!("{name}.log")),
        _dir: dir,
    };
    server.start();
    server
}

/// A private s3s-fs with a bucket `bucket` (a folder of its scratch directory).
pub fn s3s_fs(bucket: &str) -> Option<(Server, Cloud)> {
    let program = configured("CROSSING_TEST_S3S_FS", "the S3 server binary (s3s-fs)")?;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s3");
    std::fs::create_dir_all(root.join(bucket)).unwrap();
    let port = free_port();
    let secret = format!("private-{}", hex::encode(rand::random::<[u8; 12]>()));
    let server = spawn(
        "s3s-fs",
        program,
        port,
        &[
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--access-key",
            "private-key",
            "--secret-key",
            &secret,
            &root.display().to_string(),
        ],
        dir,
    );
    let cloud = Cloud::s3_at(&server.url(), bucket, "private-key", &secret);
    Some((server, cloud))
}

/// A private azurite keeping its data in a scratch directory (so that it
/// survives a restart), with `container` created.
pub fn azurite(container: &str) -> Option<(Server, Cloud)> {
    let program = configured("CROSSING_TEST_AZURITE", "the Azure emulator (azurite)")?;
    let python = configured("CROSSING_TEST_PYTHON", "the Python with azure-storage-blob")?;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("az");
    std::fs::create_dir_all(&data).unwrap();
    let port = free_port();
    let server = spawn(
        "azurite",
        program,
        port,
        &[
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--location",
            &data.display().to_string(),
            "--disableTelemetry",
            "--silent",
        ],
        dir,
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/azure_container.py");
    let status = Command::new(python)
        .arg(script)
        .arg(server.url())
        .arg(container)
        .status()
        .unwrap();
    assert!(status.success(), "could not create container {container}");
    let cloud = Cloud::azure_at(&server.url(), container);
    Some((server, cloud))
}
