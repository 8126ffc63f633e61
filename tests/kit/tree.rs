//! Directory trees: generators of test data, and one byte-exact comparison
//! (content, modes, mtimes to the nanosecond, symlink targets, file types,
//! names as raw bytes).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use filetime::FileTime;
use rand::{RngCore, SeedableRng};

pub const MIB: usize = 1024 * 1024;

/// Deterministic pseudo-random (incompressible) bytes.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    v
}

/// Writes a file, creating its parent directories.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
}

pub fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Writes `files` (relative path, size) under `dir`: random bytes, the n-th
/// file's from seed `seed + n`.
pub fn random_files(dir: &Path, seed: u64, files: &[(&str, usize)]) {
    for (n, (rel, size)) in files.iter().enumerate() {
        write(&dir.join(rel), random_bytes(seed + n as u64, *size));
    }
}

/// A small tree of every kind: nested directories, an empty file, a
/// symlink, and a file large enough to span packs (so it is uploaded in parts).
pub fn sample(dir: &Path, seed: u64) {
    random_files(
        dir,
        seed,
        &[
            ("big.bin", 20 * MIB + 12345),
            ("notes/today.txt", 3000),
            ("notes/deep/er/file.dat", 700_000),
            ("empty", 0),
        ],
    );
    std::os::unix::fs::symlink("notes/today.txt", dir.join("link")).unwrap();
}

/// A messenger's small data directory: text files, a binary file, a
/// subdirectory, an SQLite-like set of companions, a symlink pointing
/// outside (6 regular files).
pub fn write_corpus(data: &Path) {
    write(
        &data.join("notes.txt"),
        "meeting with the source at noon\n".repeat(100),
    );
    write(&data.join("sub/contacts.json"), br#"{"alice": "05abc"}"#);
    write(&data.join("sub/deeper/blob.bin"), vec![7u8; 300_000]);
    write(&data.join("db.sqlite"), b"SQLite format 3\0...");
    write(&data.join("db.sqlite-wal"), b"wal");
    write(&data.join("db.sqlite-shm"), b"shm");
    std::os::unix::fs::symlink("/etc/hostname", data.join("link-outside")).unwrap();
}

/// Sets a path's mtime (and atime) to the nanosecond, without following a symlink.
pub fn set_mtime(path: &Path, secs: i64, nsecs: u32) {
    let t = FileTime::from_unix_time(secs, nsecs);
    filetime::set_symlink_file_times(path, t, t)
        .unwrap_or_else(|e| panic!("set the times of {}: {e}", path.display()));
}

/// Gives every entry below `root` (and `root`) a distinct, old mtime with
/// nanoseconds, deepest first so directories keep theirs.
pub fn set_all_mtimes(root: &Path, base_secs: i64) {
    let tree = scan_paths(root);
    let mut paths: Vec<&Vec<u8>> = tree.iter().collect();
    paths.sort_by_key(|p| std::cmp::Reverse(depth(p)));
    for (i, rel) in paths.into_iter().enumerate() {
        let path = join(root, rel);
        set_mtime(&path, base_secs + i as i64 * 3607, 123_456_789 + i as u32);
    }
}

fn depth(rel: &[u8]) -> usize {
    if rel.is_empty() {
        0
    } else {
        1 + rel.iter().filter(|&&b| b == b'/').count()
    }
}

pub fn join(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(OsStr::from_bytes(rel))
    }
}

/// Every path below `root` as raw relative bytes ("" for `root`), sorted
/// within each directory, without following symlinks.
fn scan_paths(root: &Path) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    fn walk(dir: &Path, rel: &[u8], out: &mut Vec<Vec<u8>>) {
        let mut names: Vec<Vec<u8>> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().as_bytes().to_vec())
            .collect();
        names.sort();
        for name in names {
            let mut r = rel.to_vec();
            if !r.is_empty() {
                r.push(b'/');
            }
            r.extend_from_slice(&name);
            let p = dir.join(OsStr::from_bytes(&name));
            let is_dir = fs::symlink_metadata(&p).unwrap().is_dir();
            out.push(r.clone());
            if is_dir {
                walk(&p, &r, out);
            }
        }
    }
    walk(root, &[], &mut out);
    out
}

/// Every entry below `root` that is not a directory (files, symlinks, …),
/// sorted; symlinks are not followed.
pub fn files(root: &Path) -> Vec<PathBuf> {
    scan_paths(root)
        .into_iter()
        .map(|rel| join(root, &rel))
        .filter(|p| !fs::symlink_metadata(p).unwrap().is_dir())
        .collect()
}

/// [`files`], each with its contents.
pub fn files_with_contents(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(root)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Copies the directories and files below `from` to `to` (made if missing),
/// and `from`'s permissions to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
    let meta = fs::metadata(from).unwrap();
    fs::set_permissions(to, meta.permissions()).unwrap();
}

/// What a tree comparison looks at for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    File { size: u64, blake3: String },
    Dir,
    Symlink { target: Vec<u8> },
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub node: Node,
    /// Permission bits (0 for symlinks, whose mode means nothing on Linux).
    pub mode: u32,
    pub mtime_ns: i64,
}

/// Relative path (raw bytes, "" for the root) → what is there.
pub type Tree = BTreeMap<Vec<u8>, Meta>;

/// Reads a whole tree without following symlinks.
pub fn scan(root: &Path) -> Tree {
    let mut tree = Tree::new();
    for rel in scan_paths(root) {
        let path = join(root, &rel);
        let m = fs::symlink_metadata(&path).unwrap();
        let ft = m.file_type();
        let node = if ft.is_dir() {
            Node::Dir
        } else if ft.is_symlink() {
            Node::Symlink {
                target: fs::read_link(&path)
                    .unwrap()
                    .as_os_str()
                    .as_bytes()
                    .to_vec(),
            }
        } else if ft.is_file() {
            let mut hasher = blake3::Hasher::new();
            let mut f =
                fs::File::open(&path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
            std::io::copy(&mut f, &mut hasher).unwrap();
            Node::File {
                size: m.len(),
                blake3: hasher.finalize().to_hex().to_string(),
            }
        } else {
            Node::Other(format!("{ft:?}"))
        };
        let mode = if ft.is_symlink() {
            0
        } else {
            m.mode() & 0o7777
        };
        tree.insert(
            rel,
            Meta {
                node,
                mode,
                mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            },
        );
    }
    tree
}

fn show(rel: &[u8]) -> String {
    if rel.is_empty() {
        "<root>".into()
    } else {
        format!("\"{}\"", rel.escape_ascii())
    }
}

/// Every difference between two trees, one line each.
pub fn diff(expected: &Tree, actual: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, e) in expected {
        match actual.get(rel) {
            None => out.push(format!("missing: {} ({:?})", show(rel), e.node)),
            Some(a) => {
                if a.node != e.node {
                    out.push(format!(
                        "{}: content/type {:?}, expected {:?}",
                        show(rel),
                        a.node,
                        e.node
                    ));
                }
                if a.mode != e.mode {
                    out.push(format!(
                        "{}: mode {:o}, expected {:o}",
                        show(rel),
                        a.mode,
                        e.mode
                    ));
                }
                if a.mtime_ns != e.mtime_ns {
                    out.push(format!(
                        "{}: mtime {} ns, expected {}",
                        show(rel),
                        a.mtime_ns,
                        e.mtime_ns
                    ));
                }
            }
        }
    }
    for (rel, a) in actual {
        if !expected.contains_key(rel) {
            out.push(format!("unexpected: {} ({:?})", show(rel), a.node));
        }
    }
    out
}

#[track_caller]
pub fn assert_same_tree(expected: &Tree, actual: &Tree, what: &str) {
    let d = diff(expected, actual);
    assert!(d.is_empty(), "{what}: trees differ:\n  {}", d.join("\n  "));
}

/// Fails unless the trees at `expected` and `actual` are the same in every
/// respect [`scan`] reads.
#[track_caller]
pub fn assert_trees_equal(expected: &Path, actual: &Path) {
    assert_same_tree(
        &scan(expected),
        &scan(actual),
        &format!("{} vs {}", expected.display(), actual.display()),
    );
}

/// Names in `dir` that look like a restore's staging directory.
pub fn staging_leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.contains(".crossing-restore-"))
        .collect()
}

/// Directories renamed aside by an emergency wipe (".", 16 of [a-z0-9]).
pub fn aside_dirs(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.len() == 17
                && n.starts_with('.')
                && n[1..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        .collect()
}

/// The names in `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every place below `root` (file contents and names) where `needle` occurs.
pub fn find_bytes(root: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for rel in scan_paths(root) {
        if contains(&rel, needle) {
            hits.push(format!("name {}", show(&rel)));
        }
        let path = join(root, &rel);
        let m = fs::symlink_metadata(&path).unwrap();
        if m.file_type().is_symlink() {
            let t = fs::read_link(&path).unwrap();
            if contains(t.as_os_str().as_bytes(), needle) {
                hits.push(format!("symlink target of {}", show(&rel)));
            }
        } else if m.is_file() {
            let bytes = fs::read(&path).unwrap();
            if contains(&bytes, needle) {
                hits.push(format!("content of {}", show(&rel)));
            }
        }
    }
    hits
}

/// Whether `needle` (not empty) occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// 64 lowercase hex digits: an object name.
pub fn is_object_name(name: &OsStr) -> bool {
    let b = name.as_bytes();
    b.len() == 64 && b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn chown_tree(root: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(root, Some(uid), Some(gid)).unwrap();
    if fs::symlink_metadata(root).unwrap().is_dir() {
        for e in fs::read_dir(root).unwrap() {
            chown_tree(&e.unwrap().path(), uid, gid);
        }
    }
}

/// Adds owner rwx to every directory below `root` (best effort).
pub fn make_writable(root: &Path) {
    let Ok(meta) = fs::symlink_metadata(root) else {
        return;
    };
    if meta.is_dir() {
        let _ = fs::set_permissions(root, fs::Permissions::from_mode(meta.mode() | 0o700));
        for e in fs::read_dir(root).into_iter().flatten().flatten() {
            make_writable(&e.path());
        }
    }
}
