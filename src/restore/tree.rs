//! The restored tree's entries: paths checked against the manifest,
//! created, their lengths verified, their modes and times applied.

use std::collections::HashSet;
use std::ffi::{CString, OsStr};
use std::fs::{self, OpenOptions};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::repo::format::{Entry, Kind};
use crate::repo::RepoError;

pub(super) fn rel_path(root: &Path, e: &Entry) -> PathBuf {
    if e.path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(&e.path))
    }
}

/// Checks a manifest path before using it: relative, no `..`, no empty parts.
fn safe(e: &Entry) -> anyhow::Result<()> {
    let ok = e.path.is_empty()
        || (!e.path.starts_with(b"/")
            && e.path
                .split(|&b| b == b'/')
                .all(|c| !c.is_empty() && c != b"." && c != b".."));
    if !ok {
        return Err(RepoError::Corrupt {
            object: "snapshot manifest".into(),
            why: "a path escapes the data directory".into(),
        }
        .into());
    }
    Ok(())
}

/// Creates every entry. An entry's parent must be a directory this restore
/// created: a manifest (forged by someone holding the device's public key)
/// cannot route a write through one of its own symlinks to outside the target.
pub(super) fn create_tree(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut dirs: HashSet<&[u8]> = HashSet::from([&b""[..]]);
    for e in entries {
        safe(e)?;
        if !seen.insert(&e.path) {
            return Err(RepoError::Corrupt {
                object: "snapshot manifest".into(),
                why: format!("{} appears twice", String::from_utf8_lossy(&e.path)),
            }
            .into());
        }
        if !e.path.is_empty() {
            let parent = match e.path.iter().rposition(|&b| b == b'/') {
                Some(slash) => &e.path[..slash],
                None => &b""[..],
            };
            if !dirs.contains(parent) {
                return Err(RepoError::Corrupt {
                    object: "snapshot manifest".into(),
                    why: format!(
                        "{} does not lie in a directory of the snapshot",
                        String::from_utf8_lossy(&e.path)
                    ),
                }
                .into());
            }
            if e.kind == Kind::Dir {
                dirs.insert(&e.path);
            }
        }
        let path = rel_path(root, e);
        let io = |err: std::io::Error| anyhow::anyhow!("cannot create {}: {err}", path.display());
        match e.kind {
            Kind::Dir if e.path.is_empty() => {}
            Kind::Dir => fs::create_dir(&path).map_err(io)?,
            // A file with content is created by its first chunk's writer
            // (one open per chunk instead of one more per file).
            Kind::File if e.size > 0 => {}
            Kind::File => {
                OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(io)?;
            }
            Kind::Symlink => {
                std::os::unix::fs::symlink(OsStr::from_bytes(&e.target), &path).map_err(io)?
            }
        }
    }
    Ok(())
}

pub(super) fn verify_lengths(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    for e in entries.iter().filter(|e| e.kind == Kind::File) {
        let path = rel_path(root, e);
        let len = fs::metadata(&path)?.len();
        anyhow::ensure!(
            len == e.size,
            "restored {} has {len} bytes, expected {}",
            path.display(),
            e.size
        );
    }
    Ok(())
}

/// Modes and times: files and symlinks first, then directories deepest
/// first (so a read-only directory does not block its children).
pub(super) fn apply_metadata(root: &Path, entries: &[Entry]) -> anyhow::Result<()> {
    for e in entries.iter().filter(|e| e.kind != Kind::Dir) {
        let path = rel_path(root, e);
        if e.kind == Kind::File {
            fs::set_permissions(&path, fs::Permissions::from_mode(e.mode))?;
        }
        set_mtime(&path, e.mtime_ns)?;
    }
    let mut dirs: Vec<&Entry> = entries.iter().filter(|e| e.kind == Kind::Dir).collect();
    dirs.sort_by_key(|e| {
        std::cmp::Reverse(
            e.path.iter().filter(|&&b| b == b'/').count() + usize::from(!e.path.is_empty()),
        )
    });
    for e in dirs {
        let path = rel_path(root, e);
        fs::set_permissions(&path, fs::Permissions::from_mode(e.mode))?;
        set_mtime(&path, e.mtime_ns)?;
    }
    Ok(())
}

/// Sets a path's mtime (and atime) without following a symlink.
fn set_mtime(path: &Path, mtime_ns: i64) -> anyhow::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes())?;
    let ts = libc::timespec {
        tv_sec: mtime_ns.div_euclid(1_000_000_000),
        tv_nsec: mtime_ns.rem_euclid(1_000_000_000),
    };
    let times = [ts, ts];
    // SAFETY: valid C string and two timespecs.
    let rc = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        anyhow::bail!(
            "cannot set the time of {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}
