//! Assembling a snapshot's entries from the walk, the files the cache
//! vouched for and the files the workers read.

use std::collections::{HashMap, HashSet};

use super::reader::{JobResult, ReadFile};
use super::walk::{Found, Skipped};
use crate::repo::format::{Entry, Kind};
use crate::state::cache::CachedFile;

/// The tree of one snapshot, and what the cache learns from it.
pub struct Tree {
    pub entries: Vec<Entry>,
    /// What the next backup may reuse by fingerprint: the files read.
    pub cache: Vec<(Vec<u8>, CachedFile)>,
    /// Every file the cache may keep, read or not: the rest are gone.
    pub seen: Vec<Vec<u8>>,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub fifos: u64,
    /// File entries that are hard links to an earlier one (not read).
    pub hard_links: u64,
    pub bytes: u64,
    pub files_read: u64,
}

/// The content of each file with other hard links, by the path it was met
/// at first: its later names take it (kept for the whole walk).
pub type Linked = HashMap<Vec<u8>, (Vec<u8>, u64)>;

/// A file that was neither reused nor read (it failed: see `skipped`, or it
/// is a database companion made unnecessary by a consistent copy) is left out.
pub fn assemble(
    found: &[Found],
    reused: HashMap<usize, ReadFile>,
    results: Vec<JobResult>,
    linked: &mut Linked,
    skipped: &mut Vec<Skipped>,
    warnings: &mut Vec<String>,
) -> Tree {
    let unread: HashSet<usize> = reused.keys().copied().collect();
    let mut contents = reused;
    let mut dropped: HashSet<usize> = HashSet::new();
    let mut files_read = 0;
    for r in results {
        dropped.extend(r.dropped);
        warnings.extend(r.warnings);
        for (idx, outcome) in r.files {
            match outcome {
                Ok(read) => {
                    files_read += 1;
                    contents.insert(idx, read);
                }
                Err(reason) => skipped.push(Skipped {
                    path: found[idx].abs.display().to_string(),
                    reason,
                }),
            }
        }
    }
    let mut tree = Tree {
        entries: Vec::with_capacity(found.len()),
        cache: Vec::new(),
        seen: Vec::new(),
        files: 0,
        dirs: 0,
        symlinks: 0,
        fifos: 0,
        hard_links: 0,
        bytes: 0,
        files_read,
    };
    for (idx, f) in found.iter().enumerate() {
        if dropped.contains(&idx) {
            continue;
        }
        let mut entry = Entry {
            path: f.rel.clone(),
            kind: f.kind,
            mode: f.meta.mode() & 0o7777,
            mtime_ns: f.meta.mtime_ns(),
            size: 0,
            target: f.target.clone(),
            chunks: Vec::new(),
            link: Vec::new(),
        };
        match f.kind {
            Kind::Dir => tree.dirs += 1,
            Kind::Symlink => tree.symlinks += 1,
            Kind::Fifo => tree.fifos += 1,
            Kind::File if f.link.is_some() => {
                let first = f.link.clone().unwrap_or_default();
                let Some((chunks, size)) = linked.get(&first) else {
                    skipped.push(Skipped {
                        path: f.abs.display().to_string(),
                        reason: format!(
                            "a hard link of {}, which is not in the snapshot",
                            String::from_utf8_lossy(&first)
                        ),
                    });
                    continue;
                };
                tree.files += 1;
                tree.hard_links += 1;
                tree.bytes += size;
                entry.size = *size;
                entry.chunks = chunks.clone();
                entry.link = first;
            }
            Kind::File => {
                let Some(ReadFile {
                    chunks,
                    size,
                    fingerprint,
                    cacheable,
                }) = contents.remove(&idx)
                else {
                    continue;
                };
                tree.files += 1;
                tree.bytes += size;
                entry.size = size;
                entry.chunks = chunks.clone();
                if f.meta.nlink() > 1 {
                    linked.insert(f.rel.clone(), (chunks.clone(), size));
                }
                if cacheable {
                    tree.seen.push(f.rel.clone());
                }
                // A file the cache vouched for has its row already.
                if cacheable && !unread.contains(&idx) {
                    tree.cache.push((
                        f.rel.clone(),
                        CachedFile {
                            fingerprint,
                            size,
                            chunks,
                        },
                    ));
                }
            }
        }
        tree.entries.push(entry);
    }
    tree
}
