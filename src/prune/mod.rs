//! `prune`: forget snapshots outside a retention policy or past their
//! expiry, and delete the packs nothing kept needs any more.
//!
//! Without the phrase (cron) prune works from the device's cache. It is
//! *warm* when every snapshot and index object in the store was written (or
//! read) by this device: then the cache knows every pack each snapshot uses,
//! and prune writes a fresh index of the live packs itself. When it is
//! *cold* (another device wrote to the repository, or after a restore),
//! prune without the phrase only forgets snapshots; with the phrase it first
//! rebuilds the cache from the store.
//!
//! Order, so that a kill at any point leaves every kept snapshot restorable:
//! new index of live packs → forgotten manifests deleted → old indexes
//! deleted → dead packs deleted → cache updated. Packs written by a
//! disappearing snapshot are never reused by a snapshot that outlives it
//! (`State::reusable_chunks`), so once it expires they are dead and go.

pub mod policy;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::repo::format::{self, Index, IndexPack};
use crate::repo::{basename, Repo, DATA, INDEX, SNAPSHOTS};
use crate::state::State;
use policy::{Candidate, Policy, Verdict};

/// Unindexed packs not in the cache are left alone this long: another
/// device sharing the pseudonym may be uploading them right now.
const ORPHAN_GRACE_SECS: i64 = 24 * 3600;

#[derive(Debug, Serialize)]
pub struct SnapshotVerdict {
    pub id: String,
    pub time: i64,
    pub verdict: Verdict,
}

#[derive(Debug, Default, Serialize)]
pub struct PruneReport {
    pub dry_run: bool,
    /// Whether the cache knew every object (see module docs).
    pub warm: bool,
    pub snapshots: Vec<SnapshotVerdict>,
    pub packs_deleted: usize,
    pub bytes_deleted: u64,
    pub packs_kept: usize,
    pub notes: Vec<String>,
}

pub struct PruneRequest<'a> {
    pub policy: Policy,
    pub now: i64,
    pub dry_run: bool,
    pub recipient: &'a age::x25519::Recipient,
    /// With the phrase, a cold cache is rebuilt from the store first.
    pub identity: Option<&'a age::x25519::Identity>,
}

pub fn prune(
    state: &State,
    repo: &Repo,
    rt: &tokio::runtime::Handle,
    req: PruneRequest<'_>,
) -> anyhow::Result<PruneReport> {
    let cache_key = repo.cache_key();
    let cache_key = cache_key.as_str();
    let mut report = PruneReport {
        dry_run: req.dry_run,
        ..Default::default()
    };
    // Objects that do not open with the phrase: damage, or junk planted by
    // someone with write access. Left in place; they never count as snapshots.
    let mut unreadable: HashSet<String> = HashSet::new();
    let mut unmapped_chunks = 0;
    if let Some(identity) = req.identity {
        rt.block_on(repo.open_for_reading(identity))?;
        let rebuilt = crate::rebuild::rebuild_cache(state, repo, rt, identity)?;
        unmapped_chunks = rebuilt.unmapped_chunks;
        for key in rebuilt.unreadable {
            report.notes.push(format!("{key} does not open with the phrase (damaged, or not written by crossing); left in place"));
            unreadable.insert(basename(&key).to_string());
        }
    }
    let listed_snaps = rt.block_on(repo.list(SNAPSHOTS))?;
    let listed_indexes = rt.block_on(repo.list(INDEX))?;
    let listed_packs = rt.block_on(repo.list(DATA))?;
    let cached_snaps = state.cached_snapshots(cache_key)?;
    let cached_indexes = state.cached_indexes(cache_key)?;
    let accounted = |l: &crate::store::Listed, cached: &dyn Fn(&str) -> bool| {
        let name = basename(&l.key);
        cached(name) || unreadable.contains(name)
    };
    let warm = listed_snaps
        .iter()
        .all(|l| accounted(l, &|n| cached_snaps.contains_key(n)))
        && listed_indexes
            .iter()
            .all(|l| accounted(l, &|n| cached_indexes.contains(n)));
    report.warm = warm;

    // The policy judges the snapshots this device knows. Any other object in
    // snapshots/ (another device's snapshot, or junk: without the phrase the
    // two look alike) is kept and takes no keep-last slot, so planted objects
    // can never push real snapshots out.
    let candidates: Vec<Candidate> = listed_snaps
        .iter()
        .filter_map(|l| {
            let c = cached_snaps.get(basename(&l.key))?;
            Some(Candidate {
                id: c.id.clone(),
                time: c.time,
                nanos: c.nanos,
                expires_at: c.expires_at,
            })
        })
        .collect();
    let verdicts = policy::select(&candidates, &req.policy, req.now);
    report.snapshots = candidates
        .iter()
        .zip(&verdicts)
        .map(|(c, v)| SnapshotVerdict {
            id: c.id.clone(),
            time: c.time,
            verdict: *v,
        })
        .collect();
    for l in listed_snaps
        .iter()
        .filter(|l| !cached_snaps.contains_key(basename(&l.key)))
    {
        let verdict = if unreadable.contains(basename(&l.key)) {
            Verdict::Unreadable
        } else {
            Verdict::Unknown
        };
        report.snapshots.push(SnapshotVerdict {
            id: basename(&l.key).to_string(),
            time: l.modified,
            verdict,
        });
    }
    let forgotten: Vec<&str> = report
        .snapshots
        .iter()
        .filter(|s| s.verdict.forgets())
        .map(|s| s.id.as_str())
        .collect();

    // Which packs live on: those of kept snapshots, and pending ones (a
    // killed backup's packs, which the next backup indexes and reuses).
    let cached_packs = state.cached_packs(cache_key)?;
    let pending: HashSet<String> = state
        .pending_packs(cache_key)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut live: HashSet<String> = pending;
    if warm {
        // Warm: the cache knows every kept snapshot's packs.
        for s in report
            .snapshots
            .iter()
            .filter(|s| s.verdict == Verdict::Keep)
        {
            live.extend(state.snapshot_packs(cache_key, &s.id)?.unwrap_or_default());
        }
    }
    let stored: HashMap<String, (u64, i64)> = listed_packs
        .iter()
        .map(|l| (basename(&l.key).to_string(), (l.size, l.modified)))
        .collect();
    // Deleting needs a complete map from chunks to packs. An index that does
    // not open, or a snapshot naming chunks no index lists, means the map has
    // a hole: the packs behind it would look dead. Then nothing is deleted.
    let map_has_hole = unmapped_chunks > 0
        || listed_indexes
            .iter()
            .any(|l| unreadable.contains(basename(&l.key)));
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
    } else if !warm {
        report.notes.push(
            "this device does not know every object in the repository (another device wrote to it, or it was restored here): \
             only its own snapshots are judged, and no data is deleted; run `crossing prune --phrase-file FILE` once to rebuild its cache"
                .into(),
        );
        Vec::new()
    } else {
        Vec::new()
    };
    report.packs_deleted = dead.len();
    report.bytes_deleted = dead.iter().map(|p| stored[p].0).sum();
    report.packs_kept = stored.len() - dead.len();
    if req.dry_run {
        return Ok(report);
    }

    if may_delete && !(dead.is_empty() && forgotten.is_empty()) {
        // 1. One index naming every live pack the cache knows.
        let live_packs: Vec<IndexPack> = state
            .indexed_packs(cache_key)?
            .into_iter()
            .filter(|p| live.contains(&p.id))
            .collect();
        let old_indexes: Vec<String> = listed_indexes
            .iter()
            .map(|l| basename(&l.key).to_string())
            .collect();
        let mut new_index = None;
        if !live_packs.is_empty() {
            let encoded = format::encode_compressed(&Index {
                version: format::VERSION,
                packs: live_packs.clone(),
            })?;
            let (name, _) = rt.block_on(repo.put_object(INDEX, &encoded, req.recipient))?;
            state.mark_indexed(cache_key, &live_packs, &name)?;
            new_index = Some(name);
        }
        failpoint("prune-after-index");
        // 2. Forgotten manifests.
        for id in &forgotten {
            rt.block_on(repo.store.delete(&repo.key(SNAPSHOTS, id)))?;
            state.forget_snapshot(cache_key, id)?;
        }
        failpoint("prune-after-snapshots");
        // 3. Old indexes (they may name dead packs).
        for name in old_indexes
            .iter()
            .filter(|n| Some(*n) != new_index.as_ref())
        {
            rt.block_on(repo.store.delete(&repo.key(INDEX, name)))?;
            state.forget_index(cache_key, name)?;
        }
        failpoint("prune-after-indexes");
        // 4. Dead packs.
        for pack in &dead {
            rt.block_on(repo.store.delete(&repo.pack_key(pack)))?;
            state.forget_pack(cache_key, pack)?;
        }
    } else {
        for id in &forgotten {
            rt.block_on(repo.store.delete(&repo.key(SNAPSHOTS, id)))?;
            state.forget_snapshot(cache_key, id)?;
        }
    }
    Ok(report)
}

/// Fault injection for the crash-safety tests: aborts the process, like a
/// kill -9, when `CROSSING_FAILPOINT` names this point.
fn failpoint(name: &str) {
    if std::env::var("CROSSING_FAILPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}
