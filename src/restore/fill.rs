//! Downloading packs and writing every chunk where it belongs.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::beneath::Beneath;
use super::plan::Plan;
use super::tree::rel_path;
use super::RestoreRequest;
use crate::repo::format::{self, ChunkId, IndexEntry};
use crate::repo::RepoError;

/// Packs downloaded and written at once.
const RESTORE_WORKERS: usize = 4;

/// Every copy of each chunk the indexes list, read once, when a pack fails.
type Copies = HashMap<ChunkId, Vec<(String, IndexEntry)>>;

/// What the workers share.
struct Filling<'r, 'a> {
    req: &'r RestoreRequest<'a>,
    plan: &'r Plan,
    root: &'r Beneath,
    downloaded: AtomicU64,
    written: AtomicU64,
    copies: OnceLock<Result<Copies, String>>,
}

/// Downloads each needed pack once (a few at a time), authenticates every
/// chunk, writes it wherever it belongs. A pack that is missing or fails to
/// authenticate is replaced by other copies of its chunks, if the indexes
/// list any (a backup stores the data of a damaged pack again). Returns the
/// bytes downloaded.
pub(super) fn fill_files(
    req: &RestoreRequest<'_>,
    plan: &Plan,
    root: &Beneath,
) -> anyhow::Result<u64> {
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let filling = Filling {
        req,
        plan,
        root,
        downloaded: AtomicU64::new(0),
        written: AtomicU64::new(0),
        copies: OnceLock::new(),
    };
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
                if let Err(e) = filling.pack_or_copies(pack, wanted) {
                    failure.lock().expect("failure slot").get_or_insert(e);
                    return;
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("failure slot") {
        return Err(e);
    }
    Ok(filling.downloaded.into_inner())
}

impl Filling<'_, '_> {
    /// Writes `wanted` from `pack`, or what is left of it from other packs.
    fn pack_or_copies(&self, pack: &str, wanted: &[IndexEntry]) -> anyhow::Result<()> {
        let (done, err) = match self.write_from(pack, wanted) {
            Ok(()) => return Ok(()),
            Err(failed) => failed,
        };
        if !is_damage(&err) {
            return Err(err);
        }
        let mut failed: HashSet<String> = HashSet::from([pack.to_string()]);
        let mut left: Vec<IndexEntry> = wanted[done..].to_vec();
        while !left.is_empty() {
            let copies = match self.copies.get_or_init(|| {
                self.req
                    .repo
                    .chunk_copies(self.req.identity)
                    .map_err(|e| format!("{e:#}"))
            }) {
                Ok(copies) => copies,
                Err(_) => return Err(err),
            };
            // Each chunk from an intact pack not tried yet; the placements
            // stay those of the chunk ID, whatever pack it comes from.
            let mut by_pack: HashMap<&str, Vec<IndexEntry>> = HashMap::new();
            for entry in &left {
                let other = copies
                    .get(&entry.id)
                    .and_then(|c| c.iter().find(|(p, _)| !failed.contains(p)));
                match other {
                    Some((p, e)) => by_pack.entry(p.as_str()).or_default().push(*e),
                    None => return Err(err), // the only copies are damaged
                }
            }
            left.clear();
            for (other, entries) in by_pack {
                if let Err((done, e)) = self.write_from(other, &entries) {
                    if !is_damage(&e) {
                        return Err(e);
                    }
                    failed.insert(other.to_string());
                    left.extend_from_slice(&entries[done..]);
                }
            }
        }
        Ok(())
    }

    /// Writes `wanted` from `pack`; on failure, how many were written first.
    fn write_from(&self, pack: &str, wanted: &[IndexEntry]) -> Result<(), (usize, anyhow::Error)> {
        let req = self.req;
        let payload = req
            .repo
            .fetch_pack(pack, req.identity)
            .map_err(|e| (0, e))?;
        let size = req.index.pack_sizes.get(pack).copied();
        self.downloaded
            .fetch_add(size.unwrap_or(payload.len() as u64), Ordering::Relaxed);
        let key = req.repo.pack_key(pack);
        let corrupt = |e: anyhow::Error| {
            anyhow::Error::from(RepoError::Corrupt {
                object: key.clone(),
                why: e.to_string(),
            })
        };
        format::split_pack(&payload).map_err(|e| (0, corrupt(e)))?;
        for (n, entry) in wanted.iter().enumerate() {
            let raw = format::blob(&payload, entry)
                .and_then(|blob| format::open_blob(req.dedup_key, entry, blob))
                .map_err(|e| (n, corrupt(e)))?;
            self.place(&raw, &entry.id).map_err(|e| (n, e))?;
        }
        Ok(())
    }

    /// Writes one authenticated chunk at each of its places.
    fn place(&self, raw: &[u8], id: &ChunkId) -> anyhow::Result<()> {
        let (req, plan) = (self.req, self.plan);
        let zero = raw.iter().all(|&b| b == 0);
        for &(idx, offset) in &plan.placements[id] {
            let entry = &req.snapshot.entries[idx];
            let path = rel_path(&self.root.path, entry);
            // Through the staging root's descriptor: a symlink swapped in
            // below it cannot redirect the write.
            let f = self
                .root
                .open_write(&entry.path)
                .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
            // Sparse from the start: all-zero chunks are never written.
            let size = req.snapshot.entries[idx].size;
            if f.metadata()?.len() != size {
                f.set_len(size)?;
            }
            if !zero {
                f.write_all_at(raw, offset)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            }
            if plan.chunks_left[idx].fetch_sub(1, Ordering::AcqRel) == 1 {
                start_writeback(&f);
            }
            let total =
                self.written.fetch_add(raw.len() as u64, Ordering::Relaxed) + raw.len() as u64;
            req.progress.set_done(total);
        }
        Ok(())
    }
}

/// A pack that is gone or does not authenticate (not a store outage, not a
/// local write error): another copy of its chunks will do.
fn is_damage(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<RepoError>(),
        Some(RepoError::Corrupt { .. } | RepoError::Missing { .. })
    )
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
