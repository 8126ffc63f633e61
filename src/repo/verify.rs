//! Is a snapshot this device just wrote complete in the store? Checked
//! without the phrase, from what the device recorded while uploading: every
//! pack the snapshot needs is there with the size and the BLAKE3 of the
//! bytes that were uploaded, every index object and the manifest are there
//! and hash to their names, and the config object exists. `depart` wipes
//! only after this passes.

use std::collections::HashMap;

use futures::StreamExt;
use serde::Serialize;

use super::{basename, object_name, Repo, CONFIG, INDEX, SNAPSHOTS};

#[derive(Debug, Default, Serialize)]
pub struct Verified {
    pub packs: usize,
    pub indexes: usize,
    pub bytes: u64,
    pub problems: Vec<String>,
}

/// `packs`: the snapshot's packs; `recorded`: pack → (size, BLAKE3) as uploaded.
pub async fn snapshot_is_stored(
    repo: &Repo,
    snapshot: &str,
    packs: &[String],
    recorded: &HashMap<String, (u64, Vec<u8>)>,
) -> anyhow::Result<Verified> {
    let mut v = Verified::default();
    if repo.store.size(&repo.key(CONFIG, "")).await?.is_none() {
        v.problems
            .push(format!("{} is missing", repo.key(CONFIG, "")));
    }
    let manifest = repo.key(SNAPSHOTS, snapshot);
    check_named(repo, &manifest, snapshot, &mut v).await?;
    for listed in repo.list(INDEX).await? {
        v.indexes += 1;
        check_named(repo, &listed.key, basename(&listed.key), &mut v).await?;
    }
    let mut downloads = futures::stream::iter(packs.iter().map(|pack| async move {
        let key = repo.pack_key(pack);
        (pack, key.clone(), repo.store.get(&key).await)
    }))
    .buffer_unordered(4);
    while let Some((pack, key, got)) = downloads.next().await {
        v.packs += 1;
        let Some((size, hash)) = recorded.get(pack) else {
            v.problems
                .push(format!("{key}: this device has no record of uploading it"));
            continue;
        };
        let bytes = got?; // unreachable or missing: an error, not a verdict
        v.bytes += bytes.len() as u64;
        if bytes.len() as u64 != *size {
            v.problems.push(format!(
                "{key} has {} bytes, {size} were uploaded",
                bytes.len()
            ));
        } else if blake3::hash(&bytes).as_bytes()[..] != hash[..] {
            v.problems.push(format!(
                "{key} does not have the checksum of the uploaded bytes"
            ));
        }
    }
    v.problems.sort();
    Ok(v)
}

/// Downloads an object named by the hash of its bytes and checks the name.
async fn check_named(repo: &Repo, key: &str, name: &str, v: &mut Verified) -> anyhow::Result<()> {
    let bytes = repo.store.get(key).await?;
    v.bytes += bytes.len() as u64;
    if object_name(&bytes) != name {
        v.problems
            .push(format!("{key} does not match its name (damaged)"));
    }
    Ok(())
}
