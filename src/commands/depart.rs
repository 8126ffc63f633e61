//! `crossing depart`: backup, verify in the store, then wipe (the workflow
//! is `protect::depart`; this shows each step and asks before the wipe).

use serde::Serialize;

use super::Context;
use crate::backup::BackupSummary;
use crate::bail_kind;
use crate::cli::DepartArgs;
use crate::error::ExitKind;
use crate::prompt;
use crate::protect::depart::{self, Step};
use crate::protect::wipe::Report;
use crate::repo::verify::Verified;
use crate::ui::{human_bytes, print_json, progress, wipe};

#[derive(Serialize)]
struct Output<'a> {
    store: &'a str,
    snapshot: &'a BackupSummary,
    verified: &'a Verified,
    seal_code: &'a str,
    wipe: &'a Report,
}

pub fn run(ctx: &Context, args: DepartArgs) -> anyhow::Result<()> {
    if !args.yes && !prompt::stdin_is_tty() {
        bail_kind!(
            ExitKind::Refused,
            "depart wipes after the backup and needs a confirmation, but standard input is not a terminal: pass --yes"
        );
    }
    let state = ctx.state()?;
    let profile = state.require_profile(&args.profile)?;
    // First, what the user needs afterwards: written before anything is destroyed.
    eprintln!("Store address (with your recovery phrase, all you need to restore):");
    eprintln!("    {}", profile.store_url);
    eprintln!(
        "Restore later with: crossing restore --store {} --data-dir {}",
        profile.store_url,
        profile.data_dir.display()
    );
    // With --json, stdout is the one JSON object at the end.
    let say = |line: String| {
        if !args.json {
            ctx.say(line)
        }
    };
    let bar = progress::bar(ctx.quiet(), args.json, "backup");
    let departure = depart::prepare(
        &ctx.home,
        state,
        &profile,
        args.allow_same_disk,
        bar.as_ref(),
        &mut |step| match step {
            Step::BackedUp(summary) => {
                for w in &summary.warnings {
                    ctx.warn(w);
                }
                for s in &summary.skipped {
                    eprintln!("  not backed up: {}: {}", s.path, s.reason);
                }
                if summary.skipped.is_empty() {
                    say(format!(
                        "backup: snapshot {} ({} files, {})",
                        &summary.snapshot[..12],
                        summary.files,
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
                        "verified: the snapshot, {} index object(s) and {} pack(s) ({}) are in the store as uploaded",
                        v.indexes,
                        v.packs,
                        human_bytes(v.bytes)
                    ));
                }
            }
        },
    )?;
    if !args.json {
        wipe::describe(&ctx.out, &departure.planned);
    }
    wipe::confirm(&departure.planned, args.yes)?;
    let bar = progress::bar(ctx.quiet(), args.json, "wipe");
    let done = departure.wipe(args.thorough, bar.as_ref());
    let report = done.report;
    if args.json {
        print_json(&Output {
            store: &profile.store_url,
            snapshot: &done.summary,
            verified: &done.verified,
            seal_code: &done.seal_code,
            wipe: &report,
        })?;
    } else {
        wipe::say_report(&ctx.out, &report);
        ctx.say(format!(
            "done: the data is in {} and gone from this device",
            profile.store_url
        ));
        ctx.say(format!(
            "seal code: {}  (write it next to your phrase; `crossing restore --seal {}` restores exactly this snapshot and refuses anything claiming to come later from this device)",
            done.seal_code, done.seal_code
        ));
    }
    Ok(report.result()?)
}
