//! `prune` through the real binary: retention policies, disappearing
//! snapshots, dry runs, a cold cache, and crash safety at every step.

mod kit;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use kit::{copy_tree, files, random_bytes, Fixture};
use serde_json::Value;

/// Every object file in the store, as relative paths.
fn store_listing(store: &Path) -> BTreeSet<PathBuf> {
    files(store)
        .into_iter()
        .map(|p| p.strip_prefix(store).unwrap().to_path_buf())
        .collect()
}

/// Backs up with a fresh, unique 1 MiB file (the previous one removed), so
/// each snapshot has data of its own; returns (snapshot id, a copy of the data dir).
fn backup_with_unique_file(fx: &Fixture, n: u64, extra: &[&str]) -> (String, PathBuf) {
    for e in fs::read_dir(&fx.data).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("unique-")
        {
            fs::remove_file(p).unwrap();
        }
    }
    fs::write(
        fx.data.join(format!("unique-{n}.bin")),
        random_bytes(n, 1 << 20),
    )
    .unwrap();
    let (out, json) = fx.backup(extra);
    out.expect(0, "backup");
    let copy = fx.root().join(format!("copy-{n}"));
    copy_tree(&fx.data, &copy);
    (json["snapshot"].as_str().unwrap().to_string(), copy)
}

/// Restores `snapshot` into a fresh directory and compares it with `expected`
/// (contents; the copy's mtimes differ, so only names and bytes are compared).
fn assert_restores(fx: &Fixture, snapshot: &str, expected: &Path) {
    let target = fx.root().join(format!("restored-{}", &snapshot[..8]));
    let _ = fs::remove_dir_all(&target);
    fx.restore_fresh(&target, &["--snapshot", snapshot])
        .expect(0, "restore");
    let names = |d: &Path| -> BTreeSet<(String, Vec<u8>)> {
        fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(
        names(expected),
        names(&target),
        "snapshot {snapshot} restores its data"
    );
}

fn prune(fx: &Fixture, args: &[&str]) -> Value {
    let mut all = vec!["prune", "--json"];
    all.extend_from_slice(args);
    fx.crossing(&all).expect(0, "prune").json()
}

fn base_data(fx: &Fixture) {
    fs::write(fx.data.join("notes.txt"), "shared by every snapshot\n").unwrap();
    fs::write(fx.data.join("shared.bin"), random_bytes(999, 300_000)).unwrap();
}

#[test]
fn keep_last_forgets_old_snapshots_and_deletes_their_data() {
    let fx = Fixture::new();
    base_data(&fx);
    let snaps: Vec<(String, PathBuf)> = (1..=4)
        .map(|n| backup_with_unique_file(&fx, n, &[]))
        .collect();
    let packs_before = fx.packs().len();

    let report = prune(&fx, &["--keep-last", "2"]);
    assert_eq!(report["warm"], true);
    let verdicts: Vec<(&str, &str)> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["snapshot"].as_str().unwrap(),
                s["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    for (i, (id, _)) in snaps.iter().enumerate() {
        let expected = if i >= 2 { "keep" } else { "forget" };
        assert!(
            verdicts.contains(&(id.as_str(), expected)),
            "{id}: {verdicts:?}"
        );
    }
    assert_eq!(fx.snapshot_objects(), {
        let mut v = vec![snaps[2].0.clone(), snaps[3].0.clone()];
        v.sort();
        v
    });
    // The second snapshot's unique file lived in a pack of its own (the
    // first's may share a pack with the files every snapshot keeps).
    assert!(report["packs_deleted"].as_u64().unwrap() >= 1, "{report}");
    assert!(
        report["bytes_deleted"].as_u64().unwrap() >= 1 << 20,
        "{report}"
    );
    assert!(fx.packs().len() < packs_before);
    fx.check_read_data();
    assert_restores(&fx, &snaps[2].0, &snaps[2].1);
    assert_restores(&fx, &snaps[3].0, &snaps[3].1);

    // The next backup is still incremental and complete.
    let after = fx.backup_ok();
    assert_eq!(after["new_chunks"], 0, "{after}");
    fx.check_read_data();
}

#[test]
fn dry_run_changes_nothing() {
    let fx = Fixture::new();
    base_data(&fx);
    for n in 1..=3 {
        backup_with_unique_file(&fx, n, &[]);
    }
    let before = store_listing(&fx.store);
    let state_before = fs::read(fx.home.join("state.db")).unwrap();
    let report = prune(&fx, &["--keep-last", "1", "--dry-run"]);
    assert_eq!(report["dry_run"], true);
    assert!(
        report["packs_deleted"].as_u64().unwrap() > 0,
        "the dry run says what it would delete: {report}"
    );
    assert_eq!(store_listing(&fx.store), before);
    assert_eq!(fs::read(fx.home.join("state.db")).unwrap(), state_before);
}

#[test]
fn an_expired_snapshot_and_its_unique_data_disappear() {
    let fx = Fixture::new();
    base_data(&fx);
    let (lasting, lasting_copy) = backup_with_unique_file(&fx, 1, &[]);
    let packs_lasting: BTreeSet<PathBuf> = fx.packs().into_iter().collect();

    // A disappearing snapshot holding a secret file.
    fs::write(fx.data.join("secret.bin"), random_bytes(4242, 2 << 20)).unwrap();
    let (expiring, _) = backup_with_unique_file(&fx, 2, &["--expire-after", "1s"]);
    let packs_expiring: BTreeSet<PathBuf> = fx
        .packs()
        .into_iter()
        .filter(|p| !packs_lasting.contains(p))
        .collect();
    assert!(!packs_expiring.is_empty());

    // A lasting snapshot taken while the secret is still there does not
    // reuse the disappearing snapshot's packs: it stores the secret again.
    let (later, later_copy) = backup_with_unique_file(&fx, 3, &[]);
    let later_summary = fx
        .crossing(["snapshots", "--json"])
        .expect(0, "snapshots")
        .json();
    assert_eq!(later_summary.as_array().unwrap().len(), 3);

    std::thread::sleep(std::time::Duration::from_millis(2100));
    let report = prune(&fx, &[]);
    let expired: Vec<&str> = report["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "expired")
        .map(|s| s["snapshot"].as_str().unwrap())
        .collect();
    assert_eq!(expired, [expiring.as_str()]);
    let remaining: BTreeSet<PathBuf> = fx.packs().into_iter().collect();
    for p in &packs_expiring {
        assert!(
            !remaining.contains(p),
            "pack {} of the expired snapshot is still stored",
            p.display()
        );
    }
    let mut expect = vec![lasting.clone(), later.clone()];
    expect.sort();
    assert_eq!(fx.snapshot_objects(), expect);
    fx.check_read_data();
    assert_restores(&fx, &lasting, &lasting_copy);
    assert_restores(&fx, &later, &later_copy);
}

#[test]
fn a_cold_cache_judges_only_its_own_snapshots_and_deletes_only_with_the_phrase() {
    let fx = Fixture::new();
    base_data(&fx);
    for n in 1..=3 {
        backup_with_unique_file(&fx, n, &[]);
    }
    // A second device with the same phrase writes to the same store.
    let pf = fx.phrase_file.to_str().unwrap();
    let other_data = fx.root().join("other-data");
    fs::create_dir(&other_data).unwrap();
    fs::write(other_data.join("other.bin"), random_bytes(77, 500_000)).unwrap();
    let other = fx.other_device("other-home", &other_data);
    kit::run(Some(&other), ["backup"]).expect(0, "backup on the other device");

    let packs_before = fx.packs().len();
    let report = prune(&fx, &["--keep-last", "1"]);
    assert_eq!(report["warm"], false);
    assert_eq!(report["packs_deleted"], 0);
    assert_eq!(
        fx.packs().len(),
        packs_before,
        "no data deleted with a cold cache"
    );
    // This device's own three snapshots are judged (one kept); the other
    // device's is unknown here and kept.
    assert_eq!(fx.snapshot_objects().len(), 2);

    let report = prune(&fx, &["--keep-last", "1", "--phrase-file", pf]);
    assert_eq!(report["warm"], true);
    assert!(report["packs_deleted"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(fx.snapshot_objects().len(), 1);
    fx.check_read_data();
}

#[test]
fn prune_killed_at_any_step_leaves_a_restorable_repository() {
    for point in [
        "prune-after-index",
        "prune-after-snapshots",
        "prune-after-indexes",
    ] {
        let fx = Fixture::new();
        base_data(&fx);
        let snaps: Vec<(String, PathBuf)> = (1..=3)
            .map(|n| backup_with_unique_file(&fx, n, &[]))
            .collect();
        let out = kit::command(Some(&fx.home), None)
            .args(["prune", "--keep-last", "1"])
            .env("CROSSING_FAILPOINT", point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}: the failpoint stops prune");
        fx.check_read_data();
        let (kept, copy) = &snaps[2];
        assert_restores(&fx, kept, copy);
        // The next prune finishes the job, and the next backup works.
        let report = prune(&fx, &["--keep-last", "1"]);
        assert_eq!(report["warm"], true, "{point}: {report}");
        assert_eq!(fx.snapshot_objects(), std::slice::from_ref(kept), "{point}");
        fx.check_read_data();
        fx.backup_ok();
        fx.check_read_data();
    }
}

#[test]
fn a_rebuilt_cache_still_lets_expired_data_disappear() {
    let fx = Fixture::new();
    let pf = fx.phrase_file.to_str().unwrap();
    base_data(&fx);
    // The disappearing snapshot comes first, so it stores everything...
    fs::write(fx.data.join("secret.bin"), random_bytes(31337, 1 << 20)).unwrap();
    fx.backup(&["--expire-after", "1s"])
        .0
        .expect(0, "expiring backup");
    let packs_expiring: BTreeSet<PathBuf> = fx.packs().into_iter().collect();
    // ...and the lasting one must store the shared files again.
    fs::remove_file(fx.data.join("secret.bin")).unwrap();
    let (lasting, lasting_copy) = backup_with_unique_file(&fx, 9, &[]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // With the phrase the cache is rebuilt from the store: it must pick, for
    // the lasting snapshot, the copies it really uses.
    let report = prune(&fx, &["--phrase-file", pf]);
    assert_eq!(report["warm"], true, "{report}");
    let remaining: BTreeSet<PathBuf> = fx.packs().into_iter().collect();
    assert!(
        packs_expiring.is_disjoint(&remaining),
        "the expired snapshot's packs are gone"
    );
    fx.check_read_data();
    assert_restores(&fx, &lasting, &lasting_copy);
}

#[test]
fn planted_objects_never_push_real_snapshots_out() {
    let fx = Fixture::new();
    let pf = fx.phrase_file.to_str().unwrap();
    base_data(&fx);
    let snaps: Vec<(String, PathBuf)> = (1..=3)
        .map(|n| backup_with_unique_file(&fx, n, &[]))
        .collect();
    // Someone with write access to the store (no key needed) adds junk.
    let junk = "f".repeat(64);
    fs::write(
        fx.repo_dir().join("snapshots").join(&junk),
        b"not a snapshot",
    )
    .unwrap();

    // Without the phrase the junk is an unknown object: kept, and it takes
    // no keep-last slot.
    let report = prune(&fx, &["--keep-last", "1"]);
    let verdict = |id: &str| {
        report["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["snapshot"] == id)
            .unwrap()["verdict"]
            .clone()
    };
    assert_eq!(verdict(&snaps[2].0), "keep");
    assert_eq!(verdict(&snaps[1].0), "forget");
    assert_eq!(verdict(&snaps[0].0), "forget");
    assert_eq!(verdict(&junk), "unknown");
    assert_eq!(report["warm"], false);

    // With the phrase it is recognised as unreadable, left alone, and data
    // is deleted again (the second snapshot's unique file had a pack of its own).
    let report = prune(&fx, &["--keep-last", "1", "--phrase-file", pf]);
    assert_eq!(report["warm"], true, "{report}");
    assert!(report["notes"].to_string().contains(&junk), "{report}");
    assert!(
        report["bytes_deleted"].as_u64().unwrap() >= 1 << 20,
        "{report}"
    );
    assert!(fx.repo_dir().join("snapshots").join(&junk).exists());
    assert_restores(&fx, &snaps[2].0, &snaps[2].1);
}

#[test]
fn a_damaged_index_stops_all_deletion() {
    let fx = Fixture::new();
    let pf = fx.phrase_file.to_str().unwrap();
    base_data(&fx);
    for n in 1..=3 {
        backup_with_unique_file(&fx, n, &[]);
    }
    // One index object loses its integrity (bit rot, a bad sync).
    let index_dir = fx.repo_dir().join("index");
    let damaged = fs::read_dir(&index_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = fs::read(&damaged).unwrap();
    bytes.push(0);
    fs::write(&damaged, bytes).unwrap();
    let before = store_listing(&fx.store);

    // The chunk map has a hole: packs behind it would look dead. Snapshots
    // may still be forgotten, but no pack and no index is deleted.
    let report = prune(&fx, &["--keep-last", "1", "--phrase-file", pf]);
    assert_eq!(report["packs_deleted"], 0, "{report}");
    assert!(
        report["notes"].to_string().contains("no data is deleted"),
        "{report}"
    );
    let after = store_listing(&fx.store);
    let data_and_index = |l: &BTreeSet<PathBuf>| -> BTreeSet<PathBuf> {
        l.iter()
            .filter(|p| !p.to_string_lossy().contains("/snapshots/"))
            .cloned()
            .collect()
    };
    assert_eq!(data_and_index(&after), data_and_index(&before));
    assert!(damaged.exists());
}
