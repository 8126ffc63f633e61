//! The wipes nobody confirms: a duress code, the failure limit, the dead-man
//! switch, a remote wipe. Each destroys every profile's data directory and
//! crossing's home; how fast the data disappears differs:
//! - `now_keeping_gate`: in this process, for cron-driven triggers that can
//!   take their time (dead-man switch, remote wipe);
//! - `aside_and_detach`: a detached process does the slow destruction, so
//!   the unlock gate returns as fast as after a normal unlock.
//!
//! Either way the directories are first renamed aside (same filesystem,
//! milliseconds whatever the data size) and recorded (`protect::pending`),
//! so a destruction cut short is resumed by every later crossing run.
//!
//! Both first destroy the clients' database keys (`wipe::keys`). The targets
//! come from the state database and from the target list (`state::targets`),
//! so a corrupt or deleted `state.db` still leaves the data dirs known.

use std::path::{Path, PathBuf};

use crate::protect::duress::Gate;
use crate::protect::pending;
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

/// A target the guard rails refuse is reported and skipped, never a reason
/// to spare the others (an edited target list must not block the wipe).
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
/// renames and the record of pending destruction (in a fresh `home`) are on
/// disk; the caller recreates what the gate needs in that home. Stopping
/// the detached process leaves no key behind, and the next crossing run
/// resumes it.
pub fn aside_and_detach(home: &Path, targets: &[Target]) -> anyhow::Result<()> {
    let (aside, failed) = put_aside(home, targets);
    if !aside.is_empty() {
        spawn_destroyer(home, &aside)?;
    }
    match failed.into_iter().next() {
        Some(f) => Err(anyhow::anyhow!(
            "cannot wipe {}: {}",
            f.path.display(),
            f.error
        )),
        None => Ok(()),
    }
}

/// Stops the clients, destroys the key material and renames each target
/// aside. Returns the renamed paths (with those an earlier, unfinished
/// destruction recorded: the record lives in the home, which is renamed
/// too) and the targets that could not be renamed.
fn put_aside(home: &Path, targets: &[Target]) -> (Vec<PathBuf>, Vec<Failure>) {
    stop_clients(targets);
    let mut aside: Vec<PathBuf> = pending::paths(home).unwrap_or_default();
    let mut failed = Vec::new();
    for t in targets {
        if guard::check(&t.path).is_ok() {
            wipe::keys::destroy(&t.path, &t.keys);
        }
        match wipe::aside::rename_aside(&t.path) {
            Ok(Some(p)) => aside.push(p),
            Ok(None) => {}
            Err(e) => failed.push(Failure {
                path: t.path.clone(),
                error: e.to_string(),
            }),
        }
    }
    (aside, failed)
}

/// Records `paths` as pending destruction in `home`, then starts the
/// detached destroyer, which reads them from there (never from argv). If
/// the record cannot be written, the paths go to it on its pipe: this
/// destruction still runs, it just cannot be resumed.
fn spawn_destroyer(home: &Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    let recorded = pending::record(home, paths);
    pending::spawn(home, if recorded.is_ok() { &[] } else { paths })?;
    recorded
}

/// Destroys everything now, in this process, but keeps the unlock gate
/// (PIN, duress code, failure limit; failures reset): the user can still
/// open the (now empty) client, and whoever holds the device sees the gate
/// unchanged. The targets are renamed aside and recorded first, like a
/// duress wipe's, so a destruction cut short (power, a kill) is resumed by
/// the next crossing run.
pub fn now_keeping_gate(home: &Path) -> anyhow::Result<Report> {
    let gate = Gate::load(home).ok().flatten();
    let (allowed, refused) = split_by_guard(&all_targets(home));
    let (aside, failed) = put_aside(home, &allowed);
    let mut report = if aside.is_empty() {
        Report::default()
    } else if pending::record(home, &aside).is_ok() {
        pending::finish(home)?
    } else {
        wipe::destroy_aside(&aside)?
    };
    report.failed.extend(failed);
    report.failed.extend(refused);
    match gate {
        Some(mut gate) => {
            gate.failures = 0;
            gate.save(home)?;
        }
        // The record's fresh home, now empty, goes too.
        None => {
            let _ = std::fs::remove_dir(home);
        }
    }
    Ok(report)
}
