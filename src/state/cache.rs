//! The backup cache: what this device has written to a repository, so that
//! a backup needs neither the phrase nor a download to deduplicate, to skip
//! unchanged files, or to write the index of packs a killed run left behind.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};

use super::State;
use crate::repo::format::{ChunkId, IndexEntry, IndexPack};

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
    pub fingerprint: Fingerprint,
    /// Concatenated chunk IDs.
    pub chunks: Vec<u8>,
}

/// A snapshot this device wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CachedSnapshot {
    pub id: String,
    pub time: i64,
    pub files: u64,
    pub bytes: u64,
    pub expires_at: Option<i64>,
    pub tags: Vec<String>,
}

impl State {
    /// Every chunk this device knows to be stored (indexed or pending).
    pub fn known_chunks(&self, locator: &str) -> anyhow::Result<HashSet<ChunkId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT chunk FROM cache_chunks WHERE locator = ?1")?;
        let rows = stmt.query_map([locator], |r| r.get::<_, Vec<u8>>(0))?;
        let mut set = HashSet::new();
        for row in rows {
            if let Ok(id) = <ChunkId>::try_from(row?.as_slice()) {
                set.insert(id);
            }
        }
        Ok(set)
    }

    /// Records an uploaded pack; `indexed` says whether an index names it yet.
    pub fn record_pack(
        &self,
        locator: &str,
        pack: &IndexPack,
        blake3: &[u8],
        indexed: bool,
    ) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO cache_packs (locator, pack, size, blake3, indexed) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![locator, pack.id, pack.size as i64, blake3, indexed],
        )?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO cache_chunks (locator, chunk, pack, offset, length, raw_length) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in &pack.chunks {
                stmt.execute(params![
                    locator,
                    &e.id[..],
                    pack.id,
                    e.offset as i64,
                    e.length,
                    e.raw_length
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Packs uploaded but not yet named by an index object.
    pub fn pending_packs(&self, locator: &str) -> anyhow::Result<Vec<IndexPack>> {
        let mut stmt = self.conn.prepare(
            "SELECT pack, size FROM cache_packs WHERE locator = ?1 AND indexed = 0 ORDER BY pack",
        )?;
        let packs: Vec<(String, i64)> = stmt
            .query_map([locator], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut chunk_stmt = self.conn.prepare(
            "SELECT chunk, offset, length, raw_length FROM cache_chunks WHERE locator = ?1 AND pack = ?2 ORDER BY offset",
        )?;
        let mut out = Vec::new();
        for (id, size) in packs {
            let chunks = chunk_stmt
                .query_map(params![locator, id], |r| {
                    let chunk: Vec<u8> = r.get(0)?;
                    Ok(IndexEntry {
                        id: chunk.as_slice().try_into().unwrap_or([0; 32]),
                        offset: r.get::<_, i64>(1)? as u64,
                        length: r.get(2)?,
                        raw_length: r.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            out.push(IndexPack {
                id,
                size: size as u64,
                chunks,
            });
        }
        Ok(out)
    }

    pub fn mark_indexed(&self, locator: &str, packs: &[IndexPack]) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        for p in packs {
            tx.execute(
                "UPDATE cache_packs SET indexed = 1 WHERE locator = ?1 AND pack = ?2",
                params![locator, p.id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every pack this device recorded: name → (size, blake3 of the stored bytes).
    pub fn cached_packs(&self, locator: &str) -> anyhow::Result<HashMap<String, (u64, Vec<u8>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT pack, size, blake3 FROM cache_packs WHERE locator = ?1")?;
        let rows = stmt.query_map([locator], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get::<_, i64>(1)? as u64, r.get(2)?),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Which pack holds each of `chunks` (those the cache knows).
    pub fn packs_of(
        &self,
        locator: &str,
        chunks: &HashSet<ChunkId>,
    ) -> anyhow::Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT pack FROM cache_chunks WHERE locator = ?1 AND chunk = ?2")?;
        let mut packs = HashSet::new();
        for c in chunks {
            if let Ok(p) = stmt.query_row(params![locator, &c[..]], |r| r.get::<_, String>(0)) {
                packs.insert(p);
            }
        }
        Ok(packs)
    }

    pub fn file_cache(&self, profile: &str) -> anyhow::Result<HashMap<Vec<u8>, CachedFile>> {
        let mut stmt = self.conn.prepare(
            "SELECT path, size, mtime_ns, ctime_ns, inode, chunks FROM cache_files WHERE profile = ?1",
        )?;
        let rows = stmt.query_map([profile], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                CachedFile {
                    fingerprint: Fingerprint {
                        size: r.get::<_, i64>(1)? as u64,
                        mtime_ns: r.get(2)?,
                        ctime_ns: r.get(3)?,
                        inode: r.get::<_, i64>(4)? as u64,
                    },
                    chunks: r.get(5)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces a profile's file cache with what the latest backup saw.
    pub fn replace_file_cache<'a>(
        &self,
        profile: &str,
        files: impl Iterator<Item = (&'a [u8], &'a CachedFile)>,
    ) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM cache_files WHERE profile = ?1", [profile])?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO cache_files (profile, path, size, mtime_ns, ctime_ns, inode, chunks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (path, f) in files {
                let fp = f.fingerprint;
                stmt.execute(params![
                    profile,
                    path,
                    fp.size as i64,
                    fp.mtime_ns,
                    fp.ctime_ns,
                    fp.inode as i64,
                    f.chunks
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn record_snapshot(
        &self,
        locator: &str,
        s: &CachedSnapshot,
        packs: &HashSet<String>,
    ) -> anyhow::Result<()> {
        let mut packs: Vec<&String> = packs.iter().collect();
        packs.sort();
        self.conn.execute(
            "INSERT OR REPLACE INTO cache_snapshots (locator, snapshot, time, files, bytes, expires_at, tags, packs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                locator,
                s.id,
                s.time,
                s.files as i64,
                s.bytes as i64,
                s.expires_at,
                serde_json::to_string(&s.tags)?,
                serde_json::to_vec(&packs)?
            ],
        )?;
        Ok(())
    }

    pub fn cached_snapshots(
        &self,
        locator: &str,
    ) -> anyhow::Result<HashMap<String, CachedSnapshot>> {
        let mut stmt = self.conn.prepare(
            "SELECT snapshot, time, files, bytes, expires_at, tags FROM cache_snapshots WHERE locator = ?1",
        )?;
        let rows = stmt.query_map([locator], |r| {
            let tags: String = r.get(5)?;
            Ok(CachedSnapshot {
                id: r.get(0)?,
                time: r.get(1)?,
                files: r.get::<_, i64>(2)? as u64,
                bytes: r.get::<_, i64>(3)? as u64,
                expires_at: r.get(4)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
            })
        })?;
        Ok(rows
            .map(|r| r.map(|s| (s.id.clone(), s)))
            .collect::<Result<_, _>>()?)
    }

    /// Forgets a profile's file cache (after a restore, inodes are new).
    pub fn clear_file_cache(&self, profile: &str) -> anyhow::Result<()> {
        self.conn
            .execute("DELETE FROM cache_files WHERE profile = ?1", [profile])?;
        Ok(())
    }
}

impl State {
    /// The packs a snapshot this device wrote needs (recorded at backup time).
    pub fn snapshot_packs(
        &self,
        locator: &str,
        snapshot: &str,
    ) -> anyhow::Result<Option<Vec<String>>> {
        let packs: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT packs FROM cache_snapshots WHERE locator = ?1 AND snapshot = ?2",
                params![locator, snapshot],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match packs {
            Some(json) => Some(serde_json::from_slice(&json)?),
            None => None,
        })
    }
}
