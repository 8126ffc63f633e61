//! Is a snapshot this device just wrote complete in the store? Checked
//! without the phrase, from what the device recorded while uploading: every
//! pack the snapshot needs is there with the size and the BLAKE3 of the
//! bytes that were uploaded, every index object and the manifest are there
//! and hash to their names, and the config object exists. `depart` wipes
//! only after this passes.

use std::collections::HashMap;

use serde::Serialize;

use super::{basename, object_name, ObjectKind, Repo};

/// Packs downloaded at once.
const READERS: usize = 4;

#[derive(Debug, Default, Serialize)]
pub struct Verified {
    pub packs: usize,
    pub indexes: usize,
    pub bytes: u64,
    pub problems: Vec<String>,
    /// Packs whose stored bytes are not the uploaded ones: the caller marks
    /// them, so the next backup uploads their data again.
    pub damaged: Vec<String>,
}

/// `packs`: the snapshot's packs; `recorded`: pack → (size, BLAKE3) as uploaded.
pub fn snapshot_is_stored(
    repo: &Repo,
    snapshot: &str,
    packs: &[String],
    recorded: &HashMap<String, (u64, Vec<u8>)>,
) -> anyhow::Result<Verified> {
    let mut v = Verified::default();
    if repo.store.size(&repo.config_key())?.is_none() {
        v.problems.push(format!("{} is missing", repo.config_key()));
    }
    let manifest = repo.key(ObjectKind::Snapshot, snapshot);
    check_named(repo, ObjectKind::Snapshot, &manifest, snapshot, &mut v)?;
    for listed in repo.list(ObjectKind::Index)? {
        v.indexes += 1;
        check_named(
            repo,
            ObjectKind::Index,
            &listed.key,
            basename(&listed.key),
            &mut v,
        )?;
    }
    let by_key: HashMap<String, &String> = packs.iter().map(|p| (repo.pack_key(p), p)).collect();
    let keys: Vec<String> = packs.iter().map(|p| repo.pack_key(p)).collect();
    let max = ObjectKind::Pack.max_stored();
    repo.store.get_each(keys, READERS, max, |key, got| {
        v.packs += 1;
        let Some((size, hash)) = recorded.get(by_key[&key]) else {
            v.problems
                .push(format!("{key}: this device has no record of uploading it"));
            return Ok(());
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
            v.damaged.push(by_key[&key].clone());
        }
        Ok(())
    })?;
    v.problems.sort();
    Ok(v)
}

/// Downloads an object named by the hash of its bytes and checks the name.
fn check_named(
    repo: &Repo,
    kind: ObjectKind,
    key: &str,
    name: &str,
    v: &mut Verified,
) -> anyhow::Result<()> {
    let bytes = repo.store.get_at_most(key, kind.max_stored())?;
    v.bytes += bytes.len() as u64;
    if object_name(&bytes) != name {
        v.problems
            .push(format!("{key} does not match its name (damaged)"));
    }
    Ok(())
}
