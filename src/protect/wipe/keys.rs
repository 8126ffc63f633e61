//! Key material first: before any walk, every wipe overwrites, syncs and
//! removes the file that holds the client's database key, and overwrites
//! the first pages of its SQLCipher database (salt and schema page). That
//! takes milliseconds whatever the data size, so the database is unreadable
//! even if the rest of the wipe is interrupted (a kill, a power cut).
//!
//! Paths come from the client kind (`Client::key_material`), relative to the
//! data directory, and are opened component by component with `O_NOFOLLOW`
//! relative to the directory's descriptor: a symlink anywhere on the way, a
//! file on another filesystem or a file with other hard links is never
//! overwritten (a link elsewhere would carry the overwrite out of the data
//! directory); those are left to the walk, which removes names only.

use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Component, Path};

use rand::RngCore;

use super::Failure;
use crate::state::profiles::KeyMaterial;

/// How much of a database is overwritten: the 16-byte salt SQLCipher keeps
/// at the start, and the first pages (16 of 4 KiB) with the schema.
pub const DATABASE_HEAD: u64 = 64 * 1024;

/// What the key step did in one data directory.
#[derive(Debug, Default)]
pub struct KeysDone {
    pub files: u64,
    pub failed: Vec<Failure>,
}

/// Destroys `keys` inside `dir` (which the guard rails have accepted).
/// Files that are not there are skipped: the client may not have made them.
pub fn destroy(dir: &Path, keys: &KeyMaterial) -> KeysDone {
    let mut done = KeysDone::default();
    if keys.key_files.is_empty() && keys.databases.is_empty() {
        return done;
    }
    let Ok(root) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)
    else {
        return done; // no directory: nothing to destroy
    };
    let dev = root.metadata().map(|m| m.dev()).unwrap_or(0);
    let jobs = keys
        .key_files
        .iter()
        .map(|f| (f, None))
        .chain(keys.databases.iter().map(|f| (f, Some(DATABASE_HEAD))));
    for (rel, head) in jobs {
        match destroy_one(&root, dev, Path::new(rel), head) {
            Ok(true) => done.files += 1,
            Ok(false) => {}
            Err(e) => done.failed.push(Failure {
                path: dir.join(rel),
                error: format!("key material not destroyed first: {e}"),
            }),
        }
    }
    done
}

/// Overwrites `rel` (all of it, or its first `head` bytes), syncs it and,
/// for a key file (`head` is `None`), removes it. `Ok(false)`: not there.
fn destroy_one(root: &File, dev: u64, rel: &Path, head: Option<u64>) -> std::io::Result<bool> {
    let names: Vec<&OsStr> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            _ => Err(std::io::Error::other("not a plain relative path")),
        })
        .collect::<Result<_, _>>()?;
    let Some((last, dirs)) = names.split_last() else {
        return Ok(false);
    };
    let mut parent = root.try_clone()?;
    for d in dirs {
        match openat(&parent, d, libc::O_RDONLY | libc::O_DIRECTORY) {
            Ok(f) => parent = f,
            Err(e) if missing(&e) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    let mut file = match openat(&parent, last, libc::O_WRONLY | libc::O_NONBLOCK) {
        Ok(f) => f,
        Err(e) if missing(&e) => return Ok(false),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.dev() != dev || meta.nlink() != 1 {
        return Err(std::io::Error::other(
            "not a plain file with one link on the data directory's filesystem",
        ));
    }
    let len = head.map_or(meta.len(), |h| meta.len().min(h));
    overwrite(&mut file, len)?;
    if head.is_none() {
        let name = CString::new(last.as_bytes())?;
        // SAFETY: a valid descriptor and a NUL-terminated name.
        if unsafe { libc::unlinkat(parent.as_raw_fd(), name.as_ptr(), 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        parent.sync_all()?; // fsync of the directory: the removal is on disk
    }
    Ok(true)
}

fn missing(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENOENT)
}

/// `openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC)`.
fn openat(dir: &File, name: &OsStr, flags: i32) -> std::io::Result<File> {
    let name = CString::new(name.as_bytes())?;
    // SAFETY: a valid descriptor and a NUL-terminated name; the returned
    // descriptor is owned by the File.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            name.as_ptr(),
            flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor nothing else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Random bytes over the first `len` bytes, then a sync.
fn overwrite(file: &mut File, len: u64) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        rand::rngs::OsRng.fill_bytes(&mut buf[..n]);
        file.write_all(&buf[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}
