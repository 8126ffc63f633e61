//! Where each chunk a backup may name is: the reusable ones the cache
//! knows and those this backup stores. One entry per chunk of the
//! repository, so it is kept small: a pack is a number here (its name is
//! kept once), and a place is four `u32`s (packs are at most 32 MiB).

use std::collections::HashMap;

use crate::repo::format::{ChunkId, IndexEntry};
use crate::repo::tree::BlobRef;

#[derive(Clone, Copy)]
struct Place {
    pack: u32,
    offset: u32,
    length: u32,
    raw_length: u32,
}

#[derive(Default)]
pub struct Locations {
    packs: Vec<(String, u64)>,
    numbers: HashMap<String, u32>,
    chunks: HashMap<ChunkId, Place>,
}

impl Locations {
    /// Records a pack's stored size (its chunks may come before or after).
    pub fn set_pack_size(&mut self, pack: &str, size: u64) {
        let n = self.number(pack);
        self.packs[n as usize].1 = size;
    }

    /// Chunk `entry` is in `pack` (the first place recorded stays).
    pub fn insert(&mut self, pack: &str, entry: &IndexEntry) {
        if self.chunks.contains_key(&entry.id) {
            return;
        }
        let pack = self.number(pack);
        self.chunks.insert(
            entry.id,
            Place {
                pack,
                // Pack offsets are below MAX_PACK_BYTES (32 MiB).
                offset: u32::try_from(entry.offset).unwrap_or(u32::MAX),
                length: entry.length,
                raw_length: entry.raw_length,
            },
        );
    }

    pub fn contains(&self, id: &ChunkId) -> bool {
        self.chunks.contains_key(id)
    }

    /// The pack holding chunk `id`.
    pub fn pack_of(&self, id: &ChunkId) -> Option<&str> {
        self.chunks
            .get(id)
            .map(|p| self.packs[p.pack as usize].0.as_str())
    }

    /// The ref naming chunk `id` where it is.
    pub fn blob_ref(&self, id: &ChunkId) -> anyhow::Result<BlobRef> {
        let place = self.chunks.get(id).ok_or_else(|| {
            anyhow::anyhow!(
                "chunk {} of this snapshot is in no recorded pack",
                hex::encode(&id[..8])
            )
        })?;
        let (pack, size) = &self.packs[place.pack as usize];
        BlobRef::new(
            pack,
            *size,
            &IndexEntry {
                id: *id,
                offset: u64::from(place.offset),
                length: place.length,
                raw_length: place.raw_length,
            },
        )
    }

    fn number(&mut self, pack: &str) -> u32 {
        if let Some(&n) = self.numbers.get(pack) {
            return n;
        }
        let n = self.packs.len() as u32;
        self.packs.push((pack.to_string(), 0));
        self.numbers.insert(pack.to_string(), n);
        n
    }
}
