//! The wipes nobody confirms: a duress code, the failure limit, the dead-man
//! switch, a remote wipe. Each destroys every profile's data directory and
//! crossing's home; how fast the data disappears differs:
//! - `now`: in this process, for cron-driven triggers that can take their time;
//! - `aside_and_detach`: the directories are renamed aside at once (same
//!   filesystem, milliseconds whatever the data size) and a detached
//!   process does the slow destruction (`protect::pending`: recorded first,
//!   resumed by every later crossing run until done), so the unlock gate
//!   returns as fast as after a normal unlock.

use std::path::{Path, PathBuf};

use crate::progress::Silent;
use crate::protect::duress::Gate;
use crate::protect::pending;
use crate::protect::wipe::{self, Report, Target};
use crate::state::{State, DB_FILE};

/// Every profile's data directory and crossing's home; best effort when the
/// state cannot be read (the home alone is still destroyed).
pub fn all_targets(home: &Path) -> Vec<Target> {
    let profiles = if home.join(DB_FILE).exists() {
        State::open(home)
            .and_then(|s| s.profiles())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    wipe::targets(home, &profiles, false)
}

/// One profile's data directory (if it is known: after a duress wipe no
/// profile is) or every profile's, and crossing's home.
pub fn targets_for(home: &Path, profile: Option<&str>) -> Vec<Target> {
    let Some(name) = profile else {
        return all_targets(home);
    };
    let known = State::open(home)
        .and_then(|s| s.profile(name))
        .ok()
        .flatten();
    wipe::targets(home, known.as_slice(), false)
}

/// Destroys everything in this process and reports what was left.
pub fn now(targets: &[Target]) -> anyhow::Result<Report> {
    let planned = wipe::plan(targets)?;
    Ok(wipe::execute(&planned, false, &Silent))
}

/// Renames every target aside, then starts a detached process to destroy
/// them. Returns once the renames and the record of pending destruction
/// (in a fresh `home`) are on disk; the caller recreates what the gate
/// needs in that home.
pub fn aside_and_detach(home: &Path, targets: &[Target]) -> anyhow::Result<()> {
    // What an earlier, unfinished destruction left: the record lives in the
    // home, which is about to be renamed aside too.
    let mut aside: Vec<PathBuf> = pending::paths(home).unwrap_or_default();
    let mut first_error = None;
    for t in targets {
        match wipe::aside::rename_aside(&t.path) {
            Ok(Some(p)) => aside.push(p),
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if !aside.is_empty() {
        spawn_destroyer(home, &aside)?;
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
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
