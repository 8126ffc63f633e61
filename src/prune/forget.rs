//! `forget`: the snapshots the user names are forgotten as prune forgets
//! them (their manifests deleted, the cache's rows with them); their data
//! goes at the next prune, once nothing kept uses it.
//!
//! Without the phrase only snapshots this device's cache knows can be
//! named (prune judges no other: without the phrase a snapshot of another
//! device and junk look alike). With it, the cache is rebuilt from the
//! trusted history first, as prune does, and names are resolved there: an
//! untrusted manifest is refused, as restore refuses it.

use serde::Serialize;

use super::delete::forget_snapshots;
use crate::error::{ExitKind, Fail};
use crate::repo::history::{select, ReadKeys};
use crate::repo::{basename, ObjectKind, Repo, RepoError};
use crate::state::cache::CachedSnapshot;
use crate::state::rebuild::rebuild_cache_from;
use crate::state::State;

pub struct ForgetRequest<'a> {
    /// Snapshot IDs, unique prefixes, or "latest".
    pub wanted: &'a [String],
    pub dry_run: bool,
    pub keys: Option<&'a ReadKeys>,
    pub now: i64,
}

#[derive(Debug, Default, Serialize)]
pub struct ForgetReport {
    pub dry_run: bool,
    /// Forgotten (or with --dry-run, to be), oldest first.
    pub forgotten: Vec<Forgotten>,
    #[serde(skip)]
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Forgotten {
    pub snapshot: String,
    pub time: i64,
}

pub fn forget(state: &State, repo: &Repo, req: ForgetRequest<'_>) -> anyhow::Result<ForgetReport> {
    let cache_key = repo.cache_key();
    let mut report = ForgetReport {
        dry_run: req.dry_run,
        ..Default::default()
    };
    let mut chosen: Vec<CachedSnapshot> = Vec::new();
    if let Some(keys) = req.keys {
        repo.open_for_reading(&keys.identity)?;
        let history = repo.history(keys, req.now)?;
        // Every name is resolved before anything changes: one that does
        // not resolve leaves the repository as it was.
        for wanted in req.wanted {
            let j = history.resolve(wanted)?;
            chosen.push(CachedSnapshot {
                id: j.id.clone(),
                time: j.time,
                nanos: j.nanos,
                files: j.files,
                bytes: j.bytes,
                expires_at: j.expires_at,
                tags: j.tags.clone(),
            });
        }
        if !req.dry_run {
            rebuild_cache_from(state, repo, keys, &history)?;
        }
        report.notes = history.notes.clone();
    } else {
        let stored: std::collections::HashSet<String> = repo
            .list(ObjectKind::Snapshot)?
            .iter()
            .map(|l| basename(&l.key).to_string())
            .collect();
        let mut known: Vec<CachedSnapshot> = state
            .cached_snapshots(&cache_key)?
            .into_values()
            .filter(|c| stored.contains(&c.id))
            .collect();
        known.sort_by(|a, b| (a.time, a.nanos, &a.id).cmp(&(b.time, b.nanos, &b.id)));
        for wanted in req.wanted {
            let c = select(wanted, &known, |c| &c.id, || known.last()).map_err(|e| {
                match stored.iter().find(|id| id.starts_with(wanted.as_str())) {
                    Some(id) if matches!(e, RepoError::NoSuchSnapshot(_)) => Fail::new(
                        ExitKind::Usage,
                        format!(
                            "snapshot {} is not known to this device's cache (another device wrote it, or the cache is cold); pass --phrase-file to name it",
                            &id[..12]
                        ),
                    )
                    .into(),
                    _ => anyhow::Error::from(e),
                }
            })?;
            chosen.push(c.clone());
        }
    }
    chosen.sort_by(|a, b| (a.time, a.nanos, &a.id).cmp(&(b.time, b.nanos, &b.id)));
    chosen.dedup_by(|a, b| a.id == b.id);
    if !req.dry_run && !chosen.is_empty() {
        // Credentials that may not delete stop here, before anything goes.
        repo.store.check_delete_right(&format!(
            "{}/{}",
            repo.locator,
            ObjectKind::Snapshot.dir()
        ))?;
        let ids: Vec<String> = chosen.iter().map(|c| c.id.clone()).collect();
        forget_snapshots(state, repo, &cache_key, &ids)?;
    }
    report.forgotten = chosen
        .into_iter()
        .map(|c| Forgotten {
            snapshot: c.id,
            time: c.time,
        })
        .collect();
    Ok(report)
}
