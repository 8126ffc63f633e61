//! Walking a data directory without following symlinks. Names are bytes.
//!
//! Each directory is opened once, listed through its descriptor, and its
//! children stat'ed relative to it (`fstatat`, no lookup from `/` per
//! file); a directory with many children has them stat'ed by several
//! threads at once, which a cold cache answers far sooner than one stat
//! after another. The descriptor is closed once its children are stat'ed,
//! so a deep tree holds no descriptors open.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, FileType, Mode, OFlags};
use rustix::io::Errno;

mod meta;
mod stat;

pub use meta::{fingerprint, Meta};
use stat::{stat_all, Stat, MAX_THREADS};

use super::exclude::Excludes;
use crate::repo::format::Kind;

/// One thing found in the data directory.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the data directory, as bytes; empty for the root.
    pub rel: Vec<u8>,
    pub abs: PathBuf,
    pub kind: Kind,
    pub meta: Meta,
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

/// A directory's child, stat'ed when the directory was listed.
struct Child {
    name: Vec<u8>,
    stat: Stat,
}

/// A directory being listed.
struct Listing {
    rel: Vec<u8>,
    abs: PathBuf,
    /// Children still to visit (sorted, last to visit first); the excluded
    /// ones left out already.
    children: Vec<Child>,
    /// Children named like a companion of a sibling database (`x-wal`
    /// beside `x`): the batch is not cut while one of them is to come.
    companions: Vec<Vec<u8>>,
}

/// Walks a data directory depth-first in byte order of names, a batch at
/// a time, so a backup holds one batch of metadata, never the whole tree.
/// Sockets and device files are left out (a warning), unreadable paths
/// reported, excluded paths not visited (nor stat'ed), nothing followed.
pub struct Walker {
    root: Option<(PathBuf, Meta)>,
    /// The directories being listed, innermost last: each one's relative
    /// path and the children still to visit (sorted, last to visit first).
    stack: Vec<Listing>,
    excludes: Excludes,
    /// Files with other hard links, by (device, inode): where each was met
    /// first. Only such files are kept, so this stays small.
    inodes: HashMap<(u64, u64), Vec<u8>>,
    /// Threads that may stat one directory's children.
    threads: usize,
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
        // Cold, a stat waits for the disk: two threads more than the cores
        // keep more reads in flight (500,000 files on 2 cores: 4 threads a
        // few percent sooner than 2 cold, as soon warm; 8 slower warm).
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get() + 2)
            .clamp(2, MAX_THREADS);
        Ok(Walker {
            root: Some((root.to_path_buf(), Meta::from(&meta))),
            stack: Vec::new(),
            excludes,
            inodes: HashMap::new(),
            threads,
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
        while let Some(listing) = self.stack.last_mut() {
            let Some(Child { name, stat }) = listing.children.pop() else {
                self.stack.pop();
                continue;
            };
            let child_rel = join_rel(&listing.rel, &name);
            let abs = listing.abs.join(OsStr::from_bytes(&name));
            let (meta, target) = match stat {
                Stat::Found(meta) => (meta, None),
                Stat::Link(meta, target) => (meta, Some(target)),
                Stat::Failed(e) => {
                    self.skip(&abs, std::io::Error::from(e).to_string());
                    continue;
                }
            };
            match meta.file_type() {
                FileType::Directory => {
                    if batch.len() >= limit && !self.companions_pending() {
                        // The next batch starts here.
                        let listing = self.stack.last_mut().expect("being listed");
                        let stat = Stat::Found(meta);
                        listing.children.push(Child { name, stat });
                        break;
                    }
                    self.enter(&abs, child_rel.clone());
                    batch.push(found(child_rel, abs, Kind::Dir, meta, Vec::new()));
                }
                FileType::RegularFile => {
                    let mut f = found(child_rel, abs, Kind::File, meta, Vec::new());
                    if f.meta.nlink() > 1 {
                        f.link = self.met_before(&f);
                    }
                    batch.push(f);
                }
                // Recorded, never opened (opening one waits for a writer).
                FileType::Fifo => batch.push(found(child_rel, abs, Kind::Fifo, meta, Vec::new())),
                FileType::Symlink => match target.unwrap_or(Err(Errno::INVAL)) {
                    Ok(target) => batch.push(found(child_rel, abs, Kind::Symlink, meta, target)),
                    Err(e) => self.skip(
                        &abs,
                        format!("cannot read symlink: {}", std::io::Error::from(e)),
                    ),
                },
                ft => {
                    // A socket lives only while its process does; a device
                    // node is the system's, not the client's data: nothing
                    // to restore.
                    let what = if ft == FileType::Socket {
                        "a socket"
                    } else {
                        "a device file"
                    };
                    self.warnings
                        .push(format!("{} is {what}: not backed up", abs.display()));
                }
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
            !l.companions.is_empty() && l.children.iter().any(|c| l.companions.contains(&c.name))
        })
    }

    /// Lists `dir`'s children, stats those not excluded through its
    /// descriptor, and puts them on the stack. The descriptor is closed
    /// on return.
    fn enter(&mut self, dir: &Path, rel: Vec<u8>) {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let reader = rfs::open(dir, flags, Mode::empty()).and_then(rfs::Dir::new);
        let mut reader = match reader {
            Ok(r) => r,
            Err(e) => {
                self.skip(dir, cannot_list(e));
                return;
            }
        };
        let mut names: Vec<Vec<u8>> = Vec::new();
        while let Some(entry) = reader.read() {
            match entry {
                Ok(e) => {
                    let name = e.file_name().to_bytes();
                    if name != b"." && name != b".." {
                        names.push(name.to_vec());
                    }
                }
                Err(e) => {
                    // What was listed before the error is still walked.
                    self.skip(dir, cannot_list(e));
                    break;
                }
            }
        }
        // Popped from the end; matched on the path alone, before any stat.
        names.sort_unstable_by(|a, b| b.cmp(a));
        let mut child_rel = Vec::new();
        let excludes = &self.excludes;
        let before = names.len();
        names.retain(|name| {
            join_rel_into(&mut child_rel, &rel, name);
            !excludes.matches(&child_rel)
        });
        self.excluded += (before - names.len()) as u64;
        let stats = match reader.fd() {
            Ok(fd) => stat_all(fd, &names, self.threads),
            Err(e) => {
                self.skip(dir, cannot_list(e));
                return;
            }
        };
        drop(reader);
        let mut children = Vec::with_capacity(names.len());
        for (name, stat) in names.into_iter().zip(stats) {
            if matches!(&stat, Stat::Found(m) if m.is_dir()) {
                join_rel_into(&mut child_rel, &rel, &name);
                if self.excludes.matches_dir(&child_rel) {
                    self.excluded += 1;
                    continue;
                }
            }
            children.push(Child { name, stat });
        }
        let companions = children
            .iter()
            .filter(|c| {
                super::sqlite::companion_base(&c.name)
                    .is_some_and(|base| children.iter().any(|o| o.name == base))
            })
            .map(|c| c.name.clone())
            .collect();
        self.stack.push(Listing {
            rel,
            abs: dir.to_path_buf(),
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

fn cannot_list(e: Errno) -> String {
    format!("cannot list directory: {}", std::io::Error::from(e))
}

/// `rel/name` (`name` alone under the root).
fn join_rel(rel: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rel.len() + 1 + name.len());
    join_rel_into(&mut out, rel, name);
    out
}

fn join_rel_into(out: &mut Vec<u8>, rel: &[u8], name: &[u8]) {
    out.clear();
    out.extend_from_slice(rel);
    if !rel.is_empty() {
        out.push(b'/');
    }
    out.extend_from_slice(name);
}

fn found(rel: Vec<u8>, abs: PathBuf, kind: Kind, meta: Meta, target: Vec<u8>) -> Found {
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

    #[test]
    fn a_big_directory_is_stated_in_parallel_in_byte_order_without_following_links() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let big = root.join("big");
        std::fs::create_dir(&big).unwrap();
        // Names whose byte order differs from a locale's or a number's order.
        let mut names: Vec<Vec<u8>> = Vec::new();
        for i in 0..240u32 {
            let mut name = format!("{}", i * 7919 % 1000).into_bytes();
            name.push([b'A', b'a', b'_', b'-', b'.', 0xe9][i as usize % 6]);
            names.push(name);
        }
        for (i, name) in names.iter().enumerate() {
            std::fs::write(big.join(OsStr::from_bytes(name)), vec![b'x'; i * 3]).unwrap();
        }
        // Symlinks whose targets are bigger than the links, or directories.
        let file = big.join(OsStr::from_bytes(&names[200]));
        symlink(&file, big.join("~link-to-file")).unwrap();
        symlink(root, big.join("~link-to-root")).unwrap();
        symlink("nowhere", big.join("~dangling")).unwrap();
        let mut walker = Walker::new(root, Excludes::default()).unwrap();
        walker.threads = 4; // whatever this machine has
        let all = walker.next_batch(usize::MAX);
        assert!(walker.skipped.is_empty(), "{:?}", walker.skipped);
        let children: Vec<&Found> = all.iter().filter(|f| f.rel.starts_with(b"big/")).collect();
        assert_eq!(all.len(), 2 + children.len(), "{:?}", rels(&all));
        let got: Vec<&[u8]> = children.iter().map(|f| &f.rel[4..]).collect();
        let mut want: Vec<&[u8]> = names.iter().map(|n| n.as_slice()).collect();
        want.extend([&b"~link-to-file"[..], b"~link-to-root", b"~dangling"]);
        want.sort();
        assert_eq!(got, want);
        for f in &children {
            let name = &f.rel[4..];
            assert_eq!(f.abs, big.join(OsStr::from_bytes(name)));
            if let Some(i) = names.iter().position(|n| n == name) {
                assert_eq!(f.kind, Kind::File);
                assert_eq!(f.meta.len(), i as u64 * 3, "{}", f.abs.display());
                let std = std::fs::symlink_metadata(&f.abs).unwrap();
                assert_eq!(f.meta, Meta::from(&std));
            } else {
                let target = std::fs::read_link(&f.abs).unwrap();
                assert_eq!(f.kind, Kind::Symlink, "{}", f.abs.display());
                assert_eq!(f.target, target.as_os_str().as_bytes());
                assert_eq!(f.meta.len(), f.target.len() as u64);
                assert_eq!(f.meta.file_type(), FileType::Symlink);
            }
        }
    }
}
