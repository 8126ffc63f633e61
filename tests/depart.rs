//! `crossing depart` through the real binary.

mod protectkit;

use std::path::Path;

use expectrl::Expect;
use predicates::prelude::*;
use protectkit::*;

/// Names and BLAKE3 of the regular files, without the SQLite companions
/// (the backup opens `db.sqlite` as a live database, which rewrites its `-shm`).
fn tree(dir: &Path) -> Vec<(String, String)> {
    files_of(dir)
        .into_iter()
        .filter(|(n, _)| !n.starts_with("db.sqlite"))
        .map(|(n, c)| (n, blake3::hash(&c).to_hex().to_string()))
        .collect()
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            out.extend(files_of(&p).into_iter().map(|(n, c)| {
                (
                    format!("{}/{n}", p.file_name().unwrap().to_string_lossy()),
                    c,
                )
            }));
        } else if meta.is_file() {
            out.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn depart_backs_up_verifies_then_wipes_and_the_phrase_restores_everything() {
    let s = Setup::new();
    let before = tree(&s.data);
    let out = s
        .cmd()
        .args(["depart", "--yes", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Store address"), "{stderr}");
    assert!(stderr.contains(&s.store));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verified"]["problems"].as_array().unwrap().len(), 0);
    assert!(v["verified"]["packs"].as_u64().unwrap() >= 1);
    assert!(!s.data.exists() && !s.home.exists());

    crossing(&s.home)
        .args([
            "restore",
            "--store",
            &s.store,
            "--phrase-file",
            "-",
            "--data-dir",
        ])
        .arg(&s.data)
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(tree(&s.data), before);
}

#[test]
fn depart_refuses_to_wipe_when_the_store_is_down() {
    let s = Setup::new();
    // The store's folder cannot exist: its parent is a regular file.
    let blocked = s.dir.path().join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let url = format!("file://{}/store", blocked.display());
    s.cmd()
        .args(["init", "--name", "away", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .success();
    s.cmd()
        .args(["depart", "--profile", "away", "--yes"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "the backup failed, so nothing was wiped",
        ));
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());
}

#[test]
fn depart_refuses_to_wipe_when_the_store_lost_or_damaged_an_object() {
    let s = Setup::new();
    s.cmd().args(["backup"]).assert().success();
    // A pack of the first backup is damaged in the store (same size); the
    // depart snapshot reuses its chunks, so verification must catch it.
    let pack = walk(&s.store_dir)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/data/"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&pack, &bytes).unwrap();
    s.cmd().args(["depart", "--yes"]).assert().code(6).stderr(
        predicate::str::contains("checksum").and(predicate::str::contains("nothing was wiped")),
    );
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());

    // A missing pack is noticed by the backup itself, which uploads that
    // data again: the new snapshot is complete, so depart may wipe, and the
    // data comes back from the store.
    std::fs::remove_file(&pack).unwrap();
    let before = std::fs::read(s.data.join("notes.txt")).unwrap();
    s.cmd()
        .args(["depart", "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no longer in"));
    assert!(!s.data.exists());
    let fresh = s.dir.path().join("fresh-home");
    let back = s.dir.path().join("back");
    crossing(&fresh)
        .args(["restore", "--store", &s.store, "--data-dir"])
        .arg(&back)
        .args(["--phrase-file", "-"])
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(std::fs::read(back.join("notes.txt")).unwrap(), before);
}

#[test]
fn depart_asks_on_a_terminal_and_needs_yes_without_one() {
    let s = Setup::new();
    s.cmd()
        .args(["depart"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("--yes"));
    assert!(!s.store_dir.exists(), "nothing was even backed up");
    let mut p = pty(&s.home, &["depart"]);
    p.expect("verified").unwrap();
    p.expect("Destroy").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(pty_exit(&mut p), 9);
    assert!(s.data.join("notes.txt").exists());
    let mut p = pty(&s.home, &["depart"]);
    p.expect("Destroy").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    assert!(!s.data.exists());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
