//! `crossing depart` through the real binary.

mod kit;

use std::path::Path;

use expectrl::Expect;
use kit::*;
use predicates::prelude::*;

/// Names and contents (size, BLAKE3) of the regular files, without the
/// SQLite companions (the backup opens `db.sqlite` as a live database, which
/// rewrites its `-shm`).
fn tree(dir: &Path) -> Vec<(Vec<u8>, Node)> {
    scan(dir)
        .into_iter()
        .filter(|(rel, m)| matches!(m.node, Node::File { .. }) && !rel.starts_with(b"db.sqlite"))
        .map(|(rel, m)| (rel, m.node))
        .collect()
}

#[test]
fn depart_backs_up_verifies_then_wipes_and_the_phrase_restores_everything() {
    let s = Fixture::with_corpus();
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
    assert!(stderr.contains(&s.store_url()));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verified"]["problems"].as_array().unwrap().len(), 0);
    assert!(v["verified"]["packs"].as_u64().unwrap() >= 1);
    assert!(!s.data.exists() && !s.home.exists());

    crossing(&s.home)
        .args(restore_args(&s.store_url(), &s.data, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(tree(&s.data), before);
}

#[test]
fn depart_refuses_to_wipe_when_the_store_is_down() {
    let s = Fixture::with_corpus();
    // The store's folder cannot exist: its parent is a regular file.
    let blocked = s.root().join("blocked");
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
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    // A pack of the first backup is damaged in the store (same size); the
    // depart snapshot reuses its chunks, so verification must catch it.
    let pack = files(&s.store)
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
    let fresh = s.root().join("fresh-home");
    let back = s.root().join("back");
    crossing(&fresh)
        .args(restore_args(&s.store_url(), &back, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(std::fs::read(back.join("notes.txt")).unwrap(), before);
}

#[test]
fn depart_asks_on_a_terminal_and_needs_yes_without_one() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["depart"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("--yes"));
    assert!(!s.store.exists(), "nothing was even backed up");
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
