//! Helpers shared by the integration tests: running the real `crossing`
//! binary in a scratch home, a ready-made profile, and a byte-exact
//! comparison of directory trees (content, modes, mtimes, symlink targets,
//! file types, names as raw bytes).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{CString, OsStr};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rand::{RngCore, SeedableRng};
use serde_json::Value;
use tempfile::TempDir;

/// Environment variables that would change what the binary does.
const CROSSING_ENV: [&str; 4] = [
    "CROSSING_HOME",
    "CROSSING_PROFILE",
    "CROSSING_STORE",
    "CROSSING_PHRASE_FILE",
];

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_crossing"))
}

/// What a finished `crossing` run left behind.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    fn from(output: std::process::Output) -> Out {
        use std::os::unix::process::ExitStatusExt;
        Out {
            code: output
                .status
                .code()
                .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0)),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics (showing both streams) unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32, what: &str) -> Out {
        assert_eq!(
            self.code, code,
            "{what}: expected exit {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A `crossing` command with `--home home` (if any), no stdin, and none of
/// the CROSSING_* variables of the environment the tests run in.
pub fn command(home: Option<&Path>, user: Option<(u32, u32)>) -> Command {
    let mut cmd = Command::new(bin());
    for var in CROSSING_ENV {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    if let Some(home) = home {
        cmd.arg("--home").arg(home);
    }
    if let Some((uid, gid)) = user {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// Runs `crossing [--home home] args…` to completion.
pub fn run<I, S>(home: Option<&Path>, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_as(home, None, args)
}

pub fn run_as<I, S>(home: Option<&Path>, user: Option<(u32, u32)>, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = command(home, user)
        .args(args)
        .output()
        .expect("run crossing");
    Out::from(output)
}

/// Creates a pseudonym in `home` and writes its phrase to `phrase_file`.
/// Returns the `pseudonym` JSON object (id, locator, …).
pub fn new_pseudonym(home: &Path, phrase_file: &Path) -> Value {
    let out = run(Some(home), ["pseudonym", "new", "--json"]).expect(0, "pseudonym new");
    let v = out.json();
    let phrase = v["phrase"].as_str().expect("phrase in JSON");
    assert_eq!(phrase.split(' ').count(), 12, "a 12-word phrase");
    fs::write(phrase_file, format!("{phrase}\n")).unwrap();
    v["pseudonym"].clone()
}

/// A scratch directory with a pseudonym, a data directory, a `file://` store
/// and a profile "default" tying them together.
pub struct Fixture {
    pub tmp: TempDir,
    pub home: PathBuf,
    pub data: PathBuf,
    pub store: PathBuf,
    pub phrase_file: PathBuf,
    pub locator: String,
    /// Run every command as this (uid, gid) (and keep the tree owned by it).
    pub user: Option<(u32, u32)>,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with_user(None)
    }

    /// As [`Fixture::new`], but every `crossing` run happens as `user`.
    pub fn with_user(user: Option<(u32, u32)>) -> Fixture {
        let tmp = tempfile::Builder::new()
            .prefix("crossing-it-")
            .tempdir()
            .unwrap();
        let root = tmp.path().to_path_buf();
        let mut fx = Fixture {
            home: root.join("home"),
            data: root.join("data"),
            store: root.join("store"),
            phrase_file: root.join("phrase.txt"),
            locator: String::new(),
            tmp,
            user,
        };
        fs::create_dir(&fx.data).unwrap();
        fx.give_away();
        let out = fx.crossing(["pseudonym", "new", "--json"]);
        let out = out.expect(0, "pseudonym new");
        let v = out.json();
        let phrase = v["phrase"].as_str().expect("phrase").to_string();
        fs::write(&fx.phrase_file, format!("{phrase}\n")).unwrap();
        fx.locator = v["pseudonym"]["locator"]
            .as_str()
            .expect("locator")
            .to_string();
        let url = fx.store_url();
        let init: [&OsStr; 5] = [
            OsStr::new("init"),
            OsStr::new("--data-dir"),
            fx.data.as_os_str(),
            OsStr::new("--store"),
            OsStr::new(&url),
        ];
        fx.crossing(init).expect(0, "init");
        fx
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn store_url(&self) -> String {
        format!("file://{}", self.store.display())
    }

    /// `<store>/<locator>`: the repository's folder.
    pub fn repo_dir(&self) -> PathBuf {
        self.store.join(&self.locator)
    }

    /// Gives the whole scratch tree to `user` (if any), so files the test
    /// just created are that user's.
    pub fn give_away(&self) {
        if let Some((uid, gid)) = self.user {
            chown_tree(self.root(), uid, gid);
        }
    }

    /// `crossing --home <home> args…`.
    pub fn crossing<I, S>(&self, args: I) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.give_away();
        run_as(Some(&self.home), self.user, args)
    }

    /// `crossing backup --json [extra…]`: the exit code and the summary.
    pub fn backup(&self, extra: &[&str]) -> (Out, Value) {
        let mut args = vec!["backup", "--json"];
        args.extend_from_slice(extra);
        let out = self.crossing(&args);
        let json = if out.stdout.trim().is_empty() {
            Value::Null
        } else {
            out.json()
        };
        (out, json)
    }

    /// A successful backup's summary.
    #[track_caller]
    pub fn backup_ok(&self) -> Value {
        let (out, json) = self.backup(&[]);
        out.expect(0, "backup");
        json
    }

    /// `crossing restore` from a home that does not exist (no state at all).
    pub fn restore_fresh(&self, target: &Path, extra: &[&str]) -> Out {
        let fresh = self.root().join(format!(
            "fresh-home-{}",
            hex::encode(rand::random::<[u8; 4]>())
        ));
        let url = self.store_url();
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("restore"),
            OsStr::new("--store"),
            OsStr::new(&url),
            OsStr::new("--data-dir"),
            target.as_os_str(),
            OsStr::new("--phrase-file"),
            self.phrase_file.as_os_str(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        self.give_away();
        let out = run_as(Some(&fresh), self.user, args);
        assert!(
            !fresh.exists(),
            "restore without state created a home at {}",
            fresh.display()
        );
        out
    }

    /// Every stored pack object (complete ones, not a writer's staging files).
    pub fn packs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let data = self.repo_dir().join("data");
        let Ok(dirs) = fs::read_dir(&data) else {
            return out;
        };
        for d in dirs {
            let d = d.unwrap().path();
            for f in fs::read_dir(&d).into_iter().flatten() {
                let f = f.unwrap().path();
                if is_object_name(f.file_name().unwrap()) {
                    out.push(f);
                }
            }
        }
        out.sort();
        out
    }

    /// Names of the stored snapshot objects.
    pub fn snapshot_objects(&self) -> Vec<String> {
        let mut out: Vec<String> = fs::read_dir(self.repo_dir().join("snapshots"))
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| is_object_name(OsStr::new(n)))
            .collect();
        out.sort();
        out
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Read-only directories would keep TempDir from removing the tree.
        make_writable(self.tmp.path());
    }
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

/// Deterministic pseudo-random bytes.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v = vec![0u8; len];
    rng.fill_bytes(&mut v);
    v
}

/// Sets a path's mtime (and atime) without following a symlink.
pub fn set_mtime(path: &Path, secs: i64, nsecs: i64) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    let ts = libc::timespec {
        tv_sec: secs,
        tv_nsec: nsecs,
    };
    let times = [ts, ts];
    // SAFETY: a valid C string and two timespecs.
    let rc = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            c.as_ptr(),
            times.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    assert_eq!(
        rc,
        0,
        "utimensat {}: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// Gives every entry below `root` (and `root`) a distinct, old mtime with
/// nanoseconds, deepest first so directories keep theirs.
pub fn set_all_mtimes(root: &Path, base_secs: i64) {
    let tree = scan_paths(root);
    let mut paths: Vec<&Vec<u8>> = tree.iter().collect();
    paths.sort_by_key(|p| std::cmp::Reverse(depth(p)));
    for (i, rel) in paths.into_iter().enumerate() {
        let path = join(root, rel);
        set_mtime(&path, base_secs + i as i64 * 3607, 123_456_789 + i as i64);
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

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
