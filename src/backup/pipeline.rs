//! Reading and uploading together: worker threads read, chunk and pack;
//! sealed packs go through the store's bounded upload pipeline; this thread
//! records each pack in the cache as it lands and reports progress.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use super::locations::Locations;
use super::reader::{self, Job, JobResult};
use super::walk::Found;
use super::BackupRequest;
use crate::progress::Progress;
use crate::repo::format::{ChunkId, IndexEntry, IndexPack};
use crate::repo::Repo;
use crate::state::State;

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

/// A sealed pack on its way to the store.
pub struct Uploading {
    pub name: String,
    pub size: u64,
    pub entries: Vec<IndexEntry>,
}

/// What a worker or an upload tells the coordinating thread.
enum Event {
    Done(JobResult),
    Stored(Uploading),
    UploadFailed(anyhow::Error),
}

/// Shared by the workers.
pub(crate) struct Shared<'a> {
    pub dedup_key: [u8; 32],
    pub recipient: age::x25519::Recipient,
    pub repo: &'a Repo,
    /// Chunks stored before this run: not stored again.
    pub known: &'a Locations,
    /// Chunks this run has claimed (the first reader to meet one packs it).
    pub seen: Mutex<HashSet<ChunkId>>,
    pub new_chunks: AtomicU64,
    pub bytes_read: AtomicU64,
    pub abort: AtomicBool,
    /// Why a worker stopped the backup, if one did.
    pub fatal_error: Mutex<Option<String>>,
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

pub struct Input<'a> {
    pub jobs: &'a [Job],
    pub found: &'a [Found],
    /// Where each chunk the repository has is (they are not stored again).
    pub known: &'a Locations,
    pub req: &'a BackupRequest<'a>,
    /// Bytes read of the bytes to read (of every run of this backup).
    pub progress: &'a dyn Progress,
    pub recipient: &'a age::x25519::Recipient,
}

#[derive(Default)]
pub struct Read {
    pub results: Vec<JobResult>,
    /// The packs this run stored, with their chunks and rows in the cache.
    pub stored: Vec<(IndexPack, i64)>,
    pub stored_bytes: u64,
    pub new_packs: u64,
    pub new_chunks: u64,
    pub bytes_read: u64,
}

/// Reads every job and stores every new chunk; returns once every pack is
/// stored and recorded, or with the first failure.
pub fn run(state: &State, repo: &Repo, input: Input<'_>) -> anyhow::Result<Read> {
    let req = input.req;
    let cache_key = repo.cache_key();
    let total_to_read: u64 = input.jobs.iter().map(|j| j.bytes(input.found)).sum();
    input.progress.set_total(total_to_read);
    let shared = Shared {
        dedup_key: req.keys.dedup_key.0,
        recipient: input.recipient.clone(),
        repo,
        known: input.known,
        seen: Mutex::new(HashSet::new()),
        new_chunks: AtomicU64::new(0),
        bytes_read: AtomicU64::new(0),
        abort: AtomicBool::new(false),
        fatal_error: Mutex::new(None),
    };
    let (event_tx, event_rx) = mpsc::channel::<Event>();
    let (in_flight, queued) = upload_slots(repo);
    let (pack_tx, uploads) = {
        let events = event_tx.clone();
        repo.store
            .uploads(in_flight, queued, move |pack: Uploading, result| {
                let event = match result {
                    Ok(()) => Event::Stored(pack),
                    Err(e) => Event::UploadFailed(e),
                };
                events.send(event).is_ok()
            })
    };

    let mut read = Read {
        results: Vec::new(),
        stored: Vec::new(),
        stored_bytes: 0,
        new_packs: 0,
        new_chunks: 0,
        bytes_read: 0,
    };
    let mut failure: Option<anyhow::Error> = None;
    let next_job = AtomicU64::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..workers {
            let (tx, packs, shared, next) = (event_tx.clone(), pack_tx.clone(), &shared, &next_job);
            let (jobs, found) = (input.jobs, input.found);
            scope.spawn(move || {
                reader::work(jobs, found, shared, next, packs, |r| {
                    tx.send(Event::Done(r)).is_ok()
                })
            });
        }
        drop(event_tx);
        drop(pack_tx);
        let tick = || {
            input
                .progress
                .set_done(shared.bytes_read.load(Ordering::Relaxed))
        };
        loop {
            let event = match event_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(e) => e,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    tick();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            match event {
                Event::Done(r) => read.results.push(r),
                Event::Stored(p) => {
                    let pack = IndexPack {
                        id: p.name,
                        size: p.size,
                        chunks: p.entries,
                        expires_at: req.expires_at,
                    };
                    read.stored_bytes += pack.size;
                    read.new_packs += 1;
                    let blake3 = hex::decode(&pack.id)?;
                    let row = state.record_pack(&cache_key, &pack, &blake3, false)?;
                    read.stored.push((pack, row));
                }
                Event::UploadFailed(e) => {
                    shared.abort.store(true, Ordering::SeqCst);
                    failure.get_or_insert(e);
                }
            }
            tick();
        }
        Ok(())
    })?;
    uploads.finish()?;
    if let Some(why) = shared.fatal_error.lock().expect("fatal slot").take() {
        failure.get_or_insert(anyhow::anyhow!(why));
    }
    if let Some(e) = failure {
        return Err(e.context("backup stopped before writing a snapshot; every earlier snapshot is intact, and the next backup reuses what was uploaded"));
    }
    read.new_chunks = shared.new_chunks.load(Ordering::Relaxed);
    read.bytes_read = shared.bytes_read.load(Ordering::Relaxed);
    Ok(read)
}
