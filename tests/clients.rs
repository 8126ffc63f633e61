//! Issue 11: a running client (a process with a database open under the
//! data directory) makes `wipe`, `depart` and `restore --force` refuse with
//! its name and pid; `--stop-clients` and the duress code stop it first.

mod kit;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kit::*;
use predicates::prelude::*;

/// A stand-in client: the real SQLite (Python's sqlite3) holding
/// `held.sqlite` in `data` open, run through a link named like Signal
/// Desktop's process so that it shows under that name.
struct Client {
    child: Child,
    _bin: tempfile::TempDir,
}

impl Client {
    fn start(data: &Path) -> Client {
        let bin = tempfile::tempdir().unwrap();
        let exe = bin.path().join("signal-desktop");
        let python = real_python();
        std::os::unix::fs::symlink(&python, &exe).unwrap();
        let db = data.join("held.sqlite");
        let mut child = Command::new(&exe)
            .args([
                "-c",
                "import sqlite3, sys, time\n\
                 c = sqlite3.connect(sys.argv[1])\n\
                 c.execute('CREATE TABLE IF NOT EXISTS held (x)')\n\
                 c.execute('INSERT INTO held VALUES (1)')\n\
                 c.commit()\n\
                 print('open', flush=True)\n\
                 time.sleep(600)\n",
            ])
            .arg(&db)
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the database is open (its line), not for a time.
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "open");
        Client { child, _bin: bin }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it still runs (reaped if it ended).
    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits (bounded) until it has ended.
    fn wait_stopped(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.running() {
            assert!(Instant::now() < deadline, "the client was not stopped");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The interpreter itself (not a version manager's shim, which would look
/// up its own name, "signal-desktop").
fn real_python() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 is installed");
    let path = String::from_utf8(out.stdout).unwrap();
    std::fs::canonicalize(path.trim()).unwrap()
}

fn refusal(client: &Client, data: &Path) -> impl predicates::Predicate<str> {
    predicate::str::contains(format!("signal-desktop (pid {})", client.pid()))
        .and(predicate::str::contains(data.to_str().unwrap()))
        .and(predicate::str::contains("quit it first"))
}

#[test]
fn wipe_refuses_while_a_client_holds_the_data_and_stops_it_when_asked() {
    let s = Fixture::with_corpus();
    let mut client = Client::start(&s.data);
    s.cmd()
        .args(["wipe", "--yes"])
        .assert()
        .code(9)
        .stderr(refusal(&client, &s.data));
    assert!(client.running(), "the refusal stopped the client");
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());

    s.cmd()
        .args(["wipe", "--yes", "--stop-clients"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "stopped signal-desktop (pid {})",
            client.pid()
        )));
    client.wait_stopped();
    assert!(!s.data.exists() && !s.home.exists());
}

#[test]
fn depart_refuses_while_a_client_holds_the_data_and_stops_it_when_asked() {
    let s = Fixture::with_corpus();
    let mut client = Client::start(&s.data);
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .code(9)
        .stderr(refusal(&client, &s.data));
    assert!(client.running());
    assert!(
        !s.repo_dir().join("snapshots").exists(),
        "depart backed up before refusing"
    );
    assert!(s.data.join("notes.txt").exists());

    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk", "--stop-clients"])
        .assert()
        .success();
    client.wait_stopped();
    assert!(!s.data.exists());
    // The snapshot holds what the client had committed before it was stopped.
    let back = s.root().join("back");
    crossing(&s.root().join("h2"))
        .args(restore_args(&s.store_url(), &back, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    let conn = rusqlite::Connection::open(back.join("held.sqlite")).unwrap();
    let held: i64 = conn
        .query_row("SELECT count(*) FROM held", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 1);
}

#[test]
fn restore_force_refuses_to_replace_a_directory_a_client_holds() {
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    let mut client = Client::start(&s.data);
    let restore = |extra: &[&str]| {
        let mut cmd = s.cmd();
        cmd.args(restore_args(&s.store_url(), &s.data, Path::new("-")))
            .arg("--force")
            .args(extra)
            .write_stdin(ABANDON);
        cmd.assert()
    };
    restore(&[]).code(9).stderr(refusal(&client, &s.data));
    assert!(client.running());
    restore(&["--stop-clients"]).success();
    client.wait_stopped();
    assert!(s.data.join("notes.txt").exists());
}

#[test]
fn the_duress_code_stops_a_running_client_before_it_wipes() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin("246810\n246810\n135797\n135797\n")
        .assert()
        .success();
    let mut client = Client::start(&s.data);
    s.cmd()
        .args(["unlock", "--stdin", "--", "true"])
        .write_stdin("135797\n")
        .assert()
        .success();
    client.wait_stopped();
    assert!(!s.data.exists());
    s.wait_for_detached_destruction();
}
