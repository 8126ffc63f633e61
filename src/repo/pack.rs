//! Grouping blobs into packs: compress each new chunk, append it, and seal
//! the pack once it reaches [`PACK_TARGET`](super::format::PACK_TARGET).

use super::format::{self, ChunkId, IndexEntry, PackHeader};
use super::seal::Sealer;

/// A pack being filled: each chunk is compressed and sealed into the
/// buffer that will be uploaded as it comes (no plaintext copy of the pack).
pub struct Packer {
    recipient: age::x25519::Recipient,
    /// The pack being sealed; `None` between packs.
    sealer: Option<Sealer>,
    entries: Vec<IndexEntry>,
    /// One zstd context per packer (per worker): no allocation per chunk.
    zstd: zstd::bulk::Compressor<'static>,
    probe: zstd::bulk::Compressor<'static>,
}

/// The most a pack's payload holds: the target, one more chunk, its header.
const PACK_PAYLOAD_MAX: u64 = (format::PACK_TARGET + format::CHUNK_MAX as usize + (1 << 16)) as u64;

/// Chunks above this size are probed before compressing.
const PROBE_ABOVE: usize = 128 * 1024;
const PROBE_LEN: usize = 32 * 1024;

/// Whether a chunk looks compressible: a 32 KiB sample from its middle,
/// at zstd's fastest level, must shrink by 2%. Media (the bulk of a
/// messenger's data) is already compressed; this saves zstd's time on it.
fn worth_compressing(probe: &mut zstd::bulk::Compressor<'static>, raw: &[u8]) -> bool {
    if raw.len() <= PROBE_ABOVE {
        return true;
    }
    let start = raw.len() / 2 - PROBE_LEN / 2;
    let sample = &raw[start..start + PROBE_LEN];
    probe
        .compress(sample)
        .map(|c| c.len() * 100 < sample.len() * 98)
        .unwrap_or(true)
}

/// A sealed pack, ready to upload.
pub struct SealedPack {
    pub name: String,
    pub bytes: Vec<u8>,
    pub entries: Vec<IndexEntry>,
}

impl Packer {
    pub fn new(recipient: &age::x25519::Recipient) -> Packer {
        Packer {
            recipient: recipient.clone(),
            sealer: None,
            entries: Vec::new(),
            zstd: zstd::bulk::Compressor::new(format::ZSTD_LEVEL).expect("zstd context"),
            probe: zstd::bulk::Compressor::new(1).expect("zstd context"),
        }
    }

    /// Compresses and appends a chunk (stored raw if zstd does not shrink it).
    pub fn add(&mut self, id: ChunkId, raw: &[u8]) -> anyhow::Result<()> {
        let sealer = match &mut self.sealer {
            Some(s) => s,
            None => self
                .sealer
                .insert(Sealer::new(&self.recipient, PACK_PAYLOAD_MAX)?),
        };
        let offset = sealer.len();
        let compressed = if worth_compressing(&mut self.probe, raw) {
            self.zstd.compress(raw).ok().filter(|c| c.len() < raw.len())
        } else {
            None
        };
        let stored: &[u8] = compressed.as_deref().unwrap_or(raw);
        sealer.write(stored)?;
        self.entries.push(IndexEntry {
            id,
            offset,
            length: stored.len() as u32,
            raw_length: raw.len() as u32,
        });
        Ok(())
    }

    /// At the target size, or at `MAX_PACK_CHUNKS` chunks (many tiny
    /// files), so that the header too stays within what a reader accepts.
    pub fn is_full(&self) -> bool {
        self.sealer
            .as_ref()
            .is_some_and(|s| s.len() >= format::PACK_TARGET as u64)
            || self.entries.len() >= format::MAX_PACK_CHUNKS
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the header, seals, names the pack; leaves this packer empty.
    pub fn seal(&mut self) -> anyhow::Result<SealedPack> {
        let entries = std::mem::take(&mut self.entries);
        let mut sealer = match self.sealer.take() {
            Some(s) => s,
            None => Sealer::new(&self.recipient, 1 << 16)?,
        };
        let header = format::to_cbor(&PackHeader {
            version: format::VERSION,
            chunks: entries.clone(),
        })?;
        sealer.write(&header)?;
        sealer.write(&(header.len() as u32).to_le_bytes())?;
        let bytes = sealer.finish()?;
        Ok(SealedPack {
            name: super::object_name(&bytes),
            bytes,
            entries,
        })
    }
}
