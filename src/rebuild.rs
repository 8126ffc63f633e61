//! Rebuilding the device's backup cache from the store, with the phrase:
//! after a restore, or when prune finds the cache cold (another device wrote
//! to the repository). Afterwards the cache describes the whole repository.

use std::collections::{HashMap, HashSet};

use crate::repo::format::{self, Index, IndexPack};
use crate::repo::{basename, Repo, INDEX, SNAPSHOTS};
use crate::state::cache::CachedSnapshot;
use crate::state::State;

/// Reads every index and snapshot with the phrase and records them, so the
/// cache describes the whole repository (and prune can work warm).
pub fn rebuild_cache(
    state: &State,
    repo: &Repo,
    rt: &tokio::runtime::Handle,
    identity: &age::x25519::Identity,
) -> anyhow::Result<()> {
    let cache_key = repo.cache_key();
    let cache_key = cache_key.as_str();
    let mut chunk_packs: HashMap<format::ChunkId, Vec<String>> = HashMap::new();
    let mut packs: HashMap<String, IndexPack> = HashMap::new();
    let mut index_names = Vec::new();
    for l in rt.block_on(repo.list(INDEX))? {
        let name = basename(&l.key).to_string();
        let index: Index =
            format::decode_compressed(&rt.block_on(repo.get_object(INDEX, &name, identity))?)?;
        for p in index.packs {
            for e in &p.chunks {
                chunk_packs.entry(e.id).or_default().push(p.id.clone());
            }
            packs.insert(p.id.clone(), p);
        }
        index_names.push(name);
    }
    // A pack expires only if every snapshot using it does.
    let mut pack_expiry: HashMap<String, Option<i64>> = HashMap::new();
    let mut snapshots = Vec::new();
    for l in rt.block_on(repo.list(SNAPSHOTS))? {
        let id = basename(&l.key).to_string();
        let snap = rt.block_on(repo.snapshot(&id, identity))?;
        let mut used = HashSet::new();
        for e in &snap.entries {
            for c in e.chunk_ids() {
                if let Some(p) = chunk_packs.get(&c).and_then(|ps| ps.first()) {
                    used.insert(p.clone());
                }
            }
        }
        for p in &used {
            let slot = pack_expiry.entry(p.clone()).or_insert(snap.expires_at);
            *slot = match (*slot, snap.expires_at) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
        }
        let cached = CachedSnapshot {
            id: id.clone(),
            time: snap.time,
            nanos: snap.nanos,
            files: snap.files,
            bytes: snap.bytes,
            expires_at: snap.expires_at,
            tags: snap.tags,
        };
        snapshots.push((cached, used));
    }
    for (id, pack) in &packs {
        let hash = hex::decode(id).unwrap_or_default();
        state.record_pack(
            cache_key,
            pack,
            &hash,
            true,
            pack_expiry.get(id).copied().flatten(),
        )?;
    }
    for name in &index_names {
        state.mark_indexed(cache_key, &[], name)?;
    }
    for (cached, used) in &snapshots {
        state.record_snapshot(cache_key, cached, used)?;
    }
    Ok(())
}
