//! The target list: a small copy of what the emergency wipes destroy (every
//! profile's name, data directory and client kind) in `<home>/targets`, so a
//! duress code, the failure limit, the dead-man switch or a remote wipe still
//! finds the data directories when `state.db` is corrupt or gone.
//!
//! The file is versioned and ends with a BLAKE3 checksum of the rest: it
//! catches damage, not an adversary (who can write a valid one). What keeps
//! an edited list from steering a wipe is the guard rails every target goes
//! through (`protect::wipe::guard`), and the client kind names key files
//! only through the code (`Client::key_material`), never through the file.
//! It is rewritten atomically whenever a profile is added or removed, and
//! whenever the database is opened and the list differs from it.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use super::profiles::{Client, Profile};
use super::State;

pub const TARGETS_FILE: &str = "targets";
const MAGIC: &[u8; 8] = b"crtgts\x00\x01";
const SUM_LEN: usize = 32;
/// Bounds that a damaged or hostile file cannot make us exceed.
const MAX_FILE: u64 = 1 << 20;
const MAX_ENTRIES: u32 = 4096;

/// One profile as the list records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub profile: String,
    pub data_dir: PathBuf,
    pub client: Client,
}

impl Listed {
    pub fn of(p: &Profile) -> Listed {
        Listed {
            profile: p.name.clone(),
            data_dir: p.data_dir.clone(),
            client: Client::from_name(&p.client).unwrap_or(Client::Generic),
        }
    }
}

fn client_code(c: Client) -> u8 {
    match c {
        Client::Generic => 0,
        Client::Signal => 1,
        Client::Session => 2,
    }
}

fn client_of(code: u8) -> Option<Client> {
    match code {
        0 => Some(Client::Generic),
        1 => Some(Client::Signal),
        2 => Some(Client::Session),
        _ => None,
    }
}

/// magic, count (u32 LE), then per entry: client (u8), name length (u16 LE),
/// name, path length (u32 LE), path bytes; then BLAKE3 of all that.
pub fn encode(list: &[Listed]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(list.len() as u32).to_le_bytes());
    for l in list {
        let path = l.data_dir.as_os_str().as_bytes();
        out.push(client_code(l.client));
        out.extend_from_slice(&(l.profile.len() as u16).to_le_bytes());
        out.extend_from_slice(l.profile.as_bytes());
        out.extend_from_slice(&(path.len() as u32).to_le_bytes());
        out.extend_from_slice(path);
    }
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    out
}

/// The list in `bytes`, or `None` for anything damaged (wrong magic or
/// checksum, truncated, trailing bytes, an unknown client).
pub fn decode(bytes: &[u8]) -> Option<Vec<Listed>> {
    let body_len = bytes.len().checked_sub(SUM_LEN)?;
    let (body, sum) = bytes.split_at(body_len);
    if !body.starts_with(MAGIC) || blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let mut rest = &body[MAGIC.len()..];
    let mut take = |n: usize| -> Option<&[u8]> {
        if rest.len() < n {
            return None;
        }
        let (a, b) = rest.split_at(n);
        rest = b;
        Some(a)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().ok()?);
    if count > MAX_ENTRIES {
        return None;
    }
    let mut list = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let client = client_of(take(1)?[0])?;
        let name_len = u16::from_le_bytes(take(2)?.try_into().ok()?) as usize;
        let profile = String::from_utf8(take(name_len)?.to_vec()).ok()?;
        let path_len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let data_dir = PathBuf::from(OsString::from_vec(take(path_len)?.to_vec()));
        list.push(Listed {
            profile,
            data_dir,
            client,
        });
    }
    rest.is_empty().then_some(list)
}

pub fn path(home: &Path) -> PathBuf {
    home.join(TARGETS_FILE)
}

/// The list in `home`; `None` when it is missing or damaged (ignored whole:
/// a list that fails its checksum cannot be trusted in part).
pub fn read(home: &Path) -> Option<Vec<Listed>> {
    let f = File::open(path(home)).ok()?;
    if f.metadata().ok()?.len() > MAX_FILE {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(MAX_FILE).read_to_end(&mut bytes).ok()?;
    decode(&bytes)
}

/// Writes the list durably: a new 0600 file, synced, renamed over the old.
pub fn write(home: &Path, list: &[Listed]) -> anyhow::Result<()> {
    let target = path(home);
    let result = crate::home::write_durably(home, TARGETS_FILE, &encode(list));
    result.map_err(|e| {
        anyhow::anyhow!(
            "cannot write the target list {} (the emergency wipes' copy of the profiles): {e}; check the permissions of crossing's home",
            target.display()
        )
    })
}

impl State {
    /// Rewrites the target list if it differs from the profiles (a home
    /// without profiles and without a list is left without one).
    pub fn sync_targets(&self) -> anyhow::Result<()> {
        let want: Vec<Listed> = self.profiles()?.iter().map(Listed::of).collect();
        match read(self.home()) {
            Some(have) if have == want => Ok(()),
            None if want.is_empty() && !path(self.home()).exists() => Ok(()),
            _ => write(self.home(), &want),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_ignored() {
        let list = vec![
            Listed {
                profile: "default".into(),
                data_dir: PathBuf::from("/home/u/.config/Signal"),
                client: Client::Signal,
            },
            Listed {
                profile: "notes".into(),
                data_dir: PathBuf::from(OsString::from_vec(b"/srv/\xffodd".to_vec())),
                client: Client::Generic,
            },
        ];
        let bytes = encode(&list);
        assert_eq!(decode(&bytes), Some(list.clone()));
        assert_eq!(decode(&encode(&[])), Some(vec![]));
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 1;
            assert_eq!(decode(&b), None, "byte {i} flipped");
        }
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(b"short"), None);
    }
}
