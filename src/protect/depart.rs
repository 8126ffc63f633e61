//! `depart`: the one workflow before a crossing. Backup, verify that the new
//! snapshot is complete in the store (no phrase needed), then wipe the
//! profile's data directory and crossing's home. Any failure before the
//! wipe stops everything and leaves the data in place.

use std::path::Path;

use anyhow::Context as _;

use crate::backup::{self, BackupSummary, ProfileBackup};
use crate::bail_kind;
use crate::error::ExitKind;
use crate::home::{self, Lock};
use crate::progress::Progress;
use crate::protect::wipe::{self, Planned, Report};
use crate::repo::signed::{self, Seal};
use crate::repo::verify::{self, Verified};
use crate::repo::{format, ObjectKind};
use crate::state::profiles::Profile;
use crate::state::setup::{profile_repo, refuse_store_overlap};
use crate::state::{now_unix, State, StateError};

/// A step done, for the caller to show before the next one starts.
pub enum Step<'a> {
    /// The backup finished (its skipped paths, if any, stop the departure).
    BackedUp(&'a BackupSummary),
    /// The verification finished (its problems, if any, stop the departure).
    Verified(&'a Verified),
}

/// Backed up, verified and sealed: ready to wipe.
pub struct Departure {
    pub summary: BackupSummary,
    pub verified: Verified,
    /// The code of the sealed head, for `restore --seal`.
    pub seal_code: String,
    pub planned: Vec<Planned>,
    /// The profile stays locked until the wipe is done.
    _lock: Lock,
}

/// Backs up `profile` and verifies the snapshot in the store, then plans
/// the wipe. Takes the state to close it: its file is about to be destroyed.
pub fn prepare(
    home: &Path,
    state: State,
    profile: &Profile,
    allow_same_disk: bool,
    progress: &dyn Progress,
    on_step: &mut dyn FnMut(Step<'_>),
) -> anyhow::Result<Departure> {
    refuse_store_overlap(&profile.store_url, &profile.data_dir, home)?;
    if !allow_same_disk {
        refuse_same_disk(profile)?;
    }
    let lock = home::lock_profile(home, &profile.name)?;
    let summary = backup::backup_profile(ProfileBackup {
        home,
        state: &state,
        profile,
        options: &profile.store_options,
        tags: vec!["depart".into()],
        expires_at: None,
        progress,
    })
    .context("depart stopped: the backup failed, so nothing was wiped")?;
    on_step(Step::BackedUp(&summary));
    if !summary.skipped.is_empty() {
        bail_kind!(
            ExitKind::Partial,
            "depart stopped: the backup skipped {} path(s) (listed above), so nothing was wiped; fix them (or move them out of {}) and run depart again",
            summary.skipped.len(),
            profile.data_dir.display()
        );
    }
    let verified = verify_stored(&state, profile, &summary)?;
    on_step(Step::Verified(&verified));
    if !verified.damaged.is_empty() {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: {} pack(s) of the new snapshot are damaged in the store (listed above), so nothing was wiped; run depart again: its backup uploads that data again",
            verified.damaged.len()
        );
    }
    if !verified.problems.is_empty() {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: the new snapshot is not complete in the store ({} problem(s), listed above), so nothing was wiped; run `crossing check` and depart again",
            verified.problems.len()
        );
    }
    let seal_code = seal(&state, profile, &summary)
        .context("depart stopped: the chain could not be sealed, so nothing was wiped")?;
    let targets = wipe::targets(home, std::slice::from_ref(profile), false);
    // Close the database before its directory is destroyed.
    drop(state);
    let planned = wipe::plan(&targets)?;
    Ok(Departure {
        summary,
        verified,
        seal_code,
        planned,
        _lock: lock,
    })
}

/// What a departure did.
pub struct Departed {
    pub summary: BackupSummary,
    pub verified: Verified,
    pub seal_code: String,
    pub report: Report,
}

/// A folder store on the filesystem of the data directory leaves the only
/// backup on the device depart is about to hand over (exit 9).
fn refuse_same_disk(profile: &Profile) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Some(folder) = crate::store::local_folder(&profile.store_url) else {
        return Ok(());
    };
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    if let (Some(store), Some(data)) = (dev(&folder), dev(&profile.data_dir)) {
        if store == data {
            bail_kind!(
                ExitKind::Refused,
                "depart stopped: the store folder {} is on the same filesystem as {}, so the backup would stay on this device; nothing was wiped. Use a store on another drive or in the cloud (or --allow-same-disk if you take that drive away yourself)",
                folder.display(),
                profile.data_dir.display()
            );
        }
    }
    Ok(())
}

/// Every pack of the new snapshot is in the store as uploaded, and no pack
/// of this device waits for an index.
fn verify_stored(
    state: &State,
    profile: &Profile,
    summary: &BackupSummary,
) -> anyhow::Result<Verified> {
    let (_, repo) = profile_repo(state, profile, &profile.store_options, false)?;
    let packs = state
        .snapshot_packs(&repo.cache_key(), &summary.snapshot)?
        .ok_or_else(|| anyhow::anyhow!("depart stopped: the new snapshot is not in this device's records, so nothing was wiped"))?;
    if packs.is_empty() && summary.bytes > 0 {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: this device's records name no pack for a snapshot of {} bytes, so it cannot be verified and nothing was wiped; run `crossing check`",
            summary.bytes
        );
    }
    let recorded = state.cached_packs(&repo.cache_key())?;
    let pending = state.pending_packs(&repo.cache_key())?;
    let mut verified = verify::snapshot_is_stored(&repo, &summary.snapshot, &packs, &recorded)
        .context(
            "depart stopped: the snapshot could not be verified in the store, so nothing was wiped",
        )?;
    for pack in &verified.damaged {
        state.mark_damaged(&repo.cache_key(), pack)?;
    }
    verified.problems.extend(
        pending
            .iter()
            .map(|p| format!("pack {} is in no index yet", p.id)),
    );
    Ok(verified)
}

/// Ends this device's chain at the new snapshot with a signed seal: the
/// wipe then destroys the writer key, so nothing signed later can be real.
/// Returns the seal code.
fn seal(state: &State, profile: &Profile, summary: &BackupSummary) -> anyhow::Result<String> {
    let (keys, repo) = profile_repo(state, profile, &profile.store_options, false)?;
    let writer = state
        .writer(&keys.locator)?
        .ok_or_else(|| StateError::NoWriter(profile.pseudonym.clone()))?;
    let chain = state.chain(&repo.cache_key())?;
    let record = Seal {
        version: signed::SIGNED_VERSION,
        locator: keys.locator.clone(),
        writer: writer.public(),
        seq: chain.seq + 1,
        head: summary.snapshot.clone(),
        time: now_unix(),
    };
    let signed = record.sign(&writer.key)?;
    repo.put_object(
        ObjectKind::Seal,
        &format::to_cbor(&signed)?,
        &keys.recipient()?,
    )?;
    Ok(signed::seal_code(&summary.snapshot))
}

impl Departure {
    /// Destroys what was planned (the caller has confirmed).
    pub fn wipe(self, thorough: bool, progress: &dyn Progress) -> Departed {
        let report = wipe::execute(&self.planned, thorough, progress);
        Departed {
            summary: self.summary,
            verified: self.verified,
            seal_code: self.seal_code,
            report,
        }
    }
}
