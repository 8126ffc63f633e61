//! `crossing stats`: the repository's size and what deduplication saves;
//! from this device's cache, or with the phrase from the manifests.

use super::Context;
use crate::cli::StatsArgs;
use crate::inspect::stats::{self, Stats};
use crate::prompt;
use crate::repo::history::ReadKeys;
use crate::repo::Repo;
use crate::state::now_unix;
use crate::state::setup::profile_repo;
use crate::store::Store;
use crate::ui::{human_bytes, print_json, timestamp};

pub fn run(ctx: &Context, args: StatsArgs) -> anyhow::Result<()> {
    let options = args.store_options.parse()?;
    let stats = match &args.store {
        Some(url) => {
            let secrets = prompt::read_phrase(args.phrase_file.as_deref())?.derive();
            let keys = ReadKeys::of(&secrets);
            let repo = Repo::new(
                Store::open(url, &options, false)?,
                &secrets.public().locator,
            );
            with_phrase(ctx, &repo, &keys)?
        }
        None => {
            let state = ctx.state()?;
            let profile = state.chosen_profile(args.profile.as_deref())?;
            let options = profile.store_options.merged(&options);
            let (keys, repo) = profile_repo(&state, &profile, &options, false)?;
            match &args.phrase_file {
                Some(f) => {
                    let secrets = super::profile_phrase(&profile, &keys, Some(f))?;
                    with_phrase(ctx, &repo, &ReadKeys::of(&secrets))?
                }
                None => stats::from_cache(&state, &repo)?,
            }
        }
    };
    for note in &stats.notes {
        ctx.warn(note);
    }
    if args.json {
        return print_json(&stats);
    }
    print(ctx, &stats);
    Ok(())
}

fn with_phrase(ctx: &Context, repo: &Repo, keys: &ReadKeys) -> anyhow::Result<Stats> {
    repo.open_for_reading(&keys.identity)?;
    let history = repo.history(keys, now_unix())?;
    for note in &history.notes {
        ctx.warn(note);
    }
    stats::from_phrase(repo, keys, &history)
}

fn print(ctx: &Context, s: &Stats) {
    let t = &s.store;
    println!(
        "store: {} snapshots, {} indexes, {} packs ({}); {} stored in all",
        t.snapshots,
        t.indexes,
        t.packs,
        human_bytes(t.bytes_packs),
        human_bytes(t.bytes_stored)
    );
    let ratio = s
        .dedup_ratio
        .map(|r| format!("{r:.2}x"))
        .unwrap_or_else(|| "-".into());
    println!(
        "files over {} snapshots: {}; stored as {} of packs (ratio {ratio})",
        s.snapshots.len(),
        human_bytes(s.bytes_files),
        human_bytes(t.bytes_packs)
    );
    for r in &s.snapshots {
        println!(
            "{}  {}  {:>8} files  {:>10}  {:>4} packs  {:>10} new",
            &r.snapshot[..12],
            timestamp(r.time),
            r.files,
            human_bytes(r.bytes),
            r.packs,
            human_bytes(r.bytes_new)
        );
    }
    if s.unaccounted > 0 {
        let how = if s.source == "cache" {
            "not known to this device's cache; pass --phrase-file to read them"
        } else {
            "untrusted or unreadable; see `crossing snapshots --phrase-file FILE`"
        };
        ctx.warn(format!("{} snapshots not counted: {how}", s.unaccounted));
    }
}
