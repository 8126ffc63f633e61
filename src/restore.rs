//! Restoring a snapshot: into a staging directory beside the target, every
//! chunk authenticated (age AEAD, then keyed chunk ID), every file's length
//! checked, metadata applied, synced, then swapped into place in one rename.
//! On any failure the staging directory is removed and the target is exactly
//! as it was.

use std::collections::{HashMap, HashSet};
use std::ffi::{CString, OsStr};
use std::fs::{self, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::error::{ExitKind, Fail};
use crate::repo::format::{self, ChunkId, Entry, IndexEntry, Kind, Snapshot};
use crate::repo::{ChunkMap, Repo, RepoError};

/// Packs downloaded and written at once.
const RESTORE_WORKERS: usize = 4;

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
    pub progress: Option<indicatif::ProgressBar>,
}

/// Refuses a target that is not a directory, or non-empty without `force`.
pub fn check_target(target: &Path, force: bool) -> anyhow::Result<bool> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::anyhow!("cannot inspect {}: {e}", target.display())),
        Ok(m) if !m.is_dir() => Err(Fail::new(
            ExitKind::Refused,
            format!(
                "{} exists and is not a directory; move it aside first",
                target.display()
            ),
        )
        .into()),
        Ok(_) => {
            let empty = fs::read_dir(target)?.next().is_none();
            if !empty && !force {
                return Err(Fail::new(
                    ExitKind::Refused,
                    format!(
                        "{} is not empty; restore into an empty or new directory, or pass --force to replace it (its contents are kept until the restored ones are in place)",
                        target.display()
                    ),
                )
                .into());
            }
            Ok(true)
        }
    }
}

/// A killed restore leaves its staging directory (plaintext) behind; the
/// next restore to the same target removes it.
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.crossing-restore-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = make_writable(&entry.path());
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Removes the staging directory unless the restore completed.
struct Staging {
    path: PathBuf,
    done: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = make_writable(&self.path);
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

pub fn restore(
    rt: &tokio::runtime::Handle,
    req: RestoreRequest<'_>,
) -> anyhow::Result<RestoreSummary> {
    let started = Instant::now();
    let target_exists = check_target(req.target, req.force)?;
    let plan = Plan::new(req.snapshot, req.index)?;

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

    let entries = &req.snapshot.entries;
    create_tree(&staging.path, entries)?;
    if let Some(bar) = &req.progress {
        bar.set_length(req.snapshot.bytes);
    }
    let downloaded = fill_files(rt, &req, &plan, &staging.path)?;
    verify_lengths(&staging.path, entries)?;
    apply_metadata(&staging.path, entries)?;
    sync_tree(&staging.path)?;
    swap_into_place(&staging.path, req.target, target_exists)?;
    staging.done = true;
    if let Some(bar) = &req.progress {
        bar.finish_and_clear();
    }

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
    })
}

/// Which pack each needed chunk comes from, and where each chunk goes.
struct Plan {
    packs: Vec<(String, Vec<IndexEntry>)>,
    /// chunk → (entry index, offset in the file)
    placements: HashMap<ChunkId, Vec<(usize, u64)>>,
    /// Per entry: chunks still to write (files only).
    chunks_left: Vec<AtomicUsize>,
}

impl Plan {
    fn new(snapshot: &Snapshot, index: &ChunkMap) -> anyhow::Result<Plan> {
        let mut by_pack: HashMap<String, Vec<IndexEntry>> = HashMap::new();
        let mut placements: HashMap<ChunkId, Vec<(usize, u64)>> = HashMap::new();
        for (i, e) in snapshot.entries.iter().enumerate() {
            if e.kind != Kind::File {
                continue;
            }
            let mut offset = 0u64;
            for id in e.chunk_ids() {
                let (pack, entry) = index.chunks.get(&id).ok_or_else(|| RepoError::Missing {
                    what: format!("a chunk of {}", String::from_utf8_lossy(&e.path)),
                    object: if index.unreadable.is_empty() {
                        format!("chunk {} (in no index)", hex::encode(&id[..8]))
                    } else {
                        format!(
                            "chunk {} (in no readable index; unreadable: {})",
                            hex::encode(&id[..8]),
                            index.unreadable.join("; ")
                        )
                    },
                })?;
                let spots = placements.entry(id).or_default();
                if spots.is_empty() {
                    by_pack.entry(pack.clone()).or_default().push(*entry);
                }
                spots.push((i, offset));
                offset += entry.raw_length as u64;
            }
            if offset != e.size {
                return Err(RepoError::Corrupt {
                    object: "snapshot manifest".into(),
                    why: format!(
                        "{}: chunks add up to {offset} bytes, size says {}",
                        String::from_utf8_lossy(&e.path),
                        e.size
                    ),
                }
                .into());
            }
        }
        let mut packs: Vec<_> = by_pack.into_iter().collect();
        packs.sort_by(|a, b| a.0.cmp(&b.0));
        let chunks_left = snapshot
            .entries
            .iter()
            .map(|e| AtomicUsize::new(e.chunks.len() / 32))
            .collect();
        Ok(Plan {
            packs,
            placements,
            chunks_left,
        })
    }
}

fn rel_path(root: &Path, e: &Entry) -> PathBuf {
    if e.path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(&e.path))
    }
}

/// Checks a manifest path before using it: relative, no `..`, no empty parts.
fn safe(e: &Entry) -> anyhow::Result<()> {
    let ok = e.path.is_empty()
        || (!e.path.starts_with(b"/")
            && e.path
                .split(|&b| b == b'/')
                .all(|c| !c.is_empty() && c != b"." && c != b".."));
    if !ok {
        return Err(RepoError::Corrupt {
            object: "snapshot manifest".into(),
            why: "a path escapes the data directory".into(),
        }
        .into());
    }
    Ok(())
}

/// Creates every entry. An entry's parent must be a directory this restore
/// created: a manifest (forged by someone holding the device's public key)
/// cannot route a write through one of its own symlinks to outside the target.
fn create_tree(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut dirs: HashSet<&[u8]> = HashSet::from([&b""[..]]);
    for e in entries {
        safe(e)?;
        if !seen.insert(&e.path) {
            return Err(RepoError::Corrupt {
                object: "snapshot manifest".into(),
                why: format!("{} appears twice", String::from_utf8_lossy(&e.path)),
            }
            .into());
        }
        if !e.path.is_empty() {
            let parent = match e.path.iter().rposition(|&b| b == b'/') {
                Some(slash) => &e.path[..slash],
                None => &b""[..],
            };
            if !dirs.contains(parent) {
                return Err(RepoError::Corrupt {
                    object: "snapshot manifest".into(),
                    why: format!(
                        "{} does not lie in a directory of the snapshot",
                        String::from_utf8_lossy(&e.path)
                    ),
                }
                .into());
            }
            if e.kind == Kind::Dir {
                dirs.insert(&e.path);
            }
        }
        let path = rel_path(root, e);
        let io = |err: std::io::Error| anyhow::anyhow!("cannot create {}: {err}", path.display());
        match e.kind {
            Kind::Dir if e.path.is_empty() => {}
            Kind::Dir => fs::create_dir(&path).map_err(io)?,
            // A file with content is created by its first chunk's writer
            // (one open per chunk instead of one more per file).
            Kind::File if e.size > 0 => {}
            Kind::File => {
                OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(io)?;
            }
            Kind::Symlink => {
                std::os::unix::fs::symlink(OsStr::from_bytes(&e.target), &path).map_err(io)?
            }
        }
    }
    Ok(())
}

/// Downloads each needed pack once (a few at a time), authenticates every
/// chunk, writes it wherever it belongs. Returns the bytes downloaded.
fn fill_files(
    rt: &tokio::runtime::Handle,
    req: &RestoreRequest<'_>,
    plan: &Plan,
    root: &Path,
) -> anyhow::Result<u64> {
    let next = AtomicUsize::new(0);
    let downloaded = AtomicU64::new(0);
    let written = AtomicU64::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..RESTORE_WORKERS {
            scope.spawn(|| loop {
                if failure.lock().expect("failure slot").is_some() {
                    return;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some((pack, wanted)) = plan.packs.get(n) else {
                    return;
                };
                let result = (|| -> anyhow::Result<()> {
                    let payload = rt.block_on(req.repo.fetch_pack(pack, req.identity))?;
                    downloaded.fetch_add(
                        req.index.pack_sizes.get(pack).copied().unwrap_or(0),
                        Ordering::Relaxed,
                    );
                    let key = req.repo.pack_key(pack);
                    format::split_pack(&payload).map_err(|e| RepoError::Corrupt {
                        object: key.clone(),
                        why: e.to_string(),
                    })?;
                    for entry in wanted {
                        let start = entry.offset as usize;
                        let blob = payload
                            .get(start..start + entry.length as usize)
                            .ok_or_else(|| RepoError::Corrupt {
                                object: key.clone(),
                                why: "a chunk lies outside the pack".into(),
                            })?;
                        let raw = format::open_blob(req.dedup_key, entry, blob).map_err(|e| {
                            RepoError::Corrupt {
                                object: key.clone(),
                                why: e.to_string(),
                            }
                        })?;
                        let zero = raw.iter().all(|&b| b == 0);
                        for &(idx, offset) in &plan.placements[&entry.id] {
                            let path = rel_path(root, &req.snapshot.entries[idx]);
                            let f = OpenOptions::new()
                                .write(true)
                                .create(true)
                                .truncate(false)
                                .custom_flags(libc::O_NOFOLLOW)
                                .open(&path)?;
                            // Sparse from the start: all-zero chunks are never written.
                            let size = req.snapshot.entries[idx].size;
                            if f.metadata()?.len() != size {
                                f.set_len(size)?;
                            }
                            if !zero {
                                f.write_all_at(&raw, offset).map_err(|e| {
                                    anyhow::anyhow!("cannot write {}: {e}", path.display())
                                })?;
                            }
                            if plan.chunks_left[idx].fetch_sub(1, Ordering::AcqRel) == 1 {
                                start_writeback(&f);
                            }
                            let total = written.fetch_add(raw.len() as u64, Ordering::Relaxed)
                                + raw.len() as u64;
                            if let Some(bar) = &req.progress {
                                bar.set_position(total);
                            }
                        }
                    }
                    Ok(())
                })();
                if let Err(e) = result {
                    failure.lock().expect("failure slot").get_or_insert(e);
                    return;
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("failure slot") {
        return Err(e);
    }
    Ok(downloaded.into_inner())
}

fn verify_lengths(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    for e in entries.iter().filter(|e| e.kind == Kind::File) {
        let path = rel_path(root, e);
        let len = fs::metadata(&path)?.len();
        anyhow::ensure!(
            len == e.size,
            "restored {} has {len} bytes, expected {}",
            path.display(),
            e.size
        );
    }
    Ok(())
}

/// Modes and times: files and symlinks first, then directories deepest
/// first (so a read-only directory does not block its children).
fn apply_metadata(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    for e in entries.iter().filter(|e| e.kind != Kind::Dir) {
        let path = rel_path(root, e);
        if e.kind == Kind::File {
            fs::set_permissions(&path, fs::Permissions::from_mode(e.mode))?;
        }
        set_mtime(&path, e.mtime_ns)?;
    }
    let mut dirs: Vec<&Entry> = entries.iter().filter(|e| e.kind == Kind::Dir).collect();
    dirs.sort_by_key(|e| {
        std::cmp::Reverse(
            e.path.iter().filter(|&&b| b == b'/').count() + usize::from(!e.path.is_empty()),
        )
    });
    for e in dirs {
        let path = rel_path(root, e);
        fs::set_permissions(&path, fs::Permissions::from_mode(e.mode))?;
        set_mtime(&path, e.mtime_ns)?;
    }
    Ok(())
}

/// Sets a path's mtime (and atime) without following a symlink.
fn set_mtime(path: &Path, mtime_ns: i64) -> anyhow::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes())?;
    let ts = libc::timespec {
        tv_sec: mtime_ns.div_euclid(1_000_000_000),
        tv_nsec: mtime_ns.rem_euclid(1_000_000_000),
    };
    let times = [ts, ts];
    // SAFETY: valid C string and two timespecs.
    let rc = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        anyhow::bail!(
            "cannot set the time of {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// Starts writing a finished file to disk now, without waiting: the final
/// `syncfs` then finds little left to do, and disk writes overlap downloads.
fn start_writeback(file: &fs::File) {
    // SAFETY: a valid open descriptor; the flag only schedules writeback.
    unsafe {
        libc::sync_file_range(
            std::os::fd::AsRawFd::as_raw_fd(file),
            0,
            0,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

/// One `syncfs` for the whole staging tree: cheaper than an fsync per file.
fn sync_tree(root: &Path) -> anyhow::Result<()> {
    let dir = fs::File::open(root)?;
    // SAFETY: a valid open descriptor.
    let rc = unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&dir)) };
    if rc != 0 {
        anyhow::bail!(
            "cannot sync {}: {}",
            root.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// Puts the staging tree at `target`. An existing target is exchanged
/// atomically (renameat2 RENAME_EXCHANGE), then its old contents removed.
fn swap_into_place(staging: &Path, target: &Path, target_exists: bool) -> anyhow::Result<()> {
    if !target_exists {
        fs::rename(staging, target).map_err(|e| {
            anyhow::anyhow!("cannot move the restored tree to {}: {e}", target.display())
        })?;
    } else {
        let a = CString::new(staging.as_os_str().as_bytes())?;
        let b = CString::new(target.as_os_str().as_bytes())?;
        // SAFETY: valid C strings.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc != 0 {
            anyhow::bail!(
                "cannot swap the restored tree into {}: {}",
                target.display(),
                std::io::Error::last_os_error()
            );
        }
        // The old contents now sit at the staging path.
        let _ = make_writable(staging);
        fs::remove_dir_all(staging).map_err(|e| {
            anyhow::anyhow!(
                "restored, but the old contents at {} could not be removed: {e}",
                staging.display()
            )
        })?;
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// Gives the owner write access to every directory below `root`, so it can be removed.
fn make_writable(root: &Path) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(root)?;
    if meta.is_dir() {
        let mode = meta.permissions().mode();
        fs::set_permissions(root, fs::Permissions::from_mode(mode | 0o700))?;
        for entry in fs::read_dir(root)? {
            make_writable(&entry?.path())?;
        }
    }
    Ok(())
}
