//! `backup`'s engine: walk → read → chunk → hash → compress → seal → upload.
//!
//! The walk runs first (metadata only). Files the cache does not vouch for
//! are read by one worker per core; each worker chunks (FastCDC), hashes
//! (keyed BLAKE3), compresses (zstd) and fills its own pack. Sealed packs go
//! through a bounded queue to a few concurrent uploads, so memory stays
//! bounded whatever the data size. This thread records each stored pack in
//! the cache as it lands; the index and then the snapshot manifest are
//! written only once every pack they name is stored.

mod chunker;
mod manifest;
mod reader;
pub mod sqlite;
pub mod walk;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;

use crate::keys::PublicKeys;
use crate::repo::format::{self, ChunkId, Index, IndexPack};
use crate::repo::pack::SealedPack;
use crate::repo::{basename, Repo, DATA, INDEX, SNAPSHOTS};
use crate::state::cache::CachedSnapshot;
use crate::state::State;
use reader::JobResult;
pub use walk::Skipped;

/// Packs being uploaded at once, and sealed packs waiting for a slot.
/// Each pack is ~8 MiB, so these bound memory: (in flight + queued) packs.
/// A cloud store needs several requests in flight to hide latency; a local
/// folder is disk-bound and one more write behind the current one suffices.
fn upload_slots(repo: &Repo) -> (usize, usize) {
    if repo.store.is_local() {
        (2, 1)
    } else {
        (4, 2)
    }
}

pub struct BackupRequest<'a> {
    pub profile: &'a str,
    pub data_dir: &'a Path,
    pub keys: &'a PublicKeys,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    /// Where live databases are copied for a moment (crossing's home).
    pub tmp_dir: PathBuf,
    pub progress: Option<indicatif::ProgressBar>,
}

#[derive(Debug, Serialize)]
pub struct BackupSummary {
    pub snapshot: String,
    pub time: i64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    /// Total size of the files in the snapshot.
    pub bytes: u64,
    /// Files and bytes actually read (the rest was unchanged).
    pub files_read: u64,
    pub bytes_read: u64,
    pub new_chunks: u64,
    pub new_packs: u64,
    /// Bytes uploaded: new packs, index and manifest.
    pub bytes_stored: u64,
    pub duration_secs: f64,
    /// Paths not in the snapshot, and why: the exit code is then 3 (partial).
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
}

/// What a worker or an upload tells the coordinating thread.
enum Event {
    Done(JobResult),
    Stored { pack: IndexPack, blake3: Vec<u8> },
    UploadFailed(anyhow::Error),
}

/// Shared by the workers.
pub(crate) struct Shared<'a> {
    pub dedup_key: [u8; 32],
    pub recipient: age::x25519::Recipient,
    pub seen: Mutex<HashSet<ChunkId>>,
    pub new_chunks: AtomicU64,
    pub bytes_read: AtomicU64,
    pub abort: AtomicBool,
    /// Why a worker stopped the backup, if one did.
    pub fatal_error: Mutex<Option<String>>,
    pub tmp_dir: &'a Path,
}

impl Shared<'_> {
    pub fn fatal(&self, why: String) {
        self.fatal_error
            .lock()
            .expect("fatal slot")
            .get_or_insert(why);
        self.abort.store(true, Ordering::SeqCst);
    }
}

pub fn backup(
    state: &State,
    repo: &Repo,
    rt: &tokio::runtime::Handle,
    req: BackupRequest<'_>,
) -> anyhow::Result<BackupSummary> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let (time, nanos) = (started_at.as_secs() as i64, started_at.subsec_nanos());
    let recipient = req.keys.recipient()?;
    let cache_key = repo.cache_key();
    let mut warnings = Vec::new();
    if !rt.block_on(repo.init_if_missing(&recipient))? && state.forget_repository(&cache_key)? {
        warnings.push(format!(
            "{} held no repository for this pseudonym although this device had written one there; everything is uploaded again",
            repo.store.url()
        ));
    }
    // Chunks are reused only from packs the store still holds: another
    // device's prune, or a hand in the bucket, may have removed some. One
    // listing per backup; what is gone is uploaded again.
    let stored: HashMap<String, u64> = rt
        .block_on(repo.list(DATA))?
        .into_iter()
        .map(|l| (basename(&l.key).to_string(), l.size))
        .collect();
    let mut gone = 0;
    for (pack, (size, _)) in state.cached_packs(&cache_key)? {
        if stored.get(&pack) != Some(&size) {
            state.forget_pack(&cache_key, &pack)?;
            gone += 1;
        }
    }
    if gone > 0 {
        warnings.push(format!(
            "{gone} pack(s) this device had stored are no longer in {}; their data is uploaded again",
            repo.store.url()
        ));
    }

    let (found, mut skipped) = walk::walk(req.data_dir)?;
    let cache = state.file_cache(req.profile)?;
    // Where each reusable chunk is; new chunks are added as their packs land.
    let mut location = state.reusable_chunks(&cache_key, req.expires_at)?;
    let known: HashSet<ChunkId> = location.keys().copied().collect();
    let (jobs, reused) = reader::plan(&found, &cache, &known);
    let total_to_read: u64 = jobs.iter().map(|j| j.bytes(&found)).sum();
    if let Some(bar) = &req.progress {
        bar.set_length(total_to_read);
    }

    let shared = Shared {
        dedup_key: req.keys.dedup_key.0,
        recipient: recipient.clone(),
        seen: Mutex::new(known),
        new_chunks: AtomicU64::new(0),
        bytes_read: AtomicU64::new(0),
        abort: AtomicBool::new(false),
        fatal_error: Mutex::new(None),
        tmp_dir: &req.tmp_dir,
    };
    let (event_tx, event_rx) = mpsc::channel::<Event>();
    let (in_flight, queued) = upload_slots(repo);
    let (pack_tx, pack_rx) = tokio::sync::mpsc::channel::<SealedPack>(queued);
    let uploader = rt.spawn(upload_loop(
        repo.clone(),
        pack_rx,
        event_tx.clone(),
        in_flight,
    ));

    let mut results: Vec<JobResult> = Vec::new();
    let mut stored_bytes = 0u64;
    let mut new_packs = 0u64;
    let mut failure: Option<anyhow::Error> = None;
    let next_job = AtomicU64::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..workers {
            let (tx, packs, jobs, found, shared, next) = (
                event_tx.clone(),
                pack_tx.clone(),
                &jobs,
                &found,
                &shared,
                &next_job,
            );
            scope.spawn(move || {
                reader::work(jobs, found, shared, next, packs, |r| {
                    tx.send(Event::Done(r)).is_ok()
                })
            });
        }
        drop(event_tx);
        drop(pack_tx);
        loop {
            let event = match event_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(e) => e,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    tick(&req.progress, &shared);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            match event {
                Event::Done(r) => results.push(r),
                Event::Stored { mut pack, blake3 } => {
                    pack.expires_at = req.expires_at;
                    stored_bytes += pack.size;
                    new_packs += 1;
                    state.record_pack(&cache_key, &pack, &blake3, false)?;
                    for e in &pack.chunks {
                        location.insert(e.id, pack.id.clone());
                    }
                }
                Event::UploadFailed(e) => {
                    shared.abort.store(true, Ordering::SeqCst);
                    failure.get_or_insert(e);
                }
            }
            tick(&req.progress, &shared);
        }
        Ok(())
    })?;
    rt.block_on(uploader)
        .map_err(|e| anyhow::anyhow!("upload task failed: {e}"))?;
    if let Some(bar) = &req.progress {
        bar.finish_and_clear();
    }
    if let Some(why) = shared.fatal_error.lock().expect("fatal slot").take() {
        failure.get_or_insert(anyhow::anyhow!(why));
    }
    if let Some(e) = failure {
        return Err(e.context("backup stopped before writing a snapshot; every earlier snapshot is intact, and the next backup reuses what was uploaded"));
    }

    let tree = manifest::assemble(&found, reused, results, &mut skipped, &mut warnings);
    let (files, bytes) = (tree.files, tree.bytes);

    // Index every pack not yet indexed (this run's, and any a killed run left).
    let pending = state.pending_packs(&cache_key)?;
    if !pending.is_empty() {
        let index = format::encode_compressed(&Index {
            version: format::VERSION,
            packs: pending.clone(),
        })?;
        let (name, size) = rt.block_on(repo.put_object(INDEX, &index, &recipient))?;
        stored_bytes += size;
        state.mark_indexed(&cache_key, &pending, &name)?;
    }
    let manifest = format::Snapshot {
        version: format::VERSION,
        time,
        nanos,
        tags: req.tags.clone(),
        expires_at: req.expires_at,
        files,
        bytes,
        entries: tree.entries,
    };
    let encoded = format::encode_compressed(&manifest)?;
    let (snapshot, size) = rt.block_on(repo.put_object(SNAPSHOTS, &encoded, &recipient))?;
    stored_bytes += size;

    let packs: HashSet<String> = tree
        .referenced
        .iter()
        .filter_map(|c| location.get(c).cloned())
        .collect();
    let cached = CachedSnapshot {
        id: snapshot.clone(),
        time,
        nanos,
        files,
        bytes,
        expires_at: req.expires_at,
        tags: req.tags,
    };
    state.record_snapshot(&cache_key, &cached, &packs)?;
    state.replace_file_cache(
        req.profile,
        tree.cache.iter().map(|(p, c)| (p.as_slice(), c)),
    )?;

    Ok(BackupSummary {
        snapshot,
        time,
        files,
        dirs: tree.dirs,
        symlinks: tree.symlinks,
        bytes,
        files_read: tree.files_read,
        bytes_read: shared.bytes_read.load(Ordering::Relaxed),
        new_chunks: shared.new_chunks.load(Ordering::Relaxed),
        new_packs,
        bytes_stored: stored_bytes,
        duration_secs: started.elapsed().as_secs_f64(),
        skipped,
        warnings,
    })
}

fn tick(bar: &Option<indicatif::ProgressBar>, shared: &Shared<'_>) {
    if let Some(bar) = bar {
        bar.set_position(shared.bytes_read.load(Ordering::Relaxed));
    }
}

/// Uploads sealed packs, a few at a time, reporting each stored one.
async fn upload_loop(
    repo: Repo,
    mut packs: tokio::sync::mpsc::Receiver<SealedPack>,
    events: mpsc::Sender<Event>,
    in_flight: usize,
) {
    let mut inflight = FuturesUnordered::new();
    let mut open = true;
    while open || !inflight.is_empty() {
        tokio::select! {
            next = packs.recv(), if open && inflight.len() < in_flight => match next {
                Some(pack) => inflight.push(upload(repo.clone(), pack)),
                None => open = false,
            },
            Some(done) = inflight.next(), if !inflight.is_empty() => {
                let event = match done {
                    Ok((pack, blake3)) => Event::Stored { pack, blake3 },
                    Err(e) => {
                        // Stop taking packs: the workers see the closed queue and stop.
                        packs.close();
                        open = false;
                        Event::UploadFailed(e)
                    }
                };
                if events.send(event).is_err() {
                    return;
                }
            }
        }
    }
}

async fn upload(repo: Repo, pack: SealedPack) -> anyhow::Result<(IndexPack, Vec<u8>)> {
    let size = pack.bytes.len() as u64;
    let key = repo.pack_key(&pack.name);
    let hash = hex::decode(&pack.name)?;
    repo.store.put(&key, pack.bytes.into()).await?;
    Ok((
        IndexPack {
            id: pack.name,
            size,
            chunks: pack.entries,
            expires_at: None,
        },
        hash,
    ))
}
