//! Key material first: every wipe destroys the client's database key (and
//! the head of its SQLCipher database) before anything else, so a wipe that
//! is stopped right after it started still leaves the database unreadable.

mod kit;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kit::*;

const PIN: &str = "246810";
const DURESS: &str = "135797";
/// The key as Signal Desktop writes it: 64 hex digits in config.json.
const KEY: &str = "c0ffee11c0ffee11c0ffee11c0ffee11c0ffee11c0ffee11c0ffee11c0ffee11";
const DB_HEAD: &[u8] = b"SQLCIPHER-SALT-AND-SCHEMA-PAGE-MARKER:";

/// A Signal Desktop data directory: the key, a database whose first 64 KiB
/// carry a marker, and enough other files that destroying them takes a while.
fn signal_data(data: &Path) {
    fs::create_dir_all(data.join("sql")).unwrap();
    fs::write(
        data.join("config.json"),
        format!("{{\"key\":\"{KEY}\",\"mediaPermissions\":true}}"),
    )
    .unwrap();
    let mut db = DB_HEAD.repeat(64 * 1024 / DB_HEAD.len() + 1);
    db.truncate(64 * 1024);
    db.extend(std::iter::repeat_n(b'p', 256 * 1024));
    fs::write(data.join("sql/db.sqlite"), db).unwrap();
    for d in 0..20 {
        let dir = data.join(format!("attachments.noindex/{d:02}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..150 {
            fs::write(dir.join(format!("{f:04}")), vec![b'a'; 4096]).unwrap();
        }
    }
}

fn signal_fixture() -> Fixture {
    let s = Fixture::unconfigured(signal_data);
    s.crossing(init_args(&s.data, &s.store_url(), &["--client", "signal"]))
        .expect(0, "init --client signal");
    s
}

/// Every file under `dir` (not entering `skip`) that holds `needle`.
fn files_holding(dir: &Path, skip: &Path, needle: &[u8], found: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        if p == skip {
            continue;
        } else if meta.is_dir() {
            files_holding(&p, skip, needle, found);
        } else if meta.is_file() && fs::read(&p).is_ok_and(|b| contains(&b, needle)) {
            found.push(p);
        }
    }
}

/// Processes running the crossing binary from this test's sandbox (its
/// working directory or an environment tag), found through /proc, not by
/// what their command line says. A child the gate forked but has not yet
/// exec'd still has the gate's command line (`gate_cmdline`): freezing it
/// would freeze the gate, which waits for the exec.
fn crossing_processes(tag: &str, root: &Path, gate_pid: i32, gate_cmdline: &[u8]) -> Vec<i32> {
    let bin = fs::canonicalize(bin()).unwrap();
    let mut out = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let proc = e.path();
        if fs::read_link(proc.join("exe")).ok().as_deref() != Some(bin.as_path()) {
            continue;
        }
        let env = fs::read(proc.join("environ")).unwrap_or_default();
        let cwd = fs::read_link(proc.join("cwd")).unwrap_or_default();
        // A process being forked or exec'd can show an empty cmdline for a
        // moment: only a non-empty one that is not the gate's has exec'd
        // (freezing the gate's own fork would hang the gate).
        let exec_done =
            fs::read(proc.join("cmdline")).is_ok_and(|c| !c.is_empty() && c != gate_cmdline);
        // Nor the gate's own children (its fork, the intermediate process):
        // the gate waits for them, and a cmdline read mid-fork can come
        // back partial, unlike the gate's. The destroyer is a grandchild.
        let gate_child = fs::read_to_string(proc.join("status")).is_ok_and(|st| {
            st.lines()
                .find_map(|l| l.strip_prefix("PPid:"))
                .and_then(|p| p.trim().parse::<i32>().ok())
                == Some(gate_pid)
        });
        if exec_done && !gate_child && (contains(&env, tag.as_bytes()) || cwd.starts_with(root)) {
            out.push(pid);
        }
    }
    out
}

#[test]
fn a_frozen_duress_destroyer_leaves_no_key_behind() {
    let s = signal_fixture();
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .success();
    let tag = format!("CROSSING_KEY_FIRST_TEST={}", std::process::id());
    let root = s.root().to_path_buf();
    let (key, value) = tag.split_once('=').unwrap();
    let mut gate = command(Some(&s.home), None);
    gate.current_dir(&root)
        .env(key, value)
        .args(["unlock", "--stdin", "--", "sh", "-c", "exit 42"])
        .stdin(std::process::Stdio::piped());
    let mut gate = gate.spawn().unwrap();
    let gate_pid = gate.id() as i32;
    let gate_cmdline = fs::read(format!("/proc/{gate_pid}/cmdline")).unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Freeze the detached destroyer the moment it exists (the gate, our
    // direct child, is left alone: it execs the client).
    let hunter = {
        let (tag, root, done) = (tag.clone(), root.clone(), done.clone());
        std::thread::spawn(move || {
            let mut frozen = Vec::new();
            let mut until = None::<Instant>;
            loop {
                for pid in crossing_processes(&tag, &root, gate_pid, &gate_cmdline) {
                    if pid != gate_pid && !frozen.contains(&pid) {
                        // SAFETY: a signal to a process of this test.
                        unsafe { libc::kill(pid, libc::SIGSTOP) };
                        frozen.push(pid);
                    }
                }
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    let end = *until.get_or_insert(Instant::now() + Duration::from_secs(2));
                    if Instant::now() > end {
                        return frozen;
                    }
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    {
        use std::io::Write;
        let mut stdin = gate.stdin.take().unwrap();
        stdin.write_all(format!("{DURESS}\n").as_bytes()).unwrap();
    }
    assert_eq!(gate.wait().unwrap().code(), Some(42));
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let frozen = hunter.join().unwrap();
    assert!(!s.data.exists());
    // The gate itself is not among them: it exec'd the client and is gone.
    assert!(!frozen.is_empty(), "no detached destroyer was found");
    let aside: Vec<String> = names_in(&root)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        !aside.is_empty(),
        "the destroyer finished before it was frozen"
    );

    let (mut keys, mut heads) = (Vec::new(), Vec::new());
    files_holding(&root, &s.store, KEY.as_bytes(), &mut keys);
    files_holding(&root, &s.store, DB_HEAD, &mut heads);
    for pid in &frozen {
        // SAFETY: as above; a stopped process dies of SIGKILL.
        unsafe { libc::kill(*pid, libc::SIGKILL) };
    }
    assert!(keys.is_empty(), "the key survived in {keys:?}");
    assert!(heads.is_empty(), "the database head survived in {heads:?}");
}

#[test]
fn wipe_destroys_the_key_first_and_never_through_a_symlink() {
    let s = signal_fixture();
    let out = json(s.cmd().args(["wipe", "--yes", "--json"]));
    assert_eq!(out["report"]["keys_destroyed"].as_u64(), Some(2), "{out}");
    assert!(!s.data.exists());

    let t = signal_fixture();
    // The database reached through a symlinked directory: not touched either.
    let elsewhere = t.root().join("elsewhere");
    fs::rename(t.data.join("sql"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, t.data.join("sql")).unwrap();
    t.cmd().args(["wipe", "--yes", "--json"]).assert().code(3); // the key step reports the link it would not follow
    assert!(contains(
        &fs::read(elsewhere.join("db.sqlite")).unwrap(),
        DB_HEAD
    ));
    assert!(!t.data.exists());
}
