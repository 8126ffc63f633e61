//! Restoring a snapshot: into a staging directory beside the target, every
//! chunk authenticated (age AEAD, then keyed chunk ID), every file's length
//! checked, metadata applied, synced, then swapped into place in one rename.
//! On any failure the staging directory is removed and the target is exactly
//! as it was.

mod beneath;
mod fill;
mod place;
mod plan;
mod tree;
mod warm;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::repo::format::{Kind, Snapshot};
use crate::repo::{ChunkMap, Repo};
pub use place::check_target;
use place::{remove_stale_staging, swap_into_place, sync_tree, Staging};
use plan::Plan;
use tree::{apply_metadata, create_tree, hard_links, make_links, outside_symlinks, verify_lengths};
pub use warm::{restore_with_phrase, PhraseRestore, Restored};

#[derive(Debug, Serialize)]
pub struct RestoreSummary {
    pub snapshot: String,
    pub time: i64,
    pub target: PathBuf,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub bytes: u64,
    pub packs_read: u64,
    pub bytes_downloaded: u64,
    pub duration_secs: f64,
    /// Whether the chain the snapshot belongs to was sealed by depart.
    pub chain: Option<String>,
    /// Forks and gaps in the repository's history.
    pub notes: Vec<String>,
    /// Symlinks restored as they were, whose targets lie outside the
    /// restored directory (absolute, or above it with `..`).
    pub outside_symlinks: Vec<OutsideSymlink>,
}

#[derive(Debug, Serialize)]
pub struct OutsideSymlink {
    /// The link, relative to the restored directory.
    pub path: String,
    pub target: String,
}

pub struct RestoreRequest<'a> {
    pub repo: &'a Repo,
    pub identity: &'a age::x25519::Identity,
    pub dedup_key: &'a [u8; 32],
    pub snapshot_id: &'a str,
    pub snapshot: &'a Snapshot,
    pub index: &'a ChunkMap,
    pub target: &'a Path,
    pub force: bool,
    /// Keep setuid, setgid, sticky and world-write bits (dropped otherwise).
    pub keep_special_modes: bool,
    /// Bytes written of the snapshot's bytes.
    pub progress: &'a dyn Progress,
}

pub fn restore(req: RestoreRequest<'_>) -> anyhow::Result<RestoreSummary> {
    let started = Instant::now();
    let target_exists = check_target(req.target, req.force)?;
    let links = hard_links(&req.snapshot.entries);
    let plan = Plan::new(req.snapshot, req.index, &links)?;

    let parent = req
        .target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
    let name = req
        .target
        .file_name()
        .unwrap_or(OsStr::new("data"))
        .to_string_lossy();
    remove_stale_staging(parent, &name);
    let mut staging = Staging {
        path: parent.join(format!(
            ".{name}.crossing-restore-{}",
            hex::encode(rand::random::<[u8; 6]>())
        )),
        done: false,
    };
    fs::create_dir(&staging.path).map_err(|e| {
        anyhow::anyhow!(
            "cannot create staging directory {}: {e}",
            staging.path.display()
        )
    })?;

    let tree = beneath::Beneath::open(&staging.path).map_err(|e| {
        anyhow::anyhow!(
            "cannot open staging directory {}: {e}",
            staging.path.display()
        )
    })?;
    let entries = &req.snapshot.entries;
    create_tree(&tree, entries, &links)?;
    // A hard link's bytes are its first name's: written once.
    let linked: u64 = links.keys().map(|&i| entries[i].size).sum();
    req.progress
        .set_total(req.snapshot.bytes.saturating_sub(linked));
    let downloaded = fill::fill_files(&req, &plan, &tree)?;
    make_links(&tree, entries, &links)?;
    verify_lengths(&tree, entries)?;
    apply_metadata(&tree, entries, req.keep_special_modes)?;
    sync_tree(&staging.path)?;
    swap_into_place(&staging.path, req.target, target_exists)?;
    staging.done = true;
    req.progress.finish();

    let count = |k: Kind| entries.iter().filter(|e| e.kind == k).count() as u64;
    Ok(RestoreSummary {
        snapshot: req.snapshot_id.to_string(),
        time: req.snapshot.time,
        target: req.target.to_path_buf(),
        files: count(Kind::File),
        dirs: count(Kind::Dir),
        symlinks: count(Kind::Symlink),
        bytes: req.snapshot.bytes,
        packs_read: plan.packs.len() as u64,
        bytes_downloaded: downloaded,
        duration_secs: started.elapsed().as_secs_f64(),
        chain: None,
        notes: Vec::new(),
        outside_symlinks: outside_symlinks(entries),
    })
}
