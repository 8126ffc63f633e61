//! Private server instances for the fault tests, which stop and restart
//! their server and so must not share the one other tests are using.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{configured, Cloud};

pub struct Server {
    name: &'static str,
    pub port: u16,
    args: Vec<String>,
    program: PathBuf,
    child: Option<Child>,
    log: PathBuf,
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

/// A private s3s-fs serving `root` (a bucket is a folder below it).
pub fn s3s_fs(root: &Path, bucket: &str) -> Option<(Server, Cloud)> {
    let program = configured("CROSSING_TEST_S3S_FS", "the S3 server binary (s3s-fs)")?;
    std::fs::create_dir_all(root.join(bucket)).unwrap();
    let port = free_port();
    let secret = format!("private-{}", hex::encode(rand::random::<[u8; 12]>()));
    let mut server = Server {
        name: "s3s-fs",
        port,
        args: [
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--access-key",
            "private-key",
            "--secret-key",
            &secret,
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([root.display().to_string()])
        .collect(),
        program: program.into(),
        child: None,
        log: root.with_extension("log"),
    };
    server.start();
    let cloud = Cloud::s3_at(&server.url(), bucket, "private-key", &secret);
    Some((server, cloud))
}

/// A private azurite keeping its data in `dir` (so that it survives a
/// restart), with `container` created.
pub fn azurite(dir: &Path, container: &str) -> Option<(Server, Cloud)> {
    let program = configured("CROSSING_TEST_AZURITE", "the Azure emulator (azurite)")?;
    let python = configured("CROSSING_TEST_PYTHON", "the Python with azure-storage-blob")?;
    std::fs::create_dir_all(dir).unwrap();
    let port = free_port();
    let mut server = Server {
        name: "azurite",
        port,
        args: [
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            &port.to_string(),
            "--location",
            &dir.display().to_string(),
            "--disableTelemetry",
            "--silent",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        program: program.into(),
        child: None,
        log: dir.with_extension("log"),
    };
    server.start();
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
