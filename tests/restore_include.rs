//! `restore --include PATH`: only the paths named (and the directories
//! leading to them) are restored, byte for byte; a path the snapshot does
//! not hold is refused and the target left as it was.

mod kit;

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use kit::*;

/// Every path below `root` (relative, sorted), directories included.
fn paths(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = String::from_utf8(e.file_name().as_bytes().to_vec()).unwrap();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            out.push(r.clone());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &r, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, "", &mut out);
    out.sort();
    out
}

fn tree(fx: &Fixture) {
    write(&fx.data.join("a/one.txt"), b"one\n");
    write(&fx.data.join("a/sub/two.bin"), random_bytes(2, 3_000_000));
    write(&fx.data.join("a/sub/other"), b"not wanted");
    write(&fx.data.join("b/three.txt"), b"three\n");
    write(&fx.data.join("b/deeper/four.bin"), random_bytes(4, 200_000));
    write(
        &fx.data.join("bb/not-b"),
        b"a sibling whose name starts like b",
    );
    write(&fx.data.join("top.txt"), b"top\n");
    std::os::unix::fs::symlink("../top.txt", fx.data.join("b/link")).unwrap();
}

#[test]
fn include_restores_exactly_a_file_and_a_directory() {
    let fx = Fixture::new();
    tree(&fx);
    fx.backup_ok();

    let target = fx.root().join("restored");
    let out = fx
        .restore_fresh(
            &target,
            &["--include", "a/sub/two.bin", "--include", "./b/", "--json"],
        )
        .expect(0, "restore --include");
    let summary = out.json();
    assert_eq!(summary["files"], 3, "{summary}");
    assert_eq!(summary["symlinks"], 1, "{summary}");
    assert_eq!(
        paths(&target),
        [
            "a",
            "a/sub",
            "a/sub/two.bin",
            "b",
            "b/deeper",
            "b/deeper/four.bin",
            "b/link",
            "b/three.txt",
        ]
    );
    for file in ["a/sub/two.bin", "b/three.txt", "b/deeper/four.bin"] {
        assert_eq!(
            fs::read(target.join(file)).unwrap(),
            fs::read(fx.data.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_eq!(
        fs::read_link(target.join("b/link")).unwrap(),
        Path::new("../top.txt")
    );
}

#[test]
fn an_include_matching_nothing_restores_nothing() {
    let fx = Fixture::new();
    tree(&fx);
    fx.backup_ok();

    // A new target is not created.
    let target = fx.root().join("restored");
    let out = fx
        .restore_fresh(&target, &["--include", "b", "--include", "a/nothing"])
        .expect(11, "restore --include of a missing path");
    assert!(
        out.stderr.contains("a/nothing") && out.stderr.contains("nothing was restored"),
        "{}",
        out.stderr
    );
    assert!(!target.exists());

    // An existing one replaced with --force keeps its contents.
    write(&target.join("kept"), b"mine");
    fx.restore_fresh(&target, &["--force", "--include", "b/three.txt/x"])
        .expect(11, "restore --force --include of a missing path");
    assert_eq!(paths(&target), ["kept"]);
    assert_eq!(fs::read(target.join("kept")).unwrap(), b"mine");
    let leftovers: Vec<_> = fs::read_dir(fx.root())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("crossing-restore")
        })
        .collect();
    assert!(leftovers.is_empty(), "staging left behind");

    // A path outside the snapshot is refused before anything is read.
    fx.restore_fresh(&target, &["--force", "--include", "../etc"])
        .expect(2, "restore --include ../etc");
    assert_eq!(paths(&target), ["kept"]);
}
