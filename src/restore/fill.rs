//! Downloading packs and writing every chunk where it belongs.

use std::fs;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::beneath::Beneath;
use super::plan::Plan;
use super::tree::rel_path;
use super::RestoreRequest;
use crate::repo::format;
use crate::repo::RepoError;

/// Packs downloaded and written at once.
const RESTORE_WORKERS: usize = 4;

/// Downloads each needed pack once (a few at a time), authenticates every
/// chunk, writes it wherever it belongs. Returns the bytes downloaded.
pub(super) fn fill_files(
    req: &RestoreRequest<'_>,
    plan: &Plan,
    root: &Beneath,
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
                    let payload = req.repo.fetch_pack(pack, req.identity)?;
                    downloaded.fetch_add(
                        req.index.pack_sizes.get(pack).copied().unwrap_or(0),
                        Ordering::Relaxed,
                    );
                    let key = req.repo.pack_key(pack);
                    let corrupt = |e: anyhow::Error| RepoError::Corrupt {
                        object: key.clone(),
                        why: e.to_string(),
                    };
                    format::split_pack(&payload).map_err(corrupt)?;
                    for entry in wanted {
                        let raw = format::blob(&payload, entry)
                            .and_then(|blob| format::open_blob(req.dedup_key, entry, blob))
                            .map_err(corrupt)?;
                        let zero = raw.iter().all(|&b| b == 0);
                        for &(idx, offset) in &plan.placements[&entry.id] {
                            let e = &req.snapshot.entries[idx];
                            let path = || rel_path(&root.path, e);
                            let f = root.open_write(&e.path).map_err(|err| {
                                anyhow::anyhow!("cannot open {}: {err}", path().display())
                            })?;
                            // Sparse from the start: all-zero chunks are never written.
                            let size = req.snapshot.entries[idx].size;
                            if f.metadata()?.len() != size {
                                f.set_len(size)?;
                            }
                            if !zero {
                                f.write_all_at(&raw, offset).map_err(|e| {
                                    anyhow::anyhow!("cannot write {}: {e}", path().display())
                                })?;
                            }
                            if plan.chunks_left[idx].fetch_sub(1, Ordering::AcqRel) == 1 {
                                start_writeback(&f);
                            }
                            let total = written.fetch_add(raw.len() as u64, Ordering::Relaxed)
                                + raw.len() as u64;
                            req.progress.set_done(total);
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
