//! The repository's objects and their encoding (docs/format.md). CBOR
//! (RFC 8949) via serde; indexes and snapshot manifests are zstd-compressed
//! before sealing. This module parses and serialises, nothing else.
//!
//! Everything it decodes comes from the store, which whoever holds the
//! device (its public keys) and the store's credentials can fill with
//! objects that decrypt: every decoder here bounds what it allocates and
//! decompresses, checks sizes before it reads, and never panics
//! (docs/format.md, *Decoding bounds*).

use std::io::Read;
use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize};

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

/// The most a snapshot manifest decompresses to (its CBOR): 256 MiB, room
/// for 1.4 million entries of Signal Desktop's kind (an 88-byte path and
/// one chunk: about 190 bytes each).
pub const MAX_MANIFEST_BYTES: u64 = 256 << 20;
/// The most an index decompresses to: 256 MiB, about 3 million chunks (at
/// most 82 bytes of CBOR each), some 3 TiB of unique data.
pub const MAX_INDEX_BYTES: u64 = 256 << 20;
/// The most a config payload has (crossing's has 59 bytes).
pub const MAX_CONFIG_BYTES: u64 = 4096;
/// The most a pack's payload has: its blobs end below
/// `PACK_TARGET + CHUNK_MAX` (12 MiB), and its header, of at most
/// [`MAX_PACK_CHUNKS`] entries of at most 82 bytes, below 5.4 MB.
pub const MAX_PACK_BYTES: u64 = 32 << 20;
/// A writer seals a pack at this many chunks even below the target (many
/// tiny files), so that its header stays small.
pub const MAX_PACK_CHUNKS: usize = 65_536;
/// The longest blob: zstd's bound for a chunk of `CHUNK_MAX` bytes
/// (`ZSTD_COMPRESSBOUND`: 1/256 more).
pub const MAX_BLOB_LENGTH: u32 = CHUNK_MAX + CHUNK_MAX / 256;
/// The largest window an index's or manifest's zstd frame may ask for,
/// as a power of two: 8 MiB, what zstd's levels up to 19 use at most.
pub const ZSTD_WINDOW_LOG_MAX: u32 = 23;
/// The most `--tag` labels a snapshot carries: an empty text string is one
/// byte of CBOR but 24 in memory, so their number is bounded on its own.
pub const MAX_TAGS: usize = 256;
/// The longest symlink target Linux stores (`PATH_MAX` − 1).
pub const MAX_TARGET_BYTES: usize = 4095;

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
/// signed manifests, writer certificates, revocations and seals; version 3
/// manifests whose entry list is stored as deduplicated parts
/// (`repo::tree`); packs and indexes are unchanged. An older repository
/// keeps its config (written once) and takes version-3 manifests beside
/// its old ones.
pub const REPOSITORY_VERSION: u32 = 3;

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

impl IndexEntry {
    /// Where the blob lies in its pack's payload; `None` if that overflows.
    pub fn range(&self) -> Option<Range<usize>> {
        let start = usize::try_from(self.offset).ok()?;
        Some(start..start.checked_add(self.length as usize)?)
    }

    /// The bounds every entry of a pack header or an index must keep.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.raw_length <= CHUNK_MAX,
            "a chunk of {} bytes, more than the chunker's maximum {CHUNK_MAX}",
            self.raw_length
        );
        anyhow::ensure!(
            self.length <= MAX_BLOB_LENGTH,
            "a blob of {} bytes, more than a chunk can take ({MAX_BLOB_LENGTH})",
            self.length
        );
        anyhow::ensure!(
            self.range().is_some_and(|r| r.end as u64 <= MAX_PACK_BYTES),
            "a blob at offset {}, beyond any pack",
            self.offset
        );
        Ok(())
    }
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

impl Index {
    /// What a reader checks in an index it decoded: pack names, sizes and
    /// chunk bounds. `max_pack` is the largest stored pack there can be.
    pub fn check(&self, max_pack: u64) -> anyhow::Result<()> {
        for p in &self.packs {
            anyhow::ensure!(
                super::is_object_name(&p.id),
                "pack \"{}\" is not an object name (64 lowercase hex characters)",
                p.id.escape_debug()
            );
            anyhow::ensure!(
                p.size <= max_pack,
                "pack {} of {} bytes, more than a pack can have ({max_pack})",
                p.id,
                p.size
            );
            for e in &p.chunks {
                e.check()
                    .map_err(|err| anyhow::anyhow!("pack {}: {err}", p.id))?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// A named pipe: restored with `mkfifo`, never opened by a backup. A
    /// version-3 list stores it as a `file` marked `fifo` (docs/format.md).
    Fifo,
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
    /// A hard link: the path of the earlier `file` entry whose inode this
    /// one shares (same content, named again); empty otherwise.
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<u8>,
}

impl Entry {
    pub fn chunk_ids(&self) -> impl Iterator<Item = ChunkId> + '_ {
        self.chunks
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
    }

    /// What a reader checks in every entry of a manifest it decoded: the
    /// path, the mode (permission bits only: no file type, so no device
    /// node), and the fields each kind has (a hard link names a path).
    pub fn check(&self) -> anyhow::Result<()> {
        let path = String::from_utf8_lossy(&self.path);
        anyhow::ensure!(
            is_relative_path(&self.path),
            "{path:?}: not a path inside the data directory"
        );
        anyhow::ensure!(
            self.mode & !0o7777 == 0,
            "{path:?}: mode {:o} has bits beyond the permissions",
            self.mode
        );
        anyhow::ensure!(
            self.chunks.len() % 32 == 0,
            "{path:?}: a chunk list of {} bytes, not 32 per chunk",
            self.chunks.len()
        );
        let no_content = self.size == 0 && self.chunks.is_empty();
        let no_link = self.link.is_empty();
        let fits = match self.kind {
            Kind::File => {
                self.target.is_empty()
                    && !self.path.is_empty()
                    && (no_link || (is_relative_path(&self.link) && self.link != self.path))
            }
            Kind::Dir => no_content && self.target.is_empty() && no_link,
            Kind::Symlink => {
                no_content
                    && no_link
                    && !self.path.is_empty()
                    && !self.target.is_empty()
                    && self.target.len() <= MAX_TARGET_BYTES
                    && !self.target.contains(&0)
            }
            Kind::Fifo => no_content && no_link && self.target.is_empty() && !self.path.is_empty(),
        };
        anyhow::ensure!(fits, "{path:?}: fields that a {:?} cannot have", self.kind);
        Ok(())
    }
}

/// Whether manifest path `path` is `within` or below it (the root, the
/// empty path, holds every path).
pub fn is_within(path: &[u8], within: &[u8]) -> bool {
    within.is_empty()
        || path == within
        || (path.starts_with(within) && path.get(within.len()) == Some(&b'/'))
}

/// A manifest path: empty (the root), or `/`-separated names that are not
/// empty, `.` or `..` and hold no NUL byte (so never absolute).
pub fn is_relative_path(path: &[u8]) -> bool {
    path.is_empty()
        || (!path.contains(&0)
            && path
                .split(|&b| b == b'/')
                .all(|c| !c.is_empty() && c != b"." && c != b".."))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    /// Unix seconds at the start of the backup.
    pub time: i64,
    /// Its sub-second part: orders snapshots made within one second.
    #[serde(default)]
    pub nanos: u32,
    #[serde(default, deserialize_with = "at_most_max_tags")]
    pub tags: Vec<String>,
    /// Unix seconds after which `prune` forgets it ("disappearing snapshot").
    pub expires_at: Option<i64>,
    pub files: u64,
    pub bytes: u64,
    pub entries: Vec<Entry>,
}

impl Snapshot {
    /// What a reader checks in a manifest it decoded (every entry).
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.nanos < 1_000_000_000, "nanos {} ≥ 1 s", self.nanos);
        self.entries.iter().try_for_each(Entry::check)
    }
}

/// `tags`, refused beyond [`MAX_TAGS`] before more are allocated.
fn at_most_max_tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Tags;
    impl<'de> serde::de::Visitor<'de> for Tags {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "at most {MAX_TAGS} tags")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut tags = Vec::new();
            while let Some(tag) = seq.next_element()? {
                if tags.len() == MAX_TAGS {
                    return Err(serde::de::Error::custom(format!(
                        "more than {MAX_TAGS} tags"
                    )));
                }
                tags.push(tag);
            }
            Ok(tags)
        }
    }
    d.deserialize_seq(Tags)
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

/// [`decode_compressed_at_most`] the larger of the manifest's and the
/// index's bound.
pub fn decode_compressed<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> anyhow::Result<T> {
    decode_compressed_at_most(bytes, MAX_MANIFEST_BYTES.max(MAX_INDEX_BYTES))
}

/// zstd then CBOR, streamed: the decompressed bytes are never held whole,
/// and decoding fails as soon as more than `max` of them come out (or the
/// frame declares more, or asks for a window beyond [`ZSTD_WINDOW_LOG_MAX`]).
pub fn decode_compressed_at_most<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    max: u64,
) -> anyhow::Result<T> {
    let too_much = || anyhow::anyhow!("it decompresses to more than {max} bytes");
    if let Ok(Some(declared)) = zstd::zstd_safe::get_frame_content_size(bytes) {
        if declared > max {
            return Err(too_much());
        }
    }
    let mut zstd = zstd::stream::read::Decoder::with_buffer(bytes)?;
    zstd.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
    let mut capped = AtMost {
        inner: zstd,
        left: max,
        over: false,
    };
    let decoded = ciborium::from_reader(std::io::BufReader::with_capacity(1 << 16, &mut capped));
    match decoded {
        Ok(value) => Ok(value),
        Err(_) if capped.over => Err(too_much()),
        Err(e) => Err(e.into()),
    }
}

/// A reader that fails once more than `left` bytes would come out.
struct AtMost<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for AtMost<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // At the bound: only the end of the stream may follow.
            if buf.is_empty() || self.inner.read(&mut [0u8])? == 0 {
                return Ok(0);
            }
            self.over = true;
            return Err(std::io::Error::other("decompression bound reached"));
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Pack payload: `blobs || cbor(PackHeader) || u32le(len(header))`.
pub fn split_pack(payload: &[u8]) -> anyhow::Result<PackHeader> {
    let blobs_end = blobs_end(payload)?;
    let header: PackHeader = from_cbor(&payload[blobs_end..payload.len() - 4])?;
    anyhow::ensure!(
        header.version == VERSION,
        "pack format version {} is not {VERSION}",
        header.version
    );
    for e in &header.chunks {
        e.check()?;
        anyhow::ensure!(
            e.range().is_some_and(|r| r.end <= blobs_end),
            "blob outside the pack"
        );
    }
    Ok(header)
}

/// Where a pack's blobs end (and its header starts), from its trailer.
fn blobs_end(payload: &[u8]) -> anyhow::Result<usize> {
    anyhow::ensure!(
        payload.len() as u64 <= MAX_PACK_BYTES,
        "a pack of {} bytes, more than {MAX_PACK_BYTES}",
        payload.len()
    );
    let trailer = payload
        .len()
        .checked_sub(4)
        .ok_or_else(|| anyhow::anyhow!("pack shorter than its trailer"))?;
    let header_len = u32::from_le_bytes(payload[trailer..].try_into()?) as usize;
    trailer
        .checked_sub(header_len)
        .ok_or_else(|| anyhow::anyhow!("pack header length out of range"))
}

/// The blob `entry` (from the pack's header or from an index) names in a
/// pack's payload: checked to lie before the header.
pub fn blob<'a>(payload: &'a [u8], entry: &IndexEntry) -> anyhow::Result<&'a [u8]> {
    entry.check()?;
    let end = blobs_end(payload)?;
    entry
        .range()
        .filter(|r| r.end <= end)
        .map(|r| &payload[r])
        .ok_or_else(|| anyhow::anyhow!("a chunk lies outside the pack"))
}

/// Decompresses one blob and checks it against its chunk ID. Nothing
/// beyond `raw_length`, itself at most `CHUNK_MAX`, is allocated.
pub fn open_blob(dedup_key: &[u8; 32], entry: &IndexEntry, blob: &[u8]) -> anyhow::Result<Vec<u8>> {
    entry.check()?;
    anyhow::ensure!(
        blob.len() == entry.length as usize,
        "blob has the wrong length"
    );
    let raw = if entry.length == entry.raw_length {
        blob.to_vec()
    } else {
        decompress(blob, entry.raw_length as usize)?
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

/// `zstd::bulk::decompress` (at most `capacity` bytes), with one context
/// per thread: making one per blob took 6 % of a restore's time.
fn decompress(blob: &[u8], capacity: usize) -> anyhow::Result<Vec<u8>> {
    thread_local! {
        static CONTEXT: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    CONTEXT.with(|context| {
        let mut context = context.borrow_mut();
        let decompressor = match context.as_mut() {
            Some(d) => d,
            None => context.insert(zstd::bulk::Decompressor::new()?),
        };
        Ok(decompressor.decompress(blob, capacity)?)
    })
}

#[cfg(test)]
mod tests;
