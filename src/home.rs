//! crossing's home: where it keeps its state, locks and scratch space.
//!
//! Everything here is private to the user (directories 0700). One backup (or
//! restore, prune) per profile or repository at a time: an `flock` on a file
//! under `locks/`. The kernel drops the lock when its process dies, so a
//! lock left by a killed run is taken over without any cleanup.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::ExitKind;

/// `$XDG_DATA_HOME/crossing`, `~/.local/share/crossing`, or the platform's equivalent.
pub fn default_home() -> anyhow::Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("crossing"))
        .ok_or_else(|| anyhow::anyhow!("cannot find a data directory for crossing's state; pass --home DIR or set CROSSING_HOME"))
}

/// Creates `dir` (and parents) with mode 0700, and tightens it if it exists.
/// Replaces `dir/name` with `bytes` atomically and durably: a fresh 0600
/// temporary file (never through a symlink planted under its name), synced,
/// renamed over the old one, then the directory synced. A power cut leaves
/// the old file or the new one, never a mix.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!("{name}.new"));
    let _ = fs::remove_file(&tmp);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, dir.join(name))?;
    File::open(dir)?.sync_all()
}

pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| anyhow::anyhow!("cannot create crossing home {}: {e}", dir.display()))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| anyhow::anyhow!("cannot restrict permissions of {}: {e}", dir.display()))?;
    Ok(())
}

/// Overwrites and removes every file of a scratch folder, then the folder:
/// `<home>/tmp/<profile>`, where versions before the page image copied live
/// databases in plaintext (a killed backup left its copy). Best effort: a
/// wipe shreds whatever stays.
pub fn clear_tmp_dir(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_file() => {
                    let _ = shred_file(&e.path());
                }
                Ok(t) if t.is_dir() => clear_tmp_dir(&e.path()),
                _ => {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// Overwrites a scratch file with zeros to the end of its last block,
/// syncs, and unlinks it. A plain unlink would hand the blocks, with the
/// plaintext they hold, to the free space, where only `wipe --thorough`
/// reaches them. (In place: right for ext4 and the like, not for
/// copy-on-write filesystems; docs/wipe.md.)
pub fn shred_file(path: &Path) -> std::io::Result<()> {
    zero_in_place(path, 4096)?;
    fs::remove_file(path)
}

/// Writes zeros over a file from its start to its length rounded up to
/// `block`, and syncs; never truncates (that would free blocks unzeroed).
pub fn zero_in_place(path: &Path, block: u64) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let zeros = vec![0u8; 1 << 16];
    let mut left = f.metadata()?.len().div_ceil(block) * block;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    f.sync_data()
}

#[derive(Debug, thiserror::Error)]
#[error("another crossing process is working on \"{name}\" (lock {path}); wait for it to finish, or check `ps` for a stuck crossing")]
pub struct LockError {
    pub name: String,
    pub path: PathBuf,
}

impl LockError {
    pub fn exit_kind(&self) -> ExitKind {
        ExitKind::Locked
    }
}

/// Held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// The lock of one profile (its data directory, its file cache).
pub fn lock_profile(home: &Path, profile: &str) -> anyhow::Result<Lock> {
    acquire(home, &format!("profile-{profile}"))
}

/// The lock of one repository (by locator): profiles of one pseudonym share
/// a repository and its cache, so one writer at a time.
pub fn lock_repo(home: &Path, locator: &str) -> anyhow::Result<Lock> {
    acquire(home, &format!("repo-{locator}"))
}

/// Takes the lock `name` under `home/locks`, failing at once if it is held.
fn acquire(home: &Path, name: &str) -> anyhow::Result<Lock> {
    let dir = home.join("locks");
    create_private_dir(&dir)?;
    let path = dir.join(format!("{name}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open lock file {}: {e}", path.display()))?;
    // SAFETY: flock on a file descriptor we own.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
            return Err(LockError {
                name: name.to_string(),
                path,
            }
            .into());
        }
        anyhow::bail!("cannot lock {}: {err}", path.display());
    }
    Ok(Lock { _file: file })
}
