//! The repository: what crossing writes under `<store>/<locator>/`.
//! Specified in docs/format.md (format version 1).
//!
//! - `format`: the objects (pack header, index, snapshot manifest, config)
//!   and their serialisation, nothing else;
//! - `seal`: padding + age encryption of every object;
//! - `pack`: grouping compressed chunks into packs;
//! - `Repo`: names objects and moves them through a [`Store`].

pub mod check;
pub mod format;
pub mod pack;
pub mod seal;
pub mod verify;

use std::collections::{HashMap, HashSet};

use bytes::Bytes;

use crate::error::ExitKind;
use crate::store::{Listed, Store, StoreError};
use format::{ChunkId, Config, Index, IndexEntry, Snapshot};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("no repository for this recovery phrase in {url}, although the store holds other repositories: the phrase is probably not the one these backups were made with; check every word")]
    WrongPhrase { url: String },
    #[error("no crossing repository for this recovery phrase in {url}; check the store address (and the phrase)")]
    NotFound { url: String },
    #[error("the recovery phrase does not decrypt {object}: it is not the phrase these backups were made with")]
    CannotDecrypt { object: String },
    #[error("{object} is corrupt or was tampered with ({why}); run `crossing check --read-data` to see what else is affected")]
    Corrupt { object: String, why: String },
    #[error("{what} is missing from the store ({object}); run `crossing check` for a full report")]
    Missing { what: String, object: String },
    #[error("no snapshot matches \"{0}\"; see `crossing snapshots`")]
    NoSuchSnapshot(String),
    #[error("snapshot prefix \"{0}\" is ambiguous; give more characters")]
    AmbiguousSnapshot(String),
}

impl RepoError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            RepoError::WrongPhrase { .. } | RepoError::CannotDecrypt { .. } => {
                ExitKind::WrongPhrase
            }
            RepoError::NotFound { .. } | RepoError::NoSuchSnapshot(_) => ExitKind::NotReachable,
            RepoError::AmbiguousSnapshot(_) => ExitKind::Usage,
            RepoError::Corrupt { .. } | RepoError::Missing { .. } => ExitKind::Integrity,
        }
    }
}

pub const CONFIG: &str = "config";
pub const DATA: &str = "data";
pub const INDEX: &str = "index";
pub const SNAPSHOTS: &str = "snapshots";

/// Object names are the BLAKE3 hash of the stored (encrypted) bytes, hex.
pub fn object_name(ciphertext: &[u8]) -> String {
    blake3::hash(ciphertext).to_hex().to_string()
}

/// A repository in a store, addressed by its locator.
#[derive(Clone, Debug)]
pub struct Repo {
    pub store: Store,
    pub locator: String,
}

impl Repo {
    pub fn new(store: Store, locator: &str) -> Repo {
        Repo {
            store,
            locator: locator.to_string(),
        }
    }

    /// Names this repository in the device's cache: the same pseudonym may
    /// back up to several stores, and each store holds its own chunks.
    pub fn cache_key(&self) -> String {
        format!(
            "{}#{}",
            self.store.url().trim_end_matches('/'),
            self.locator
        )
    }

    pub fn key(&self, kind: &str, name: &str) -> String {
        match kind {
            DATA => format!("{}/{DATA}/{}/{name}", self.locator, &name[..2]),
            CONFIG => format!("{}/{CONFIG}", self.locator),
            _ => format!("{}/{kind}/{name}", self.locator),
        }
    }

    pub fn pack_key(&self, pack: &str) -> String {
        self.key(DATA, pack)
    }

    /// Whether the repository exists (its config object is there).
    pub async fn exists(&self) -> anyhow::Result<bool> {
        Ok(self.store.size(&self.key(CONFIG, "")).await?.is_some())
    }

    /// Writes the config object if the repository is new (write-only: no
    /// phrase needed). Returns whether the repository existed already.
    pub async fn init_if_missing(
        &self,
        recipient: &age::x25519::Recipient,
    ) -> anyhow::Result<bool> {
        if self.exists().await? {
            return Ok(true);
        }
        let sealed = seal::seal(&format::to_cbor(&Config::current())?, recipient)?;
        self.store.put(&self.key(CONFIG, ""), sealed.into()).await?;
        Ok(false)
    }

    /// Fails with a precise reason unless the phrase's repository is here and
    /// its config decrypts with `identity`.
    pub async fn open_for_reading(&self, identity: &age::x25519::Identity) -> anyhow::Result<()> {
        if !self.exists().await? {
            // The config is not needed to read (version 1 fixes every
            // parameter): a repository whose config was lost still restores.
            if !self.list(SNAPSHOTS).await?.is_empty() {
                return Ok(());
            }
            let others = self.store.top_level().await?;
            let url = self.store.url().to_string();
            return Err(if others.is_empty() {
                RepoError::NotFound { url }
            } else {
                RepoError::WrongPhrase { url }
            }
            .into());
        }
        let key = self.key(CONFIG, "");
        let bytes = self.store.get(&key).await?;
        // The locator came from the phrase, so a config that does not open is
        // damage, not a wrong phrase; every other object is authenticated on
        // its own, so reading goes on. Only a newer format stops it.
        if let Ok(plain) = seal::open(&bytes, identity) {
            if let Ok(config) = format::from_cbor::<Config>(&plain) {
                if config.version > format::VERSION {
                    anyhow::bail!(
                        "repository format version {} is newer than this crossing knows ({}); upgrade crossing",
                        config.version,
                        format::VERSION
                    );
                }
            }
        }
        Ok(())
    }

    /// Seals and stores an object of `kind`; returns its name and stored size.
    pub async fn put_object(
        &self,
        kind: &str,
        plaintext: &[u8],
        recipient: &age::x25519::Recipient,
    ) -> anyhow::Result<(String, u64)> {
        let sealed = seal::seal(plaintext, recipient)?;
        let name = object_name(&sealed);
        let size = sealed.len() as u64;
        self.store
            .put(&self.key(kind, &name), sealed.into())
            .await?;
        Ok((name, size))
    }

    /// Fetches an object, checks its name against its content, decrypts it.
    pub async fn get_object(
        &self,
        kind: &str,
        name: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Vec<u8>> {
        let key = self.key(kind, name);
        let bytes = self
            .store
            .get(&key)
            .await
            .map_err(|e| missing_as(e, kind, &key))?;
        open_verified(&key, name, &bytes, identity)
    }

    pub async fn list(&self, kind: &str) -> anyhow::Result<Vec<Listed>> {
        let all = self.store.list(&format!("{}/{kind}", self.locator)).await?;
        Ok(all)
    }

    pub async fn snapshot(
        &self,
        name: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Snapshot> {
        let plain = self.get_object(SNAPSHOTS, name, identity).await?;
        let corrupt = |why: String| RepoError::Corrupt {
            object: self.key(SNAPSHOTS, name),
            why,
        };
        let snap: Snapshot =
            format::decode_compressed(&plain).map_err(|e| corrupt(e.to_string()))?;
        if snap.version != format::VERSION {
            return Err(corrupt(format!(
                "manifest version {} is not {}; upgrade crossing",
                snap.version,
                format::VERSION
            ))
            .into());
        }
        Ok(snap)
    }

    /// Reads one index object (checked against its name, decrypted, version-checked).
    pub async fn index(
        &self,
        name: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Index> {
        let plain = self.get_object(INDEX, name, identity).await?;
        let index: Index = format::decode_compressed(&plain)?;
        anyhow::ensure!(
            index.version == format::VERSION,
            "index version {} is not {}",
            index.version,
            format::VERSION
        );
        Ok(index)
    }

    /// Reads every index object: chunk → where it is.
    pub async fn load_index(&self, identity: &age::x25519::Identity) -> anyhow::Result<ChunkMap> {
        let listed = self.list(DATA).await?;
        let stored: HashSet<&str> = listed.iter().map(|l| basename(&l.key)).collect();
        let mut map = ChunkMap::default();
        for listed in self.list(INDEX).await? {
            let name = basename(&listed.key);
            // Chunks are authenticated by their IDs, so an index is only a
            // map: one that does not open (junk, damage) is set aside and
            // named if a chunk turns out to be missing.
            let index = match self.index(name, identity).await {
                Ok(i) => i,
                Err(e) => {
                    map.unreadable.push(format!("{}: {e:#}", listed.key));
                    continue;
                }
            };
            for pack in index.packs {
                map.pack_sizes.insert(pack.id.clone(), pack.size);
                let present = stored.contains(pack.id.as_str());
                for entry in pack.chunks {
                    // A chunk stored twice: take a copy the store still has.
                    let keep_old = map
                        .chunks
                        .get(&entry.id)
                        .is_some_and(|(p, _)| !present || stored.contains(p.as_str()));
                    if !keep_old {
                        map.chunks.insert(entry.id, (pack.id.clone(), entry));
                    }
                }
            }
        }
        Ok(map)
    }

    /// Snapshot names, newest first by store time (to the store's precision:
    /// manifest times are whole seconds, so this orders a burst of backups).
    pub async fn snapshot_listing(&self) -> anyhow::Result<Vec<Listed>> {
        let mut all = self.list(SNAPSHOTS).await?;
        all.sort_by(|a, b| {
            (b.modified, b.modified_nanos)
                .cmp(&(a.modified, a.modified_nanos))
                .then_with(|| b.key.cmp(&a.key))
        });
        Ok(all)
    }

    /// Resolves "latest" or an ID prefix to a snapshot name.
    pub async fn resolve_snapshot(
        &self,
        wanted: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<(String, Snapshot)> {
        let listing = self.snapshot_listing().await?;
        if wanted == "latest" {
            // Store times order the objects; the manifests' own times decide
            // among the three newest readable ones, and between equal ones
            // (same second) the later stored wins. An object that does not
            // open (junk planted by someone with write access) is passed over.
            let mut best: Option<(String, Snapshot)> = None;
            let mut readable = 0;
            let mut first_error = None;
            for l in &listing {
                let name = basename(&l.key).to_string();
                match self.snapshot(&name, identity).await {
                    Ok(snap) => {
                        if best
                            .as_ref()
                            .is_none_or(|(_, b)| (snap.time, snap.nanos) > (b.time, b.nanos))
                        {
                            best = Some((name, snap));
                        }
                        readable += 1;
                        if readable == 3 {
                            break;
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            return match (best, first_error) {
                (Some(b), _) => Ok(b),
                (None, Some(e)) => Err(e),
                (None, None) => Err(RepoError::NoSuchSnapshot(wanted.to_string()).into()),
            };
        }
        let matches: Vec<&Listed> = listing
            .iter()
            .filter(|l| basename(&l.key).starts_with(wanted))
            .collect();
        match matches.as_slice() {
            [] => Err(RepoError::NoSuchSnapshot(wanted.to_string()).into()),
            [one] => {
                let name = basename(&one.key).to_string();
                let snap = self.snapshot(&name, identity).await?;
                Ok((name, snap))
            }
            _ => Err(RepoError::AmbiguousSnapshot(wanted.to_string()).into()),
        }
    }

    /// Downloads a pack and returns its decrypted payload, checked against its name.
    pub async fn fetch_pack(
        &self,
        pack: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Bytes> {
        let key = self.pack_key(pack);
        let bytes = self
            .store
            .get(&key)
            .await
            .map_err(|e| missing_as(e, "pack", &key))?;
        Ok(open_verified(&key, pack, &bytes, identity)?.into())
    }
}

/// Where each chunk is, as read from the indexes.
#[derive(Default, Debug)]
pub struct ChunkMap {
    pub chunks: HashMap<ChunkId, (String, IndexEntry)>,
    pub pack_sizes: HashMap<String, u64>,
    /// Index objects that could not be read, and why.
    pub unreadable: Vec<String>,
}

pub fn basename(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

fn missing_as(err: anyhow::Error, what: &str, key: &str) -> anyhow::Error {
    match err.downcast::<StoreError>() {
        Ok(StoreError::Missing { .. }) => RepoError::Missing {
            what: what.to_string(),
            object: key.to_string(),
        }
        .into(),
        Ok(other) => other.into(),
        Err(e) => e,
    }
}

/// Checks that `bytes` hash to `name` (so a swapped or damaged object is
/// caught before decryption) and decrypts them.
pub fn open_verified(
    key: &str,
    name: &str,
    bytes: &[u8],
    identity: &age::x25519::Identity,
) -> anyhow::Result<Vec<u8>> {
    if object_name(bytes) != name {
        return Err(RepoError::Corrupt {
            object: key.to_string(),
            why: "its content does not match its name".into(),
        }
        .into());
    }
    seal::open(bytes, identity).map_err(|e| {
        let why = match e {
            seal::OpenError::NotForThisKey => "not encrypted for this phrase's key".to_string(),
            other => other.to_string(),
        };
        RepoError::Corrupt {
            object: key.to_string(),
            why,
        }
        .into()
    })
}
