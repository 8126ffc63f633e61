//! Deciding what to read, and the workers that read it.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::chunker::{ChunkError, Chunker};
use super::locations::Locations;
use super::pages::{self, Layout};
use super::pipeline::{Shared, Uploading};
use super::sqlite;
use super::walk::{fingerprint, Found, Meta};
use crate::repo::format::{self, ChunkId, Kind};
use crate::repo::pack::Packer;
use crate::state::cache::{CachedFile, Fingerprint};
use crate::store::UploadSender;

/// A unit of reading: one file, or a database with its companions.
#[derive(Debug)]
pub enum Job {
    Plain(usize),
    Database { main: usize, companions: Vec<usize> },
}

impl Job {
    pub fn bytes(&self, found: &[Found]) -> u64 {
        match self {
            Job::Plain(i) => found[*i].meta.len(),
            Job::Database { main, companions } => {
                found[*main].meta.len()
                    + companions.iter().map(|c| found[*c].meta.len()).sum::<u64>()
            }
        }
    }
}

pub struct ReadFile {
    pub chunks: Vec<u8>,
    pub size: u64,
    pub fingerprint: Fingerprint,
    /// Whether the next backup may reuse this by fingerprint (not databases).
    pub cacheable: bool,
}

pub struct JobResult {
    pub files: Vec<(usize, Result<ReadFile, String>)>,
    /// Companions made unnecessary by a consistent database image.
    pub dropped: Vec<usize>,
    pub warnings: Vec<String>,
}

/// Splits the walk into jobs, and the files the cache vouches for.
pub fn plan(
    found: &[Found],
    cache: impl Fn(&[u8], &Fingerprint) -> anyhow::Result<Option<CachedFile>>,
    known: &Locations,
) -> anyhow::Result<(Vec<Job>, HashMap<usize, ReadFile>)> {
    // The files named like a database's companion (`x-wal`): most batches
    // have none, and an empty map answers without hashing.
    let by_path: HashMap<&Path, usize> = found
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.abs
                .file_name()
                .is_some_and(|n| sqlite::companion_base(n.as_bytes()).is_some())
        })
        .map(|(i, f)| (f.abs.as_path(), i))
        .collect();
    // Files the cache vouches for are not opened at all, not even to look
    // for an SQLite header: that keeps a no-change backup to one stat per file.
    let mut reused = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        if !is_content(f) {
            continue;
        }
        let fp = fingerprint(&f.meta);
        let hit = cache(&f.rel, &fp)?.filter(|c| all_known(&c.chunks, known));
        if let Some(c) = hit {
            reused.insert(
                i,
                ReadFile {
                    chunks: c.chunks,
                    size: c.size,
                    fingerprint: fp,
                    cacheable: true,
                },
            );
        }
    }
    let mut companion_of: HashMap<usize, usize> = HashMap::new();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        // Only regular files are opened (a FIFO would wait for a writer).
        if !is_content(f) {
            continue;
        }
        // Companions are siblings, which the walk hands over in one batch
        // (walk::Walker): looked up here, not stat'ed again.
        let database = sqlite::looks_like_database(&f.abs, |p| by_path.contains_key(p))
            || (!reused.contains_key(&i) && sqlite::has_sqlite_header(&f.abs));
        if !database {
            continue;
        }
        let comps: Vec<usize> = sqlite::COMPANIONS
            .iter()
            .filter_map(|c| by_path.get(sqlite::companion(&f.abs, c).as_path()).copied())
            .filter(|&c| is_content(&found[c]))
            .collect();
        for &c in &comps {
            companion_of.insert(c, i);
        }
        groups.insert(i, comps);
    }
    let mut jobs = Vec::new();
    for (i, f) in found.iter().enumerate() {
        if !is_content(f) || companion_of.contains_key(&i) {
            continue;
        }
        if let Some(companions) = groups.remove(&i) {
            // A database group is reused only as a whole. A careful copy is
            // cached file by file: every member must be unchanged.
            let members = || std::iter::once(i).chain(companions.iter().copied());
            if members().all(|m| reused.contains_key(&m)) {
                continue;
            }
            for m in members() {
                reused.remove(&m);
            }
            // An online copy is cached under the database's path with the
            // fingerprint of the database and its -wal/-journal together:
            // every commit changes one of them (-shm does not count).
            let live = live_fingerprint(found, i, &companions);
            if let Some(c) = cache(&f.rel, &live)?.filter(|c| all_known(&c.chunks, known)) {
                let read = ReadFile {
                    chunks: c.chunks,
                    size: c.size,
                    fingerprint: live,
                    cacheable: true,
                };
                reused.insert(i, read); // the companions are left out, as after a copy
                continue;
            }
            jobs.push(Job::Database {
                main: i,
                companions,
            });
        } else if !reused.contains_key(&i) {
            jobs.push(Job::Plain(i));
        }
    }
    // Big files first: keeps every worker busy to the end.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.bytes(found)));
    Ok((jobs, reused))
}

/// A regular file whose content is read: not a hard link met before
/// (it takes the content of its first name).
fn is_content(f: &Found) -> bool {
    f.kind == Kind::File && f.link.is_none()
}

fn all_known(chunks: &[u8], known: &Locations) -> bool {
    chunks
        .chunks_exact(32)
        .all(|id| known.contains(<&ChunkId>::try_from(id).expect("32 bytes")))
}

/// The state of a live database: it and its -wal/-journal, taken together.
/// A companion counts by size and mtime only: SQLite re-applies the owner of
/// a -wal it opens (even read-only, even ours), which moves its ctime.
fn live_fingerprint(found: &[Found], main: usize, companions: &[usize]) -> Fingerprint {
    let mut fp = fingerprint(&found[main].meta);
    for &c in companions {
        if found[c].abs.to_string_lossy().ends_with("-shm") {
            continue;
        }
        let other = fingerprint(&found[c].meta);
        fp.size += other.size;
        fp.mtime_ns = fp.mtime_ns.max(other.mtime_ns);
    }
    fp
}

/// A worker: takes jobs until none are left, fills its own pack, seals it
/// when full, and hands sealed packs to the upload queue (blocking when the
/// queue is full, which bounds memory).
pub fn work(
    jobs: &[Job],
    found: &[Found],
    shared: &Shared<'_>,
    next: &AtomicU64,
    packs: UploadSender<Uploading>,
    mut report: impl FnMut(JobResult) -> bool,
) {
    let mut out = Output {
        chunker: Chunker::default(),
        packer: Packer::new(&shared.recipient),
        packs,
    };
    loop {
        if shared.abort.load(Ordering::SeqCst) {
            return;
        }
        let n = next.fetch_add(1, Ordering::SeqCst) as usize;
        let Some(job) = jobs.get(n) else { break };
        let result = match job {
            Job::Plain(i) => JobResult {
                files: vec![(
                    *i,
                    read_plain(&found[*i], Layout::Content, shared, &mut out),
                )],
                dropped: vec![],
                warnings: vec![],
            },
            Job::Database { main, companions } => {
                read_database(found, *main, companions, shared, &mut out)
            }
        };
        if !report(result) {
            return;
        }
    }
    if !out.packer.is_empty() && !shared.abort.load(Ordering::SeqCst) {
        // On failure `flush` has recorded why and stopped the backup.
        let _ = out.flush(shared);
    }
}

/// A worker's pack in progress and its way to the uploads.
struct Output {
    chunker: Chunker,
    packer: Packer,
    packs: UploadSender<Uploading>,
}

impl Output {
    /// Seals and queues the pack. A failure here stops the whole backup:
    /// files already read may reference chunks of this lost pack.
    fn flush(&mut self, shared: &Shared<'_>) -> anyhow::Result<()> {
        let result = self.packer.seal().and_then(|sealed| {
            let key = shared.repo.pack_key(&sealed.name);
            let tag = Uploading {
                size: sealed.bytes.len() as u64,
                name: sealed.name,
                entries: sealed.entries,
            };
            self.packs
                .send(key, sealed.bytes.into(), tag)
                .map_err(|_| anyhow::anyhow!("upload stopped"))
        });
        if let Err(e) = &result {
            shared.fatal(format!("cannot seal or queue a pack: {e:#}"));
        }
        result
    }
}

fn read_plain(
    f: &Found,
    layout: Layout,
    shared: &Shared<'_>,
    out: &mut Output,
) -> Result<ReadFile, String> {
    let file = File::open(&f.abs).map_err(|e| format!("cannot open: {e}"))?;
    let before = file.metadata().map_err(|e| e.to_string())?;
    let (chunks, size) = chunk_stream(file, layout, shared, out).map_err(chunk_error)?;
    Ok(ReadFile {
        chunks,
        size,
        fingerprint: fingerprint(&Meta::from(&before)),
        cacheable: true,
    })
}

fn chunk_error(e: ChunkError<String>) -> String {
    match e {
        ChunkError::Read(e) => format!("read error: {e}"),
        ChunkError::Consumer(e) => e,
    }
}

/// Chunks a stream, storing new chunks; returns the concatenated IDs and length.
fn chunk_stream(
    source: impl std::io::Read,
    layout: Layout,
    shared: &Shared<'_>,
    out: &mut Output,
) -> Result<(Vec<u8>, u64), ChunkError<String>> {
    let mut ids = Vec::new();
    let mut size = 0u64;
    // The chunker is the worker's; lend it out so `out` stays usable inside.
    let mut chunker = std::mem::take(&mut out.chunker);
    let result = chunker.run(source, layout, |data| {
        if shared.abort.load(Ordering::Relaxed) {
            return Err("backup aborted".to_string());
        }
        let id = format::chunk_id(&shared.dedup_key, data);
        size += data.len() as u64;
        shared
            .bytes_read
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        ids.extend_from_slice(&id);
        let is_new =
            !shared.known.contains(&id) && shared.seen.lock().expect("dedup set").insert(id);
        if is_new {
            shared.new_chunks.fetch_add(1, Ordering::Relaxed);
            if let Err(e) = out.packer.add(id, data) {
                let why = format!("cannot seal a chunk into a pack: {e:#}");
                shared.fatal(why.clone());
                return Err(why);
            }
            if out.packer.is_full() {
                out.flush(shared).map_err(|e| format!("{e:#}"))?;
            }
        }
        Ok(())
    });
    out.chunker = chunker;
    result.map(|()| (ids, size))
}

/// How often a changing database group is re-read before it is reported.
const DATABASE_RETRIES: usize = 5;

fn read_database(
    found: &[Found],
    main: usize,
    companions: &[usize],
    shared: &Shared<'_>,
    out: &mut Output,
) -> JobResult {
    let f = &found[main];
    let mut warnings = Vec::new();
    if sqlite::wants_page_image(&f.abs) {
        // Taken at the walk, before the image: a commit since then makes
        // the next backup read it again.
        let fp = live_fingerprint(found, main, companions);
        let read = match sqlite::PageImage::open(&f.abs) {
            Ok(Some(image)) => {
                let layout = pages::database(image.page_size(), image.bytes());
                Some(chunk_stream(image, layout, shared, out))
            }
            Ok(None) => None,
            Err(e) => Some(Err(ChunkError::Read(std::io::Error::other(format!(
                "{e:#}"
            ))))),
        };
        match read {
            None => {}
            // A page image that fails part-way (its chunks so far are
            // stored, harmlessly) falls back to the careful copy.
            Some(Err(ChunkError::Read(e))) => warnings.push(format!(
                "{}: SQLite could not read a consistent image ({e}); copied the files instead",
                f.abs.display()
            )),
            Some(read) => {
                let file = read.map_err(chunk_error).map(|(chunks, size)| ReadFile {
                    chunks,
                    size,
                    fingerprint: fp,
                    cacheable: true,
                });
                return JobResult {
                    files: vec![(main, file)],
                    dropped: companions.to_vec(),
                    warnings: vec![],
                };
            }
        }
    }
    // Not readable by SQLite (e.g. SQLCipher): copy the group until it holds still.
    let members: Vec<usize> = std::iter::once(main)
        .chain(companions.iter().copied())
        .collect();
    let stat_all = || -> Vec<Option<(u64, i64, i64)>> {
        members
            .iter()
            .map(|&m| {
                std::fs::symlink_metadata(&found[m].abs).ok().map(|md| {
                    let fp = fingerprint(&Meta::from(&md));
                    (fp.size, fp.mtime_ns, fp.ctime_ns)
                })
            })
            .collect()
    };
    let mut last = Vec::new();
    for _ in 0..DATABASE_RETRIES {
        let before = stat_all();
        last = members
            .iter()
            // File bytes as they are: cacheable like any file.
            .map(|&m| {
                let layout = pages::for_member(&found[m].abs, found[m].meta.len(), m == main);
                (m, read_plain(&found[m], layout, shared, out))
            })
            .collect();
        if stat_all() == before {
            return JobResult {
                files: last,
                dropped: vec![],
                warnings,
            };
        }
    }
    warnings.push(format!(
        "{} changed during each of {DATABASE_RETRIES} copies; the copy in this snapshot may be inconsistent (close the client and back up again)",
        f.abs.display()
    ));
    JobResult {
        files: last,
        dropped: vec![],
        warnings,
    }
}
