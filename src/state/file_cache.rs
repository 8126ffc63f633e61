//! The file cache: what the last backup of each profile saw of each file,
//! so that a backup skips unchanged files without opening them.
//!
//! Kept small, since it has a row per file of every data directory (state
//! migration 13, issue 12: a small file costs about 95 bytes of the home
//! with its chunk's row, where it cost about 290). A row is keyed by 8
//! bytes of BLAKE3 of the path (the path itself is not stored), holds an
//! 8-byte checksum of everything a lookup must match instead of the
//! fingerprint's fields, and names its chunks by their rows in
//! `cache_chunks` (pack row and offset, a few bytes) instead of their
//! 32-byte IDs (the first chunk's in two columns, the others' in `more`).
//!
//! A backup looks files up in the order of its walk. Keys that were plain
//! hashes would scatter those lookups over the whole table, a read of a page
//! from the file each; so a key's high bits are of the directory's path
//! (see [`path_hash`]) and a directory's rows sit together, as the chunk
//! rows of files stored together do (keyed by pack and offset).

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};

use super::State;
use crate::repo::format::ChunkId;

/// What makes a file "unchanged since the last backup".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub inode: u64,
}

/// A file as the last backup of a profile saw it.
#[derive(Debug, Clone)]
pub struct CachedFile {
    /// Of the file, or for a live database's consistent copy, of the
    /// database and its -wal together (see `backup::reader`).
    pub fingerprint: Fingerprint,
    /// Length of the content stored (a database copy's, not the file's).
    pub size: u64,
    /// Concatenated chunk IDs.
    pub chunks: Vec<u8>,
}

/// Where a chunk's row is: the row of its pack, and its offset there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChunkRef {
    pub pack_row: i64,
    pub offset: u64,
}

/// A path's 64 bits: the file cache's key, and what a backup keeps of each
/// file it saw (8 bytes each). 24 bits of BLAKE3 of the directory's path,
/// then 40 of the path's: the files of one directory have neighbouring
/// keys. Two paths with the same key share a row, so a lookup may find the
/// other's: the checksum tells (a miss, one more read).
pub fn path_hash(path: &[u8]) -> u64 {
    let dir = &path[..path.iter().rposition(|&b| b == b'/').unwrap_or(0)];
    let low = blake3::hash(path);
    let mut key = [0u8; 8];
    key[..3].copy_from_slice(&dir_hash(dir));
    key[3..].copy_from_slice(&low.as_bytes()[..5]);
    u64::from_be_bytes(key)
}

/// The high bits of [`path_hash`]: the files of a directory come one after
/// another, so the last directory's are kept (a hash less per file).
fn dir_hash(dir: &[u8]) -> [u8; 3] {
    thread_local! {
        static LAST: std::cell::RefCell<(Vec<u8>, [u8; 3])> = const {
            std::cell::RefCell::new((Vec::new(), [0; 3]))
        };
    }
    LAST.with_borrow_mut(|(last, high)| {
        if last.as_slice() != dir || last.is_empty() {
            let h = blake3::hash(dir);
            high.copy_from_slice(&h.as_bytes()[..3]);
            last.clear();
            last.extend_from_slice(dir);
        }
        *high
    })
}

/// What a row vouches for: the path, its fingerprint, the content's length
/// and chunk IDs. A lookup matches only if all are the same, so neither
/// another path's row nor a row whose chunk refs now name other chunks
/// (a pack row forgotten and its number used again) is taken for the file.
fn checksum(path: &[u8], fp: &Fingerprint, size: u64, chunks: &[u8]) -> i64 {
    let mut h = blake3::Hasher::new();
    h.update(b"crossing file cache 1\0");
    h.update(&(path.len() as u64).to_le_bytes());
    h.update(path);
    h.update(&fp.size.to_le_bytes());
    h.update(&fp.mtime_ns.to_le_bytes());
    h.update(&fp.ctime_ns.to_le_bytes());
    h.update(&fp.inode.to_le_bytes());
    h.update(&size.to_le_bytes());
    h.update(chunks);
    i64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().expect("8 bytes"))
}

/// The refs of a file's chunks after the first, as stored in `more`: pack
/// row and offset of each, as LEB128 varints (about 6 bytes a chunk).
fn encode_refs(refs: &[ChunkRef]) -> Vec<u8> {
    let mut out = Vec::with_capacity(refs.len() * 6);
    for r in refs {
        push_varint(&mut out, r.pack_row as u64);
        push_varint(&mut out, r.offset);
    }
    out
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The refs of a stored list (`None`: not a list of refs).
pub fn decode_refs(mut bytes: &[u8]) -> Option<Vec<ChunkRef>> {
    let mut refs = Vec::new();
    while !bytes.is_empty() {
        let pack_row = i64::try_from(read_varint(&mut bytes)?).ok()?;
        let offset = read_varint(&mut bytes)?;
        refs.push(ChunkRef { pack_row, offset });
    }
    Some(refs)
}

/// Writes (or rewrites) file cache rows, inside the caller's transaction.
/// A file with a chunk `place` cannot find has no row (an old one goes).
fn write_files<'a>(
    conn: &rusqlite::Connection,
    cache: i64,
    files: impl Iterator<Item = (&'a [u8], &'a CachedFile)>,
    place: impl Fn(&ChunkId) -> Option<ChunkRef>,
) -> anyhow::Result<()> {
    let mut insert = conn.prepare(
        "INSERT OR REPLACE INTO cache_files (cache, key, checksum, content_size, pack_row, offset, more)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut delete = conn.prepare("DELETE FROM cache_files WHERE cache = ?1 AND key = ?2")?;
    for (path, f) in files {
        let key = path_hash(path) as i64;
        let refs: Option<Vec<ChunkRef>> = f
            .chunks
            .chunks_exact(32)
            .map(|c| ChunkId::try_from(c).ok().and_then(|id| place(&id)))
            .collect();
        let Some(refs) = refs else {
            delete.execute(params![cache, key])?;
            continue;
        };
        // A plain file's content is as long as the file: not stored again.
        let content_size = (f.size != f.fingerprint.size).then_some(f.size as i64);
        let first = refs.first();
        let more = (refs.len() > 1).then(|| encode_refs(&refs[1..]));
        insert.execute(params![
            cache,
            key,
            checksum(path, &f.fingerprint, f.size, &f.chunks),
            content_size,
            first.map(|r| r.pack_row),
            first.map(|r| r.offset as i64),
            more
        ])?;
    }
    Ok(())
}

/// The number of a profile's file cache, made on first use.
fn cache_number(conn: &rusqlite::Connection, profile: &str) -> anyhow::Result<i64> {
    conn.execute(
        "INSERT OR IGNORE INTO file_caches (profile) VALUES (?1)",
        [profile],
    )?;
    Ok(conn.query_row(
        "SELECT id FROM file_caches WHERE profile = ?1",
        [profile],
        |r| r.get(0),
    )?)
}

impl State {
    /// What the last backup of `profile` saw at `path`, if it had the
    /// fingerprint `fp`: one lookup (and one per chunk), so a backup never
    /// holds the whole cache. `None` also when a chunk's row is gone.
    pub fn cached_file(
        &self,
        profile: &str,
        path: &[u8],
        fp: &Fingerprint,
    ) -> anyhow::Result<Option<CachedFile>> {
        // Two statements, not a join: a join here is prepared again at
        // every lookup (SQLite marks its plan as depending on the key).
        let mut stmt = self.conn.prepare_cached(
            "SELECT checksum, content_size, pack_row, offset, more FROM cache_files
             WHERE cache = (SELECT id FROM file_caches WHERE profile = ?1) AND key = ?2",
        )?;
        let row = stmt
            .query_row(params![profile, path_hash(path) as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                ))
            })
            .optional()?;
        let Some((check, content_size, pack_row, offset, more)) = row else {
            return Ok(None);
        };
        let mut refs = match (pack_row, offset) {
            (Some(pack_row), Some(offset)) => vec![ChunkRef {
                pack_row,
                offset: offset as u64,
            }],
            _ => Vec::new(), // an empty file
        };
        if let Some(more) = more {
            match decode_refs(&more) {
                Some(more) => refs.extend(more),
                None => return Ok(None),
            }
        }
        let mut chunk_stmt = self
            .conn
            .prepare_cached("SELECT chunk FROM cache_chunks WHERE pack_row = ?1 AND offset = ?2")?;
        let mut chunks = Vec::with_capacity(refs.len() * 32);
        for r in refs {
            let found = chunk_stmt
                .query_row(params![r.pack_row, r.offset as i64], |row| {
                    let id = row.get_ref(0)?.as_blob()?;
                    chunks.extend_from_slice(id);
                    Ok(id.len() == 32)
                })
                .optional()?;
            if found != Some(true) {
                return Ok(None);
            }
        }
        let size = content_size.map_or(fp.size, |s| s as u64);
        if checksum(path, fp, size, &chunks) != check {
            return Ok(None);
        }
        Ok(Some(CachedFile {
            fingerprint: *fp,
            size,
            chunks,
        }))
    }

    /// Records files a running backup read, in place: a row stays valid
    /// from the moment its chunks are in a recorded pack, so a backup that
    /// fails later leaves a cache the next one can use. The rows of files
    /// it did not read (unchanged) are left as they are. `place` says where
    /// each chunk's row is.
    pub fn update_file_cache<'a>(
        &self,
        profile: &str,
        files: impl Iterator<Item = (&'a [u8], &'a CachedFile)>,
        place: impl Fn(&ChunkId) -> Option<ChunkRef>,
    ) -> anyhow::Result<()> {
        let mut files = files.peekable();
        if files.peek().is_none() {
            return Ok(()); // a batch of unchanged files: nothing to write
        }
        let tx = self.conn.unchecked_transaction()?;
        let cache = cache_number(&tx, profile)?;
        write_files(&tx, cache, files, place)?;
        tx.commit()?;
        Ok(())
    }

    /// Once a backup's snapshot is stored: forgets the files it did not
    /// see (`seen` says which it did, by [`path_hash`]), deleted since.
    pub fn drop_unseen_files(
        &self,
        profile: &str,
        seen: impl Fn(u64) -> bool,
    ) -> anyhow::Result<()> {
        let gone: Vec<i64> = {
            let mut stmt = self.conn.prepare(
                "SELECT key FROM cache_files WHERE cache = (SELECT id FROM file_caches WHERE profile = ?1)",
            )?;
            let keys = stmt.query_map([profile], |r| r.get::<_, i64>(0))?;
            keys.filter(|k| k.as_ref().map_or(true, |k| !seen(*k as u64)))
                .collect::<Result<_, _>>()?
        };
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut del = tx.prepare(
                "DELETE FROM cache_files WHERE cache = (SELECT id FROM file_caches WHERE profile = ?1) AND key = ?2",
            )?;
            for key in &gone {
                del.execute(params![profile, key])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces a profile's file cache with what the latest backup saw.
    pub fn replace_file_cache<'a>(
        &self,
        profile: &str,
        files: impl Iterator<Item = (&'a [u8], &'a CachedFile)>,
        place: impl Fn(&ChunkId) -> Option<ChunkRef>,
    ) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let cache = cache_number(&tx, profile)?;
        tx.execute("DELETE FROM cache_files WHERE cache = ?1", [cache])?;
        write_files(&tx, cache, files, place)?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets a profile's file cache (inside the caller's transaction).
    pub(crate) fn drop_file_cache(
        conn: &rusqlite::Connection,
        profile: &str,
    ) -> anyhow::Result<()> {
        conn.execute(
            "DELETE FROM cache_files WHERE cache = (SELECT id FROM file_caches WHERE profile = ?1)",
            [profile],
        )?;
        conn.execute("DELETE FROM file_caches WHERE profile = ?1", [profile])?;
        Ok(())
    }

    /// The chunk rows the file caches of profiles other than `profile` name.
    pub(crate) fn refs_of_other_profiles(
        &self,
        profile: &str,
    ) -> anyhow::Result<HashSet<ChunkRef>> {
        let mut stmt = self.conn.prepare(
            "SELECT pack_row, offset, more FROM cache_files
             WHERE pack_row IS NOT NULL AND cache IS NOT (SELECT id FROM file_caches WHERE profile = ?1)",
        )?;
        let mut rows = stmt.query([profile])?;
        let mut refs = HashSet::new();
        while let Some(r) = rows.next()? {
            refs.insert(ChunkRef {
                pack_row: r.get(0)?,
                offset: r.get::<_, i64>(1)? as u64,
            });
            if let Some(more) = r.get_ref(2)?.as_blob_or_null()? {
                refs.extend(decode_refs(more).unwrap_or_default());
            }
        }
        Ok(refs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::format::{IndexEntry, IndexPack};

    #[test]
    fn a_row_is_found_only_for_its_path_fingerprint_profile_and_chunk_rows() {
        let home = tempfile::tempdir().unwrap();
        let state = State::open(home.path()).unwrap();
        let entry = |id: u8, offset| IndexEntry {
            id: [id; 32],
            offset,
            length: 10,
            raw_length: 10,
        };
        let pack = IndexPack {
            id: "p1".into(),
            size: 100,
            chunks: vec![entry(1, 0), entry(2, 10), entry(3, 20)],
            expires_at: None,
        };
        let row = state.record_pack("r", &pack, &[0], false).unwrap();
        let place = |id: &ChunkId| {
            pack.chunks.iter().find(|e| e.id == *id).map(|e| ChunkRef {
                pack_row: row,
                offset: e.offset,
            })
        };
        let fp = Fingerprint {
            size: 30,
            mtime_ns: 1,
            ctime_ns: 2,
            inode: 3,
        };
        let chunks = [[1u8; 32], [2; 32], [3; 32]].concat();
        let big = CachedFile {
            fingerprint: fp,
            size: 30,
            chunks: chunks.clone(),
        };
        let empty = CachedFile {
            fingerprint: Fingerprint { size: 0, ..fp },
            size: 0,
            chunks: Vec::new(),
        };
        // A database image: its content is not as long as the file.
        let image = CachedFile {
            size: 10,
            chunks: chunks[..32].to_vec(),
            ..big.clone()
        };
        let files = [
            (&b"d/big"[..], &big),
            (&b"d/empty"[..], &empty),
            (&b"e/db"[..], &image),
        ];
        state
            .update_file_cache("p", files.into_iter(), place)
            .unwrap();
        let hit = state.cached_file("p", b"d/big", &fp).unwrap().unwrap();
        assert_eq!((hit.chunks, hit.size), (chunks.clone(), 30));
        let hit = state.cached_file("p", b"e/db", &fp).unwrap().unwrap();
        assert_eq!((hit.chunks, hit.size), (chunks[..32].to_vec(), 10));
        let hit = state
            .cached_file("p", b"d/empty", &empty.fingerprint)
            .unwrap()
            .unwrap();
        assert!(hit.chunks.is_empty() && hit.size == 0);
        let touched = Fingerprint { mtime_ns: 9, ..fp };
        assert!(state
            .cached_file("p", b"d/big", &touched)
            .unwrap()
            .is_none());
        assert!(state.cached_file("q", b"d/big", &fp).unwrap().is_none());
        assert!(state.cached_file("p", b"d/other", &fp).unwrap().is_none());

        // Rows of files not seen go; a chunk row gone makes a miss.
        state
            .drop_unseen_files("p", |k| k != path_hash(b"d/empty"))
            .unwrap();
        assert!(state
            .cached_file("p", b"d/empty", &empty.fingerprint)
            .unwrap()
            .is_none());
        state.forget_pack("r", "p1").unwrap();
        assert!(state.cached_file("p", b"d/big", &fp).unwrap().is_none());
    }

    #[test]
    fn a_path_s_key_is_the_same_whatever_came_before_it() {
        // The keys are stored: the directory's kept hash must never change one.
        let direct = |path: &[u8]| {
            let dir = &path[..path.iter().rposition(|&b| b == b'/').unwrap_or(0)];
            let mut key = [0u8; 8];
            key[..3].copy_from_slice(&blake3::hash(dir).as_bytes()[..3]);
            key[3..].copy_from_slice(&blake3::hash(path).as_bytes()[..5]);
            u64::from_be_bytes(key)
        };
        let paths: [&[u8]; 7] = [b"a/x", b"a/y", b"b/x", b"top", b"a/x", b"a/b/x", b"a/y"];
        for p in paths {
            assert_eq!(path_hash(p), direct(p), "{}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn a_directory_s_files_have_neighbouring_keys() {
        let a = path_hash(b"attachments.noindex/0a/x");
        let b = path_hash(b"attachments.noindex/0a/y");
        let c = path_hash(b"attachments.noindex/0b/x");
        assert_eq!(a >> 40, b >> 40);
        assert_ne!(a, b);
        assert_ne!(a >> 40, c >> 40);
    }

    #[test]
    fn refs_round_trip() {
        let refs = [
            ChunkRef {
                pack_row: 1,
                offset: 0,
            },
            ChunkRef {
                pack_row: 70_000,
                offset: 33_554_431,
            },
            ChunkRef {
                pack_row: i64::MAX,
                offset: u64::MAX,
            },
        ];
        let bytes = encode_refs(&refs);
        assert_eq!(decode_refs(&bytes).unwrap(), refs);
        assert_eq!(encode_refs(&refs[..1]).len(), 2);
        assert_eq!(encode_refs(&refs[1..2]).len(), 3 + 4);
        assert!(decode_refs(&[0x80]).is_none(), "a varint cut short");
        assert!(decode_refs(&[]).unwrap().is_empty());
    }
}
