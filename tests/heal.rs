//! Issue 11, "never stuck": damage in the store is found, healed by the next
//! backup, or repaired, so that `depart` goes through.

mod kit;

use std::fs;
use std::path::{Path, PathBuf};

use kit::*;
use predicates::prelude::*;

/// Names and contents of the regular files, without the SQLite companions
/// (the backup opens `db.sqlite` as a live database, which rewrites its `-shm`).
fn tree(dir: &Path) -> Vec<(Vec<u8>, Node)> {
    scan(dir)
        .into_iter()
        .filter(|(rel, m)| matches!(m.node, Node::File { .. }) && !rel.starts_with(b"db.sqlite"))
        .map(|(rel, m)| (rel, m.node))
        .collect()
}

/// Flips bytes in the middle of a stored object (its size stays).
fn damage(object: &Path) {
    let mut bytes = std::fs::read(object).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n / 2..n / 2 + 16] {
        *b ^= 0x5a;
    }
    std::fs::write(object, &bytes).unwrap();
}

/// A corpus whose content does not compress: its pack is the largest.
fn incompressible_corpus() -> Fixture {
    let s = Fixture::with_corpus();
    write(&s.data.join("photo.jpg"), random_bytes(11, 400_000));
    s
}

/// The largest pack: file content (the entry list's parts are a small
/// pack of their own), in [`incompressible_corpus`].
fn data_pack(packs: &[PathBuf]) -> &PathBuf {
    packs
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap()
}

/// The smallest pack: after a first backup of a few files, the entry list's parts.
fn list_pack(packs: &[PathBuf]) -> &PathBuf {
    packs
        .iter()
        .min_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap()
}

fn name_of(object: &Path) -> String {
    object.file_name().unwrap().to_string_lossy().into_owned()
}

fn objects(s: &Fixture, dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(s.repo_dir().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| is_object_name(p.file_name().unwrap()))
        .collect();
    out.sort();
    out
}

fn check_with_phrase(s: &Fixture, read_data: bool) -> assert_cmd::assert::Assert {
    let mut cmd = s.cmd();
    cmd.arg("check");
    if read_data {
        cmd.arg("--read-data");
    }
    cmd.arg("--phrase-file").arg(&s.phrase_file).assert()
}

#[test]
fn a_damaged_pack_is_found_by_check_healed_by_backup_and_depart_goes_through() {
    let s = incompressible_corpus();
    let before = tree(&s.data);
    s.backup_ok();
    let first = s.snapshot_objects();
    let packs = s.packs();
    let pack = data_pack(&packs);
    damage(pack);

    // Without the phrase, check compares every pack of this device with
    // the checksum of what it uploaded.
    s.cmd().arg("check").assert().code(6).stderr(
        predicate::str::contains(name_of(pack))
            .and(predicate::str::contains("damaged"))
            .and(predicate::str::contains("run `crossing backup`")),
    );

    // The next backup does not reuse the damaged pack: it uploads that data again.
    let summary = s.backup_ok();
    let warnings = summary["warnings"].to_string();
    assert!(
        warnings.contains("found damaged") && warnings.contains("uploaded again"),
        "{summary}"
    );
    assert!(summary["new_chunks"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["bytes_read"].as_u64().unwrap() > 0, "{summary}");
    assert!(
        s.packs().len() > packs.len(),
        "new packs, the old ones kept"
    );
    assert!(pack.exists(), "the store is append-only for the device");

    s.cmd()
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains("stored again"));
    check_with_phrase(&s, true)
        .success()
        .stderr(predicate::str::contains("intact copy in another pack"));

    // The first snapshot named the damaged pack: restore takes the intact copies.
    let old = s.root().join("old");
    let id = &first[0][..12];
    s.restore_fresh(&old, &["--snapshot", id])
        .expect(0, "restore of the snapshot that named the damaged pack");
    assert_eq!(tree(&old), before);

    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .success();
    assert!(!s.data.exists());
    let back = s.root().join("back");
    s.restore_fresh(&back, &[])
        .expect(0, "restore after depart");
    assert_eq!(tree(&back), before);
}

#[test]
fn depart_marks_a_damaged_pack_and_the_next_depart_heals_it() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    s.backup_ok();
    damage(s.packs().first().unwrap());
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("run depart again"));
    assert!(s.data.join("notes.txt").exists());
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .success();
    let back = s.root().join("back");
    s.restore_fresh(&back, &[])
        .expect(0, "restore after depart");
    assert_eq!(tree(&back), before);
}

#[test]
fn repair_rebuilds_a_damaged_index_from_the_packs() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    s.backup_ok();
    // A large backup writes several indexes: damage the largest.
    let mut indexes = objects(&s, "index");
    assert!(!indexes.is_empty());
    indexes.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).unwrap().len()));
    damage(&indexes[0]);
    check_with_phrase(&s, false).code(6).stderr(
        predicate::str::contains(name_of(&indexes[0]))
            .and(predicate::str::contains("crossing repair")),
    );

    // The phrase is read from a file (or the terminal), never from argv.
    let out = s
        .cmd()
        .arg("repair")
        .arg("--phrase-file")
        .arg(&s.phrase_file)
        .assert()
        .success()
        .get_output()
        .clone();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("indexed again in the new index"), "{said}");
    assert!(said.contains("nothing is lost"), "{said}");
    let after = objects(&s, "index");
    assert_eq!(
        after.len(),
        indexes.len() + 1,
        "a new index beside the damaged one"
    );
    assert!(indexes[0].exists());

    check_with_phrase(&s, true)
        .success()
        .stderr(predicate::str::contains("nothing depends on it"));
    // A second repair finds nothing to do.
    s.cmd()
        .arg("repair")
        .arg("--phrase-file")
        .arg(&s.phrase_file)
        .assert()
        .success()
        .stdout(predicate::str::contains("every pack is indexed"));
    let back = s.root().join("back");
    s.restore_fresh(&back, &[])
        .expect(0, "restore after repair");
    assert_eq!(tree(&back), before);

    // Once every pack is in a readable index, the damaged one hides nothing:
    // prune (with the phrase) may delete again, and deletes it with the old indexes.
    write(&s.data.join("new.txt"), "a later message\n");
    s.backup_ok();
    s.cmd()
        .args(["prune", "--keep-last", "1", "--phrase-file"])
        .arg(&s.phrase_file)
        .assert()
        .success();
    assert!(!indexes[0].exists(), "prune left the damaged index");
    check_with_phrase(&s, true).success();
}

#[test]
fn repair_names_the_files_whose_only_copy_is_damaged() {
    let s = incompressible_corpus();
    s.backup_ok();
    damage(data_pack(&s.packs()));
    let out = s
        .cmd()
        .arg("repair")
        .arg("--phrase-file")
        .arg(&s.phrase_file)
        .assert()
        .code(6)
        .get_output()
        .clone();
    let (said, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stderr.contains("damaged: pack"), "{stderr}");
    assert!(stderr.contains("lost: snapshot"), "{stderr}");
    assert!(said.contains("crossing backup"), "{said}");

    // The files are still here: check marks the pack, backup uploads their
    // data again, and then nothing is lost, in the old snapshot either.
    s.cmd().arg("check").assert().code(6);
    s.backup_ok();
    s.cmd()
        .arg("repair")
        .arg("--phrase-file")
        .arg(&s.phrase_file)
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing is lost"));
}

#[test]
fn a_damaged_entry_list_is_healed_by_backup_and_the_old_snapshot_restores() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    s.backup_ok();
    let first = s.snapshot_objects();
    let packs = s.packs();
    let pack = list_pack(&packs);
    damage(pack);
    s.cmd()
        .arg("check")
        .assert()
        .code(6)
        .stderr(predicate::str::contains(name_of(pack)));
    // Its parts are not reused: the next backup stores them again.
    let summary = s.backup_ok();
    assert!(summary["new_list_parts"].as_u64().unwrap() > 0, "{summary}");
    // The old snapshot's list is read from the intact copy.
    let old = s.root().join("old");
    s.restore_fresh(&old, &["--snapshot", &first[0][..12]])
        .expect(0, "restore of the snapshot whose list pack is damaged");
    assert_eq!(tree(&old), before);
}
