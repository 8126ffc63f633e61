//! Format version 2's signed objects (docs/format.md §Signed history).
//!
//! A device writes with its own *writer* key (Ed25519, random, kept in
//! crossing's home). The phrase's *authority* key certifies writers and
//! revokes them. Every manifest is signed by its writer, carries the
//! writer's sequence number and the previous manifest's name, and lists the
//! packs (with the chunk entries) it needs. `depart` ends a writer's chain
//! with a signed seal. All of it sits inside age encryption like every
//! other object; signatures are checked before anything large is decoded.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::format::{self, Entry, IndexPack, Snapshot};

/// The version of manifests, certificates, revocations and seals.
pub const SIGNED_VERSION: u32 = 2;

/// Domain separation: a signature over one kind of body never verifies as another.
const CERTIFICATE_CONTEXT: &[u8] = b"crossing writer certificate v2\0";
const REVOCATION_CONTEXT: &[u8] = b"crossing writer revocation v2\0";
const MANIFEST_CONTEXT: &[u8] = b"crossing manifest header v2\0";
const SEAL_CONTEXT: &[u8] = b"crossing writer seal v2\0";

/// A manifest's body (entries and pack list) is at most this large,
/// decompressed: the bound of every manifest (docs/format.md, *Decoding bounds*).
pub const MAX_BODY_BYTES: u64 = format::MAX_MANIFEST_BYTES;

/// A signed body (certificate, revocation, seal, manifest header) is at
/// most this large; a larger one is refused before it is decoded.
pub const MAX_SIGNED_BODY: usize = 64 * 1024;

/// How far in the future a trusted manifest may be dated (clock skew).
pub const FUTURE_SKEW_SECS: i64 = 10 * 60;

/// A CBOR body and a signature over `context || body`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedObject {
    #[serde(with = "serde_bytes")]
    pub body: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub signature: Vec<u8>,
}

fn sign(key: &SigningKey, context: &[u8], body: Vec<u8>) -> SignedObject {
    let signature = key.sign(&[context, &body].concat()).to_bytes().to_vec();
    SignedObject { body, signature }
}

fn verifies(public: &[u8; 32], context: &[u8], body: &[u8], signature: &[u8]) -> bool {
    let (Ok(key), Ok(sig)) = (
        VerifyingKey::from_bytes(public),
        Signature::from_slice(signature),
    ) else {
        return false;
    };
    key.verify(&[context, body].concat(), &sig).is_ok()
}

/// "This writer may write to this repository", signed by the authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub version: u32,
    pub locator: String,
    #[serde(with = "serde_bytes")]
    pub writer: [u8; 32],
    pub issued_at: i64,
}

/// "Nothing this writer signed after `as_of` is trusted", signed by the authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub version: u32,
    pub locator: String,
    #[serde(with = "serde_bytes")]
    pub writer: [u8; 32],
    pub as_of: i64,
}

/// "This writer's chain ends at `head`", signed by the writer before its key
/// is destroyed (`depart`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub version: u32,
    pub locator: String,
    #[serde(with = "serde_bytes")]
    pub writer: [u8; 32],
    /// One more than the head's sequence number.
    pub seq: u64,
    /// The object name of the last manifest of the chain.
    pub head: String,
    pub time: i64,
}

/// What a manifest says about itself, signed; small, so it is checked
/// before the body is decompressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestHeader {
    pub version: u32,
    pub locator: String,
    #[serde(with = "serde_bytes")]
    pub writer: [u8; 32],
    /// 1 for a writer's first manifest, then one more each time.
    pub seq: u64,
    /// The object name of this writer's previous manifest.
    pub prev: Option<String>,
    pub time: i64,
    pub nanos: u32,
    pub tags: Vec<String>,
    pub expires_at: Option<i64>,
    pub files: u64,
    pub bytes: u64,
    /// BLAKE3 of the (compressed) body, and its decompressed length.
    #[serde(with = "serde_bytes")]
    pub body_hash: [u8; 32],
    pub body_len: u64,
}

/// The tree, and where each of its chunks is: restore needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestBody {
    pub entries: Vec<Entry>,
    /// Every pack the entries' chunks are in, with those chunks' entries.
    pub packs: Vec<IndexPack>,
}

/// A version-2 manifest as stored (inside the sealing): the signed header
/// and the zstd-compressed CBOR body it commits to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEnvelope {
    pub version: u32,
    pub header: SignedObject,
    #[serde(with = "serde_bytes")]
    pub body: Vec<u8>,
}

impl Certificate {
    pub fn sign(&self, authority: &SigningKey) -> anyhow::Result<SignedObject> {
        Ok(sign(authority, CERTIFICATE_CONTEXT, format::to_cbor(self)?))
    }
}

impl Revocation {
    pub fn sign(&self, authority: &SigningKey) -> anyhow::Result<SignedObject> {
        Ok(sign(authority, REVOCATION_CONTEXT, format::to_cbor(self)?))
    }
}

impl Seal {
    pub fn sign(&self, writer: &SigningKey) -> anyhow::Result<SignedObject> {
        Ok(sign(writer, SEAL_CONTEXT, format::to_cbor(self)?))
    }
}

impl SignedObject {
    /// The body as a certificate, if the authority signed it.
    pub fn certificate(&self, authority: &[u8; 32]) -> Option<Certificate> {
        self.open(authority, CERTIFICATE_CONTEXT)
    }

    pub fn revocation(&self, authority: &[u8; 32]) -> Option<Revocation> {
        self.open(authority, REVOCATION_CONTEXT)
    }

    /// The body as a seal, if the writer it names signed it.
    pub fn seal(&self) -> Option<Seal> {
        let seal: Seal = self.decoded()?;
        verifies(&seal.writer, SEAL_CONTEXT, &self.body, &self.signature).then_some(seal)
    }

    /// The body as a manifest header, if the writer it names signed it.
    pub fn manifest_header(&self) -> Option<ManifestHeader> {
        let header: ManifestHeader = self.decoded()?;
        verifies(
            &header.writer,
            MANIFEST_CONTEXT,
            &self.body,
            &self.signature,
        )
        .then_some(header)
    }

    fn open<T: for<'de> Deserialize<'de>>(&self, key: &[u8; 32], context: &[u8]) -> Option<T> {
        verifies(key, context, &self.body, &self.signature)
            .then(|| self.decoded())
            .flatten()
    }

    /// The body, decoded, if it is within [`MAX_SIGNED_BODY`] (a body whose
    /// signer is named inside it is decoded before it can be verified).
    fn decoded<T: for<'de> Deserialize<'de>>(&self) -> Option<T> {
        (self.body.len() <= MAX_SIGNED_BODY)
            .then(|| format::from_cbor(&self.body).ok())
            .flatten()
    }
}

impl ManifestEnvelope {
    /// Signs `header` (whose `body_hash`/`body_len` are filled in here) and
    /// compresses `body`.
    pub fn new<B: Serialize>(
        writer: &SigningKey,
        mut header: ManifestHeader,
        body: &B,
    ) -> anyhow::Result<ManifestEnvelope> {
        let raw = format::to_cbor(body)?;
        header.body_len = raw.len() as u64;
        let compressed = zstd::bulk::compress(&raw, format::ZSTD_LEVEL)?;
        header.body_hash = *blake3::hash(&compressed).as_bytes();
        Ok(ManifestEnvelope {
            // The envelope says which body it holds, as the signed header does.
            version: header.version,
            header: sign(writer, MANIFEST_CONTEXT, format::to_cbor(&header)?),
            body: compressed,
        })
    }

    /// The body, after checking it is the one the header commits to.
    pub fn open_body<B: for<'de> Deserialize<'de>>(
        &self,
        header: &ManifestHeader,
    ) -> anyhow::Result<B> {
        anyhow::ensure!(
            blake3::hash(&self.body).as_bytes() == &header.body_hash,
            "the manifest's body is not the one its signed header names"
        );
        anyhow::ensure!(
            header.body_len <= MAX_BODY_BYTES,
            "the manifest's body is {} bytes, more than the {MAX_BODY_BYTES} a manifest may have",
            header.body_len
        );
        let raw = zstd::bulk::decompress(&self.body, header.body_len as usize)?;
        anyhow::ensure!(
            raw.len() as u64 == header.body_len,
            "the manifest's body has the wrong length"
        );
        format::from_cbor(&raw)
    }
}

/// A version-2 manifest as a (v1-shaped) snapshot, for the code that reads trees.
pub fn as_snapshot(header: &ManifestHeader, body: ManifestBody) -> (Snapshot, Vec<IndexPack>) {
    (header.snapshot(body.entries), body.packs)
}

impl ManifestHeader {
    /// The (v1-shaped) snapshot of these entries, as this header describes it.
    pub fn snapshot(&self, entries: Vec<Entry>) -> Snapshot {
        Snapshot {
            version: self.version,
            time: self.time,
            nanos: self.nanos,
            tags: self.tags.clone(),
            expires_at: self.expires_at,
            files: self.files,
            bytes: self.bytes,
            entries,
        }
    }
}

/// The short code `depart` shows for the head it sealed: 8 characters of
/// Crockford base32 (40 bits of BLAKE3 of the head's name) and a check
/// character, as `XXXX-XXXX-C`.
pub fn seal_code(head: &str) -> String {
    let hash = blake3::derive_key("crossing 2026-12-01 seal code v2", head.as_bytes());
    let mut bits: u64 = 0;
    for b in &hash[..5] {
        bits = (bits << 8) | u64::from(*b);
    }
    let digits: Vec<u8> = (0..8)
        .rev()
        .map(|i| ((bits >> (i * 5)) & 31) as u8)
        .collect();
    let check = digits
        .iter()
        .enumerate()
        .map(|(i, d)| (i as u32 + 1) * u32::from(*d))
        .sum::<u32>()
        % 32;
    let c = |d: u8| CROCKFORD[d as usize] as char;
    let s: String = digits.iter().map(|d| c(*d)).collect();
    format!("{}-{}-{}", &s[..4], &s[4..], c(check as u8))
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A code as a user typed it: case, dashes and spaces ignored, O read as 0,
/// I and L as 1 (Crockford's rules).
pub fn normalize_seal_code(typed: &str) -> String {
    let chars: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if chars.len() == 9 {
        format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
    } else {
        chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn signatures_bind_signer_and_kind() {
        let authority = key(1);
        let cert = Certificate {
            version: SIGNED_VERSION,
            locator: "l".into(),
            writer: key(2).verifying_key().to_bytes(),
            issued_at: 5,
        };
        let signed = cert.sign(&authority).unwrap();
        let auth_pub = authority.verifying_key().to_bytes();
        assert_eq!(signed.certificate(&auth_pub), Some(cert.clone()));
        // Another key, or the same bytes read as another kind, do not verify.
        assert_eq!(signed.certificate(&key(3).verifying_key().to_bytes()), None);
        assert_eq!(signed.revocation(&auth_pub), None);
        let mut flipped = signed.clone();
        flipped.body[3] ^= 1;
        assert_eq!(flipped.certificate(&auth_pub), None);
    }

    #[test]
    fn a_manifest_body_is_bound_to_its_header() {
        let writer = key(4);
        let header = ManifestHeader {
            version: SIGNED_VERSION,
            locator: "l".into(),
            writer: writer.verifying_key().to_bytes(),
            seq: 1,
            prev: None,
            time: 10,
            nanos: 0,
            tags: vec![],
            expires_at: None,
            files: 0,
            bytes: 0,
            body_hash: [0; 32],
            body_len: 0,
        };
        let body = ManifestBody {
            entries: vec![],
            packs: vec![],
        };
        let env = ManifestEnvelope::new(&writer, header, &body).unwrap();
        let h = env.header.manifest_header().expect("signed by its writer");
        assert_eq!(env.open_body::<ManifestBody>(&h).unwrap(), body);
        let mut other = env.clone();
        other.body = zstd::bulk::compress(b"\x80", 3).unwrap();
        assert!(other.open_body::<ManifestBody>(&h).is_err());
    }

    #[test]
    fn seal_codes_are_short_checked_and_forgiving() {
        let code = seal_code("ab12");
        assert_eq!(code.len(), 11);
        assert_eq!(
            normalize_seal_code(&code.to_lowercase().replace('-', " ")),
            code
        );
        assert_ne!(seal_code("ab13"), code);
    }
}
