//! Test data: directory trees of random (incompressible) bytes, and their
//! byte-for-byte comparison.

use std::collections::BTreeMap;
use std::path::Path;

use rand::{RngCore, SeedableRng};

pub const MIB: usize = 1024 * 1024;

/// Writes `files` (relative path, size) under `dir`, random bytes from `seed`.
pub fn random_files(dir: &Path, seed: u64, files: &[(&str, usize)]) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for (rel, size) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut data = vec![0u8; *size];
        rng.fill_bytes(&mut data);
        std::fs::write(path, data).unwrap();
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

/// Relative path → contents (files) or target (symlinks, prefixed "-> ").
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            out.insert(rel, format!("-> {}", target.display()).into_bytes());
        } else if meta.is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
            walk(root, &path, out);
        } else {
            out.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

/// Fails unless both trees hold the same paths with the same bytes.
pub fn assert_same(original: &Path, restored: &Path) {
    let (a, b) = (snapshot(original), snapshot(restored));
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "different paths");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs after the restore");
    }
}
