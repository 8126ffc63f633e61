//! Format-3 manifests through the binary: an hourly backup stores only the
//! parts of the entry list that changed, and repositories written by the
//! previous format still restore and take new backups.

mod kit;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use kit::*;
use serde_json::Value;

fn uint(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

/// 100 000 small files in 256 folders, like a messenger's attachments.
fn many_files(data: &Path, n: usize) {
    for i in 0..n {
        let dir = data.join(format!("attachments.noindex/{:02x}", i % 256));
        if i < 256 {
            fs::create_dir_all(&dir).unwrap();
        }
        fs::write(dir.join(format!("{i:06}")), format!("attachment {i}\n")).unwrap();
    }
}

#[test]
fn one_changed_file_among_100k_stores_only_the_parts_on_its_path() {
    let fx = Fixture::new();
    many_files(&fx.data, 100_000);
    let first = fx.backup_ok();
    assert_eq!(uint(&first, "files"), 100_000);
    let all_parts = uint(&first, "new_list_parts");
    // ~13 MB of entries in parts of ~32 KiB, with a level of refs above them.
    assert!(
        all_parts > 256,
        "the first backup stored {all_parts} list parts"
    );

    let unchanged = fx.backup_ok();
    assert_eq!(uint(&unchanged, "new_list_parts"), 0, "{unchanged}");
    assert_eq!(uint(&unchanged, "new_chunks"), 0, "{unchanged}");

    let changed = fx.data.join("attachments.noindex/7f/050047");
    fs::write(&changed, "attachment 50047, edited\n").unwrap();
    let hour = fx.backup_ok();
    assert_eq!(uint(&hour, "files_read"), 1, "{hour}");
    assert_eq!(uint(&hour, "new_chunks"), 1, "{hour}");
    // The part holding the entry (two, if the edit moved a cut), and the
    // same above it in the level of refs: never the whole list.
    let parts = uint(&hour, "new_list_parts");
    assert!(
        (1..=4).contains(&parts),
        "{parts} of {all_parts} parts stored"
    );
    let stored = uint(&hour, "bytes_stored");
    assert!(
        stored < 400_000,
        "an hour with one changed file stored {stored} bytes (the first backup: {})",
        uint(&first, "bytes_stored")
    );

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_trees_equal(&fx.data, &target);
    fx.check_read_data();
}

#[test]
fn an_emptied_list_and_a_single_file_round_trip() {
    let fx = Fixture::new();
    fx.backup_ok(); // the root alone
    write(&fx.data.join("only"), b"one file");
    fx.backup_ok();
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_trees_equal(&fx.data, &target);
}

/// tests/vectors/repo-v2, written by the format-2 writer, and the tree its
/// latest snapshot holds (tests/vectors/repo-v2.json).
struct V2 {
    root: tempfile::TempDir,
    url: String,
    phrase_file: std::path::PathBuf,
    expected: Value,
}

fn version_2_store() -> V2 {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let keys: Value =
        serde_json::from_str(&fs::read_to_string(vectors.join("keys.json")).unwrap()).unwrap();
    let root = tempfile::tempdir().unwrap();
    let store = root.path().join("store");
    copy_tree(&vectors.join("repo-v2"), &store);
    let phrase_file = root.path().join("phrase");
    fs::write(&phrase_file, keys["vectors"][4]["phrase"].as_str().unwrap()).unwrap();
    let expected =
        serde_json::from_str(&fs::read_to_string(vectors.join("repo-v2.json")).unwrap()).unwrap();
    V2 {
        url: format!("file://{}", store.display()),
        root,
        phrase_file,
        expected,
    }
}

/// The restored tree holds exactly what repo-v2.json lists.
fn assert_is_v2_tree(target: &Path, expected: &Value) {
    let entries = expected["entries"].as_array().unwrap();
    for e in entries {
        let path = target.join(e["path"].as_str().unwrap());
        let meta = fs::symlink_metadata(&path).unwrap();
        let shown = e["path"].as_str().unwrap();
        assert_eq!(
            meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
            e["mtime_ns"].as_i64().unwrap() as i128,
            "mtime of {shown}"
        );
        match e["kind"].as_str().unwrap() {
            "symlink" => assert_eq!(
                fs::read_link(&path).unwrap().to_str().unwrap(),
                e["target"].as_str().unwrap()
            ),
            "dir" => assert!(meta.is_dir(), "{shown}"),
            _ => {
                use sha2_free::sha256_hex;
                assert_eq!(
                    meta.permissions().mode() & 0o7777,
                    e["mode"].as_u64().unwrap() as u32
                );
                assert_eq!(
                    sha256_hex(&fs::read(&path).unwrap()),
                    e["sha256"].as_str().unwrap(),
                    "{shown}"
                );
            }
        }
    }
    assert_eq!(files(target).len() + dirs_below(target), entries.len());
}

fn dirs_below(root: &Path) -> usize {
    let mut n = 0;
    for e in fs::read_dir(root).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            n += 1 + dirs_below(&e.path());
        }
    }
    n
}

/// SHA-256 through the `sha256sum` of coreutils: the vector lists the
/// files' SHA-256 (Python's hashlib made it), and crossing has no SHA-256.
mod sha2_free {
    pub fn sha256_hex(bytes: &[u8]) -> String {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child = Command::new("sha256sum")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("sha256sum (coreutils)");
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap()[..64].to_string()
    }
}

#[test]
fn a_version_2_repository_restores_and_takes_version_3_backups() {
    let v2 = version_2_store();
    let home = v2.root.path().join("home");
    let data = v2.root.path().join("data");
    let pf = v2.phrase_file.to_str().unwrap();
    run(Some(&home), ["pseudonym", "import", "--phrase-file", pf]).expect(0, "import");
    let restored = run(
        Some(&home),
        restore_args(&v2.url, &data, &v2.phrase_file)
            .into_iter()
            .chain(["--json".into()]),
    )
    .expect(0, "restore of the format-2 latest")
    .json();
    assert_eq!(restored["snapshot"], v2.expected["latest"]);
    assert_is_v2_tree(&data, &v2.expected);

    run(Some(&home), init_args(&data, &v2.url, &[])).expect(0, "init");
    fs::write(
        data.join("config.json"),
        b"{\"key\":\"changed after the upgrade\"}\n",
    )
    .unwrap();
    let new = run(Some(&home), ["backup", "--json"])
        .expect(0, "first backup after the upgrade")
        .json();
    // Stored again: the changed file, and the database, which this version
    // cuts into 8 KiB runs of pages (the format-2 writer used 256 KiB–4 MiB
    // content-defined chunks); the rest is in the store already.
    let db_pages = 300_000u64.div_ceil(8192);
    assert_eq!(uint(&new, "new_chunks"), 1 + db_pages, "{new}");
    let rows = run(Some(&home), ["snapshots", "--phrase-file", pf, "--json"])
        .expect(0, "snapshots")
        .json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r["trust"] == "trusted"), "{rows:?}");

    let again = v2.root.path().join("again");
    run(
        Some(&v2.root.path().join("fresh")),
        restore_args(&v2.url, &again, &v2.phrase_file),
    )
    .expect(0, "restore of the format-3 latest");
    assert_trees_equal(&data, &again);

    let old = v2.root.path().join("old");
    let latest_v2 = v2.expected["latest"].as_str().unwrap();
    run(
        Some(&v2.root.path().join("fresh2")),
        restore_args(&v2.url, &old, &v2.phrase_file)
            .into_iter()
            .chain(["--snapshot".into(), latest_v2.into()]),
    )
    .expect(0, "restore of the format-2 snapshot after the upgrade");
    assert_is_v2_tree(&old, &v2.expected);
    run(
        Some(&home),
        ["check", "--read-data", "--phrase-file", pf, "--json"],
    )
    .expect(0, "check of the mixed repository");
}

/// More entries than one batch of the walk (20 000), with an open WAL
/// database after them: its -wal comes in the same batch as the database
/// (batches are cut only before a directory), so the snapshot holds one
/// consistent image and no -wal; every file restores.
#[test]
fn a_database_after_a_batch_boundary_is_still_taken_with_its_wal() {
    let fx = Fixture::new();
    many_files(&fx.data, 25_000);
    fs::create_dir(fx.data.join("sql")).unwrap();
    let db = fx.data.join("sql/db.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE m (body TEXT);",
    )
    .unwrap();
    for i in 0..200 {
        conn.execute("INSERT INTO m VALUES (?1)", [format!("message {i}")])
            .unwrap();
    }
    assert!(fx.data.join("sql/db.sqlite-wal").exists());
    let summary = fx.backup_ok();
    assert_eq!(
        uint(&summary, "files"),
        25_001,
        "the db, not its -wal or -shm: {summary}"
    );
    drop(conn);
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert!(!target.join("sql/db.sqlite-wal").exists());
    let restored = rusqlite::Connection::open(target.join("sql/db.sqlite")).unwrap();
    let rows: i64 = restored
        .query_row("SELECT count(*) FROM m", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 200);
    assert_eq!(files(&target).len(), 25_001);
}
