//! A walk that cannot be redirected: every step is relative to an open
//! directory descriptor, never a path.
//!
//! The root is opened once (`O_DIRECTORY|O_NOFOLLOW`); below it, each entry
//! is listed with `statx(AT_SYMLINK_NOFOLLOW)`, opened with `openat` and
//! `O_NOFOLLOW`, and the open descriptor is checked to be the very entry
//! listed (device and inode). A directory swapped for a symlink between
//! the listing and the open fails the open (or the check), so no operation
//! ever lands outside the tree. Renames, unlinks and directory syncs go
//! through the parent's descriptor. Nothing on another filesystem or
//! another mount (a bind mount of the same filesystem has the same
//! `st_dev`, but its own mount id) is entered or touched.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rand::Rng;
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, RenameFlags, StatxFlags};
use rustix::io::Errno;

/// Why an entry was not entered or not touched.
#[derive(Debug)]
pub enum Skip {
    OtherFilesystem,
    OtherMount,
    /// Replaced (by a symlink, another file) between listing and opening.
    Changed,
    Io(Errno),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::OtherFilesystem => {
                f.write_str("is on another filesystem; not crossed (unmount it and wipe again)")
            }
            Skip::OtherMount => {
                f.write_str("is another mount; not crossed (unmount it and wipe again)")
            }
            Skip::Changed => f.write_str(
                "was replaced while being wiped (by a link or another file); not followed",
            ),
            Skip::Io(e) => write!(f, "{}", std::io::Error::from(*e)),
        }
    }
}

impl From<Errno> for Skip {
    fn from(e: Errno) -> Skip {
        Skip::Io(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Other,
}

/// Where an inode lives: the walk compares these, never paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Id {
    dev: u64,
    ino: u64,
    /// `None` where the kernel does not report mount ids (before 5.8).
    mnt: Option<u64>,
}

fn id_of(st: &rfs::Statx) -> Id {
    Id {
        dev: rfs::makedev(st.stx_dev_major, st.stx_dev_minor),
        ino: st.stx_ino,
        mnt: (st.stx_mask & StatxFlags::MNT_ID.bits() != 0).then_some(st.stx_mnt_id),
    }
}

fn kind_of(st: &rfs::Statx) -> Kind {
    match FileType::from_raw_mode(st.stx_mode.into()) {
        FileType::Directory => Kind::Dir,
        FileType::RegularFile => Kind::File,
        _ => Kind::Other,
    }
}

const WANT: StatxFlags = StatxFlags::BASIC_STATS.union(StatxFlags::MNT_ID);

/// `statx` of `name` in `dir` without following a symlink (a mount point
/// reports the mounted root: its own device and mount id).
fn stat_at(dir: impl AsFd, name: &OsStr) -> Result<rfs::Statx, Errno> {
    rfs::statx(dir, name, AtFlags::SYMLINK_NOFOLLOW, WANT)
}

fn stat_fd(fd: impl AsFd) -> Result<rfs::Statx, Errno> {
    rfs::statx(fd, "", AtFlags::EMPTY_PATH, WANT)
}

/// One entry of a listed directory, as it was when listed.
pub struct Entry {
    pub name: OsString,
    /// For reports only; never used to reach the entry.
    pub path: PathBuf,
    pub kind: Kind,
    pub size: u64,
    id: Id,
}

/// A directory's entries, and the paths that could not be inspected.
pub type Listing = (Vec<Entry>, Vec<(PathBuf, Skip)>);

/// An open directory of the walk.
pub struct Dir {
    fd: OwnedFd,
    /// For reports only.
    pub path: PathBuf,
    id: Id,
}

/// The root of a walk and its parent. The parent is opened by path (a
/// symlink *above* the target is the user's own layout, and the guard rails
/// have checked the target itself); the root is opened from it without
/// following a link, as a directory.
pub struct Root {
    pub parent: Dir,
    pub entry: Entry,
    pub dir: Dir,
}

impl Root {
    pub fn open(path: &Path) -> Result<Root, Skip> {
        let parent_path = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path.file_name().ok_or(Skip::Io(Errno::INVAL))?;
        let fd = rfs::open(
            parent_path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let parent = Dir {
            id: id_of(&stat_fd(&fd)?),
            fd,
            path: parent_path.to_path_buf(),
        };
        let st = stat_at(&parent.fd, name)?;
        let entry = Entry {
            name: name.to_os_string(),
            path: path.to_path_buf(),
            kind: kind_of(&st),
            size: st.stx_size,
            id: id_of(&st),
        };
        let dir = parent.open_dir_unchecked(&entry)?;
        Ok(Root { parent, entry, dir })
    }

    pub fn dev(&self) -> u64 {
        self.dir.id.dev
    }
}

impl Dir {
    /// The entries (without `.` and `..`), and what could not be listed.
    /// An entry that vanished between readdir and statx is left out.
    pub fn list(&self) -> Result<Listing, Skip> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for item in rfs::Dir::read_from(&self.fd)? {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    errors.push((self.path.clone(), Skip::Io(e)));
                    break;
                }
            };
            let name = OsStr::from_bytes(item.file_name().to_bytes());
            if name == "." || name == ".." {
                continue;
            }
            let path = self.path.join(name);
            match stat_at(&self.fd, name) {
                Ok(st) => entries.push(Entry {
                    name: name.to_os_string(),
                    path,
                    kind: kind_of(&st),
                    size: st.stx_size,
                    id: id_of(&st),
                }),
                Err(Errno::NOENT) => {}
                Err(e) => errors.push((path, Skip::Io(e))),
            }
        }
        Ok((entries, errors))
    }

    /// Whether `e` lies on another filesystem or mount than this directory.
    pub fn foreign(&self, e: &Entry) -> Option<Skip> {
        if e.id.dev != self.id.dev {
            Some(Skip::OtherFilesystem)
        } else if matches!((e.id.mnt, self.id.mnt), (Some(a), Some(b)) if a != b) {
            Some(Skip::OtherMount)
        } else {
            None
        }
    }

    /// Opens the subdirectory `e`, checked to be the one listed (so on this
    /// directory's filesystem and mount, as `e` was).
    pub fn open_dir(&self, e: &Entry) -> Result<Dir, Skip> {
        match self.foreign(e) {
            Some(skip) => Err(skip),
            None => self.open_dir_unchecked(e),
        }
    }

    fn open_dir_unchecked(&self, e: &Entry) -> Result<Dir, Skip> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(&self.fd, e.name.as_os_str(), flags, Mode::empty())
            .map_err(changed_if_link)?;
        let st = stat_fd(&fd)?;
        if kind_of(&st) != Kind::Dir || id_of(&st) != e.id {
            return Err(Skip::Changed);
        }
        Ok(Dir {
            fd,
            path: e.path.clone(),
            id: id_of(&st),
        })
    }

    /// Opens the regular file `e` for writing, checked to be the one
    /// listed. A read-only file is made writable first, through a
    /// descriptor of that very file (we own it, and it is about to go).
    pub fn open_file(&self, e: &Entry) -> Result<(File, rfs::Statx), Skip> {
        let flags =
            OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let open = || rfs::openat(&self.fd, e.name.as_os_str(), flags, Mode::empty());
        let fd = match open() {
            Err(Errno::ACCESS | Errno::PERM) => {
                self.make_writable(e)?;
                open()
            }
            other => other,
        }
        .map_err(changed_if_link)?;
        let st = stat_fd(&fd)?;
        if kind_of(&st) != Kind::File || id_of(&st) != e.id {
            return Err(Skip::Changed);
        }
        Ok((File::from(fd), st))
    }

    fn make_writable(&self, e: &Entry) -> Result<(), Skip> {
        let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rfs::openat(&self.fd, e.name.as_os_str(), flags, Mode::empty())?;
        let st = stat_fd(&fd)?;
        if kind_of(&st) != Kind::File || id_of(&st) != e.id {
            return Err(Skip::Changed);
        }
        // fchmod refuses an O_PATH descriptor; its /proc link names exactly
        // the inode it holds (no lookup by name happens).
        let proc_link = format!("/proc/self/fd/{}", fd.as_raw_fd());
        rfs::chmod(proc_link.as_str(), Mode::from_raw_mode(0o600))?;
        Ok(())
    }

    /// Renames `e` to a random name of the same length, syncs this
    /// directory, and unlinks it. Returns what went wrong, for the report.
    pub fn remove(&self, e: &Entry) -> Result<(), String> {
        let renamed = self
            .rename_random(&e.name)
            .map_err(|err| format!("cannot rename before removing: {}", Skip::Io(err)))?;
        self.sync();
        let flags = if e.kind == Kind::Dir {
            AtFlags::REMOVEDIR
        } else {
            AtFlags::empty()
        };
        rfs::unlinkat(&self.fd, renamed.as_os_str(), flags).map_err(|err| {
            format!(
                "cannot remove (now named {}): {}",
                self.path.join(&renamed).display(),
                Skip::Io(err)
            )
        })
    }

    fn rename_random(&self, name: &OsStr) -> Result<OsString, Errno> {
        for _ in 0..64 {
            let candidate = random_name(name.len());
            match rename_noreplace(&self.fd, name, &candidate) {
                Ok(()) => return Ok(candidate),
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Errno::EXIST)
    }

    /// `fsync` of the directory: its entries' changes reach the disk.
    pub fn sync(&self) {
        let _ = rfs::fsync(&self.fd);
    }
}

/// `renameat2(RENAME_NOREPLACE)`, or (on a filesystem without it) a check
/// then a plain `renameat` within the same directory.
fn rename_noreplace(dir: &OwnedFd, from: &OsStr, to: &OsStr) -> Result<(), Errno> {
    match rfs::renameat_with(dir, from, dir, to, RenameFlags::NOREPLACE) {
        Err(Errno::INVAL | Errno::NOSYS) => {
            if stat_at(dir, to).is_ok() {
                return Err(Errno::EXIST);
            }
            rfs::renameat(dir, from, dir, to)
        }
        other => other,
    }
}

/// A symlink met where a file or directory was listed: it was swapped in.
fn changed_if_link(e: Errno) -> Skip {
    match e {
        Errno::LOOP | Errno::NOTDIR | Errno::NXIO => Skip::Changed,
        other => Skip::Io(other),
    }
}

/// Lower-case letters and digits, never "." or "..".
pub(crate) fn random_name(len: usize) -> OsString {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let bytes: Vec<u8> = (0..len.max(1))
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
        .collect();
    OsString::from_vec(bytes)
}
