//! The background destruction after a duress code, through the real binary:
//! it finishes even when killed (every later crossing run resumes it), its
//! command line shows no path and nothing naming destruction, and an edited
//! record of pending destruction cannot steer it at other directories.
//!
//! Each test marks its processes with an environment variable crossing
//! ignores (the detached destroyer inherits it), so that the tests running
//! in parallel find only their own destroyer in /proc.

mod kit;

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use kit::*;

const PIN: &str = "246810";
const DURESS: &str = "135797";
const TAG_VAR: &str = "CROSSING_TEST_DESTROYER_TAG";
const MARKER: &[u8] = b"MARKER-7f3a9c-DESTROY-ME";

fn new_tag() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// `files` files of `size` bytes, each starting with [`MARKER`]: large
/// enough that the destroyer is still at work when the test looks.
fn marked_data(dir: &Path, files: usize, size: usize) {
    for i in 0..files {
        let sub = dir.join(format!("s{}", i % 10));
        std::fs::create_dir_all(&sub).unwrap();
        let mut bytes = MARKER.to_vec();
        bytes.extend(random_bytes(i as u64, size));
        write(&sub.join(format!("f{i}")), bytes);
    }
}

/// Files below `root` (not in the store) whose contents hold [`MARKER`];
/// the aside directories are searched like any other.
fn marked_files(root: &Path) -> usize {
    fn walk(dir: &Path, n: &mut usize) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let Ok(meta) = std::fs::symlink_metadata(e.path()) else {
                continue;
            };
            if meta.is_dir() {
                walk(&e.path(), n);
            } else if meta.is_file() {
                let bytes = std::fs::read(e.path()).unwrap_or_default();
                *n += usize::from(contains(&bytes, MARKER));
            }
        }
    }
    let mut n = 0;
    for e in std::fs::read_dir(root).unwrap().flatten() {
        if e.file_name() != "store" && e.path().is_dir() {
            walk(&e.path(), &mut n);
        }
    }
    n
}

/// Live crossing processes carrying `tag` (zombies have no exe link).
fn tagged(tag: &str) -> Vec<i32> {
    let want = format!("{TAG_VAR}={tag}\0");
    let bin = std::fs::canonicalize(bin()).unwrap();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let exe = std::fs::read_link(e.path().join("exe"));
        let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
        if exe.is_ok_and(|x| x == bin) && contains(&env, want.as_bytes()) {
            out.push(pid);
        }
    }
    out
}

/// Polls /proc until `done` holds (bounded, so a hang fails the test).
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn set_gate(s: &Fixture) {
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .success();
}

/// Runs `crossing args…` with `tag` and `stdin`, to completion.
fn run_tagged(s: &Fixture, tag: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut cmd = command(Some(&s.home), None);
    cmd.env(TAG_VAR, tag)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The duress code at the gate; returns the detached destroyer's pid.
fn duress(s: &Fixture, tag: &str) -> i32 {
    let out = run_tagged(
        s,
        tag,
        &["unlock", "--stdin", "--", "true"],
        &format!("{DURESS}\n"),
    );
    assert!(out.status.success(), "{out:?}");
    assert!(!s.data.exists());
    let mut found = Vec::new();
    wait_until("the detached destroyer to show in /proc", || {
        found = tagged(tag);
        !found.is_empty()
    });
    assert_eq!(found.len(), 1, "{found:?}");
    found[0]
}

fn signal(pid: i32, sig: i32) {
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "kill {pid}");
}

#[test]
fn a_destroyer_killed_at_once_is_finished_by_the_next_crossing_run() {
    let s = Fixture::with_corpus();
    marked_data(&s.data.join("big"), 400, 128 << 10);
    set_gate(&s);
    let tag = new_tag();
    let pid = duress(&s, &tag);
    signal(pid, libc::SIGKILL);
    wait_until("the killed destroyer to die", || tagged(&tag).is_empty());

    let left = marked_files(s.root());
    assert!(
        left > 0,
        "the destroyer finished before the kill: nothing to resume"
    );
    eprintln!("{left} of 400 marked files left by the killed destroyer");
    let record = s.home.join("pending");
    let mode = std::fs::metadata(&record).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!aside_dirs(s.root()).is_empty());

    // Any command resumes it, and is not held up by it.
    let out = run_tagged(&s, &tag, &["profile", "list"], "");
    assert!(out.status.success(), "{out:?}");
    wait_until("the resumed destruction to finish", || {
        tagged(&tag).is_empty() && !record.exists()
    });
    assert_eq!(
        marked_files(s.root()),
        0,
        "{left} marked files before resuming"
    );
    assert!(aside_dirs(s.root()).is_empty());
    assert_eq!(names_in(s.root()), ["home", "store"]);
}

#[test]
fn no_command_line_names_a_path_or_the_destruction() {
    let s = Fixture::with_corpus();
    marked_data(&s.data.join("big"), 200, 128 << 10);
    set_gate(&s);
    let tag = new_tag();
    let pid = duress(&s, &tag);
    signal(pid, libc::SIGSTOP); // hold it mid-way, so it is surely at work
    let bin = std::fs::canonicalize(bin()).unwrap();
    let root = s.root().to_string_lossy().into_owned();
    let mut seen = 0;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if !std::fs::read_link(e.path().join("exe")).is_ok_and(|x| x == bin) {
            continue;
        }
        seen += 1;
        let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        for shown in [&cmdline, &comm] {
            let lower = shown.to_lowercase();
            for word in [root.as_str(), "destroy", "wipe", "aside", "pending"] {
                assert!(!lower.contains(word), "{shown:?} shows {word:?}");
            }
        }
    }
    assert!(seen >= 1);
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let args: Vec<&[u8]> = cmdline
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .collect();
    assert_eq!(args.len(), 2, "{:?}", String::from_utf8_lossy(&cmdline));
    assert_eq!(args[1], b"tidy");
    assert_eq!(
        std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap(),
        "crossing\n"
    );
    // Nobody's child: orphaned at once, not the gate's (nor the client's).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let ppid: i32 = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(ppid, std::process::id() as i32);

    signal(pid, libc::SIGCONT);
    wait_until("the destruction to finish", || {
        tagged(&tag).is_empty() && !s.home.join("pending").exists()
    });
    assert_eq!(marked_files(s.root()), 0);
}

/// A record in the documented format (docs/wipe.md), with a correct sum.
fn forged_record(paths: &[PathBuf]) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut body = "crossing pending 1\n".to_string();
    for p in paths {
        body.push_str(&hex::encode(p.as_os_str().as_bytes()));
        body.push('\n');
    }
    let sum = blake3::hash(body.as_bytes()).to_hex();
    format!("{body}blake3 {sum}\n")
}

#[test]
fn an_edited_or_damaged_record_destroys_nothing_else() {
    let s = Fixture::with_corpus();
    let victim = s.root().join("victim");
    marked_data(&victim, 5, 100);
    // An aside-looking name, but the record that names it is damaged.
    let lookalike = s.root().join(".abcdefghijklmnop");
    marked_data(&lookalike, 5, 100);
    let record = s.home.join("pending");
    let tag = new_tag();

    std::fs::write(&record, forged_record(std::slice::from_ref(&victim))).unwrap();
    let out = run_tagged(&s, &tag, &["profile", "list"], "");
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    wait_until("no destroyer", || tagged(&tag).is_empty());

    let mut damaged = forged_record(std::slice::from_ref(&lookalike)).into_bytes();
    damaged[20] ^= 1;
    std::fs::write(&record, damaged).unwrap();
    let out = run_tagged(&s, &tag, &["profile", "list"], "");
    // Damage is mentioned only on a terminal: quiet under cron.
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    wait_until("no destroyer", || tagged(&tag).is_empty());

    assert_eq!(marked_files(s.root()), 10);
    assert!(s.data.join("notes.txt").exists());
}

// The dead-man switch wipes in its own process (cron); cut short, its
// destruction is recorded like a duress wipe's and the next run finishes it.
#[test]
fn a_dead_man_wipe_cut_short_is_finished_by_the_next_crossing_run() {
    let s = Fixture::with_corpus();
    marked_data(&s.data.join("big"), 400, 128 << 10);
    s.cmd()
        .args(["deadman", "set", "--after", "1s", "--force"])
        .assert()
        .success();
    std::thread::sleep(Duration::from_millis(1500));
    let mut child = command(Some(&s.home), None)
        .args(["deadman", "check"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The record is written once the data is renamed aside, before the slow
    // part: freeze the wipe there, then kill it (a power cut).
    let record = s.home.join("pending");
    wait_until("the dead-man wipe to record its destruction", || {
        record.exists() || child.try_wait().unwrap().is_some()
    });
    signal(child.id() as i32, libc::SIGSTOP);
    signal(child.id() as i32, libc::SIGKILL);
    child.wait().unwrap();
    let left = marked_files(s.root());
    assert!(
        left > 0,
        "the wipe finished before the kill: nothing to resume"
    );
    assert!(!s.data.exists(), "the data directory is still at its path");

    let tag = new_tag();
    let out = run_tagged(&s, &tag, &["deadman", "status"], "");
    assert!(out.status.success(), "{out:?}");
    wait_until("the resumed destruction to finish", || {
        tagged(&tag).is_empty() && !record.exists()
    });
    assert_eq!(
        marked_files(s.root()),
        0,
        "{left} marked files before resuming"
    );
    assert!(aside_dirs(s.root()).is_empty());
}
