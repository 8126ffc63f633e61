//! `ls`: the entries of a snapshot, or of one path and everything below it.

use serde::Serialize;

use super::{kind_name, shown_path, Entries};
use crate::repo::format::{is_within, Entry, Kind};

/// One entry, as `ls --json` prints it.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub path: String,
    pub kind: &'static str,
    /// Permission bits (`st_mode & 0o7777`).
    pub mode: u32,
    pub bytes: u64,
    /// Unix seconds.
    pub modified_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl Listed {
    pub fn of(e: &Entry) -> Listed {
        Listed {
            path: shown_path(&e.path),
            kind: kind_name(e.kind),
            mode: e.mode,
            bytes: e.size,
            modified_at: e.mtime_ns.div_euclid(1_000_000_000),
            target: (e.kind == Kind::Symlink).then(|| String::from_utf8_lossy(&e.target).into()),
        }
    }
}

/// `within` as a manifest path: no leading "./" or "/", no trailing "/";
/// "." and "" are the root.
pub fn manifest_path(within: &str) -> Vec<u8> {
    let mut p = within.trim_start_matches("./").trim_start_matches('/');
    p = p.trim_end_matches('/');
    if p == "." {
        p = "";
    }
    p.as_bytes().to_vec()
}

/// Hands every entry at `within` and below to `each`, in walk order, and
/// returns how many there were. A subtree is one run of the walk, so the
/// list is read only up to its end.
pub fn list(
    entries: Entries<'_>,
    within: &[u8],
    mut each: impl FnMut(&Entry) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let mut shown = 0;
    for entry in entries {
        let entry = entry?;
        if is_within(&entry.path, within) {
            each(&entry)?;
            shown += 1;
        } else if shown > 0 {
            break;
        }
    }
    Ok(shown)
}

/// `ls -l`'s mode column: the kind, then rwx for user, group and others.
pub fn mode_string(kind: Kind, mode: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match kind {
        Kind::File => '-',
        Kind::Dir => 'd',
        Kind::Symlink => 'l',
        Kind::Fifo => 'p',
    });
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_within() {
        assert!(is_within(b"sub/a", b"sub"));
        assert!(is_within(b"sub", b"sub"));
        assert!(!is_within(b"sub-b", b"sub"));
        assert!(is_within(b"anything", b""));
        assert_eq!(manifest_path("./sub/"), b"sub");
        assert_eq!(manifest_path("."), b"");
        assert_eq!(mode_string(Kind::Dir, 0o750), "drwxr-x---");
    }
}
