//! `depart`: the one workflow before a crossing. Back up every profile,
//! verify that each new snapshot is complete in its store (no phrase
//! needed) and seal each chain, then wipe every data directory and
//! crossing's home (or, for one profile, its data directory and its
//! records). Any failure before the wipe stops everything and leaves all
//! the data in place.

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

/// What departs: every profile and crossing's home (the default), or one
/// profile's data directory, the home and the other profiles staying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    OneProfile,
}

/// One profile backed up, verified and sealed.
pub struct Leg {
    pub profile: Profile,
    pub summary: BackupSummary,
    pub verified: Verified,
    /// The code of the sealed head, for `restore --seal`.
    pub seal_code: String,
    /// The profile stays locked until the wipe is done.
    _lock: Lock,
}

/// Refuses, before anything is backed up, what would leave the only backup
/// on the device: a store inside a data directory or the home, or (unless
/// allowed) a folder store on the filesystem of a data directory.
pub fn refuse_unsafe_stores(
    home: &Path,
    profiles: &[Profile],
    allow_same_disk: bool,
) -> anyhow::Result<()> {
    for profile in profiles {
        for other in profiles {
            refuse_store_overlap(&profile.store_url, &other.data_dir, home)?;
            if !allow_same_disk {
                refuse_same_disk(&profile.store_url, &other.data_dir)?;
            }
        }
    }
    Ok(())
}

/// Backs up `profile` and verifies the snapshot in the store, then seals
/// its chain. Nothing is destroyed here.
pub fn leg(
    home: &Path,
    state: &State,
    profile: &Profile,
    progress: &dyn Progress,
    on_step: &mut dyn FnMut(Step<'_>),
) -> anyhow::Result<Leg> {
    let lock = home::lock_profile(home, &profile.name)?;
    let summary = backup::backup_profile(ProfileBackup {
        home,
        state,
        profile,
        options: &profile.store_options,
        tags: vec!["depart".into()],
        expires_at: None,
        excludes: &[],
        progress,
    })
    .with_context(|| {
        format!(
            "depart stopped: the backup of profile \"{}\" failed, so nothing was wiped",
            profile.name
        )
    })?;
    on_step(Step::BackedUp(&summary));
    if !summary.skipped.is_empty() {
        bail_kind!(
            ExitKind::Partial,
            "depart stopped: the backup skipped paths ({} in all, listed above), so nothing was wiped; fix them (or move them out of {}) and run depart again",
            summary.skipped.len(),
            profile.data_dir.display()
        );
    }
    let verified = verify_stored(state, profile, &summary)?;
    on_step(Step::Verified(&verified));
    if !verified.damaged.is_empty() {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: packs of the new snapshot are damaged in the store ({} in all, listed above), so nothing was wiped; run depart again: its backup uploads that data again",
            verified.damaged.len()
        );
    }
    if !verified.problems.is_empty() {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: the new snapshot is not complete in the store (problems: {}, listed above), so nothing was wiped; run `crossing backup` (it uploads damaged or missing data again), then depart again",
            verified.problems.len()
        );
    }
    let seal_code = seal(state, profile, &summary)
        .context("depart stopped: the chain could not be sealed, so nothing was wiped")?;
    Ok(Leg {
        profile: profile.clone(),
        summary,
        verified,
        seal_code,
        _lock: lock,
    })
}

/// Every leg done: ready to wipe.
pub struct Departure {
    pub legs: Vec<Leg>,
    pub planned: Vec<Planned>,
    pub scope: Scope,
    /// Kept open only when the home stays: the departed profiles' records
    /// are removed from it after the wipe.
    state: Option<State>,
}

/// Plans the wipe of the legs' data directories and, for `Everything`, of
/// crossing's home. Takes the state to close it when the home is destroyed.
pub fn plan(home: &Path, state: State, legs: Vec<Leg>, scope: Scope) -> anyhow::Result<Departure> {
    let profiles: Vec<Profile> = legs.iter().map(|l| l.profile.clone()).collect();
    let keep_home = scope == Scope::OneProfile;
    let targets = wipe::targets(home, &profiles, keep_home);
    // Close the database before its directory is destroyed.
    let state = keep_home.then_some(state);
    let planned = wipe::plan(&targets)?;
    Ok(Departure {
        legs,
        planned,
        scope,
        state,
    })
}

/// What a departure did.
pub struct Departed {
    pub legs: Vec<Leg>,
    pub scope: Scope,
    pub report: Report,
    /// With the home kept: the profiles that stay on this device.
    pub remaining: Vec<String>,
}

/// A folder store on the filesystem of a data directory leaves the only
/// backup on the device depart is about to hand over (exit 9).
fn refuse_same_disk(store_url: &str, data_dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Some(folder) = crate::store::local_folder(store_url) else {
        return Ok(());
    };
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    if let (Some(store), Some(data)) = (dev(&folder), dev(data_dir)) {
        if store == data {
            bail_kind!(
                ExitKind::Refused,
                "depart stopped: the store folder {} is on the same filesystem as {}, so the backup would stay on this device; nothing was wiped. Use a store on another drive or in the cloud (or --allow-same-disk if you take that drive away yourself)",
                folder.display(),
                data_dir.display()
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
    /// Destroys what was planned (the caller has confirmed). With the home
    /// kept, the departed profiles are then forgotten by it: their records
    /// name every path of their data directories, and their writer keys
    /// could sign after the seal.
    pub fn wipe(self, thorough: bool, progress: &dyn Progress) -> anyhow::Result<Departed> {
        let report = wipe::execute(&self.planned, thorough, progress);
        let mut remaining = Vec::new();
        if let Some(state) = &self.state {
            for leg in &self.legs {
                forget_profile(state, &leg.profile)?;
            }
            remaining = state.profiles()?.into_iter().map(|p| p.name).collect();
        }
        Ok(Departed {
            legs: self.legs,
            scope: self.scope,
            report,
            remaining,
        })
    }
}

/// Removes a departed profile's records and, when no other profile writes
/// for its pseudonym, the pseudonym's writer key.
fn forget_profile(state: &State, profile: &Profile) -> anyhow::Result<()> {
    let locator = state.require_pseudonym(&profile.pseudonym)?.keys().locator;
    state.remove_profile(&profile.name)?;
    let still_used = state
        .profiles()?
        .iter()
        .any(|p| p.pseudonym == profile.pseudonym);
    if !still_used {
        state.forget_writer(&locator)?;
    }
    Ok(())
}
