//! `backup --all`: every profile, one after another, each under its own
//! lock. A profile that fails (store unreachable, lock held) does not stop
//! the others: its error is its outcome.

use std::path::Path;

use super::{backup_profile, BackupSummary, ProfileBackup};
use crate::home;
use crate::progress::Progress;
use crate::state::profiles::Profile;
use crate::state::State;
use crate::store::StoreOptions;

/// What one profile's backup came to.
pub struct ProfileOutcome {
    pub profile: Profile,
    pub result: anyhow::Result<BackupSummary>,
}

/// What every profile's backup shares.
pub struct AllBackups<'a> {
    pub home: &'a Path,
    pub state: &'a State,
    /// `--store-option`s of this run, over each profile's own.
    pub run_options: &'a StoreOptions,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    /// Exclude patterns beyond each profile's own.
    pub excludes: &'a [String],
}

/// Backs up every profile (by name order). `progress` makes each one's
/// progress display; `done` hears of each outcome as it comes (the
/// caller's warnings, its line), then the outcomes are returned.
pub fn backup_all(
    run: AllBackups<'_>,
    progress: &dyn Fn(&Profile) -> Box<dyn Progress>,
    done: &mut dyn FnMut(&ProfileOutcome),
) -> anyhow::Result<Vec<ProfileOutcome>> {
    let mut outcomes = Vec::new();
    for profile in run.state.profiles()? {
        let bar = progress(&profile);
        let result = home::lock_profile(run.home, &profile.name).and_then(|_lock| {
            backup_profile(ProfileBackup {
                home: run.home,
                state: run.state,
                profile: &profile,
                options: &profile.store_options.merged(run.run_options),
                tags: run.tags.clone(),
                expires_at: run.expires_at,
                excludes: run.excludes,
                progress: bar.as_ref(),
            })
        });
        bar.finish();
        let outcome = ProfileOutcome { profile, result };
        done(&outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}
