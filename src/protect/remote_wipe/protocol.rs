//! The remote-wipe protocol (docs/remote-wipe.md).
//!
//! The device (user U) and the friend (F) share an X25519 secret without
//! talking: `dh = X25519(u, F) = X25519(f, U)`, from each one's pseudonym
//! key and the other's `05…` ID. From it both derive the channel, a place
//! in an object store: `remote-wipe/<channel>/`. Arming picks a random
//! nonce and publishes it there; the per-arming secret is
//! `derive_key(AGREEMENT, dh ‖ U ‖ F ‖ nonce)`. The device keeps only
//! `commitment = derive_key(COMMITMENT, secret)` and the channel location.
//! The friend fires by writing the secret itself (the reveal) into the
//! channel; the device wipes when a reveal matches its commitment.
//!
//! - Only U and F can compute the secret (it needs `u` or `f`).
//! - The device image holds a commitment (a one-way hash) and a channel
//!   name: no secret to forge a reveal from.
//! - A new arming has a new nonce, so an earlier reveal never matches.
//! - The `--token` variant: 32 random bytes printed once take the place of
//!   `dh ‖ U ‖ F` (the [`Root`]); same derivations, commitment and reveal.
//! - The arming record is authenticated (`objects`) with a key from the
//!   root, which the device does not keep, so the friend detects one that
//!   was changed or replaced.

use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::keys::{labels, SecretKeys};

pub const PREFIX: &str = "remote-wipe";
pub const ARMING_OBJECT: &str = "arming";
pub const ACK_OBJECT: &str = "ack";
/// The reveal's format (unchanged since version 1 of the protocol).
const VERSION: u32 = 1;
/// The most a channel object (an arming or a reveal, about 90 to 200 bytes
/// of JSON; an acknowledgment, 681 bytes) may have: a larger one is not read.
pub const MAX_OBJECT_BYTES: u64 = 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("\"{0}\" is not a pseudonym ID: an ID is 05 followed by 64 hexadecimal characters")]
    BadId(String),
    #[error("the friend's ID is your own; give your friend's ID")]
    SameId,
    #[error("the key agreement with {0} gives no shared secret (not a valid public key)")]
    NoAgreement(String),
    #[error("\"{0}\" is not a remote-wipe token: a token is 64 hexadecimal characters")]
    BadToken(String),
}

impl ProtocolError {
    pub fn exit_kind(&self) -> crate::error::ExitKind {
        crate::error::ExitKind::Usage
    }
}

/// Parses a `05…` ID into its X25519 public key.
pub fn parse_id(id: &str) -> Result<[u8; 32], ProtocolError> {
    let bad = || ProtocolError::BadId(id.to_string());
    let hex_part = id.trim().strip_prefix("05").ok_or_else(bad)?;
    let bytes = hex::decode(hex_part).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

pub fn parse_token(token: &str) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let bad = || ProtocolError::BadToken("…".to_string());
    let bytes = Zeroizing::new(hex::decode(token.trim()).map_err(|_| bad())?);
    let arr: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad())?;
    Ok(Zeroizing::new(arr))
}

/// What every key of one arming pair derives from: `dh ‖ U ‖ F` for a
/// friend arming, the token for a token arming. Both sides compute it.
pub struct Root(Zeroizing<Vec<u8>>);

impl Root {
    pub fn token(token: &[u8; 32]) -> Root {
        Root(Zeroizing::new(token.to_vec()))
    }

    fn derive(&self, label: &str, extra: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut m = Zeroizing::new(Vec::with_capacity(self.0.len() + extra.len()));
        m.extend_from_slice(&self.0);
        m.extend_from_slice(extra);
        Zeroizing::new(blake3::derive_key(label, &m))
    }

    /// `hex(derive_key(CHANNEL, root)[..16])`.
    pub fn channel(&self) -> String {
        hex::encode(&self.derive(labels::REMOTE_WIPE_CHANNEL, &[])[..16])
    }

    /// `derive_key(AGREEMENT, root ‖ nonce)`: what a reveal discloses.
    pub fn secret(&self, nonce: &[u8; 32]) -> Zeroizing<[u8; 32]> {
        self.derive(labels::REMOTE_WIPE_AGREEMENT, nonce)
    }

    /// `derive_key(ARMING, root)`: the MAC key of the arming record. Only
    /// the phrase (or the token) gives it: never kept on the device.
    pub fn arming_key(&self) -> Zeroizing<[u8; 32]> {
        self.derive(labels::REMOTE_WIPE_ARMING, &[])
    }

    /// `derive_key(ACK, root)`: the key of the acknowledgment, kept on the
    /// device from arming on (a reveal does not disclose it).
    pub fn ack_key(&self) -> Zeroizing<[u8; 32]> {
        self.derive(labels::REMOTE_WIPE_ACK, &[])
    }
}

/// The agreement between a device owner and a friend, either side computing it.
pub struct Pair {
    pub root: Root,
    // The X25519 keys, in the material's order; the tests check them against the IDs.
    #[cfg_attr(not(test), allow(dead_code))]
    device: [u8; 32],
    #[cfg_attr(not(test), allow(dead_code))]
    friend: [u8; 32],
}

impl Pair {
    /// Computed by the user (whose device is armed), with the friend's ID.
    pub fn as_device(keys: &SecretKeys, friend_id: &str) -> Result<Pair, ProtocolError> {
        let friend = parse_id(friend_id)?;
        let (dh, own) = agree(keys, &friend, friend_id)?;
        Ok(Pair::new(&dh, own, friend))
    }

    /// Computed by the friend, with the user's ID.
    pub fn as_friend(keys: &SecretKeys, user_id: &str) -> Result<Pair, ProtocolError> {
        let device = parse_id(user_id)?;
        let (dh, own) = agree(keys, &device, user_id)?;
        Ok(Pair::new(&dh, device, own))
    }

    fn new(dh: &[u8; 32], device: [u8; 32], friend: [u8; 32]) -> Pair {
        let mut m = Zeroizing::new(Vec::with_capacity(96));
        m.extend_from_slice(dh);
        m.extend_from_slice(&device);
        m.extend_from_slice(&friend);
        Pair {
            root: Root(m),
            device,
            friend,
        }
    }

    pub fn channel(&self) -> String {
        self.root.channel()
    }

    pub fn secret(&self, nonce: &[u8; 32]) -> Zeroizing<[u8; 32]> {
        self.root.secret(nonce)
    }
}

fn agree(
    keys: &SecretKeys,
    peer: &[u8; 32],
    peer_id: &str,
) -> Result<(Zeroizing<[u8; 32]>, [u8; 32]), ProtocolError> {
    let scalar = Zeroizing::new(keys.signing_key().to_scalar_bytes());
    let secret = StaticSecret::from(*scalar);
    let own = PublicKey::from(&secret).to_bytes();
    if &own == peer {
        return Err(ProtocolError::SameId);
    }
    let shared = secret.diffie_hellman(&PublicKey::from(*peer));
    if !shared.was_contributory() {
        return Err(ProtocolError::NoAgreement(peer_id.to_string()));
    }
    Ok((Zeroizing::new(shared.to_bytes()), own))
}

/// `derive_key(COMMITMENT, secret)`: what the device keeps.
pub fn commitment(secret: &[u8; 32]) -> [u8; 32] {
    blake3::derive_key(labels::REMOTE_WIPE_COMMITMENT, secret)
}

pub fn channel_dir(channel: &str) -> String {
    format!("{PREFIX}/{channel}")
}

pub fn arming_path(channel: &str) -> String {
    format!("{PREFIX}/{channel}/{ARMING_OBJECT}")
}

pub fn ack_path(channel: &str) -> String {
    format!("{PREFIX}/{channel}/{ACK_OBJECT}")
}

/// Whether a listed key is the channel object `name` (`arming`, `ack`).
pub fn is_named(key: &str, name: &str) -> bool {
    key.rsplit('/').next() == Some(name)
}

/// A new reveal's object key (random, so reveals never overwrite each other).
pub fn reveal_path(channel: &str) -> String {
    let mut r = [0u8; 8];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut r);
    format!("{PREFIX}/{channel}/reveal-{}", hex::encode(r))
}

/// The reveal: the secret itself.
#[derive(Serialize, Deserialize)]
pub struct Reveal {
    pub version: u32,
    pub secret: String,
}

impl Reveal {
    pub fn encode(secret: &[u8; 32]) -> Zeroizing<Vec<u8>> {
        let r = Reveal {
            version: VERSION,
            secret: hex::encode(secret),
        };
        Zeroizing::new(serde_json::to_vec(&r).expect("serialisable"))
    }
}

/// What a channel object is, for the device that holds `commitment`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A reveal of this arming's secret.
    Fire,
    /// Anything else, and why it is ignored.
    Ignore(String),
}

pub fn judge(bytes: &[u8], commitment_held: &[u8; 32]) -> Verdict {
    if bytes.len() as u64 > MAX_OBJECT_BYTES {
        return Verdict::Ignore(too_large(bytes.len() as u64));
    }
    let r: Reveal = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(_) => return Verdict::Ignore("not a remote-wipe reveal (malformed)".into()),
    };
    if r.version != VERSION {
        return Verdict::Ignore(format!("reveal of unknown version {}", r.version));
    }
    let Ok(secret) = hex::decode(&r.secret).map(Zeroizing::new) else {
        return Verdict::Ignore("reveal with a malformed secret".into());
    };
    let Ok(secret): Result<[u8; 32], _> = secret.as_slice().try_into() else {
        return Verdict::Ignore("reveal with a secret of the wrong length".into());
    };
    let c = commitment(&Zeroizing::new(secret));
    let same = c
        .iter()
        .zip(commitment_held)
        .fold(0u8, |a, (x, y)| a | (x ^ y))
        == 0;
    if same {
        Verdict::Fire
    } else {
        Verdict::Ignore(
            "reveal that does not match this arming (another arming's, or forged)".into(),
        )
    }
}

/// Why an object larger than [`MAX_OBJECT_BYTES`] is ignored.
pub fn too_large(size: u64) -> String {
    format!("not a remote-wipe reveal ({size} bytes, more than {MAX_OBJECT_BYTES})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Phrase;

    const USER: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    const FRIEND: &str =
        "legal winner thank year wave sausage worth useful legal winner thank yellow";
    const OTHER: &str = "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong";

    fn keys(p: &str) -> SecretKeys {
        Phrase::parse(p).unwrap().derive()
    }

    #[test]
    fn both_sides_derive_the_same_channel_and_secret() {
        let (u, f) = (keys(USER), keys(FRIEND));
        let device = Pair::as_device(&u, &f.public().id).unwrap();
        let friend = Pair::as_friend(&f, &u.public().id).unwrap();
        let nonce = [9u8; 32];
        // The X25519 keys from the Ed25519 scalars are the ones in the IDs.
        assert_eq!(device.device, parse_id(&u.public().id).unwrap());
        assert_eq!(friend.friend, parse_id(&f.public().id).unwrap());
        assert_eq!(device.channel(), friend.channel());
        assert_eq!(*device.secret(&nonce), *friend.secret(&nonce));
        // Another nonce, another secret.
        assert_ne!(*device.secret(&nonce), *device.secret(&[8u8; 32]));
        // A third party computes another channel and another secret.
        let o = keys(OTHER);
        let intruder = Pair::as_friend(&o, &u.public().id).unwrap();
        assert_ne!(intruder.channel(), device.channel());
        assert_ne!(*intruder.secret(&nonce), *device.secret(&nonce));
    }

    #[test]
    fn reveals_are_judged_against_the_commitment() {
        let secret = [5u8; 32];
        let c = commitment(&secret);
        assert_eq!(judge(&Reveal::encode(&secret), &c), Verdict::Fire);
        assert!(matches!(
            judge(&Reveal::encode(&[6u8; 32]), &c),
            Verdict::Ignore(_)
        ));
        assert!(matches!(judge(&Reveal::encode(&c), &c), Verdict::Ignore(_)));
        assert!(matches!(judge(b"garbage", &c), Verdict::Ignore(_)));
        assert!(matches!(
            judge(br#"{"version":1,"secret":"abcd"}"#, &c),
            Verdict::Ignore(_)
        ));
    }

    #[test]
    fn an_object_larger_than_a_reveal_is_not_parsed() {
        let secret = [5u8; 32];
        let c = commitment(&secret);
        let mut padded = Reveal::encode(&secret).to_vec();
        padded.extend(std::iter::repeat_n(b' ', MAX_OBJECT_BYTES as usize));
        assert_eq!(
            judge(&padded, &c),
            Verdict::Ignore(too_large(padded.len() as u64))
        );
    }

    proptest::proptest! {
        #[test]
        fn judge_never_panics_and_fires_only_on_the_reveal(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            flips in proptest::collection::vec((0usize..200, proptest::prelude::any::<u8>()), 1..4),
        ) {
            let secret = [5u8; 32];
            let c = commitment(&secret);
            proptest::prop_assert!(matches!(judge(&bytes, &c), Verdict::Ignore(_)));
            let mut mutated = Reveal::encode(&secret).to_vec();
            for (at, value) in flips {
                let i = at % mutated.len();
                mutated[i] = value;
            }
            if judge(&mutated, &c) == Verdict::Fire {
                // Only a change that keeps the secret (whitespace, hex case).
                let r: Reveal = serde_json::from_slice(&mutated).unwrap();
                proptest::prop_assert_eq!(hex::decode(r.secret).unwrap(), secret.to_vec());
            }
        }
    }

    #[test]
    fn ids_are_checked() {
        let u = keys(USER);
        assert_eq!(
            Pair::as_device(&u, &u.public().id).err(),
            Some(ProtocolError::SameId)
        );
        assert!(matches!(parse_id("05abcd"), Err(ProtocolError::BadId(_))));
        assert!(matches!(
            parse_id(&u.public().id[2..]),
            Err(ProtocolError::BadId(_))
        ));
        // A low-order point gives no agreement.
        let zero = format!("05{}", "00".repeat(32));
        assert!(matches!(
            Pair::as_device(&u, &zero),
            Err(ProtocolError::NoAgreement(_))
        ));
    }
}
