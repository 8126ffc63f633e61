//! Verifying a repository. Without the phrase: every pack this device
//! recorded is present with the size it uploaded. With the phrase: every
//! index and snapshot decrypts, every chunk a snapshot names is indexed,
//! every indexed pack exists with its indexed size; with `read_data`, every
//! pack is downloaded, its name checked against its content, decrypted, and
//! every chunk in it authenticated.

use std::collections::{HashMap, HashSet};

use futures::StreamExt;
use serde::Serialize;

use super::format::{self, IndexEntry};
use super::{basename, Repo, CONFIG, DATA, INDEX, SNAPSHOTS};

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub snapshots: usize,
    pub indexes: usize,
    pub packs: usize,
    pub chunks: usize,
    pub packs_read: usize,
    pub problems: Vec<String>,
}

pub struct Keys<'a> {
    pub identity: &'a age::x25519::Identity,
    pub dedup_key: &'a [u8; 32],
}

pub async fn check(
    repo: &Repo,
    keys: Option<Keys<'_>>,
    cached_packs: Option<&HashMap<String, (u64, Vec<u8>)>>,
    read_data: bool,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    if repo.store.size(&repo.key(CONFIG, "")).await?.is_none() {
        report.problems.push(format!(
            "{}: config object missing (is this the right store?)",
            repo.key(CONFIG, "")
        ));
    }
    let stored: HashMap<String, u64> = repo
        .list(DATA)
        .await?
        .into_iter()
        .map(|l| (basename(&l.key).to_string(), l.size))
        .collect();
    report.packs = stored.len();
    report.snapshots = repo.list(SNAPSHOTS).await?.len();
    if let Some(cached) = cached_packs {
        for (pack, (size, _)) in cached {
            match stored.get(pack) {
                None => report.problems.push(format!(
                    "pack {} is missing (written by this device)",
                    repo.pack_key(pack)
                )),
                Some(s) if s != size => report.problems.push(format!(
                    "pack {} has {s} bytes, {size} were uploaded",
                    repo.pack_key(pack)
                )),
                _ => {}
            }
        }
    }
    let Some(keys) = keys else { return Ok(report) };
    let keys = &keys;
    let config_key = repo.key(CONFIG, "");
    if let Ok(bytes) = repo.store.get(&config_key).await {
        let config = super::seal::open(&bytes, keys.identity)
            .map_err(|e| e.to_string())
            .and_then(|plain| {
                format::from_cbor::<format::Config>(&plain).map_err(|e| e.to_string())
            });
        match config {
            Ok(c) if c == format::Config::current() => {}
            Ok(c) => report
                .problems
                .push(format!("{config_key}: unexpected settings {c:?}")),
            Err(e) => report
                .problems
                .push(format!("{config_key}: does not open with the phrase ({e})")),
        }
    }

    let mut indexed: HashMap<String, (u64, Vec<IndexEntry>)> = HashMap::new();
    let mut chunk_pack: HashMap<format::ChunkId, String> = HashMap::new();
    for listed in repo.list(INDEX).await? {
        report.indexes += 1;
        let name = basename(&listed.key);
        match repo.index(name, keys.identity).await {
            Ok(index) => {
                for p in index.packs {
                    for e in &p.chunks {
                        chunk_pack.insert(e.id, p.id.clone());
                    }
                    indexed.insert(p.id.clone(), (p.size, p.chunks));
                }
            }
            Err(e) => report.problems.push(format!("index {}: {e:#}", listed.key)),
        }
    }
    report.chunks = chunk_pack.len();
    for (pack, (size, _)) in &indexed {
        match stored.get(pack) {
            None => report.problems.push(format!(
                "pack {} is missing (named by an index)",
                repo.pack_key(pack)
            )),
            Some(s) if s != size => report.problems.push(format!(
                "pack {} has {s} bytes, its index says {size}",
                repo.pack_key(pack)
            )),
            _ => {}
        }
    }
    let mut needed: HashSet<String> = HashSet::new();
    for listed in repo.list(SNAPSHOTS).await? {
        let name = basename(&listed.key);
        match repo.snapshot(name, keys.identity).await {
            Ok(snap) => {
                for e in &snap.entries {
                    for id in e.chunk_ids() {
                        match chunk_pack.get(&id) {
                            Some(p) => {
                                needed.insert(p.clone());
                            }
                            None => report.problems.push(format!(
                                "snapshot {}: chunk {} of {} is in no index",
                                &name[..12],
                                hex::encode(&id[..8]),
                                String::from_utf8_lossy(&e.path)
                            )),
                        }
                    }
                }
            }
            Err(e) => report
                .problems
                .push(format!("snapshot {}: {e:#}", listed.key)),
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
    if read_data {
        let targets: Vec<(&String, &Vec<IndexEntry>)> = indexed
            .iter()
            .filter(|(p, _)| stored.contains_key(*p))
            .map(|(p, (_, c))| (p, c))
            .collect();
        let mut results =
            futures::stream::iter(targets.into_iter().map(|(pack, chunks)| async move {
                let result = read_pack(repo, pack, chunks, keys).await;
                (pack, result)
            }))
            .buffer_unordered(4);
        while let Some((pack, result)) = results.next().await {
            report.packs_read += 1;
            if let Err(e) = result {
                report
                    .problems
                    .push(format!("pack {}: {e:#}", repo.pack_key(pack)));
            }
        }
    }
    report.problems.sort();
    Ok(report)
}

async fn read_pack(
    repo: &Repo,
    pack: &str,
    chunks: &[IndexEntry],
    keys: &Keys<'_>,
) -> anyhow::Result<()> {
    let payload = repo.fetch_pack(pack, keys.identity).await?;
    let header = format::split_pack(&payload)?;
    anyhow::ensure!(
        header.chunks.len() == chunks.len(),
        "header lists {} chunks, index {}",
        header.chunks.len(),
        chunks.len()
    );
    for e in &header.chunks {
        let blob = &payload[e.offset as usize..(e.offset + e.length as u64) as usize];
        format::open_blob(keys.dedup_key, e, blob)
            .map_err(|err| anyhow::anyhow!("chunk {}: {err}", hex::encode(&e.id[..8])))?;
    }
    Ok(())
}
