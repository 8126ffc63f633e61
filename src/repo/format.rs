//! The repository's objects and their encoding (docs/format.md). CBOR
//! (RFC 8949) via serde; indexes and snapshot manifests are zstd-compressed
//! before sealing. This module parses and serialises, nothing else.

use serde::{Deserialize, Serialize};

/// Repository format version.
pub const VERSION: u32 = 1;

/// Content-defined chunking parameters (FastCDC 2020), fixed for version 1.
pub const CHUNK_MIN: u32 = 256 * 1024;
pub const CHUNK_AVG: u32 = 1024 * 1024;
pub const CHUNK_MAX: u32 = 4 * 1024 * 1024;
/// A pack is sealed once its blobs reach this size.
pub const PACK_TARGET: usize = 8 * 1024 * 1024;
/// zstd level for chunks: level 3 is zstd's default trade-off.
pub const ZSTD_LEVEL: i32 = 3;

/// Keyed BLAKE3 of a chunk's plaintext (key: the pseudonym's dedup key).
pub type ChunkId = [u8; 32];

pub fn chunk_id(dedup_key: &[u8; 32], data: &[u8]) -> ChunkId {
    *blake3::keyed_hash(dedup_key, data).as_bytes()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub version: u32,
    pub chunk_min: u32,
    pub chunk_avg: u32,
    pub chunk_max: u32,
}

/// The repository format a new repository's config names: version 2 adds
/// signed manifests, writer certificates, revocations and seals; packs and
/// indexes are unchanged. A version-1 repository stays version 1 (its
/// config is written once) and takes version-2 manifests beside its old ones.
pub const REPOSITORY_VERSION: u32 = 2;

impl Config {
    /// The same chunking parameters (the version may be 1 or 2).
    pub fn same_settings(&self, other: &Config) -> bool {
        (self.chunk_min, self.chunk_avg, self.chunk_max)
            == (other.chunk_min, other.chunk_avg, other.chunk_max)
    }

    pub fn current() -> Config {
        Config {
            version: REPOSITORY_VERSION,
            chunk_min: CHUNK_MIN,
            chunk_avg: CHUNK_AVG,
            chunk_max: CHUNK_MAX,
        }
    }
}

/// Where one chunk sits in its pack's payload. A blob whose `length` equals
/// its `raw_length` is stored uncompressed; otherwise it is one zstd frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    #[serde(with = "serde_bytes")]
    pub id: ChunkId,
    pub offset: u64,
    pub length: u32,
    pub raw_length: u32,
}

/// A pack's own header (at the end of its payload) lists its blobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackHeader {
    pub version: u32,
    pub chunks: Vec<IndexEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPack {
    /// The pack's object name.
    pub id: String,
    /// Size of the stored (sealed) pack object.
    pub size: u64,
    pub chunks: Vec<IndexEntry>,
    /// Set when a disappearing snapshot wrote the pack: when it expires.
    /// No snapshot that outlives this time may use the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub version: u32,
    pub packs: Vec<IndexPack>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Symlink,
}

/// One path of a snapshot. Paths are relative to the data directory, as
/// raw bytes (any Unix file name round-trips); the root is the empty path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(with = "serde_bytes")]
    pub path: Vec<u8>,
    pub kind: Kind,
    pub mode: u32,
    pub mtime_ns: i64,
    pub size: u64,
    /// Symlink target, as raw bytes.
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub target: Vec<u8>,
    /// Concatenated 32-byte chunk IDs of a file's content, in order.
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<u8>,
}

impl Entry {
    pub fn chunk_ids(&self) -> impl Iterator<Item = ChunkId> + '_ {
        self.chunks
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    /// Unix seconds at the start of the backup.
    pub time: i64,
    /// Its sub-second part: orders snapshots made within one second.
    #[serde(default)]
    pub nanos: u32,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Unix seconds after which `prune` forgets it ("disappearing snapshot").
    pub expires_at: Option<i64>,
    pub files: u64,
    pub bytes: u64,
    pub entries: Vec<Entry>,
}

pub fn to_cbor<T: Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out)?;
    Ok(out)
}

pub fn from_cbor<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> anyhow::Result<T> {
    Ok(ciborium::from_reader(bytes)?)
}

/// CBOR then zstd: for indexes and manifests.
pub fn encode_compressed<T: Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    Ok(zstd::bulk::compress(&to_cbor(value)?, ZSTD_LEVEL)?)
}

pub fn decode_compressed<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> anyhow::Result<T> {
    let raw = zstd::stream::decode_all(bytes)?;
    from_cbor(&raw)
}

/// Pack payload: `blobs || cbor(PackHeader) || u32le(len(header))`.
pub fn split_pack(payload: &[u8]) -> anyhow::Result<PackHeader> {
    anyhow::ensure!(payload.len() >= 4, "pack shorter than its trailer");
    let n = payload.len();
    let header_len = u32::from_le_bytes(payload[n - 4..].try_into().expect("4 bytes")) as usize;
    anyhow::ensure!(header_len + 4 <= n, "pack header length out of range");
    let header: PackHeader = from_cbor(&payload[n - 4 - header_len..n - 4])?;
    anyhow::ensure!(
        header.version == VERSION,
        "pack format version {} is not {VERSION}",
        header.version
    );
    let blobs_end = (n - 4 - header_len) as u64;
    for e in &header.chunks {
        anyhow::ensure!(
            e.offset + e.length as u64 <= blobs_end,
            "blob outside the pack"
        );
    }
    Ok(header)
}

/// Decompresses one blob and checks it against its chunk ID.
pub fn open_blob(dedup_key: &[u8; 32], entry: &IndexEntry, blob: &[u8]) -> anyhow::Result<Vec<u8>> {
    let raw = if entry.length == entry.raw_length {
        blob.to_vec()
    } else {
        zstd::bulk::decompress(blob, entry.raw_length as usize)?
    };
    anyhow::ensure!(
        raw.len() == entry.raw_length as usize,
        "chunk has the wrong length"
    );
    anyhow::ensure!(
        chunk_id(dedup_key, &raw) == entry.id,
        "chunk does not match its ID"
    );
    Ok(raw)
}
