//! Where a restore's entries come from, one at a time: a version-1 or -2
//! manifest's tree (held whole, its chunks found in a chunk map), or a
//! version-3 entry list, streamed part by part from the store so that a
//! restore holds a window of entries, never the whole tree.

use crate::repo::format::{Entry, IndexEntry, Snapshot};
use crate::repo::history::ReadKeys;
use crate::repo::tree::ListRef;
use crate::repo::{ChunkMap, ObjectKind, Repo, RepoError};

/// One chunk of a file: its pack (the object name's 32 bytes), the pack's
/// stored size if known (0 if not), and where the chunk lies in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Blob {
    pub pack: [u8; 32],
    pub pack_size: u64,
    pub entry: IndexEntry,
}

pub enum Source<'a> {
    /// Versions 1 and 2: the whole tree, and where its chunks are.
    Whole {
        snapshot: &'a Snapshot,
        index: &'a ChunkMap,
    },
    /// Version 3: the entry list, read again on every pass.
    Tree {
        repo: &'a Repo,
        keys: &'a ReadKeys,
        list: &'a ListRef,
        /// The manifest's object key, for messages.
        object: String,
    },
}

impl Source<'_> {
    /// Calls `each` with every entry, in order, and its content's blobs.
    /// Every entry gets the checks a whole manifest's do on opening.
    pub(super) fn for_each(
        &self,
        mut each: impl FnMut(&Entry, &[Blob]) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut blobs = Vec::new();
        match self {
            Source::Whole { snapshot, index } => {
                for e in &snapshot.entries {
                    blobs.clear();
                    for id in e.chunk_ids() {
                        blobs.push(located(index, e, &id)?);
                    }
                    each(e, &blobs)?;
                }
                Ok(())
            }
            Source::Tree {
                repo,
                keys,
                list,
                object,
            } => {
                let corrupt = |e: anyhow::Error| -> anyhow::Error {
                    // A part that is missing stays a missing object (exit 6 either way).
                    match e.downcast::<RepoError>() {
                        Ok(repo_error) => repo_error.into(),
                        Err(other) => RepoError::Corrupt {
                            object: object.clone(),
                            why: format!("{other:#}"),
                        }
                        .into(),
                    }
                };
                let (mut stream, _) = repo.stream_entries(keys, list).map_err(corrupt)?;
                while let Some(stored) = stream.next().map_err(corrupt)? {
                    let (entry, refs) = stored.split().map_err(corrupt)?;
                    entry.check().map_err(corrupt)?;
                    blobs.clear();
                    for r in refs {
                        let blob = Blob {
                            pack: r.pack,
                            pack_size: u64::from(r.pack_size),
                            entry: r.entry(),
                        };
                        blob.entry.check().map_err(corrupt)?;
                        if blob.pack_size > ObjectKind::Pack.max_stored() {
                            return Err(corrupt(anyhow::anyhow!(
                                "pack {} of {} bytes, more than a pack can have",
                                r.pack_name(),
                                blob.pack_size
                            )));
                        }
                        blobs.push(blob);
                    }
                    each(&entry, &blobs)?;
                }
                Ok(())
            }
        }
    }
}

/// Where chunk `id` of `e` is, by the chunk map.
fn located(index: &ChunkMap, e: &Entry, id: &[u8; 32]) -> anyhow::Result<Blob> {
    let (pack, entry) = index.chunks.get(id).ok_or_else(|| RepoError::Missing {
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
    let mut name = [0u8; 32];
    hex::decode_to_slice(&**pack, &mut name).map_err(|_| RepoError::Corrupt {
        object: "index".into(),
        why: format!("pack {pack:?} is not an object name"),
    })?;
    Ok(Blob {
        pack: name,
        pack_size: index.pack_sizes.get(&**pack).copied().unwrap_or(0),
        entry: *entry,
    })
}
