//! Helpers shared by the integration tests: the real binary, a home, a data
//! directory with a profile, and a pseudo-terminal for prompts.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
pub const ZOO: &str = "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong";
pub const LEGAL: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";

pub fn crossing(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("crossing").unwrap();
    cmd.arg("--home")
        .arg(home)
        .env_remove("CROSSING_PHRASE_FILE")
        .env_remove("CROSSING_STORE")
        .env_remove("CROSSING_PROFILE")
        .timeout(Duration::from_secs(120));
    cmd
}

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("crossing")
}

/// A sandbox: crossing's home, a data directory with a few files, a store,
/// and a profile "default" for them (pseudonym from ABANDON).
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub data: PathBuf,
    pub store_dir: PathBuf,
    pub store: String,
}

impl Setup {
    pub fn new() -> Setup {
        Setup::with_phrase(ABANDON)
    }

    pub fn with_phrase(phrase: &str) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let data = dir.path().join("data");
        let store_dir = dir.path().join("store");
        let store = format!("file://{}", store_dir.display());
        write_corpus(&data);
        crossing(&home)
            .args(["pseudonym", "import", "--name", "me", "--phrase-file", "-"])
            .write_stdin(phrase)
            .assert()
            .success();
        crossing(&home)
            .args(["init", "--data-dir"])
            .arg(&data)
            .args(["--store", &store, "--pseudonym", "me"])
            .assert()
            .success();
        Setup {
            dir,
            home,
            data,
            store_dir,
            store,
        }
    }

    pub fn cmd(&self) -> Command {
        crossing(&self.home)
    }

    /// Waits (bounded) until the sandbox holds only `home` (if it exists)
    /// and `store`: the detached destruction has finished.
    pub fn wait_for_detached_destruction(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left: Vec<String> = std::fs::read_dir(self.dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "home" && n != "store")
                .collect();
            if left.is_empty() {
                return;
            }
            assert!(Instant::now() < deadline, "still not destroyed: {left:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Directories renamed aside by an emergency wipe (".", 16 of [a-z0-9]).
pub fn aside_dirs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.len() == 17
                && n.starts_with('.')
                && n[1..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        .collect()
}

/// A small tree: text files, a binary file, a subdirectory, an SQLite-like
/// set of companions, a symlink pointing outside.
pub fn write_corpus(data: &Path) {
    std::fs::create_dir_all(data.join("sub/deeper")).unwrap();
    std::fs::write(
        data.join("notes.txt"),
        "meeting with the source at noon\n".repeat(100),
    )
    .unwrap();
    std::fs::write(data.join("sub/contacts.json"), br#"{"alice": "05abc"}"#).unwrap();
    std::fs::write(data.join("sub/deeper/blob.bin"), vec![7u8; 300_000]).unwrap();
    std::fs::write(data.join("db.sqlite"), b"SQLite format 3\0...").unwrap();
    std::fs::write(data.join("db.sqlite-wal"), b"wal").unwrap();
    std::fs::write(data.join("db.sqlite-shm"), b"shm").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", data.join("link-outside")).unwrap();
}

pub fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

/// Runs crossing on a pseudo-terminal.
pub fn pty(home: &Path, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = std::process::Command::new(bin());
    cmd.arg("--home").arg(home).args(args);
    cmd.env_remove("CROSSING_PHRASE_FILE")
        .env_remove("CROSSING_PROFILE");
    let mut s = expectrl::Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(60)));
    s
}

/// Waits for the process on the pseudo-terminal and returns its exit code.
pub fn pty_exit(s: &mut expectrl::session::OsSession) -> i32 {
    use expectrl::Expect;
    let _ = s.expect(expectrl::Eof);
    match s.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected status {other:?}"),
    }
}
