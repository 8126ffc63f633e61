//! `crossing backup`: one snapshot of a profile's data directory.

use super::Context;
use crate::backup::{backup_profile, BackupSummary, ProfileBackup};
use crate::cli::BackupArgs;
use crate::error::ExitKind;
use crate::home;
use crate::prompt;
use crate::protect::remote_wipe::{self, Checked};
use crate::repo::format::MAX_TAGS;
use crate::state::setup::{certify_pseudonym_writer, profile_or_first_use};
use crate::state::State;
use crate::ui::{count, human_bytes, is_are, print_json, progress, wipe};

pub fn run(ctx: &Context, args: BackupArgs) -> anyhow::Result<i32> {
    if args.tags.len() > MAX_TAGS {
        crate::bail_kind!(
            ExitKind::Usage,
            "at most {MAX_TAGS} --tag labels per snapshot (readers refuse more)"
        );
    }
    let state = ctx.state()?;
    // A remote wipe request comes first: a device told to wipe must not
    // spend time (or bandwidth) on a backup. An unreachable channel is not
    // a trigger and does not stop the backup.
    match remote_wipe::check(&ctx.home, &state, &mut |i| wipe::warn_ignored(&ctx.out, i)) {
        Ok(checked) => {
            wipe::show_remote_check(&ctx.out, &checked, false, false)?;
            if let Checked::Fired { report, .. } = checked {
                eprintln!(
                    "crossing: a remote wipe request was found: data destroyed, no backup made"
                );
                report.result()?;
                return Ok(0);
            }
        }
        Err(e) => ctx.warn(format!(
            "remote wipe: could not check the channel ({e:#}); backing up anyway"
        )),
    }
    let run_options = args.store_options.parse()?;
    let first_use = match (&args.data_dir, &args.store) {
        (Some(d), Some(s)) => Some((d.as_path(), s.as_str())),
        _ => None,
    };
    let made = profile_or_first_use(
        &state,
        args.profile.as_deref(),
        first_use,
        &run_options,
        prompt::stderr_is_tty(),
    )?;
    if let Some((phrase, p)) = &made.new_pseudonym {
        // Shown once, on stderr so that --json output stays parseable.
        let words = phrase.words();
        eprintln!("Created pseudonym \"{}\" (ID {}).", p.name, p.id);
        eprintln!("RECOVERY PHRASE - write it down now; it is never shown again and it is the only way to restore:");
        eprintln!("\n    {}\n", words.as_str());
    }
    let profile = made.profile;
    if made.created && !ctx.quiet() {
        eprintln!(
            "Created profile \"{}\": {} -> {}",
            profile.name,
            profile.data_dir.display(),
            profile.store_url
        );
    }
    ensure_writer(&state, &profile.pseudonym)?;
    let _lock = home::lock_profile(&ctx.home, &profile.name)?;
    let options = profile.store_options.merged(&run_options);
    let expires_at = args
        .expire_after
        .map(|d| crate::state::now_unix() + d.as_secs() as i64);
    let bar = progress::bar(ctx.quiet(), args.json, "backup");
    let summary = backup_profile(ProfileBackup {
        home: &ctx.home,
        state: &state,
        profile: &profile,
        options: &options,
        tags: args.tags,
        expires_at,
        progress: bar.as_ref(),
    })?;
    for w in &summary.warnings {
        ctx.warn(w);
    }
    if args.json {
        print_json(&summary)?;
    } else if !ctx.quiet() && crate::prompt::stderr_is_tty() {
        // Under cron (no terminal) a successful backup prints nothing.
        say_summary(&summary);
    }
    if summary.skipped.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "crossing: partial backup: snapshot {} was written, but {} not in it:",
        &summary.snapshot[..12],
        paths_are(summary.skipped.len())
    );
    for s in &summary.skipped {
        eprintln!("  {}: {}", s.path, s.reason);
    }
    Ok(ExitKind::Partial.code())
}

/// On a terminal, a pseudonym without a certified writer on this device
/// gets one now (the phrase is asked once). Without a terminal the engine
/// refuses, with one line saying what to run: crossing never prompts under
/// cron, and never writes an unsigned snapshot.
fn ensure_writer(state: &State, pseudonym: &str) -> anyhow::Result<()> {
    let p = state.require_pseudonym(pseudonym)?;
    if state.writer(&p.locator)?.is_some() || !prompt::stdin_is_tty() {
        return Ok(());
    }
    eprintln!(
        "Pseudonym \"{}\" has no certified writer on this device. crossing signs every snapshot; enter the recovery phrase once to certify this device.",
        p.name
    );
    let secrets = prompt::read_phrase(None)?.derive();
    certify_pseudonym_writer(state, &p, &secrets)?;
    Ok(())
}

fn say_summary(summary: &BackupSummary) {
    println!(
        "snapshot {} saved: {}, {} ({} read, {} new stored) in {:.1}s",
        &summary.snapshot[..12],
        count(summary.files, "file"),
        human_bytes(summary.bytes),
        human_bytes(summary.bytes_read),
        human_bytes(summary.bytes_stored),
        summary.duration_secs
    );
}

/// "1 path is", "3 paths are".
fn paths_are(n: usize) -> String {
    format!("{} {}", count(n, "path"), is_are(n))
}
