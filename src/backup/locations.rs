//! Where each chunk a backup may name is: the reusable ones the cache
//! knows and those this backup stores, and which of them the snapshot
//! names. One entry per chunk of the repository, so it is kept small: a
//! pack is a number here (its name is kept once), a place is four `u32`s
//! (packs are at most 32 MiB), and the cache's chunks — most of them —
//! sit in one sorted vector (48 bytes each, no hash table's slack). A
//! pack's row in the cache is kept with its name, so a place is also where
//! the chunk's row is (`chunk_ref`, what the file cache names chunks by).

use std::collections::HashMap;

use crate::repo::format::{ChunkId, IndexEntry, IndexPack};
use crate::repo::tree::BlobRef;
use crate::state::cache::ChunkRef;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Place {
    /// The pack's number, with [`NAMED`] set once the snapshot names the chunk.
    pack: u32,
    offset: u32,
    length: u32,
    raw_length: u32,
}

const NAMED: u32 = 1 << 31;

/// This backup's chunks are merged into the sorted vector this many at a
/// time (a hash table of them costs about three times their 48 bytes).
const FOLD_AT: usize = 32_768;

impl Place {
    fn pack(&self) -> usize {
        (self.pack & !NAMED) as usize
    }
}

#[derive(Default)]
pub struct Locations {
    /// Each pack's name, size and row in the cache (0: not known).
    packs: Vec<(String, u64, i64)>,
    numbers: HashMap<String, u32>,
    /// The cache's chunks, sorted by ID (as the cache lists them).
    sorted: Vec<(ChunkId, Place)>,
    /// Chunks added out of order: this backup's.
    added: HashMap<ChunkId, Place>,
}

impl Locations {
    /// Records a pack's stored size (its chunks may come before or after).
    pub fn set_pack_size(&mut self, pack: &str, size: u64) {
        let n = self.number(pack);
        self.packs[n as usize].1 = size;
    }

    /// A stored pack, recorded in the cache as row `row`: its size and
    /// every chunk in it.
    pub fn add_pack(&mut self, pack: &IndexPack, row: i64) {
        self.set_pack_size(&pack.id, pack.size);
        let n = self.number(&pack.id);
        self.packs[n as usize].2 = row;
        for e in &pack.chunks {
            self.insert(&pack.id, e);
        }
    }

    /// A reusable chunk of the cache, in pack `pack` (row `row`): taken in
    /// any order, sorted by [`Locations::sort_cached`] once all are in, so
    /// that the cache needs no index by chunk ID to list them.
    pub fn push_cached(&mut self, pack: &str, row: i64, entry: &IndexEntry) {
        debug_assert!(self.added.is_empty(), "the cache's chunks come first");
        let n = self.number(pack);
        self.packs[n as usize].2 = row;
        self.sorted.push((entry.id, place(n, entry)));
    }

    /// Sorts the cache's chunks by ID; of several copies of one, one stays.
    pub fn sort_cached(&mut self) {
        self.sorted.sort_unstable_by_key(|(id, _)| *id);
        self.sorted.dedup_by(|a, b| a.0 == b.0);
        self.sorted.shrink_to_fit();
    }

    /// Chunk `entry` is in `pack` (the first place recorded stays).
    pub fn insert(&mut self, pack: &str, entry: &IndexEntry) {
        if self.contains(&entry.id) {
            return;
        }
        let place = place(self.number(pack), entry);
        match self.sorted.last() {
            Some((last, _)) if *last >= entry.id => {
                self.added.insert(entry.id, place);
            }
            _ if self.added.is_empty() => self.sorted.push((entry.id, place)),
            _ => {
                self.added.insert(entry.id, place);
            }
        }
        if self.added.len() >= FOLD_AT {
            self.fold_added();
        }
    }

    /// Merges this backup's chunks into the sorted vector, from the back
    /// (no second copy of it): a first backup of a million files would
    /// otherwise hold a hash table of a million chunks, twice while it grows.
    fn fold_added(&mut self) {
        let mut added: Vec<(ChunkId, Place)> =
            std::mem::take(&mut self.added).into_iter().collect();
        added.sort_unstable_by_key(|(id, _)| *id);
        let (mut i, mut j) = (self.sorted.len(), added.len());
        self.sorted.reserve_exact(j);
        self.sorted.extend_from_slice(&added); // the room, overwritten below
        let mut k = self.sorted.len();
        while j > 0 {
            k -= 1;
            if i > 0 && self.sorted[i - 1].0 > added[j - 1].0 {
                i -= 1;
                self.sorted[k] = self.sorted[i];
            } else {
                j -= 1;
                self.sorted[k] = added[j];
            }
        }
    }

    fn place(&self, id: &ChunkId) -> Option<&Place> {
        match self.sorted.binary_search_by(|(c, _)| c.cmp(id)) {
            Ok(i) => Some(&self.sorted[i].1),
            Err(_) => self.added.get(id),
        }
    }

    fn place_mut(&mut self, id: &ChunkId) -> Option<&mut Place> {
        match self.sorted.binary_search_by(|(c, _)| c.cmp(id)) {
            Ok(i) => Some(&mut self.sorted[i].1),
            Err(_) => self.added.get_mut(id),
        }
    }

    pub fn contains(&self, id: &ChunkId) -> bool {
        self.place(id).is_some()
    }

    /// The snapshot names chunk `id`.
    pub fn mark_named(&mut self, id: &ChunkId) {
        if let Some(p) = self.place_mut(id) {
            p.pack |= NAMED;
        }
    }

    pub fn is_named(&self, id: &ChunkId) -> bool {
        self.place(id).is_some_and(|p| p.pack & NAMED != 0)
    }

    /// The packs holding a chunk the snapshot names.
    pub fn named_packs(&self) -> std::collections::HashSet<String> {
        let mut numbers = std::collections::HashSet::new();
        for p in self
            .sorted
            .iter()
            .map(|(_, p)| p)
            .chain(self.added.values())
        {
            if p.pack & NAMED != 0 {
                numbers.insert(p.pack());
            }
        }
        numbers
            .into_iter()
            .map(|n| self.packs[n].0.clone())
            .collect()
    }

    /// Where chunk `id`'s row is in the cache (`None`: not recorded there).
    pub fn chunk_ref(&self, id: &ChunkId) -> Option<ChunkRef> {
        let place = self.place(id)?;
        let row = self.packs[place.pack()].2;
        (row > 0).then_some(ChunkRef {
            pack_row: row,
            offset: u64::from(place.offset),
        })
    }

    /// The ref naming chunk `id` where it is.
    pub fn blob_ref(&self, id: &ChunkId) -> anyhow::Result<BlobRef> {
        let place = self.place(id).ok_or_else(|| {
            anyhow::anyhow!(
                "chunk {} of this snapshot is in no recorded pack",
                hex::encode(&id[..8])
            )
        })?;
        let (pack, size, _) = &self.packs[place.pack()];
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
        self.packs.push((pack.to_string(), 0, 0));
        self.numbers.insert(pack.to_string(), n);
        n
    }
}

fn place(pack: u32, entry: &IndexEntry) -> Place {
    Place {
        pack,
        // Pack offsets are below MAX_PACK_BYTES (32 MiB).
        offset: u32::try_from(entry.offset).unwrap_or(u32::MAX),
        length: entry.length,
        raw_length: entry.raw_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u8, offset: u64) -> IndexEntry {
        IndexEntry {
            id: [id; 32],
            offset,
            length: 10,
            raw_length: 20,
        }
    }

    #[test]
    fn places_in_and_out_of_order_are_found_and_marked() {
        let mut l = Locations::default();
        l.set_pack_size(&"aa".repeat(32), 100);
        for id in [1u8, 3, 5] {
            l.insert(&"aa".repeat(32), &entry(id, u64::from(id)));
        }
        l.insert(&"bb".repeat(32), &entry(2, 7)); // out of order: added
        l.insert(&"bb".repeat(32), &entry(3, 9)); // known: the first place stays
        for id in [1u8, 2, 3, 5] {
            assert!(l.contains(&[id; 32]), "{id}");
        }
        assert!(!l.contains(&[4; 32]));
        assert_eq!(l.blob_ref(&[3; 32]).unwrap().entry_offset, 3);
        assert_eq!(l.blob_ref(&[2; 32]).unwrap().pack_name(), "bb".repeat(32));
        l.mark_named(&[2; 32]);
        assert!(l.is_named(&[2; 32]) && !l.is_named(&[1; 32]));
        assert_eq!(l.blob_ref(&[2; 32]).unwrap().pack_name(), "bb".repeat(32));
        assert_eq!(
            l.named_packs().into_iter().collect::<Vec<_>>(),
            vec!["bb".repeat(32)]
        );
    }

    #[test]
    fn many_chunks_out_of_order_fold_into_one_sorted_vector() {
        let mut l = Locations::default();
        let pack = "cc".repeat(32);
        let id = |n: u32| *blake3::hash(&n.to_le_bytes()).as_bytes();
        let n = 3 * FOLD_AT as u32 + 17;
        for i in 0..n {
            let e = IndexEntry {
                id: id(i),
                offset: u64::from(i),
                length: 1,
                raw_length: 1,
            };
            l.insert(&pack, &e);
            l.insert(&pack, &IndexEntry { offset: 0, ..e }); // a second copy: ignored
        }
        assert!(l.added.len() < FOLD_AT, "folded as they came");
        assert!(
            l.sorted.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no duplicates"
        );
        for i in (0..n).step_by(97) {
            assert_eq!(l.blob_ref(&id(i)).unwrap().entry_offset, i);
        }
        assert_eq!(l.sorted.len() + l.added.len(), n as usize);
    }
}
