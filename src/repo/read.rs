//! Reading a repository with the phrase: snapshot manifests, index objects,
//! the map from chunks to packs, and which snapshot "latest" is.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::format::{self, ChunkId, Index, IndexEntry, IndexPack};
use super::{basename, ObjectKind, Repo, RepoError};
use crate::store::Listed;

/// Where each chunk is, as read from the indexes.
#[derive(Default, Debug)]
pub struct ChunkMap {
    /// A pack's name is shared by its chunks (one allocation per pack).
    pub chunks: HashMap<ChunkId, (Arc<str>, IndexEntry)>,
    pub pack_sizes: HashMap<String, u64>,
    /// Index objects that could not be read, and why.
    pub unreadable: Vec<String>,
}

impl ChunkMap {
    /// The map a signed manifest carries: its own packs and their chunks.
    pub fn of(packs: Vec<IndexPack>) -> ChunkMap {
        let mut map = ChunkMap::default();
        for pack in packs {
            map.pack_sizes.insert(pack.id.clone(), pack.size);
            let name: Arc<str> = pack.id.as_str().into();
            for entry in pack.chunks {
                map.chunks.insert(entry.id, (name.clone(), entry));
            }
        }
        map
    }
}

impl Repo {
    /// Reads one index object (checked against its name, decrypted, version-checked).
    pub fn index(&self, name: &str, identity: &age::x25519::Identity) -> anyhow::Result<Index> {
        self.decode(ObjectKind::Index, name, identity, |i: &Index| {
            (i.version, i.check(ObjectKind::Pack.max_stored()))
        })
    }

    /// An object of `kind`, fetched, authenticated, decompressed (within its
    /// kind's bound), decoded, its format version checked, then its content
    /// (`checked`: the version, and whether the rest holds): one rule for
    /// every versioned object.
    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        kind: ObjectKind,
        name: &str,
        identity: &age::x25519::Identity,
        checked: impl Fn(&T) -> (u32, anyhow::Result<()>),
    ) -> anyhow::Result<T> {
        let plain = self.get_object(kind, name, identity)?;
        let object = self.key(kind, name);
        let max = match kind {
            ObjectKind::Index => format::MAX_INDEX_BYTES,
            _ => format::MAX_MANIFEST_BYTES,
        };
        let corrupt = |e: anyhow::Error| RepoError::Corrupt {
            object: object.clone(),
            why: e.to_string(),
        };
        let value: T = format::decode_compressed_at_most(&plain, max).map_err(corrupt)?;
        let (version, content) = checked(&value);
        check_version(object.clone(), version)?;
        content.map_err(corrupt)?;
        Ok(value)
    }

    /// Reads every index object: chunk → where it is.
    pub fn load_index(&self, identity: &age::x25519::Identity) -> anyhow::Result<ChunkMap> {
        let listed = self.list(ObjectKind::Pack)?;
        let stored: HashSet<&str> = listed.iter().map(|l| basename(&l.key)).collect();
        let mut map = ChunkMap::default();
        for listed in self.list(ObjectKind::Index)? {
            let name = basename(&listed.key);
            // Chunks are authenticated by their IDs, so an index is only a
            // map: one that does not open (junk, damage) is set aside and
            // named if a chunk turns out to be missing.
            let index = match self.index(name, identity) {
                Ok(i) => i,
                Err(e) => {
                    map.unreadable.push(format!("{}: {e:#}", listed.key));
                    continue;
                }
            };
            for pack in index.packs {
                map.pack_sizes.insert(pack.id.clone(), pack.size);
                let present = stored.contains(pack.id.as_str());
                let name: Arc<str> = pack.id.as_str().into();
                for entry in pack.chunks {
                    // A chunk stored twice: take a copy the store still has.
                    let keep_old = map
                        .chunks
                        .get(&entry.id)
                        .is_some_and(|(p, _)| !present || stored.contains(&**p));
                    if !keep_old {
                        map.chunks.insert(entry.id, (name.clone(), entry));
                    }
                }
            }
        }
        Ok(map)
    }

    /// Every copy of every chunk the readable indexes list (the unreadable
    /// are passed over): where restore looks when a pack fails to authenticate.
    pub fn chunk_copies(
        &self,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<HashMap<ChunkId, Vec<(String, IndexEntry)>>> {
        let mut copies: HashMap<ChunkId, Vec<(String, IndexEntry)>> = HashMap::new();
        for listed in self.list(ObjectKind::Index)? {
            let Ok(index) = self.index(basename(&listed.key), identity) else {
                continue;
            };
            for pack in index.packs {
                for entry in pack.chunks {
                    copies
                        .entry(entry.id)
                        .or_default()
                        .push((pack.id.clone(), entry));
                }
            }
        }
        Ok(copies)
    }

    /// Snapshot names, newest first by store time (to the store's precision:
    /// manifest times are whole seconds, so this orders a burst of backups).
    pub fn snapshot_listing(&self) -> anyhow::Result<Vec<Listed>> {
        let mut all = self.list(ObjectKind::Snapshot)?;
        all.sort_by(|a, b| {
            (b.modified, b.modified_nanos)
                .cmp(&(a.modified, a.modified_nanos))
                .then_with(|| b.key.cmp(&a.key))
        });
        Ok(all)
    }
}

/// One rule for every object that carries a format version.
pub fn check_version(object: String, found: u32) -> Result<(), RepoError> {
    if found == format::VERSION {
        Ok(())
    } else {
        Err(RepoError::UnsupportedVersion {
            object,
            found,
            known: format::VERSION,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::format::{encode_compressed, Entry, Index, Snapshot};
    use crate::store::{Store, StoreOptions};

    #[test]
    fn a_version_mismatch_is_the_same_error_in_every_object() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        let store = Store::open("memory://versions/x", &StoreOptions::default(), true).unwrap();
        let repo = Repo::new(store, "0123456789abcdef0123456789abcdef");
        let index = encode_compressed(&Index {
            version: format::VERSION + 1,
            packs: vec![],
        })
        .unwrap();
        let (name, _) = repo
            .put_object(ObjectKind::Index, &index, &recipient)
            .unwrap();
        let snap = encode_compressed(&Snapshot {
            version: format::VERSION + 1,
            time: 0,
            nanos: 0,
            tags: vec![],
            expires_at: None,
            files: 0,
            bytes: 0,
            entries: Vec::<Entry>::new(),
        })
        .unwrap();
        let (snap_name, _) = repo
            .put_object(ObjectKind::Snapshot, &snap, &recipient)
            .unwrap();
        for err in [
            repo.index(&name, &identity).unwrap_err(),
            repo.stored_manifest(&snap_name, &identity).err().unwrap(),
        ] {
            let e = err.downcast_ref::<RepoError>().expect("a RepoError");
            assert!(
                matches!(e, RepoError::UnsupportedVersion { found, .. } if *found == format::VERSION + 1),
                "{e}"
            );
            assert_eq!(e.exit_kind(), crate::error::ExitKind::Integrity);
        }
    }
}
