//! `crossing repair`: a new index from the packs (the work is `repo::repair`).

use super::Context;
use crate::cli::RepairArgs;
use crate::error::ExitKind;
use crate::home;
use crate::prompt;
use crate::repo::history::ReadKeys;
use crate::repo::{basename, repair, Repo};
use crate::state::now_unix;
use crate::state::setup::{ensure_profile_phrase, profile_repo};
use crate::store::Store;
use crate::ui::{count, print_json, timestamp};

pub fn run(ctx: &Context, args: RepairArgs) -> anyhow::Result<i32> {
    let options = args.store_options.parse()?;
    let secrets = prompt::read_phrase(args.phrase.phrase_file.as_deref())?.derive();
    let keys = ReadKeys::of(&secrets);
    // On a device with the profile: under the repository lock (a prune
    // deleting indexes meanwhile), and the cache learns what was found.
    let (repo, device) = match &args.store {
        Some(url) => {
            let locator = &secrets.public().locator;
            (Repo::new(Store::open(url, &options, false)?, locator), None)
        }
        None => {
            let state = ctx.state()?;
            let profile = state.chosen_profile(args.profile.as_deref())?;
            let options = profile.store_options.merged(&options);
            let (public, repo) = profile_repo(&state, &profile, &options, false)?;
            ensure_profile_phrase(&profile, &public, &secrets)?;
            let lock = home::lock_repo(&ctx.home, &public.locator)?;
            (repo, Some((state, lock)))
        }
    };
    repo.open_for_reading(&keys.identity)?;
    let report = repair::repair(&repo, &keys, now_unix())?;
    if let Some((state, _lock)) = &device {
        let cache_key = repo.cache_key();
        for (key, _) in &report.damaged {
            state.mark_damaged(&cache_key, basename(key))?;
        }
        if let Some(index) = &report.index {
            state.mark_indexed(&cache_key, &[], index)?;
        }
    }
    if args.json {
        print_json(&report)?;
    } else {
        show(ctx, &report);
    }
    Ok(if report.unrecoverable.is_empty() {
        0
    } else {
        ExitKind::Integrity.code()
    })
}

fn show(ctx: &Context, report: &repair::Repaired) {
    for (key, why) in &report.damaged {
        eprintln!("damaged: pack {key}: {why}");
    }
    for index in &report.unreadable_indexes {
        eprintln!("damaged: index {index} (left in place; prune removes it)");
    }
    for lost in &report.unrecoverable {
        eprintln!(
            "lost: snapshot {} of {}: {} with a chunk whose only copies are damaged: {}",
            &lost.snapshot[..12.min(lost.snapshot.len())],
            timestamp(lost.time),
            count(lost.files.len(), "file"),
            lost.files.join(", ")
        );
    }
    ctx.say(format!(
        "{} read, {} damaged; {} that {} not open",
        count(report.packs, "pack"),
        report.damaged.len(),
        count(report.unreadable_indexes.len(), "index object"),
        if report.unreadable_indexes.len() == 1 {
            "does"
        } else {
            "do"
        }
    ));
    match &report.index {
        Some(name) => ctx.say(format!(
            "{} indexed again in the new index {name}",
            count(report.indexed_again, "pack")
        )),
        None => ctx.say("every pack is indexed already: no index written"),
    }
    if report.unrecoverable.is_empty() {
        ctx.say("nothing is lost: every file of every snapshot has an intact copy of its data");
    } else {
        ctx.say(format!(
            "{} with files whose data has no intact copy (listed above); if those files are still on a device that backs up here, run `crossing check` then `crossing backup` there: it uploads them again",
            count(report.unrecoverable.len(), "snapshot")
        ));
    }
}
