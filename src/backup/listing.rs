//! Storing a snapshot's entries as a list that deduplicates itself
//! (`repo::tree`): the entry stream is cut into parts, each part already
//! in a reusable pack is named, not stored; new parts go into new packs,
//! which are uploaded and recorded like the backup's other packs (so the
//! index that follows lists them). Levels of refs are added until the top
//! fits in the signed body.

use std::collections::{HashMap, HashSet};

use crate::repo::format::{self, ChunkId, Entry, IndexEntry, IndexPack};
use crate::repo::pack::Packer;
use crate::repo::tree::{self, BlobRef, ListRef, StoredEntry, FANOUT, PART_MAX, REF_LEN};
use crate::repo::Repo;
use crate::state::State;

/// Where every chunk is, by ID: the reusable ones and this backup's new ones.
pub type Locations = HashMap<ChunkId, (String, IndexEntry)>;

pub struct Listing<'a> {
    pub state: &'a State,
    pub repo: &'a Repo,
    pub recipient: &'a age::x25519::Recipient,
    pub dedup_key: &'a [u8; 32],
    pub expires_at: Option<i64>,
    /// Stored size of each pack a ref may name.
    pub pack_sizes: HashMap<String, u64>,
}

/// One level of the list being written: bytes not cut yet, parts cut but
/// not yet in a stored pack, and the refs of those that are.
#[derive(Default)]
struct Level {
    pending: Vec<u8>,
    /// How much of `pending` has been counted in the stream's length.
    measured: u64,
    packer: Packer,
    ids: Vec<ChunkId>,
    refs: Vec<u8>,
}

/// What storing the list did.
pub struct Stored {
    pub list: ListRef,
    /// The ID of every part of every level: the snapshot references them.
    pub parts: HashSet<ChunkId>,
    pub stored_bytes: u64,
    pub new_packs: u64,
    pub new_parts: u64,
}

impl Listing<'_> {
    /// Stores `entries` (each file's chunks looked up in `location`, which
    /// learns the new parts' places).
    pub fn store(&mut self, entries: &[Entry], location: &mut Locations) -> anyhow::Result<Stored> {
        let mut stored = Stored {
            list: ListRef {
                depth: 0,
                length: 0,
                parts: Vec::new(),
            },
            parts: HashSet::new(),
            stored_bytes: 0,
            new_packs: 0,
            new_parts: 0,
        };
        let mut level = Level::default();
        for e in entries {
            let item = self.stored_entry(e, location)?;
            ciborium::into_writer(&item, &mut level.pending)?;
            stored.list.length += level.pending.len() as u64 - level.measured;
            level.measured = level.pending.len() as u64;
            if level.pending.len() >= 2 * PART_MAX as usize {
                self.cut(&mut level, false, location, &mut stored)?;
            }
        }
        self.cut(&mut level, true, location, &mut stored)?;
        self.flush(&mut level, location, &mut stored)?;
        let mut refs = level.refs;
        while refs.len() / REF_LEN > FANOUT {
            let mut above = Level {
                pending: refs,
                ..Level::default()
            };
            self.cut(&mut above, true, location, &mut stored)?;
            self.flush(&mut above, location, &mut stored)?;
            refs = above.refs;
            stored.list.depth += 1;
        }
        stored.list.parts = refs;
        Ok(stored)
    }

    /// An entry as the stream holds it: content named by refs.
    fn stored_entry(&self, e: &Entry, location: &Locations) -> anyhow::Result<StoredEntry> {
        let mut blobs = Vec::with_capacity(e.chunks.len() / 32 * REF_LEN);
        for id in e.chunk_ids() {
            self.blob_ref(&id, location)?.write(&mut blobs);
        }
        Ok(StoredEntry {
            path: e.path.clone(),
            kind: e.kind,
            mode: e.mode,
            mtime_ns: e.mtime_ns,
            size: e.size,
            target: e.target.clone(),
            blobs,
        })
    }

    fn blob_ref(&self, id: &ChunkId, location: &Locations) -> anyhow::Result<BlobRef> {
        let (pack, entry) = location.get(id).ok_or_else(|| {
            anyhow::anyhow!(
                "chunk {} of this snapshot is in no recorded pack",
                hex::encode(&id[..8])
            )
        })?;
        let size = self.pack_sizes.get(pack).copied().unwrap_or(0);
        BlobRef::new(pack, size, entry)
    }

    /// Cuts the parts of `level.pending` that have enough look-ahead (all
    /// of them at the end) and stores those not stored yet. A part is cut
    /// only once `PART_MAX` bytes or the end follow its start: all FastCDC
    /// looks at, so the cuts are those of the whole stream at once.
    fn cut(
        &mut self,
        level: &mut Level,
        end: bool,
        location: &mut Locations,
        stored: &mut Stored,
    ) -> anyhow::Result<()> {
        let mut done = 0;
        let pending = std::mem::take(&mut level.pending);
        for part in tree::cut(&pending) {
            let start = part.as_ptr() as usize - pending.as_ptr() as usize;
            if !end && pending.len() - start < PART_MAX as usize {
                break;
            }
            let id = format::chunk_id(self.dedup_key, part);
            level.ids.push(id);
            done = start + part.len();
            if !stored.parts.insert(id) || location.contains_key(&id) {
                continue; // named already: reused, or earlier in this list
            }
            level.packer.add(id, part);
            stored.new_parts += 1;
            if level.packer.is_full() {
                self.upload(&mut level.packer, location, stored)?;
            }
        }
        level.pending = pending;
        level.pending.drain(..done);
        level.measured = level.pending.len() as u64;
        // Refs of parts already stored can be written now.
        let mut named = 0;
        for id in &level.ids {
            if !location.contains_key(id) {
                break;
            }
            self.blob_ref(id, location)?.write(&mut level.refs);
            named += 1;
        }
        level.ids.drain(..named);
        Ok(())
    }

    /// Stores what the level's packer holds and names the rest of its parts.
    fn flush(
        &mut self,
        level: &mut Level,
        location: &mut Locations,
        stored: &mut Stored,
    ) -> anyhow::Result<()> {
        if !level.packer.is_empty() {
            self.upload(&mut level.packer, location, stored)?;
        }
        for id in std::mem::take(&mut level.ids) {
            self.blob_ref(&id, location)?.write(&mut level.refs);
        }
        Ok(())
    }

    /// Seals the packer's pack, stores it and records it (not yet indexed).
    fn upload(
        &mut self,
        packer: &mut Packer,
        location: &mut Locations,
        stored: &mut Stored,
    ) -> anyhow::Result<()> {
        let sealed = packer.seal(self.recipient)?;
        let size = sealed.bytes.len() as u64;
        self.repo
            .store
            .put(&self.repo.pack_key(&sealed.name), sealed.bytes.into())?;
        let pack = IndexPack {
            id: sealed.name,
            size,
            chunks: sealed.entries,
            expires_at: self.expires_at,
        };
        self.state.record_pack(
            &self.repo.cache_key(),
            &pack,
            &hex::decode(&pack.id)?,
            false,
        )?;
        for e in &pack.chunks {
            location.insert(e.id, (pack.id.clone(), *e));
        }
        self.pack_sizes.insert(pack.id.clone(), size);
        stored.stored_bytes += size;
        stored.new_packs += 1;
        Ok(())
    }
}
