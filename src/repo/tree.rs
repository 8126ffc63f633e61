//! Format 3 manifests: the snapshot's entries as a list that deduplicates
//! itself (docs/format.md, *Manifests (version 3)*).
//!
//! The entries are written as one stream of CBOR items, cut by content
//! (FastCDC, 8/32/128 KiB) into *parts* that are stored as blobs in packs,
//! like file content. A part is named by a [`BlobRef`]: its chunk ID and
//! where it lies, in 80 fixed bytes. When there are more than [`FANOUT`]
//! parts, their refs are themselves a stream, cut and stored the same way,
//! up to a top level of at most [`FANOUT`] refs in the signed body: a Merkle
//! tree whose unchanged subtrees keep their bytes and so their IDs. An
//! hourly backup stores only the parts that changed (and the levels above
//! them), never the whole list.
//!
//! A file entry names its content by blob refs too, so the list carries
//! where every chunk is: restore needs no index, and an unchanged file's
//! refs are the same bytes every hour.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::format::{self, ChunkId, Entry, IndexEntry, IndexPack, Kind};
use super::history::ReadKeys;
use super::Repo;

/// The manifest version whose body is a [`TreeBody`].
pub const TREE_VERSION: u32 = 3;
/// Bytes of one [`BlobRef`].
pub const REF_LEN: usize = 80;
/// List parts: FastCDC minimum, average and maximum.
pub const PART_MIN: u32 = 8 * 1024;
pub const PART_AVG: u32 = 32 * 1024;
pub const PART_MAX: u32 = 128 * 1024;
/// The most refs a level holds before another level goes above it.
pub const FANOUT: usize = 256;
/// Levels above the entry stream a reader follows (256^5 parts is beyond
/// any tree; a deeper claim is corrupt).
pub const MAX_DEPTH: u32 = 4;
/// The most an entry stream may have: 2 GiB, some 10 million entries.
pub const MAX_STREAM_BYTES: u64 = 2 << 30;
/// The most a level of refs above the stream may have (it is held whole):
/// 64 MiB, 800 000 refs, room for parts of 100 GiB. A writer's entry stream
/// at its 2 GiB bound has about 65 000 parts, 5 MiB of refs.
pub const MAX_REF_LEVEL_BYTES: u64 = 64 << 20;

/// Where one blob is: its chunk ID, its pack (the object name's 32 bytes)
/// and that pack's stored size, and the blob's place in the pack's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobRef {
    pub id: ChunkId,
    pub pack: [u8; 32],
    pub pack_size: u32,
    pub entry_offset: u32,
    pub length: u32,
    pub raw_length: u32,
}

impl BlobRef {
    /// The ref of chunk `entry` in `pack` (a 64-hex name) of `pack_size` bytes.
    pub fn new(pack: &str, pack_size: u64, entry: &IndexEntry) -> anyhow::Result<BlobRef> {
        let mut name = [0u8; 32];
        hex::decode_to_slice(pack, &mut name)
            .map_err(|_| anyhow::anyhow!("pack {pack:?} is not an object name"))?;
        Ok(BlobRef {
            id: entry.id,
            pack: name,
            pack_size: u32::try_from(pack_size)?,
            entry_offset: u32::try_from(entry.offset)?,
            length: entry.length,
            raw_length: entry.raw_length,
        })
    }

    /// `id ‖ pack ‖ u32le(pack_size) ‖ u32le(offset) ‖ u32le(length) ‖ u32le(raw_length)`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.pack);
        for n in [
            self.pack_size,
            self.entry_offset,
            self.length,
            self.raw_length,
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }

    pub fn read(bytes: &[u8; REF_LEN]) -> BlobRef {
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        BlobRef {
            id: bytes[..32].try_into().expect("32 bytes"),
            pack: bytes[32..64].try_into().expect("32 bytes"),
            pack_size: u32_at(64),
            entry_offset: u32_at(68),
            length: u32_at(72),
            raw_length: u32_at(76),
        }
    }

    pub fn pack_name(&self) -> String {
        hex::encode(self.pack)
    }

    pub fn entry(&self) -> IndexEntry {
        IndexEntry {
            id: self.id,
            offset: u64::from(self.entry_offset),
            length: self.length,
            raw_length: self.raw_length,
        }
    }
}

/// Splits concatenated refs; `None` unless a whole number of them.
pub fn refs(bytes: &[u8]) -> Option<impl Iterator<Item = BlobRef> + '_> {
    (bytes.len() % REF_LEN == 0).then(|| {
        bytes
            .chunks_exact(REF_LEN)
            .map(|r| BlobRef::read(r.try_into().expect("80 bytes")))
    })
}

/// A stored list: the refs of its top level, how many levels of refs lie
/// between them and the stream, and the stream's length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRef {
    pub depth: u32,
    pub length: u64,
    #[serde(with = "serde_bytes")]
    pub parts: Vec<u8>,
}

/// The body of a version-3 manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeBody {
    pub entries: ListRef,
}

/// One item of the entry stream: an [`Entry`] whose content is named by
/// blob refs (`blobs`) instead of bare chunk IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEntry {
    #[serde(with = "serde_bytes")]
    pub path: Vec<u8>,
    pub kind: Kind,
    pub mode: u32,
    pub mtime_ns: i64,
    pub size: u64,
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub target: Vec<u8>,
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub blobs: Vec<u8>,
    /// A hard link: the earlier `file` entry sharing this one's inode. Its
    /// `blobs` are written too, so a reader that ignores `link` restores a
    /// copy.
    #[serde(with = "serde_bytes", default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<u8>,
    /// A FIFO, written as an empty `file` so that a reader that ignores
    /// `fifo` still reads the list (and restores an empty file).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fifo: bool,
}

impl StoredEntry {
    /// The kind an entry of the stream stands for.
    pub fn kind(&self) -> Kind {
        if self.fifo && self.kind == Kind::File {
            Kind::Fifo
        } else {
            self.kind
        }
    }

    /// The entry with its content named by chunk IDs, and its blob refs.
    pub fn split(self) -> anyhow::Result<(Entry, Vec<BlobRef>)> {
        let blobs: Vec<BlobRef> = refs(&self.blobs)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{:?}: a blob list that is not 80 bytes per blob",
                    String::from_utf8_lossy(&self.path)
                )
            })?
            .collect();
        let chunks = blobs.iter().flat_map(|r| r.id).collect();
        let entry = Entry {
            kind: self.kind(),
            path: self.path,
            mode: self.mode,
            mtime_ns: self.mtime_ns,
            size: self.size,
            target: self.target,
            chunks,
            link: self.link,
        };
        Ok((entry, blobs))
    }
}

/// Cuts a stream into list parts (content-defined, so an edit moves only
/// the parts around it).
pub fn cut(stream: &[u8]) -> impl Iterator<Item = &[u8]> {
    fastcdc::v2020::FastCDC::new(stream, PART_MIN, PART_AVG, PART_MAX)
        .map(move |c| &stream[c.offset..c.offset + c.length])
}

impl Repo {
    /// The entry stream of a version-3 body: every level fetched, each
    /// part authenticated by its keyed hash. Also returns every ref met
    /// (parts of every level), so the caller can count their packs as used.
    pub fn read_list(
        &self,
        keys: &ReadKeys,
        list: &ListRef,
    ) -> anyhow::Result<(Vec<u8>, Vec<BlobRef>)> {
        let mut cache = PackCache::default();
        let (stream_parts, met) = self.list_levels(keys, list, &mut cache)?;
        let met = met
            .into_iter()
            .chain(stream_parts.iter().copied())
            .collect();
        let mut parts = self.parts(keys, list, cache, stream_parts)?;
        let mut stream = Vec::new();
        std::io::Read::read_to_end(&mut parts, &mut stream)?;
        parts.ensure_whole()?;
        Ok((stream, met))
    }

    /// A version-3 manifest's entries and the packs it uses, its entries
    /// decoded as its parts arrive (the stream is never held whole).
    pub fn read_tree(
        &self,
        keys: &ReadKeys,
        list: &ListRef,
    ) -> anyhow::Result<(Vec<Entry>, Vec<IndexPack>)> {
        let (mut stream, met) = self.stream_entries(keys, list)?;
        let mut packs = PackMap::default();
        met.iter().for_each(|r| packs.add(r));
        let mut entries = Vec::new();
        while let Some(stored) = stream.next()? {
            entries.push(packs.entry(stored)?);
        }
        Ok((entries, packs.into_packs()))
    }

    /// The entries of `list`, to decode one at a time as its parts arrive
    /// (restore never holds them all), and every ref met above them (the
    /// levels' parts and the stream's).
    pub fn stream_entries<'a>(
        &'a self,
        keys: &'a ReadKeys,
        list: &ListRef,
    ) -> anyhow::Result<(EntryStream<'a>, Vec<BlobRef>)> {
        let mut cache = PackCache::default();
        let (stream_parts, mut met) = self.list_levels(keys, list, &mut cache)?;
        met.extend_from_slice(&stream_parts);
        // Consecutive parts are in one pack: the stream keeps one at a time.
        cache.keep_last(1);
        let parts = self.parts(keys, list, cache, stream_parts)?;
        let stream = EntryStream {
            parts: std::io::BufReader::with_capacity(PART_MAX as usize, parts),
            decoded: 0,
        };
        Ok((stream, met))
    }

    /// The entry stream of `list`, to read part by part, once its length
    /// is within what its parts may hold.
    fn parts<'a>(
        &'a self,
        keys: &'a ReadKeys,
        list: &ListRef,
        cache: PackCache,
        stream_parts: Vec<BlobRef>,
    ) -> anyhow::Result<Parts<'a>> {
        stream_fits(list, stream_parts.len())?;
        Ok(Parts {
            repo: self,
            keys,
            cache,
            refs: stream_parts.into_iter(),
            current: std::io::Cursor::new(Vec::new()),
            read: 0,
            length: list.length,
        })
    }

    /// The refs of the entry stream's parts, every level above them fetched
    /// and checked, and the refs of those levels' own parts.
    fn list_levels(
        &self,
        keys: &ReadKeys,
        list: &ListRef,
        packs: &mut PackCache,
    ) -> anyhow::Result<(Vec<BlobRef>, Vec<BlobRef>)> {
        anyhow::ensure!(
            list.depth <= MAX_DEPTH,
            "a list of {} levels, more than {MAX_DEPTH}",
            list.depth
        );
        anyhow::ensure!(
            list.length <= MAX_STREAM_BYTES,
            "an entry stream of {} bytes, more than {MAX_STREAM_BYTES}",
            list.length
        );
        let mut met = Vec::new();
        let mut level = list.parts.clone();
        for _ in 0..list.depth {
            let these: Vec<BlobRef> = refs(&level)
                .ok_or_else(|| anyhow::anyhow!("a level of refs that is not 80 bytes each"))?
                .collect();
            // The level below is at most PART_MAX bytes per ref, and, being
            // refs held whole in memory, at most MAX_REF_LEVEL_BYTES.
            let max = (these.len() as u64)
                .saturating_mul(u64::from(PART_MAX))
                .min(MAX_REF_LEVEL_BYTES);
            let mut next = Vec::new();
            for r in &these {
                let part = packs.blob(self, keys, r)?;
                anyhow::ensure!(
                    next.len() as u64 + part.len() as u64 <= max,
                    "a list level longer than its refs allow ({max} bytes)"
                );
                next.extend_from_slice(&part);
            }
            met.extend(these);
            level = next;
        }
        let stream_parts = refs(&level)
            .ok_or_else(|| anyhow::anyhow!("a level of refs that is not 80 bytes each"))?
            .collect();
        Ok((stream_parts, met))
    }
}

/// The entry stream is at most `PART_MAX` bytes per part (docs/format.md, *Bounds*).
fn stream_fits(list: &ListRef, parts: usize) -> anyhow::Result<()> {
    let max = (parts as u64).saturating_mul(u64::from(PART_MAX));
    anyhow::ensure!(
        list.length <= max,
        "an entry stream of {} bytes in {parts} parts, more than {} bytes a part",
        list.length,
        PART_MAX
    );
    Ok(())
}

/// The entry stream, read part by part.
struct Parts<'a> {
    repo: &'a Repo,
    keys: &'a ReadKeys,
    cache: PackCache,
    refs: std::vec::IntoIter<BlobRef>,
    current: std::io::Cursor<Vec<u8>>,
    /// Bytes handed out so far, never more than `length`.
    read: u64,
    length: u64,
}

impl Parts<'_> {
    /// Every part read: the stream is exactly as long as the body says.
    fn ensure_whole(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.read == self.length,
            "the entry stream has {} bytes, not the {} the body names",
            self.read,
            self.length
        );
        Ok(())
    }
}

impl Repo {
    /// The entries of `list` as checked entries named by chunk IDs, one at a
    /// time as its parts arrive (ls, diff); stopping early reads no further
    /// part.
    pub fn entry_stream<'a>(
        &'a self,
        keys: &'a ReadKeys,
        list: &ListRef,
    ) -> anyhow::Result<Entries<'a>> {
        let (stream, _) = self.stream_entries(keys, list)?;
        Ok(Entries {
            stream,
            done: false,
        })
    }
}

/// See [`Repo::entry_stream`]; the first error ends it.
pub struct Entries<'a> {
    stream: EntryStream<'a>,
    done: bool,
}

impl Iterator for Entries<'_> {
    type Item = anyhow::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.stream.next().transpose().map(|stored| {
            let (entry, _) = stored?.split()?;
            entry.check()?;
            Ok(entry)
        });
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

/// A format-3 entry stream, decoded one entry at a time.
pub struct EntryStream<'a> {
    parts: std::io::BufReader<Parts<'a>>,
    decoded: usize,
}

impl EntryStream<'_> {
    /// The next entry; `None` once the stream ended where its body says.
    #[allow(clippy::should_implement_trait)] // fallible: not an Iterator
    pub fn next(&mut self) -> anyhow::Result<Option<StoredEntry>> {
        if std::io::BufRead::fill_buf(&mut self.parts)?.is_empty() {
            self.parts.get_ref().ensure_whole()?;
            return Ok(None);
        }
        let stored = ciborium::from_reader(&mut self.parts)
            .map_err(|e| anyhow::anyhow!("entry {} of the stream: {e}", self.decoded))?;
        self.decoded += 1;
        Ok(Some(stored))
    }
}

impl std::io::Read for Parts<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.read += n as u64;
                if self.read > self.length {
                    return Err(std::io::Error::other(format!(
                        "the entry stream is longer than the {} bytes the body names",
                        self.length
                    )));
                }
                return Ok(n);
            }
            let Some(r) = self.refs.next() else {
                return Ok(0);
            };
            let part = self
                .cache
                .blob(self.repo, self.keys, &r)
                .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
            self.current = std::io::Cursor::new(part);
        }
    }
}

/// The packs a snapshot's refs name, each with the entries named in it.
#[derive(Default)]
struct PackMap {
    packs: BTreeMap<[u8; 32], (u32, BTreeMap<u64, IndexEntry>)>,
}

impl PackMap {
    fn add(&mut self, r: &BlobRef) {
        let (size, chunks) = self
            .packs
            .entry(r.pack)
            .or_insert((r.pack_size, BTreeMap::new()));
        *size = (*size).max(r.pack_size);
        chunks.insert(u64::from(r.entry_offset), r.entry());
    }

    /// The entry, its content named by chunk IDs (and its refs recorded).
    fn entry(&mut self, e: StoredEntry) -> anyhow::Result<Entry> {
        let (entry, blobs) = e.split()?;
        blobs.iter().for_each(|r| self.add(r));
        Ok(entry)
    }

    fn into_packs(self) -> Vec<IndexPack> {
        self.packs
            .into_iter()
            .map(|(pack, (size, chunks))| IndexPack {
                id: hex::encode(pack),
                size: u64::from(size),
                chunks: chunks.into_values().collect(),
                expires_at: None,
            })
            .collect()
    }
}

/// The last packs a list read fetched: consecutive parts are mostly in
/// the same pack. A part whose pack is missing or damaged is taken from
/// another copy the readable indexes list, as restore does for file
/// content (docs/format.md, *Damage*).
#[derive(Default)]
struct PackCache {
    recent: Vec<(String, bytes::Bytes)>,
    /// How many packs `recent` holds (default [`Self::KEEP`]).
    keep: Option<usize>,
    copies: Option<HashMap<ChunkId, Vec<(String, IndexEntry)>>>,
}

impl PackCache {
    const KEEP: usize = 4;

    /// From now on, keep only the last `n` packs.
    fn keep_last(&mut self, n: usize) {
        let excess = self.recent.len().saturating_sub(n);
        self.recent.drain(..excess);
        self.keep = Some(n);
    }

    fn blob(&mut self, repo: &Repo, keys: &ReadKeys, r: &BlobRef) -> anyhow::Result<Vec<u8>> {
        let first = match self.blob_in(repo, keys, &r.pack_name(), &r.entry()) {
            Ok(part) => return Ok(part),
            Err(e) => e,
        };
        if self.copies.is_none() {
            self.copies = Some(repo.chunk_copies(&keys.identity).unwrap_or_default());
        }
        let others = self
            .copies
            .as_ref()
            .and_then(|c| c.get(&r.id))
            .cloned()
            .unwrap_or_default();
        for (pack, entry) in others {
            if pack != r.pack_name() {
                if let Ok(part) = self.blob_in(repo, keys, &pack, &entry) {
                    return Ok(part);
                }
            }
        }
        Err(first)
    }

    fn blob_in(
        &mut self,
        repo: &Repo,
        keys: &ReadKeys,
        name: &str,
        entry: &IndexEntry,
    ) -> anyhow::Result<Vec<u8>> {
        let payload = match self.recent.iter().find(|(n, _)| n == name) {
            Some((_, p)) => p.clone(),
            None => {
                let p = repo.fetch_pack(name, &keys.identity)?;
                if self.recent.len() >= self.keep.unwrap_or(Self::KEEP) {
                    self.recent.remove(0);
                }
                self.recent.push((name.to_string(), p.clone()));
                p
            }
        };
        entry.check()?;
        let blob = format::blob(&payload, entry)?;
        format::open_blob(&keys.dedup_key, entry, blob)
            .map_err(|e| anyhow::anyhow!("list part in pack {name}: {e:#}"))
    }
}

/// Decodes the entry stream, item by item.
pub fn decode_entries(stream: &[u8]) -> anyhow::Result<Vec<StoredEntry>> {
    let mut rest = stream;
    let mut entries = Vec::new();
    while !rest.is_empty() {
        let entry: StoredEntry = ciborium::from_reader(&mut rest)
            .map_err(|e| anyhow::anyhow!("entry {} of the stream: {e}", entries.len()))?;
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests;
