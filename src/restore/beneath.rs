//! Every write of a restore inside its staging tree goes through the
//! staging root's descriptor, never a path: `openat2` with
//! `RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV` (or, before Linux
//! 5.6, `openat` with `O_NOFOLLOW` one component at a time). A directory
//! of the staging tree swapped for a symlink while the restore runs makes
//! the operation fail; it cannot redirect a write outside the target.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags, ResolveFlags, Timespec, Timestamps};
use rustix::io::Errno;

/// The staging root, opened without following a link.
pub(super) struct Beneath {
    root: OwnedFd,
    /// For messages only.
    pub path: PathBuf,
}

const DIR: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl Beneath {
    pub fn open(path: &Path) -> std::io::Result<Beneath> {
        Ok(Beneath {
            root: rfs::open(path, DIR, Mode::empty())?,
            path: path.to_path_buf(),
        })
    }

    /// Opens `rel` (relative bytes; empty: the root) below the root, refusing
    /// any symlink on the way and at the end.
    fn resolve(&self, rel: &[u8], flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
        let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        if rel.is_empty() {
            return rfs::openat(&self.root, ".", flags, mode);
        }
        let how = ResolveFlags::BENEATH
            | ResolveFlags::NO_SYMLINKS
            | ResolveFlags::NO_MAGICLINKS
            | ResolveFlags::NO_XDEV;
        match rfs::openat2(&self.root, OsStr::from_bytes(rel), flags, mode, how) {
            Err(Errno::NOSYS) => self.walk(rel, flags, mode),
            other => other,
        }
    }

    fn walk(&self, rel: &[u8], flags: OFlags, mode: Mode) -> Result<OwnedFd, Errno> {
        let mut parts = rel
            .split(|&b| b == b'/')
            .filter(|p| !p.is_empty())
            .peekable();
        let mut dir = rfs::openat(&self.root, ".", DIR, Mode::empty())?;
        while let Some(part) = parts.next() {
            let name = OsStr::from_bytes(part);
            if parts.peek().is_none() {
                return rfs::openat(&dir, name, flags, mode);
            }
            dir = rfs::openat(&dir, name, DIR, Mode::empty())?;
        }
        Ok(dir)
    }

    /// The directory holding `rel`, and `rel`'s last component.
    fn parent<'a>(&self, rel: &'a [u8]) -> Result<(OwnedFd, &'a OsStr), Errno> {
        let (dir, name) = match rel.iter().rposition(|&b| b == b'/') {
            Some(slash) => (&rel[..slash], &rel[slash + 1..]),
            None => (&b""[..], rel),
        };
        Ok((
            self.resolve(dir, DIR, Mode::empty())?,
            OsStr::from_bytes(name),
        ))
    }

    pub fn mkdir(&self, rel: &[u8]) -> std::io::Result<()> {
        let (dir, name) = self.parent(rel)?;
        Ok(rfs::mkdirat(&dir, name, Mode::from_raw_mode(0o777))?)
    }

    pub fn create_new(&self, rel: &[u8]) -> std::io::Result<File> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL;
        Ok(self.resolve(rel, flags, Mode::from_raw_mode(0o666))?.into())
    }

    /// An existing file, for writing (never created, never truncated).
    pub fn open_write(&self, rel: &[u8]) -> std::io::Result<File> {
        Ok(self.resolve(rel, OFlags::WRONLY, Mode::empty())?.into())
    }

    pub fn symlink(&self, rel: &[u8], target: &[u8]) -> std::io::Result<()> {
        let (dir, name) = self.parent(rel)?;
        Ok(rfs::symlinkat(OsStr::from_bytes(target), &dir, name)?)
    }

    /// A FIFO at `rel` (`mknodat`, in its parent's descriptor).
    pub fn mkfifo(&self, rel: &[u8]) -> std::io::Result<()> {
        let (dir, name) = self.parent(rel)?;
        Ok(rfs::mknodat(
            &dir,
            name,
            rfs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )?)
    }

    /// `rel` as a new name of the file `first` (`linkat` between their
    /// parents' descriptors, never following a symlink).
    pub fn hard_link(&self, first: &[u8], rel: &[u8]) -> std::io::Result<()> {
        let (from_dir, from) = self.parent(first)?;
        let (to_dir, to) = self.parent(rel)?;
        Ok(rfs::linkat(&from_dir, from, &to_dir, to, AtFlags::empty())?)
    }

    /// `fchmod` of the FIFO `rel`: opened for reading without blocking
    /// (no writer needed, nothing read) and without following a symlink.
    pub fn chmod_fifo(&self, rel: &[u8], mode: u32) -> std::io::Result<()> {
        let fd = self.resolve(rel, OFlags::RDONLY | OFlags::NONBLOCK, Mode::empty())?;
        let st = rfs::fstat(&fd)?;
        if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::Fifo {
            return Err(std::io::Error::other("is not a FIFO"));
        }
        Ok(rfs::fchmod(&fd, Mode::from_raw_mode(mode))?)
    }

    /// Finishes the regular file `rel` through one descriptor of its own:
    /// its mode and time set; returns its length (an error if it is
    /// anything else).
    pub fn finish_file(&self, rel: &[u8], mode: u32, mtime_ns: i64) -> std::io::Result<u64> {
        let fd = self.resolve(rel, OFlags::RDONLY | OFlags::NONBLOCK, Mode::empty())?;
        let st = rfs::fstat(&fd)?;
        if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::RegularFile {
            return Err(std::io::Error::other("is not a regular file"));
        }
        rfs::fchmod(&fd, Mode::from_raw_mode(mode))?;
        rfs::futimens(&fd, &times(mtime_ns))?;
        Ok(st.st_size as u64)
    }

    /// `fchmod` of the file or directory `rel`, through its own descriptor.
    pub fn chmod(&self, rel: &[u8], dir: bool, mode: u32) -> std::io::Result<()> {
        let flags = if dir { DIR } else { OFlags::RDONLY };
        let fd = self.resolve(rel, flags, Mode::empty())?;
        Ok(rfs::fchmod(&fd, Mode::from_raw_mode(mode))?)
    }

    /// Sets `rel`'s atime and mtime without following a symlink.
    pub fn set_mtime(&self, rel: &[u8], mtime_ns: i64) -> std::io::Result<()> {
        let times = times(mtime_ns);
        if rel.is_empty() {
            return Ok(rfs::futimens(&self.root, &times)?);
        }
        let (dir, name) = self.parent(rel)?;
        Ok(rfs::utimensat(
            &dir,
            name,
            &times,
            AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }
}

/// Access and modification time both `mtime_ns`.
fn times(mtime_ns: i64) -> Timestamps {
    let ts = Timespec {
        tv_sec: mtime_ns.div_euclid(1_000_000_000),
        tv_nsec: mtime_ns.rem_euclid(1_000_000_000) as _,
    };
    Timestamps {
        last_access: ts,
        last_modification: ts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_in_the_staging_tree_redirects_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let (staging, outside) = (tmp.path().join("staging"), tmp.path().join("outside"));
        std::fs::create_dir_all(staging.join("d")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        // As if a local process had swapped `link` in for a directory.
        std::os::unix::fs::symlink(&outside, staging.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.join("f"), staging.join("d/f")).unwrap();
        let tree = Beneath::open(&staging).unwrap();
        assert!(tree.open_write(b"link/f").is_err());
        assert!(tree.create_new(b"link/g").is_err());
        assert!(tree.mkdir(b"link/sub").is_err());
        assert!(tree.symlink(b"link/s", b"x").is_err());
        assert!(tree.open_write(b"d/f").is_err());
        assert!(tree.finish_file(b"d/f", 0o600, 0).is_err());
        assert!(tree.chmod(b"link", true, 0o777).is_err());
        assert!(tree.set_mtime(b"link/f", 0).is_err());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        // The walk without openat2 refuses the same.
        assert!(tree
            .walk(
                b"link/f",
                OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW,
                Mode::from_raw_mode(0o600)
            )
            .is_err());
        tree.create_new(b"d/ok").unwrap();
        tree.open_write(b"d/ok").unwrap();
        assert_eq!(tree.finish_file(b"d/ok", 0o600, 0).unwrap(), 0);
        assert!(Beneath::open(&staging.join("link")).is_err());
    }
}
