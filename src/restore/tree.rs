//! The restored tree's entries, as they stream in: paths checked against
//! the manifest's walk order, created, and handed to the fill a window at a
//! time; modes and times applied once a window's files are written.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::beneath::Beneath;
use super::plan::{DirJob, FileJob, LinkJob, Window};
use super::source::Blob;
use super::OutsideSymlink;
use crate::repo::format::{self, Entry, Kind};
use crate::repo::RepoError;

pub(super) fn rel_path(root: &Path, path: &[u8]) -> PathBuf {
    if path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(path))
    }
}

fn corrupt(why: String) -> anyhow::Error {
    RepoError::Corrupt {
        object: "snapshot manifest".into(),
        why,
    }
    .into()
}

/// A directory whose contents are still being read.
struct Open {
    dir: DirJob,
    /// Whether it is restored (`--include` leaves some out).
    restored: bool,
}

/// What was restored, counted as the entries go by.
#[derive(Default)]
pub(super) struct Counts {
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub bytes: u64,
}

/// Creates entries as they come, in walk order (docs/format.md: depth-first,
/// a directory before its contents). An entry's parent must be a directory
/// of the snapshot that is still open, i.e. an ancestor of the entry before
/// it: a manifest (forged by someone holding the device's public key)
/// cannot route a write through one of its own symlinks to outside the
/// target, and a directory whose contents have all been read is closed for
/// good, so its mode and time can be set. A path that appears twice is
/// refused by its creation (`EEXIST`).
pub(super) struct Builder<'a> {
    pub root: &'a Beneath,
    pub include: &'a [Vec<u8>],
    /// Keep setuid, setgid, sticky and others' write bits (FIFOs get their
    /// mode as they are made).
    pub keep_special_modes: bool,
    /// Which of `include` an entry has matched.
    pub matched: Vec<bool>,
    /// The open directories, outermost first (below the root).
    open: Vec<Open>,
    /// The root's own entry, once read.
    root_dir: Option<DirJob>,
    /// Restored symlinks, in order: to find those leading outside.
    pub links: Vec<(Vec<u8>, Vec<u8>)>,
    pub counts: Counts,
}

impl<'a> Builder<'a> {
    pub fn new(root: &'a Beneath, include: &'a [Vec<u8>], keep_special_modes: bool) -> Builder<'a> {
        Builder {
            root,
            include,
            keep_special_modes,
            matched: vec![false; include.len()],
            open: Vec::new(),
            root_dir: None,
            links: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// Whether the file `first` a hard link names is restored too (then
    /// the link is made a name of it; else it is written as a copy).
    fn restores(&self, first: &[u8]) -> bool {
        self.include.is_empty() || self.include.iter().any(|inc| format::is_within(first, inc))
    }

    /// Whether `path` is restored: named by `--include`, below a path it
    /// names, or a directory leading to one (all of it without `--include`).
    fn wanted(&mut self, path: &[u8]) -> bool {
        if self.include.is_empty() || path.is_empty() {
            return true;
        }
        let mut wanted = false;
        for (i, inc) in self.include.iter().enumerate() {
            if path == inc.as_slice() {
                self.matched[i] = true;
                wanted = true;
            } else if format::is_within(path, inc) || format::is_within(inc, path) {
                wanted = true;
            }
        }
        wanted
    }

    /// Takes entry `e` (content `blobs`): checked, created if restored, its
    /// file added to `window`, the directories it closes put there too.
    pub fn add(&mut self, e: &Entry, blobs: &[Blob], window: &mut Window) -> anyhow::Result<()> {
        if !format::is_relative_path(&e.path) {
            return Err(corrupt("a path escapes the data directory".into()));
        }
        let twice = || {
            corrupt(format!(
                "{} appears twice",
                String::from_utf8_lossy(&e.path)
            ))
        };
        if e.path.is_empty() {
            if e.kind != Kind::Dir || self.root_dir.is_some() {
                return Err(twice());
            }
            self.counts.dirs += 1;
            self.root_dir = Some(DirJob {
                path: Vec::new(),
                mode: e.mode,
                mtime_ns: e.mtime_ns,
            });
            return Ok(());
        }
        let parent = match e.path.iter().rposition(|&b| b == b'/') {
            Some(slash) => &e.path[..slash],
            None => &b""[..],
        };
        // Close the directories that are not the parent or above it.
        let mut parent_restored = true;
        while let Some(top) = self.open.last() {
            let p = top.dir.path.as_slice();
            if p == parent {
                parent_restored = top.restored;
                break;
            }
            if parent.starts_with(p) && parent[p.len()] == b'/' {
                return Err(corrupt(format!(
                    "{} does not lie in a directory of the snapshot",
                    String::from_utf8_lossy(&e.path)
                )));
            }
            let closed = self.open.pop().expect("an open directory");
            if closed.restored {
                window.dirs.push(closed.dir);
            }
        }
        if !parent.is_empty() && self.open.is_empty() {
            return Err(corrupt(format!(
                "{} does not lie in a directory of the snapshot",
                String::from_utf8_lossy(&e.path)
            )));
        }
        let restored = parent_restored && self.wanted(&e.path);
        if e.kind == Kind::Dir {
            self.open.push(Open {
                dir: DirJob {
                    path: e.path.clone(),
                    mode: e.mode,
                    mtime_ns: e.mtime_ns,
                },
                restored,
            });
        }
        if !restored {
            return Ok(());
        }
        let io = |err: std::io::Error| {
            if err.kind() == std::io::ErrorKind::AlreadyExists {
                return twice();
            }
            anyhow::anyhow!(
                "cannot create {}: {err}",
                rel_path(&self.root.path, &e.path).display()
            )
        };
        match e.kind {
            Kind::Dir => {
                self.root.mkdir(&e.path).map_err(io)?;
                self.counts.dirs += 1;
            }
            // A hard link's content is its first name's: written once.
            Kind::File if !e.link.is_empty() && self.restores(&e.link) => {
                window.links.push(LinkJob {
                    first: e.link.clone(),
                    path: e.path.clone(),
                    size: e.size,
                    mode: e.mode,
                    mtime_ns: e.mtime_ns,
                });
                self.counts.files += 1;
            }
            Kind::Fifo => {
                // Never opened for writing; its mode needs no content.
                self.root.mkfifo(&e.path).map_err(io)?;
                let keep = self.keep_special_modes;
                self.root
                    .chmod_fifo(&e.path, kept_mode(e.mode, keep))
                    .and_then(|()| self.root.set_mtime(&e.path, e.mtime_ns))
                    .map_err(|err| {
                        anyhow::anyhow!(
                            "cannot set the mode or time of {}: {err}",
                            rel_path(&self.root.path, &e.path).display()
                        )
                    })?;
            }
            Kind::File => {
                // Sparse from the start: all-zero chunks are never written.
                window.add_file(e, blobs)?;
                let f = self.root.create_new(&e.path).map_err(io)?;
                f.set_len(e.size).map_err(io)?;
                self.counts.files += 1;
                self.counts.bytes += e.size;
            }
            Kind::Symlink => {
                self.root.symlink(&e.path, &e.target).map_err(io)?;
                self.root.set_mtime(&e.path, e.mtime_ns).map_err(|err| {
                    anyhow::anyhow!(
                        "cannot set the time of {}: {err}",
                        rel_path(&self.root.path, &e.path).display()
                    )
                })?;
                self.links.push((e.path.clone(), e.target.clone()));
                self.counts.symlinks += 1;
            }
        }
        Ok(())
    }

    /// The end of the entries: every directory still open is closed (the
    /// root last) into `window`.
    pub fn close_all(&mut self, window: &mut Window) {
        while let Some(closed) = self.open.pop() {
            if closed.restored {
                window.dirs.push(closed.dir);
            }
        }
        window.dirs.extend(self.root_dir.take());
    }
}

/// The mode bits restore drops unless asked to keep them: setuid, setgid,
/// sticky, and write for others.
const SPECIAL_MODES: u32 = 0o7002;

fn kept_mode(mode: u32, keep_special_modes: bool) -> u32 {
    let dropped = if keep_special_modes { 0 } else { SPECIAL_MODES };
    mode & 0o7777 & !dropped
}

/// A written file: its length checked, its mode and time set. Without
/// `keep_special_modes`, [`SPECIAL_MODES`] are dropped (a restore run as
/// root owns every file it writes: a setuid bit would be root's).
pub(super) fn finish_file(
    root: &Beneath,
    rel: &[u8],
    f: &FileJob,
    keep_special_modes: bool,
) -> anyhow::Result<()> {
    let path = || rel_path(&root.path, rel);
    let len = root
        .finish_file(rel, kept_mode(f.mode, keep_special_modes), f.mtime_ns)
        .map_err(|err| anyhow::anyhow!("cannot finish {}: {err}", path().display()))?;
    anyhow::ensure!(
        len == f.size,
        "restored {} has {len} bytes, expected {}",
        path().display(),
        f.size
    );
    Ok(())
}

/// A hard link made once its first name is written, its length checked
/// (a manifest whose link names something else is refused).
pub(super) fn finish_link(
    root: &Beneath,
    l: &LinkJob,
    keep_special_modes: bool,
) -> anyhow::Result<()> {
    let path = || rel_path(&root.path, &l.path);
    root.hard_link(&l.first, &l.path).map_err(|err| {
        anyhow::anyhow!(
            "cannot link {} to {}: {err}",
            path().display(),
            String::from_utf8_lossy(&l.first)
        )
    })?;
    let len = root
        .finish_file(&l.path, kept_mode(l.mode, keep_special_modes), l.mtime_ns)
        .map_err(|err| anyhow::anyhow!("cannot finish {}: {err}", path().display()))?;
    if len != l.size {
        return Err(corrupt(format!(
            "{} is a hard link of {} with {len} bytes, but says {}",
            String::from_utf8_lossy(&l.path),
            String::from_utf8_lossy(&l.first),
            l.size
        )));
    }
    Ok(())
}

/// A closed directory's mode and time: after everything below it (so a
/// read-only directory does not block its children).
pub(super) fn finish_dir(
    root: &Beneath,
    d: &DirJob,
    keep_special_modes: bool,
) -> anyhow::Result<()> {
    let failed = |what: &str, err: std::io::Error| {
        anyhow::anyhow!(
            "cannot set the {what} of {}: {err}",
            rel_path(&root.path, &d.path).display()
        )
    };
    root.chmod(&d.path, true, kept_mode(d.mode, keep_special_modes))
        .map_err(|err| failed("mode", err))?;
    root.set_mtime(&d.path, d.mtime_ns)
        .map_err(|err| failed("time", err))
}

/// The symlinks whose target lies outside the restored tree: absolute, or
/// climbing above its root, resolved as the kernel would through the
/// snapshot's own symlinks (`a -> b/..` with `b -> .` leaves the root).
pub(super) fn outside_symlinks(restored: &[(Vec<u8>, Vec<u8>)]) -> Vec<OutsideSymlink> {
    let links: HashMap<&[u8], &[u8]> = restored
        .iter()
        .map(|(p, t)| (p.as_slice(), t.as_slice()))
        .collect();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    restored
        .iter()
        .filter(|(p, t)| leads_outside(&links, p, t))
        .map(|(p, t)| OutsideSymlink {
            path: text(p),
            target: text(t),
        })
        .collect()
}

/// Linux follows at most this many symlinks in one lookup (`ELOOP` after).
const MAX_SYMLINKS: usize = 40;

fn leads_outside(links: &HashMap<&[u8], &[u8]>, link: &[u8], target: &[u8]) -> bool {
    fn components(p: &[u8]) -> std::slice::Split<'_, u8, impl FnMut(&u8) -> bool> {
        p.split(|&b| b == b'/')
    }
    // Where the lookup is (the link's directory, from the root), and what is left of it.
    let mut at: Vec<&[u8]> = components(link).collect();
    at.pop();
    let mut left: Vec<&[u8]> = components(target).rev().collect();
    let mut followed = 0;
    if target.starts_with(b"/") {
        return true;
    }
    while let Some(c) = left.pop() {
        match c {
            b"" | b"." => {}
            b".." => {
                if at.pop().is_none() {
                    return true;
                }
            }
            name => {
                at.push(name);
                let Some(next) = links.get(at.join(&b'/').as_slice()) else {
                    continue;
                };
                followed += 1;
                if next.starts_with(b"/") {
                    return true;
                }
                if followed > MAX_SYMLINKS {
                    return false; // the kernel gives up: it leads nowhere
                }
                at.pop();
                left.extend(components(next).rev());
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str, target: &str) -> (Vec<u8>, Vec<u8>) {
        (path.into(), target.into())
    }

    fn outside(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<String> {
        outside_symlinks(entries)
            .into_iter()
            .map(|l| l.path)
            .collect()
    }

    #[test]
    fn symlinks_leaving_the_tree_are_found() {
        let entries = [
            link("abs", "/etc/passwd"),
            link("up", ".."),
            link("d/up-down", "../x"),
            link("d/up-up", "../../x"),
            link("d/e/deep", "../../f/./g//h"),
            link("self", "."),
            // Through the snapshot's own links: `here` is the root, so
            // `here/..` is above it; `d/far` is a link to the root's parent.
            link("here", "."),
            link("via-here", "here/.."),
            link("d/far", "../up"),
            link("via-far", "d/far/x"),
            link("inside-chain", "d/up-down"),
            // A loop leads nowhere (ELOOP).
            link("loop-a", "loop-b"),
            link("loop-b", "loop-a"),
        ];
        assert_eq!(
            outside(&entries),
            ["abs", "up", "d/up-up", "via-here", "d/far", "via-far"]
        );
    }
}
