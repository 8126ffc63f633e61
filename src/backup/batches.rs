//! The data directory, a batch at a time: walk a batch, decide what to
//! read (one cache lookup per file), read and store it, append its entries
//! to the list and its files to the file cache, forget it. Memory
//! holds one batch of metadata, never the whole tree; what grows with the
//! repository is one record of 32 bytes per chunk (`Locations`).

use std::sync::atomic::{AtomicU64, Ordering};

use super::listing::{ListWriter, Stored};
use super::locations::Locations;
use super::walk::{Found, Skipped, Walker};
use super::{manifest, pipeline, reader, BackupRequest};
use crate::progress::Progress;
use crate::repo::Repo;
use crate::state::cache::path_hash;
use crate::state::State;

/// Entries walked per batch: some megabytes of metadata.
pub(super) const BATCH: usize = 20_000;

/// What reading the whole tree did.
#[derive(Default)]
pub struct Totals {
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub fifos: u64,
    pub hard_links: u64,
    pub excluded: u64,
    pub bytes: u64,
    pub files_read: u64,
    pub bytes_read: u64,
    pub new_chunks: u64,
    pub new_packs: u64,
    pub stored_bytes: u64,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
    /// A hash of each file the file cache keeps (sorted at the end): the
    /// cache's other rows are of files gone.
    pub seen: Vec<u64>,
    /// The content of files with other hard links, for their later names.
    pub linked: manifest::Linked,
}

pub struct Input<'a> {
    pub state: &'a State,
    pub repo: &'a Repo,
    pub req: &'a BackupRequest<'a>,
    pub recipient: &'a age::x25519::Recipient,
}

/// Walks, reads and lists the data directory; updates the file cache.
pub fn read_tree(
    input: Input<'_>,
    location: &mut Locations,
    mut list: ListWriter<'_>,
) -> anyhow::Result<(Totals, Stored)> {
    let req = input.req;
    let walker = Walker::new(req.data_dir, req.excludes.clone())?;
    let mut totals = Totals::default();
    let progress = Offset::new(req.progress);
    let mut unindexed = 0;
    // The next batch is walked (stat calls, in the kernel) while this one
    // is planned, read and listed: a no-change backup is mostly these two.
    // It waits there (no queue): two batches of metadata at most.
    let (batches, walked) = std::sync::mpsc::sync_channel::<Vec<Found>>(0);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let walking = scope.spawn(move || {
            let mut walker = walker;
            loop {
                let found = walker.next_batch(BATCH);
                if found.is_empty() || batches.send(found).is_err() {
                    return walker;
                }
            }
        });
        let read = walked.iter().try_for_each(|found| {
            read_batch(
                &input,
                &found,
                location,
                &mut list,
                &mut totals,
                &progress,
                &mut unindexed,
            )
        });
        drop(walked); // a walk blocked on a batch no one will take ends
        let mut walker = walking
            .join()
            .map_err(|_| anyhow::anyhow!("the walk of the data directory failed"))?;
        read?;
        totals.skipped.append(&mut walker.skipped);
        totals.warnings.append(&mut walker.warnings);
        totals.excluded = walker.excluded;
        Ok(())
    })?;
    req.progress.finish();
    totals.seen.sort_unstable();
    let stored = list.finish(location)?;
    for id in &stored.parts {
        location.mark_named(id);
    }
    Ok((totals, stored))
}

/// One batch of the walk: planned, read, listed and cached.
fn read_batch(
    input: &Input<'_>,
    found: &[Found],
    location: &mut Locations,
    list: &mut ListWriter<'_>,
    totals: &mut Totals,
    progress: &Offset<'_>,
    unindexed: &mut usize,
) -> anyhow::Result<()> {
    let (state, req) = (input.state, input.req);
    let cache = |path: &[u8], fp: &_| state.cached_file(req.profile, path, fp);
    let (jobs, reused) = state.reading(|| reader::plan(found, cache, location))?;
    let mut read = if jobs.is_empty() {
        pipeline::Read::default()
    } else {
        pipeline::run(
            state,
            input.repo,
            pipeline::Input {
                jobs: &jobs,
                found,
                known: location,
                req,
                progress,
                recipient: input.recipient,
            },
        )?
    };
    progress.next_run();
    read.stored
        .iter()
        .for_each(|(pack, row)| location.add_pack(pack, *row));
    let results = std::mem::take(&mut read.results);
    let tree = manifest::assemble(
        found,
        reused,
        results,
        &mut totals.linked,
        &mut totals.skipped,
        &mut totals.warnings,
    );
    for entry in &tree.entries {
        list.push(entry, location)?;
    }
    state.update_file_cache(
        req.profile,
        tree.cache.iter().map(|(p, c)| (p.as_slice(), c)),
        |id| location.chunk_ref(id),
    )?;
    totals.seen.extend(tree.seen.iter().map(|p| path_hash(p)));
    *unindexed += read
        .stored
        .iter()
        .map(|(p, _)| p.chunks.len())
        .sum::<usize>();
    totals.add(tree, &read);
    // A large tree's packs are indexed as they come, so that no index
    // of the whole tree is built at the end (a small one gets one).
    if *unindexed >= super::INDEX_CHUNKS {
        let key = input.repo.cache_key();
        totals.stored_bytes += super::index_pending(state, input.repo, input.recipient, &key)?;
        *unindexed = 0;
    }
    Ok(())
}

impl Totals {
    fn add(&mut self, tree: manifest::Tree, read: &pipeline::Read) {
        self.files += tree.files;
        self.dirs += tree.dirs;
        self.symlinks += tree.symlinks;
        self.fifos += tree.fifos;
        self.hard_links += tree.hard_links;
        self.bytes += tree.bytes;
        self.files_read += tree.files_read;
        self.bytes_read += read.bytes_read;
        self.new_chunks += read.new_chunks;
        self.new_packs += read.new_packs;
        self.stored_bytes += read.stored_bytes;
    }
}

/// The progress of every run of the pipeline as one: each run counts from
/// zero, and its totals add to the earlier runs'.
struct Offset<'a> {
    inner: &'a dyn Progress,
    total_before: AtomicU64,
    done_before: AtomicU64,
    total: AtomicU64,
    done: AtomicU64,
}

impl<'a> Offset<'a> {
    fn new(inner: &'a dyn Progress) -> Offset<'a> {
        Offset {
            inner,
            total_before: AtomicU64::new(0),
            done_before: AtomicU64::new(0),
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
        }
    }

    fn next_run(&self) {
        self.total_before
            .fetch_add(self.total.swap(0, Ordering::Relaxed), Ordering::Relaxed);
        self.done_before
            .fetch_add(self.done.swap(0, Ordering::Relaxed), Ordering::Relaxed);
    }
}

impl Progress for Offset<'_> {
    fn set_total(&self, bytes: u64) {
        self.total.store(bytes, Ordering::Relaxed);
        self.inner
            .set_total(self.total_before.load(Ordering::Relaxed) + bytes);
    }
    fn set_done(&self, bytes: u64) {
        self.done.store(bytes, Ordering::Relaxed);
        self.inner
            .set_done(self.done_before.load(Ordering::Relaxed) + bytes);
    }
    fn add_done(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        self.inner.add_done(bytes);
    }
    fn finish(&self) {}
}
