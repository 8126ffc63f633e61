//! `crossing depart`: back up, verify in the store, then wipe (the workflow
//! is `protect::depart`; this shows each step and asks before the wipe).

use serde::Serialize;

use super::Context;
use crate::backup::BackupSummary;
use crate::bail_kind;
use crate::cli::DepartArgs;
use crate::clients;
use crate::error::ExitKind;
use crate::prompt;
use crate::protect::depart::{self, Departed, Scope, Step};
use crate::protect::vanish::{self, Crontab, Vanished};
use crate::protect::wipe::Report;
use crate::repo::verify::Verified;
use crate::state::profiles::Profile;
use crate::ui::{count, human_bytes, print_json, progress, wipe};

#[derive(Serialize)]
struct Output<'a> {
    profiles: Vec<LegOutput<'a>>,
    /// Whether crossing's home was wiped too (false with --profile).
    home_wiped: bool,
    /// The profiles that stay on this device (with --profile).
    remaining_profiles: &'a [String],
    wipe: &'a Report,
    /// With --vanish: what was removed besides the data.
    vanished: Option<&'a Vanished>,
}

#[derive(Serialize)]
struct LegOutput<'a> {
    profile: &'a str,
    data_dir: &'a std::path::Path,
    /// The profile's store (`store_url`, as in a profile).
    store_url: &'a str,
    /// The backup's summary, as `backup` prints it (`backup.snapshot` is its ID).
    backup: &'a BackupSummary,
    verified: &'a Verified,
    seal_code: &'a str,
}

pub fn run(ctx: &Context, args: DepartArgs) -> anyhow::Result<()> {
    if !args.yes && !prompt::stdin_is_tty() {
        bail_kind!(
            ExitKind::Refused,
            "depart wipes after the backup and needs a confirmation, but standard input is not a terminal: pass --yes"
        );
    }
    let state = ctx.state()?;
    let (profiles, scope) = match &args.profile {
        Some(name) => (vec![state.require_profile(name)?], Scope::OneProfile),
        None => (state.profiles()?, Scope::Everything),
    };
    if profiles.is_empty() {
        bail_kind!(
            ExitKind::Usage,
            "there is no profile to depart with, so nothing was backed up or wiped; create one with `crossing init --data-dir DIR --store URL`"
        );
    }
    depart::refuse_unsafe_stores(&ctx.home, &profiles, args.allow_same_disk)?;
    // A running client is stopped (or refused) before the backup, so that
    // the snapshot holds what it had written, and again before the wipe.
    let data_dirs: Vec<_> = profiles.iter().map(|p| p.data_dir.clone()).collect();
    let stop_clients = || -> anyhow::Result<()> {
        for h in clients::refuse_or_stop(&data_dirs, args.stop_clients)? {
            ctx.say(format!("stopped {} (pid {})", h.name, h.pid));
        }
        Ok(())
    };
    stop_clients()?;
    // First, what the user needs afterwards: written before anything is destroyed.
    for p in &profiles {
        eprintln!(
            "Store address of profile \"{}\" (with your recovery phrase, all you need to restore):",
            p.name
        );
        eprintln!("    {}", p.store_url);
        eprintln!(
            "Restore later with: crossing restore --store {} --data-dir {}",
            p.store_url,
            p.data_dir.display()
        );
    }
    let mut legs = Vec::new();
    for profile in &profiles {
        let bar = progress::bar(ctx.quiet(), args.json, "backup");
        let mut on_step = |step: Step<'_>| show_step(ctx, args.json, profile, step);
        legs.push(depart::leg(
            &ctx.home,
            &state,
            profile,
            bar.as_ref(),
            &mut on_step,
        )?);
    }
    let departure = depart::plan(&ctx.home, state, legs, scope)?;
    if !args.json {
        wipe::describe(&ctx.out, &departure.planned);
    }
    wipe::confirm(&departure.planned, args.yes)?;
    stop_clients()?;
    let bar = progress::bar(ctx.quiet(), args.json, "wipe");
    let done = departure.wipe(args.thorough, bar.as_ref())?;
    // Vanishing needs a finished wipe: with something left, crossing is
    // still needed to finish it.
    let vanished = (args.vanish && done.report.failed.is_empty()).then(|| {
        let exe = std::env::current_exe().unwrap_or_default();
        let crontab = args.crontab.clone().map_or(Crontab::User, Crontab::File);
        vanish::vanish(
            &exe,
            &crontab,
            std::env::var_os("HOME")
                .map(std::path::PathBuf::from)
                .as_deref(),
        )
    });
    if args.json {
        print_json(&Output {
            profiles: done
                .legs
                .iter()
                .map(|l| LegOutput {
                    profile: &l.profile.name,
                    data_dir: &l.profile.data_dir,
                    store_url: &l.profile.store_url,
                    backup: &l.summary,
                    verified: &l.verified,
                    seal_code: &l.seal_code,
                })
                .collect(),
            home_wiped: done.scope == Scope::Everything,
            remaining_profiles: &done.remaining,
            wipe: &done.report,
            vanished: vanished.as_ref(),
        })?;
    } else {
        say_done(ctx, &done, vanished.as_ref());
    }
    done.report.result()?;
    match vanished {
        Some(v) if !v.failed.is_empty() => bail_kind!(
            ExitKind::Partial,
            "the data is gone, but {} of crossing could not be removed (listed above); remove them by hand",
            count(v.failed.len(), "trace")
        ),
        _ => Ok(()),
    }
}

fn show_step(ctx: &Context, json: bool, profile: &Profile, step: Step<'_>) {
    let say = |line: String| {
        if !json {
            ctx.say(line)
        }
    };
    match step {
        Step::BackedUp(summary) => {
            for w in &summary.warnings {
                ctx.warn(w);
            }
            for s in &summary.skipped {
                eprintln!("  not backed up: {}: {}", s.path, s.reason);
            }
            if summary.skipped.is_empty() {
                say(format!(
                    "backup of \"{}\": snapshot {} ({}, {})",
                    profile.name,
                    &summary.snapshot[..12],
                    count(summary.files, "file"),
                    human_bytes(summary.bytes)
                ));
            }
        }
        Step::Verified(v) => {
            for p in &v.problems {
                eprintln!("  problem: {p}");
            }
            if v.problems.is_empty() {
                say(format!(
                    "verified: the snapshot, {} and {} ({}) are in {} as uploaded",
                    count(v.indexes, "index object"),
                    count(v.packs, "pack"),
                    human_bytes(v.bytes),
                    profile.store_url
                ));
            }
        }
    }
}

/// The seal codes, then one last line naming what is gone and what remains.
fn say_done(ctx: &Context, done: &Departed, vanished: Option<&Vanished>) {
    wipe::say_report(&ctx.out, &done.report);
    if let Some(v) = vanished {
        say_vanished(ctx, v);
    }
    for l in &done.legs {
        ctx.say(format!(
            "seal code of \"{}\": {}  (write it next to your phrase; `crossing restore --seal {}` restores exactly this snapshot and refuses anything claiming to come later from this device)",
            l.profile.name, l.seal_code, l.seal_code
        ));
    }
    let dirs: Vec<String> = done
        .legs
        .iter()
        .map(|l| {
            format!(
                "{} (profile \"{}\", backed up to {})",
                l.profile.data_dir.display(),
                l.profile.name,
                l.profile.store_url
            )
        })
        .collect();
    let gone = match done.scope {
        Scope::Everything => format!(
            "{} and crossing's home {}",
            dirs.join(", "),
            ctx.home.display()
        ),
        Scope::OneProfile => format!("{} and its records", dirs.join(", ")),
    };
    let remains = match (done.scope, vanished) {
        (Scope::Everything, None) => {
            "crossing itself stays installed (--vanish removes it too)".to_string()
        }
        (Scope::Everything, Some(v)) if v.failed.is_empty() && v.still_naming.is_empty() => {
            "nothing of crossing remains".to_string()
        }
        (Scope::Everything, Some(_)) => "what still names crossing is listed above".to_string(),
        (Scope::OneProfile, _) if done.remaining.is_empty() => format!(
            "remaining: crossing's home {} (no profile)",
            ctx.home.display()
        ),
        (Scope::OneProfile, _) => format!(
            "remaining: crossing's home {} with {} {}",
            ctx.home.display(),
            if done.remaining.len() == 1 {
                "profile"
            } else {
                "profiles"
            },
            done.remaining
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    if done.report.failed.is_empty() {
        ctx.say(format!("done: gone from this device: {gone}; {remains}"));
    } else {
        ctx.say(format!(
            "not done: {} could not be destroyed (listed above), so not all of {gone} is gone; {remains}",
            count(done.report.failed.len(), "path")
        ));
    }
}

fn say_vanished(ctx: &Context, v: &Vanished) {
    for line in &v.crontab_lines {
        ctx.say(format!("removed crontab line: {line}"));
    }
    for path in &v.removed {
        ctx.say(format!("removed {}", path.display()));
    }
    for (path, why) in &v.failed {
        eprintln!("  could not remove {}: {why}", path.display());
    }
    for path in &v.still_naming {
        ctx.say(format!(
            "still names crossing (yours to edit): {}",
            path.display()
        ));
    }
}
