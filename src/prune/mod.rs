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
//!
//! - `policy`: which snapshots a policy keeps;
//! - `judge`: what the store holds and what the cache knows of it;
//! - `delete`: which packs are dead, and the deletions in their safe order.

mod delete;
pub mod forget;
mod judge;
pub mod policy;

use serde::Serialize;

use crate::repo::history::ReadKeys;
use crate::repo::Repo;
use crate::state::State;
use policy::{Policy, Verdict};

#[derive(Debug, Serialize)]
pub struct SnapshotVerdict {
    #[serde(rename = "snapshot")]
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
    /// With the phrase, the cache is rebuilt from the store first (from
    /// what chains to the phrase's authority only).
    pub keys: Option<&'a ReadKeys>,
}

pub fn prune(state: &State, repo: &Repo, req: PruneRequest<'_>) -> anyhow::Result<PruneReport> {
    let mut report = PruneReport {
        dry_run: req.dry_run,
        ..Default::default()
    };
    let seen = judge::judge(state, repo, &req, &mut report)?;
    let plan = delete::plan(state, repo, &req, &seen, &mut report)?;
    if !req.dry_run {
        delete::apply(state, repo, &req, &seen, &plan)?;
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
