//! `crossing restore`: from the phrase and the store's address alone.

use super::Context;
use crate::cli::RestoreArgs;
use crate::clients;
use crate::error::{ExitKind, Fail};
use crate::prompt;
use crate::restore::{check_target, restore_with_phrase, PhraseRestore};
use crate::state::setup::absolute;
use crate::ui::{human_bytes, print_json, progress, timestamp};

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
    let secrets = prompt::read_phrase(args.phrase.phrase_file.as_deref())?.derive();
    let profile_options = match (&args.store, &profile) {
        (None, Some(p)) => p.store_options.clone(),
        _ => Default::default(),
    };
    let options = profile_options.merged(&args.store_options.parse()?);
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
    })?;
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
        print_json(&summary)?;
    } else {
        ctx.say(format!(
            "restored snapshot {} ({}) into {}: {} files, {} in {:.1}s",
            &summary.snapshot[..12],
            timestamp(summary.time),
            summary.target.display(),
            summary.files,
            human_bytes(summary.bytes),
            summary.duration_secs
        ));
        if let Some(chain) = &summary.chain {
            ctx.say(format!("chain: {chain}"));
        }
    }
    Ok(())
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
