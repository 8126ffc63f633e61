//! The unlock gate's secrets: an app PIN, an optional duress code and an
//! optional failure limit, in one fixed-size file (`<home>/gate`, 0600).
//!
//! Nothing in the file says whether a duress code or a failure limit is set:
//! every slot is always filled, with random bytes when unused, the file has
//! the same size and layout either way, and every check runs the same code.
//!
//! One Argon2id computation per attempt: `H = Argon2id(code, salt)` (64
//! bytes). `H[..32]` is compared (in constant time) with both the PIN slot
//! and the duress slot, so both are always verified for the price of one
//! hash. `H[32..]` is a key that only the PIN yields: it seals the settings
//! (is a duress code set, the failure limit) that `duress status` shows.
//!
//! The failure limit must be checked after a *wrong* code, when no key is
//! available, and any rule that needs no key can be run on a copy of the
//! file. So the rule costs what a wrong code costs: the limit slot holds
//! `Argon2id("crossing gate failure limit v2" ‖ n, limit salt)` for the
//! limit `n` (random bytes without a limit), and every attempt computes that
//! hash for the count it would reach, on a second thread beside the code's
//! hash (same parameters, so the same time on two cores). Learning the limit
//! from a copy takes one Argon2id per count tried, as entering wrong codes
//! into a copy does; nothing cheaper tells "limit n" from "no limit". What a
//! copy reveals is listed in docs/duress.md.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use crate::error::ExitKind;

pub const GATE_FILE: &str = "gate";
/// Minimum length of a PIN and of a duress code, in characters.
pub const MIN_LEN: usize = 6;
/// Smallest failure limit: fewer would wipe on a couple of typos.
pub const MIN_FAILURE_LIMIT: u32 = 3;

/// Argon2id parameters (RFC 9106): 64 MiB, 3 passes, 1 lane: about 0.4 s
/// on a 2020s laptop core, which is the price of every guess.
pub const ARGON2_M_KIB: u32 = 64 * 1024;
pub const ARGON2_T: u32 = 3;
pub const ARGON2_P: u32 = 1;

const MAGIC: &[u8; 8] = b"crgate\x00\x02";
/// The first format: its failure limit was a cheap keyed hash whose key was
/// in the file, so a BLAKE3 loop over a copy found the limit.
const MAGIC_V1: &[u8; 8] = b"crgate\x00\x01";
const SETTINGS_LEN: usize = 16;
const MAC_LEN: usize = 32;
/// magic, salt, PIN slot, duress slot, limit salt, limit slot, failures, settings, MAC.
pub const FILE_SIZE: usize = 8 + 16 + 32 + 32 + 16 + 32 + 4 + SETTINGS_LEN + MAC_LEN;
/// Where the failure counter is (the one field in the clear besides the magic).
pub const FAILURES_AT: usize = 8 + 16 + 32 + 32 + 16 + 32;

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("no PIN is set; set one (and a duress code) with `crossing duress set`")]
    NotSet,
    #[error("wrong PIN; enter it again")]
    WrongPin,
    #[error("the unlock gate file {path} is damaged ({why}); if you know your PIN, remove the file and run `crossing duress set` again")]
    Damaged { path: PathBuf, why: String },
    #[error("the unlock gate file {path} was written by an older crossing, whose file let a copy reveal the failure limit; remove it and run `crossing duress set` again")]
    Old { path: PathBuf },
}

impl GateError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            GateError::NotSet => ExitKind::Refused,
            GateError::WrongPin => ExitKind::WrongPin,
            GateError::Damaged { .. } | GateError::Old { .. } => ExitKind::State,
        }
    }
}

/// What `duress status` shows; sealed under the PIN's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    pub duress_code: bool,
    pub max_failures: Option<u32>,
}

/// The gate file, parsed.
#[derive(Clone)]
pub struct Gate {
    salt: [u8; 16],
    pin: [u8; 32],
    duress: [u8; 32],
    limit_salt: [u8; 16],
    limit_tag: [u8; 32],
    /// Wrong codes since the last right one.
    pub failures: u32,
    settings: [u8; SETTINGS_LEN],
    mac: [u8; MAC_LEN],
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.pin.zeroize();
        self.duress.zeroize();
        self.limit_tag.zeroize();
    }
}

/// The result of one attempt. `key` opens the settings only for the PIN.
pub struct Check {
    pub pin: bool,
    pub duress: bool,
    /// Whether one more wrong code reaches the failure limit.
    limit_reached: bool,
    hash: Zeroizing<[u8; 64]>,
}

impl Check {
    /// After a duress wipe the code is the fresh gate's PIN.
    pub fn as_pin(self) -> Check {
        Check {
            pin: true,
            duress: false,
            limit_reached: false,
            hash: self.hash,
        }
    }
}

/// Argon2id(code, salt), 64 bytes.
pub fn hash(code: &str, salt: &[u8; 16]) -> Zeroizing<[u8; 64]> {
    argon2id::<64>(code.as_bytes(), salt)
}

fn argon2id<const N: usize>(input: &[u8], salt: &[u8; 16]) -> Zeroizing<[u8; N]> {
    let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(N))
        .expect("valid Argon2 parameters");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; N]);
    argon
        .hash_password_into(input, salt, &mut out[..])
        .expect("Argon2 with valid parameters and a 16-byte salt");
    out
}

/// The limit slot's value for limit `n`: as costly as checking a code.
pub fn limit_tag(salt: &[u8; 16], n: u32) -> Zeroizing<[u8; 32]> {
    let mut input = b"crossing gate failure limit v2 ".to_vec();
    input.extend_from_slice(&n.to_le_bytes());
    argon2id::<32>(&input, salt)
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks that a new PIN and duress code may be used (a usage error, exit
/// 2, when not: the user chooses them).
pub fn validate(pin: &str, duress: Option<&str>) -> anyhow::Result<()> {
    let long_enough = |s: &str| s.chars().count() >= MIN_LEN;
    if !long_enough(pin) {
        crate::bail_kind!(
            ExitKind::Usage,
            "the PIN must have at least {MIN_LEN} characters; nothing was changed"
        );
    }
    if let Some(d) = duress {
        if !long_enough(d) {
            crate::bail_kind!(
                ExitKind::Usage,
                "the duress code must have at least {MIN_LEN} characters; nothing was changed"
            );
        }
        if d == pin {
            crate::bail_kind!(
                ExitKind::Usage,
                "the duress code must differ from the PIN; nothing was changed"
            );
        }
    }
    Ok(())
}

impl Gate {
    /// A new gate: a fresh salt, the PIN, and the duress code and failure
    /// limit if given (random slots otherwise). Two hash computations.
    pub fn new(pin: &str, duress: Option<&str>, max_failures: Option<u32>) -> Gate {
        let salt = random::<16>();
        let pin_hash = hash(pin, &salt);
        let duress_slot = match duress {
            Some(d) => hash(d, &salt)[..32].try_into().expect("32 bytes"),
            None => random::<32>(),
        };
        Gate::from_parts(salt, &pin_hash, duress_slot, max_failures, duress.is_some())
    }

    /// The gate left after a duress wipe: the duress code (whose hash the
    /// attempt already computed) is now the PIN, and nothing else is set.
    /// No new hash is computed, so this costs no time.
    pub fn after_duress(&self, check: &Check) -> Gate {
        Gate::from_parts(self.salt, &check.hash, random::<32>(), None, false)
    }

    fn from_parts(
        salt: [u8; 16],
        pin_hash: &[u8; 64],
        duress: [u8; 32],
        max_failures: Option<u32>,
        duress_set: bool,
    ) -> Gate {
        let limit_salt = random::<16>();
        let limit_tag = match max_failures {
            Some(n) => *limit_tag(&limit_salt, n),
            None => random::<32>(),
        };
        let mut plain = [0u8; SETTINGS_LEN];
        plain[0] = duress_set as u8;
        plain[1..5].copy_from_slice(&max_failures.unwrap_or(0).to_le_bytes());
        let key: [u8; 32] = pin_hash[32..].try_into().expect("32 bytes");
        let (settings, mac) = seal(&key, &plain);
        Gate {
            salt,
            pin: pin_hash[..32].try_into().expect("32 bytes"),
            duress,
            limit_salt,
            limit_tag,
            failures: 0,
            settings,
            mac,
        }
    }

    /// One attempt, the same work whatever the code: the code's Argon2id,
    /// compared with both slots, and beside it (a second thread) the limit
    /// slot's Argon2id for the count a wrong code would reach.
    pub fn check(&self, code: &str) -> Check {
        let next = self.failures.saturating_add(1);
        let (hash, tag) = std::thread::scope(|s| {
            let limit = s.spawn(|| limit_tag(&self.limit_salt, next));
            let hash = hash(code, &self.salt);
            (hash, limit.join().expect("the limit hash does not panic"))
        });
        let pin = ct_eq(&hash[..32], &self.pin);
        let duress = ct_eq(&hash[..32], &self.duress);
        let limit_reached = ct_eq(&tag[..], &self.limit_tag);
        Check {
            pin,
            duress,
            limit_reached,
            hash,
        }
    }

    /// The settings, for a check that matched the PIN.
    pub fn settings(&self, check: &Check) -> Option<Settings> {
        if !check.pin {
            return None;
        }
        let key: [u8; 32] = check.hash[32..].try_into().expect("32 bytes");
        let plain = open(&key, &self.settings, &self.mac)?;
        let limit = u32::from_le_bytes(plain[1..5].try_into().expect("4 bytes"));
        Some(Settings {
            duress_code: plain[0] == 1,
            max_failures: (limit > 0).then_some(limit),
        })
    }

    /// Counts the wrong code `check` was; true when that reaches the
    /// failure limit (which `check` already computed: no extra time).
    pub fn record_failure(&mut self, check: &Check) -> bool {
        self.failures = self.failures.saturating_add(1);
        check.limit_reached
    }

    pub fn path(home: &Path) -> PathBuf {
        home.join(GATE_FILE)
    }

    /// The gate in `home`, or `None` if no PIN is set.
    pub fn load(home: &Path) -> Result<Option<Gate>, GateError> {
        let path = Gate::path(home);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(GateError::Damaged {
                    path,
                    why: e.to_string(),
                })
            }
        };
        if bytes.starts_with(MAGIC_V1) {
            return Err(GateError::Old { path });
        }
        Gate::decode(&bytes).map(Some).ok_or(GateError::Damaged {
            path,
            why: "wrong size or format".into(),
        })
    }

    fn decode(b: &[u8]) -> Option<Gate> {
        if b.len() != FILE_SIZE || &b[..8] != MAGIC {
            return None;
        }
        let mut at = 8;
        let mut take = |n: usize| {
            let s = &b[at..at + n];
            at += n;
            s
        };
        Some(Gate {
            salt: take(16).try_into().ok()?,
            pin: take(32).try_into().ok()?,
            duress: take(32).try_into().ok()?,
            limit_salt: take(16).try_into().ok()?,
            limit_tag: take(32).try_into().ok()?,
            failures: u32::from_le_bytes(take(4).try_into().ok()?),
            settings: take(SETTINGS_LEN).try_into().ok()?,
            mac: take(MAC_LEN).try_into().ok()?,
        })
    }

    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(FILE_SIZE));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.pin);
        out.extend_from_slice(&self.duress);
        out.extend_from_slice(&self.limit_salt);
        out.extend_from_slice(&self.limit_tag);
        out.extend_from_slice(&self.failures.to_le_bytes());
        out.extend_from_slice(&self.settings);
        out.extend_from_slice(&self.mac);
        debug_assert_eq!(out.len(), FILE_SIZE);
        out
    }

    /// Writes the gate durably: a new file, synced, renamed over the old.
    pub fn save(&self, home: &Path) -> anyhow::Result<()> {
        crate::home::create_private_dir(home)?;
        let path = Gate::path(home);
        let write = || crate::home::write_durably(home, GATE_FILE, &self.encode());
        write().map_err(|e| anyhow::anyhow!("cannot write the unlock gate {}: {e}", path.display()))
    }

    /// Overwrites the gate file in place, then removes it.
    pub fn destroy(home: &Path) -> anyhow::Result<()> {
        let path = Gate::path(home);
        let result = (|| -> std::io::Result<()> {
            let mut f = OpenOptions::new().write(true).open(&path)?;
            f.write_all(&random::<FILE_SIZE>())?;
            f.sync_all()?;
            fs::remove_file(&path)?;
            File::open(home)?.sync_all()
        })();
        result.map_err(|e| anyhow::anyhow!("cannot remove the unlock gate {}: {e}", path.display()))
    }
}

/// Settings sealed under the PIN's key: XOR with a keyed BLAKE3 stream,
/// then a keyed BLAKE3 MAC. A key is used for one settings value only (a
/// new salt, so a new key, at every `duress set`).
fn seal(key: &[u8; 32], plain: &[u8; SETTINGS_LEN]) -> ([u8; SETTINGS_LEN], [u8; MAC_LEN]) {
    let mut ct = keystream(key);
    for (c, p) in ct.iter_mut().zip(plain) {
        *c ^= p;
    }
    (ct, mac(key, &ct))
}

fn open(
    key: &[u8; 32],
    ct: &[u8; SETTINGS_LEN],
    tag: &[u8; MAC_LEN],
) -> Option<[u8; SETTINGS_LEN]> {
    if !ct_eq(&mac(key, ct), tag) {
        return None;
    }
    let mut plain = keystream(key);
    for (p, c) in plain.iter_mut().zip(ct) {
        *p ^= c;
    }
    Some(plain)
}

fn keystream(key: &[u8; 32]) -> [u8; SETTINGS_LEN] {
    let mut out = [0u8; SETTINGS_LEN];
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(b"crossing gate settings stream v1");
    h.finalize_xof().fill(&mut out);
    out
}

fn mac(key: &[u8; 32], ct: &[u8]) -> [u8; MAC_LEN] {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(b"crossing gate settings mac v1");
    h.update(ct);
    *h.finalize().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_duress_and_wrong_codes() {
        let g = Gate::new("123456", Some("654321"), Some(3));
        let c = g.check("123456");
        assert!(c.pin && !c.duress);
        assert_eq!(
            g.settings(&c),
            Some(Settings {
                duress_code: true,
                max_failures: Some(3)
            })
        );
        let d = g.check("654321");
        assert!(d.duress && !d.pin);
        assert_eq!(g.settings(&d), None);
        let w = g.check("000000");
        assert!(!w.pin && !w.duress);

        // After duress: the duress code is the PIN, nothing else is set.
        let fresh = g.after_duress(&d);
        let again = fresh.check("654321");
        assert!(again.pin && !again.duress);
        assert_eq!(
            fresh.settings(&again),
            Some(Settings {
                duress_code: false,
                max_failures: None
            })
        );
        assert!(!fresh.check("123456").pin);
    }

    #[test]
    fn failure_limit_fires_at_the_limit_only() {
        let mut g = Gate::new("123456", None, Some(3));
        let wrong = |g: &mut Gate| {
            let c = g.check("000000");
            g.record_failure(&c)
        };
        assert!(!wrong(&mut g));
        assert!(!wrong(&mut g));
        assert!(wrong(&mut g));
        let mut unlimited = Gate::new("123456", None, None);
        assert!((0..4).all(|_| !wrong(&mut unlimited)));
        assert!(!unlimited.check("123456").limit_reached);
    }

    #[test]
    fn same_size_and_layout_whatever_is_set() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        Gate::new("123456", Some("654321"), Some(5))
            .save(&a)
            .unwrap();
        Gate::new("123456", None, None).save(&b).unwrap();
        let (fa, fb) = (
            fs::read(a.join(GATE_FILE)).unwrap(),
            fs::read(b.join(GATE_FILE)).unwrap(),
        );
        assert_eq!(fa.len(), FILE_SIZE);
        assert_eq!(fb.len(), FILE_SIZE);
        // Only the magic and the failure counter are predictable.
        assert_eq!(fa[..8], fb[..8]);
        let loaded = Gate::load(&a).unwrap().unwrap();
        assert!(loaded.check("654321").duress);
        fs::write(a.join(GATE_FILE), b"short").unwrap();
        assert!(matches!(Gate::load(&a), Err(GateError::Damaged { .. })));
        assert!(Gate::load(dir.path()).unwrap().is_none());
    }

    #[test]
    fn codes_are_validated() {
        assert!(validate("12345", None).is_err());
        assert!(validate("123456", Some("123456")).is_err());
        assert!(validate("123456", Some("12345")).is_err());
        assert!(validate("123456", Some("abcdef")).is_ok());
    }
}
