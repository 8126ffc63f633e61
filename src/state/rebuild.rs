//! Rebuilding the device's backup cache from the store, with the phrase:
//! after a restore, or when prune finds the cache cold (another device wrote
//! to the repository). Afterwards the cache describes the whole repository.

use std::collections::{HashMap, HashSet};

use crate::repo::format::{self, IndexPack};
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::cache::CachedSnapshot;
use crate::state::State;

/// Objects that did not open with the phrase (damage, or junk written by
/// someone with access to the store): left in place, reported.
#[derive(Debug, Default)]
pub struct Rebuilt {
    pub unreadable: Vec<String>,
    /// Chunk references of readable snapshots that no readable index maps.
    pub unmapped_chunks: usize,
}

/// Reads every index and snapshot with the phrase and records them, so the
/// cache describes the whole repository (and prune can work warm).
pub fn rebuild_cache(
    state: &State,
    repo: &Repo,
    identity: &age::x25519::Identity,
) -> anyhow::Result<Rebuilt> {
    let cache_key = repo.cache_key();
    let mut rebuilt = Rebuilt::default();
    let mut copies: HashMap<format::ChunkId, Vec<String>> = HashMap::new();
    let mut packs: HashMap<String, IndexPack> = HashMap::new();
    let mut index_names = Vec::new();
    for l in repo.list(ObjectKind::Index)? {
        let name = basename(&l.key).to_string();
        let index = repo.index(&name, identity);
        let Ok(index) = index else {
            rebuilt.unreadable.push(l.key);
            continue;
        };
        for p in index.packs {
            for e in &p.chunks {
                copies.entry(e.id).or_default().push(p.id.clone());
            }
            packs.insert(p.id.clone(), p);
        }
        index_names.push(name);
    }
    let mut snapshots = Vec::new();
    for l in repo.list(ObjectKind::Snapshot)? {
        let id = basename(&l.key).to_string();
        let Ok(snap) = repo.snapshot(&id, identity) else {
            rebuilt.unreadable.push(l.key);
            continue;
        };
        // Each chunk from a copy the snapshot could have used when it was
        // written: a lasting pack, or one expiring no earlier than itself
        // (the rule of `State::reusable_chunks`).
        let usable = |pack: &String| match (packs[pack].expires_at, snap.expires_at) {
            (None, _) => true,
            (Some(p), Some(s)) => p >= s,
            (Some(_), None) => false,
        };
        let mut used = HashSet::new();
        for e in &snap.entries {
            for c in e.chunk_ids() {
                match copies.get(&c) {
                    Some(ps) => {
                        used.insert(ps.iter().find(|p| usable(p)).unwrap_or(&ps[0]).clone());
                    }
                    None => rebuilt.unmapped_chunks += 1,
                }
            }
        }
        snapshots.push((CachedSnapshot::of(&id, snap), used));
    }
    for (id, pack) in &packs {
        state.record_pack(&cache_key, pack, &hex::decode(id).unwrap_or_default(), true)?;
    }
    for name in &index_names {
        state.mark_indexed(&cache_key, &[], name)?;
    }
    for (cached, used) in &snapshots {
        state.record_snapshot(&cache_key, cached, used)?;
    }
    Ok(rebuilt)
}
