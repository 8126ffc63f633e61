//! `crossing depart`: the one command before a crossing. Backup, verify that
//! the new snapshot is complete in the store (no phrase needed), then wipe
//! the profile's data directory and crossing's home. Any failure before the
//! wipe stops everything and leaves the data in place.

use anyhow::Context as _;
use serde::Serialize;

use super::{human_bytes, print_json, runtime, Context};
use crate::cli::DepartArgs;
use crate::error::ExitKind;
use crate::repo::verify;
use crate::snapshot::BackupSummary;
use crate::wipe::{self, Report};
use crate::{bail_kind, lock, prompt};

#[derive(Serialize)]
struct Output<'a> {
    store: &'a str,
    snapshot: &'a BackupSummary,
    verified: &'a verify::Verified,
    wipe: &'a Report,
}

pub fn run(ctx: &Context, args: DepartArgs) -> anyhow::Result<()> {
    if !args.yes && !prompt::stdin_is_tty() {
        bail_kind!(
            ExitKind::Refused,
            "depart wipes after the backup and needs a confirmation, but standard input is not a terminal: pass --yes"
        );
    }
    let state = ctx.state()?;
    let profile = state.require_profile(&args.profile)?;
    // First, what the user needs afterwards: written before anything is destroyed.
    eprintln!("Store address (with your recovery phrase, all you need to restore):");
    eprintln!("    {}", profile.store_url);
    eprintln!(
        "Restore later with: crossing restore --store {} --data-dir {}",
        profile.store_url,
        profile.data_dir.display()
    );
    let lock = lock::acquire(&ctx.home, &format!("profile-{}", profile.name))?;
    // With --json, stdout is the one JSON object at the end.
    let say = |line: String| {
        if !args.json {
            ctx.say(line)
        }
    };

    let summary = super::backup::snapshot_profile(
        ctx,
        &state,
        &profile,
        &profile.store_options,
        vec!["depart".into()],
        None,
        args.json,
    )
    .context("depart stopped: the backup failed, so nothing was wiped")?;
    for w in &summary.warnings {
        ctx.warn(w);
    }
    if !summary.skipped.is_empty() {
        for s in &summary.skipped {
            eprintln!("  not backed up: {}: {}", s.path, s.reason);
        }
        bail_kind!(
            ExitKind::Partial,
            "depart stopped: the backup skipped {} path(s) (listed above), so nothing was wiped; fix them (or move them out of {}) and run depart again",
            summary.skipped.len(),
            profile.data_dir.display()
        );
    }
    say(format!(
        "backup: snapshot {} ({} files, {})",
        &summary.snapshot[..12],
        summary.files,
        human_bytes(summary.bytes)
    ));

    let (_, repo) = super::profile_repo(&state, &profile, &profile.store_options, false)?;
    let packs = state
        .snapshot_packs(&repo.cache_key(), &summary.snapshot)?
        .ok_or_else(|| anyhow::anyhow!("depart stopped: the new snapshot is not in this device's records, so nothing was wiped"))?;
    if packs.is_empty() && summary.bytes > 0 {
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: this device's records name no pack for a snapshot of {}, so it cannot be verified and nothing was wiped; run `crossing check`",
            human_bytes(summary.bytes)
        );
    }
    let recorded = state.cached_packs(&repo.cache_key())?;
    let pending = state.pending_packs(&repo.cache_key())?;
    let verified = runtime()?
        .block_on(verify::snapshot_is_stored(
            &repo,
            &summary.snapshot,
            &packs,
            &recorded,
        ))
        .context(
            "depart stopped: the snapshot could not be verified in the store, so nothing was wiped",
        )?;
    let mut problems = verified.problems.clone();
    problems.extend(
        pending
            .iter()
            .map(|p| format!("pack {} is in no index yet", p.id)),
    );
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("  problem: {p}");
        }
        bail_kind!(
            ExitKind::Integrity,
            "depart stopped: the new snapshot is not complete in the store ({} problem(s), listed above), so nothing was wiped; run `crossing check` and depart again",
            problems.len()
        );
    }
    say(format!(
        "verified: the snapshot, {} index object(s) and {} pack(s) ({}) are in the store as uploaded",
        verified.indexes,
        verified.packs,
        human_bytes(verified.bytes)
    ));

    // Close the database before its directory is destroyed.
    let targets = super::wipe::targets(ctx, std::slice::from_ref(&profile), false);
    drop(state);
    let planned = wipe::plan(&targets)?;
    if !args.json {
        super::wipe::describe(ctx, &planned);
    }
    super::wipe::confirm(&planned, args.yes)?;
    let report = wipe::execute(
        &planned,
        wipe::Options {
            thorough: args.thorough,
            progress: super::progress_bar(ctx, args.json, "wipe"),
        },
    );
    drop(lock);
    if args.json {
        print_json(&Output {
            store: &profile.store_url,
            snapshot: &summary,
            verified: &verified,
            wipe: &report,
        })?;
    } else {
        super::wipe::say_report(ctx, &report);
        ctx.say(format!(
            "done: the data is in {} and gone from this device",
            profile.store_url
        ));
    }
    super::wipe::finish(&report)
}
