//! Walking a data directory without following symlinks. Names are bytes.

use std::ffi::OsStr;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::repo::format::Kind;
use crate::state::cache::Fingerprint;

/// One thing found in the data directory.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the data directory, as bytes; empty for the root.
    pub rel: Vec<u8>,
    pub abs: PathBuf,
    pub kind: Kind,
    pub meta: Metadata,
    pub target: Vec<u8>,
}

/// What the walk could not take.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

pub fn fingerprint(meta: &Metadata) -> Fingerprint {
    Fingerprint {
        size: meta.len(),
        mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
        ctime_ns: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
        inode: meta.ino(),
    }
}

pub fn mtime_ns(meta: &Metadata) -> i64 {
    meta.mtime() * 1_000_000_000 + meta.mtime_nsec()
}

/// Walks `root` depth-first in byte order of names. Special files are
/// skipped (reported), unreadable directories reported, nothing followed.
pub fn walk(root: &Path) -> anyhow::Result<(Vec<Found>, Vec<Skipped>)> {
    let meta = std::fs::symlink_metadata(root)
        .map_err(|e| anyhow::anyhow!("cannot read data directory {}: {e}", root.display()))?;
    anyhow::ensure!(
        meta.is_dir(),
        "data directory {} is not a directory",
        root.display()
    );
    let mut found = vec![Found {
        rel: Vec::new(),
        abs: root.to_path_buf(),
        kind: Kind::Dir,
        meta,
        target: Vec::new(),
    }];
    let mut skipped = Vec::new();
    walk_dir(root, &[], &mut found, &mut skipped);
    Ok((found, skipped))
}

fn walk_dir(dir: &Path, rel: &[u8], found: &mut Vec<Found>, skipped: &mut Vec<Skipped>) {
    let display = |p: &Path| p.display().to_string();
    let reader = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            skipped.push(Skipped {
                path: display(dir),
                reason: format!("cannot list directory: {e}"),
            });
            return;
        }
    };
    let mut children: Vec<(Vec<u8>, PathBuf)> = Vec::new();
    for entry in reader {
        match entry {
            Ok(e) => children.push((e.file_name().as_bytes().to_vec(), e.path())),
            Err(e) => skipped.push(Skipped {
                path: display(dir),
                reason: format!("cannot list directory: {e}"),
            }),
        }
    }
    children.sort();
    for (name, abs) in children {
        let mut child_rel = rel.to_vec();
        if !child_rel.is_empty() {
            child_rel.push(b'/');
        }
        child_rel.extend_from_slice(&name);
        let meta = match std::fs::symlink_metadata(&abs) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(Skipped {
                    path: display(&abs),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let ft = meta.file_type();
        if ft.is_dir() {
            found.push(Found {
                rel: child_rel.clone(),
                abs: abs.clone(),
                kind: Kind::Dir,
                meta,
                target: Vec::new(),
            });
            walk_dir(&abs, &child_rel, found, skipped);
        } else if ft.is_file() {
            found.push(Found {
                rel: child_rel,
                abs,
                kind: Kind::File,
                meta,
                target: Vec::new(),
            });
        } else if ft.is_symlink() {
            match std::fs::read_link(&abs) {
                Ok(t) => {
                    let target = OsStr::as_bytes(t.as_os_str()).to_vec();
                    found.push(Found {
                        rel: child_rel,
                        abs,
                        kind: Kind::Symlink,
                        meta,
                        target,
                    });
                }
                Err(e) => skipped.push(Skipped {
                    path: display(&abs),
                    reason: format!("cannot read symlink: {e}"),
                }),
            }
        } else {
            let what = if ft.is_fifo() {
                "FIFO"
            } else if ft.is_socket() {
                "socket"
            } else {
                "device file"
            };
            skipped.push(Skipped {
                path: display(&abs),
                reason: format!("{what}, not backed up"),
            });
        }
    }
}
