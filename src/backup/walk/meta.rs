//! What the walk keeps of a stat.

use std::os::unix::fs::MetadataExt;

use rustix::fs::{self as rfs, FileType};

use crate::state::cache::Fingerprint;

/// What the walk keeps of a stat (not following a symlink): what a
/// snapshot, the file cache and hard-link detection need, in 56 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
    dev: u64,
    nlink: u64,
    /// `st_mode`: file type and permission bits.
    mode: u32,
}

const _: () = assert!(std::mem::size_of::<Meta>() == 56);

impl Meta {
    // `struct stat`'s field types differ by target: some casts are
    // conversions on one and no-ops on another.
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    pub(super) fn from_stat(st: &rfs::Stat) -> Meta {
        Meta {
            size: st.st_size as u64,
            mtime_ns: st.st_mtime as i64 * 1_000_000_000 + st.st_mtime_nsec as i64,
            ctime_ns: st.st_ctime as i64 * 1_000_000_000 + st.st_ctime_nsec as i64,
            ino: st.st_ino as u64,
            dev: st.st_dev as u64,
            nlink: st.st_nlink as u64,
            mode: st.st_mode as u32,
        }
    }

    /// The size in bytes (of a symlink: its target's length).
    #[allow(clippy::len_without_is_empty)] // named as std's `Metadata::len`
    pub fn len(&self) -> u64 {
        self.size
    }

    pub fn mtime_ns(&self) -> i64 {
        self.mtime_ns
    }

    pub fn ctime_ns(&self) -> i64 {
        self.ctime_ns
    }

    pub fn ino(&self) -> u64 {
        self.ino
    }

    pub fn dev(&self) -> u64 {
        self.dev
    }

    pub fn nlink(&self) -> u64 {
        self.nlink
    }

    /// `st_mode`, file type included (`& 0o7777` for the permissions).
    pub fn mode(&self) -> u32 {
        self.mode
    }

    pub fn file_type(&self) -> FileType {
        FileType::from_raw_mode(self.mode)
    }

    pub fn is_dir(&self) -> bool {
        self.file_type() == FileType::Directory
    }
}

impl From<&std::fs::Metadata> for Meta {
    fn from(m: &std::fs::Metadata) -> Meta {
        Meta {
            size: m.size(),
            mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            ctime_ns: m.ctime() * 1_000_000_000 + m.ctime_nsec(),
            ino: m.ino(),
            dev: m.dev(),
            nlink: m.nlink(),
            mode: m.mode(),
        }
    }
}

pub fn fingerprint(meta: &Meta) -> Fingerprint {
    Fingerprint {
        size: meta.len(),
        mtime_ns: meta.mtime_ns(),
        ctime_ns: meta.ctime_ns(),
        inode: meta.ino(),
    }
}
