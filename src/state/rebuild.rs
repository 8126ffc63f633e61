//! Rebuilding the device's backup cache from the store, with the phrase:
//! after a restore, or when prune finds the cache cold (another device wrote
//! to the repository). Afterwards the cache describes the whole repository,
//! as far as it can be trusted: only manifests that chain to the phrase's
//! authority are imported (in a repository made before signing, the unsigned
//! ones), and a signed manifest's packs come from the manifest itself, so
//! a forged index cannot steer what the next backup reuses.

use std::collections::{HashMap, HashSet};

use crate::repo::format::{self, IndexPack, Snapshot};
use crate::repo::history::{History, ReadKeys, Trust};
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::cache::CachedSnapshot;
use crate::state::State;

/// What was left out, and why: left in place in the store, reported.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// Objects that do not open with the phrase (damage, or junk).
    pub unreadable: Vec<String>,
    /// Manifests that open but are not to be trusted, and why.
    pub untrusted: Vec<(String, String)>,
    /// Chunk references of imported snapshots that no readable index maps.
    pub unmapped_chunks: usize,
    /// The packs readable indexes list (prune: an unreadable index hides
    /// no stored pack once these hold them all).
    pub indexed: HashSet<String>,
}

/// Reads the history and the indexes with the phrase and records what can
/// be trusted, so the cache describes the repository (and prune can work warm).
pub fn rebuild_cache(
    state: &State,
    repo: &Repo,
    keys: &ReadKeys,
    now: i64,
) -> anyhow::Result<Rebuilt> {
    rebuild_cache_from(state, repo, keys, &repo.history(keys, now)?)
}

/// [`rebuild_cache`] from a history the caller has just read (a restore
/// has), so that every manifest is not fetched once more.
pub fn rebuild_cache_from(
    state: &State,
    repo: &Repo,
    keys: &ReadKeys,
    history: &History,
) -> anyhow::Result<Rebuilt> {
    let cache_key = repo.cache_key();
    let mut rebuilt = Rebuilt::default();
    let (copies, packs, index_names) = read_indexes(repo, keys, &mut rebuilt)?;
    let mut snapshots = Vec::new();
    let mut signed_packs: HashMap<String, IndexPack> = HashMap::new();
    let chosen = choosable_ids(history);
    for j in &history.snapshots {
        let key = repo.key(ObjectKind::Snapshot, &j.id);
        match &j.trust {
            Trust::Unreadable(_) => {
                rebuilt.unreadable.push(key);
                continue;
            }
            Trust::Untrusted(why) => {
                rebuilt.untrusted.push((key, why.clone()));
                continue;
            }
            _ if !chosen.contains(j.id.as_str()) => {
                rebuilt.untrusted.push((
                    key,
                    "unsigned, in a repository with a signed history".into(),
                ));
                continue;
            }
            _ => {}
        }
        let Ok((snap, listed)) = repo.open_manifest(&j.id, keys) else {
            rebuilt.unreadable.push(key);
            continue;
        };
        let used = match listed {
            Some(listed) => {
                let used = listed.iter().map(|p| p.id.clone()).collect();
                for p in listed {
                    signed_packs.entry(p.id.clone()).or_insert(p);
                }
                used
            }
            None => used_by_unsigned(&snap, &copies, &packs, &mut rebuilt),
        };
        snapshots.push((CachedSnapshot::of(&j.id, snap), used));
    }
    // Signed manifests name their packs with the chunks in them. Indexes
    // are unauthenticated: their packs are recorded only for a repository
    // made before signing, where nothing better exists.
    let from_indexes = signed_packs.is_empty() && !history.any_trusted();
    let recorded = signed_packs
        .iter()
        .chain(packs.iter().filter(|_| from_indexes));
    for (id, pack) in recorded {
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

type Indexed = (
    HashMap<format::ChunkId, Vec<String>>,
    HashMap<String, IndexPack>,
    Vec<String>,
);

/// Every readable index: chunk → packs holding it, pack → its entry, names.
fn read_indexes(repo: &Repo, keys: &ReadKeys, rebuilt: &mut Rebuilt) -> anyhow::Result<Indexed> {
    let mut copies: HashMap<format::ChunkId, Vec<String>> = HashMap::new();
    let mut packs: HashMap<String, IndexPack> = HashMap::new();
    let mut index_names = Vec::new();
    for l in repo.list(ObjectKind::Index)? {
        let name = basename(&l.key).to_string();
        let Ok(index) = repo.index(&name, &keys.identity) else {
            rebuilt.unreadable.push(l.key);
            continue;
        };
        for p in index.packs {
            for e in &p.chunks {
                copies.entry(e.id).or_default().push(p.id.clone());
            }
            rebuilt.indexed.insert(p.id.clone());
            packs.insert(p.id.clone(), p);
        }
        index_names.push(name);
    }
    Ok((copies, packs, index_names))
}

fn choosable_ids(history: &History) -> HashSet<&str> {
    history.choosable().map(|j| j.id.as_str()).collect()
}

/// The packs an unsigned snapshot uses, from the indexes: each chunk from a
/// copy the snapshot could have used when it was written: a lasting pack,
/// or one expiring no earlier than itself (the rule of
/// `State::reusable_chunks`).
fn used_by_unsigned(
    snap: &Snapshot,
    copies: &HashMap<format::ChunkId, Vec<String>>,
    packs: &HashMap<String, IndexPack>,
    rebuilt: &mut Rebuilt,
) -> HashSet<String> {
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
    used
}
