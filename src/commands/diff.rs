//! `crossing diff`: the paths added, removed and changed between two
//! snapshots (with the phrase).

use super::Context;
use crate::cli::DiffArgs;
use crate::inspect::{self, diff::Change, shown_path};
use crate::state::now_unix;
use crate::ui::print_json;

#[derive(Default, serde::Serialize)]
struct Diff {
    from: String,
    to: String,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<String>,
}

pub fn run(ctx: &Context, args: DiffArgs) -> anyhow::Result<()> {
    let (repo, keys) = super::repo_with_phrase(ctx, &args.repo)?;
    let history = repo.history(&keys, now_unix())?;
    for note in &history.notes {
        ctx.warn(note);
    }
    let (from, old) = inspect::open(&repo, &keys, &history, &args.from)?;
    let (to, new) = inspect::open(&repo, &keys, &history, &args.to)?;
    let mut out = Diff {
        from: from.id,
        to: to.id,
        ..Default::default()
    };
    inspect::diff::diff(old, new, |change, e| {
        let path = shown_path(&e.path);
        if !args.json {
            println!("{} {path}", change.sign());
            return Ok(());
        }
        match change {
            Change::Added => out.added.push(path),
            Change::Removed => out.removed.push(path),
            Change::Changed => out.changed.push(path),
        }
        Ok(())
    })?;
    if args.json {
        print_json(&out)?;
    }
    Ok(())
}
