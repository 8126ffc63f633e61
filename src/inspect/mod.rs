//! Looking into a repository with the phrase, the way a restic, borg or
//! kopia user expects: what a snapshot holds (`ls`), what changed between
//! two (`diff`), and what the repository weighs (`stats`). Nothing here
//! writes to the store or the device.
//!
//! A snapshot is chosen as `restore` chooses it (`History::resolve`: the
//! same trust rules, so an untrusted or forged manifest is refused, never
//! shown as if it were trusted); a version-3 entry list is read as a
//! stream (`Repo::entry_stream`), never held whole.
//!
//! - `ls`: the entries of a snapshot, or of one path and below;
//! - `diff`: two snapshots' entry lists merged in one pass;
//! - `stats`: sizes and deduplication, from the phrase or the device's cache.

pub mod diff;
pub mod ls;
pub mod stats;

use std::cmp::Ordering;

use crate::repo::format::{Entry, Kind};
use crate::repo::history::{History, Judged, Opened, ReadKeys};
use crate::repo::tree;
use crate::repo::Repo;

/// A snapshot's entries in walk order, whichever its manifest's version.
pub enum Entries<'a> {
    Whole(std::vec::IntoIter<Entry>),
    Stream(Box<tree::Entries<'a>>),
}

impl Iterator for Entries<'_> {
    type Item = anyhow::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::Whole(all) => all.next().map(Ok),
            Entries::Stream(stream) => stream.next(),
        }
    }
}

/// The snapshot `wanted` names ("latest", or an ID or unique prefix) and
/// its entries, refused as `restore` refuses it.
pub fn open<'a>(
    repo: &'a Repo,
    keys: &'a ReadKeys,
    history: &History,
    wanted: &str,
) -> anyhow::Result<(Judged, Entries<'a>)> {
    let chosen = history.resolve(wanted)?.clone();
    let entries = match repo.open_listing(&chosen.id, keys)? {
        Opened::Whole(snapshot, _) => Entries::Whole(snapshot.entries.into_iter()),
        Opened::Tree(_, list) => Entries::Stream(Box::new(repo.entry_stream(keys, &list)?)),
    };
    Ok((chosen, entries))
}

/// Walk order (docs/format.md, *Entries*): depth-first, a directory before
/// its contents, siblings by the bytes of their names; so paths compare
/// name by name, not byte by byte ("a/x" comes before "a-b").
pub fn walk_order(a: &[u8], b: &[u8]) -> Ordering {
    // No path but the root has an empty name, and the root's one empty
    // name sorts first.
    a.split(|&c| c == b'/').cmp(b.split(|&c| c == b'/'))
}

/// A path as shown: the root is ".", other paths as they are (bytes that
/// are not UTF-8 replaced).
pub fn shown_path(path: &[u8]) -> String {
    if path.is_empty() {
        ".".to_string()
    } else {
        String::from_utf8_lossy(path).into_owned()
    }
}

pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::File => "file",
        Kind::Dir => "dir",
        Kind::Symlink => "symlink",
        Kind::Fifo => "fifo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.as_bytes().to_vec(),
            kind: Kind::Dir,
            mode: 0o755,
            mtime_ns: 0,
            size: 0,
            target: vec![],
            chunks: vec![],
            link: vec![],
        }
    }

    fn whole(paths: &[&str]) -> Entries<'static> {
        Entries::Whole(
            paths
                .iter()
                .map(|p| entry(p))
                .collect::<Vec<_>>()
                .into_iter(),
        )
    }

    #[test]
    fn walk_order_compares_name_by_name() {
        let mut paths = vec!["a.txt", "a-b", "a/x", "", "a", "a/deep/y", "a/deep"];
        paths.sort_by(|a, b| walk_order(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            paths,
            ["", "a", "a/deep", "a/deep/y", "a/x", "a-b", "a.txt"]
        );
    }

    #[test]
    fn diff_merges_in_one_pass_and_refuses_a_list_out_of_order() {
        let mut seen = Vec::new();
        diff::diff(
            whole(&["", "a", "a/x", "c"]),
            whole(&["", "a", "b"]),
            |c, e| {
                seen.push((c.sign(), shown_path(&e.path)));
                Ok(())
            },
        )
        .unwrap();
        let want = [('-', "a/x"), ('+', "b"), ('-', "c")];
        assert_eq!(seen, want.map(|(c, p)| (c, p.to_string())));
        let unordered = diff::diff(whole(&["", "b", "a"]), whole(&[""]), |_, _| Ok(()));
        assert!(unordered.unwrap_err().to_string().contains("walk order"));
    }
}
