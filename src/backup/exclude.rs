//! `--exclude` patterns: gitignore-like globs matched on a path relative to
//! the data directory. A match is not walked: an excluded directory is
//! never listed, an excluded file never opened (nor stat'ed, unless a
//! pattern ends in `/` and must tell directories apart).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::{ExitKind, Fail};

/// The compiled patterns of one backup.
#[derive(Debug, Clone)]
pub struct Excludes {
    /// Patterns matching any kind of entry.
    any: GlobSet,
    /// Patterns ending in `/`: directories only.
    dirs: GlobSet,
}

impl Default for Excludes {
    fn default() -> Excludes {
        Excludes {
            any: GlobSet::empty(),
            dirs: GlobSet::empty(),
        }
    }
}

impl Excludes {
    /// Compiles `patterns` (gitignore's rules, without `!`): a pattern with
    /// a `/` before its end is anchored at the data directory (a leading
    /// `/` only anchors); one without matches a name at any depth; a
    /// trailing `/` matches directories only; `*` and `?` stay within one
    /// name, `**` crosses directories.
    pub fn new(patterns: &[String]) -> anyhow::Result<Excludes> {
        let (mut any, mut dirs) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for p in patterns {
            let (glob, dir_only) = translate(p)?;
            let compiled = GlobBuilder::new(&glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| usage(format!("--exclude {p:?}: {e}")))?;
            if dir_only {
                dirs.add(compiled);
            } else {
                any.add(compiled);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| usage(format!("--exclude: {e}")));
        Ok(Excludes {
            any: build(any)?,
            dirs: build(dirs)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.any.is_empty() && self.dirs.is_empty()
    }

    /// Whether `rel` (relative, `/`-separated bytes) is excluded whatever
    /// its kind.
    pub fn matches(&self, rel: &[u8]) -> bool {
        !self.any.is_empty() && self.any.is_match_candidate(&candidate(rel))
    }

    /// Whether the directory `rel` is excluded by a pattern ending in `/`.
    pub fn matches_dir(&self, rel: &[u8]) -> bool {
        !self.dirs.is_empty() && self.dirs.is_match_candidate(&candidate(rel))
    }

    /// Whether some pattern needs to know that an entry is a directory.
    pub fn has_dir_patterns(&self) -> bool {
        !self.dirs.is_empty()
    }
}

fn candidate(rel: &[u8]) -> Candidate<'_> {
    Candidate::new(Path::new(OsStr::from_bytes(rel)))
}

fn usage(message: String) -> anyhow::Error {
    Fail {
        kind: ExitKind::Usage,
        message,
    }
    .into()
}

/// A gitignore pattern as a glob on the whole relative path, and whether it
/// matches directories only.
fn translate(pattern: &str) -> anyhow::Result<(String, bool)> {
    if pattern.starts_with('!') {
        return Err(usage(format!(
            "--exclude {pattern:?}: negated patterns (\"!\") are not supported; name only what to leave out"
        )));
    }
    let (body, dir_only) = match pattern.strip_suffix('/') {
        Some(b) => (b, true),
        None => (pattern, false),
    };
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() || body.split('/').any(|c| c == "..") {
        return Err(usage(format!(
            "--exclude {pattern:?}: not a pattern of paths inside the data directory"
        )));
    }
    let glob = if anchored {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    Ok((glob, dir_only))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(patterns: &[&str]) -> Excludes {
        Excludes::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn gitignore_like_rules() {
        let e = ex(&["*.tmp", "/Cache", "logs/", "a/**/z", "sql/*.bak"]);
        assert!(e.matches(b"x.tmp") && e.matches(b"deep/in/x.tmp"));
        assert!(e.matches(b"Cache") && !e.matches(b"attachments/Cache"));
        assert!(!e.matches(b"logs") && e.matches_dir(b"logs") && e.matches_dir(b"a/logs"));
        assert!(e.matches(b"a/z") && e.matches(b"a/b/c/z") && !e.matches(b"b/a/z"));
        assert!(e.matches(b"sql/x.bak") && !e.matches(b"sql/d/x.bak"));
        assert!(!e.matches(b"sql/db.sqlite") && !e.matches(b"config.json"));
        assert!(Excludes::default().is_empty() && !Excludes::default().matches(b"x"));
        for bad in ["!keep", "/", "../x", ""] {
            assert!(Excludes::new(&[bad.to_string()]).is_err(), "{bad:?}");
        }
    }
}
