//! Databases through the real binary: an hourly backup stores only the
//! chunks (runs of `DB_CHUNK` bytes of whole pages) that hold a changed
//! page, for plain SQLite and real SQLCipher files; a live database is read
//! as one consistent page image with no plaintext copy in crossing's home.

mod kit;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crossing::backup::DB_CHUNK;
use kit::servers::tool;
use kit::*;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

const PAGE: usize = 4096;

/// The `DB_CHUNK` windows of the file holding a page that differs between
/// `before` and `after` (a page past the old end counts as changed), and
/// the number of changed pages.
fn changed_windows(before: &[u8], after: &[u8]) -> (BTreeSet<usize>, usize) {
    let mut windows = BTreeSet::new();
    let mut pages = 0;
    for (i, page) in after.chunks(PAGE).enumerate() {
        let old = before.get(i * PAGE..(i * PAGE + page.len()).min(before.len()));
        if old != Some(page) {
            pages += 1;
            windows.insert(i * PAGE / DB_CHUNK);
        }
    }
    (windows, pages)
}

fn new_chunks(summary: &Value) -> usize {
    summary["new_chunks"].as_u64().expect("new_chunks") as usize
}

/// Rows spread over the whole table: every `step`-th of `rows`.
fn scattered(rows: i64, step: i64) -> impl Iterator<Item = i64> {
    (1..=rows).step_by(step as usize)
}

#[test]
fn scattered_page_changes_store_only_their_chunks() {
    let fx = Fixture::new();
    let db = fx.data.join("app.db");
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA page_size=4096;
         CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<3000)
         INSERT INTO t SELECT i, randomblob(1000) FROM n;",
    )
    .unwrap();
    drop(conn);
    let first = fx.backup_ok();
    let before = fs::read(&db).unwrap();
    assert!(
        new_chunks(&first) >= before.len() / DB_CHUNK,
        "the first backup cut the database into {} chunks: {first}",
        new_chunks(&first)
    );

    // Same-size updates in place: each rewrites one leaf page (and page 1's
    // change counter).
    let conn = Connection::open(&db).unwrap();
    for id in scattered(3000, 211) {
        conn.execute(
            "UPDATE t SET payload = randomblob(1000) WHERE id = ?1",
            [id],
        )
        .unwrap();
    }
    drop(conn);
    let after = fs::read(&db).unwrap();
    let (windows, pages) = changed_windows(&before, &after);
    assert!(pages >= 15 && windows.len() >= 10, "{pages} pages changed");
    let second = fx.backup_ok();
    // Exactly: the image of a closed rollback-journal database is the file.
    assert_eq!(
        new_chunks(&second),
        windows.len(),
        "{pages} changed pages in {} chunk windows {windows:?}: {second}",
        windows.len()
    );
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert!(fs::read(target.join("app.db")).unwrap() == after);
}

/// A raw key, as Signal Desktop keys its database.
const SIGNAL_KEY: &str = "x'2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99'";

/// Runs `sql` with the `sqlcipher` shell on the keyed database `db`, as
/// Signal Desktop keys it (a raw key; SQLCipher 4's 4 KiB pages).
fn sqlcipher(bin: &Path, db: &Path, sql: &str) {
    use std::io::Write;
    let key = SIGNAL_KEY;
    let mut child = Command::new(bin)
        .arg("-batch")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let script = format!("PRAGMA key = \"{key}\";\nPRAGMA cipher_page_size = 4096;\n{sql}\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "sqlcipher: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sqlcipher_database_restores_identical_and_stores_only_changed_pages() {
    let Some(bin) = tool("sqlcipher") else { return };
    let fx = Fixture::new();
    let db = fx.data.join("sql/db.sqlite");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    write(&fx.data.join("config.json"), "{\"key\": \"2dd29ca8…\"}\n");
    sqlcipher(
        &bin,
        &db,
        "PRAGMA journal_mode = WAL;
         CREATE TABLE messages (rowid INTEGER PRIMARY KEY, body BLOB);
         CREATE INDEX messages_body ON messages (body);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000)
         INSERT INTO messages SELECT i, randomblob(600) FROM n;",
    );
    assert!(
        !fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"),
        "the database should be encrypted"
    );
    fx.backup_ok();
    let before = fs::read(&db).unwrap();

    let updates: String = scattered(2000, 173)
        .map(|id| format!("UPDATE messages SET body = randomblob(600) WHERE rowid = {id};\n"))
        .collect();
    sqlcipher(&bin, &db, &updates);
    assert!(
        !sqlite_companion(&db, "-wal").exists(),
        "closing the last connection should have checkpointed the -wal"
    );
    let after = fs::read(&db).unwrap();
    let (windows, pages) = changed_windows(&before, &after);
    assert!(pages >= 12, "{pages} pages changed");
    let second = fx.backup_ok();
    // SQLCipher rewrites (with a fresh IV) exactly the pages SQLite writes.
    assert_eq!(
        new_chunks(&second),
        windows.len(),
        "{pages} changed pages in {} chunk windows: {second}",
        windows.len()
    );
    // Those chunks, padded (Padmé: a few %), and the index and manifest
    // (which names all ~370 chunks of the database again).
    let stored = second["bytes_stored"].as_u64().unwrap();
    let bound = (windows.len() * DB_CHUNK) as u64 * 105 / 100 + 96 * 1024;
    assert!(
        stored <= bound && stored < after.len() as u64 / 4,
        "{pages} pages changed, {} windows; stored {stored} (bound {bound})",
        windows.len()
    );

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_trees_equal(&fx.data, &target);
}

/// A client holding a keyed database open: an `sqlcipher` shell fed
/// through a pipe, its -wal kept until it quits.
struct OpenClient {
    child: std::process::Child,
    dir: PathBuf,
    runs: usize,
}

impl OpenClient {
    fn start(bin: &Path, db: &Path) -> OpenClient {
        let child = Command::new(bin)
            .arg("-batch")
            .arg(db)
            .current_dir(db.parent().unwrap())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut client = OpenClient {
            child,
            dir: tempfile::tempdir().unwrap().keep(),
            runs: 0,
        };
        client.run(&format!(
            "PRAGMA key = \"{SIGNAL_KEY}\";\nPRAGMA cipher_page_size = 4096;"
        ));
        client
    }

    /// Runs `sql` and waits until the shell has (it touches a file after).
    fn run(&mut self, sql: &str) {
        use std::io::Write;
        self.runs += 1;
        let done = self.dir.join(format!("done-{}", self.runs));
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{sql}\n.system touch {}", done.display()).unwrap();
        stdin.flush().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !done.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "sqlcipher did not run: {sql}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

impl Drop for OpenClient {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The -wal's chunk windows (after its 32-byte header, runs of whole
/// frames of 4 KiB pages) holding a byte of `from..to`.
fn wal_windows(from: usize, to: usize) -> usize {
    let run = (DB_CHUNK / PAGE) * (24 + PAGE);
    let window = |at: usize| (at - 32) / run;
    if to <= from {
        return 0;
    }
    window(to - 1) - window(from.max(32)) + 1
}

// A Signal-like client holds its database open: commits go to the -wal,
// which the careful copy cuts by frames, so appended frames store only
// their own runs.
#[test]
fn open_sqlcipher_client_stores_only_new_wal_frames() {
    let Some(bin) = tool("sqlcipher") else { return };
    let fx = Fixture::new();
    let db = fx.data.join("sql/db.sqlite");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    write(&fx.data.join("config.json"), "{\"key\": \"2dd29ca8…\"}\n");
    let mut client = OpenClient::start(&bin, &db);
    client.run(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE messages (rowid INTEGER PRIMARY KEY, body BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300)
         INSERT INTO messages SELECT i, randomblob(600) FROM n;",
    );
    let wal = sqlite_companion(&db, "-wal");
    let shm = sqlite_companion(&db, "-shm");
    fx.backup_ok();
    let (wal_before, shm_before) = (fs::read(&wal).unwrap(), fs::read(&shm).unwrap());
    assert!(wal_before.len() > 32, "the -wal holds the commits");

    for i in 0..30 {
        client.run(&format!(
            "INSERT INTO messages (body) VALUES (randomblob(600)); -- {i}"
        ));
    }
    let wal_after = fs::read(&wal).unwrap();
    assert_eq!(
        wal_after[..wal_before.len()],
        wal_before[..],
        "frames appended only"
    );
    let shm_changed = fs::read(&shm).unwrap() != shm_before;
    let second = fx.backup_ok();
    let expected = wal_windows(wal_before.len(), wal_after.len()) + usize::from(shm_changed);
    assert_eq!(
        new_chunks(&second),
        expected,
        "-wal grew from {} to {} bytes: {second}",
        wal_before.len(),
        wal_after.len()
    );
    let expected_tree = scan(&fx.data);
    drop(client);

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_same_tree(&expected_tree, &scan(&target), "restored client files");
}

fn sqlite_companion(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Every regular file below `dir`, however deep.
fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => files_below(&e.path(), out),
            Ok(t) if t.is_file() => out.push(e.path()),
            _ => {}
        }
    }
}

#[test]
fn live_database_is_a_consistent_image_with_no_copy_in_the_home() {
    let fx = Fixture::new();
    let db = fx.data.join("app.db");
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Big enough that a copy would sit in the home for a while; a marker in
    // every row, so a copy is recognisable.
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL, note TEXT NOT NULL);
         CREATE TABLE totals (n INTEGER NOT NULL);
         INSERT INTO totals VALUES (0);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<6000)
         INSERT INTO t (payload, note) SELECT randomblob(3000), 'marker-7f3a' FROM n;
         UPDATE totals SET n = 6000;",
    )
    .unwrap();
    // The first backup creates what a home holds (state, cache); the one
    // under test must add no file below it but those.
    fx.backup_ok();
    let mut known = Vec::new();
    files_below(&fx.home, &mut known);

    let committed = Arc::new(AtomicU64::new(6000));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (committed, stop) = (committed.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conn = conn;
            while !stop.load(Ordering::SeqCst) {
                let tx = conn.transaction().unwrap();
                for _ in 0..20 {
                    tx.execute(
                        "INSERT INTO t (payload, note) VALUES (randomblob(500), 'marker-7f3a')",
                        [],
                    )
                    .unwrap();
                }
                tx.execute("UPDATE totals SET n = n + 20", []).unwrap();
                tx.commit().unwrap();
                committed.fetch_add(20, Ordering::SeqCst);
            }
        })
    };
    // Lists the home over and over while the backup runs: any new file.
    let watcher = {
        let (home, stop, known) = (fx.home.clone(), stop.clone(), known.clone());
        std::thread::spawn(move || {
            let mut seen = BTreeSet::new();
            while !stop.load(Ordering::SeqCst) {
                let mut now = Vec::new();
                files_below(&home, &mut now);
                for f in now {
                    let name = f.to_string_lossy().into_owned();
                    // The state database's own journal comes and goes.
                    if !known.contains(&f)
                        && !name.contains("state.db-")
                        && !name.ends_with(".lock")
                    {
                        seen.insert(name);
                    }
                }
            }
            seen
        })
    };
    while committed.load(Ordering::SeqCst) < 8000 {
        assert!(!writer.is_finished(), "the writer thread died");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let before = committed.load(Ordering::SeqCst);
    let (out, summary) = fx.backup(&[]);
    let after = committed.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer thread");
    let seen = watcher.join().expect("watcher thread");
    out.expect(0, "backup during writes");
    assert!(
        summary["warnings"].as_array().unwrap().is_empty(),
        "{summary}"
    );
    assert!(
        seen.is_empty(),
        "the backup wrote files under crossing's home: {seen:?}"
    );
    assert!(
        find_bytes(&fx.home, b"marker-7f3a").is_empty(),
        "database content under crossing's home"
    );

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    for companion in ["app.db-wal", "app.db-shm", "app.db-journal"] {
        assert!(!target.join(companion).exists(), "{companion} restored");
    }
    let restored = target.join("app.db");
    let header = fs::read(&restored).unwrap();
    assert_eq!((header[18], header[19]), (1, 1), "not marked WAL");
    let copy = Connection::open_with_flags(&restored, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let (rows, total): (i64, i64) = copy
        .query_row("SELECT count(*), (SELECT n FROM totals) FROM t", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let rows = rows as u64;
    assert!(
        (before..=after).contains(&rows),
        "{rows} rows restored; {before} were committed before the backup, {after} after it"
    );
    assert_eq!(rows % 20, 0, "a transaction was cut in half");
    assert_eq!(
        total as u64, rows,
        "the two tables are from different moments"
    );
}
