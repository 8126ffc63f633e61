//! The channel objects of protocol version 2 that carry more than a secret:
//! the authenticated arming record and the device's encrypted
//! acknowledgment (docs/remote-wipe.md §Objects).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::protocol::{Root, MAX_OBJECT_BYTES};

/// The version byte that opens every MAC'd or sealed message of version 2.
pub const VERSION: u8 = 2;
/// An acknowledgment's plaintext is padded to this many bytes, so that its
/// size tells the store nothing (how many files, which error).
const ACK_PLAINTEXT_BYTES: usize = 640;
/// Room left for an error message in the padded plaintext.
const ACK_ERROR_CHARS: usize = 300;

/// Why the friend does not trust the arming record it found.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArmingError {
    #[error("the remote-wipe arming in the channel fails its authentication: the user's device did not write it (it was changed, replaced or forged by someone with access to the store). Nothing was written; tell the user by another way; their device restores its arming at its next check if it still can")]
    Tampered,
    #[error("the remote-wipe arming in the channel is of version 1, which carries no authentication (made by a crossing older than protocol version 2, or written by someone else to mislead you). Nothing was written; ask the user to arm again with `crossing remote-wipe arm`")]
    Unauthenticated,
    #[error("the remote-wipe arming in the channel is damaged ({0}). Nothing was written; ask the user to arm again")]
    Malformed(String),
}

impl ArmingError {
    pub fn exit_kind(&self) -> crate::error::ExitKind {
        crate::error::ExitKind::Integrity
    }
}

#[derive(Serialize, Deserialize)]
struct ArmingJson {
    version: u32,
    nonce: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    armed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mac: Option<String>,
}

/// One arming: its nonce (public) and when the device made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArmingRecord {
    pub nonce: [u8; 32],
    pub armed_at: i64,
}

/// `0x02 ‖ channel (32 ASCII hex) ‖ nonce ‖ armed_at (i64, big-endian)`:
/// the channel binds the record to its pair, the time tells the friend how
/// old it is.
fn mac_message(channel: &str, r: &ArmingRecord) -> Vec<u8> {
    let mut m = Vec::with_capacity(1 + channel.len() + 40);
    m.push(VERSION);
    m.extend_from_slice(channel.as_bytes());
    m.extend_from_slice(&r.nonce);
    m.extend_from_slice(&r.armed_at.to_be_bytes());
    m
}

impl ArmingRecord {
    /// The JSON written at `remote-wipe/<channel>/arming`.
    pub fn encode(&self, root: &Root, channel: &str) -> Vec<u8> {
        let mac = blake3::keyed_hash(&root.arming_key(), &mac_message(channel, self));
        serde_json::to_vec(&ArmingJson {
            version: VERSION.into(),
            nonce: hex::encode(self.nonce),
            armed_at: Some(self.armed_at),
            mac: Some(mac.to_hex().to_string()),
        })
        .expect("serialisable")
    }

    /// The record, if `root`'s MAC key made it for `channel`.
    pub fn verify(bytes: &[u8], root: &Root, channel: &str) -> Result<ArmingRecord, ArmingError> {
        let bad = |why: &str| ArmingError::Malformed(why.to_string());
        if bytes.len() as u64 > MAX_OBJECT_BYTES {
            return Err(bad("larger than an arming"));
        }
        let a: ArmingJson = serde_json::from_slice(bytes).map_err(|_| bad("not JSON"))?;
        match a.version {
            1 => return Err(ArmingError::Unauthenticated),
            2 => {}
            v => return Err(bad(&format!("unknown version {v}"))),
        }
        let nonce: [u8; 32] = hex::decode(&a.nonce)
            .ok()
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| bad("the nonce is not 32 bytes of hex"))?;
        let (Some(armed_at), Some(mac)) = (a.armed_at, a.mac) else {
            return Err(ArmingError::Tampered);
        };
        let mac = blake3::Hash::from_hex(&mac).map_err(|_| ArmingError::Tampered)?;
        let record = ArmingRecord { nonce, armed_at };
        // blake3::Hash compares in constant time.
        if blake3::keyed_hash(&root.arming_key(), &mac_message(channel, &record)) != mac {
            return Err(ArmingError::Tampered);
        }
        Ok(record)
    }
}

/// What the device tells the friend after it fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The nonce (hex) of the arming that fired: tells this arming's
    /// acknowledgment from an earlier one's.
    pub arming: String,
    pub armed_at: i64,
    pub fired_at: i64,
    pub files_destroyed: u64,
    /// Paths that could not be destroyed.
    pub failed: u64,
    /// Why the wipe stopped, if it did.
    pub error: Option<String>,
}

/// `0x02 ‖ channel`: the associated data of an acknowledgment.
fn ack_aad(channel: &str) -> Vec<u8> {
    let mut aad = vec![VERSION];
    aad.extend_from_slice(channel.as_bytes());
    aad
}

impl Ack {
    /// `0x02 ‖ nonce (24) ‖ XChaCha20-Poly1305(ack key, padded JSON)`.
    pub fn seal(&self, ack_key: &[u8; 32], channel: &str) -> Vec<u8> {
        let mut ack = self.clone();
        let mut keep = ACK_ERROR_CHARS;
        let mut plain = loop {
            if let Some(e) = &mut ack.error {
                if e.chars().count() > keep {
                    *e = e.chars().take(keep).collect::<String>() + "…";
                }
            }
            let json = serde_json::to_vec(&ack).expect("serialisable");
            // Escapes can make an error longer in JSON than in characters.
            if json.len() <= ACK_PLAINTEXT_BYTES || keep == 0 {
                break Zeroizing::new(json);
            }
            keep /= 2;
        };
        plain.resize(ACK_PLAINTEXT_BYTES, b' ');
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new(ack_key.into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &ack_aad(channel),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any length");
        let mut out = Vec::with_capacity(1 + 24 + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// The acknowledgment, if the holder of `ack_key` sealed it for `channel`.
    pub fn open(bytes: &[u8], ack_key: &[u8; 32], channel: &str) -> Option<Ack> {
        if bytes.len() < 1 + 24 + 16 || bytes[0] != VERSION {
            return None;
        }
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(ack_key.into())
                .decrypt(
                    XNonce::from_slice(&bytes[1..25]),
                    Payload {
                        msg: &bytes[25..],
                        aad: &ack_aad(channel),
                    },
                )
                .ok()?,
        );
        serde_json::from_slice(&plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANNEL: &str = "00112233445566778899aabbccddeeff";

    #[test]
    fn an_arming_verifies_only_unchanged_and_under_its_key() {
        let root = Root::token(&[1u8; 32]);
        let r = ArmingRecord {
            nonce: [7u8; 32],
            armed_at: 1_800_000_000,
        };
        let bytes = r.encode(&root, CHANNEL);
        assert_eq!(ArmingRecord::verify(&bytes, &root, CHANNEL), Ok(r));
        // Another key, another channel, another time or nonce: tampered.
        let other = Root::token(&[2u8; 32]);
        assert_eq!(
            ArmingRecord::verify(&bytes, &other, CHANNEL),
            Err(ArmingError::Tampered)
        );
        assert_eq!(
            ArmingRecord::verify(&bytes, &root, &CHANNEL.replace('0', "1")),
            Err(ArmingError::Tampered)
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        let later = text.replace("1800000000", "1800000001");
        assert_eq!(
            ArmingRecord::verify(later.as_bytes(), &root, CHANNEL),
            Err(ArmingError::Tampered)
        );
        let renonced = text.replace(&hex::encode([7u8; 32]), &hex::encode([8u8; 32]));
        assert_eq!(
            ArmingRecord::verify(renonced.as_bytes(), &root, CHANNEL),
            Err(ArmingError::Tampered)
        );
        // The format of version 1 (no MAC) is refused, not trusted.
        let v1 = format!(r#"{{"version":1,"nonce":"{}"}}"#, hex::encode([7u8; 32]));
        assert_eq!(
            ArmingRecord::verify(v1.as_bytes(), &root, CHANNEL),
            Err(ArmingError::Unauthenticated)
        );
        let stripped = format!(r#"{{"version":2,"nonce":"{}"}}"#, hex::encode([7u8; 32]));
        assert_eq!(
            ArmingRecord::verify(stripped.as_bytes(), &root, CHANNEL),
            Err(ArmingError::Tampered)
        );
        assert!(matches!(
            ArmingRecord::verify(b"junk", &root, CHANNEL),
            Err(ArmingError::Malformed(_))
        ));
    }

    #[test]
    fn an_ack_opens_only_under_its_key_and_has_one_size() {
        let key = [3u8; 32];
        let ack = Ack {
            arming: hex::encode([7u8; 32]),
            armed_at: 1,
            fired_at: 2,
            files_destroyed: 301,
            failed: 0,
            error: None,
        };
        let sealed = ack.seal(&key, CHANNEL);
        assert_eq!(Ack::open(&sealed, &key, CHANNEL), Some(ack.clone()));
        assert_eq!(Ack::open(&sealed, &[4u8; 32], CHANNEL), None);
        assert_eq!(Ack::open(&sealed, &key, &CHANNEL.replace('0', "1")), None);
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(Ack::open(&flipped, &key, CHANNEL), None);
        // A long error is cut, and the size does not depend on the content.
        let long = Ack {
            error: Some("\u{1}\"".repeat(2000)),
            files_destroyed: u64::MAX,
            ..ack
        };
        let sealed_long = long.seal(&key, CHANNEL);
        assert_eq!(sealed_long.len(), sealed.len());
        assert!(sealed.len() as u64 <= MAX_OBJECT_BYTES);
        assert!(
            Ack::open(&sealed_long, &key, CHANNEL)
                .unwrap()
                .error
                .unwrap()
                .len()
                < 400
        );
    }
}
