//! Deciding what to read, and the workers that read it.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::walk::{fingerprint, Found};
use super::{sqlite, Shared};
use crate::repo::format::{self, ChunkId, Kind};
use crate::repo::pack::{Packer, SealedPack};
use crate::state::cache::{CachedFile, Fingerprint};

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
}

pub struct JobResult {
    pub files: Vec<(usize, Result<ReadFile, String>)>,
    /// Companions made unnecessary by a consistent database copy.
    pub dropped: Vec<usize>,
    pub warnings: Vec<String>,
}

/// Splits the walk into jobs, and the files the cache vouches for.
pub fn plan(
    found: &[Found],
    cache: &HashMap<Vec<u8>, CachedFile>,
    known: &HashSet<ChunkId>,
) -> (Vec<Job>, HashMap<usize, ReadFile>) {
    let by_path: HashMap<&Path, usize> = found
        .iter()
        .enumerate()
        .map(|(i, f)| (f.abs.as_path(), i))
        .collect();
    let mut companion_of: HashMap<usize, usize> = HashMap::new();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        if f.kind != Kind::File
            || !(sqlite::looks_like_database(&f.abs) || sqlite::has_sqlite_header(&f.abs))
        {
            continue;
        }
        let comps: Vec<usize> = sqlite::COMPANIONS
            .iter()
            .filter_map(|c| by_path.get(sqlite::companion(&f.abs, c).as_path()).copied())
            .filter(|&c| found[c].kind == Kind::File)
            .collect();
        for &c in &comps {
            companion_of.insert(c, i);
        }
        groups.insert(i, comps);
    }
    let mut jobs = Vec::new();
    let mut reused = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        if f.kind != Kind::File || companion_of.contains_key(&i) {
            continue;
        }
        if let Some(companions) = groups.remove(&i) {
            // Databases are always read again: with a WAL, the main file's
            // metadata does not change when its content does. Unchanged
            // content still uploads nothing (same chunks).
            jobs.push(Job::Database {
                main: i,
                companions,
            });
            continue;
        }
        let fp = fingerprint(&f.meta);
        let unchanged = cache.get(&f.rel).filter(|c| {
            c.fingerprint == fp
                && c.chunks
                    .chunks_exact(32)
                    .all(|id| known.contains(<&ChunkId>::try_from(id).expect("32 bytes")))
        });
        match unchanged {
            Some(c) => {
                reused.insert(
                    i,
                    ReadFile {
                        chunks: c.chunks.clone(),
                        size: fp.size,
                        fingerprint: fp,
                    },
                );
            }
            None => jobs.push(Job::Plain(i)),
        }
    }
    // Big files first: keeps every worker busy to the end.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.bytes(found)));
    (jobs, reused)
}

/// A worker: takes jobs until none are left, fills its own pack, seals it
/// when full, and hands sealed packs to the upload queue (blocking when the
/// queue is full, which bounds memory).
pub fn work(
    jobs: &[Job],
    found: &[Found],
    shared: &Shared<'_>,
    next: &AtomicU64,
    packs: tokio::sync::mpsc::Sender<SealedPack>,
    mut report: impl FnMut(JobResult) -> bool,
) {
    let mut out = Output {
        packer: Packer::default(),
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
                files: vec![(*i, read_plain(&found[*i], shared, &mut out))],
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
        if let Err(e) = out.flush(shared) {
            report(JobResult {
                files: vec![],
                dropped: vec![],
                warnings: vec![format!("{e:#}")],
            });
            shared.abort.store(true, Ordering::SeqCst);
        }
    }
}

/// A worker's pack in progress and its way to the uploads.
struct Output {
    packer: Packer,
    packs: tokio::sync::mpsc::Sender<SealedPack>,
}

impl Output {
    fn flush(&mut self, shared: &Shared<'_>) -> anyhow::Result<()> {
        let sealed = self.packer.seal(&shared.recipient)?;
        self.packs
            .blocking_send(sealed)
            .map_err(|_| anyhow::anyhow!("upload stopped"))
    }
}

fn read_plain(f: &Found, shared: &Shared<'_>, out: &mut Output) -> Result<ReadFile, String> {
    let file = File::open(&f.abs).map_err(|e| format!("cannot open: {e}"))?;
    let before = file.metadata().map_err(|e| e.to_string())?;
    let (chunks, size) = chunk_stream(file, shared, out)?;
    Ok(ReadFile {
        chunks,
        size,
        fingerprint: fingerprint(&before),
    })
}

/// Chunks a stream, storing new chunks; returns the concatenated IDs and length.
fn chunk_stream(
    source: impl std::io::Read,
    shared: &Shared<'_>,
    out: &mut Output,
) -> Result<(Vec<u8>, u64), String> {
    let mut ids = Vec::new();
    let mut size = 0u64;
    let chunker = fastcdc::v2020::StreamCDC::new(
        source,
        format::CHUNK_MIN,
        format::CHUNK_AVG,
        format::CHUNK_MAX,
    );
    for chunk in chunker {
        if shared.abort.load(Ordering::Relaxed) {
            return Err("backup aborted".into());
        }
        let chunk = chunk.map_err(|e| format!("read error: {e}"))?;
        let id = format::chunk_id(&shared.dedup_key, &chunk.data);
        size += chunk.length as u64;
        shared
            .bytes_read
            .fetch_add(chunk.length as u64, Ordering::Relaxed);
        ids.extend_from_slice(&id);
        let is_new = shared.seen.lock().expect("dedup set").insert(id);
        if is_new {
            shared.new_chunks.fetch_add(1, Ordering::Relaxed);
            out.packer.add(id, &chunk.data);
            if out.packer.is_full() {
                out.flush(shared).map_err(|e| format!("{e:#}"))?;
            }
        }
    }
    Ok((ids, size))
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
    if sqlite::has_sqlite_header(&f.abs) {
        match sqlite::online_copy(&f.abs, shared.tmp_dir) {
            Ok(Some(copy)) => {
                let fp = std::fs::metadata(&f.abs)
                    .map(|m| fingerprint(&m))
                    .unwrap_or_else(|_| fingerprint(&f.meta));
                let read = copy
                    .reopen()
                    .map_err(|e| e.to_string())
                    .and_then(|file| chunk_stream(file, shared, out));
                return JobResult {
                    files: vec![(
                        main,
                        read.map(|(chunks, size)| ReadFile {
                            chunks,
                            size,
                            fingerprint: fp,
                        }),
                    )],
                    dropped: companions.to_vec(),
                    warnings: vec![],
                };
            }
            Ok(None) => {}
            Err(e) => {
                return JobResult {
                    files: vec![(main, Err(format!("SQLite online backup failed: {e:#}")))],
                    dropped: vec![],
                    warnings: vec![],
                }
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
                    let fp = fingerprint(&md);
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
            .map(|&m| (m, read_plain(&found[m], shared, out)))
            .collect();
        if stat_all() == before {
            return JobResult {
                files: last,
                dropped: vec![],
                warnings: vec![],
            };
        }
    }
    JobResult {
        files: last,
        dropped: vec![],
        warnings: vec![format!(
            "{} changed during each of {DATABASE_RETRIES} copies; the copy in this snapshot may be inconsistent (close the client and back up again)",
            f.abs.display()
        )],
    }
}
