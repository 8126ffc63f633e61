//! Guard rails: which directories a wipe may destroy at all.
//!
//! Callers only ever pass configured data directories and crossing's home;
//! these checks catch a configuration that points at something a wipe must
//! never touch (the root, a home directory, a mount point, a symlink).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Why a directory may not be wiped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotAbsolute,
    Root,
    HomeDirectory(PathBuf),
    MountPoint,
    Symlink,
    NotADirectory,
    /// Not a directory renamed aside by an emergency wipe.
    NotAside,
    /// The rename aside failed.
    Io(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotAbsolute => f.write_str("is not an absolute path"),
            Refusal::Root => f.write_str("is the root directory"),
            Refusal::HomeDirectory(h) => {
                write!(f, "is or contains the home directory {}", h.display())
            }
            Refusal::MountPoint => {
                f.write_str("is a mount point (a wipe never crosses into another filesystem)")
            }
            Refusal::Symlink => f.write_str("is a symbolic link (a wipe never follows links)"),
            Refusal::NotADirectory => f.write_str("is not a directory"),
            Refusal::NotAside => {
                f.write_str("is not a directory renamed aside by an emergency wipe")
            }
            Refusal::Io(e) => write!(f, "could not be renamed aside ({e})"),
        }
    }
}

/// Checks `path` before it is planned for destruction. A path that does not
/// exist passes: there is nothing to destroy there.
pub fn check(path: &Path) -> Result<(), Refusal> {
    if !path.is_absolute() {
        return Err(Refusal::NotAbsolute);
    }
    let Some(parent) = path.parent() else {
        return Err(Refusal::Root);
    };
    for home in home_dirs() {
        if home.starts_with(path) {
            return Err(Refusal::HomeDirectory(home));
        }
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => return Ok(()),
    };
    if meta.file_type().is_symlink() {
        return Err(Refusal::Symlink);
    }
    if !meta.is_dir() {
        return Err(Refusal::NotADirectory);
    }
    if is_mount_point(path, parent, &meta) {
        return Err(Refusal::MountPoint);
    }
    Ok(())
}

/// The user's home directory, as the environment and the password database
/// see it (they can differ under sudo).
fn home_dirs() -> Vec<PathBuf> {
    let mut homes: Vec<PathBuf> = Vec::new();
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        homes.push(PathBuf::from(h));
    }
    if let Some(h) = dirs::home_dir() {
        homes.push(h);
    }
    homes
        .into_iter()
        .filter(|h| h.is_absolute())
        .map(|h| std::fs::canonicalize(&h).unwrap_or(h))
        .collect()
}

/// A directory on another device than its parent, or its own parent (`/`).
fn is_mount_point(path: &Path, parent: &Path, meta: &std::fs::Metadata) -> bool {
    match std::fs::metadata(parent) {
        Ok(p) => p.dev() != meta.dev() || (p.ino() == meta.ino() && path != parent),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_must_never_be_wiped() {
        assert_eq!(check(Path::new("/")), Err(Refusal::Root));
        assert_eq!(check(Path::new("relative/dir")), Err(Refusal::NotAbsolute));
        if let Some(home) = dirs::home_dir() {
            assert!(matches!(check(&home), Err(Refusal::HomeDirectory(_))));
        }
        assert_eq!(check(Path::new("/proc")), Err(Refusal::MountPoint));
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        assert_eq!(check(&link), Err(Refusal::Symlink));
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(check(&file), Err(Refusal::NotADirectory));
        assert_eq!(check(dir.path()), Ok(()));
        assert_eq!(check(&dir.path().join("missing")), Ok(()));
    }
}
