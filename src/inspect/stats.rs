//! `stats`: what a repository weighs, and what deduplication saves.
//!
//! The store's listing gives the objects and their sizes. Which packs each
//! snapshot uses comes from the manifests with the phrase (each chosen
//! manifest read as `restore` reads it), or without it from this device's
//! cache, which knows the snapshots it wrote or read in a cache rebuild
//! (docs/format.md, *Warm and cold cache*). A snapshot neither source
//! accounts for is counted in `unaccounted`, not guessed at.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::repo::history::{History, ReadKeys};
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::State;

#[derive(Debug, Serialize)]
pub struct Stats {
    /// "phrase" (the manifests were read) or "cache" (this device's cache).
    pub source: &'static str,
    pub store: StoreTotals,
    /// The snapshots accounted for, oldest first.
    pub snapshots: Vec<SnapshotStats>,
    /// Snapshot objects in the store not accounted for: unknown to the
    /// cache, or with the phrase untrusted or unreadable.
    pub unaccounted: u64,
    /// The files' sizes summed over every snapshot accounted for.
    pub bytes_files: u64,
    /// `bytes_files` over `store.bytes_packs` (null when no pack is stored).
    pub dedup_ratio: Option<f64>,
    /// Why a snapshot was not counted, as sentences (printed on stderr).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// What the store's listing says.
#[derive(Debug, Default, Serialize)]
pub struct StoreTotals {
    pub snapshots: u64,
    pub indexes: u64,
    pub packs: u64,
    /// The packs' stored (encrypted) size.
    pub bytes_packs: u64,
    /// Every object of the repository, packs included.
    pub bytes_stored: u64,
}

#[derive(Debug, Serialize)]
pub struct SnapshotStats {
    pub snapshot: String,
    pub time: i64,
    pub files: u64,
    pub bytes: u64,
    /// Packs it uses.
    pub packs: u64,
    /// Stored bytes of the packs it uses that no older snapshot uses.
    pub bytes_new: u64,
}

/// One snapshot and the packs it uses, before the totals.
struct Row {
    id: String,
    time: (i64, u32),
    files: u64,
    bytes: u64,
    packs: HashSet<String>,
}

/// The totals of the store's listing, and each stored pack's size.
fn store_totals(repo: &Repo) -> anyhow::Result<(StoreTotals, HashMap<String, u64>)> {
    let mut totals = StoreTotals::default();
    let mut packs = HashMap::new();
    for kind in [
        ObjectKind::Config,
        ObjectKind::Pack,
        ObjectKind::Index,
        ObjectKind::Snapshot,
        ObjectKind::Writer,
        ObjectKind::Revocation,
        ObjectKind::Seal,
    ] {
        let listed = repo.list(kind)?;
        let bytes: u64 = listed.iter().map(|l| l.size).sum();
        totals.bytes_stored += bytes;
        let count = listed.len() as u64;
        match kind {
            ObjectKind::Snapshot => totals.snapshots = count,
            ObjectKind::Index => totals.indexes = count,
            ObjectKind::Pack => {
                (totals.packs, totals.bytes_packs) = (count, bytes);
                packs.extend(
                    listed
                        .iter()
                        .map(|l| (basename(&l.key).to_string(), l.size)),
                );
            }
            _ => {}
        }
    }
    Ok((totals, packs))
}

/// With the phrase: the manifests a reader may choose, each read.
pub fn from_phrase(repo: &Repo, keys: &ReadKeys, history: &History) -> anyhow::Result<Stats> {
    let (totals, sizes) = store_totals(repo)?;
    let mut index = None;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for j in history.choosable() {
        // One manifest that cannot be read is reported, not the end of stats.
        let (snapshot, packs) = match repo.open_manifest(&j.id, keys) {
            Ok(opened) => opened,
            Err(e) => {
                notes.push(format!("snapshot {} is not counted: {e:#}", &j.id[..12]));
                continue;
            }
        };
        let packs: HashSet<String> = match packs {
            Some(packs) => packs.into_iter().map(|p| p.id).collect(),
            // Unsigned (version 1): where its chunks are, the indexes say.
            None => {
                if index.is_none() {
                    index = Some(repo.load_index(&keys.identity)?);
                }
                let map = index.as_ref().expect("loaded");
                snapshot
                    .entries
                    .iter()
                    .flat_map(|e| e.chunk_ids())
                    .filter_map(|c| map.chunks.get(&c).map(|(p, _)| p.to_string()))
                    .collect()
            }
        };
        rows.push(Row {
            id: j.id.clone(),
            time: (j.time, j.nanos),
            files: j.files,
            bytes: j.bytes,
            packs,
        });
    }
    let unaccounted = totals.snapshots.saturating_sub(rows.len() as u64);
    let mut stats = finish("phrase", totals, &sizes, rows, unaccounted);
    stats.notes = notes;
    Ok(stats)
}

/// Without the phrase: the snapshots this device's cache knows.
pub fn from_cache(state: &State, repo: &Repo) -> anyhow::Result<Stats> {
    let (totals, sizes) = store_totals(repo)?;
    let key = repo.cache_key();
    let cached = state.cached_snapshots(&key)?;
    let mut rows = Vec::new();
    for listed in repo.list(ObjectKind::Snapshot)? {
        let Some(c) = cached.get(basename(&listed.key)) else {
            continue;
        };
        let packs = state.snapshot_packs(&key, &c.id)?.unwrap_or_default();
        rows.push(Row {
            id: c.id.clone(),
            time: (c.time, c.nanos),
            files: c.files,
            bytes: c.bytes,
            packs: packs.into_iter().collect(),
        });
    }
    let unaccounted = totals.snapshots.saturating_sub(rows.len() as u64);
    Ok(finish("cache", totals, &sizes, rows, unaccounted))
}

fn finish(
    source: &'static str,
    store: StoreTotals,
    sizes: &HashMap<String, u64>,
    mut rows: Vec<Row>,
    unaccounted: u64,
) -> Stats {
    rows.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    let mut seen: HashSet<&str> = HashSet::new();
    let mut snapshots = Vec::with_capacity(rows.len());
    for row in &rows {
        // A pack the store no longer holds weighs nothing here.
        let bytes_new = row
            .packs
            .iter()
            .filter(|p| seen.insert(p.as_str()))
            .filter_map(|p| sizes.get(p))
            .sum();
        snapshots.push(SnapshotStats {
            snapshot: row.id.clone(),
            time: row.time.0,
            files: row.files,
            bytes: row.bytes,
            packs: row.packs.len() as u64,
            bytes_new,
        });
    }
    let bytes_files = snapshots.iter().map(|s| s.bytes).sum();
    let dedup_ratio =
        (store.bytes_packs > 0).then(|| bytes_files as f64 / store.bytes_packs as f64);
    Stats {
        source,
        store,
        snapshots,
        unaccounted,
        bytes_files,
        dedup_ratio,
        notes: Vec::new(),
    }
}
