//! Verifying a repository. Without the phrase: every pack this device
//! recorded is present with the size and the BLAKE3 of what it uploaded
//! (the check `depart` makes of its snapshot). With the phrase: every
//! index and snapshot decrypts, every chunk a snapshot names is indexed,
//! every indexed pack exists with its indexed size; with `read_data`, every
//! pack is downloaded, its name checked against its content, decrypted, and
//! every chunk in it authenticated.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::format::{self, IndexEntry};
use super::history::{ReadKeys, Trust};
use super::{basename, ObjectKind, Repo};

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub snapshots: usize,
    pub indexes: usize,
    pub packs: usize,
    pub chunks: usize,
    pub packs_read: usize,
    /// This device's packs whose stored bytes are not what it uploaded (for
    /// the caller to mark in the cache, so the next backup uploads their data again).
    pub damaged: Vec<String>,
    pub problems: Vec<String>,
    /// Findings that need nothing done (damage already healed).
    pub notes: Vec<String>,
}

/// What this device recorded of a repository (`state::State::cached_packs`
/// and `damaged_packs`).
pub struct DevicePacks {
    /// pack → (size, BLAKE3 of the stored bytes) as uploaded.
    pub recorded: HashMap<String, (u64, Vec<u8>)>,
    /// Packs already marked damaged → how many of their chunks have no intact copy.
    pub damaged: HashMap<String, u64>,
    /// The packs the device's newest snapshot uses.
    pub newest: HashSet<String>,
}

/// Packs read at once with `read_data`.
const READERS: usize = 4;

/// What the indexes say: pack → (size, chunks), and chunk → pack.
#[derive(Default)]
struct Indexed {
    packs: HashMap<String, (u64, Vec<IndexEntry>)>,
    chunk_pack: HashMap<format::ChunkId, String>,
    /// chunk → every indexed pack holding it.
    copies: HashMap<format::ChunkId, Vec<String>>,
}

pub fn check(
    repo: &Repo,
    keys: Option<&ReadKeys>,
    device: Option<&DevicePacks>,
    read_data: bool,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    if repo.store.size(&repo.config_key())?.is_none() {
        report.problems.push(format!(
            "{}: config object missing (is this the right store?)",
            repo.config_key()
        ));
    }
    let stored: HashMap<String, u64> = repo
        .list(ObjectKind::Pack)?
        .into_iter()
        .map(|l| (basename(&l.key).to_string(), l.size))
        .collect();
    report.packs = stored.len();
    report.snapshots = repo.list(ObjectKind::Snapshot)?.len();
    if let Some(device) = device {
        device_packs(repo, device, &stored, &mut report)?;
    }
    let Some(keys) = keys else {
        report.problems.sort();
        return Ok(report);
    };
    config(repo, keys, &mut report);
    let indexed = indexes(repo, keys, &stored, &mut report)?;
    snapshots(repo, keys, &indexed, &stored, &mut report)?;
    if read_data {
        read_packs(repo, keys, &indexed, &stored, &mut report)?;
    }
    report.problems.sort();
    report.damaged.sort();
    report.damaged.dedup();
    Ok(report)
}

/// Every pack this device uploaded is there, with the size and the
/// checksum of the bytes it uploaded. A pack already marked damaged is not
/// downloaded again: it is a problem while data of the newest snapshot is
/// in it, and a note once a backup has stored that data again.
fn device_packs(
    repo: &Repo,
    device: &DevicePacks,
    stored: &HashMap<String, u64>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut to_read = Vec::new();
    for (pack, (size, _)) in &device.recorded {
        if let Some(&lost) = device.damaged.get(pack) {
            report.extend_damaged(repo, pack, lost, device.newest.contains(pack));
            continue;
        }
        let expected = format!("{size} were uploaded");
        match stored_as(
            repo,
            stored,
            pack,
            *size,
            "written by this device",
            &expected,
        ) {
            Some(problem) => report.problems.push(problem),
            None => to_read.push(pack.clone()),
        }
    }
    let by_key: HashMap<String, String> = to_read
        .iter()
        .map(|p| (repo.pack_key(p), p.clone()))
        .collect();
    let max = ObjectKind::Pack.max_stored();
    repo.store
        .get_each(by_key.keys().cloned().collect(), READERS, max, |key, got| {
            let pack = &by_key[&key];
            let bytes = got.map_err(|e| super::missing_as(e, ObjectKind::Pack, &key))?;
            if blake3::hash(&bytes).as_bytes()[..] != device.recorded[pack].1[..] {
                report.damaged.push(pack.clone());
                report.problems.push(format!(
                    "pack {key} is damaged: its bytes are not the ones this device uploaded; run `crossing backup`: it uploads that data again"
                ));
            }
            Ok(())
        })
}

impl Report {
    /// A pack found damaged earlier: `lost` of its chunks have no intact
    /// copy; `in_newest`: the device's newest snapshot needs it.
    fn extend_damaged(&mut self, repo: &Repo, pack: &str, lost: u64, in_newest: bool) {
        let key = repo.pack_key(pack);
        if in_newest {
            self.problems.push(format!(
                "pack {key} is damaged and the newest snapshot needs it; run `crossing backup`: it uploads that data again"
            ));
        } else if lost > 0 {
            self.notes.push(format!(
                "pack {key} is damaged; the newest snapshot does not need it, but chunks in it have no other copy ({lost} in all), so older snapshots that need them cannot be restored in full"
            ));
        } else {
            self.notes.push(format!(
                "pack {key} is damaged; its data is stored again in other packs (`prune` removes it once no snapshot uses it)"
            ));
        }
    }
}

/// A problem unless `pack` is stored with `size` bytes. `source` says who
/// expects it, `expected` where the size comes from.
fn stored_as(
    repo: &Repo,
    stored: &HashMap<String, u64>,
    pack: &str,
    size: u64,
    source: &str,
    expected: &str,
) -> Option<String> {
    let key = repo.pack_key(pack);
    match stored.get(pack) {
        None => Some(format!("pack {key} is missing ({source})")),
        Some(&s) if s != size => Some(format!("pack {key} has {s} bytes, {expected}")),
        _ => None,
    }
}

fn config(repo: &Repo, keys: &ReadKeys, report: &mut Report) {
    let config_key = repo.config_key();
    let bytes = match repo.fetch(ObjectKind::Config, &config_key) {
        Ok(bytes) => bytes,
        Err(e) => {
            if let Some(e @ super::RepoError::Corrupt { .. }) = e.downcast_ref() {
                report.problems.push(e.to_string());
            }
            return;
        }
    };
    let config = super::seal::open(&bytes, &keys.identity)
        .map_err(|e| e.to_string())
        .and_then(|plain| format::from_cbor::<format::Config>(&plain).map_err(|e| e.to_string()));
    match config {
        Ok(c) if c.same_settings(&format::Config::current()) => {}
        Ok(c) => report
            .problems
            .push(format!("{config_key}: unexpected settings {c:?}")),
        Err(e) => report
            .problems
            .push(format!("{config_key}: does not open with the phrase ({e})")),
    }
}

/// Every index opens, and every pack it names is stored with its size.
fn indexes(
    repo: &Repo,
    keys: &ReadKeys,
    stored: &HashMap<String, u64>,
    report: &mut Report,
) -> anyhow::Result<Indexed> {
    let mut indexed = Indexed::default();
    let mut unreadable = Vec::new();
    for listed in repo.list(ObjectKind::Index)? {
        report.indexes += 1;
        match repo.index(basename(&listed.key), &keys.identity) {
            Ok(index) => {
                for p in index.packs {
                    for e in &p.chunks {
                        indexed.chunk_pack.insert(e.id, p.id.clone());
                        indexed.copies.entry(e.id).or_default().push(p.id.clone());
                    }
                    indexed.packs.insert(p.id.clone(), (p.size, p.chunks));
                }
            }
            Err(e) => unreadable.push(format!("index {}: {e:#}", listed.key)),
        }
    }
    // An index is only a map: once readable ones list every stored pack
    // (`repair` wrote one), an unreadable one leaves no hole.
    if stored.keys().all(|p| indexed.packs.contains_key(p)) {
        report.notes.extend(unreadable.into_iter().map(|u| {
            format!("{u}; every stored pack is in another index, so nothing depends on it")
        }));
    } else {
        report.problems.extend(unreadable.into_iter().map(|u| {
            format!("{u}; run `crossing repair --phrase-file FILE`: it indexes the packs again")
        }));
    }
    report.chunks = indexed.chunk_pack.len();
    for (pack, (size, _)) in &indexed.packs {
        let expected = format!("its index says {size}");
        let problem = stored_as(repo, stored, pack, *size, "named by an index", &expected);
        report.problems.extend(problem);
    }
    Ok(indexed)
}

/// Every snapshot opens, every chunk it names is indexed, and the packs it
/// needs are stored.
fn snapshots(
    repo: &Repo,
    keys: &ReadKeys,
    indexed: &Indexed,
    stored: &HashMap<String, u64>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut needed: HashSet<String> = HashSet::new();
    let history = repo.history(keys, crate::state::now_unix())?;
    report.problems.extend(
        history
            .notes
            .iter()
            .filter(|n| n.starts_with("fork:"))
            .cloned(),
    );
    let choosable: HashSet<&str> = history.choosable().map(|j| j.id.as_str()).collect();
    for j in &history.snapshots {
        let key = repo.key(ObjectKind::Snapshot, &j.id);
        match &j.trust {
            Trust::Unreadable(why) => {
                report.problems.push(format!("snapshot {key}: {why}"));
                continue;
            }
            Trust::Untrusted(why) => {
                report
                    .problems
                    .push(format!("snapshot {key} is not to be trusted: {why}"));
                continue;
            }
            _ if !choosable.contains(j.id.as_str()) => continue, // unsigned, beside a signed history
            _ => {}
        }
        let (snap, signed_packs) = match repo.open_manifest(&j.id, keys) {
            Ok(opened) => opened,
            Err(e) => {
                report.problems.push(format!("snapshot {key}: {e:#}"));
                continue;
            }
        };
        // A signed manifest maps its own chunks; an unsigned one relies on the indexes.
        let own: Option<HashMap<format::ChunkId, String>> = signed_packs.map(|packs| {
            packs
                .iter()
                .flat_map(|p| p.chunks.iter().map(move |e| (e.id, p.id.clone())))
                .collect()
        });
        let chunk_pack = own.as_ref().unwrap_or(&indexed.chunk_pack);
        for e in &snap.entries {
            for id in e.chunk_ids() {
                match chunk_pack.get(&id) {
                    Some(p) => {
                        needed.insert(p.clone());
                    }
                    None => report.problems.push(format!(
                        "snapshot {}: chunk {} of {} is in no index",
                        &j.id[..12],
                        hex::encode(&id[..8]),
                        String::from_utf8_lossy(&e.path)
                    )),
                }
            }
        }
    }
    for pack in &needed {
        if !stored.contains_key(pack) {
            report.problems.push(format!(
                "pack {} is missing and snapshots need it",
                repo.pack_key(pack)
            ));
        }
    }
    Ok(())
}

/// Downloads every indexed, stored pack and authenticates each chunk in it.
fn read_packs(
    repo: &Repo,
    keys: &ReadKeys,
    indexed: &Indexed,
    stored: &HashMap<String, u64>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let by_key: HashMap<String, (&String, &Vec<IndexEntry>)> = indexed
        .packs
        .iter()
        .filter(|(p, _)| stored.contains_key(*p))
        .map(|(p, (_, chunks))| (repo.pack_key(p), (p, chunks)))
        .collect();
    let keys_to_get: Vec<String> = by_key.keys().cloned().collect();
    let max = ObjectKind::Pack.max_stored();
    let mut failed: HashMap<String, (String, String)> = HashMap::new();
    repo.store.get_each(keys_to_get, READERS, max, |key, got| {
        report.packs_read += 1;
        let (pack, chunks) = by_key[&key];
        let result = got
            .map_err(|e| super::missing_as(e, ObjectKind::Pack, &key))
            .and_then(|bytes| read_pack(&key, pack, &bytes, chunks, keys));
        if let Err(e) = result {
            failed.insert(pack.clone(), (key, format!("{e:#}")));
        }
        Ok(())
    })?;
    // A chunk is authenticated by its ID, so restore takes any intact copy:
    // a damaged pack whose every chunk has one loses nothing.
    let intact = |p: &String| stored.contains_key(p) && !failed.contains_key(p);
    for (pack, (key, why)) in &failed {
        report.damaged.push(pack.clone());
        let lost = indexed.packs[pack]
            .1
            .iter()
            .filter(|e| !indexed.copies[&e.id].iter().any(intact))
            .count();
        if lost == 0 {
            report.notes.push(format!(
                "pack {key}: {why}; every chunk in it has an intact copy in another pack"
            ));
        } else {
            report.problems.push(format!(
                "pack {key}: {why}; chunks in it have no intact copy ({lost} in all; run `crossing repair --phrase-file FILE` to see which files)"
            ));
        }
    }
    Ok(())
}

fn read_pack(
    key: &str,
    pack: &str,
    bytes: &[u8],
    chunks: &[IndexEntry],
    keys: &ReadKeys,
) -> anyhow::Result<()> {
    let payload = super::open_verified(key, pack, bytes, &keys.identity)?;
    let header = format::split_pack(&payload)?;
    // An index may name fewer chunks than the pack holds: a device forgets
    // the chunk IDs of files no snapshot of its own holds any more
    // (`State::forget_unreferenced_chunks`), and the index prune writes
    // from its cache then leaves them out. What it names must be there.
    if let Some(e) = chunks.iter().find(|e| !header.chunks.contains(e)) {
        anyhow::bail!(
            "the index names chunk {} at offset {}, which the pack's header does not list",
            hex::encode(&e.id[..8]),
            e.offset
        );
    }
    for e in &header.chunks {
        format::blob(&payload, e)
            .and_then(|blob| format::open_blob(&keys.dedup_key, e, blob))
            .map_err(|err| anyhow::anyhow!("chunk {}: {err}", hex::encode(&e.id[..8])))?;
    }
    Ok(())
}
