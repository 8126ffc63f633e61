//! Which packs are dead, and deleting them (with forgotten manifests and
//! superseded indexes) in the order that keeps every kept snapshot
//! restorable at any kill.

use std::collections::{HashMap, HashSet};

use super::judge::Seen;
use super::policy::Verdict;
use super::{failpoint, PruneReport, PruneRequest};
use crate::repo::format::{self, Index, IndexPack};
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::State;

/// Unindexed packs not in the cache are left alone this long: another
/// device sharing the pseudonym may be uploading them right now.
const ORPHAN_GRACE_SECS: i64 = 24 * 3600;

pub struct Plan {
    pub forgotten: Vec<String>,
    pub live: HashSet<String>,
    pub dead: Vec<String>,
    /// Whether the map from chunks to packs is complete and known.
    pub may_delete: bool,
}

pub fn plan(
    state: &State,
    repo: &Repo,
    req: &PruneRequest<'_>,
    seen: &Seen,
    report: &mut PruneReport,
) -> anyhow::Result<Plan> {
    let cache_key = repo.cache_key();
    let warm = report.warm;
    let forgotten: Vec<String> = report
        .snapshots
        .iter()
        .filter(|s| s.verdict.forgets())
        .map(|s| s.id.clone())
        .collect();
    // Which packs live on: those of kept snapshots, and pending ones (a
    // killed backup's packs, which the next backup indexes and reuses).
    let cached_packs = state.cached_packs(&cache_key)?;
    let mut live: HashSet<String> = state
        .pending_packs(&cache_key)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if warm {
        // Warm: the cache knows every kept snapshot's packs (a snapshot of
        // this device's kept aside as untrusted keeps its packs too).
        for s in report
            .snapshots
            .iter()
            .filter(|s| matches!(s.verdict, Verdict::Keep | Verdict::Untrusted))
        {
            live.extend(state.snapshot_packs(&cache_key, &s.id)?.unwrap_or_default());
        }
    }
    let stored: HashMap<String, (u64, i64)> = seen
        .packs
        .iter()
        .map(|l| (basename(&l.key).to_string(), (l.size, l.modified)))
        .collect();
    // Deleting needs a complete map from chunks to packs. An index that does
    // not open, or a snapshot naming chunks no index lists, means the map has
    // a hole: the packs behind it would look dead. Then nothing is deleted.
    // Once readable indexes list every stored pack (`repair` wrote one), an
    // unreadable index hides nothing, and it is deleted with the old ones.
    let all_indexed = seen
        .indexed
        .as_ref()
        .is_some_and(|i| stored.keys().all(|p| i.contains(p)));
    let map_has_hole = seen.unmapped_chunks > 0
        || (!all_indexed
            && seen
                .indexes
                .iter()
                .any(|l| seen.unreadable.contains(basename(&l.key))));
    if warm && map_has_hole {
        report.notes.push(
            "an index does not open, or a snapshot names chunks that no index lists: no data is deleted; \
             run `crossing check --read-data --phrase-file FILE` to see what is damaged"
                .into(),
        );
    }
    let may_delete = warm && !map_has_hole;
    let dead: Vec<String> = if may_delete {
        stored
            .iter()
            .filter(|(p, (_, modified))| {
                !live.contains(*p)
                    && (cached_packs.contains_key(*p) || *modified < req.now - ORPHAN_GRACE_SECS)
            })
            .map(|(p, _)| p.clone())
            .collect()
    } else {
        if !warm {
            report.notes.push(
                "this device does not know every object in the repository (another device wrote to it, or it was restored here): \
                 only its own snapshots are judged, and no data is deleted; run `crossing prune --phrase-file FILE` once to rebuild its cache"
                    .into(),
            );
        }
        Vec::new()
    };
    report.packs_deleted = dead.len();
    report.bytes_deleted = dead.iter().map(|p| stored[p].0).sum();
    report.packs_kept = stored.len() - dead.len();
    Ok(Plan {
        forgotten,
        live,
        dead,
        may_delete,
    })
}

pub fn apply(
    state: &State,
    repo: &Repo,
    req: &PruneRequest<'_>,
    seen: &Seen,
    plan: &Plan,
) -> anyhow::Result<()> {
    let cache_key = repo.cache_key();
    let cache_key = cache_key.as_str();
    if !plan.forgotten.is_empty() || (plan.may_delete && !plan.dead.is_empty()) {
        // Credentials that may not delete (an append-only device's) stop
        // here, before anything is written or deleted.
        repo.store
            .check_delete_right(&format!("{}/{}", repo.locator, ObjectKind::Index.dir()))?;
    }
    if !(plan.may_delete && !(plan.dead.is_empty() && plan.forgotten.is_empty())) {
        return forget_snapshots(state, repo, cache_key, &plan.forgotten);
    }
    // 1. One index naming every live pack the cache knows.
    let live_packs: Vec<IndexPack> = state
        .indexed_packs(cache_key)?
        .into_iter()
        .filter(|p| plan.live.contains(&p.id))
        .collect();
    let mut new_index = None;
    if !live_packs.is_empty() {
        let encoded = format::encode_compressed(&Index {
            version: format::VERSION,
            packs: live_packs.clone(),
        })?;
        let (name, _) = repo.put_object(ObjectKind::Index, &encoded, req.recipient)?;
        state.mark_indexed(cache_key, &live_packs, &name)?;
        new_index = Some(name);
    }
    failpoint("prune-after-index");
    // 2. Forgotten manifests.
    forget_snapshots(state, repo, cache_key, &plan.forgotten)?;
    failpoint("prune-after-snapshots");
    // 3. Old indexes (they may name dead packs).
    for name in seen
        .indexes
        .iter()
        .map(|l| basename(&l.key))
        .filter(|n| Some(*n) != new_index.as_deref())
    {
        repo.delete(ObjectKind::Index, name)?;
        state.forget_index(cache_key, name)?;
    }
    failpoint("prune-after-indexes");
    // 4. Dead packs.
    for pack in &plan.dead {
        repo.delete(ObjectKind::Pack, pack)?;
        state.forget_pack(cache_key, pack)?;
    }
    Ok(())
}

pub(super) fn forget_snapshots(
    state: &State,
    repo: &Repo,
    cache_key: &str,
    forgotten: &[String],
) -> anyhow::Result<()> {
    for id in forgotten {
        repo.delete(ObjectKind::Snapshot, id)?;
        state.forget_snapshot(cache_key, id)?;
    }
    Ok(())
}
