//! `crossing check [--read-data]`.

use super::Context;
use crate::cli::CheckArgs;
use crate::error::ExitKind;
use crate::prompt;
use crate::repo::check;
use crate::repo::history::ReadKeys;
use crate::repo::Repo;
use crate::state::setup::{ensure_profile_phrase, profile_repo};
use crate::store::Store;
use crate::ui::{count, print_json};

pub fn run(ctx: &Context, args: CheckArgs) -> anyhow::Result<i32> {
    let options = args.store_options.parse()?;
    let need_phrase = args.read_data || args.phrase_file.is_some() || args.store.is_some();
    let secrets = if need_phrase {
        Some(prompt::read_phrase(args.phrase_file.as_deref())?.derive())
    } else {
        None
    };
    let (repo, cached) = match &args.store {
        Some(url) => {
            let locator = &secrets.as_ref().expect("phrase read").public().locator;
            (Repo::new(Store::open(url, &options, false)?, locator), None)
        }
        None => {
            let state = ctx.state()?;
            let profile = state.chosen_profile(args.profile.as_deref())?;
            let options = profile.store_options.merged(&options);
            let (keys, repo) = profile_repo(&state, &profile, &options, false)?;
            if let Some(s) = &secrets {
                ensure_profile_phrase(&profile, &keys, s)?;
            }
            let cache_key = repo.cache_key();
            let device = check::DevicePacks {
                recorded: state.cached_packs(&cache_key)?,
                damaged: state.damaged_packs(&cache_key)?,
                newest: state.newest_snapshot_packs(&cache_key)?,
            };
            (repo, Some((state, device)))
        }
    };
    let keys = secrets.as_ref().map(ReadKeys::of);
    if let Some(keys) = &keys {
        repo.open_for_reading(&keys.identity)?;
    }
    let with_phrase = keys.is_some();
    let device = cached.as_ref().map(|(_, d)| d);
    let report = check::check(&repo, keys.as_ref(), device, args.read_data)?;
    if let Some((state, _)) = &cached {
        // So that the next backup uploads their data again.
        for pack in &report.damaged {
            state.mark_damaged(&repo.cache_key(), pack)?;
        }
    }
    if args.json {
        print_json(&report)?;
    } else {
        for p in &report.problems {
            eprintln!("problem: {p}");
        }
        for n in &report.notes {
            eprintln!("note: {n}");
        }
        ctx.say(format!(
            "{}, {}, {}, {}; {} read and authenticated{}",
            count(report.snapshots, "snapshot"),
            count(report.packs, "pack"),
            count(report.indexes, "index"),
            count(report.chunks, "chunk"),
            count(report.packs_read, "pack"),
            if with_phrase {
                ""
            } else {
                " (without the phrase only this device's own packs are checked)"
            }
        ));
        if report.problems.is_empty() {
            ctx.say("no problems found");
        }
    }
    Ok(if report.problems.is_empty() {
        0
    } else {
        ExitKind::Integrity.code()
    })
}
