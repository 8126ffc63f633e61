//! Destroying one directory tree, entry by entry.
//!
//! Every regular file is overwritten in place with random bytes over its
//! allocated extents, synced, truncated, renamed to a random name of the
//! same length (so the directory entry's old name bytes are replaced), the
//! directory synced, then unlinked. Symlinks and special files are renamed
//! and unlinked, never followed or opened. Directories are emptied, renamed,
//! then removed. Every step goes through directory descriptors (`walk`), so
//! a swapped-in symlink cannot redirect it, and nothing on another
//! filesystem or mount is entered.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use rand::{RngCore, SeedableRng};
use rustix::fs as rfs;

use super::walk::{Dir, Kind, Root};
use super::Tally;

const BLOCK: usize = 1 << 20;

/// Destroys `root` and everything below it on its own filesystem and
/// mount, which must be device `dev` (the one planned). A directory that
/// keeps something (reported) keeps its name too, so that the report's
/// paths lead to what is left.
pub fn destroy_tree(root: &Path, dev: u64, progress: &mut Tally<'_>) {
    let root = match Root::open(root) {
        Ok(r) => r,
        Err(e) => {
            progress.fail(root, format!("cannot open: {e}"));
            return;
        }
    };
    if root.dev() != dev {
        progress.fail(
            &root.entry.path,
            "changed since it was planned; not wiped".into(),
        );
        return;
    }
    if destroy_dir_contents(&root.dir, progress) {
        let Root { parent, entry, dir } = root;
        drop(dir);
        remove(&parent, &entry, progress);
    }
}

/// Returns whether everything below `dir` is gone.
fn destroy_dir_contents(dir: &Dir, progress: &mut Tally<'_>) -> bool {
    let failures_before = progress.failures();
    let (entries, errors) = match dir.list() {
        Ok(listed) => listed,
        Err(e) => {
            progress.fail(&dir.path, format!("cannot list: {e}"));
            return false;
        }
    };
    for (path, e) in errors {
        progress.fail(&path, format!("cannot inspect: {e}"));
    }
    for e in entries {
        if let Some(skip) = dir.foreign(&e) {
            progress.fail(&e.path, skip.to_string());
            continue;
        }
        match e.kind {
            Kind::Dir => match dir.open_dir(&e) {
                Ok(child) => {
                    if destroy_dir_contents(&child, progress) {
                        drop(child);
                        remove(dir, &e, progress);
                    }
                }
                Err(skip) => progress.fail(&e.path, format!("cannot enter: {skip}")),
            },
            Kind::File => match dir.open_file(&e) {
                // Another name links the same data, maybe outside the tree
                // (a hard link planted to steer the wipe): this name goes,
                // the data is overwritten only through its last link here.
                Ok((file, st)) if st.stx_nlink > 1 => {
                    drop(file);
                    remove(dir, &e, progress);
                }
                Ok((file, st)) => match overwrite(file, &st, progress) {
                    Ok(()) => remove(dir, &e, progress),
                    Err(err) => progress.fail(&e.path, format!("cannot overwrite: {err}")),
                },
                Err(skip) => progress.fail(&e.path, format!("cannot overwrite: {skip}")),
            },
            // Symlinks, sockets, FIFOs: renamed and unlinked, never opened.
            Kind::Other => remove(dir, &e, progress),
        }
    }
    dir.sync();
    progress.failures() == failures_before
}

fn remove(dir: &Dir, e: &super::walk::Entry, progress: &mut Tally<'_>) {
    if let Err(why) = dir.remove(e) {
        progress.fail(&e.path, why);
    }
}

/// Overwrites every allocated byte of a regular file with random bytes,
/// syncs, and truncates it to zero.
fn overwrite(mut file: File, st: &rfs::Statx, progress: &mut Tally<'_>) -> std::io::Result<()> {
    let len = st.stx_size;
    // The last block's slack (past the end of the file) may hold older data.
    let block = u64::from(st.stx_blksize).max(512);
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

/// The byte ranges that hold data (holes of sparse files are skipped, so a
/// wipe never needs more disk space than the file already uses).
fn data_extents(file: &File, len: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut pos = 0u64;
    while pos < len {
        let data = match rfs::seek(file, rfs::SeekFrom::Data(pos)) {
            Ok(d) => d,
            Err(rustix::io::Errno::NXIO) => break, // only a hole is left
            Err(_) => return vec![(0, len)],       // SEEK_DATA unsupported: overwrite everything
        };
        let end = rfs::seek(file, rfs::SeekFrom::Hole(data)).map_or(len, |h| h.min(len));
        if end <= data {
            break;
        }
        out.push((data, end));
        pos = end;
    }
    out
}

/// Syncs a directory by path (for the rename aside, whose parent is the
/// user's own layout).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
