//! `crossing wipe`: destroy data directories and crossing's home on request.

use serde::Serialize;

use super::Context;
use crate::bail_kind;
use crate::cli::WipeArgs;
use crate::clients;
use crate::error::ExitKind;
use crate::home;
use crate::protect::wipe::{self, Planned, Report};
use crate::ui::{print_json, progress, wipe as show};

#[derive(Serialize)]
struct Output<'a> {
    dry_run: bool,
    targets: &'a [Planned],
    report: Option<&'a Report>,
}

pub fn run(ctx: &Context, args: WipeArgs) -> anyhow::Result<()> {
    if !ctx.has_state() {
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
    let planned = wipe::plan(&wipe::targets(&ctx.home, &profiles, args.keep_state))?;
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
    let data_dirs: Vec<_> = profiles.iter().map(|p| p.data_dir.clone()).collect();
    if !args.stop_clients {
        clients::refuse_or_stop(&data_dirs, false)?;
    }
    if !args.json {
        show::describe(&ctx.out, &planned);
    }
    show::confirm(&planned, args.yes)?;
    for h in clients::refuse_or_stop(&data_dirs, args.stop_clients)? {
        ctx.say(format!("stopped {} (pid {})", h.name, h.pid));
    }
    let _locks = profiles
        .iter()
        .map(|p| home::lock_profile(&ctx.home, &p.name))
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
