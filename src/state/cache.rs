//! The backup cache: what this device has written to a repository, so that
//! a backup needs neither the phrase nor a download to deduplicate, to skip
//! unchanged files, or to write the index of packs a killed run left behind.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension};

pub use super::file_cache::{decode_refs, path_hash, CachedFile, ChunkRef, Fingerprint};
use super::State;
use crate::repo::format::{ChunkId, IndexEntry, IndexPack};

/// A snapshot this device wrote (or read while rebuilding the cache).
#[derive(Debug, Clone, serde::Serialize)]
pub struct CachedSnapshot {
    pub id: String,
    pub time: i64,
    /// Sub-second part of `time`: orders snapshots made within one second.
    pub nanos: u32,
    pub files: u64,
    pub bytes: u64,
    pub expires_at: Option<i64>,
    pub tags: Vec<String>,
}

impl CachedSnapshot {
    /// What the cache keeps of a manifest: everything but its tree.
    pub fn of(id: &str, manifest: crate::repo::format::Snapshot) -> CachedSnapshot {
        CachedSnapshot {
            id: id.to_string(),
            time: manifest.time,
            nanos: manifest.nanos,
            files: manifest.files,
            bytes: manifest.bytes,
            expires_at: manifest.expires_at,
            tags: manifest.tags,
        }
    }
}

impl State {
    /// Chunks a new snapshot may reuse, with the pack holding each: any chunk
    /// in a pack that never expires, and for a snapshot that itself expires,
    /// chunks in packs that expire no earlier. So a disappearing snapshot's
    /// packs are never needed by a snapshot that outlives it. `each` gets
    /// every such chunk with its pack's name and row, pack by pack (the
    /// caller sorts: an order by chunk ID would need an index as large as
    /// the rows, or a sort by SQLite holding them all).
    pub fn reusable_chunks(
        &self,
        repo: &str,
        expires_at: Option<i64>,
        mut each: impl FnMut(&str, i64, IndexEntry),
    ) -> anyhow::Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT c.chunk, p.pack, c.offset, c.length, c.raw_length, p.id FROM cache_packs p JOIN cache_chunks c ON c.pack_row = p.id
             WHERE p.repo = ?1 AND p.damaged = 0 AND (p.expires_at IS NULL OR (?2 IS NOT NULL AND p.expires_at >= ?2))",
        )?;
        let mut rows = stmt.query(params![repo, expires_at])?;
        while let Some(r) = rows.next()? {
            let chunk = r.get_ref(0)?.as_blob()?;
            if let Ok(id) = <ChunkId>::try_from(chunk) {
                let entry = IndexEntry {
                    id,
                    offset: r.get::<_, i64>(2)? as u64,
                    length: r.get(3)?,
                    raw_length: r.get(4)?,
                };
                each(r.get_ref(1)?.as_str()?, r.get(5)?, entry);
            }
        }
        Ok(())
    }

    /// Records an uploaded pack; `indexed` says whether an index names it
    /// yet. Returns the pack's row (what chunk refs name it by).
    pub fn record_pack(
        &self,
        repo: &str,
        pack: &IndexPack,
        blake3: &[u8],
        indexed: bool,
    ) -> anyhow::Result<i64> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            // An upsert, not a replace: a cache rebuild keeps the damage mark.
            "INSERT INTO cache_packs (repo, pack, size, blake3, indexed, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (repo, pack) DO UPDATE SET size = ?3, blake3 = ?4, indexed = ?5, expires_at = ?6",
            params![repo, pack.id, pack.size as i64, blake3, indexed, pack.expires_at],
        )?;
        let row: i64 = tx.query_row(
            "SELECT id FROM cache_packs WHERE repo = ?1 AND pack = ?2",
            params![repo, pack.id],
            |r| r.get(0),
        )?;
        {
            // A chunk may be in several packs (a disappearing snapshot's copy
            // and a lasting one): one row per copy.
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO cache_chunks (pack_row, chunk, offset, raw_length, spread) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in &pack.chunks {
                stmt.execute(params![
                    row,
                    &e.id[..],
                    e.offset as i64,
                    e.raw_length,
                    i64::from(e.length) - i64::from(e.raw_length)
                ])?;
            }
        }
        tx.commit()?;
        Ok(row)
    }

    /// Packs uploaded but not yet named by an index object (a damaged one
    /// is never indexed: its data is uploaded again).
    pub fn pending_packs(&self, repo: &str) -> anyhow::Result<Vec<IndexPack>> {
        self.packs_where(repo, "indexed = 0 AND damaged = 0")
    }

    fn packs_where(&self, repo: &str, condition: &str) -> anyhow::Result<Vec<IndexPack>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT pack, size, expires_at FROM cache_packs WHERE repo = ?1 AND {condition} ORDER BY pack"
        ))?;
        let packs: Vec<(String, i64, Option<i64>)> = stmt
            .query_map(params![repo], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut chunk_stmt = self.conn.prepare(
            "SELECT chunk, offset, length, raw_length FROM cache_chunks
             WHERE pack_row = (SELECT id FROM cache_packs WHERE repo = ?1 AND pack = ?2) ORDER BY offset",
        )?;
        let mut out = Vec::new();
        for (id, size, expires_at) in packs {
            let chunks = chunk_stmt
                .query_map(params![repo, id], |r| {
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
                expires_at,
            });
        }
        Ok(out)
    }

    /// Forgets everything this device recorded about a repository, when
    /// the store no longer holds it (emptied, or another store at the same URL).
    /// Returns whether there was anything to forget.
    pub fn forget_repository(&self, repo: &str) -> anyhow::Result<bool> {
        let tx = self.conn.unchecked_transaction()?;
        let mut n = tx.execute(
            "DELETE FROM cache_chunks WHERE pack_row IN (SELECT id FROM cache_packs WHERE repo = ?1)",
            [repo],
        )?;
        for table in [
            "cache_packs",
            "cache_snapshots",
            "cache_indexes",
            "writer_chains",
        ] {
            n += tx.execute(&format!("DELETE FROM {table} WHERE repo = ?1"), [repo])?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    /// Records that index object `index` names `packs`.
    pub fn mark_indexed(&self, repo: &str, packs: &[IndexPack], index: &str) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO cache_indexes (repo, name) VALUES (?1, ?2)",
            params![repo, index],
        )?;
        for p in packs {
            tx.execute(
                "UPDATE cache_packs SET indexed = 1 WHERE repo = ?1 AND pack = ?2",
                params![repo, p.id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every pack this device recorded: name → (size, blake3 of the stored bytes).
    pub fn cached_packs(&self, repo: &str) -> anyhow::Result<HashMap<String, (u64, Vec<u8>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT pack, size, blake3 FROM cache_packs WHERE repo = ?1")?;
        let rows = stmt.query_map([repo], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (r.get::<_, i64>(1)? as u64, r.get(2)?),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a pack found damaged in the store: its chunks are no longer
    /// reused, so the next backup uploads them again. The record stays, so
    /// that `check` can tell whether that has happened.
    pub fn mark_damaged(&self, repo: &str, pack: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE cache_packs SET damaged = 1 WHERE repo = ?1 AND pack = ?2",
            params![repo, pack],
        )?;
        Ok(())
    }

    /// The packs marked damaged, each with how many of its chunks have no
    /// copy in an intact pack (0: its data is stored again).
    pub fn damaged_packs(&self, repo: &str) -> anyhow::Result<HashMap<String, u64>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.pack, c.chunk FROM cache_packs p JOIN cache_chunks c ON c.pack_row = p.id
             WHERE p.repo = ?1 AND p.damaged = 1",
        )?;
        let mut out: HashMap<String, u64> = HashMap::new();
        let mut chunks: Vec<(String, Vec<u8>)> = Vec::new();
        let mut pack_stmt = self
            .conn
            .prepare("SELECT pack FROM cache_packs WHERE repo = ?1 AND damaged = 1")?;
        for pack in pack_stmt.query_map([repo], |r| r.get::<_, String>(0))? {
            out.insert(pack?, 0);
        }
        if out.is_empty() {
            return Ok(out);
        }
        for row in stmt.query_map([repo], |r| Ok((r.get(0)?, r.get(1)?)))? {
            chunks.push(row?);
        }
        // The chunks with a copy in an intact pack: one pass over the
        // repository's rows (there is no index by chunk ID).
        let wanted: HashSet<&[u8]> = chunks.iter().map(|(_, c)| c.as_slice()).collect();
        let mut copied: HashSet<Vec<u8>> = HashSet::new();
        let mut intact = self.conn.prepare(
            "SELECT c.chunk FROM cache_packs p JOIN cache_chunks c ON c.pack_row = p.id
             WHERE p.repo = ?1 AND p.damaged = 0",
        )?;
        let mut rows = intact.query([repo])?;
        while let Some(r) = rows.next()? {
            let chunk = r.get_ref(0)?.as_blob()?;
            if wanted.contains(chunk) {
                copied.insert(chunk.to_vec());
            }
        }
        for (pack, chunk) in &chunks {
            if !copied.contains(chunk) {
                *out.entry(pack.clone()).or_default() += 1;
            }
        }
        Ok(out)
    }

    /// Where each of `wanted` has a row in an intact pack of `repo` (one pass
    /// over the repository's rows): for file cache rows written without a
    /// backup's `Locations` (a restore's warm cache).
    pub fn chunk_places(
        &self,
        repo: &str,
        wanted: &HashSet<ChunkId>,
    ) -> anyhow::Result<HashMap<ChunkId, ChunkRef>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.chunk, c.pack_row, c.offset FROM cache_packs p JOIN cache_chunks c ON c.pack_row = p.id
             WHERE p.repo = ?1 AND p.damaged = 0",
        )?;
        let mut rows = stmt.query([repo])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let Ok(id) = ChunkId::try_from(r.get_ref(0)?.as_blob()?) else {
                continue;
            };
            if wanted.contains(&id) {
                out.entry(id).or_insert(ChunkRef {
                    pack_row: r.get(1)?,
                    offset: r.get::<_, i64>(2)? as u64,
                });
            }
        }
        Ok(out)
    }

    /// Runs `f` (lookups) inside one read transaction: a lookup outside
    /// one takes and releases SQLite's shared lock and checks the journal
    /// each time, which costs more than the lookup.
    pub fn reading<T>(&self, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let result = f();
        tx.commit()?;
        result
    }

    /// Forgets the chunk IDs no file holds any more: after a backup, the
    /// cache keeps those of the snapshot just written (`referenced`) and
    /// of the other profiles' last backups, so the device does not keep a
    /// record of files long deleted (another profile's file cache keeps
    /// the rows it names, not other copies of their chunks). Rows of packs
    /// no index names yet stay: the next index is written from them. A
    /// forgotten chunk that comes back is stored again (the price of
    /// forgetting). Returns the rows removed.
    pub fn forget_unreferenced_chunks(
        &self,
        repo: &str,
        profile: &str,
        referenced: impl Fn(&ChunkId) -> bool,
    ) -> anyhow::Result<usize> {
        let keep = self.refs_of_other_profiles(profile)?;
        let tx = self.conn.unchecked_transaction()?;
        let gone: Vec<ChunkRef> = {
            let mut stmt = tx.prepare(
                "SELECT c.chunk, c.pack_row, c.offset FROM cache_packs p JOIN cache_chunks c ON c.pack_row = p.id
                 WHERE p.repo = ?1 AND p.indexed = 1",
            )?;
            let mut rows = stmt.query([repo])?;
            let mut gone = Vec::new();
            while let Some(r) = rows.next()? {
                let at = ChunkRef {
                    pack_row: r.get(1)?,
                    offset: r.get::<_, i64>(2)? as u64,
                };
                let used = ChunkId::try_from(r.get_ref(0)?.as_blob()?)
                    .is_ok_and(|id| referenced(&id) || keep.contains(&at));
                if !used {
                    gone.push(at);
                }
            }
            gone
        };
        {
            let mut del =
                tx.prepare("DELETE FROM cache_chunks WHERE pack_row = ?1 AND offset = ?2")?;
            for at in &gone {
                del.execute(params![at.pack_row, at.offset as i64])?;
            }
        }
        tx.commit()?;
        Ok(gone.len())
    }

    pub fn record_snapshot(
        &self,
        repo: &str,
        s: &CachedSnapshot,
        packs: &HashSet<String>,
    ) -> anyhow::Result<()> {
        let mut packs: Vec<&String> = packs.iter().collect();
        packs.sort();
        self.conn.execute(
            // An upsert, not a replace: a rebuild keeps what only this
            // device knew of a snapshot (`skipped`).
            "INSERT INTO cache_snapshots (repo, snapshot, time, nanos, files, bytes, expires_at, tags, packs) VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (repo, snapshot) DO UPDATE SET time = excluded.time, nanos = excluded.nanos, files = excluded.files,
                 bytes = excluded.bytes, expires_at = excluded.expires_at, tags = excluded.tags, packs = excluded.packs",
            params![
                repo,
                s.id,
                s.time,
                s.files as i64,
                s.bytes as i64,
                s.expires_at,
                serde_json::to_string(&s.tags)?,
                serde_json::to_vec(&packs)?,
                s.nanos
            ],
        )?;
        Ok(())
    }

    /// Records that the backup which made `snapshot` skipped `skipped` paths.
    pub fn record_skipped(&self, repo: &str, snapshot: &str, skipped: u64) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE cache_snapshots SET skipped = ?3 WHERE repo = ?1 AND snapshot = ?2",
            params![repo, snapshot, skipped as i64],
        )?;
        Ok(())
    }

    /// How many paths the backups of the snapshots this device knows
    /// skipped, by snapshot (0 for a complete one).
    pub fn skipped_paths(&self, repo: &str) -> anyhow::Result<HashMap<String, u64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT snapshot, skipped FROM cache_snapshots WHERE repo = ?1")?;
        let rows = stmt.query_map([repo], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn cached_snapshots(&self, repo: &str) -> anyhow::Result<HashMap<String, CachedSnapshot>> {
        let mut stmt = self.conn.prepare(
            "SELECT snapshot, time, files, bytes, expires_at, tags, nanos FROM cache_snapshots WHERE repo = ?1",
        )?;
        let rows = stmt.query_map([repo], |r| {
            let tags: String = r.get(5)?;
            Ok(CachedSnapshot {
                id: r.get(0)?,
                time: r.get(1)?,
                files: r.get::<_, i64>(2)? as u64,
                bytes: r.get::<_, i64>(3)? as u64,
                expires_at: r.get(4)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                nanos: r.get(6)?,
            })
        })?;
        Ok(rows
            .map(|r| r.map(|s| (s.id.clone(), s)))
            .collect::<Result<_, _>>()?)
    }
}

/// Retention bookkeeping (used by prune).
impl State {
    pub fn cached_indexes(&self, repo: &str) -> anyhow::Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM cache_indexes WHERE repo = ?1")?;
        let rows = stmt.query_map([repo], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The packs a snapshot this device knows uses (`None`: not known here).
    pub fn snapshot_packs(
        &self,
        repo: &str,
        snapshot: &str,
    ) -> anyhow::Result<Option<Vec<String>>> {
        let packs: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT packs FROM cache_snapshots WHERE repo = ?1 AND snapshot = ?2",
                params![repo, snapshot],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match packs {
            Some(json) => Some(serde_json::from_slice(&json)?),
            None => None,
        })
    }

    /// The packs the newest snapshot the cache knows uses (none: empty).
    pub fn newest_snapshot_packs(&self, repo: &str) -> anyhow::Result<HashSet<String>> {
        let packs: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT packs FROM cache_snapshots WHERE repo = ?1 ORDER BY time DESC, nanos DESC LIMIT 1",
                [repo],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match packs {
            Some(json) => serde_json::from_slice(&json)?,
            None => HashSet::new(),
        })
    }

    /// Every indexed pack with its chunks, as the cache knows them.
    pub fn indexed_packs(&self, repo: &str) -> anyhow::Result<Vec<IndexPack>> {
        self.packs_where(repo, "indexed = 1")
    }

    pub fn forget_snapshot(&self, repo: &str, snapshot: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "DELETE FROM cache_snapshots WHERE repo = ?1 AND snapshot = ?2",
            params![repo, snapshot],
        )?;
        Ok(())
    }

    pub fn forget_index(&self, repo: &str, name: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "DELETE FROM cache_indexes WHERE repo = ?1 AND name = ?2",
            params![repo, name],
        )?;
        Ok(())
    }

    pub fn forget_pack(&self, repo: &str, pack: &str) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "DELETE FROM cache_chunks WHERE pack_row = (SELECT id FROM cache_packs WHERE repo = ?1 AND pack = ?2)",
            params![repo, pack],
        )?;
        tx.execute(
            "DELETE FROM cache_packs WHERE repo = ?1 AND pack = ?2",
            params![repo, pack],
        )?;
        tx.commit()?;
        Ok(())
    }
}
