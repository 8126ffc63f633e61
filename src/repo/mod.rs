//! The repository: what crossing writes under `<store>/<locator>/`.
//! Specified in docs/format.md (format version 1).
//!
//! - `format`: the objects (pack header, index, snapshot manifest, config)
//!   and their serialisation, nothing else;
//! - `seal`: padding + age encryption of every object;
//! - `pack`: grouping compressed chunks into packs;
//! - `read`: snapshots, indexes and the chunk map, as a reader needs them;
//! - `check`, `verify`: the whole repository, or one new snapshot;
//! - `repair`: a new index from the packs' own headers;
//! - `Repo`: names objects and moves them through a [`Store`].

pub mod check;
pub mod format;
pub mod history;
pub mod pack;
mod read;
pub mod repair;
pub mod seal;
pub mod signed;
pub mod tree;
pub mod verify;

use bytes::Bytes;

use crate::error::ExitKind;
use crate::store::{Listed, Store, StoreError};
use format::Config;
pub use read::ChunkMap;

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
    #[error("{object} has format version {found}, and this crossing reads version {known}; upgrade crossing")]
    UnsupportedVersion {
        object: String,
        found: u32,
        known: u32,
    },
    #[error("{what} is missing from the store ({object}); run `crossing check` for a full report")]
    Missing { what: String, object: String },
    #[error("no snapshot matches \"{0}\"; see `crossing snapshots`")]
    NoSuchSnapshot(String),
    #[error("nothing in the snapshot is at \"{0}\" (a path relative to the data directory, as `restore --include` takes it); nothing was restored")]
    NoSuchPath(String),
    #[error("snapshot prefix \"{0}\" is ambiguous; give more characters")]
    AmbiguousSnapshot(String),
    #[error("snapshot {snapshot} is not to be trusted: {why}; see `crossing snapshots --phrase-file FILE`")]
    Untrusted { snapshot: String, why: String },
    #[error("{0}")]
    Seal(String),
}

impl RepoError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            RepoError::WrongPhrase { .. } | RepoError::CannotDecrypt { .. } => {
                ExitKind::WrongPhrase
            }
            RepoError::NotFound { .. } => ExitKind::NotReachable,
            RepoError::NoSuchSnapshot(_) => ExitKind::NotFound,
            RepoError::AmbiguousSnapshot(_) => ExitKind::Usage,
            RepoError::NoSuchPath(_) => ExitKind::NotFound,
            RepoError::Corrupt { .. }
            | RepoError::Missing { .. }
            | RepoError::UnsupportedVersion { .. }
            | RepoError::Untrusted { .. }
            | RepoError::Seal(_) => ExitKind::Integrity,
        }
    }
}

/// The kinds of object a repository holds, each in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// `config`: the repository's parameters (fixed name).
    Config,
    /// `data/<2 hex>/<name>`: packs of compressed chunks.
    Pack,
    /// `index/<name>`: where each chunk is.
    Index,
    /// `snapshots/<name>`: snapshot manifests.
    Snapshot,
    /// `writers/<name>`: writer certificates, signed by the phrase's authority.
    Writer,
    /// `revocations/<name>`: writer revocations, signed by the authority.
    Revocation,
    /// `seals/<name>`: the end of a writer's chain, signed by the writer.
    Seal,
}

impl ObjectKind {
    /// The folder below the locator.
    pub fn dir(self) -> &'static str {
        match self {
            ObjectKind::Config => "config",
            ObjectKind::Pack => "data",
            ObjectKind::Index => "index",
            ObjectKind::Snapshot => "snapshots",
            ObjectKind::Writer => "writers",
            ObjectKind::Revocation => "revocations",
            ObjectKind::Seal => "seals",
        }
    }

    /// How messages name a missing object of this kind.
    fn what(self) -> &'static str {
        match self {
            ObjectKind::Pack => "pack",
            other => other.dir(),
        }
    }

    /// The most a stored object of this kind can weigh (docs/format.md,
    /// *Decoding bounds*): a larger one is refused before it is downloaded.
    pub fn max_stored(self) -> u64 {
        let payload = match self {
            ObjectKind::Config => format::MAX_CONFIG_BYTES,
            ObjectKind::Pack => format::MAX_PACK_BYTES,
            ObjectKind::Index => zstd_bound(format::MAX_INDEX_BYTES),
            // A version-2 manifest: its compressed body and a small signed header.
            ObjectKind::Snapshot => zstd_bound(format::MAX_MANIFEST_BYTES) + SIGNED_OBJECT_MAX,
            ObjectKind::Writer | ObjectKind::Revocation | ObjectKind::Seal => SIGNED_OBJECT_MAX,
        };
        seal::max_sealed_len(payload)
    }
}

/// Certificates, revocations, seals and manifest headers are a few hundred
/// bytes; this is their bound (tags make a header grow: at most 256 of them).
const SIGNED_OBJECT_MAX: u64 = 64 * 1024;

/// The most zstd makes of `n` bytes (`ZSTD_COMPRESSBOUND`).
fn zstd_bound(n: u64) -> u64 {
    zstd::zstd_safe::compress_bound(n as usize) as u64
}

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

    /// The store key of object `name` of `kind` (`name` is ignored for the config).
    pub fn key(&self, kind: ObjectKind, name: &str) -> String {
        let (loc, dir) = (&self.locator, kind.dir());
        match kind {
            ObjectKind::Config => format!("{loc}/{dir}"),
            // `get`: a name that is not one (from a forged index) gets a
            // key that holds nothing, never a panic.
            ObjectKind::Pack => format!("{loc}/{dir}/{}/{name}", name.get(..2).unwrap_or("")),
            _ => format!("{loc}/{dir}/{name}"),
        }
    }

    pub fn pack_key(&self, pack: &str) -> String {
        self.key(ObjectKind::Pack, pack)
    }

    pub fn config_key(&self) -> String {
        self.key(ObjectKind::Config, "")
    }

    /// Whether the repository exists (its config object is there).
    pub fn exists(&self) -> anyhow::Result<bool> {
        Ok(self.store.size(&self.config_key())?.is_some())
    }

    /// Writes the config object if the repository is new (write-only: no
    /// phrase needed). Returns whether the repository existed already.
    pub fn init_if_missing(&self, recipient: &age::x25519::Recipient) -> anyhow::Result<bool> {
        if self.exists()? {
            return Ok(true);
        }
        let sealed = seal::seal(&format::to_cbor(&Config::current())?, recipient)?;
        self.store.put(&self.config_key(), sealed.into())?;
        Ok(false)
    }

    /// Fails with a precise reason unless the phrase's repository is here and
    /// its config decrypts with `identity`.
    pub fn open_for_reading(&self, identity: &age::x25519::Identity) -> anyhow::Result<()> {
        if !self.exists()? {
            // The config is not needed to read (version 1 fixes every
            // parameter): a repository whose config was lost still restores.
            if !self.list(ObjectKind::Snapshot)?.is_empty() {
                return Ok(());
            }
            let others = self.store.top_level()?;
            let url = self.store.url().to_string();
            return Err(if others.is_empty() {
                RepoError::NotFound { url }
            } else {
                RepoError::WrongPhrase { url }
            }
            .into());
        }
        let key = self.config_key();
        // The locator came from the phrase, so a config that does not open is
        // damage, not a wrong phrase; every other object is authenticated on
        // its own, so reading goes on. Only a newer format stops it.
        let bytes = match self.fetch(ObjectKind::Config, &key) {
            Err(e) if e.downcast_ref::<RepoError>().is_some() => return Ok(()),
            other => other?,
        };
        if let Ok(plain) = seal::open(&bytes, identity) {
            if let Ok(config) = format::from_cbor::<Config>(&plain) {
                if config.version > format::REPOSITORY_VERSION {
                    return Err(RepoError::UnsupportedVersion {
                        object: key,
                        found: config.version,
                        known: format::REPOSITORY_VERSION,
                    }
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Seals and stores an object of `kind`; returns its name and stored size.
    pub fn put_object(
        &self,
        kind: ObjectKind,
        plaintext: &[u8],
        recipient: &age::x25519::Recipient,
    ) -> anyhow::Result<(String, u64)> {
        let sealed = seal::seal(plaintext, recipient)?;
        let name = object_name(&sealed);
        let size = sealed.len() as u64;
        self.store.put(&self.key(kind, &name), sealed.into())?;
        Ok((name, size))
    }

    /// Fetches an object, checks its name against its content, decrypts it.
    pub fn get_object(
        &self,
        kind: ObjectKind,
        name: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Vec<u8>> {
        let key = self.key(kind, name);
        if kind != ObjectKind::Config && !is_object_name(name) {
            return Err(RepoError::Corrupt {
                object: key,
                why: format!("\"{}\" is not an object name", name.escape_debug()),
            }
            .into());
        }
        let bytes = self.fetch(kind, &key)?;
        open_verified(&key, name, &bytes, identity)
    }

    /// Downloads the object at `key` unless it is larger than an object of
    /// `kind` can be ([`RepoError::Corrupt`] then, and nothing is downloaded).
    pub fn fetch(&self, kind: ObjectKind, key: &str) -> anyhow::Result<Bytes> {
        self.store
            .get_at_most(key, kind.max_stored())
            .map_err(|e| missing_as(e, kind, key))
    }

    /// Every object of `kind` (for the config: the config object, if any).
    /// Keys that are not where this repository puts an object of that kind
    /// (a killed upload's staging file, junk) are passed over.
    pub fn list(&self, kind: ObjectKind) -> anyhow::Result<Vec<Listed>> {
        let mut listed = self
            .store
            .list(&format!("{}/{}", self.locator, kind.dir()))?;
        listed.retain(|l| {
            let name = basename(&l.key);
            (kind == ObjectKind::Config || is_object_name(name)) && l.key == self.key(kind, name)
        });
        Ok(listed)
    }

    /// Deletes object `name` of `kind`.
    pub fn delete(&self, kind: ObjectKind, name: &str) -> anyhow::Result<()> {
        self.store.delete(&self.key(kind, name))
    }

    /// Downloads a pack and returns its decrypted payload, checked against its name.
    pub fn fetch_pack(
        &self,
        pack: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Bytes> {
        Ok(self.get_object(ObjectKind::Pack, pack, identity)?.into())
    }
}

/// Whether `name` is an object name (64 lowercase hex): listings skip
/// anything else (a killed upload's staging file, junk).
pub fn is_object_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn basename(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The store's errors about one object, as the repository's: missing, or
/// larger than its kind allows.
pub(super) fn missing_as(err: anyhow::Error, kind: ObjectKind, key: &str) -> anyhow::Error {
    match err.downcast::<StoreError>() {
        Ok(StoreError::Missing { .. }) => RepoError::Missing {
            what: kind.what().to_string(),
            object: key.to_string(),
        }
        .into(),
        Ok(StoreError::TooLarge { size, max, .. }) => RepoError::Corrupt {
            object: key.to_string(),
            why: format!(
                "it has {size} bytes, more than any {} object can have ({max}); not downloaded",
                kind.dir()
            ),
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
