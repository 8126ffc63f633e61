//! Destroying one directory tree, entry by entry.
//!
//! Every regular file is overwritten in place with random bytes over its
//! allocated extents, synced, truncated, renamed to a random name of the
//! same length (so the directory entry's old name bytes are replaced), the
//! directory synced, then unlinked. Symlinks and special files are renamed
//! and unlinked, never followed or opened. Directories are emptied, renamed,
//! then removed. Nothing on another filesystem is entered.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::{Rng, RngCore, SeedableRng};

use super::Tally;

const BLOCK: usize = 1 << 20;

/// Destroys `root` and everything below it that lives on device `dev`.
/// A directory that keeps something (reported) keeps its name too, so that
/// the report's paths lead to what is left.
pub fn destroy_tree(root: &Path, dev: u64, progress: &mut Tally<'_>) {
    if destroy_dir_contents(root, dev, progress) {
        remove_entry(root, progress, |p| fs::remove_dir(p));
    }
}

/// Returns whether everything below `dir` is gone.
fn destroy_dir_contents(dir: &Path, dev: u64, progress: &mut Tally<'_>) -> bool {
    let failures_before = progress.failures();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            progress.fail(dir, format!("cannot list: {e}"));
            return false;
        }
    };
    let mut names: Vec<OsString> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push(e.file_name()),
            Err(e) => progress.fail(dir, format!("cannot list: {e}")),
        }
    }
    for name in names {
        let path = dir.join(&name);
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                progress.fail(&path, format!("cannot inspect: {e}"));
                continue;
            }
        };
        if meta.dev() != dev {
            progress.fail(&path, "is on another filesystem; not crossed".to_string());
            continue;
        }
        let ft = meta.file_type();
        if ft.is_dir() {
            if destroy_dir_contents(&path, dev, progress) {
                remove_entry(&path, progress, |p| fs::remove_dir(p));
            }
        } else if ft.is_file() {
            match overwrite(&path, dev, progress) {
                Ok(()) => remove_entry(&path, progress, |p| fs::remove_file(p)),
                Err(e) => progress.fail(&path, format!("cannot overwrite: {e}")),
            }
        } else {
            remove_entry(&path, progress, |p| fs::remove_file(p));
        }
    }
    sync_dir(dir);
    progress.failures() == failures_before
}

/// Overwrites every allocated byte of a regular file with random bytes,
/// syncs, and truncates it to zero.
fn overwrite(path: &Path, dev: u64, progress: &mut Tally<'_>) -> std::io::Result<()> {
    let mut file = open_for_overwrite(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.dev() != dev {
        return Err(std::io::Error::other("changed while being wiped"));
    }
    let len = meta.len();
    // The last block's slack (past the end of the file) may hold older data.
    let block = meta.blksize().max(512);
    let end = len.div_ceil(block) * block;
    let mut rng = rand::rngs::StdRng::from_rng(rand::rngs::OsRng).map_err(std::io::Error::other)?;
    let mut buf = vec![0u8; BLOCK];
    for (start, stop) in data_extents(&file, len) {
        let end = if stop >= len { end } else { stop };
        file.seek(SeekFrom::Start(start))?;
        let mut pos = start;
        while pos < end {
            let n = ((end - pos) as usize).min(BLOCK);
            rng.fill_bytes(&mut buf[..n]);
            file.write_all(&buf[..n])?;
            pos += n as u64;
            progress.add_bytes(n as u64);
        }
    }
    file.sync_data()?;
    file.set_len(0)?;
    file.sync_all()?;
    progress.file_done(len);
    Ok(())
}

/// Opens without following a symlink; a read-only file is made writable
/// first (we own it, and it is about to be destroyed).
fn open_for_overwrite(path: &Path) -> std::io::Result<File> {
    let open = || {
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
    };
    match open() {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
            open()
        }
        other => other,
    }
}

/// The byte ranges that hold data (holes of sparse files are skipped, so a
/// wipe never needs more disk space than the file already uses).
fn data_extents(file: &File, len: u64) -> Vec<(u64, u64)> {
    let fd = file.as_raw_fd();
    let mut out = Vec::new();
    let mut pos: i64 = 0;
    while (pos as u64) < len {
        // SAFETY: lseek on a descriptor we own.
        let data = unsafe { libc::lseek(fd, pos, libc::SEEK_DATA) };
        if data < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::ENXIO) {
                break; // only a hole is left
            }
            return vec![(0, len)]; // SEEK_DATA unsupported: overwrite everything
        }
        let hole = unsafe { libc::lseek(fd, data, libc::SEEK_HOLE) };
        let end = if hole < 0 {
            len as i64
        } else {
            hole.min(len as i64)
        };
        if end <= data {
            break;
        }
        out.push((data as u64, end as u64));
        pos = end;
    }
    out
}

/// Renames `path` to a random name of the same length in the same
/// directory, syncs the directory, then removes it with `remove`.
fn remove_entry(
    path: &Path,
    progress: &mut Tally<'_>,
    remove: impl Fn(&Path) -> std::io::Result<()>,
) {
    let target = match rename_random(path) {
        Ok(p) => p,
        Err(e) => {
            progress.fail(path, format!("cannot rename before removing: {e}"));
            return;
        }
    };
    if let Some(dir) = target.parent() {
        sync_dir(dir);
    }
    if let Err(e) = remove(&target) {
        progress.fail(
            path,
            format!("cannot remove (now named {}): {e}", target.display()),
        );
    }
}

fn rename_random(path: &Path) -> std::io::Result<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(std::io::Error::other("has no parent directory"));
    };
    for _ in 0..64 {
        let candidate = dir.join(random_name(name.len()));
        if fs::symlink_metadata(&candidate).is_err() {
            fs::rename(path, &candidate)?;
            return Ok(candidate);
        }
    }
    Err(std::io::Error::other(
        "no free random name of the same length",
    ))
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

pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
