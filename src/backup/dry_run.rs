//! `backup --dry-run`: what a backup would read and store, storing nothing.
//!
//! The walk and the file cache's verdicts are a backup's own; the files the
//! cache does not vouch for are read and chunked (as restic's dry run does)
//! so that the new chunks can be counted against the chunks this device
//! knows the store holds. Nothing is compressed, sealed or uploaded, and
//! crossing's state is only read: no cache row, no pack, no lock file.
//! Databases are read as a backup reads them (a consistent page image
//! where SQLite can, their files otherwise).

use std::collections::HashSet;
use std::fs::File;
use std::time::Instant;

use serde::Serialize;

use super::batches::BATCH;
use super::chunker::{ChunkError, Chunker};
use super::exclude::Excludes;
use super::locations::Locations;
use super::pages::{self, Layout};
use super::reader::{self, Job, JobResult, ReadFile};
use super::walk::{fingerprint, Found, Skipped, Walker};
use super::{manifest, sqlite};
use crate::progress::Progress;
use crate::repo::format::{self, ChunkId};
use crate::state::profiles::Profile;
use crate::state::setup::profile_repo;
use crate::state::State;
use crate::store::StoreOptions;

#[derive(Debug, Default, Serialize)]
pub struct DryRunSummary {
    pub profile: String,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub fifos: u64,
    pub hard_links: u64,
    pub excluded: u64,
    /// Total size of the files the snapshot would hold.
    pub bytes: u64,
    /// Files and bytes a backup would read (the rest is unchanged).
    pub files_read: u64,
    pub bytes_read: u64,
    /// Chunks, and their bytes before compression, the store lacks.
    pub new_chunks: u64,
    pub bytes_new: u64,
    pub duration_secs: f64,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
}

/// Walks and reads `profile`'s data directory as a backup would, and
/// counts. The store is opened (a missing folder store is exit 5, as for a
/// backup), never read or written.
pub fn dry_run(
    state: &State,
    profile: &Profile,
    options: &StoreOptions,
    excludes: Excludes,
    progress: &dyn Progress,
) -> anyhow::Result<DryRunSummary> {
    let started = Instant::now();
    let (keys, repo) = profile_repo(state, profile, options, false)?;
    let known = Locations::from_cache(state, &repo.cache_key(), None)?;
    let mut count = Counter {
        dedup_key: keys.dedup_key.0,
        known: &known,
        seen: HashSet::new(),
        chunker: Chunker::default(),
        new_chunks: 0,
        bytes_new: 0,
        bytes_read: 0,
        progress,
    };
    let mut sum = DryRunSummary {
        profile: profile.name.clone(),
        ..DryRunSummary::default()
    };
    let mut linked = manifest::Linked::new();
    let mut walker = Walker::new(&profile.data_dir, excludes)?;
    let mut total = 0;
    loop {
        let found = walker.next_batch(BATCH);
        if found.is_empty() {
            break;
        }
        let cache = |path: &[u8], fp: &_| state.cached_file(&profile.name, path, fp);
        let (jobs, reused) = state.reading(|| reader::plan(&found, cache, &known))?;
        total += jobs.iter().map(|j| j.bytes(&found)).sum::<u64>();
        progress.set_total(total);
        let results = jobs.iter().map(|j| count.job(&found, j)).collect();
        let tree = manifest::assemble(
            &found,
            reused,
            results,
            &mut linked,
            &mut sum.skipped,
            &mut sum.warnings,
        );
        sum.files += tree.files;
        sum.dirs += tree.dirs;
        sum.symlinks += tree.symlinks;
        sum.fifos += tree.fifos;
        sum.hard_links += tree.hard_links;
        sum.bytes += tree.bytes;
        sum.files_read += tree.files_read;
    }
    progress.finish();
    sum.skipped.append(&mut walker.skipped);
    sum.warnings.append(&mut walker.warnings);
    sum.excluded = walker.excluded;
    sum.new_chunks = count.new_chunks;
    sum.bytes_new = count.bytes_new;
    sum.bytes_read = count.bytes_read;
    sum.duration_secs = started.elapsed().as_secs_f64();
    Ok(sum)
}

/// Reads jobs and counts the chunks the store lacks.
struct Counter<'a> {
    dedup_key: [u8; 32],
    known: &'a Locations,
    /// New chunks met in this run (counted once).
    seen: HashSet<ChunkId>,
    chunker: Chunker,
    new_chunks: u64,
    bytes_new: u64,
    bytes_read: u64,
    progress: &'a dyn Progress,
}

impl Counter<'_> {
    fn job(&mut self, found: &[Found], job: &Job) -> JobResult {
        let done = |files| JobResult {
            files,
            dropped: vec![],
            warnings: vec![],
        };
        let (main, companions) = match job {
            Job::Plain(i) => return done(vec![(*i, self.file(&found[*i], Layout::Content))]),
            Job::Database { main, companions } => (*main, companions),
        };
        let f = &found[main];
        if sqlite::wants_page_image(&f.abs) {
            if let Ok(Some(image)) = sqlite::PageImage::open(&f.abs) {
                let layout = pages::database(image.page_size(), image.bytes());
                if let Ok(read) = self.stream(image, layout) {
                    return JobResult {
                        dropped: companions.clone(),
                        ..done(vec![(main, Ok(read_file(read, f)))])
                    };
                }
            }
        }
        let members = std::iter::once(main).chain(companions.iter().copied());
        done(
            members
                .map(|m| {
                    let layout = pages::for_member(&found[m].abs, found[m].meta.len(), m == main);
                    (m, self.file(&found[m], layout))
                })
                .collect(),
        )
    }

    fn file(&mut self, f: &Found, layout: Layout) -> Result<ReadFile, String> {
        let file = File::open(&f.abs).map_err(|e| format!("cannot open: {e}"))?;
        let read = self.stream(file, layout).map_err(|e| match e {
            ChunkError::Read(e) => format!("read error: {e}"),
            ChunkError::Consumer(e) => e,
        })?;
        Ok(read_file(read, f))
    }

    /// The chunk IDs and length of a stream, counting the new chunks.
    fn stream(
        &mut self,
        source: impl std::io::Read,
        layout: Layout,
    ) -> Result<(Vec<u8>, u64), ChunkError<String>> {
        let (mut ids, mut size) = (Vec::new(), 0u64);
        let mut chunker = std::mem::take(&mut self.chunker);
        let result = chunker.run(source, layout, |data| {
            let id = format::chunk_id(&self.dedup_key, data);
            size += data.len() as u64;
            ids.extend_from_slice(&id);
            self.progress.add_done(data.len() as u64);
            if !self.known.contains(&id) && self.seen.insert(id) {
                self.new_chunks += 1;
                self.bytes_new += data.len() as u64;
            }
            Ok::<(), String>(())
        });
        self.chunker = chunker;
        self.bytes_read += size;
        result.map(|()| (ids, size))
    }
}

fn read_file((chunks, size): (Vec<u8>, u64), f: &Found) -> ReadFile {
    ReadFile {
        chunks,
        size,
        fingerprint: fingerprint(&f.meta),
        cacheable: false,
    }
}
