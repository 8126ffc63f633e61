//! What the store holds, what this device's cache knows of it, and the
//! policy's verdict on every snapshot.

use std::collections::HashSet;

use super::policy::{self, Candidate, Verdict};
use super::{PruneReport, PruneRequest, SnapshotVerdict};
use crate::repo::signed::FUTURE_SKEW_SECS;
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::rebuild::rebuild_cache;
use crate::state::State;
use crate::store::Listed;

/// The repository as prune found it.
pub struct Seen {
    pub snapshots: Vec<Listed>,
    pub indexes: Vec<Listed>,
    pub packs: Vec<Listed>,
    /// Objects that do not open with the phrase: damage, or junk planted by
    /// someone with write access. Left in place; they never count as snapshots.
    pub unreadable: HashSet<String>,
    /// Manifests that open but are not to be trusted: left in place, never counted.
    pub untrusted: HashSet<String>,
    /// The packs readable indexes list (known with the phrase only).
    pub indexed: Option<HashSet<String>>,
    /// Chunk references of readable snapshots that no readable index maps.
    pub unmapped_chunks: usize,
}

pub fn judge(
    state: &State,
    repo: &Repo,
    req: &PruneRequest<'_>,
    report: &mut PruneReport,
) -> anyhow::Result<Seen> {
    let cache_key = repo.cache_key();
    let mut unreadable: HashSet<String> = HashSet::new();
    let mut untrusted: HashSet<String> = HashSet::new();
    let mut unmapped_chunks = 0;
    let mut indexed = None;
    if let Some(keys) = req.keys {
        repo.open_for_reading(&keys.identity)?;
        let rebuilt = rebuild_cache(state, repo, keys, req.now)?;
        unmapped_chunks = rebuilt.unmapped_chunks;
        indexed = Some(rebuilt.indexed);
        for key in rebuilt.unreadable {
            report.notes.push(format!("{key} does not open with the phrase (damaged, or not written by crossing); left in place"));
            unreadable.insert(basename(&key).to_string());
        }
        for (key, why) in rebuilt.untrusted {
            report.notes.push(format!(
                "{key} is not to be trusted ({why}); left in place, not counted by any keep rule"
            ));
            untrusted.insert(basename(&key).to_string());
        }
    }
    let seen = Seen {
        snapshots: repo.list(ObjectKind::Snapshot)?,
        indexes: repo.list(ObjectKind::Index)?,
        packs: repo.list(ObjectKind::Pack)?,
        unreadable,
        untrusted,
        indexed,
        unmapped_chunks,
    };
    let cached_snaps = state.cached_snapshots(&cache_key)?;
    let cached_indexes = state.cached_indexes(&cache_key)?;
    let accounted = |l: &Listed, cached: &dyn Fn(&str) -> bool| {
        let name = basename(&l.key);
        cached(name) || seen.unreadable.contains(name) || seen.untrusted.contains(name)
    };
    report.warm = seen
        .snapshots
        .iter()
        .all(|l| accounted(l, &|n| cached_snaps.contains_key(n)))
        && seen
            .indexes
            .iter()
            .all(|l| accounted(l, &|n| cached_indexes.contains(n)));

    // The policy judges the snapshots this device knows. Any other object in
    // snapshots/ (another device's snapshot, or junk: without the phrase the
    // two look alike) is kept and takes no keep-last slot, so planted objects
    // can never push real snapshots out.
    // A snapshot dated beyond now (a wrong clock, or a seized device's
    // writer) would take keep slots for ever: it is kept, and not counted.
    let future = |time: i64| time > req.now + FUTURE_SKEW_SECS;
    let candidates: Vec<Candidate> = seen
        .snapshots
        .iter()
        .filter_map(|l| {
            let c = cached_snaps
                .get(basename(&l.key))
                .filter(|c| !future(c.time))?;
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
    let judged = |l: &&Listed| {
        cached_snaps
            .get(basename(&l.key))
            .is_some_and(|c| !future(c.time))
    };
    for l in seen.snapshots.iter().filter(|l| !judged(l)) {
        let name = basename(&l.key);
        let verdict = if seen.unreadable.contains(name) {
            Verdict::Unreadable
        } else if seen.untrusted.contains(name) || cached_snaps.contains_key(name) {
            Verdict::Untrusted
        } else {
            Verdict::Unknown
        };
        report.snapshots.push(SnapshotVerdict {
            id: basename(&l.key).to_string(),
            time: l.modified,
            verdict,
        });
    }
    Ok(seen)
}
