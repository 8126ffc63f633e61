//! `crossing forget`: forget named snapshots, as prune forgets them.

use super::Context;
use crate::cli::ForgetArgs;
use crate::home;
use crate::prune::forget::{forget, ForgetRequest};
use crate::repo::history::ReadKeys;
use crate::state::setup::profile_repo;
use crate::ui::{print_json, timestamp};

pub fn run(ctx: &Context, args: ForgetArgs) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let profile = state.chosen_profile(args.profile.as_deref())?;
    let (keys, repo) = profile_repo(&state, &profile, &profile.store_options, false)?;
    let secrets = match &args.phrase_file {
        Some(f) => Some(super::profile_phrase(&profile, &keys, Some(f))?),
        None => None,
    };
    let read_keys = secrets.as_ref().map(ReadKeys::of);
    let _lock = home::lock_repo(&ctx.home, &keys.locator)?;
    let report = forget(
        &state,
        &repo,
        ForgetRequest {
            wanted: &args.snapshots,
            dry_run: args.dry_run,
            keys: read_keys.as_ref(),
            now: crate::state::now_unix(),
        },
    )?;
    for n in &report.notes {
        ctx.warn(n);
    }
    if args.json {
        return print_json(&report);
    }
    let would = if report.dry_run { "would be " } else { "" };
    for f in &report.forgotten {
        ctx.say(format!(
            "snapshot {} ({}) {would}forgotten",
            &f.snapshot[..12],
            timestamp(f.time)
        ));
    }
    ctx.say(format!(
        "{} snapshots {would}forgotten; their data goes at the next `crossing prune`",
        report.forgotten.len()
    ));
    Ok(())
}
