//! `crossing backup`: one snapshot of a profile's data directory, or of
//! every profile (`--all`), or what one would store (`--dry-run`).

use super::Context;
use crate::backup::exclude::Excludes;
use crate::backup::{self, backup_profile, AllBackups, BackupSummary, ProfileBackup};
use crate::cli::BackupArgs;
use crate::error::ExitKind;
use crate::home;
use crate::prompt;
use crate::protect::remote_wipe::{self, Checked};
use crate::repo::format::MAX_TAGS;
use crate::state::setup::{certify_pseudonym_writer, profile_or_first_use};
use crate::state::State;
use crate::ui::backup as show;
use crate::ui::phrase::show_first_use_phrase;
use crate::ui::{count, is_are, print_json, progress, wipe};

/// The exit kind of an error (main.rs's one map), for `--all`'s outcomes.
pub type KindOf = fn(&anyhow::Error) -> ExitKind;

pub fn run(ctx: &Context, args: BackupArgs, kind_of: KindOf) -> anyhow::Result<i32> {
    if args.tags.len() > MAX_TAGS {
        crate::bail_kind!(
            ExitKind::Usage,
            "at most {MAX_TAGS} --tag labels per snapshot (readers refuse more)"
        );
    }
    Excludes::new(&args.excludes)?; // a bad pattern is refused before anything runs
    let state = ctx.state()?;
    if args.dry_run {
        // Nothing is written: no remote-wipe check (it may record or
        // destroy), no writer certified, no lock taken.
        return dry_run(ctx, &state, &args);
    }
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
    if args.all {
        return all(ctx, &state, args, &run_options, kind_of);
    }
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
        show_first_use_phrase(phrase, p);
        if !args.no_confirm && prompt::stdin_is_tty() {
            if let Err(e) = prompt::phrase::confirm_written(phrase) {
                // Nothing was backed up for a phrase nobody wrote down.
                state.remove_profile(&made.profile.name)?;
                state.remove_pseudonym(&p.name)?;
                return Err(e.context(format!(
                    "profile \"{}\" and pseudonym \"{}\" were removed again; run this backup again once the phrase can be written down",
                    made.profile.name, p.name
                )));
            }
        }
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
        excludes: &args.excludes,
        progress: bar.as_ref(),
    })?;
    for w in &summary.warnings {
        ctx.warn(w);
    }
    if args.json {
        print_json(&summary)?;
    } else {
        // One line, on a terminal and to a pipe (a cron mail) alike, as
        // restic does; `-q` keeps cron silent.
        ctx.say(show::summary_line(&summary));
    }
    Ok(partial(&summary))
}

/// 0, or 3 with the skipped paths listed on stderr.
fn partial(summary: &BackupSummary) -> i32 {
    if summary.skipped.is_empty() {
        return 0;
    }
    eprintln!(
        "crossing: partial backup: snapshot {} was written, but {} not in it:",
        &summary.snapshot[..12],
        paths_are(summary.skipped.len())
    );
    for s in &summary.skipped {
        eprintln!("  {}: {}", s.path, s.reason);
    }
    ExitKind::Partial.code()
}

/// `--dry-run`: the chosen profile's backup, counted, nothing stored.
fn dry_run(ctx: &Context, state: &State, args: &BackupArgs) -> anyhow::Result<i32> {
    let profile = state.chosen_profile(args.profile.as_deref())?;
    let options = profile.store_options.merged(&args.store_options.parse()?);
    let mut patterns = profile.excludes.clone();
    patterns.extend(args.excludes.iter().cloned());
    let bar = progress::bar(ctx.quiet(), args.json, "dry run");
    let summary = backup::dry_run(
        state,
        &profile,
        &options,
        Excludes::new(&patterns)?,
        bar.as_ref(),
    )?;
    for w in &summary.warnings {
        ctx.warn(w);
    }
    if args.json {
        print_json(&summary)?;
    } else {
        show::dry_run_lines(&summary)
            .iter()
            .for_each(|l| ctx.say(l));
    }
    if summary.skipped.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "crossing: a backup now would be partial: {} could not be read:",
        count(summary.skipped.len(), "path")
    );
    for s in &summary.skipped {
        eprintln!("  {}: {}", s.path, s.reason);
    }
    Ok(ExitKind::Partial.code())
}

/// `--all`: every profile, one after another; the exit code is the first
/// failure's, else 3 if one was partial.
fn all(
    ctx: &Context,
    state: &State,
    args: BackupArgs,
    run_options: &crate::store::StoreOptions,
    kind_of: KindOf,
) -> anyhow::Result<i32> {
    let profiles = state.profiles()?;
    if profiles.is_empty() {
        return Err(crate::state::StateError::NoProfile.into());
    }
    let mut pseudonyms: Vec<&str> = profiles.iter().map(|p| p.pseudonym.as_str()).collect();
    pseudonyms.dedup();
    for p in pseudonyms {
        ensure_writer(state, p)?;
    }
    let expires_at = args
        .expire_after
        .map(|d| crate::state::now_unix() + d.as_secs() as i64);
    let (quiet, json) = (ctx.quiet(), args.json);
    let outcomes = backup::backup_all(
        AllBackups {
            home: &ctx.home,
            state,
            run_options,
            tags: args.tags,
            expires_at,
            excludes: &args.excludes,
        },
        &|_| progress::bar(quiet, json, "backup"),
        &mut |o| match &o.result {
            Ok(s) => s
                .warnings
                .iter()
                .for_each(|w| ctx.warn(format!("profile \"{}\": {w}", o.profile.name))),
            Err(e) => eprintln!("crossing: profile \"{}\": {e:#}", o.profile.name),
        },
    )?;
    let rows: Vec<show::Row<'_>> = outcomes
        .iter()
        .map(|o| show::Row {
            profile: &o.profile.name,
            result: o
                .result
                .as_ref()
                .map_err(|e| (kind_of(e), format!("{e:#}"))),
        })
        .collect();
    let failed = rows.iter().find_map(|r| r.result.as_ref().err());
    let code = match failed {
        Some((kind, _)) => kind.code(),
        None if rows
            .iter()
            .any(|r| r.result.as_ref().is_ok_and(|s| !s.skipped.is_empty())) =>
        {
            ExitKind::Partial.code()
        }
        None => 0,
    };
    if json {
        print_json(&show::AllJson::new(&rows, code))?;
    } else {
        show::all_table(&rows).iter().for_each(|l| ctx.say(l));
    }
    for o in &outcomes {
        if let Ok(s) = &o.result {
            for k in &s.skipped {
                eprintln!(
                    "crossing: profile \"{}\": not in the snapshot: {}: {}",
                    o.profile.name, k.path, k.reason
                );
            }
        }
    }
    Ok(code)
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

/// "1 path is", "3 paths are".
fn paths_are(n: usize) -> String {
    format!("{} {}", count(n, "path"), is_are(n))
}
