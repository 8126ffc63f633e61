//! Sealing objects: padding, then age encryption to the backup recipient.
//!
//! Plaintext framing (docs/format.md §Sealing): `payload || zeros || u64le(len(payload))`,
//! padded so that the whole is `padded_len(len(payload) + 8)` bytes: Padmé,
//! capped at a multiple of 64 KiB. An observer of the store learns a small
//! object's size only to within ~12%, a pack's to within 64 KiB.

use std::io::{Read, Write};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("not encrypted to this key")]
    NotForThisKey,
    #[error("authentication failed: {0}")]
    Decrypt(String),
    #[error("bad padding or length framing")]
    Framing,
}

impl OpenError {
    /// An object that does not open is damage (or not crossing's).
    pub fn exit_kind(&self) -> crate::error::ExitKind {
        crate::error::ExitKind::Integrity
    }
}

/// Padmé (Nikitin et al., PETS 2019): rounds `len` up, leaking O(log log len) bits.
pub fn padme(len: u64) -> u64 {
    if len < 2 {
        return len;
    }
    let e = 63 - len.leading_zeros() as u64; // floor(log2 len)
    let s = 64 - e.leading_zeros() as u64; // floor(log2 e) + 1
    let last_bits = e - s;
    let mask = (1u64 << last_bits) - 1;
    (len + mask) & !mask
}

/// Padding granularity for large objects (packs).
pub const LARGE_OBJECT_QUANTUM: u64 = 64 * 1024;

/// Padmé, or the next multiple of 64 KiB if that is smaller. Padmé alone
/// rounds an 8 MiB pack up to a multiple of 256 KiB (+1.5% store size on
/// average); packs are all of about the target size anyway, so 64 KiB
/// steps hide nearly as much there, at a quarter of the cost.
pub fn padded_len(len: u64) -> u64 {
    padme(len).min(len.div_ceil(LARGE_OBJECT_QUANTUM) * LARGE_OBJECT_QUANTUM)
}

/// Frames and pads `payload` in place, ready for encryption.
pub fn frame(mut payload: Vec<u8>) -> Vec<u8> {
    frame_in_place(&mut payload);
    payload
}

fn frame_in_place(payload: &mut Vec<u8>) {
    let len = payload.len() as u64;
    let total = padded_len(len + 8) as usize;
    payload.resize(total - 8, 0);
    payload.extend_from_slice(&len.to_le_bytes());
}

/// Undoes [`frame`], strictly: the padding must be zeros. The length is
/// checked against the frame before anything is computed from it.
pub fn unframe(mut framed: Vec<u8>) -> Result<Vec<u8>, OpenError> {
    let split = framed.len().checked_sub(8).ok_or(OpenError::Framing)?;
    let mut last = [0u8; 8];
    last.copy_from_slice(&framed[split..]);
    let len = usize::try_from(u64::from_le_bytes(last))
        .ok()
        .filter(|&len| len <= split)
        .ok_or(OpenError::Framing)?;
    if framed[len..split].iter().any(|&b| b != 0)
        || framed.len() as u64 != padded_len(len as u64 + 8)
    {
        return Err(OpenError::Framing);
    }
    framed.truncate(len);
    Ok(framed)
}

/// Room for the age header in [`max_sealed_len`]: crossing's is at most
/// 358 bytes (an X25519 stanza and a grease stanza of at most 190).
const AGE_HEADER_ALLOWANCE: u64 = 64 * 1024;

/// The most a sealed object of a payload up to `payload_max` bytes can
/// weigh in the store: the padded frame, age's nonce and one 16-byte tag
/// per 64 KiB, and the header (docs/format.md, *Sealing*).
pub fn max_sealed_len(payload_max: u64) -> u64 {
    let framed = padded_len(payload_max.saturating_add(8));
    let tags = framed.div_ceil(64 * 1024).max(1) * 16;
    AGE_HEADER_ALLOWANCE + 16 + framed + tags
}

/// An object sealed as its payload comes, straight into the buffer that is
/// uploaded: the frame's padding and length come after the payload, so no
/// plaintext copy of the whole is ever held (a pack's 8 MiB, per worker).
pub struct Sealer {
    writer: age::stream::StreamWriter<Vec<u8>>,
    len: u64,
}

impl Sealer {
    /// `payload_max`: the most this object will hold (room is reserved for
    /// it; pages are only touched as they are written).
    pub fn new(recipient: &age::x25519::Recipient, payload_max: u64) -> anyhow::Result<Sealer> {
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
                .map_err(|e| anyhow::anyhow!("cannot set up encryption: {e}"))?;
        let out = Vec::with_capacity(max_sealed_len(payload_max) as usize);
        Ok(Sealer {
            writer: encryptor.wrap_output(out)?,
            len: 0,
        })
    }

    /// Bytes of payload written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Pads, writes the length, and returns the sealed object: what [`seal`]
    /// makes of the same payload (but for age's randomness).
    pub fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        const ZEROS: [u8; 4096] = [0; 4096];
        let mut padding = padded_len(self.len + 8) - 8 - self.len;
        while padding > 0 {
            let n = padding.min(ZEROS.len() as u64) as usize;
            self.writer.write_all(&ZEROS[..n])?;
            padding -= n as u64;
        }
        self.writer.write_all(&self.len.to_le_bytes())?;
        Ok(self.writer.finish()?)
    }
}

pub fn seal(payload: &[u8], recipient: &age::x25519::Recipient) -> anyhow::Result<Vec<u8>> {
    let mut sealer = Sealer::new(recipient, payload.len() as u64)?;
    sealer.write(payload)?;
    sealer.finish()
}

pub fn open(sealed: &[u8], identity: &age::x25519::Identity) -> Result<Vec<u8>, OpenError> {
    let decryptor =
        age::Decryptor::new_buffered(sealed).map_err(|e| OpenError::Decrypt(e.to_string()))?;
    let reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => OpenError::NotForThisKey,
            other => OpenError::Decrypt(other.to_string()),
        })?;
    // The plaintext is shorter than the ciphertext: never read more.
    let mut framed = Vec::with_capacity(sealed.len());
    reader
        .take(sealed.len() as u64 + 1)
        .read_to_end(&mut framed)
        .map_err(|e| OpenError::Decrypt(e.to_string()))?;
    if framed.len() > sealed.len() {
        return Err(OpenError::Decrypt(
            "plaintext longer than the object".into(),
        ));
    }
    unframe(framed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_streamed_seal_opens_to_its_payload_framed_as_a_whole_one() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        for len in [0usize, 1, 4095, 65_535, 65_536, 65_537, 300_001] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut sealer = Sealer::new(&recipient, len as u64).unwrap();
            for piece in payload.chunks(7_777) {
                sealer.write(piece).unwrap();
            }
            assert_eq!(sealer.len(), len as u64);
            let streamed = sealer.finish().unwrap();
            assert_eq!(open(&streamed, &identity).unwrap(), payload, "{len}");
            // Framed as a whole one is (age's header varies in length).
            let framed = frame(payload.clone());
            let tags = framed.len().div_ceil(64 * 1024).max(1) * 16;
            assert!(streamed.len() >= framed.len() + tags, "{len}");
            assert!(streamed.len() as u64 <= max_sealed_len(len as u64));
        }
    }

    #[test]
    fn padme_known_values() {
        // From the Padmé paper's definition: at most 12% overhead.
        assert_eq!(padme(0), 0);
        assert_eq!(padme(9), 10);
        assert_eq!(padme(100), 104);
        assert_eq!(padme(1000), 1024);
        assert_eq!(padme(1_000_000), 1_015_808);
        // Large objects: 64 KiB steps where those are finer than Padmé's.
        assert_eq!(padded_len(1000), 1024);
        assert_eq!(padded_len(1_000_000), 1_015_808);
        assert_eq!(padded_len(8_000_000), 8_060_928);
        assert_eq!(padme(8_000_000), 8_126_464);
    }

    proptest! {
        #[test]
        fn padme_bounds(len in 1u64..1u64 << 40) {
            let p = padme(len);
            prop_assert!(p >= len);
            prop_assert!((p - len) as f64 <= len as f64 * 0.12 + 1.0);
        }

        #[test]
        fn frame_round_trips(payload in proptest::collection::vec(any::<u8>(), 0..5000)) {
            prop_assert_eq!(unframe(frame(payload.clone())).unwrap(), payload);
        }

        #[test]
        fn unframe_never_panics(
            body in proptest::collection::vec(any::<u8>(), 0..300),
            len in prop_oneof![any::<u64>(), 0u64..400, Just(u64::MAX), Just(u64::MAX - 7)],
        ) {
            // Arbitrary bytes, and arbitrary bytes ending in a chosen length.
            if let Ok(payload) = unframe(body.clone()) {
                prop_assert!(payload.len() + 8 <= body.len());
            }
            let mut framed = body;
            framed.extend_from_slice(&len.to_le_bytes());
            if let Ok(payload) = unframe(framed.clone()) {
                prop_assert_eq!(payload.len() as u64, len);
                prop_assert_eq!(frame(payload), framed);
            }
        }

        #[test]
        fn sealed_objects_stay_within_their_bound(len in 0usize..200_000) {
            let id = age::x25519::Identity::generate();
            let sealed = seal(&vec![0x5a; len], &id.to_public()).unwrap();
            prop_assert!(sealed.len() as u64 <= max_sealed_len(len as u64));
        }
    }

    #[test]
    fn seal_round_trip_and_wrong_key() {
        let a = age::x25519::Identity::generate();
        let b = age::x25519::Identity::generate();
        let sealed = seal(b"secret payload", &a.to_public()).unwrap();
        assert_eq!(open(&sealed, &a).unwrap(), b"secret payload");
        assert!(matches!(open(&sealed, &b), Err(OpenError::NotForThisKey)));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(open(&flipped, &a), Err(OpenError::Decrypt(_))));
    }
}
