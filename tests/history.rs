//! Trustworthy history (issue 10), through the real binary: what someone
//! holding the device's home and the store's credentials can plant in the
//! store is never chosen, counted or believed.

mod kit;

use std::fs;
use std::path::{Path, PathBuf};

use crossing::repo::format::{self, Entry, Index, IndexPack, Kind};
use crossing::repo::signed::{ManifestBody, ManifestEnvelope, ManifestHeader, SIGNED_VERSION};
use kit::*;
use serde_json::Value;

const YEAR: i64 = 365 * 24 * 3600;

fn now() -> i64 {
    crossing::state::now_unix()
}

/// The device's writer key, as whoever copied its home has it.
fn writer_key(home: &Path) -> ed25519_dalek::SigningKey {
    let conn = rusqlite::Connection::open(home.join("state.db")).unwrap();
    let seed: Vec<u8> = conn
        .query_row("SELECT secret FROM writers", [], |r| r.get(0))
        .unwrap();
    ed25519_dalek::SigningKey::from_bytes(&seed.try_into().unwrap())
}

/// A signed manifest of an empty tree, as `key` would sign it.
fn plant_signed(fx: &Fixture, key: &ed25519_dalek::SigningKey, seq: u64, time: i64) -> String {
    let header = ManifestHeader {
        version: SIGNED_VERSION,
        locator: fx.locator.clone(),
        writer: key.verifying_key().to_bytes(),
        seq,
        prev: None,
        time,
        nanos: 0,
        tags: vec!["planted".into()],
        expires_at: None,
        files: 0,
        bytes: 0,
        body_hash: [0; 32],
        body_len: 0,
    };
    let root = Entry {
        path: vec![],
        kind: Kind::Dir,
        mode: 0o700,
        mtime_ns: 0,
        size: 0,
        target: vec![],
        chunks: vec![],
        link: vec![],
    };
    let body = ManifestBody {
        entries: vec![root],
        packs: vec![],
    };
    let env = ManifestEnvelope::new(key, header, &body).unwrap();
    fx.plant("snapshots", &format::to_cbor(&env).unwrap())
}

/// `snapshots --phrase-file --json`, by ID.
fn judged(fx: &Fixture) -> Vec<Value> {
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let store = fx.store_url();
    let out = fx
        .crossing([
            "snapshots",
            "--store",
            &store,
            "--phrase-file",
            &pf,
            "--json",
        ])
        .expect(0, "snapshots with the phrase");
    out.json().as_array().unwrap().clone()
}

fn row<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["snapshot"] == id)
        .unwrap_or_else(|| panic!("{id} not listed: {rows:?}"))
}

fn restore_latest_matches(fx: &Fixture, expected: &Path, extra: &[&str]) {
    restore_matches(fx, &scan(expected), extra);
}

fn restore_matches(fx: &Fixture, expected: &Tree, extra: &[&str]) {
    let target = fx.root().join(format!(
        "restored-{}",
        hex::encode(rand::random::<[u8; 4]>())
    ));
    fx.restore_fresh(&target, extra).expect(0, "restore");
    assert_same_tree(expected, &scan(&target), "restored tree");
}

fn change(fx: &Fixture, name: &str, seed: u64) {
    write(&fx.data.join(name), random_bytes(seed, 50_000));
}

fn copy_home(fx: &Fixture, name: &str) -> PathBuf {
    let copy = fx.root().join(name);
    copy_tree(&fx.home, &copy);
    copy
}

#[test]
fn forged_snapshots_are_listed_as_untrusted_and_never_restored_as_latest() {
    let fx = Fixture::with_corpus();
    let genuine = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    // Signed, by a key the phrase never certified; and one unsigned, in the
    // old format, dated far ahead.
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let forged = plant_signed(&fx, &stranger, 1, now());
    let unsigned = format::encode_compressed(&format::Snapshot {
        version: format::VERSION,
        time: now() + YEAR,
        nanos: 0,
        tags: vec![],
        expires_at: None,
        files: 0,
        bytes: 0,
        entries: vec![],
    })
    .unwrap();
    let old_style = fx.plant("snapshots", &unsigned);

    restore_latest_matches(&fx, &fx.data, &[]);
    let rows = judged(&fx);
    assert_eq!(row(&rows, &genuine)["trust"], "trusted");
    assert_eq!(row(&rows, &forged)["trust"], "untrusted");
    assert!(row(&rows, &forged)["untrusted_because"]
        .as_str()
        .unwrap()
        .contains("not certified"));
    assert_eq!(row(&rows, &old_style)["trust"], "unsigned");
    // Named explicitly, an untrusted snapshot is refused (exit 6).
    let target = fx.root().join("forged");
    fx.restore_fresh(&target, &["--snapshot", &forged])
        .expect(6, "restore of a forged snapshot");
    assert!(!target.exists());
}

#[test]
fn snapshots_dated_a_year_ahead_do_not_steer_prune() {
    let fx = Fixture::with_corpus();
    let mut genuine = Vec::new();
    for seed in 0..3 {
        change(&fx, "changing.bin", seed);
        genuine.push(fx.backup_ok()["snapshot"].as_str().unwrap().to_string());
    }
    // Whoever holds a copy of the home can sign: with a fake clock, a year ahead.
    let key = writer_key(&fx.home);
    for seq in 4..7 {
        plant_signed(&fx, &key, seq, now() + YEAR + seq as i64);
    }
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    for args in [
        vec!["prune", "--keep-last", "3", "--phrase-file", &pf, "--json"],
        vec!["prune", "--keep-last", "3", "--json"],
    ] {
        let out = fx.crossing(&args).expect(0, "prune");
        let report = out.json();
        for s in report["snapshots"].as_array().unwrap() {
            if genuine.contains(&s["snapshot"].as_str().unwrap().to_string()) {
                assert_eq!(s["verdict"], "keep", "{report}");
            }
        }
        let left = fx.snapshot_objects();
        for id in &genuine {
            assert!(left.contains(id), "genuine snapshot {id} was pruned");
        }
    }
    let rows = judged(&fx);
    assert_eq!(
        rows.iter().filter(|r| r["trust"] == "untrusted").count(),
        3,
        "{rows:?}"
    );
    // Every genuine snapshot still restores: none of its packs went.
    for id in &genuine {
        let target = fx.root().join(format!("r-{}", &id[..8]));
        fx.restore_fresh(&target, &["--snapshot", id])
            .expect(0, "restore of a genuine snapshot");
    }
    restore_latest_matches(&fx, &fx.data, &[]);
}

#[test]
fn older_manifests_uploaded_again_do_not_become_latest() {
    let fx = Fixture::with_corpus();
    let old = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    change(&fx, "new.bin", 7);
    fx.backup_ok();
    // The same bytes under the same name, with a newer store time.
    let path = fx.repo_dir().join("snapshots").join(&old);
    let bytes = fs::read(&path).unwrap();
    fs::remove_file(&path).unwrap();
    fs::write(&path, bytes).unwrap();
    filetime::set_file_mtime(&path, filetime::FileTime::from_unix_time(now() + 3600, 0)).unwrap();
    restore_latest_matches(&fx, &fx.data, &[]);
}

#[test]
fn a_forged_index_does_not_stop_a_signed_snapshot_from_restoring() {
    let fx = Fixture::with_corpus();
    fx.backup_ok();
    // Chunk IDs are readable in state.db: map every one to a bogus pack.
    let conn = rusqlite::Connection::open(fx.home.join("state.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT chunk, length, raw_length FROM cache_chunks")
        .unwrap();
    let chunks: Vec<format::IndexEntry> = stmt
        .query_map([], |r| {
            let id: Vec<u8> = r.get(0)?;
            Ok(format::IndexEntry {
                id: id.try_into().unwrap(),
                offset: 0,
                length: r.get(1)?,
                raw_length: r.get(2)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!chunks.is_empty());
    let index = Index {
        version: format::VERSION,
        packs: vec![IndexPack {
            id: "ab".repeat(32),
            size: 1,
            chunks,
            expires_at: None,
        }],
    };
    fx.plant("index", &format::encode_compressed(&index).unwrap());
    restore_latest_matches(&fx, &fx.data, &[]);
}

#[test]
fn a_revoked_writer_can_no_longer_write_what_restore_believes() {
    let fx = Fixture::with_corpus();
    fx.backup_ok();
    // The device is imaged at a checkpoint, then handed back.
    let copied = copy_home(&fx, "imaged-home");
    let writer = fx
        .crossing([
            "writer",
            "list",
            "--phrase-file",
            fx.phrase_file.to_str().unwrap(),
            "--json",
        ])
        .expect(0, "writer list")
        .json()[0]["writer"]
        .as_str()
        .unwrap()
        .to_string();
    fx.crossing([
        "writer",
        "revoke",
        &writer[..12],
        "--as-of",
        "now",
        "--phrase-file",
        fx.phrase_file.to_str().unwrap(),
    ])
    .expect(0, "writer revoke");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // The copy signs a snapshot of another tree.
    let fake = fx.root().join("fake");
    write(&fake.join("planted.txt"), b"not yours");
    let store = fx.store_url();
    run(Some(&copied), init_args(&fake, &store, &["--name", "evil"])).expect(0, "init on the copy");
    let planted = run(Some(&copied), ["backup", "--profile", "evil", "--json"])
        .expect(0, "backup from the copy")
        .json()["snapshot"]
        .as_str()
        .unwrap()
        .to_string();
    restore_latest_matches(&fx, &fx.data, &[]);
    let rows = judged(&fx);
    assert_eq!(row(&rows, &planted)["trust"], "untrusted");
    assert!(row(&rows, &planted)["untrusted_because"]
        .as_str()
        .unwrap()
        .contains("revoked"));
}

#[test]
fn depart_seals_the_chain_and_restore_seal_returns_exactly_that_state() {
    let fx = Fixture::with_corpus();
    let first = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    let expected = scan(&fx.data);
    let copied = copy_home(&fx, "imaged-home");
    let out = fx
        .cmd()
        .args(["depart", "--yes", "--allow-same-disk", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = v["profiles"][0]["seal_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 11, "{code}");
    assert!(
        !fx.home.exists(),
        "depart destroys the writer key with the home"
    );

    // A copy of the home taken before the crossing signs a later snapshot.
    write(&fx.data.join("planted.txt"), b"not yours");
    let planted = run(Some(&copied), ["backup", "--json"])
        .expect(0, "backup from the copied home")
        .json()["snapshot"]
        .as_str()
        .unwrap()
        .to_string();
    fs::remove_dir_all(&fx.data).unwrap();

    restore_matches(&fx, &expected, &["--seal", &code]);
    restore_matches(&fx, &expected, &["--seal", &code.to_lowercase()]);
    restore_matches(&fx, &expected, &[]);
    let target = fx.root().join("wrong-code");
    let out = fx
        .restore_fresh(&target, &["--seal", "0000-0000-0"])
        .expect(6, "restore with a wrong seal code");
    assert!(out.stderr.contains("sealed with code"), "{}", out.stderr);
    fx.restore_fresh(&target, &["--seal", &code, "--snapshot", &planted])
        .expect(6, "a seal code and another snapshot");
    let rows = judged(&fx);
    assert_eq!(row(&rows, &planted)["trust"], "untrusted");
    assert!(row(&rows, &planted)["untrusted_because"]
        .as_str()
        .unwrap()
        .contains("sealed by depart"));

    // The copied key can sign a seal too, on an older head: the seal code
    // still restores exactly the departed state, and the conflict is reported.
    let forged_seal = crossing::repo::signed::Seal {
        version: SIGNED_VERSION,
        locator: fx.locator.clone(),
        writer: writer_key(&copied).verifying_key().to_bytes(),
        seq: 2,
        head: first,
        time: now(),
    }
    .sign(&writer_key(&copied))
    .unwrap();
    // (The home is gone: seal it to the recipient the phrase gives.)
    let sealed = crossing::repo::seal::seal(
        &format::to_cbor(&forged_seal).unwrap(),
        &fx.identity().to_public(),
    )
    .unwrap();
    let seals = fx.repo_dir().join("seals");
    fs::write(seals.join(crossing::repo::object_name(&sealed)), sealed).unwrap();
    restore_matches(&fx, &expected, &["--seal", &code]);
    let store = fx.store_url();
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let out = fx
        .crossing(["snapshots", "--store", &store, "--phrase-file", &pf])
        .expect(0, "snapshots beside two seals");
    assert!(out.stderr.contains("seals"), "{}", out.stderr);
}

#[test]
fn without_a_certified_writer_a_backup_under_cron_refuses_and_says_what_to_run() {
    let fx = Fixture::with_corpus();
    let conn = rusqlite::Connection::open(fx.home.join("state.db")).unwrap();
    conn.execute("DELETE FROM writers", []).unwrap();
    drop(conn);
    let (out, _) = fx.backup(&[]);
    let out = out.expect(9, "backup without a writer");
    assert!(
        out.stderr.contains("crossing pseudonym certify"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    assert!(
        fx.snapshot_objects().is_empty(),
        "an unsigned snapshot was written"
    );
    fx.crossing([
        "pseudonym",
        "certify",
        "--phrase-file",
        fx.phrase_file.to_str().unwrap(),
    ])
    .expect(0, "certify");
    fx.backup_ok();
    restore_latest_matches(&fx, &fx.data, &[]);
}

#[test]
fn a_version_1_repository_is_read_and_the_next_backup_starts_a_signed_history() {
    let root = tempfile::tempdir().unwrap();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let keys: Value =
        serde_json::from_str(&fs::read_to_string(vectors.join("keys.json")).unwrap()).unwrap();
    let phrase = keys["vectors"][4]["phrase"].as_str().unwrap();
    let store = root.path().join("store");
    copy_tree(&vectors.join("repo-v1"), &store);
    let phrase_file = root.path().join("phrase");
    fs::write(&phrase_file, phrase).unwrap();
    let home = root.path().join("home");
    let data = root.path().join("data");
    let url = format!("file://{}", store.display());
    let pf = phrase_file.to_str().unwrap();
    run(Some(&home), ["pseudonym", "import", "--phrase-file", pf]).expect(0, "import");
    run(Some(&home), restore_args(&url, &data, &phrase_file)).expect(0, "restore of v1 latest");
    run(Some(&home), init_args(&data, &url, &[])).expect(0, "init");
    let new = run(Some(&home), ["backup", "--json"])
        .expect(0, "first backup after the upgrade")
        .json()["snapshot"]
        .as_str()
        .unwrap()
        .to_string();
    let rows = run(Some(&home), ["snapshots", "--phrase-file", pf, "--json"])
        .expect(0, "snapshots")
        .json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(row(rows, &new)["trust"], "trusted");
    assert_eq!(rows.iter().filter(|r| r["trust"] == "unsigned").count(), 2);
    let again = root.path().join("again");
    run(
        Some(&root.path().join("fresh")),
        restore_args(&url, &again, &phrase_file),
    )
    .expect(0, "restore of the signed latest");
    assert_trees_equal(&data, &again);
}
