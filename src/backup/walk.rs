//! Walking a data directory without following symlinks. Names are bytes.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::exclude::Excludes;
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
    /// A hard link met before in this walk: the path it was met at (this
    /// one is not read; it takes that one's content).
    pub link: Option<Vec<u8>>,
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

/// A directory's child: its name and path.
type Child = (Vec<u8>, PathBuf);

/// A directory being listed.
struct Listing {
    rel: Vec<u8>,
    /// Children still to visit (sorted, last to visit first).
    children: Vec<Child>,
    /// Children named like a companion of a sibling database (`x-wal`
    /// beside `x`): the batch is not cut while one of them is to come.
    companions: Vec<Vec<u8>>,
}

/// Walks a data directory depth-first in byte order of names, a batch at
/// a time, so a backup holds one batch of metadata, never the whole tree.
/// Sockets and device files are left out (a warning), unreadable paths
/// reported, excluded paths not visited, nothing followed.
pub struct Walker {
    root: Option<(PathBuf, Metadata)>,
    /// The directories being listed, innermost last: each one's relative
    /// path and the children still to visit (sorted, last to visit first).
    stack: Vec<Listing>,
    excludes: Excludes,
    /// Files with other hard links, by (device, inode): where each was met
    /// first. Only such files are kept, so this stays small.
    inodes: HashMap<(u64, u64), Vec<u8>>,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
    /// Paths that matched an exclude pattern (their contents not counted).
    pub excluded: u64,
}

impl Walker {
    pub fn new(root: &Path, excludes: Excludes) -> anyhow::Result<Walker> {
        let meta = std::fs::symlink_metadata(root)
            .map_err(|e| anyhow::anyhow!("cannot read data directory {}: {e}", root.display()))?;
        anyhow::ensure!(
            meta.is_dir(),
            "data directory {} is not a directory",
            root.display()
        );
        Ok(Walker {
            root: Some((root.to_path_buf(), meta)),
            stack: Vec::new(),
            excludes,
            inodes: HashMap::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            excluded: 0,
        })
    }

    /// The next entries in walk order: at least `limit` unless the walk
    /// ends, cut only before a directory, so that a database and its
    /// companions (siblings) come in one batch. Empty at the end.
    pub fn next_batch(&mut self, limit: usize) -> Vec<Found> {
        let mut batch = Vec::new();
        if let Some((root, meta)) = self.root.take() {
            self.enter(&root, Vec::new());
            batch.push(Found {
                rel: Vec::new(),
                abs: root,
                kind: Kind::Dir,
                meta,
                target: Vec::new(),
                link: None,
            });
        }
        while let Some(Listing { rel, children, .. }) = self.stack.last_mut() {
            let Some((name, abs)) = children.pop() else {
                self.stack.pop();
                continue;
            };
            let mut child_rel = rel.clone();
            if !child_rel.is_empty() {
                child_rel.push(b'/');
            }
            child_rel.extend_from_slice(&name);
            // Matched on the path alone, before any stat.
            if self.excludes.matches(&child_rel) {
                self.excluded += 1;
                continue;
            }
            let meta = match std::fs::symlink_metadata(&abs) {
                Ok(m) => m,
                Err(e) => {
                    self.skip(&abs, e.to_string());
                    continue;
                }
            };
            let ft = meta.file_type();
            if ft.is_dir() && self.excludes.matches_dir(&child_rel) {
                self.excluded += 1;
                continue;
            }
            if ft.is_dir() {
                if batch.len() >= limit && !self.companions_pending() {
                    // The next batch starts here.
                    let listing = self.stack.last_mut().expect("being listed");
                    listing.children.push((name, abs));
                    break;
                }
                self.enter(&abs, child_rel.clone());
                batch.push(found(child_rel, abs, Kind::Dir, meta, Vec::new()));
            } else if ft.is_file() {
                let mut f = found(child_rel, abs, Kind::File, meta, Vec::new());
                if f.meta.nlink() > 1 {
                    f.link = self.met_before(&f);
                }
                batch.push(f);
            } else if ft.is_fifo() {
                // Recorded, never opened (opening one waits for a writer).
                batch.push(found(child_rel, abs, Kind::Fifo, meta, Vec::new()));
            } else if ft.is_symlink() {
                match std::fs::read_link(&abs) {
                    Ok(t) => {
                        let target = OsStr::as_bytes(t.as_os_str()).to_vec();
                        batch.push(found(child_rel, abs, Kind::Symlink, meta, target));
                    }
                    Err(e) => self.skip(&abs, format!("cannot read symlink: {e}")),
                }
            } else {
                // A socket lives only while its process does; a device node
                // is the system's, not the client's data: nothing to restore.
                let what = if ft.is_socket() {
                    "a socket"
                } else {
                    "a device file"
                };
                self.warnings
                    .push(format!("{} is {what}: not backed up", abs.display()));
            }
        }
        batch
    }

    /// Where a file with other hard links was met before in this walk, or
    /// `None` the first time (it is remembered then).
    fn met_before(&mut self, f: &Found) -> Option<Vec<u8>> {
        let key = (f.meta.dev(), f.meta.ino());
        match self.inodes.get(&key) {
            Some(first) => Some(first.clone()),
            None => {
                self.inodes.insert(key, f.rel.clone());
                None
            }
        }
    }

    /// Whether a directory being listed still has a database companion
    /// (`-wal`, `-shm`, `-journal` beside its database) to come: its
    /// database may be in this batch already, and they must be planned
    /// together. (A batch is cut before a directory, and a sibling
    /// directory can sort between `x.db` and `x.db-wal`.)
    fn companions_pending(&self) -> bool {
        self.stack.iter().any(|l| {
            !l.companions.is_empty() && l.children.iter().any(|(n, _)| l.companions.contains(n))
        })
    }

    /// Lists `dir`'s children and puts them on the stack.
    fn enter(&mut self, dir: &Path, rel: Vec<u8>) {
        let reader = match std::fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.skip(dir, format!("cannot list directory: {e}"));
                return;
            }
        };
        let mut children: Vec<Child> = Vec::new();
        for entry in reader {
            match entry {
                Ok(e) => children.push((e.file_name().as_bytes().to_vec(), e.path())),
                Err(e) => self.skip(dir, format!("cannot list directory: {e}")),
            }
        }
        children.sort_by(|a, b| b.0.cmp(&a.0)); // popped from the end
        let companions = children
            .iter()
            .filter(|(name, _)| {
                super::sqlite::companion_base(name)
                    .is_some_and(|base| children.iter().any(|(n, _)| n == base))
            })
            .map(|(name, _)| name.clone())
            .collect();
        self.stack.push(Listing {
            rel,
            children,
            companions,
        });
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.skipped.push(Skipped {
            path: path.display().to_string(),
            reason,
        });
    }
}

fn found(rel: Vec<u8>, abs: PathBuf, kind: Kind, meta: Metadata, target: Vec<u8>) -> Found {
    Found {
        rel,
        abs,
        kind,
        meta,
        target,
        link: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels(batch: &[Found]) -> Vec<String> {
        batch
            .iter()
            .map(|f| String::from_utf8_lossy(&f.rel).into_owned())
            .collect()
    }

    #[test]
    fn batches_keep_walk_order_and_cut_only_before_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for d in ["a", "a/x", "b", "sql"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        for f in ["a/1", "a/x/2", "b/3", "sql/db", "sql/db-wal", "z"] {
            std::fs::write(root.join(f), f).unwrap();
        }
        let mut all = Vec::new();
        let mut walker = Walker::new(root, Excludes::default()).unwrap();
        let mut sizes = Vec::new();
        loop {
            let batch = walker.next_batch(1);
            if batch.is_empty() {
                break;
            }
            assert!(batch.len() == 1 || batch[0].kind == Kind::Dir || batch[0].rel.is_empty());
            sizes.push(batch.len());
            all.extend(rels(&batch));
        }
        assert_eq!(
            all,
            [
                "",
                "a",
                "a/1",
                "a/x",
                "a/x/2",
                "b",
                "b/3",
                "sql",
                "sql/db",
                "sql/db-wal",
                "z"
            ]
        );
        // The companions came together, behind their directory.
        assert!(sizes.contains(&4), "{sizes:?}");
        // A directory sorting between a database and its -wal: no cut
        // before it while the -wal is still to come.
        std::fs::create_dir(root.join("sql/db-attachments")).unwrap();
        std::fs::write(root.join("sql/db-attachments/a"), "a").unwrap();
        let mut walker = Walker::new(root, Excludes::default()).unwrap();
        let mut batches = Vec::new();
        loop {
            let batch = walker.next_batch(1);
            if batch.is_empty() {
                break;
            }
            batches.push(rels(&batch));
        }
        let with_db = batches
            .iter()
            .find(|b| b.contains(&"sql/db".to_string()))
            .unwrap();
        assert!(with_db.contains(&"sql/db-wal".to_string()), "{batches:?}");
        let mut one = Walker::new(root, Excludes::default()).unwrap();
        assert_eq!(rels(&one.next_batch(usize::MAX)), batches.concat());
        // A companion-like name with no database beside it holds nothing up.
        std::fs::write(root.join("zz-journal"), "not a companion").unwrap();
        let mut lone = Walker::new(root, Excludes::default()).unwrap();
        assert_eq!(rels(&lone.next_batch(1)), [""]);
        assert!(one.next_batch(usize::MAX).is_empty());
    }
}
