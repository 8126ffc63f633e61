//! Where a restore lands: the target is checked first, the tree is built in
//! a staging directory beside it, and swapped into place in one rename.

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::error::{ExitKind, Fail};

/// Refuses a target that is not a directory, or non-empty without `force`.
pub fn check_target(target: &Path, force: bool) -> anyhow::Result<bool> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(anyhow::anyhow!("cannot inspect {}: {e}", target.display())),
        Ok(m) if !m.is_dir() => Err(Fail::new(
            ExitKind::Refused,
            format!(
                "{} exists and is not a directory; move it aside first",
                target.display()
            ),
        )
        .into()),
        Ok(_) => {
            let empty = fs::read_dir(target)?.next().is_none();
            if !empty && !force {
                return Err(Fail::new(
                    ExitKind::Refused,
                    format!(
                        "{} is not empty; restore into an empty or new directory, or pass --force to replace it (its contents are kept until the restored ones are in place)",
                        target.display()
                    ),
                )
                .into());
            }
            Ok(true)
        }
    }
}

/// A killed restore leaves its staging directory (plaintext) behind; the
/// next restore to the same target removes it.
pub(super) fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.crossing-restore-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = make_writable(&entry.path());
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Removes the staging directory unless the restore completed.
pub(super) struct Staging {
    pub path: PathBuf,
    pub done: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = make_writable(&self.path);
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// One `syncfs` for the whole staging tree: cheaper than an fsync per file.
pub(super) fn sync_tree(root: &Path) -> anyhow::Result<()> {
    let dir = fs::File::open(root)?;
    // SAFETY: a valid open descriptor.
    let rc = unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&dir)) };
    if rc != 0 {
        anyhow::bail!(
            "cannot sync {}: {}",
            root.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

/// Puts the staging tree at `target`. An existing target is exchanged
/// atomically (renameat2 RENAME_EXCHANGE), then its old contents removed.
pub(super) fn swap_into_place(
    staging: &Path,
    target: &Path,
    target_exists: bool,
) -> anyhow::Result<()> {
    if !target_exists {
        fs::rename(staging, target).map_err(|e| {
            anyhow::anyhow!("cannot move the restored tree to {}: {e}", target.display())
        })?;
    } else {
        let a = CString::new(staging.as_os_str().as_bytes())?;
        let b = CString::new(target.as_os_str().as_bytes())?;
        // SAFETY: valid C strings.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc != 0 {
            anyhow::bail!(
                "cannot swap the restored tree into {}: {}",
                target.display(),
                std::io::Error::last_os_error()
            );
        }
        // The old contents now sit at the staging path.
        let _ = make_writable(staging);
        fs::remove_dir_all(staging).map_err(|e| {
            anyhow::anyhow!(
                "restored, but the old contents at {} could not be removed: {e}",
                staging.display()
            )
        })?;
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// Gives the owner write access to every directory below `root`, so it can be removed.
fn make_writable(root: &Path) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(root)?;
    if meta.is_dir() {
        let mode = meta.permissions().mode();
        fs::set_permissions(root, fs::Permissions::from_mode(mode | 0o700))?;
        for entry in fs::read_dir(root)? {
            make_writable(&entry?.path())?;
        }
    }
    Ok(())
}
