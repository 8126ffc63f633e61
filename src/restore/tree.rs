//! The restored tree's entries: paths checked against the manifest,
//! created, their lengths verified, their modes and times applied.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::beneath::Beneath;
use super::OutsideSymlink;
use crate::repo::format::{self, Entry, Kind};
use crate::repo::RepoError;

pub(super) fn rel_path(root: &Path, e: &Entry) -> PathBuf {
    if e.path.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(&e.path))
    }
}

/// Checks a manifest path before using it: relative, no `..`, no empty parts.
fn safe(e: &Entry) -> anyhow::Result<()> {
    if !format::is_relative_path(&e.path) {
        return Err(RepoError::Corrupt {
            object: "snapshot manifest".into(),
            why: "a path escapes the data directory".into(),
        }
        .into());
    }
    Ok(())
}

/// The hard links to restore as links: entry index → the index of the
/// file entry it names. Only an earlier plain file of the same content
/// counts; any other `link` (its file not in the snapshot, or different)
/// is restored as a copy, as a reader that ignores `link` does.
pub(super) fn hard_links(entries: &[Entry]) -> HashMap<usize, usize> {
    let wanted: HashSet<&[u8]> = entries
        .iter()
        .filter(|e| e.kind == Kind::File && !e.link.is_empty())
        .map(|e| e.link.as_slice())
        .collect();
    if wanted.is_empty() {
        return HashMap::new();
    }
    let mut firsts: HashMap<&[u8], usize> = HashMap::new();
    let mut links = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.kind != Kind::File {
            continue;
        }
        if e.link.is_empty() {
            if wanted.contains(e.path.as_slice()) {
                firsts.entry(&e.path).or_insert(i);
            }
            continue;
        }
        if let Some(&first) = firsts.get(e.link.as_slice()) {
            let f = &entries[first];
            if f.size == e.size && f.chunks == e.chunks {
                links.insert(i, first);
            }
        }
    }
    links
}

/// Makes each hard link, once every file has its content.
pub(super) fn make_links(
    root: &Beneath,
    entries: &[Entry],
    links: &HashMap<usize, usize>,
) -> anyhow::Result<()> {
    let mut sorted: Vec<(&usize, &usize)> = links.iter().collect();
    sorted.sort();
    for (&link, &first) in sorted {
        let e = &entries[link];
        root.hard_link(&entries[first].path, &e.path)
            .map_err(|err| {
                anyhow::anyhow!(
                    "cannot link {} to {}: {err}",
                    rel_path(&root.path, e).display(),
                    String::from_utf8_lossy(&entries[first].path)
                )
            })?;
    }
    Ok(())
}

/// Creates every entry. An entry's parent must be a directory this restore
/// created: a manifest (forged by someone holding the device's public key)
/// cannot route a write through one of its own symlinks to outside the target.
/// Hard links in `links` are left to [`make_links`].
pub(super) fn create_tree(
    root: &Beneath,
    entries: &[Entry],
    links: &HashMap<usize, usize>,
) -> anyhow::Result<()> {
    let mut seen: HashSet<&[u8]> = HashSet::new();
    let mut dirs: HashSet<&[u8]> = HashSet::from([&b""[..]]);
    for (i, e) in entries.iter().enumerate() {
        safe(e)?;
        if !seen.insert(&e.path) {
            return Err(RepoError::Corrupt {
                object: "snapshot manifest".into(),
                why: format!("{} appears twice", String::from_utf8_lossy(&e.path)),
            }
            .into());
        }
        if !e.path.is_empty() {
            let parent = match e.path.iter().rposition(|&b| b == b'/') {
                Some(slash) => &e.path[..slash],
                None => &b""[..],
            };
            if !dirs.contains(parent) {
                return Err(RepoError::Corrupt {
                    object: "snapshot manifest".into(),
                    why: format!(
                        "{} does not lie in a directory of the snapshot",
                        String::from_utf8_lossy(&e.path)
                    ),
                }
                .into());
            }
            if e.kind == Kind::Dir {
                dirs.insert(&e.path);
            }
        }
        let io = |err: std::io::Error| {
            anyhow::anyhow!("cannot create {}: {err}", rel_path(&root.path, e).display())
        };
        match e.kind {
            Kind::Dir if e.path.is_empty() => {}
            Kind::Dir => root.mkdir(&e.path).map_err(io)?,
            // A file with content is created by its first chunk's writer
            // (one open per chunk instead of one more per file).
            Kind::File if e.size > 0 || links.contains_key(&i) => {}
            Kind::File => drop(root.create_new(&e.path).map_err(io)?),
            Kind::Symlink => root.symlink(&e.path, &e.target).map_err(io)?,
            Kind::Fifo => root.mkfifo(&e.path).map_err(io)?,
        }
    }
    Ok(())
}

pub(super) fn verify_lengths(root: &Beneath, entries: &[Entry]) -> anyhow::Result<()> {
    for e in entries.iter().filter(|e| e.kind == Kind::File) {
        let path = rel_path(&root.path, e);
        let len = root
            .file_len(&e.path)
            .map_err(|err| anyhow::anyhow!("cannot inspect {}: {err}", path.display()))?;
        anyhow::ensure!(
            len == e.size,
            "restored {} has {len} bytes, expected {}",
            path.display(),
            e.size
        );
    }
    Ok(())
}

/// The mode bits restore drops unless asked to keep them: setuid, setgid,
/// sticky, and write for others.
const SPECIAL_MODES: u32 = 0o7002;

/// Modes and times: files and symlinks first, then directories deepest
/// first (so a read-only directory does not block its children). Without
/// `keep_special_modes`, [`SPECIAL_MODES`] are dropped (a restore run as
/// root owns every file it writes: a setuid bit would be root's).
pub(super) fn apply_metadata(
    root: &Beneath,
    entries: &[Entry],
    keep_special_modes: bool,
) -> anyhow::Result<()> {
    let mode = |e: &Entry| {
        let dropped = if keep_special_modes { 0 } else { SPECIAL_MODES };
        e.mode & 0o7777 & !dropped
    };
    let failed = |what: &str, e: &Entry, err: std::io::Error| {
        anyhow::anyhow!(
            "cannot set the {what} of {}: {err}",
            rel_path(&root.path, e).display()
        )
    };
    for e in entries.iter().filter(|e| e.kind != Kind::Dir) {
        match e.kind {
            Kind::File => root.chmod(&e.path, false, mode(e)),
            Kind::Fifo => root.chmod_fifo(&e.path, mode(e)),
            _ => Ok(()),
        }
        .map_err(|err| failed("mode", e, err))?;
        root.set_mtime(&e.path, e.mtime_ns)
            .map_err(|err| failed("time", e, err))?;
    }
    let mut dirs: Vec<&Entry> = entries.iter().filter(|e| e.kind == Kind::Dir).collect();
    dirs.sort_by_key(|e| {
        std::cmp::Reverse(
            e.path.iter().filter(|&&b| b == b'/').count() + usize::from(!e.path.is_empty()),
        )
    });
    for e in dirs {
        root.chmod(&e.path, true, mode(e))
            .map_err(|err| failed("mode", e, err))?;
        root.set_mtime(&e.path, e.mtime_ns)
            .map_err(|err| failed("time", e, err))?;
    }
    Ok(())
}

/// The symlinks whose target lies outside the restored tree: absolute, or
/// climbing above its root, resolved as the kernel would through the
/// snapshot's own symlinks (`a -> b/..` with `b -> .` leaves the root).
pub(super) fn outside_symlinks(entries: &[Entry]) -> Vec<OutsideSymlink> {
    let links: HashMap<&[u8], &[u8]> = entries
        .iter()
        .filter(|e| e.kind == Kind::Symlink)
        .map(|e| (e.path.as_slice(), e.target.as_slice()))
        .collect();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    entries
        .iter()
        .filter(|e| e.kind == Kind::Symlink && leads_outside(&links, &e.path, &e.target))
        .map(|e| OutsideSymlink {
            path: text(&e.path),
            target: text(&e.target),
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

    fn link(path: &str, target: &str) -> Entry {
        Entry {
            path: path.into(),
            kind: Kind::Symlink,
            mode: 0o777,
            mtime_ns: 0,
            size: 0,
            target: target.into(),
            chunks: vec![],
            link: vec![],
        }
    }

    fn outside(entries: &[Entry]) -> Vec<String> {
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
