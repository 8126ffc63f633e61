//! The authenticated history of a repository, read with the phrase: which
//! manifests chain to the phrase's authority (trusted), which were written
//! before crossing signed them (unsigned), and which are not to be trusted
//! and why. `latest` is decided here, by signed content, never by store
//! timestamps; forks and gaps in a writer's chain are reported.

use std::collections::{BTreeMap, HashMap};

use super::format::{self, IndexPack, Snapshot};
use super::signed::{self, Certificate, ManifestEnvelope, ManifestHeader, Seal, SignedObject};
use super::{basename, is_object_name, tree, ObjectKind, Repo, RepoError};
use crate::keys::SecretKeys;

/// What reading needs from the phrase.
pub struct ReadKeys {
    pub identity: age::x25519::Identity,
    /// The writer authority's public key.
    pub authority: [u8; 32],
    pub dedup_key: [u8; 32],
}

impl ReadKeys {
    pub fn of(secrets: &SecretKeys) -> ReadKeys {
        ReadKeys {
            identity: secrets.backup_identity(),
            authority: secrets.writer_authority().verifying_key().to_bytes(),
            dedup_key: secrets.public().dedup_key.0,
        }
    }
}

/// A manifest as stored: version 1 (unsigned) or 2 (signed).
pub enum Stored {
    V1(Snapshot),
    V2(ManifestEnvelope),
}

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

impl Repo {
    /// Fetches, authenticates (name, age) and parses a manifest; nothing
    /// about who wrote it is decided here.
    pub fn stored_manifest(
        &self,
        name: &str,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Stored> {
        let plain = self.get_object(ObjectKind::Snapshot, name, identity)?;
        let object = self.key(ObjectKind::Snapshot, name);
        let corrupt = |why: String| RepoError::Corrupt {
            object: object.clone(),
            why,
        };
        if plain.starts_with(&ZSTD_MAGIC) {
            let snap: Snapshot =
                format::decode_compressed_at_most(&plain, format::MAX_MANIFEST_BYTES)
                    .map_err(|e| corrupt(e.to_string()))?;
            super::read::check_version(object.clone(), snap.version)?;
            snap.check().map_err(|e| corrupt(e.to_string()))?;
            return Ok(Stored::V1(snap));
        }
        let env: ManifestEnvelope =
            format::from_cbor(&plain).map_err(|e| corrupt(e.to_string()))?;
        if env.version != signed::SIGNED_VERSION && env.version != tree::TREE_VERSION {
            return Err(RepoError::UnsupportedVersion {
                object,
                found: env.version,
                known: tree::TREE_VERSION,
            }
            .into());
        }
        Ok(Stored::V2(env))
    }
}

/// Whether a manifest is to be believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Signed by a writer the phrase certified, and nothing speaks against it.
    Trusted,
    /// Format version 1: written before crossing signed manifests (or forged).
    Unsigned,
    /// Not to be believed, and why.
    Untrusted(String),
    /// Could not be read at all (damage, or junk).
    Unreadable(String),
}

/// One manifest of the store, judged.
#[derive(Debug, Clone)]
pub struct Judged {
    pub id: String,
    pub trust: Trust,
    pub time: i64,
    pub nanos: u32,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    pub files: u64,
    pub bytes: u64,
    /// Version 2: the writer and its sequence number.
    pub writer: Option<[u8; 32]>,
    pub seq: u64,
    /// Signed by a certified writer, not revoked, not dated ahead: all that
    /// makes it trusted but the seal rule (a seal code may still name it).
    pub signed_ok: bool,
}

/// The repository's manifests, judged, and what the history says.
pub struct History {
    pub snapshots: Vec<Judged>,
    /// Each writer's seal, by writer (its earliest, if there are several).
    pub seals: HashMap<[u8; 32], Seal>,
    /// Every valid seal: a copy of a writer key taken before `depart` can
    /// sign seals too, and a seal code names one of them.
    pub all_seals: Vec<Seal>,
    /// Forks and gaps.
    pub notes: Vec<String>,
    /// Writers the phrase certified.
    pub writers: HashMap<[u8; 32], Certificate>,
    /// Revoked writers, and as of when.
    pub revoked: HashMap<[u8; 32], i64>,
}

/// A writer's short name in messages.
pub fn writer_name(writer: &[u8; 32]) -> String {
    hex::encode(&writer[..8])
}

/// The one rule every command names a snapshot by: "latest" (what
/// `latest` gives), or a unique prefix of an ID among `all`.
pub fn select<'a, T>(
    wanted: &str,
    all: &'a [T],
    id: impl Fn(&T) -> &str,
    latest: impl FnOnce() -> Option<&'a T>,
) -> Result<&'a T, RepoError> {
    if wanted == "latest" {
        return latest().ok_or_else(|| RepoError::NoSuchSnapshot(wanted.to_string()));
    }
    let mut matches = all.iter().filter(|s| id(s).starts_with(wanted));
    match (matches.next(), matches.next()) {
        (None, _) => Err(RepoError::NoSuchSnapshot(wanted.to_string())),
        (Some(one), None) => Ok(one),
        _ => Err(RepoError::AmbiguousSnapshot(wanted.to_string())),
    }
}

impl Repo {
    /// Reads and judges every manifest (`now`: the present, for the skew rule).
    pub fn history(&self, keys: &ReadKeys, now: i64) -> anyhow::Result<History> {
        let mut history = History {
            snapshots: Vec::new(),
            seals: HashMap::new(),
            all_seals: Vec::new(),
            notes: Vec::new(),
            writers: HashMap::new(),
            revoked: HashMap::new(),
        };
        for signed in self.signed_objects(ObjectKind::Writer, &keys.identity)? {
            if let Some(cert) = signed.certificate(&keys.authority) {
                if cert.locator == self.locator {
                    history.writers.insert(cert.writer, cert);
                }
            }
        }
        for signed in self.signed_objects(ObjectKind::Revocation, &keys.identity)? {
            if let Some(r) = signed.revocation(&keys.authority) {
                if r.locator == self.locator {
                    let at = history.revoked.entry(r.writer).or_insert(r.as_of);
                    *at = (*at).min(r.as_of);
                }
            }
        }
        for signed in self.signed_objects(ObjectKind::Seal, &keys.identity)? {
            if let Some(s) = signed.seal() {
                if s.locator == self.locator && history.writers.contains_key(&s.writer) {
                    let keep = history
                        .seals
                        .get(&s.writer)
                        .is_none_or(|old| s.seq < old.seq);
                    if keep {
                        history.seals.insert(s.writer, s.clone());
                    }
                    history.all_seals.push(s);
                }
            }
        }
        for listed in self.list(ObjectKind::Snapshot)? {
            let id = basename(&listed.key).to_string();
            if !is_object_name(&id) {
                continue;
            }
            let judged = match self.stored_manifest(&id, &keys.identity) {
                Ok(stored) => history.judge(&id, &self.locator, stored, now),
                Err(e) => unreadable(id, format!("{e:#}")),
            };
            history.snapshots.push(judged);
        }
        history.find_forks_and_gaps();
        Ok(history)
    }

    /// Every readable signed object of `kind` (certificates, revocations, seals).
    fn signed_objects(
        &self,
        kind: ObjectKind,
        identity: &age::x25519::Identity,
    ) -> anyhow::Result<Vec<SignedObject>> {
        let mut out = Vec::new();
        for listed in self.list(kind)? {
            let name = basename(&listed.key);
            if !is_object_name(name) {
                continue;
            }
            if let Ok(plain) = self.get_object(kind, name, identity) {
                if let Ok(signed) = format::from_cbor::<SignedObject>(&plain) {
                    out.push(signed);
                }
            }
        }
        Ok(out)
    }
}

fn unreadable(id: String, why: String) -> Judged {
    Judged {
        id,
        trust: Trust::Unreadable(why),
        time: 0,
        nanos: 0,
        tags: vec![],
        expires_at: None,
        files: 0,
        bytes: 0,
        writer: None,
        seq: 0,
        signed_ok: false,
    }
}

impl History {
    fn judge(&self, id: &str, locator: &str, stored: Stored, now: i64) -> Judged {
        let env = match stored {
            Stored::V1(s) => {
                return Judged {
                    id: id.to_string(),
                    trust: Trust::Unsigned,
                    time: s.time,
                    nanos: s.nanos,
                    tags: s.tags,
                    expires_at: s.expires_at,
                    files: s.files,
                    bytes: s.bytes,
                    writer: None,
                    seq: 0,
                    signed_ok: false,
                }
            }
            Stored::V2(env) => env,
        };
        let Some(h) = env.header.manifest_header() else {
            return unreadable(id.into(), "its signature does not verify".into());
        };
        // The body must be the one the signed header names (checked without
        // decompressing it), or the manifest is damage, whoever signed it.
        if blake3::hash(&env.body).as_bytes() != &h.body_hash || h.body_len > signed::MAX_BODY_BYTES
        {
            return unreadable(
                id.into(),
                "its body is not the one its signed header names".into(),
            );
        }
        let unsigned_by_us = self.distrust_signer(&h, locator, now);
        let signed_ok = unsigned_by_us.is_none();
        let trust = match unsigned_by_us.or_else(|| self.distrust_after_seal(id, &h)) {
            Some(why) => Trust::Untrusted(why),
            None => Trust::Trusted,
        };
        Judged {
            id: id.to_string(),
            trust,
            time: h.time,
            nanos: h.nanos,
            tags: h.tags,
            expires_at: h.expires_at,
            files: h.files,
            bytes: h.bytes,
            writer: Some(h.writer),
            seq: h.seq,
            signed_ok,
        }
    }

    /// Why a signed manifest's signer is not to be believed, if it is not.
    fn distrust_signer(&self, h: &ManifestHeader, locator: &str, now: i64) -> Option<String> {
        let w = writer_name(&h.writer);
        if h.locator != locator {
            return Some("it names another repository".to_string());
        }
        if !self.writers.contains_key(&h.writer) {
            return Some(format!(
                "its writer {w} is not certified by this recovery phrase"
            ));
        }
        if let Some(as_of) = self.revoked.get(&h.writer).filter(|t| h.time > **t) {
            return Some(format!(
                "its writer {w} was revoked as of {}",
                timestamp(*as_of)
            ));
        }
        if h.time > now + signed::FUTURE_SKEW_SECS {
            return Some(format!("it is dated in the future ({})", timestamp(h.time)));
        }
        None
    }

    /// After its writer's (earliest) seal's head, beside it (a fork at its
    /// sequence number), or signed later than the seal: none of these is the
    /// sealed chain.
    fn distrust_after_seal(&self, id: &str, h: &ManifestHeader) -> Option<String> {
        let seal = self.seals.get(&h.writer)?;
        let after = (h.seq + 1 >= seal.seq && id != seal.head) || h.time > seal.time;
        after.then(|| {
            format!(
                "its writer {} was sealed by depart at {}; this claims to come after",
                writer_name(&h.writer),
                timestamp(seal.time)
            )
        })
    }

    fn find_forks_and_gaps(&mut self) {
        let mut chains: BTreeMap<[u8; 32], BTreeMap<u64, Vec<&str>>> = BTreeMap::new();
        for j in self.snapshots.iter().filter(|j| j.trust == Trust::Trusted) {
            if let Some(w) = j.writer {
                chains
                    .entry(w)
                    .or_default()
                    .entry(j.seq)
                    .or_default()
                    .push(&j.id);
            }
        }
        let mut notes = Vec::new();
        for (writer, seal) in &self.seals {
            let count = self
                .all_seals
                .iter()
                .filter(|s| s.writer == *writer)
                .count();
            if count > 1 {
                notes.push(format!(
                    "fork: writer {} has {count} seals (the earliest, at {}, is applied): its key is in more than one place; restore with your seal code (`--seal`)",
                    writer_name(writer),
                    timestamp(seal.time)
                ));
            }
        }
        for (writer, seqs) in &chains {
            for (seq, ids) in seqs.iter().filter(|(_, ids)| ids.len() > 1) {
                notes.push(format!(
                    "fork: writer {} signed {} manifests with sequence number {seq} ({}): its key is in more than one place; revoke it with `crossing writer revoke`",
                    writer_name(writer),
                    ids.len(),
                    ids.iter().map(|i| &i[..12]).collect::<Vec<_>>().join(", ")
                ));
            }
            let present: Vec<u64> = seqs.keys().copied().collect();
            let missing = present.last().copied().unwrap_or(0) - present.len() as u64;
            if missing > 0 {
                notes.push(format!(
                    "writer {}: {missing} of its manifests up to sequence number {} are not in the store (pruned, or withheld)",
                    writer_name(writer),
                    present.last().copied().unwrap_or(0)
                ));
            }
        }
        self.notes = notes;
    }

    pub fn any_trusted(&self) -> bool {
        self.snapshots.iter().any(|j| j.trust == Trust::Trusted)
    }

    /// The manifests a reader may choose: the trusted ones, or in a
    /// repository that has none (made before signing), the unsigned ones.
    pub fn choosable(&self) -> impl Iterator<Item = &Judged> {
        let any_trusted = self.any_trusted();
        self.snapshots.iter().filter(move |j| match j.trust {
            Trust::Trusted => true,
            Trust::Unsigned => !any_trusted,
            _ => false,
        })
    }

    /// The newest choosable manifest, by its own (signed) time.
    pub fn latest(&self) -> Option<&Judged> {
        self.choosable()
            .max_by_key(|j| (j.time, j.nanos, j.seq, j.id.clone()))
    }

    /// "latest" or a unique ID prefix. An explicit ID may name an unsigned
    /// manifest (migration), never an untrusted one.
    pub fn resolve(&self, wanted: &str) -> anyhow::Result<&Judged> {
        let one = select(wanted, &self.snapshots, |j| &j.id, || self.latest())?;
        match &one.trust {
            Trust::Trusted | Trust::Unsigned => Ok(one),
            Trust::Untrusted(why) | Trust::Unreadable(why) => Err(RepoError::Untrusted {
                snapshot: one.id.clone(),
                why: why.clone(),
            }
            .into()),
        }
    }

    /// The head a seal code names, and its seal. The code is the user's own
    /// record, so it decides among several seals of one writer (a copy of
    /// the key may have signed others): the head it names needs only a
    /// certified, unrevoked signer, whatever the other seals say.
    pub fn sealed_head(&self, code: &str) -> Option<(&Judged, &Seal)> {
        let code = signed::normalize_seal_code(code);
        self.all_seals.iter().find_map(|seal| {
            let head = self.snapshots.iter().find(|j| {
                j.id == seal.head
                    && j.signed_ok
                    && j.writer == Some(seal.writer)
                    && j.seq + 1 == seal.seq
            })?;
            (signed::seal_code(&head.id) == code).then_some((head, seal))
        })
    }

    /// What a restore of `chosen` should tell the user about its chain.
    pub fn chain_status(&self, chosen: &Judged) -> String {
        let sealed = self
            .all_seals
            .iter()
            .find(|s| s.head == chosen.id && Some(s.writer) == chosen.writer);
        match (sealed, chosen.writer) {
            (Some(seal), _) => format!(
                "closed by depart at {}: nothing newer can come from the device that wrote it",
                timestamp(seal.time)
            ),
            (None, Some(w)) => format!(
                "open: the device that wrote it (writer {}) has not sealed its chain and may be in other hands",
                writer_name(&w)
            ),
            (None, None) => "unsigned: written before crossing signed its snapshots".to_string(),
        }
    }
}

/// A manifest opened for reading its entries.
pub enum Opened {
    /// Versions 1 and 2: the whole tree, and for a signed one its packs.
    Whole(Snapshot, Option<Vec<IndexPack>>),
    /// Version 3: the snapshot without its entries, and its entry list, to
    /// read as a stream ([`Repo::stream_entries`]); each entry needs the
    /// checks [`Snapshot::check`] and [`format::Index::check`] make.
    Tree(Snapshot, tree::ListRef),
}

impl Repo {
    /// The tree of manifest `id`, and for a signed one the packs it names
    /// (a signed manifest needs no index).
    pub fn open_manifest(
        &self,
        id: &str,
        keys: &ReadKeys,
    ) -> anyhow::Result<(Snapshot, Option<Vec<IndexPack>>)> {
        let (mut snapshot, list) = match self.open_listing(id, keys)? {
            Opened::Whole(snapshot, packs) => return Ok((snapshot, packs)),
            Opened::Tree(snapshot, list) => (snapshot, list),
        };
        let corrupt = |e: anyhow::Error| RepoError::Corrupt {
            object: self.key(ObjectKind::Snapshot, id),
            why: format!("{e:#}"),
        };
        let (entries, packs) = self.read_tree(keys, &list).map_err(|e| {
            // A part that is missing stays a missing object (exit 6 either way).
            match e.downcast::<RepoError>() {
                Ok(repo_error) => anyhow::Error::from(repo_error),
                Err(other) => corrupt(other).into(),
            }
        })?;
        snapshot.entries = entries;
        Self::checked(snapshot, packs).map_err(|e| corrupt(e).into())
    }

    /// Manifest `id`, its entries read (version 1 and 2) or left to stream
    /// (version 3).
    pub fn open_listing(&self, id: &str, keys: &ReadKeys) -> anyhow::Result<Opened> {
        let env = match self.stored_manifest(id, &keys.identity)? {
            Stored::V1(s) => return Ok(Opened::Whole(s, None)),
            Stored::V2(env) => env,
        };
        let object = self.key(ObjectKind::Snapshot, id);
        let corrupt = |e: anyhow::Error| RepoError::Corrupt {
            object: object.clone(),
            why: format!("{e:#}"),
        };
        let header = env
            .header
            .manifest_header()
            .ok_or_else(|| corrupt(anyhow::anyhow!("its signature does not verify")))?;
        if header.version != env.version {
            return Err(corrupt(anyhow::anyhow!(
                "its envelope says version {} and its signed header {}",
                env.version,
                header.version
            ))
            .into());
        }
        if header.version == tree::TREE_VERSION {
            let body: tree::TreeBody = env.open_body(&header).map_err(corrupt)?;
            return Ok(Opened::Tree(header.snapshot(Vec::new()), body.entries));
        }
        let (snapshot, packs) =
            signed::as_snapshot(&header, env.open_body(&header).map_err(corrupt)?);
        let (snapshot, packs) = Self::checked(snapshot, packs).map_err(corrupt)?;
        Ok(Opened::Whole(snapshot, packs))
    }

    /// The writer key is on the device too: a signed body gets every check
    /// an unsigned one does.
    fn checked(
        snapshot: Snapshot,
        packs: Vec<IndexPack>,
    ) -> anyhow::Result<(Snapshot, Option<Vec<IndexPack>>)> {
        snapshot.check()?;
        let index = format::Index {
            version: format::VERSION,
            packs,
        };
        index.check(ObjectKind::Pack.max_stored())?;
        Ok((snapshot, Some(index.packs)))
    }
}

fn timestamp(secs: i64) -> String {
    humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64),
    )
    .to_string()
}

impl Repo {
    /// Writes a revocation of the certified writer whose ID starts with
    /// `prefix`: nothing it signs after `as_of` is trusted. Returns its key.
    pub fn revoke_writer(
        &self,
        secrets: &SecretKeys,
        prefix: &str,
        as_of: i64,
        now: i64,
    ) -> anyhow::Result<[u8; 32]> {
        let keys = ReadKeys::of(secrets);
        let history = self.history(&keys, now)?;
        let prefix = prefix.to_ascii_lowercase();
        let matches: Vec<&[u8; 32]> = history
            .writers
            .keys()
            .filter(|w| hex::encode(w).starts_with(&prefix))
            .collect();
        let writer = match matches.as_slice() {
            [one] => **one,
            [] => crate::bail_kind!(
                crate::error::ExitKind::Usage,
                "no writer certified for this repository starts with \"{prefix}\"; see `crossing writer list`"
            ),
            _ => crate::bail_kind!(
                crate::error::ExitKind::Usage,
                "writer prefix \"{prefix}\" is ambiguous; give more characters"
            ),
        };
        let revocation = signed::Revocation {
            version: signed::SIGNED_VERSION,
            locator: self.locator.clone(),
            writer,
            as_of,
        }
        .sign(secrets.writer_authority())?;
        let recipient = secrets.backup_identity().to_public();
        self.put_object(
            ObjectKind::Revocation,
            &format::to_cbor(&revocation)?,
            &recipient,
        )?;
        Ok(writer)
    }
}
