//! Storing a snapshot's entries as a list that deduplicates itself
//! (`repo::tree`): the entry stream is cut into parts, each part already
//! in a reusable pack is named, not stored; new parts go into new packs,
//! which are uploaded and recorded like the backup's other packs (so the
//! index that follows lists them). Levels of refs are added until the top
//! fits in the signed body.

use std::collections::HashSet;

use super::locations::Locations;
use crate::repo::format::{self, ChunkId, Entry, IndexPack, Kind};
use crate::repo::pack::Packer;
use crate::repo::tree::{self, ListRef, StoredEntry, FANOUT, PART_MAX, REF_LEN};
use crate::repo::Repo;
use crate::state::State;

pub struct Listing<'a> {
    pub state: &'a State,
    pub repo: &'a Repo,
    pub recipient: &'a age::x25519::Recipient,
    pub dedup_key: &'a [u8; 32],
    pub expires_at: Option<i64>,
}

/// One level of the list being written: bytes not cut yet, parts cut but
/// not yet in a stored pack, and the refs of those that are.
#[derive(Default)]
struct Level {
    pending: Vec<u8>,
    /// How much of `pending` has been counted in the stream's length.
    measured: u64,
    /// Made at the level's first new part (it needs the recipient).
    packer: Option<Packer>,
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

/// A list being written, entry by entry.
pub struct ListWriter<'a> {
    listing: Listing<'a>,
    level: Level,
    stored: Stored,
}

impl<'a> Listing<'a> {
    pub fn writer(self) -> ListWriter<'a> {
        ListWriter {
            listing: self,
            level: Level::default(),
            stored: Stored {
                list: ListRef {
                    depth: 0,
                    length: 0,
                    parts: Vec::new(),
                },
                parts: HashSet::new(),
                stored_bytes: 0,
                new_packs: 0,
                new_parts: 0,
            },
        }
    }
}

impl ListWriter<'_> {
    /// Appends an entry (its chunks looked up in `location`, which learns
    /// where new parts go).
    pub fn push(&mut self, e: &Entry, location: &mut Locations) -> anyhow::Result<()> {
        let (level, stored) = (&mut self.level, &mut self.stored);
        let item = self.listing.stored_entry(e, location)?;
        ciborium::into_writer(&item, &mut level.pending)?;
        stored.list.length += level.pending.len() as u64 - level.measured;
        level.measured = level.pending.len() as u64;
        if level.pending.len() >= 2 * PART_MAX as usize {
            self.listing.cut(level, false, location, stored)?;
        }
        Ok(())
    }

    /// Stores the rest, and the levels of refs above the parts.
    pub fn finish(mut self, location: &mut Locations) -> anyhow::Result<Stored> {
        let (listing, stored) = (&mut self.listing, &mut self.stored);
        listing.cut(&mut self.level, true, location, stored)?;
        listing.flush(&mut self.level, location, stored)?;
        let mut refs = std::mem::take(&mut self.level.refs);
        while refs.len() / REF_LEN > FANOUT {
            let mut above = Level {
                pending: refs,
                ..Level::default()
            };
            listing.cut(&mut above, true, location, stored)?;
            listing.flush(&mut above, location, stored)?;
            refs = above.refs;
            stored.list.depth += 1;
        }
        stored.list.parts = refs;
        Ok(self.stored)
    }
}

impl Listing<'_> {
    /// An entry as the stream holds it: content named by refs.
    /// Its chunks are named by the snapshot from now on.
    fn stored_entry(&self, e: &Entry, location: &mut Locations) -> anyhow::Result<StoredEntry> {
        let mut blobs = Vec::with_capacity(e.chunks.len() / 32 * REF_LEN);
        for id in e.chunk_ids() {
            location.name(&id)?.write(&mut blobs);
        }
        // A FIFO is written as an empty file marked `fifo`: a reader that
        // does not know FIFOs still reads the list (docs/format.md).
        let fifo = e.kind == Kind::Fifo;
        Ok(StoredEntry {
            path: e.path.clone(),
            kind: if fifo { Kind::File } else { e.kind },
            mode: e.mode,
            mtime_ns: e.mtime_ns,
            size: e.size,
            target: e.target.clone(),
            blobs,
            link: e.link.clone(),
            fifo,
        })
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
            if !stored.parts.insert(id) || location.contains(&id) {
                continue; // named already: reused, or earlier in this list
            }
            let packer = level
                .packer
                .get_or_insert_with(|| Packer::new(self.recipient));
            packer.add(id, part)?;
            stored.new_parts += 1;
            if packer.is_full() {
                self.upload(packer, location, stored)?;
            }
        }
        level.pending = pending;
        level.pending.drain(..done);
        level.measured = level.pending.len() as u64;
        // Refs of parts already stored can be written now.
        let mut named = 0;
        for id in &level.ids {
            if !location.contains(id) {
                break;
            }
            location.blob_ref(id)?.write(&mut level.refs);
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
        if let Some(packer) = level.packer.as_mut().filter(|p| !p.is_empty()) {
            self.upload(packer, location, stored)?;
        }
        for id in std::mem::take(&mut level.ids) {
            location.blob_ref(&id)?.write(&mut level.refs);
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
        let sealed = packer.seal()?;
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
        let row = self.state.record_pack(
            &self.repo.cache_key(),
            &pack,
            &hex::decode(&pack.id)?,
            false,
        )?;
        location.add_pack(&pack, row);
        stored.stored_bytes += size;
        stored.new_packs += 1;
        Ok(())
    }
}
