//! Restoring a snapshot: into a staging directory beside the target, every
//! chunk authenticated (age AEAD, then keyed chunk ID), every file's length
//! checked, metadata applied, synced, then swapped into place in one rename.
//! On any failure the staging directory is removed and the target is exactly
//! as it was.

mod beneath;
mod fill;
mod place;
mod plan;
mod source;
mod tree;
mod warm;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use serde::Serialize;

use crate::progress::Progress;
use crate::repo::format::Snapshot;
use crate::repo::{Repo, RepoError};
use fill::Filling;
pub use place::check_target;
use place::{remove_stale_staging, swap_into_place, sync_tree, Staging};
use plan::Window;
pub use source::Source;
use tree::{outside_symlinks, Builder};
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
    /// The snapshot's header (its entries come from `source`).
    pub snapshot: &'a Snapshot,
    pub source: &'a Source<'a>,
    /// Restore only these paths (and the directories leading to them),
    /// relative to the data directory, normalised; empty: everything.
    pub include: &'a [Vec<u8>],
    pub target: &'a Path,
    pub force: bool,
    /// Keep setuid, setgid, sticky and world-write bits (dropped otherwise).
    pub keep_special_modes: bool,
    /// Bytes written of the snapshot's bytes.
    pub progress: &'a dyn Progress,
}

pub fn restore(req: RestoreRequest<'_>) -> anyhow::Result<RestoreSummary> {
    let started = Instant::now();
    return_large_buffers();
    let target_exists = check_target(req.target, req.force)?;

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

    let root = beneath::Beneath::open(&staging.path).map_err(|e| {
        anyhow::anyhow!(
            "cannot open staging directory {}: {e}",
            staging.path.display()
        )
    })?;
    if req.include.is_empty() {
        req.progress.set_total(req.snapshot.bytes);
    }
    let filling = Filling::new(&req, &root);
    let mut builder = Builder::new(&root, req.include, req.keep_special_modes);
    fill_windows(&req, &mut builder, &filling)?;
    if let Some(i) = builder.matched.iter().position(|m| !m) {
        return Err(RepoError::NoSuchPath(String::from_utf8_lossy(&req.include[i]).into()).into());
    }
    sync_tree(&staging.path)?;
    swap_into_place(&staging.path, req.target, target_exists)?;
    staging.done = true;
    req.progress.finish();

    let counts = &builder.counts;
    Ok(RestoreSummary {
        snapshot: req.snapshot_id.to_string(),
        time: req.snapshot.time,
        target: req.target.to_path_buf(),
        files: counts.files,
        dirs: counts.dirs,
        symlinks: counts.symlinks,
        bytes: counts.bytes,
        packs_read: filling.packs_read.into_inner(),
        bytes_downloaded: filling.downloaded.into_inner(),
        duration_secs: started.elapsed().as_secs_f64(),
        chain: None,
        notes: Vec::new(),
        outside_symlinks: outside_symlinks(&builder.links),
    })
}

/// Packs (8 MiB, a few at a time) are allocated and freed all restore
/// long: glibc's malloc would keep freed ones in its heaps (its mmap
/// threshold grows to the largest block freed), so memory is given back
/// to the system as soon as a pack is done with instead. Chunks (at most
/// 4 MiB) stay below the threshold: their memory is reused.
fn return_large_buffers() {
    #[cfg(target_env = "gnu")]
    // SAFETY: sets a malloc parameter; no memory is touched.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Reads the entries (creating them) into windows on this thread while
/// another fills the window before: at most two windows are held.
fn fill_windows(
    req: &RestoreRequest<'_>,
    builder: &mut Builder<'_>,
    filling: &Filling<'_, '_>,
) -> anyhow::Result<()> {
    // A rendezvous: one window filled while the next is read, no more.
    let (send, windows) = sync_channel::<Window>(0);
    std::thread::scope(|scope| {
        let filler = scope.spawn(move || -> anyhow::Result<()> {
            for mut window in windows {
                filling.fill(&mut window)?;
            }
            Ok(())
        });
        let mut window = Window::default();
        let read = req
            .source
            .for_each(|entry, blobs| {
                if window.cut_before(entry, blobs) {
                    send.send(std::mem::take(&mut window))
                        .map_err(|_| anyhow::anyhow!("the restore stopped"))?;
                }
                window.count();
                builder.add(entry, blobs, &mut window)
            })
            .and_then(|()| {
                builder.close_all(&mut window);
                if !window.is_empty() {
                    send.send(window)
                        .map_err(|_| anyhow::anyhow!("the restore stopped"))?;
                }
                Ok(())
            });
        drop(send);
        let filled = filler.join().expect("the filling thread does not panic");
        // The filler's error first: reading stops because filling did.
        filled.and(read)
    })
}
