//! `crossing backup`: one snapshot of a profile's data directory.

use super::{human_bytes, print_json, progress_bar, runtime, Context};
use crate::cli::{BackupArgs, Client};
use crate::error::ExitKind;
use crate::keys::Phrase;
use crate::snapshot::{self, BackupRequest};
use crate::state::profiles::Profile;
use crate::state::{State, StateError};
use crate::store::StoreOptions;
use crate::{lock, setup};

pub fn run(ctx: &Context, args: BackupArgs) -> anyhow::Result<i32> {
    let state = ctx.state()?;
    // A remote wipe request comes first: a device told to wipe must not
    // spend time (or bandwidth) on a backup. An unreachable channel is not
    // a trigger and does not stop the backup.
    match super::remote_wipe::check_channel(ctx, &state, false, false) {
        Ok(Some(report)) => {
            eprintln!("crossing: a remote wipe request was found: data destroyed, no backup made");
            super::wipe::finish(&report)?;
            return Ok(0);
        }
        Ok(None) => {}
        Err(e) => ctx.warn(format!(
            "remote wipe: could not check the channel ({e:#}); backing up anyway"
        )),
    }
    let profile = resolve_profile(ctx, &state, &args)?;
    let _lock = lock::acquire(&ctx.home, &format!("profile-{}", profile.name))?;
    let options = profile.store_options.merged(&args.store_options.parse()?);
    let expires_at = args
        .expire_after
        .map(|d| crate::state::now_unix() + d.as_secs() as i64);
    let summary = snapshot_profile(
        ctx, &state, &profile, &options, args.tags, expires_at, args.json,
    )?;
    for w in &summary.warnings {
        ctx.warn(w);
    }
    if args.json {
        print_json(&summary)?;
    } else if !ctx.quiet && crate::prompt::stderr_is_tty() {
        // Under cron (no terminal) a successful backup prints nothing.
        println!(
            "snapshot {} saved: {} files, {} ({} read, {} new stored) in {:.1}s",
            &summary.snapshot[..12],
            summary.files,
            human_bytes(summary.bytes),
            human_bytes(summary.bytes_read),
            human_bytes(summary.bytes_stored),
            summary.duration_secs
        );
    }
    if summary.skipped.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "crossing: partial backup: snapshot {} was written, but {} path(s) are not in it:",
        &summary.snapshot[..12],
        summary.skipped.len()
    );
    for s in &summary.skipped {
        eprintln!("  {}: {}", s.path, s.reason);
    }
    Ok(ExitKind::Partial.code())
}

/// One snapshot of `profile` (the caller holds the profile's lock).
pub fn snapshot_profile(
    ctx: &Context,
    state: &State,
    profile: &Profile,
    options: &StoreOptions,
    tags: Vec<String>,
    expires_at: Option<i64>,
    json: bool,
) -> anyhow::Result<snapshot::BackupSummary> {
    let (keys, repo) = super::profile_repo(state, profile, options, true)?;
    // Profiles of one pseudonym share a repository (and its cache): one writer at a time.
    let _repo_lock = lock::acquire(&ctx.home, &format!("repo-{}", keys.locator))?;
    // Per profile, under its lock: a killed backup may have left a plaintext
    // database copy here, and no other backup uses this folder.
    let tmp_dir = ctx.home.join("tmp").join(&profile.name);
    let _ = std::fs::remove_dir_all(&tmp_dir);
    crate::state::create_private_dir(&tmp_dir)?;
    let rt = runtime()?;
    snapshot::backup(
        state,
        &repo,
        rt.handle(),
        BackupRequest {
            profile: &profile.name,
            data_dir: &profile.data_dir,
            keys: &keys,
            tags,
            expires_at,
            tmp_dir,
            progress: progress_bar(ctx, json, "backup"),
        },
    )
}

/// The named profile, or on first use (`--data-dir` and `--store`) a new one,
/// with a new pseudonym if the device has none.
fn resolve_profile(ctx: &Context, state: &State, args: &BackupArgs) -> anyhow::Result<Profile> {
    let existing = state.profile(&args.profile)?;
    let (Some(data_dir), Some(store)) = (&args.data_dir, &args.store) else {
        return existing.ok_or_else(|| StateError::UnknownProfile(args.profile.clone()).into());
    };
    if let Some(p) = existing {
        if p.data_dir == setup::absolute(data_dir)? && &p.store_url == store {
            return Ok(p);
        }
        anyhow::bail!(
            "profile \"{}\" exists with data directory {} and store {}; to back up something else, add --profile NEW_NAME",
            p.name,
            p.data_dir.display(),
            p.store_url
        );
    }
    let pseudonym = match setup::default_pseudonym(state)? {
        Some(name) => name,
        None => {
            let phrase = Phrase::generate(12)?;
            let p = setup::add_pseudonym(state, None, &phrase)?;
            // Shown once, on stderr so that --json output stays parseable.
            let words = phrase.words();
            eprintln!("Created pseudonym \"{}\" (ID {}).", p.name, p.id);
            eprintln!("RECOVERY PHRASE - write it down now; it is never shown again and it is the only way to restore:");
            eprintln!("\n    {}\n", words.as_str());
            p.name
        }
    };
    let profile = setup::create_profile(
        state,
        &args.profile,
        data_dir,
        store,
        &args.store_options.parse()?,
        &pseudonym,
        Client::Generic,
    )?;
    if !ctx.quiet {
        eprintln!(
            "Created profile \"{}\": {} -> {}",
            profile.name,
            profile.data_dir.display(),
            profile.store_url
        );
    }
    Ok(profile)
}
