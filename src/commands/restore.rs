//! `crossing restore`: from the phrase and the store's address alone.

use std::os::unix::ffi::OsStrExt;

use super::{human_bytes, print_json, progress_bar, runtime, Context};
use crate::cli::RestoreArgs;
use crate::error::{ExitKind, Fail};
use crate::repo::format::Kind;
use crate::repo::Repo;
use crate::restore::{self, RestoreRequest};
use crate::state::cache::CachedFile;
use crate::state::State;
use crate::store::Store;
use crate::{lock, prompt, setup, snapshot};

pub fn run(ctx: &Context, args: RestoreArgs) -> anyhow::Result<()> {
    // The state is optional here: a wiped or new device has none. It is only
    // opened (and created) if it exists or a profile is named.
    let state = if args.profile.is_some() || ctx.home.join(crate::state::DB_FILE).exists() {
        Some(ctx.state()?)
    } else {
        None
    };
    let profile = match (&state, &args.profile) {
        (Some(s), Some(name)) => Some(s.require_profile(name)?),
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
        (Some(d), _, _) => setup::absolute(d)?,
        (None, Some(client), _) => setup::client_data_dir(client)?,
        (None, None, Some(p)) => p.data_dir.clone(),
        _ => crate::bail_kind!(
            ExitKind::Usage,
            "where to? pass --data-dir DIR (or --client, or --profile NAME)"
        ),
    };
    restore::check_target(&target, args.force)?;

    let phrase = prompt::read_phrase(args.phrase.phrase_file.as_deref())?;
    let secrets = phrase.derive();
    let keys = secrets.public().clone();
    let identity = secrets.backup_identity();
    let _lock = match &state {
        Some(_) => Some(lock::acquire(&ctx.home, &format!("repo-{}", keys.locator))?),
        None => None,
    };

    let rt = runtime()?;
    let profile_options = match (&args.store, &profile) {
        (None, Some(p)) => p.store_options.clone(),
        _ => Default::default(),
    };
    let options = profile_options.merged(&args.store_options.parse()?);
    let repo = Repo::new(Store::open(&store_url, &options, false)?, &keys.locator);
    rt.block_on(repo.open_for_reading(&identity))?;
    let (snapshot_id, snapshot) = rt.block_on(repo.resolve_snapshot(&args.snapshot, &identity))?;
    let index = rt.block_on(repo.load_index(&identity))?;
    let summary = restore::restore(
        rt.handle(),
        RestoreRequest {
            repo: &repo,
            identity: &identity,
            dedup_key: &keys.dedup_key.0,
            snapshot_id: &snapshot_id,
            snapshot: &snapshot,
            index: &index,
            target: &target,
            force: args.force,
            progress: progress_bar(ctx, args.json, "restore"),
        },
    )?;

    if let Some(state) = &state {
        if let Err(e) = warm_cache(state, &repo, rt.handle(), &identity, &snapshot, &target) {
            ctx.warn(format!("restored, but the backup cache could not be rebuilt ({e:#}); the next backup reads everything"));
        }
    }
    if args.json {
        print_json(&summary)?;
    } else {
        ctx.say(format!(
            "restored snapshot {} ({}) into {}: {} files, {} in {:.1}s",
            &summary.snapshot[..12],
            humantime::format_rfc3339_seconds(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(summary.time.max(0) as u64)
            ),
            summary.target.display(),
            summary.files,
            human_bytes(summary.bytes),
            summary.duration_secs
        ));
    }
    Ok(())
}

/// After a restore on a device that backs up for this phrase: the cache is
/// rebuilt from the store, and profiles restoring into `target` from this
/// store get a file cache matching the restored files, so the next backup
/// is incremental.
fn warm_cache(
    state: &State,
    repo: &Repo,
    rt: &tokio::runtime::Handle,
    identity: &age::x25519::Identity,
    snapshot: &crate::repo::format::Snapshot,
    target: &std::path::Path,
) -> anyhow::Result<()> {
    if !state
        .pseudonyms()?
        .iter()
        .any(|p| p.locator == repo.locator)
    {
        return Ok(()); // this device does not back up for this phrase
    }
    crate::rebuild::rebuild_cache(state, repo, rt, identity)?;
    let store = repo.store.url();
    for profile in state
        .profiles()?
        .into_iter()
        .filter(|p| p.data_dir == target && p.store_url == store)
    {
        let files: Vec<_> = snapshot
            .entries
            .iter()
            .filter(|e| e.kind == Kind::File)
            .filter_map(|e| {
                let meta =
                    std::fs::symlink_metadata(target.join(std::ffi::OsStr::from_bytes(&e.path)))
                        .ok()?;
                Some((
                    e.path.clone(),
                    CachedFile {
                        fingerprint: snapshot::walk::fingerprint(&meta),
                        size: e.size,
                        chunks: e.chunks.clone(),
                    },
                ))
            })
            .collect();
        state.replace_file_cache(&profile.name, files.iter().map(|(p, c)| (p.as_slice(), c)))?;
    }
    Ok(())
}
