//! Where each chunk a backup may name is: the reusable ones the cache
//! knows and those this backup stores, and which of them the snapshot
//! names. One entry per chunk of the repository, so it is kept small: a
//! chunk is known by the first 16 bytes of its ID, a pack is a number here
//! (its name is kept once), a place is four `u32`s (packs are at most
//! 32 MiB), and the cache's chunks — most of them — sit in one sorted
//! vector (32 bytes each, no hash table's slack). A pack's row in the cache
//! is kept with its name, so a place is also where the chunk's row is
//! (`chunk_ref`, what the file cache names chunks by).
//!
//! 16 bytes suffice: IDs are keyed BLAKE3, so two chunks of one repository
//! share a prefix with a chance of about n²/2¹²⁹ (below 2⁻⁸⁰ for 2²⁴
//! chunks), and the list still names each chunk by its whole ID, which
//! restore checks. A lookup goes straight to its place among the sorted
//! keys through a directory of their top 16 bits: a no-change backup looks
//! every chunk up four times, and comparing 32-byte arrays in a binary
//! search over the whole vector was a quarter of its time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::repo::format::{ChunkId, IndexEntry, IndexPack};
use crate::repo::tree::BlobRef;
use crate::state::cache::ChunkRef;
use crate::state::State;

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
/// time (a hash table of them costs about three times their 32 bytes).
const FOLD_AT: usize = 32_768;

/// The bits of a key the directory goes by.
const DIRECTORY_BITS: u32 = 16;

impl Place {
    fn pack(&self) -> usize {
        (self.pack & !NAMED) as usize
    }
}

/// A chunk's key here: its ID's first 16 bytes, in the IDs' byte order.
type Key = u128;

fn key(id: &ChunkId) -> Key {
    Key::from_be_bytes(id[..16].try_into().expect("16 bytes"))
}

/// Keys are uniform already (keyed BLAKE3): hashing them again is waste.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u128(&mut self, k: u128) {
        self.0 = k as u64;
    }
}

#[derive(Default)]
pub struct Locations {
    /// Each pack's name, size and row in the cache (0: not known).
    packs: Vec<(String, u64, i64)>,
    numbers: HashMap<String, u32>,
    /// The cache's chunks, and this backup's once folded in, sorted by key.
    sorted: Vec<(Key, Place)>,
    /// Where the keys with each value of their top bits start in `sorted`
    /// (one more than the values: the last is the end).
    directory: Vec<u32>,
    /// Chunks added out of order: this backup's, until folded in.
    added: HashMap<Key, Place, BuildHasherDefault<KeyHasher>>,
}

impl Locations {
    /// The chunks of repository `cache_key` the cache knows and a snapshot
    /// expiring at `expires_at` may reuse, and every recorded pack's size.
    pub fn from_cache(
        state: &State,
        cache_key: &str,
        expires_at: Option<i64>,
    ) -> anyhow::Result<Locations> {
        // Loading them, and then a backup's file lookups, read most of the
        // database: ahead of SQLite's page-at-a-time reads.
        state.read_ahead();
        let mut location = Locations::default();
        for (pack, (size, _)) in state.cached_packs(cache_key)? {
            location.set_pack_size(&pack, size);
        }
        state.reusable_chunks(cache_key, expires_at, |pack, row, entry| {
            location.push_cached(pack, row, &entry)
        })?;
        location.sort_cached();
        Ok(location)
    }

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
        self.sorted.push((key(&entry.id), place(n, entry)));
    }

    /// Sorts the cache's chunks by key; of several copies of one, one stays.
    pub fn sort_cached(&mut self) {
        self.sorted.sort_unstable_by_key(|(k, _)| *k);
        self.sorted.dedup_by(|a, b| a.0 == b.0);
        self.sorted.shrink_to_fit();
        self.index();
    }

    /// Chunk `entry` is in `pack` (the first place recorded stays).
    pub fn insert(&mut self, pack: &str, entry: &IndexEntry) {
        if self.contains(&entry.id) {
            return;
        }
        let place = place(self.number(pack), entry);
        self.added.insert(key(&entry.id), place);
        if self.added.len() >= FOLD_AT {
            self.fold_added();
        }
    }

    /// Merges this backup's chunks into the sorted vector, from the back
    /// (no second copy of it): a first backup of a million files would
    /// otherwise hold a hash table of a million chunks, twice while it grows.
    fn fold_added(&mut self) {
        let mut added: Vec<(Key, Place)> = std::mem::take(&mut self.added).into_iter().collect();
        added.sort_unstable_by_key(|(k, _)| *k);
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
        self.index();
    }

    /// Rebuilds the directory of `sorted` (once per sort or fold).
    fn index(&mut self) {
        let buckets = 1usize << DIRECTORY_BITS;
        self.directory.clear();
        self.directory.reserve_exact(buckets + 1);
        let mut at = 0usize;
        for bucket in 0..buckets {
            self.directory.push(at as u32);
            while at < self.sorted.len() && bucket_of(self.sorted[at].0) == bucket {
                at += 1;
            }
        }
        self.directory.push(at as u32);
    }

    /// Where key `k` is in `sorted`, if it is there.
    fn position(&self, k: Key) -> Option<usize> {
        let b = bucket_of(k);
        let (start, end) = match (self.directory.get(b), self.directory.get(b + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => return None, // nothing sorted yet
        };
        let bucket = &self.sorted[start..end];
        bucket
            .binary_search_by_key(&k, |(c, _)| *c)
            .ok()
            .map(|i| start + i)
    }

    fn place(&self, id: &ChunkId) -> Option<&Place> {
        let k = key(id);
        match self.position(k) {
            Some(i) => Some(&self.sorted[i].1),
            None => self.added.get(&k),
        }
    }

    fn place_mut(&mut self, id: &ChunkId) -> Option<&mut Place> {
        let k = key(id);
        match self.position(k) {
            Some(i) => Some(&mut self.sorted[i].1),
            None => self.added.get_mut(&k),
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

    /// The ref naming chunk `id` where it is, which the snapshot names
    /// from now on (one lookup for both, for every chunk of the list).
    pub fn name(&mut self, id: &ChunkId) -> anyhow::Result<BlobRef> {
        let place = self.place_mut(id).ok_or_else(|| unrecorded(id))?;
        place.pack |= NAMED;
        let place = *place;
        self.ref_at(id, &place)
    }

    /// The ref naming chunk `id` where it is.
    pub fn blob_ref(&self, id: &ChunkId) -> anyhow::Result<BlobRef> {
        let place = self.place(id).ok_or_else(|| unrecorded(id))?;
        self.ref_at(id, place)
    }

    fn ref_at(&self, id: &ChunkId, place: &Place) -> anyhow::Result<BlobRef> {
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

fn unrecorded(id: &ChunkId) -> anyhow::Error {
    anyhow::anyhow!(
        "chunk {} of this snapshot is in no recorded pack",
        hex::encode(&id[..8])
    )
}

fn bucket_of(k: Key) -> usize {
    (k >> (128 - DIRECTORY_BITS)) as usize
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
        for i in n..n + 1000 {
            assert!(!l.contains(&id(i)), "{i} was never added");
        }
    }

    #[test]
    fn the_cache_s_chunks_are_found_through_the_directory() {
        let mut l = Locations::default();
        let pack = "dd".repeat(32);
        let id = |n: u32| *blake3::hash(&n.to_be_bytes()).as_bytes();
        for i in (0..100_000u32).rev() {
            l.push_cached(
                &pack,
                7,
                &IndexEntry {
                    id: id(i),
                    offset: u64::from(i),
                    length: 1,
                    raw_length: 1,
                },
            );
        }
        l.sort_cached();
        assert_eq!(l.directory.len(), (1 << DIRECTORY_BITS) + 1);
        for i in (0..100_000u32).step_by(13) {
            assert_eq!(
                l.chunk_ref(&id(i)),
                Some(ChunkRef {
                    pack_row: 7,
                    offset: u64::from(i)
                })
            );
        }
        // The lowest and highest keys sit in the first and last buckets.
        let lo = [0u8; 32];
        let hi = [0xffu8; 32];
        assert!(!l.contains(&lo) && !l.contains(&hi));
        l.insert(
            &pack,
            &IndexEntry {
                id: hi,
                offset: 1,
                length: 1,
                raw_length: 1,
            },
        );
        l.insert(
            &pack,
            &IndexEntry {
                id: lo,
                offset: 2,
                length: 1,
                raw_length: 1,
            },
        );
        l.fold_added();
        assert_eq!(l.blob_ref(&hi).unwrap().entry_offset, 1);
        assert_eq!(l.blob_ref(&lo).unwrap().entry_offset, 2);
        assert!(!l.contains(&id(100_000)));
    }
}
