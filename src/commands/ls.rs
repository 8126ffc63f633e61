//! `crossing ls`: what a snapshot holds (with the phrase).

use super::Context;
use crate::cli::LsArgs;
use crate::error::ExitKind;
use crate::inspect::{self, ls};
use crate::state::now_unix;
use crate::ui::{print_json, timestamp};

#[derive(serde::Serialize)]
struct Listing {
    snapshot: String,
    time: i64,
    entries: Vec<ls::Listed>,
}

pub fn run(ctx: &Context, args: LsArgs) -> anyhow::Result<()> {
    let (repo, keys) = super::repo_with_phrase(ctx, &args.repo)?;
    let history = repo.history(&keys, now_unix())?;
    for note in &history.notes {
        ctx.warn(note);
    }
    let (chosen, entries) = inspect::open(&repo, &keys, &history, &args.snapshot)?;
    let within = ls::manifest_path(args.path.as_deref().unwrap_or(""));
    let mut listed = Vec::new();
    let shown = ls::list(entries, &within, |e| {
        if args.json {
            listed.push(ls::Listed::of(e));
        } else {
            let l = ls::Listed::of(e);
            let target = l.target.map(|t| format!(" -> {t}")).unwrap_or_default();
            println!(
                "{} {:>12} {} {}{target}",
                ls::mode_string(e.kind, e.mode),
                l.bytes,
                timestamp(l.modified_at),
                l.path
            );
        }
        Ok(())
    })?;
    if shown == 0 {
        crate::bail_kind!(
            ExitKind::NotFound,
            "snapshot {} has no path \"{}\"; see `crossing ls {}`",
            &chosen.id[..12],
            args.path.unwrap_or_default(),
            &chosen.id[..12]
        );
    }
    if args.json {
        print_json(&Listing {
            snapshot: chosen.id,
            time: chosen.time,
            entries: listed,
        })?;
    }
    Ok(())
}
