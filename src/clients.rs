//! Running clients: the processes that hold files, a working directory or
//! memory mappings under a data directory. Wiping or replacing a directory
//! under an open database kills the client with a bus error at best and, at
//! worst, lets it write its cache back after the wipe; so `wipe`, `depart`
//! and `restore` refuse (or, asked to, stop the client first), and the
//! emergency wipes stop it without asking.
//!
//! Found through /proc (Linux): `fd/*`, `cwd`, `root` and `maps` of every
//! process this user may inspect. A process of another user that we cannot
//! inspect is not found; docs/wipe.md says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::ExitKind;

/// A process with something open under `dir`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holder {
    pub pid: u32,
    /// Its command name (`/proc/PID/comm`), e.g. "signal-desktop".
    pub name: String,
    pub dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientsError {
    #[error("{} (pid {}) has files open in {}: quit it first (or pass --stop-clients to have crossing stop it){}", .first.name, .first.pid, .first.dir.display(), more(*.others))]
    Running { first: Holder, others: usize },
    #[error("{} (pid {}) did not stop (it holds files in {}); stop it yourself, then run this again", .0.name, .0.pid, .0.dir.display())]
    WouldNotStop(Holder),
}

fn more(others: usize) -> String {
    match others {
        0 => String::new(),
        n => format!("; {n} more process(es) hold files there too"),
    }
}

impl ClientsError {
    pub fn exit_kind(&self) -> ExitKind {
        ExitKind::Refused
    }
}

/// How long a client has to quit after SIGTERM before it gets SIGKILL.
pub const GRACE: Duration = Duration::from_secs(10);

/// Every process (but this one) holding something under one of `dirs`.
pub fn holders(dirs: &[PathBuf]) -> Vec<Holder> {
    let roots: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    if roots.is_empty() {
        return Vec::new();
    }
    let ours = self_and_ancestors();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if ours.contains(&pid) {
            continue;
        }
        if let Some(dir) = holds_under(&entry.path(), &roots) {
            let name = std::fs::read_to_string(entry.path().join("comm"))
                .map(|s| s.trim_end().to_string())
                .unwrap_or_else(|_| "a process".into());
            out.push(Holder { pid, name, dir });
        }
    }
    out
}

/// This process and the ones that started it (the shell the user typed in
/// may sit in the data directory: it is not a client, and never stopped).
fn self_and_ancestors() -> Vec<u32> {
    let mut out = vec![std::process::id()];
    while let Some(&pid) = out.last() {
        match parent_of(pid) {
            Some(ppid) if ppid > 1 && !out.contains(&ppid) => out.push(ppid),
            _ => break,
        }
    }
    out
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(") ")?;
    rest.split(' ').nth(1)?.parse().ok()
}

/// The first of `roots` that the process at `proc` holds something under.
fn holds_under(proc: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let under = |p: &Path| roots.iter().find(|r| p.starts_with(r)).cloned();
    for link in ["cwd", "root"] {
        if let Ok(target) = std::fs::read_link(proc.join(link)) {
            if let Some(r) = under(&strip_deleted(&target)) {
                return Some(r);
            }
        }
    }
    if let Ok(fds) = std::fs::read_dir(proc.join("fd")) {
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path()) {
                if let Some(r) = under(&strip_deleted(&target)) {
                    return Some(r);
                }
            }
        }
    }
    let maps = std::fs::read_to_string(proc.join("maps")).unwrap_or_default();
    maps.lines()
        .filter_map(|line| line.split_once('/').map(|(_, p)| format!("/{p}")))
        .find_map(|p| under(&strip_deleted(Path::new(&p))))
}

/// "/a/b (deleted)" is what /proc shows for an unlinked file.
fn strip_deleted(p: &Path) -> PathBuf {
    let s = p.to_string_lossy();
    PathBuf::from(s.strip_suffix(" (deleted)").unwrap_or(&s).to_string())
}

/// Refuses (exit 9) while a client holds files under `dirs`, or, with
/// `stop`, stops every such client first (TERM, then KILL after `GRACE`).
/// Returns the processes stopped.
pub fn refuse_or_stop(dirs: &[PathBuf], stop: bool) -> Result<Vec<Holder>, ClientsError> {
    let found = holders(dirs);
    let Some(first) = found.first().cloned() else {
        return Ok(Vec::new());
    };
    if !stop {
        return Err(ClientsError::Running {
            first,
            others: found.len() - 1,
        });
    }
    terminate(&found, GRACE)?;
    Ok(found)
}

/// SIGTERM to each, then SIGKILL to those still running after `grace`.
pub fn terminate(found: &[Holder], grace: Duration) -> Result<(), ClientsError> {
    signal_all(found, libc::SIGTERM);
    if !wait_gone(found, grace) {
        signal_all(found, libc::SIGKILL);
        if !wait_gone(found, Duration::from_secs(5)) {
            let stuck = found.iter().find(|h| alive(h.pid)).cloned();
            if let Some(h) = stuck {
                return Err(ClientsError::WouldNotStop(h));
            }
        }
    }
    Ok(())
}

/// For the wipes nobody confirms: SIGKILL at once (a client that handles
/// SIGTERM could write its data back while it quits).
pub fn kill_now(dirs: &[PathBuf]) {
    let found = holders(dirs);
    signal_all(&found, libc::SIGKILL);
    wait_gone(&found, Duration::from_secs(2));
}

fn signal_all(found: &[Holder], signal: libc::c_int) {
    for h in found {
        // SAFETY: kill(2) with a pid we found; a process gone since is ESRCH.
        unsafe { libc::kill(h.pid as libc::pid_t, signal) };
    }
}

fn alive(pid: u32) -> bool {
    // A zombie has released its files: it counts as gone.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.bytes().next()),
            Some(b'Z') | Some(b'X')
        ),
        Err(_) => false,
    }
}

fn wait_gone(found: &[Holder], within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if !found.iter().any(|h| alive(h.pid)) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
