//! `backup`'s engine: walk → read → chunk → hash → compress → seal → upload.
//!
//! The walk runs first (metadata only). Files the cache does not vouch for
//! are read by one worker per core; each worker chunks (FastCDC; databases
//! by runs of pages), hashes
//! (keyed BLAKE3), compresses (zstd) and fills its own pack. Sealed packs go
//! through the store's bounded upload pipeline, so memory stays bounded
//! whatever the data size. The coordinating thread records each stored pack
//! in the cache as it lands; the index and then the snapshot manifest are
//! written only once every pack they name is stored.
//!
//! - `walk`: the data directory, without following anything;
//! - `reader`: what to read, and the workers that read it;
//! - `pipeline`: workers and uploads together, until every pack is stored;
//! - `chunker`, `pages`, `sqlite`: cutting streams (databases by their
//!   pages), reading live databases as one consistent page image;
//! - `manifest`: the snapshot's entries from all of the above.

mod all;
mod batches;
mod chunker;
mod dry_run;
pub mod exclude;
mod listing;
mod locations;
mod manifest;
mod pages;
mod pipeline;
mod reader;
pub mod sqlite;
pub mod walk;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::home;
use crate::keys::PublicKeys;
use crate::progress::Progress;
use crate::repo::format::{self, Index};
use crate::repo::signed::{ManifestEnvelope, ManifestHeader};
use crate::repo::tree::{self, TreeBody};
use crate::repo::{basename, ObjectKind, Repo};
use crate::state::cache::CachedSnapshot;
use crate::state::profiles::Profile;
use crate::state::setup::profile_repo;
use crate::state::writers::{Chain, Writer};
use crate::state::{State, StateError};
use crate::store::StoreOptions;
pub use all::{backup_all, AllBackups, ProfileOutcome};
pub use dry_run::{dry_run, DryRunSummary};
use exclude::Excludes;
use locations::Locations;
pub use pages::DB_CHUNK;
pub use walk::Skipped;

pub struct BackupRequest<'a> {
    pub profile: &'a str,
    /// The pseudonym whose writer signs the snapshot (for messages).
    pub pseudonym: &'a str,
    pub data_dir: &'a Path,
    /// Paths not walked (`--exclude`, the profile's patterns).
    pub excludes: &'a Excludes,
    pub keys: &'a PublicKeys,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    /// Bytes read of the bytes to read.
    pub progress: &'a dyn Progress,
}

#[derive(Debug, Serialize)]
pub struct BackupSummary {
    pub snapshot: String,
    pub time: i64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub fifos: u64,
    /// File entries that are hard links to another one (content stored once).
    pub hard_links: u64,
    /// Paths matching an exclude pattern, not walked.
    pub excluded: u64,
    /// Total size of the files in the snapshot.
    pub bytes: u64,
    /// Files and bytes actually read (the rest was unchanged).
    pub files_read: u64,
    pub bytes_read: u64,
    pub new_chunks: u64,
    /// Parts of the entry list not stored yet (the rest was unchanged).
    pub new_list_parts: u64,
    pub new_packs: u64,
    /// Bytes uploaded: new packs, index and manifest.
    pub bytes_stored: u64,
    pub duration_secs: f64,
    /// Paths not in the snapshot, and why: the exit code is then 3 (partial).
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
}

/// One backup of a profile, as `backup` and `depart` run it.
pub struct ProfileBackup<'a> {
    pub home: &'a Path,
    pub state: &'a State,
    pub profile: &'a Profile,
    pub options: &'a StoreOptions,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    /// Exclude patterns beyond the profile's own (`backup --exclude`).
    pub excludes: &'a [String],
    pub progress: &'a dyn Progress,
}

impl ProfileBackup<'_> {
    /// The profile's exclude patterns and the run's, compiled.
    pub fn excludes(&self) -> anyhow::Result<Excludes> {
        let all: Vec<String> = self
            .profile
            .excludes
            .iter()
            .chain(self.excludes)
            .cloned()
            .collect();
        Excludes::new(&all)
    }
}

/// One snapshot of a profile's data directory (the caller holds the
/// profile's lock; this takes its repository's).
pub fn backup_profile(req: ProfileBackup<'_>) -> anyhow::Result<BackupSummary> {
    let excludes = req.excludes()?;
    // Never `create`: the profile's command made the folder store; a missing
    // one now is a drive that is not mounted (exit 5).
    let (keys, repo) = profile_repo(req.state, req.profile, req.options, false)?;
    let _repo_lock = home::lock_repo(req.home, &keys.locator)?;
    // Live databases are streamed, never copied; older versions copied them
    // here, and a killed one may have left a plaintext copy.
    home::clear_tmp_dir(&req.home.join("tmp").join(&req.profile.name));
    backup(
        req.state,
        &repo,
        BackupRequest {
            profile: &req.profile.name,
            pseudonym: &req.profile.pseudonym,
            data_dir: &req.profile.data_dir,
            excludes: &excludes,
            keys: &keys,
            tags: req.tags,
            expires_at: req.expires_at,
            progress: req.progress,
        },
    )
}

pub fn backup(state: &State, repo: &Repo, req: BackupRequest<'_>) -> anyhow::Result<BackupSummary> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let (time, nanos) = (started_at.as_secs() as i64, started_at.subsec_nanos());
    let recipient = req.keys.recipient()?;
    let cache_key = repo.cache_key();
    // Never an unsigned snapshot: without a certified writer, stop before any work.
    let writer = state
        .writer(&req.keys.locator)?
        .ok_or_else(|| StateError::NoWriter(req.pseudonym.to_string()))?;
    let mut warnings = prepare(state, repo, &recipient, &cache_key)?;
    let damaged_before = state.damaged_packs(&cache_key)?;
    let mut stored_bytes = store_certificate(state, repo, &recipient, &cache_key, &writer)?;

    // Where each reusable chunk is; new chunks are added as their packs land.
    let mut location = Locations::from_cache(state, &cache_key, req.expires_at)?;
    let list = listing::Listing {
        state,
        repo,
        recipient: &recipient,
        dedup_key: &req.keys.dedup_key.0,
        expires_at: req.expires_at,
    }
    .writer();
    let input = batches::Input {
        state,
        repo,
        req: &req,
        recipient: &recipient,
    };
    let (mut tree, list) = batches::read_tree(input, &mut location, list)?;
    let (files, bytes) = (tree.files, tree.bytes);
    warnings.append(&mut tree.warnings);
    stored_bytes +=
        tree.stored_bytes + list.stored_bytes + index_pending(state, repo, &recipient, &cache_key)?;
    let used = location.named_packs();
    let chain = state.chain(&cache_key)?;
    let header = ManifestHeader {
        version: tree::TREE_VERSION,
        locator: req.keys.locator.clone(),
        writer: writer.public(),
        seq: chain.seq + 1,
        prev: chain.head.clone(),
        time,
        nanos,
        tags: req.tags.clone(),
        expires_at: req.expires_at,
        files,
        bytes,
        body_hash: [0; 32],
        body_len: 0,
    };
    let body = TreeBody { entries: list.list };
    let envelope = ManifestEnvelope::new(&writer.key, header, &body)?;
    let (snapshot, size) = repo.put_object(
        ObjectKind::Snapshot,
        &format::to_cbor(&envelope)?,
        &recipient,
    )?;
    stored_bytes += size;
    state.set_chain(
        &cache_key,
        &Chain {
            certificate_stored: true,
            seq: chain.seq + 1,
            head: Some(snapshot.clone()),
        },
    )?;

    let cached = CachedSnapshot {
        id: snapshot.clone(),
        time,
        nanos,
        files,
        bytes,
        expires_at: req.expires_at,
        tags: req.tags,
    };
    state.record_snapshot(&cache_key, &cached, &used)?;
    if !tree.skipped.is_empty() {
        state.record_skipped(&cache_key, &snapshot, tree.skipped.len() as u64)?;
    }
    state.drop_unseen_files(req.profile, |key| tree.seen.binary_search(&key).is_ok())?;
    warnings.extend(healed(state, &cache_key, &damaged_before)?);
    state.forget_unreferenced_chunks(&cache_key, req.profile, |id| location.is_named(id))?;

    Ok(BackupSummary {
        snapshot,
        time,
        files,
        dirs: tree.dirs,
        symlinks: tree.symlinks,
        fifos: tree.fifos,
        hard_links: tree.hard_links,
        excluded: tree.excluded,
        bytes,
        files_read: tree.files_read,
        bytes_read: tree.bytes_read,
        new_chunks: tree.new_chunks,
        new_list_parts: list.new_parts,
        new_packs: tree.new_packs + list.new_packs,
        bytes_stored: stored_bytes,
        duration_secs: started.elapsed().as_secs_f64(),
        skipped: tree.skipped,
        warnings,
    })
}

/// Makes the repository if it is new, and forgets what the store no longer
/// holds. Returns warnings for the summary.
fn prepare(
    state: &State,
    repo: &Repo,
    recipient: &age::x25519::Recipient,
    cache_key: &str,
) -> anyhow::Result<Vec<String>> {
    let mut warnings = Vec::new();
    if !repo.init_if_missing(recipient)? && state.forget_repository(cache_key)? {
        warnings.push(format!(
            "{} held no repository for this pseudonym although this device had written one there; everything is uploaded again",
            repo.store.url()
        ));
    }
    // Chunks are reused only from packs the store still holds: another
    // device's prune, or a hand in the bucket, may have removed some. One
    // listing per backup; what is gone is uploaded again.
    let stored: HashMap<String, u64> = repo
        .list(ObjectKind::Pack)?
        .into_iter()
        .map(|l| (basename(&l.key).to_string(), l.size))
        .collect();
    let mut gone = 0;
    for (pack, (size, _)) in state.cached_packs(cache_key)? {
        if stored.get(&pack) != Some(&size) {
            state.forget_pack(cache_key, &pack)?;
            gone += 1;
        }
    }
    if gone > 0 {
        warnings.push(format!(
            "packs this device had stored are no longer in {} ({gone} in all); their data is uploaded again",
            repo.store.url()
        ));
    }
    Ok(warnings)
}

/// What this backup did for the packs found damaged (`check`, `depart`):
/// their chunks were not reused, so those the data directory still holds
/// were uploaded again.
fn healed(
    state: &State,
    cache_key: &str,
    before: &HashMap<String, u64>,
) -> anyhow::Result<Option<String>> {
    let lost_before: u64 = before.values().sum();
    if lost_before == 0 {
        return Ok(None);
    }
    let after = state.damaged_packs(cache_key)?;
    let lost_after: u64 = before.keys().filter_map(|p| after.get(p)).sum();
    let mut line = format!(
        "packs were found damaged in the store ({} in all): chunks of their data were uploaded again ({})",
        before.values().filter(|&&n| n > 0).count(),
        lost_before - lost_after
    );
    if lost_after > 0 {
        line.push_str(&format!(
            "; chunks no file holds any more have no intact copy ({lost_after} in all; older snapshots that need them cannot be restored in full)"
        ));
    }
    Ok(Some(line))
}

/// Puts this device's writer certificate into the repository once, so
/// readers can check the writer's signatures. Returns the bytes stored.
fn store_certificate(
    state: &State,
    repo: &Repo,
    recipient: &age::x25519::Recipient,
    cache_key: &str,
    writer: &Writer,
) -> anyhow::Result<u64> {
    let mut chain = state.chain(cache_key)?;
    if chain.certificate_stored {
        return Ok(0);
    }
    let (_, size) = repo.put_object(ObjectKind::Writer, &writer.certificate, recipient)?;
    chain.certificate_stored = true;
    state.set_chain(cache_key, &chain)?;
    Ok(size)
}

/// Indexes every pack not yet indexed (this run's, and any a killed run
/// left), in index objects of at most [`INDEX_CHUNKS`] chunks: called
/// once that many are waiting and at the end, so that neither an index nor
/// its encoding grows with the tree. Returns the bytes stored.
pub(super) fn index_pending(
    state: &State,
    repo: &Repo,
    recipient: &age::x25519::Recipient,
    cache_key: &str,
) -> anyhow::Result<u64> {
    let mut pending = state.pending_packs(cache_key)?;
    let mut stored = 0;
    while !pending.is_empty() {
        let mut take = 0;
        let mut chunks = 0;
        while take < pending.len()
            && (take == 0 || chunks + pending[take].chunks.len() <= INDEX_CHUNKS)
        {
            chunks += pending[take].chunks.len();
            take += 1;
        }
        let rest = pending.split_off(take);
        let index = Index {
            version: format::VERSION,
            packs: pending,
        };
        let (name, size) = repo.put_object(
            ObjectKind::Index,
            &format::encode_compressed(&index)?,
            recipient,
        )?;
        state.mark_indexed(cache_key, &index.packs, &name)?;
        stored += size;
        pending = rest;
    }
    Ok(stored)
}

/// The most chunks one index object names (about 3 MB before compression).
pub(super) const INDEX_CHUNKS: usize = 50_000;
