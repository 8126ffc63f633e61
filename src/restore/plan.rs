//! Which pack each needed chunk comes from, and where each chunk goes.

use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;

use crate::repo::format::{ChunkId, IndexEntry, Kind, Snapshot};
use crate::repo::{ChunkMap, RepoError};

/// Which pack each needed chunk comes from, and where each chunk goes.
pub(super) struct Plan {
    pub packs: Vec<(String, Vec<IndexEntry>)>,
    /// chunk → (entry index, offset in the file)
    pub placements: HashMap<ChunkId, Vec<(usize, u64)>>,
    /// Per entry: chunks still to write (files only).
    pub chunks_left: Vec<AtomicUsize>,
}

impl Plan {
    /// `links`: the entries restored as hard links (no content of their own).
    pub fn new(
        snapshot: &Snapshot,
        index: &ChunkMap,
        links: &HashMap<usize, usize>,
    ) -> anyhow::Result<Plan> {
        let mut by_pack: HashMap<&str, Vec<IndexEntry>> = HashMap::new();
        let mut placements: HashMap<ChunkId, Vec<(usize, u64)>> = HashMap::new();
        for (i, e) in snapshot.entries.iter().enumerate() {
            if e.kind != Kind::File || links.contains_key(&i) {
                continue;
            }
            let mut offset = 0u64;
            for id in e.chunk_ids() {
                let (pack, entry) = index.chunks.get(&id).ok_or_else(|| RepoError::Missing {
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
                let spots = placements.entry(id).or_default();
                if spots.is_empty() {
                    by_pack.entry(&**pack).or_default().push(*entry);
                }
                spots.push((i, offset));
                offset = offset.saturating_add(entry.raw_length as u64);
            }
            if offset != e.size {
                return Err(RepoError::Corrupt {
                    object: "snapshot manifest".into(),
                    why: format!(
                        "{}: chunks add up to {offset} bytes, size says {}",
                        String::from_utf8_lossy(&e.path),
                        e.size
                    ),
                }
                .into());
            }
        }
        let mut packs: Vec<_> = by_pack
            .into_iter()
            .map(|(pack, entries)| (pack.to_string(), entries))
            .collect();
        packs.sort_by(|a, b| a.0.cmp(&b.0));
        let chunks_left = snapshot
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| match links.contains_key(&i) {
                true => AtomicUsize::new(0),
                false => AtomicUsize::new(e.chunks.len() / 32),
            })
            .collect();
        Ok(Plan {
            packs,
            placements,
            chunks_left,
        })
    }
}
