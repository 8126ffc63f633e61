//! `repair`, with the phrase: reads every pack's own header (docs/format.md,
//! *Packs*) to rebuild the map an index gives, writes one new index object
//! (create-only, sealed like every index) for the intact packs no readable
//! index lists, and says which files of which snapshots have a chunk with
//! no intact copy. Nothing is deleted or overwritten: damaged objects stay
//! until `prune` removes them.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::format::{self, ChunkId, Index, IndexEntry, IndexPack};
use super::history::ReadKeys;
use super::{basename, ObjectKind, Repo, RepoError};

/// Packs read at once.
const READERS: usize = 4;

#[derive(Debug, Default, Serialize)]
pub struct Repaired {
    /// Stored packs read.
    pub packs: usize,
    /// Packs that do not open or authenticate: (store key, why).
    pub damaged: Vec<(String, String)>,
    /// Index objects that do not open with the phrase: (store key, why).
    pub unreadable_indexes: Vec<String>,
    /// Intact packs the new index lists (no readable index did).
    pub indexed_again: usize,
    /// The new index object's name, if one was needed.
    pub index: Option<String>,
    /// Per snapshot, the files with a chunk that has no intact copy.
    pub unrecoverable: Vec<Lost>,
}

#[derive(Debug, Serialize)]
pub struct Lost {
    pub snapshot: String,
    pub time: i64,
    pub files: Vec<String>,
}

/// Reads every pack and index; writes the missing index; lists what is lost.
pub fn repair(repo: &Repo, keys: &ReadKeys, now: i64) -> anyhow::Result<Repaired> {
    let mut report = Repaired::default();
    let stored: HashMap<String, u64> = repo
        .list(ObjectKind::Pack)?
        .into_iter()
        .map(|l| (basename(&l.key).to_string(), l.size))
        .collect();
    let indexed = readable_indexes(repo, keys, &mut report)?;
    let intact = read_packs(repo, keys, &stored, &mut report)?;
    let history = repo.history(keys, now)?;
    // Each choosable snapshot: what it needs, and when it expires.
    let mut expiries: HashMap<String, Vec<Option<i64>>> = HashMap::new();
    let good: HashSet<ChunkId> = intact
        .values()
        .flat_map(|p| p.chunks.iter().map(|e| e.id))
        .collect();
    let chunk_pack: HashMap<ChunkId, &str> = intact
        .values()
        .flat_map(|p| p.chunks.iter().map(move |e| (e.id, p.id.as_str())))
        .collect();
    for j in history.choosable() {
        let (snap, _) = match repo.open_manifest(&j.id, keys) {
            Ok(opened) => opened,
            // Its header was read a moment ago: a format-3 entry list
            // whose parts have no intact copy left loses every file.
            Err(e) if e.downcast_ref::<RepoError>().is_none() => return Err(e), // the store, not the data
            Err(e) => {
                report.unrecoverable.push(Lost {
                    snapshot: j.id.clone(),
                    time: j.time,
                    files: vec![format!(
                        "(every file: its entry list cannot be read: {e:#})"
                    )],
                });
                continue;
            }
        };
        let mut lost = Vec::new();
        let mut uses: HashSet<&str> = HashSet::new();
        for e in &snap.entries {
            let ids: Vec<ChunkId> = e.chunk_ids().collect();
            if ids.iter().any(|id| !good.contains(id)) {
                lost.push(String::from_utf8_lossy(&e.path).into_owned());
            }
            uses.extend(ids.iter().filter_map(|id| chunk_pack.get(id).copied()));
        }
        for p in uses {
            expiries
                .entry(p.to_string())
                .or_default()
                .push(snap.expires_at);
        }
        if !lost.is_empty() {
            report.unrecoverable.push(Lost {
                snapshot: j.id.clone(),
                time: j.time,
                files: lost,
            });
        }
    }
    report
        .unrecoverable
        .sort_by_key(|l| (l.time, l.snapshot.clone()));
    let mut missing: Vec<IndexPack> = intact
        .into_values()
        .filter(|p| indexed.get(&p.id) != Some(&p.size))
        .map(|mut p| {
            p.expires_at = expiry(expiries.get(&p.id));
            p
        })
        .collect();
    missing.sort_by(|a, b| a.id.cmp(&b.id));
    report.indexed_again = missing.len();
    if !missing.is_empty() {
        let index = format::encode_compressed(&Index {
            version: format::VERSION,
            packs: missing,
        })?;
        let recipient = keys.identity.to_public();
        let (name, _) = repo.put_object(ObjectKind::Index, &index, &recipient)?;
        report.index = Some(name);
    }
    Ok(report)
}

/// A pack expires with the snapshots that use it, and never if one of
/// them lasts or none does (the reuse rule: docs/format.md, *Disappearing snapshots*).
fn expiry(snapshots: Option<&Vec<Option<i64>>>) -> Option<i64> {
    let expiries = snapshots?;
    expiries
        .iter()
        .copied()
        .collect::<Option<Vec<i64>>>()?
        .into_iter()
        .max()
}

/// pack → size, as the readable indexes list them.
fn readable_indexes(
    repo: &Repo,
    keys: &ReadKeys,
    report: &mut Repaired,
) -> anyhow::Result<HashMap<String, u64>> {
    let mut indexed = HashMap::new();
    for listed in repo.list(ObjectKind::Index)? {
        match repo.index(basename(&listed.key), &keys.identity) {
            Ok(index) => indexed.extend(index.packs.into_iter().map(|p| (p.id, p.size))),
            Err(e) => report
                .unreadable_indexes
                .push(format!("{}: {e:#}", listed.key)),
        }
    }
    Ok(indexed)
}

/// Downloads every stored pack; returns the intact ones as an index lists
/// them (from their own headers, every chunk authenticated).
fn read_packs(
    repo: &Repo,
    keys: &ReadKeys,
    stored: &HashMap<String, u64>,
    report: &mut Repaired,
) -> anyhow::Result<HashMap<String, IndexPack>> {
    let by_key: HashMap<String, &String> = stored.keys().map(|p| (repo.pack_key(p), p)).collect();
    let mut intact = HashMap::new();
    let max = ObjectKind::Pack.max_stored();
    repo.store.get_each(
        by_key.keys().cloned().collect(),
        READERS,
        max,
        |key, got| {
            report.packs += 1;
            let pack = by_key[&key];
            let read = got
                .map_err(|e| super::missing_as(e, ObjectKind::Pack, &key))
                .and_then(|bytes| pack_chunks(&key, pack, &bytes, keys));
            match read {
                Ok(chunks) => {
                    let size = stored[pack];
                    let (id, expires_at) = (pack.clone(), None);
                    intact.insert(
                        id.clone(),
                        IndexPack {
                            id,
                            size,
                            chunks,
                            expires_at,
                        },
                    );
                }
                Err(e) => report.damaged.push((key, format!("{e:#}"))),
            }
            Ok(())
        },
    )?;
    report.damaged.sort();
    Ok(intact)
}

/// The chunks a pack's header lists, each one authenticated.
fn pack_chunks(
    key: &str,
    pack: &str,
    bytes: &[u8],
    keys: &ReadKeys,
) -> anyhow::Result<Vec<IndexEntry>> {
    let payload = super::open_verified(key, pack, bytes, &keys.identity)?;
    let mut header = format::split_pack(&payload)?;
    for e in &header.chunks {
        format::blob(&payload, e)
            .and_then(|blob| format::open_blob(&keys.dedup_key, e, blob))
            .map_err(|err| anyhow::anyhow!("chunk {}: {err}", hex::encode(&e.id[..8])))?;
    }
    header.chunks.sort_by_key(|e| e.offset);
    Ok(header.chunks)
}
