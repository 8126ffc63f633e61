//! `crossing wipe`: destroy data directories and crossing's home on request.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Context;
use crate::bail_kind;
use crate::cli::WipeArgs;
use crate::clients;
use crate::error::ExitKind;
use crate::home;
use crate::protect::emergency;
use crate::protect::wipe::{self, Planned, Report, Target};
use crate::state::profiles::Client;
use crate::ui::{print_json, progress, wipe as show};

#[derive(Serialize)]
struct Output<'a> {
    dry_run: bool,
    targets: &'a [Planned],
    report: Option<&'a Report>,
}

pub fn run(ctx: &Context, args: WipeArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.data_dir {
        let targets = by_path(ctx, dir, args.client, args.keep_state)?;
        let data_dirs = vec![targets[0].path.clone()];
        return wipe_planned(ctx, &args, &wipe::plan(&targets)?, &data_dirs, &[]);
    }
    if !ctx.has_state() {
        bail_kind!(
            ExitKind::Usage,
            "there is no crossing state in {} (nothing is configured to wipe); pass --home DIR if it lives elsewhere",
            ctx.home.display()
        );
    }
    let profiles = {
        let state = ctx.state().map_err(|e| {
            e.context("cannot read crossing's state; to wipe a directory without it, run `crossing wipe --data-dir DIR`")
        })?;
        if args.all {
            state.profiles()?
        } else {
            vec![state.chosen_profile(args.profile.as_deref())?]
        }
    }; // the database is closed before anything is destroyed
    let planned = wipe::plan(&wipe::targets(&ctx.home, &profiles, args.keep_state))?;
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    let data_dirs: Vec<PathBuf> = profiles.iter().map(|p| p.data_dir.clone()).collect();
    wipe_planned(ctx, &args, &planned, &data_dirs, &names)
}

/// `--data-dir DIR`: that directory (with the key files of its client: the
/// one given, or the one a readable database or target list records for
/// it) and, unless kept, crossing's home. Nothing here needs the state.
fn by_path(
    ctx: &Context,
    dir: &Path,
    client: Option<Client>,
    keep_state: bool,
) -> anyhow::Result<Vec<Target>> {
    let dir = std::path::absolute(dir)
        .map_err(|e| anyhow::anyhow!("cannot resolve --data-dir {}: {e}", dir.display()))?;
    let known = emergency::known_profiles(&ctx.home)
        .into_iter()
        .find(|l| l.data_dir == dir);
    let client = client
        .or(known.as_ref().map(|l| l.client))
        .unwrap_or(Client::Generic);
    let name = known.map_or_else(|| "(none)".to_string(), |l| l.profile);
    let mut targets = vec![Target::data_dir(&name, &dir, client)];
    if !keep_state {
        targets.push(wipe::home_target(&ctx.home));
    }
    Ok(targets)
}

/// Shows, confirms and destroys what was planned (no client may hold files
/// in `data_dirs`; the profiles in `locked` are locked against a backup).
fn wipe_planned(
    ctx: &Context,
    args: &WipeArgs,
    planned: &[Planned],
    data_dirs: &[PathBuf],
    locked: &[&str],
) -> anyhow::Result<()> {
    let planned = planned.to_vec();
    if args.dry_run {
        if args.json {
            return print_json(&Output {
                dry_run: true,
                targets: &planned,
                report: None,
            });
        }
        show::describe(&ctx.out, &planned);
        ctx.say("(dry run: nothing was changed)");
        return Ok(());
    }
    if !args.stop_clients {
        clients::refuse_or_stop(data_dirs, false)?;
    }
    if !args.json {
        show::describe(&ctx.out, &planned);
    }
    show::confirm(&planned, args.yes)?;
    for h in clients::refuse_or_stop(data_dirs, args.stop_clients)? {
        ctx.say(format!("stopped {} (pid {})", h.name, h.pid));
    }
    let _locks = locked
        .iter()
        .map(|name| home::lock_profile(&ctx.home, name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let bar = progress::bar(ctx.quiet(), args.json, "wipe");
    let report = wipe::execute(&planned, args.thorough, bar.as_ref());
    if args.json {
        print_json(&Output {
            dry_run: false,
            targets: &planned,
            report: Some(&report),
        })?;
    } else {
        show::say_report(&ctx.out, &report);
    }
    Ok(report.result()?)
}
