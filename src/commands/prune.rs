//! `crossing prune`: retention from cron, without the phrase.

use super::Context;
use crate::cli::PruneArgs;
use crate::home;
use crate::prune::policy::{Policy, Verdict};
use crate::prune::{self, PruneRequest};
use crate::repo::history::ReadKeys;
use crate::state::setup::profile_repo;
use crate::ui::{count, human_bytes, print_json};

pub fn run(ctx: &Context, args: PruneArgs) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let profile = state.chosen_profile(args.profile.as_deref())?;
    let (keys, repo) = profile_repo(&state, &profile, &profile.store_options, false)?;
    let secrets = match &args.phrase_file {
        Some(f) => Some(super::profile_phrase(&profile, &keys, Some(f))?),
        None => None,
    };
    let read_keys = secrets.as_ref().map(ReadKeys::of);
    let _lock = home::lock_repo(&ctx.home, &keys.locator)?;
    let policy = Policy {
        keep_last: args.keep_last,
        keep_within: args.keep_within.map(|d| d.as_secs() as i64),
        keep_daily: args.keep_daily,
        keep_weekly: args.keep_weekly,
    };
    let report = prune::prune(
        &state,
        &repo,
        PruneRequest {
            policy,
            now: crate::state::now_unix(),
            dry_run: args.dry_run,
            recipient: &keys.recipient()?,
            keys: read_keys.as_ref(),
        },
    )?;
    for n in &report.notes {
        ctx.warn(n);
    }
    if args.json {
        return print_json(&report);
    }
    let would = if report.dry_run { "would be " } else { "" };
    for s in &report.snapshots {
        let what = match s.verdict {
            Verdict::Keep => continue,
            Verdict::Expired => format!("{would}forgotten (expired)"),
            Verdict::Forget => format!("{would}forgotten (outside the policy)"),
            Verdict::Unknown => "kept (not known to this device)".to_string(),
            Verdict::Unreadable => "kept in place (does not open with the phrase)".to_string(),
            Verdict::Untrusted => "kept in place, not counted (not to be trusted)".to_string(),
        };
        ctx.say(format!("snapshot {} {what}", &s.id[..12]));
    }
    let forgotten = report
        .snapshots
        .iter()
        .filter(|s| s.verdict.forgets())
        .count();
    ctx.say(format!(
        "{} kept, {forgotten} {would}forgotten; {} ({}) {would}deleted, {} kept",
        count(report.snapshots.len() - forgotten, "snapshot"),
        count(report.packs_deleted, "pack"),
        human_bytes(report.bytes_deleted),
        report.packs_kept
    ));
    Ok(())
}
