//! The wipes nobody confirms: a duress code, the failure limit, the dead-man
//! switch, a remote wipe. Each destroys every profile's data directory and
//! crossing's home; how fast the data disappears differs:
//! - `now`: in this process, for cron-driven triggers that can take their time;
//! - `aside_and_detach`: the directories are renamed aside at once (same
//!   filesystem, milliseconds whatever the data size) and a detached
//!   `crossing destroy-aside` process does the slow destruction, so the
//!   unlock gate returns as fast as after a normal unlock.
//!
//! Both first destroy the clients' database keys (`wipe::keys`). The targets
//! come from the state database and from the target list (`state::targets`),
//! so a corrupt or deleted `state.db` still leaves the data dirs known.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::progress::Silent;
use crate::protect::duress::Gate;
use crate::protect::wipe::{self, guard, Failure, Report, Target};
use crate::state::targets::{self as list, Listed};
use crate::state::{State, DB_FILE};

/// The profiles as the state database records them, or `None` when it is
/// missing or cannot be read.
fn from_db(home: &Path) -> Option<Vec<Listed>> {
    if !home.join(DB_FILE).exists() {
        return None;
    }
    let profiles = State::open(home).and_then(|s| s.profiles()).ok()?;
    Some(profiles.iter().map(Listed::of).collect())
}

/// The profiles of both sources (docs/wipe.md): the state database and the
/// target list, whichever can be read; the union when both can, so that
/// neither a damaged database nor a stale list leaves a data dir behind.
pub fn known_profiles(home: &Path) -> Vec<Listed> {
    let mut all = from_db(home).unwrap_or_default();
    for l in list::read(home).unwrap_or_default() {
        if !all.iter().any(|a| a.data_dir == l.data_dir) {
            all.push(l);
        }
    }
    all
}

fn targets_of(home: &Path, profiles: &[Listed]) -> Vec<Target> {
    let mut out: Vec<Target> = profiles
        .iter()
        .map(|l| Target::data_dir(&l.profile, &l.data_dir, l.client))
        .collect();
    out.push(wipe::home_target(home));
    out
}

/// Every profile's data directory and crossing's home. With neither the
/// database nor the list readable, the home alone is still destroyed.
pub fn all_targets(home: &Path) -> Vec<Target> {
    targets_of(home, &known_profiles(home))
}

/// One profile's data directory (if it is known: after a duress wipe no
/// profile is) or every profile's, and crossing's home.
pub fn targets_for(home: &Path, profile: Option<&str>) -> Vec<Target> {
    let Some(name) = profile else {
        return all_targets(home);
    };
    let known: Vec<Listed> = known_profiles(home)
        .into_iter()
        .filter(|l| l.profile == name)
        .take(1)
        .collect();
    targets_of(home, &known)
}

/// Destroys everything in this process and reports what was left. A target
/// the guard rails refuse is reported and skipped, never a reason to spare
/// the others (an edited target list must not block the wipe).
pub fn now(targets: &[Target]) -> anyhow::Result<Report> {
    let (allowed, refused) = split_by_guard(targets);
    let planned = wipe::plan(&allowed)?;
    stop_clients(&allowed);
    let mut report = wipe::execute(&planned, false, &Silent);
    report.failed.extend(refused);
    Ok(report)
}

fn split_by_guard(targets: &[Target]) -> (Vec<Target>, Vec<Failure>) {
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for t in targets {
        match guard::check(&t.path) {
            Ok(()) => allowed.push(t.clone()),
            Err(why) => refused.push(Failure {
                path: t.path.clone(),
                error: format!("not wiped: it {why}"),
            }),
        }
    }
    (allowed, refused)
}

/// Nobody is asked: every process holding files under a target is killed
/// first, so no client writes its data back into a renamed or wiped tree.
/// Only targets the guard rails accept: an edited target list naming `/`
/// must not stop every process either.
fn stop_clients(targets: &[Target]) {
    let dirs: Vec<PathBuf> = targets
        .iter()
        .filter(|t| guard::check(&t.path).is_ok())
        .map(|t| t.path.clone())
        .collect();
    crate::clients::kill_now(&dirs);
}

/// Destroys each target's key material (milliseconds), renames every target
/// aside, then starts a detached process to destroy them. Returns once the
/// renames are on disk; the caller recreates what the gate needs in a
/// fresh home. Stopping the detached process leaves no key behind.
pub fn aside_and_detach(targets: &[Target]) -> anyhow::Result<()> {
    stop_clients(targets);
    let mut aside: Vec<PathBuf> = Vec::new();
    let mut first_error = None;
    for t in targets {
        if guard::check(&t.path).is_ok() {
            wipe::keys::destroy(&t.path, &t.keys);
        }
        match wipe::aside::rename_aside(&t.path) {
            Ok(Some(p)) => aside.push(p),
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if !aside.is_empty() {
        spawn_destroyer(&aside)?;
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// `crossing destroy-aside PATHS…` in its own session, detached from the
/// terminal, so that it outlives the gate (which execs the client).
fn spawn_destroyer(paths: &[PathBuf]) -> anyhow::Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find crossing's own binary to destroy data: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("destroy-aside")
        .args(paths)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid is async-signal-safe; called in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    cmd.spawn()
        .map_err(|e| anyhow::anyhow!("cannot start the background destruction: {e}"))?;
    Ok(())
}

/// Destroys everything now, but keeps the unlock gate (PIN, duress code,
/// failure limit; failures reset): the user can still open the (now empty)
/// client, and whoever holds the device sees the gate unchanged.
pub fn now_keeping_gate(home: &Path) -> anyhow::Result<Report> {
    let gate = Gate::load(home).ok().flatten();
    let report = now(&all_targets(home))?;
    if let Some(mut gate) = gate {
        gate.failures = 0;
        gate.save(home)?;
    }
    Ok(report)
}
