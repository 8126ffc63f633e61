//! Storing a snapshot's entries as a list that deduplicates itself
//! (`repo::tree`): the entry stream is cut into parts, each part already
//! in a reusable pack is named, not stored; new parts go into new packs,
//! which are uploaded and recorded like the backup's other packs (so the
//! index that follows lists them). Levels of refs are added until the top
//! fits in the signed body.

use std::collections::{HashMap, HashSet};

use crate::repo::format::{self, ChunkId, Entry, IndexEntry, IndexPack};
use crate::repo::pack::Packer;
use crate::repo::tree::{self, BlobRef, ListRef, StoredEntry, FANOUT, REF_LEN};
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
        let stream = self.entry_stream(entries, location)?;
        let mut stored = Stored {
            list: ListRef {
                depth: 0,
                length: stream.len() as u64,
                parts: Vec::new(),
            },
            parts: HashSet::new(),
            stored_bytes: 0,
            new_packs: 0,
            new_parts: 0,
        };
        let mut level = stream;
        loop {
            let refs = self.store_parts(&level, location, &mut stored)?;
            if refs.len() / REF_LEN <= FANOUT {
                stored.list.parts = refs;
                return Ok(stored);
            }
            level = refs;
            stored.list.depth += 1;
        }
    }

    /// The entries as one stream of CBOR items, content named by refs.
    fn entry_stream(&self, entries: &[Entry], location: &Locations) -> anyhow::Result<Vec<u8>> {
        let mut stream = Vec::new();
        for e in entries {
            let mut blobs = Vec::with_capacity(e.chunks.len() / 32 * REF_LEN);
            for id in e.chunk_ids() {
                self.blob_ref(&id, location)?.write(&mut blobs);
            }
            ciborium::into_writer(
                &StoredEntry {
                    path: e.path.clone(),
                    kind: e.kind,
                    mode: e.mode,
                    mtime_ns: e.mtime_ns,
                    size: e.size,
                    target: e.target.clone(),
                    blobs,
                },
                &mut stream,
            )?;
        }
        Ok(stream)
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

    /// Cuts `stream` into parts, stores those not stored yet, and returns
    /// the parts' refs, concatenated.
    fn store_parts(
        &mut self,
        stream: &[u8],
        location: &mut Locations,
        stored: &mut Stored,
    ) -> anyhow::Result<Vec<u8>> {
        let mut packer = Packer::default();
        let mut ids = Vec::new();
        for part in tree::cut(stream) {
            let id = format::chunk_id(self.dedup_key, part);
            ids.push(id);
            if !stored.parts.insert(id) || location.contains_key(&id) {
                continue; // named already: reused, or earlier in this list
            }
            packer.add(id, part);
            stored.new_parts += 1;
            if packer.is_full() {
                self.upload(&mut packer, location, stored)?;
            }
        }
        if !packer.is_empty() {
            self.upload(&mut packer, location, stored)?;
        }
        let mut refs = Vec::with_capacity(ids.len() * REF_LEN);
        for id in &ids {
            self.blob_ref(id, location)?.write(&mut refs);
        }
        Ok(refs)
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
