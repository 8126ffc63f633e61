//! Grouping blobs into packs: compress each new chunk, append it, and seal
//! the pack once it reaches [`PACK_TARGET`](super::format::PACK_TARGET).

use super::format::{self, ChunkId, IndexEntry, PackHeader};
use super::seal;

/// A pack being filled.
#[derive(Default)]
pub struct Packer {
    blobs: Vec<u8>,
    entries: Vec<IndexEntry>,
}

/// A sealed pack, ready to upload.
pub struct SealedPack {
    pub name: String,
    pub bytes: Vec<u8>,
    pub entries: Vec<IndexEntry>,
}

impl Packer {
    /// Compresses and appends a chunk (stored raw if zstd does not shrink it).
    pub fn add(&mut self, id: ChunkId, raw: &[u8]) {
        let offset = self.blobs.len() as u64;
        let compressed = zstd::bulk::compress(raw, format::ZSTD_LEVEL)
            .ok()
            .filter(|c| c.len() < raw.len());
        let stored: &[u8] = compressed.as_deref().unwrap_or(raw);
        self.blobs.extend_from_slice(stored);
        self.entries.push(IndexEntry {
            id,
            offset,
            length: stored.len() as u32,
            raw_length: raw.len() as u32,
        });
    }

    pub fn is_full(&self) -> bool {
        self.blobs.len() >= format::PACK_TARGET
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the header, seals, names the pack; leaves this packer empty.
    pub fn seal(&mut self, recipient: &age::x25519::Recipient) -> anyhow::Result<SealedPack> {
        let entries = std::mem::take(&mut self.entries);
        let mut payload = std::mem::take(&mut self.blobs);
        let header = format::to_cbor(&PackHeader {
            version: format::VERSION,
            chunks: entries.clone(),
        })?;
        payload.extend_from_slice(&header);
        payload.extend_from_slice(&(header.len() as u32).to_le_bytes());
        let bytes = seal::seal_owned(payload, recipient)?;
        Ok(SealedPack {
            name: super::object_name(&bytes),
            bytes,
            entries,
        })
    }
}
