//! One backup (or restore, prune) per profile at a time: an `flock` on a
//! file in crossing's home. The kernel drops the lock when its process dies,
//! so a lock left by a killed run is taken over without any cleanup.

use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::error::ExitKind;

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

/// Takes the lock `name` under `home/locks`, failing at once if it is held.
pub fn acquire(home: &Path, name: &str) -> anyhow::Result<Lock> {
    let dir = home.join("locks");
    crate::state::create_private_dir(&dir)?;
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
