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
        .args(["depart", "--yes", "--allow-same-disk", "--json"])
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
    // A store whose folder cannot exist (its parent is a regular file) is
    // refused when the profile is made (issue 11: the drive is not there).
    let blocked = s.root().join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let url = format!("file://{}/store", blocked.display());
    s.cmd()
        .args(["init", "--name", "blocked", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is the drive mounted?"));
    // A drive that was there at init and is gone (unmounted) at depart.
    let usb = s.root().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let url = format!("file://{}/crossing", usb.display());
    s.cmd()
        .args(["init", "--name", "away", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .success();
    std::fs::remove_dir_all(&usb).unwrap();
    s.cmd()
        .args(["depart", "--profile", "away", "--yes", "--allow-same-disk"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("the backup failed, so nothing was wiped")
                .and(predicate::str::contains("is the drive mounted?")),
        );
    assert!(
        !usb.exists(),
        "the unmounted drive's folder was created on the internal disk"
    );
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
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .code(6)
        .stderr(
            predicate::str::contains("checksum").and(predicate::str::contains("nothing was wiped")),
        );
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());

    // A missing pack is noticed by the backup itself, which uploads that
    // data again: the new snapshot is complete, so depart may wipe, and the
    // data comes back from the store.
    std::fs::remove_file(&pack).unwrap();
    let before = std::fs::read(s.data.join("notes.txt")).unwrap();
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
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
    assert!(!s.repo_dir().exists(), "nothing was even backed up");
    let mut p = pty(&s.home, &["depart", "--allow-same-disk"]);
    p.expect("verified").unwrap();
    p.expect("Destroy").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(pty_exit(&mut p), 9);
    assert!(s.data.join("notes.txt").exists());
    let mut p = pty(&s.home, &["depart", "--allow-same-disk"]);
    p.expect("Destroy").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    assert!(!s.data.exists());
}

// Issue 11: depart never strands the data.
#[test]
fn depart_refuses_a_store_on_the_same_disk_or_inside_the_data() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    s.cmd().args(["depart", "--yes"]).assert().code(9).stderr(
        predicate::str::contains("same filesystem")
            .and(predicate::str::contains("nothing was wiped")),
    );
    assert_eq!(tree(&s.data), before);
    assert!(s.home.join("state.db").exists());
    // A store inside the data directory (or the home) is refused when the
    // profile is made: each backup would hold the store, the wipe destroy it.
    for inside in [s.data.join("store"), s.home.join("store")] {
        s.cmd()
            .args(["init", "--name", "inside", "--data-dir"])
            .arg(&s.data)
            .args(["--store", &format!("file://{}", inside.display())])
            .assert()
            .code(9)
            .stderr(predicate::str::contains("overlaps"));
        assert!(!inside.exists());
    }
}

#[test]
fn a_backup_never_recreates_the_folder_of_an_unmounted_drive() {
    let s = Fixture::with_corpus();
    let usb = s.root().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let url = format!("file://{}/crossing", usb.display());
    s.cmd()
        .args(["init", "--name", "usb", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .success();
    assert!(usb.join("crossing").is_dir(), "init makes the store folder");
    std::fs::remove_dir_all(&usb).unwrap();
    s.cmd()
        .args(["backup", "--profile", "usb"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is the drive mounted?"));
    assert!(!usb.exists(), "backup created the unmounted drive's folder");
}
