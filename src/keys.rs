//! The key hierarchy: everything derives from one BIP-39 recovery phrase.
//! Specified in docs/keys.md; test vectors in tests/vectors/keys.json.
//!
//! The phrase's entropy, zero-padded to 32 bytes (12 words) or taken as is
//! (24 words), is the *master seed*. It is the Ed25519 seed of the identity
//! (Session-compatible) and the key material for BLAKE3 `derive_key` with one
//! context string per purpose.

use std::fmt;
use std::str::FromStr;

use bech32::{Bech32, Hrp};
use ed25519_dalek::SigningKey;
use zeroize::{Zeroize, Zeroizing};

use crate::error::ExitKind;

/// BLAKE3 `derive_key` contexts. Changing one changes every derived key:
/// a new version gets a new label, old labels stay readable.
pub mod labels {
    pub const BACKUP_IDENTITY: &str = "crossing 2026-11-26 backup age identity v1";
    pub const STORE_LOCATOR: &str = "crossing 2026-11-26 store locator v1";
    pub const DEDUP_KEY: &str = "crossing 2026-11-26 chunk dedup key v1";
    /// The authority that certifies this pseudonym's writers (docs/keys.md):
    /// an Ed25519 seed. Only the phrase can certify or revoke a writer.
    pub const WRITER_AUTHORITY: &str = "crossing 2026-12-01 writer authority v1";
    /// Remote wipe (docs/remote-wipe.md): the per-arming secret.
    pub const REMOTE_WIPE_AGREEMENT: &str = "crossing 2026-11-26 remote wipe agreement v1";
    /// Remote wipe: the commitment to that secret, all a device keeps.
    pub const REMOTE_WIPE_COMMITMENT: &str = "crossing 2026-11-26 remote wipe commitment v1";
    /// Remote wipe: where in the store the pair's channel is.
    pub const REMOTE_WIPE_CHANNEL: &str = "crossing 2026-11-26 remote wipe channel v1";
    /// Remote wipe: the MAC key of the arming record (protocol version 2).
    pub const REMOTE_WIPE_ARMING: &str = "crossing 2026-12-01 remote wipe arming v2";
    /// Remote wipe: the key of the device's acknowledgment (version 2).
    pub const REMOTE_WIPE_ACK: &str = "crossing 2026-12-01 remote wipe acknowledgment v2";
}

/// Why a phrase was rejected. Positions are 1-based, as a user counts words.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhraseError {
    // The word itself is never shown: a typo is close to a word of the
    // phrase, and this message may go to a log or a JSON consumer.
    #[error("word {position} is not in the BIP-39 English word list; check its spelling on your written copy")]
    UnknownWord { position: usize, word: String },
    #[error("the phrase has {0} words; crossing phrases have 12 or 24 words")]
    WordCount(usize),
    #[error("the phrase's checksum does not match: a word is wrong or two words are swapped; check every word against your written copy")]
    Checksum,
    #[error("no recovery phrase was given")]
    Empty,
}

impl PhraseError {
    pub fn exit_kind(&self) -> ExitKind {
        ExitKind::WrongPhrase
    }
}

/// A validated recovery phrase. The words are zeroized on drop.
pub struct Phrase {
    mnemonic: bip39::Mnemonic,
}

impl Phrase {
    /// A fresh phrase from the OS random generator.
    pub fn generate(words: usize) -> anyhow::Result<Phrase> {
        anyhow::ensure!(
            words == 12 || words == 24,
            "--words must be 12 or 24, not {words}"
        );
        let mut entropy = Zeroizing::new([0u8; 32]);
        let len = if words == 12 { 16 } else { 32 };
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut entropy[..len]);
        let mnemonic = bip39::Mnemonic::from_entropy(&entropy[..len])?;
        Ok(Phrase { mnemonic })
    }

    /// Parses user input: case and white space are forgiven, words are not.
    pub fn parse(input: &str) -> Result<Phrase, PhraseError> {
        let mut normalized = Zeroizing::new(String::with_capacity(input.len()));
        let mut count = 0;
        for word in input.split_whitespace() {
            if count > 0 {
                normalized.push(' ');
            }
            normalized.push_str(&word.to_lowercase());
            count += 1;
        }
        if count == 0 {
            return Err(PhraseError::Empty);
        }
        // Check the words first so the error names the bad one even when the
        // count is also wrong.
        let wordlist = bip39::Language::English;
        for (i, word) in normalized.split(' ').enumerate() {
            if wordlist.find_word(word).is_none() {
                return Err(PhraseError::UnknownWord {
                    position: i + 1,
                    word: word.to_string(),
                });
            }
        }
        if count != 12 && count != 24 {
            return Err(PhraseError::WordCount(count));
        }
        match bip39::Mnemonic::parse_in_normalized(wordlist, &normalized) {
            Ok(mnemonic) => Ok(Phrase { mnemonic }),
            Err(bip39::Error::InvalidChecksum) => Err(PhraseError::Checksum),
            Err(bip39::Error::UnknownWord(i)) => Err(PhraseError::UnknownWord {
                position: i + 1,
                word: normalized.split(' ').nth(i).unwrap_or("").to_string(),
            }),
            Err(bip39::Error::BadWordCount(n)) => Err(PhraseError::WordCount(n)),
            Err(_) => Err(PhraseError::Checksum),
        }
    }

    pub fn word_count(&self) -> usize {
        self.mnemonic.word_count()
    }

    /// The words, space-separated, in a buffer zeroized on drop.
    pub fn words(&self) -> Zeroizing<String> {
        Zeroizing::new(self.mnemonic.words().collect::<Vec<_>>().join(" "))
    }

    /// The master seed: entropy zero-padded to 32 bytes.
    pub fn master_seed(&self) -> Zeroizing<[u8; 32]> {
        let (entropy, len) = self.mnemonic.to_entropy_array();
        let entropy = Zeroizing::new(entropy);
        let mut seed = Zeroizing::new([0u8; 32]);
        seed[..len].copy_from_slice(&entropy[..len]);
        seed
    }

    /// Every key of this phrase.
    pub fn derive(&self) -> SecretKeys {
        SecretKeys::from_master_seed(&self.master_seed())
    }
}

impl Drop for Phrase {
    fn drop(&mut self) {
        // bip39's `zeroize` feature zeroizes the word indices.
        self.mnemonic.zeroize();
    }
}

impl fmt::Debug for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phrase(<redacted>)")
    }
}

fn derive(label: &str, master: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(blake3::derive_key(label, master))
}

/// Keys that need the phrase: only ever in memory, zeroized on drop.
pub struct SecretKeys {
    signing: SigningKey,
    authority: SigningKey,
    backup_secret: Zeroizing<[u8; 32]>,
    public: PublicKeys,
}

impl SecretKeys {
    pub fn from_master_seed(master: &[u8; 32]) -> SecretKeys {
        let signing = SigningKey::from_bytes(master);
        let backup_secret = derive(labels::BACKUP_IDENTITY, master);
        let ed_public = signing.verifying_key();
        let x_public = ed_public.to_montgomery().to_bytes();
        let locator_bytes = derive(labels::STORE_LOCATOR, master);
        let dedup_key = derive(labels::DEDUP_KEY, master);
        let identity = age_identity(&backup_secret);
        let authority = SigningKey::from_bytes(&derive(labels::WRITER_AUTHORITY, master));
        let public = PublicKeys {
            id: format!("05{}", hex::encode(x_public)),
            ed25519_public: hex::encode(ed_public.to_bytes()),
            backup_recipient: identity.to_public().to_string(),
            locator: hex::encode(&locator_bytes[..16]),
            dedup_key: DedupKey(*dedup_key),
        };
        SecretKeys {
            signing,
            authority,
            backup_secret,
            public,
        }
    }

    pub fn public(&self) -> &PublicKeys {
        &self.public
    }

    /// The age identity that decrypts this pseudonym's backups.
    pub fn backup_identity(&self) -> age::x25519::Identity {
        age_identity(&self.backup_secret)
    }

    /// The key that certifies (and revokes) writers: it signs certificates,
    /// never snapshots.
    pub fn writer_authority(&self) -> &SigningKey {
        &self.authority
    }

    /// The Ed25519 signing key (used by remote wipe, pseudonym proofs).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}

/// Bech32-encodes the 32 secret bytes as `AGE-SECRET-KEY-1…` and parses it:
/// the `age` crate has no constructor from raw bytes.
fn age_identity(secret: &[u8; 32]) -> age::x25519::Identity {
    let hrp = Hrp::parse("age-secret-key-").expect("valid HRP");
    let mut encoded = bech32::encode::<Bech32>(hrp, secret).expect("32 bytes fit bech32");
    encoded.make_ascii_uppercase();
    let identity = age::x25519::Identity::from_str(&encoded).expect("valid age identity encoding");
    encoded.zeroize();
    identity
}

/// The keyed-hash key for chunk IDs. A device may keep it: it only lets its
/// holder recognise chunks it already has, not read anything.
#[derive(Clone, Copy, PartialEq, Eq, Zeroize)]
pub struct DedupKey(pub [u8; 32]);

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DedupKey(..)")
    }
}

/// What a device keeps about a pseudonym: enough to write backups, nothing
/// that reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeys {
    /// Session-style ID: `05` + hex X25519 public key (66 hex characters).
    pub id: String,
    /// Hex Ed25519 public key.
    pub ed25519_public: String,
    /// age recipient (`age1…`) that backups are encrypted to.
    pub backup_recipient: String,
    /// 32 hex characters: the repository's prefix in a store.
    pub locator: String,
    pub dedup_key: DedupKey,
}

impl PublicKeys {
    pub fn recipient(&self) -> anyhow::Result<age::x25519::Recipient> {
        age::x25519::Recipient::from_str(&self.backup_recipient).map_err(|e| {
            anyhow::anyhow!("stored backup recipient is not a valid age recipient: {e}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[test]
    fn unknown_word_is_named_with_its_position() {
        let err = Phrase::parse("abandon abandon abandonn abandon abandon abandon abandon abandon abandon abandon abandon about").unwrap_err();
        assert_eq!(
            err,
            PhraseError::UnknownWord {
                position: 3,
                word: "abandonn".into()
            }
        );
    }

    #[test]
    fn checksum_and_count_are_checked() {
        let bad = ABANDON.replace("about", "abandon");
        assert_eq!(Phrase::parse(&bad).unwrap_err(), PhraseError::Checksum);
        assert_eq!(
            Phrase::parse("abandon about").unwrap_err(),
            PhraseError::WordCount(2)
        );
        assert_eq!(Phrase::parse("  \n").unwrap_err(), PhraseError::Empty);
    }

    #[test]
    fn case_and_spacing_are_forgiven() {
        let messy = format!("  {}\n", ABANDON.to_uppercase().replace(' ', "\t "));
        let a = Phrase::parse(&messy).unwrap().derive();
        let b = Phrase::parse(ABANDON).unwrap().derive();
        assert_eq!(a.public(), b.public());
    }

    #[test]
    fn generated_phrases_round_trip() {
        for words in [12, 24] {
            let p = Phrase::generate(words).unwrap();
            assert_eq!(p.word_count(), words);
            let again = Phrase::parse(&p.words()).unwrap();
            assert_eq!(p.derive().public(), again.derive().public());
        }
        assert!(Phrase::generate(15).is_err());
    }

    #[test]
    fn backup_identity_matches_recipient() {
        let keys = Phrase::parse(ABANDON).unwrap().derive();
        assert_eq!(
            keys.backup_identity().to_public().to_string(),
            keys.public().backup_recipient
        );
    }
}
