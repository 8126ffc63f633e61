//! Destroying a profile's data directory and crossing's own home so that the
//! device looks as if neither the client nor crossing had ever held data.
//! What this does and does not achieve is in docs/wipe.md.
//!
//! - `guard`: which directories may be wiped at all;
//! - `shred`: destroying one tree, file by file;
//! - `walk`: directory descriptors, so that no walk can be redirected by a
//!   swapped-in symlink or cross into another mount;
//! - `freespace`: `--thorough` free-space fill and journal churn;
//! - `keys`: the client's database key and database head, destroyed first;
//! - `aside`: the instant part of an emergency wipe (rename aside on the
//!   same filesystem), so the slow part can run in the background.

pub mod aside;
pub mod freespace;
pub mod guard;
pub mod keys;
mod shred;
mod walk;

pub(crate) use shred::sync_dir;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::ExitKind;
use crate::progress::{Progress, Silent};
use crate::state::profiles::{Client, KeyMaterial, Profile};

#[derive(Debug, thiserror::Error)]
pub enum WipeError {
    #[error("refusing to wipe {path}: it {why}; check the profile's data directory (`crossing profile show`) or --home")]
    Refused { path: PathBuf, why: guard::Refusal },
    #[error("the wipe finished, but {left} of the paths could not be destroyed (listed above); fix their permissions or unmount what is mounted below, then run the wipe again")]
    Incomplete { left: usize },
}

impl WipeError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            WipeError::Refused { .. } => ExitKind::Refused,
            WipeError::Incomplete { .. } => ExitKind::Partial,
        }
    }
}

/// A directory to destroy and, for the user, what it is.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub path: PathBuf,
    pub what: String,
    /// The client's key files and databases, destroyed before anything else.
    #[serde(skip)]
    pub keys: KeyMaterial,
}

impl Target {
    /// A profile's data directory, with its client's key material.
    pub fn data_dir(profile: &str, path: &Path, client: Client) -> Target {
        Target {
            path: path.to_path_buf(),
            what: format!("data directory of profile \"{profile}\""),
            keys: client.key_material(),
        }
    }
}

/// A target after the guard rails, with what it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub path: PathBuf,
    pub what: String,
    pub exists: bool,
    pub files: u64,
    pub bytes: u64,
    pub dirs: u64,
    pub others: u64,
    /// Paths below it on another filesystem or mount: listed, never entered.
    pub other_filesystems: Vec<PathBuf>,
    #[serde(skip)]
    keys: KeyMaterial,
    #[serde(skip)]
    dev: u64,
}

/// Checks every target against the guard rails (all or nothing) and counts
/// what each holds. Nested or repeated targets are reduced to the outermost.
pub fn plan(targets: &[Target]) -> Result<Vec<Planned>, WipeError> {
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut planned = Vec::new();
    for t in targets {
        guard::check(&t.path).map_err(|why| WipeError::Refused {
            path: t.path.clone(),
            why,
        })?;
    }
    for t in targets {
        if targets
            .iter()
            .any(|o| o.path != t.path && t.path.starts_with(&o.path))
            || !seen.insert(t.path.clone())
        {
            continue;
        }
        let mut p = Planned {
            path: t.path.clone(),
            what: t.what.clone(),
            exists: false,
            files: 0,
            bytes: 0,
            dirs: 0,
            others: 0,
            other_filesystems: Vec::new(),
            keys: t.keys,
            dev: 0,
        };
        if let Ok(meta) = std::fs::symlink_metadata(&t.path) {
            // One that cannot be opened is still planned: the wipe reports it.
            p.exists = true;
            p.dev = std::os::unix::fs::MetadataExt::dev(&meta);
            if let Ok(root) = walk::Root::open(&t.path) {
                count(&root.dir, &mut p);
            }
        }
        planned.push(p);
    }
    Ok(planned)
}

/// Counts what `dir` holds, through the same descriptors a wipe uses.
fn count(dir: &walk::Dir, p: &mut Planned) {
    p.dirs += 1;
    let Ok((entries, _)) = dir.list() else {
        return;
    };
    for e in entries {
        if dir.foreign(&e).is_some() {
            p.other_filesystems.push(e.path);
            continue;
        }
        match e.kind {
            walk::Kind::Dir => {
                if let Ok(child) = dir.open_dir(&e) {
                    count(&child, p);
                }
            }
            walk::Kind::File => {
                p.files += 1;
                p.bytes += e.size;
            }
            walk::Kind::Other => p.others += 1,
        }
    }
}

/// What could not be destroyed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub path: PathBuf,
    pub error: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Key files and database heads destroyed first (`keys`).
    pub keys_destroyed: u64,
    pub files_destroyed: u64,
    pub bytes_overwritten: u64,
    /// `--thorough`: free space overwritten, and journal metadata churned
    /// (bytes, hence their JSON names).
    #[serde(rename = "bytes_free_space_filled")]
    pub free_space_filled: u64,
    #[serde(rename = "bytes_journal_churned")]
    pub journal_churned: u64,
    pub failed: Vec<Failure>,
}

impl Report {
    /// Non-zero (exit 3) when anything was left.
    pub fn result(&self) -> Result<(), WipeError> {
        if self.failed.is_empty() {
            Ok(())
        } else {
            Err(WipeError::Incomplete {
                left: self.failed.len(),
            })
        }
    }
}

/// The profiles' data directories, then (unless kept) crossing's home.
pub fn targets(home: &Path, profiles: &[Profile], keep_state: bool) -> Vec<Target> {
    let mut out: Vec<Target> = profiles
        .iter()
        .map(|p| {
            let client = Client::from_name(&p.client).unwrap_or(Client::Generic);
            Target::data_dir(&p.name, &p.data_dir, client)
        })
        .collect();
    if !keep_state {
        out.push(home_target(home));
    }
    out
}

/// crossing's home, as a target.
pub fn home_target(home: &Path) -> Target {
    Target {
        path: std::path::absolute(home).unwrap_or_else(|_| home.to_path_buf()),
        what: "crossing's home: state database, caches, locks".into(),
        keys: KeyMaterial::default(),
    }
}

/// The key step of every target, before any walk (see `keys`).
fn destroy_keys_first(planned: &[Planned], report: &mut Report) {
    for p in planned.iter().filter(|p| p.exists) {
        let done = keys::destroy(&p.path, &p.keys);
        report.keys_destroyed += done.files;
        report.failed.extend(done.failed);
    }
}

/// Counts what is destroyed, collects what is not, and reports progress.
pub(crate) struct Tally<'a> {
    report: &'a mut Report,
    progress: &'a dyn Progress,
}

impl Tally<'_> {
    fn add_bytes(&mut self, n: u64) {
        self.report.bytes_overwritten += n;
        self.progress.add_done(n);
    }
    fn file_done(&mut self, _len: u64) {
        self.report.files_destroyed += 1;
    }
    fn failures(&self) -> usize {
        self.report.failed.len()
    }
    fn fail(&mut self, path: &Path, error: String) {
        self.report.failed.push(Failure {
            path: path.to_path_buf(),
            error,
        });
    }
}

/// Destroys every planned target; keeps going past errors and reports them.
/// `thorough` also fills each filesystem's free space. Progress counts the
/// bytes overwritten (files, then free space).
pub fn execute(planned: &[Planned], thorough: bool, progress: &dyn Progress) -> Report {
    let mut report = Report::default();
    destroy_keys_first(planned, &mut report);
    progress.set_total(planned.iter().map(|p| p.bytes).sum());
    let mut filesystems: Vec<PathBuf> = Vec::new();
    let mut devs: BTreeSet<u64> = BTreeSet::new();
    for p in planned.iter().filter(|p| p.exists) {
        // What lies on another filesystem or mount is reported by the walk
        // itself, when it meets it.
        let mut tally = Tally {
            report: &mut report,
            progress,
        };
        shred::destroy_tree(&p.path, p.dev, &mut tally);
        if devs.insert(p.dev) {
            if let Some(parent) = p.path.parent() {
                filesystems.push(parent.to_path_buf());
            }
        }
    }
    for dir in &filesystems {
        if thorough {
            progress.set_total(
                report.bytes_overwritten + report.free_space_filled + freespace::free_bytes(dir),
            );
            let mut on_bytes = |n: u64| progress.add_done(n);
            match freespace::fill(dir, &mut on_bytes) {
                Ok(n) => report.free_space_filled += n,
                Err(e) => report.failed.push(Failure {
                    path: dir.clone(),
                    error: format!("free-space fill failed: {e}"),
                }),
            }
        }
        match freespace::churn_journal(dir) {
            Ok(n) => report.journal_churned += n,
            Err(e) => report.failed.push(Failure {
                path: dir.clone(),
                error: format!("journal churn failed: {e}"),
            }),
        }
    }
    progress.finish();
    report
}

/// Destroys directories already renamed aside by [`aside::rename_aside`]
/// (the detached half of an emergency wipe). Anything else is refused.
pub fn destroy_aside(paths: &[PathBuf]) -> Result<Report, WipeError> {
    let mut targets = Vec::new();
    for p in paths {
        if !aside::is_aside_name(p) {
            return Err(WipeError::Refused {
                path: p.clone(),
                why: guard::Refusal::NotAside,
            });
        }
        targets.push(Target {
            path: p.clone(),
            what: "renamed aside".into(),
            keys: KeyMaterial::default(), // destroyed before the rename
        });
    }
    let planned = plan(&targets)?;
    Ok(execute(&planned, false, &Silent))
}
