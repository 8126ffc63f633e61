//! `crossing wipe`: destroy data directories and crossing's home on request.

use serde::Serialize;

use super::{human_bytes, print_json, progress_bar, Context};
use crate::cli::WipeArgs;
use crate::error::ExitKind;
use crate::state::profiles::Profile;
use crate::wipe::{self, Planned, Report, Target, WipeError};
use crate::{bail_kind, lock, prompt};

#[derive(Serialize)]
struct Output<'a> {
    dry_run: bool,
    targets: &'a [Planned],
    report: Option<&'a Report>,
}

pub fn run(ctx: &Context, args: WipeArgs) -> anyhow::Result<()> {
    if !ctx.home.join(crate::state::DB_FILE).exists() {
        bail_kind!(
            ExitKind::Refused,
            "there is no crossing state in {} (nothing is configured to wipe); pass --home DIR if it lives elsewhere",
            ctx.home.display()
        );
    }
    let profiles = {
        let state = ctx.state()?;
        if args.all {
            state.profiles()?
        } else {
            vec![state.require_profile(&args.profile)?]
        }
    }; // the database is closed before anything is destroyed
    let targets = targets(ctx, &profiles, args.keep_state);
    let planned = wipe::plan(&targets)?;
    if args.dry_run {
        return show(ctx, &planned, None, args.json, true);
    }
    if !args.json {
        describe(ctx, &planned);
    }
    confirm(&planned, args.yes)?;
    let _locks = profiles
        .iter()
        .map(|p| lock::acquire(&ctx.home, &format!("profile-{}", p.name)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report = wipe::execute(
        &planned,
        wipe::Options {
            thorough: args.thorough,
            progress: progress_bar(ctx, args.json, "wipe"),
        },
    );
    show(ctx, &planned, Some(&report), args.json, false)?;
    finish(&report)
}

/// The profiles' data directories, then (unless kept) crossing's home.
pub fn targets(ctx: &Context, profiles: &[Profile], keep_state: bool) -> Vec<Target> {
    let mut out: Vec<Target> = profiles
        .iter()
        .map(|p| Target {
            path: p.data_dir.clone(),
            what: format!("data directory of profile \"{}\"", p.name),
        })
        .collect();
    if !keep_state {
        out.push(Target {
            path: std::path::absolute(&ctx.home).unwrap_or_else(|_| ctx.home.clone()),
            what: "crossing's home: state database, caches, locks".into(),
        });
    }
    out
}

/// On a terminal, asks; without one, `--yes` is required.
pub fn confirm(planned: &[Planned], yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !prompt::stdin_is_tty() {
        bail_kind!(
            ExitKind::Refused,
            "wipe needs confirmation, but standard input is not a terminal: pass --yes (see --dry-run for what would be destroyed)"
        );
    }
    let (files, bytes) = totals(planned);
    if !prompt::confirm(&format!(
        "Destroy {files} files ({}) for good? This cannot be undone.",
        human_bytes(bytes)
    ))? {
        bail_kind!(ExitKind::Refused, "not confirmed; nothing was destroyed");
    }
    Ok(())
}

fn totals(planned: &[Planned]) -> (u64, u64) {
    planned
        .iter()
        .fold((0, 0), |(f, b), p| (f + p.files, b + p.bytes))
}

pub fn describe(ctx: &Context, planned: &[Planned]) {
    let heading = "Will destroy:";
    ctx.say(heading);
    for p in planned {
        if p.exists {
            ctx.say(format!(
                "  {} ({}): {} files, {}",
                p.path.display(),
                p.what,
                p.files,
                human_bytes(p.bytes)
            ));
        } else {
            ctx.say(format!(
                "  {} ({}): does not exist",
                p.path.display(),
                p.what
            ));
        }
        for o in &p.other_filesystems {
            ctx.warn(format!(
                "{} is on another filesystem and will not be touched",
                o.display()
            ));
        }
    }
}

fn show(
    ctx: &Context,
    planned: &[Planned],
    report: Option<&Report>,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    if json {
        return print_json(&Output {
            dry_run,
            targets: planned,
            report,
        });
    }
    if dry_run {
        describe(ctx, planned);
        ctx.say("(dry run: nothing was changed)");
        return Ok(());
    }
    if let Some(r) = report {
        say_report(ctx, r);
    }
    Ok(())
}

pub fn say_report(ctx: &Context, r: &Report) {
    for f in &r.failed {
        eprintln!("crossing: not destroyed: {}: {}", f.path.display(), f.error);
    }
    let mut line = format!(
        "destroyed {} files ({} overwritten)",
        r.files_destroyed,
        human_bytes(r.bytes_overwritten)
    );
    if r.free_space_filled > 0 {
        line += &format!("; free space filled: {}", human_bytes(r.free_space_filled));
    }
    if r.journal_churned > 0 {
        line += &format!("; journal churned: {}", human_bytes(r.journal_churned));
    }
    ctx.say(line);
}

/// Non-zero (exit 3) when anything was left.
pub fn finish(r: &Report) -> anyhow::Result<()> {
    if r.failed.is_empty() {
        Ok(())
    } else {
        Err(WipeError::Incomplete {
            left: r.failed.len(),
        }
        .into())
    }
}
