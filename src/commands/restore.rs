//! `crossing restore`: from the phrase and the store's address alone.

use super::Context;
use crate::cli::RestoreArgs;
use crate::clients;
use crate::error::{ExitKind, Fail};
use crate::prompt;
use crate::restore::{check_target, restore_with_phrase, PhraseRestore};
use crate::state::adopt;
use crate::state::profiles::Client;
use crate::state::setup::absolute;
use crate::ui::{count, human_bytes, print_json, progress, timestamp};

pub fn run(ctx: &Context, args: RestoreArgs) -> anyhow::Result<()> {
    // The state is optional here: a wiped or new device has none. It is only
    // opened (and created) if it exists or a profile is named.
    let state = if args.profile.is_some() || ctx.has_state() {
        Some(ctx.state()?)
    } else {
        None
    };
    // The profile named, or when the store or the target is not given, the
    // device's only (or "default") profile fills them in.
    let needs_profile = args.store.is_none() || (args.data_dir.is_none() && args.client.is_none());
    let profile = match (&state, &args.profile) {
        (Some(s), Some(name)) => Some(s.require_profile(name)?),
        (Some(s), None) if needs_profile => s.default_profile()?,
        _ => None,
    };
    let store_url = args
        .store
        .clone()
        .or_else(|| profile.as_ref().map(|p| p.store_url.clone()))
        .ok_or_else(|| {
            Fail::new(
                ExitKind::Usage,
                "which store? pass --store URL (or --profile NAME)",
            )
        })?;
    let target = match (&args.data_dir, args.client, &profile) {
        (Some(d), _, _) => absolute(d)?,
        (None, Some(client), _) => client.usual_data_dir()?,
        (None, None, Some(p)) => p.data_dir.clone(),
        _ => crate::bail_kind!(
            ExitKind::Usage,
            "where to? pass --data-dir DIR (or --client, or --profile NAME)"
        ),
    };
    if check_target(&target, args.force)? {
        // Replacing a directory under an open database crashes the client
        // or lets it write into the old tree; refuse, or stop it first.
        for h in clients::refuse_or_stop(std::slice::from_ref(&target), args.stop_clients)? {
            ctx.say(format!("stopped {} (pid {})", h.name, h.pid));
        }
    }

    let include = args
        .include
        .iter()
        .map(|p| snapshot_path(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let phrase = prompt::read_phrase(args.phrase.phrase_file.as_deref())?;
    let secrets = phrase.derive();
    let run_options = args.store_options.parse()?;
    let profile_options = match (&args.store, &profile) {
        (None, Some(p)) => p.store_options.clone(),
        _ => Default::default(),
    };
    let options = profile_options.merged(&run_options);
    // Asked before the restore, which may take long; made now so that the
    // restore warms the cache for it, and undone if the restore fails.
    let mut state = state;
    let may_adopt = args.adopt || (!args.no_adopt && !args.json && prompt::stdin_is_tty());
    let missing = match may_adopt {
        true => adopt::needed(
            state.as_ref(),
            &secrets.public().locator,
            &store_url,
            &target,
        )?,
        false => None,
    };
    let adopted = match missing {
        Some(missing) if wants_adoption(&args, missing, &store_url, &target)? => {
            let s = match state.take() {
                Some(s) => s,
                None => ctx.state()?,
            };
            let made = adopt::adopt(
                &s,
                &phrase,
                &store_url,
                &run_options,
                &target,
                args.client.unwrap_or(Client::Generic),
            )?;
            state = Some(s);
            Some(made)
        }
        _ => None,
    };
    drop(phrase);
    let bar = progress::bar(ctx.quiet(), args.json, "restore");
    let restored = restore_with_phrase(PhraseRestore {
        home: &ctx.home,
        state: state.as_ref(),
        store_url: &store_url,
        options: &options,
        secrets: &secrets,
        snapshot: &args.snapshot,
        seal: args.seal.as_deref(),
        target: &target,
        force: args.force,
        include: &include,
        keep_special_modes: args.keep_special_modes,
        progress: bar.as_ref(),
    });
    let restored = match (restored, &adopted, &state) {
        (Err(e), Some(a), Some(s)) => {
            if let Err(undo) = adopt::undo(s, a) {
                ctx.warn(format!(
                    "could not remove profile \"{}\" made for this restore again ({undo:#})",
                    a.profile
                ));
            }
            return Err(e);
        }
        (r, _, _) => r?,
    };
    if let Some(e) = &restored.cache_error {
        ctx.warn(format!("restored, but the backup cache could not be rebuilt ({e}); the next backup reads everything"));
    }
    let summary = restored.summary;
    for n in &summary.notes {
        ctx.warn(n);
    }
    for link in &summary.outside_symlinks {
        ctx.warn(format!(
            "{} is a symlink to {}, outside the restored directory",
            link.path, link.target
        ));
    }
    if args.json {
        let mut v = serde_json::to_value(&summary)?;
        v["adopted"] = serde_json::to_value(&adopted)?;
        print_json(&v)?;
    } else {
        ctx.say(format!(
            "restored snapshot {} ({}) into {}: {}, {} in {:.1}s",
            &summary.snapshot[..12],
            timestamp(summary.time),
            summary.target.display(),
            count(summary.files, "file"),
            human_bytes(summary.bytes),
            summary.duration_secs
        ));
        if let Some(chain) = &summary.chain {
            ctx.say(format!("chain: {chain}"));
        }
        if let Some(a) = &adopted {
            ctx.say(format!(
                "This device now backs up {} to {store_url} as profile \"{}\" (pseudonym \"{}\"): the next `crossing backup` stores only what changed.",
                summary.target.display(),
                a.profile,
                a.pseudonym
            ));
        }
    }
    Ok(())
}

/// --adopt, or (on a terminal, without --json or --no-adopt) the user's answer.
fn wants_adoption(
    args: &RestoreArgs,
    missing: adopt::Missing,
    store_url: &str,
    target: &std::path::Path,
) -> anyhow::Result<bool> {
    if args.adopt {
        return Ok(true);
    }
    if !missing.repository_profile {
        return Ok(false); // restored beside a profile of this repository, on purpose
    }
    let what = if missing.pseudonym {
        "import this phrase's pseudonym and make a profile"
    } else {
        "make a profile"
    };
    prompt::confirm(&format!(
        "This device does not back up {} to {store_url}. After the restore, {what} for it, so backups go on from here and store only what changed?",
        target.display()
    ))
}

/// An `--include` path as the snapshot names it: relative, `/`-separated,
/// without `.` or empty components (`./a//b/` is `a/b`); `.` is the root.
fn snapshot_path(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let parts: Vec<&[u8]> = bytes
        .split(|&b| b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .collect();
    if bytes.starts_with(b"/") || parts.contains(&&b".."[..]) {
        crate::bail_kind!(
            ExitKind::Usage,
            "--include {}: give a path inside the snapshot, relative to the data directory (no leading / or ..)",
            path.display()
        );
    }
    Ok(parts.join(&b'/'))
}
