//! Restore as a user runs it: from the phrase and the store's address, and
//! afterwards, on a device that backs up for this phrase, a warm cache, so
//! the next backup is incremental.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{restore, RestoreRequest, RestoreSummary, Source};
use crate::backup::walk::{fingerprint, Meta};
use crate::home;
use crate::keys::SecretKeys;
use crate::progress::Progress;
use crate::repo::format::Kind;
use crate::repo::history::{History, Judged, Opened, ReadKeys};
use crate::repo::{ChunkMap, ObjectKind, Repo, RepoError};
use crate::state::cache::CachedFile;
use crate::state::rebuild::rebuild_cache_from;
use crate::state::{now_unix, State};
use crate::store::{Store, StoreOptions};

pub struct PhraseRestore<'a> {
    pub home: &'a Path,
    /// The device's state, if it has one (a wiped or new device has none).
    pub state: Option<&'a State>,
    pub store_url: &'a str,
    pub options: &'a StoreOptions,
    pub secrets: &'a SecretKeys,
    /// A snapshot ID, a unique prefix of one, or "latest".
    pub snapshot: &'a str,
    /// A seal code from `depart`: restore exactly the head it sealed.
    pub seal: Option<&'a str>,
    pub target: &'a Path,
    pub force: bool,
    /// Restore only these paths (relative to the data directory); empty: everything.
    pub include: &'a [Vec<u8>],
    /// Keep setuid, setgid, sticky and world-write bits.
    pub keep_special_modes: bool,
    pub progress: &'a dyn Progress,
}

pub struct Restored {
    pub summary: RestoreSummary,
    /// Why the backup cache could not be rebuilt afterwards (the restore
    /// itself succeeded; the next backup reads everything).
    pub cache_error: Option<String>,
}

pub fn restore_with_phrase(req: PhraseRestore<'_>) -> anyhow::Result<Restored> {
    let keys = req.secrets.public();
    let identity = req.secrets.backup_identity();
    let _lock = match req.state {
        Some(_) => Some(home::lock_repo(req.home, &keys.locator)?),
        None => None,
    };
    let repo = Repo::new(
        Store::open(req.store_url, req.options, false)?,
        &keys.locator,
    );
    repo.open_for_reading(&identity)?;
    let read_keys = ReadKeys::of(req.secrets);
    let history = repo.history(&read_keys, now_unix())?;
    let chosen = choose(&history, req.snapshot, req.seal)?;
    let snapshot_id = chosen.id.clone();
    let chain = history.chain_status(chosen);
    // A signed version-2 manifest names its packs itself, version 3 each
    // of its blobs; only an unsigned one needs the (unauthenticated) indexes.
    let opened = repo.open_listing(&snapshot_id, &read_keys)?;
    let index = match &opened {
        Opened::Whole(_, Some(packs)) => ChunkMap::of(packs.clone()),
        Opened::Whole(_, None) => repo.load_index(&identity)?,
        Opened::Tree(..) => ChunkMap::default(),
    };
    let (snapshot, source) = match &opened {
        Opened::Whole(snapshot, _) => (
            snapshot,
            Source::Whole {
                snapshot,
                index: &index,
            },
        ),
        Opened::Tree(snapshot, list) => (
            snapshot,
            Source::Tree {
                repo: &repo,
                keys: &read_keys,
                list,
                object: repo.key(ObjectKind::Snapshot, &snapshot_id),
            },
        ),
    };
    let mut summary = restore(RestoreRequest {
        repo: &repo,
        identity: &identity,
        dedup_key: &keys.dedup_key.0,
        snapshot_id: &snapshot_id,
        snapshot,
        source: &source,
        include: req.include,
        target: req.target,
        force: req.force,
        keep_special_modes: req.keep_special_modes,
        progress: req.progress,
    })?;
    summary.chain = Some(chain);
    summary.notes = history.notes.clone();
    let cache_error = req.state.and_then(|state| {
        warm_cache(state, &repo, &read_keys, &history, &source, req.target)
            .err()
            .map(|e| format!("{e:#}"))
    });
    Ok(Restored {
        summary,
        cache_error,
    })
}

/// After a restore on a device that backs up for this phrase: the cache is
/// rebuilt from the store, and profiles restoring into `target` from this
/// store get a file cache matching the restored files, so the next backup
/// is incremental.
/// The snapshot to restore: `wanted` ("latest" or an ID prefix), or with a
/// seal code exactly the head that code sealed.
fn choose<'h>(
    history: &'h History,
    wanted: &str,
    seal: Option<&str>,
) -> anyhow::Result<&'h Judged> {
    let Some(code) = seal else {
        return history.resolve(wanted);
    };
    let (head, _) = history.sealed_head(code).ok_or_else(|| {
        RepoError::Seal(format!(
            "no departure in this store was sealed with code {code}: check the code against your written copy (and the store address and phrase); nothing was restored"
        ))
    })?;
    if wanted != "latest" && !head.id.starts_with(wanted) {
        return Err(RepoError::Seal(format!(
            "seal code {code} sealed snapshot {}, not {wanted}; nothing was restored",
            &head.id[..12]
        ))
        .into());
    }
    Ok(head)
}

fn warm_cache(
    state: &State,
    repo: &Repo,
    keys: &ReadKeys,
    history: &History,
    source: &Source<'_>,
    target: &Path,
) -> anyhow::Result<()> {
    if !state
        .pseudonyms()?
        .iter()
        .any(|p| p.locator == repo.locator)
    {
        return Ok(()); // this device does not back up for this phrase
    }
    rebuild_cache_from(state, repo, keys, history)?;
    let store = repo.store.url();
    let profiles: Vec<_> = state
        .profiles()?
        .into_iter()
        .filter(|p| p.data_dir == target && p.store_url == store)
        .collect();
    if profiles.is_empty() {
        return Ok(());
    }
    // The entries read again (a version-3 list streamed once more): the
    // file cache's rows.
    let mut files = Vec::new();
    source.for_each(|e, _| {
        if e.kind != Kind::File {
            return Ok(());
        }
        let path = target.join(std::ffi::OsStr::from_bytes(&e.path));
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            let cached = CachedFile {
                fingerprint: fingerprint(&Meta::from(&meta)),
                size: e.size,
                chunks: e.chunks.clone(),
            };
            files.push((e.path.clone(), cached));
        }
        Ok(())
    })?;
    // File rows name their chunks' rows: found in one pass over the cache.
    let wanted = files
        .iter()
        .flat_map(|(_, c)| c.chunks.chunks_exact(32))
        .map(|id| id.try_into().expect("32 bytes"))
        .collect();
    let places = state.chunk_places(&repo.cache_key(), &wanted)?;
    for profile in profiles {
        state.replace_file_cache(
            &profile.name,
            files.iter().map(|(p, c)| (p.as_slice(), c)),
            |id| places.get(id).copied(),
        )?;
    }
    Ok(())
}
