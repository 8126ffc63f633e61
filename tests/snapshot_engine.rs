//! The snapshot engine through the real binary: backup, restore, check and
//! snapshots against a `file://` store, with the failures that matter
//! (wrong phrase, tampered or missing packs, a killed backup, live
//! databases, locks, unreadable files).

mod kit;

use std::fs;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use kit::*;
use serde_json::Value;

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned number: {v}"))
}

/// A small tree of ordinary files (a few hundred KiB).
fn small_corpus(data: &Path) {
    write(&data.join("readme.txt"), "hello, crossing\n");
    write(&data.join("sub/notes.md"), "# notes\n".repeat(200));
    write(&data.join("sub/random.bin"), random_bytes(7, 300 * 1024));
    write(&data.join("empty"), "");
    std::os::unix::fs::symlink("sub/notes.md", data.join("link")).unwrap();
    set_all_mtimes(data, 1_200_000_000);
}

/// The awkward corpus of the round-trip test. Returns the sparse file's path.
fn awkward_corpus(data: &Path) -> std::path::PathBuf {
    let name = |b: &[u8]| data.join(std::ffi::OsStr::from_bytes(b));

    write(&data.join("plain.txt"), "plain text\n");
    // Names that are not UTF-8, or carry newlines, tabs, backslashes.
    write(&name(b"caf\xe9 \xff\xfe latin1.bin"), random_bytes(1, 5000));
    write(&name(b"line\nbreak\nname.txt"), "a name with newlines\n");
    write(&name(b"tab\tand space \\ back.txt"), "tab\n");
    fs::create_dir(name(b"dir-\x80\x81")).unwrap();
    write(
        &name(b"dir-\x80\x81/inside-\xc3\x28.txt"),
        "under a non-UTF-8 dir\n",
    );
    write(&data.join("L".repeat(250)), "long name\n");
    // Several chunks and several packs (chunks up to 4 MiB, packs of 8 MiB).
    write(&data.join("big.bin"), random_bytes(2, 12 * MIB));
    // Duplicate content, three times.
    let dup = random_bytes(3, 3 * MIB + 17);
    write(&data.join("dup-a.bin"), &dup);
    write(&data.join("sub/dup-b.bin"), &dup);
    write(&data.join("sub/deeper/dup-c.bin"), &dup);
    write(&data.join("sub/deeper/nested.txt"), "nested\n");
    // Empty things.
    write(&data.join("empty.txt"), "");
    fs::create_dir(data.join("empty-dir")).unwrap();
    fs::create_dir_all(data.join("empty-outer/empty-inner")).unwrap();
    // Modes.
    write(&data.join("private.key"), "secret key material\n");
    chmod(&data.join("private.key"), 0o600);
    write(&data.join("private-dir/file"), "in a 0700 dir\n");
    chmod(&data.join("private-dir"), 0o700);
    write(&data.join("script.sh"), "#!/bin/sh\necho hi\n");
    chmod(&data.join("script.sh"), 0o755);
    write(&data.join("readonly.txt"), "read only\n");
    chmod(&data.join("readonly.txt"), 0o444);
    write(&data.join("ro-dir/child.txt"), "in a read-only dir\n");
    // Symlinks: inside, outside (absolute and relative), dangling, to a dir, non-UTF-8.
    let link = |t: &str, l: std::path::PathBuf| std::os::unix::fs::symlink(t, l);
    link("sub/deeper/nested.txt", data.join("link-inside")).unwrap();
    link("../plain.txt", data.join("sub/link-up")).unwrap();
    link("/etc/hostname", data.join("link-outside-abs")).unwrap();
    link("../../outside/secret", data.join("link-outside-rel")).unwrap();
    link("no/such/file", data.join("dangling")).unwrap();
    link("sub", data.join("link-to-dir")).unwrap();
    std::os::unix::fs::symlink(
        std::ffi::OsStr::from_bytes(b"target-\xfe\n"),
        name(b"link-\xff"),
    )
    .unwrap();
    // A sparse file: 64 MiB, nearly all hole.
    let sparse = data.join("sparse.img");
    {
        use std::os::unix::fs::FileExt;
        let f = fs::File::create(&sparse).unwrap();
        f.set_len(64 * MIB as u64).unwrap();
        f.write_all_at(&random_bytes(4, 4096), 10 * MIB as u64)
            .unwrap();
        f.write_all_at(b"tail of the sparse file", 64 * MIB as u64 - 23)
            .unwrap();
    }
    // Special mode bits, and names that are only dots or start with one.
    write(&data.join("setuid-file"), "s\n");
    chmod(&data.join("setuid-file"), 0o4755);
    fs::create_dir(data.join("setgid-dir")).unwrap();
    chmod(&data.join("setgid-dir"), 0o2750);
    fs::create_dir(data.join("sticky-dir")).unwrap();
    chmod(&data.join("sticky-dir"), 0o1777);
    write(&data.join("..."), "three dots\n");
    write(&data.join(".hidden/.x"), "hidden\n");
    chmod(&data.join("ro-dir"), 0o555);
    chmod(data, 0o750);
    set_all_mtimes(data, 1_000_000_000);
    // Times before 1970 and after 2038.
    write(&data.join("old.txt"), "from 1960\n");
    set_mtime(&data.join("old.txt"), -315_619_200, 999_999_999);
    write(&data.join("future.txt"), "from 2100\n");
    set_mtime(&data.join("future.txt"), 4_102_444_800, 1);
    set_mtime(data, 1_000_000_001, 42);
    sparse
}

fn count_kinds(tree: &Tree) -> (u64, u64, u64) {
    let mut c = (0, 0, 0);
    for m in tree.values() {
        match m.node {
            Node::File { .. } => c.0 += 1,
            Node::Dir => c.1 += 1,
            Node::Symlink { .. } => c.2 += 1,
            Node::Other(_) => {}
        }
    }
    c
}

// 1.
#[test]
fn round_trip_is_byte_exact_with_metadata() {
    let fx = Fixture::new();
    let sparse = awkward_corpus(&fx.data);
    let source = scan(&fx.data);
    let (files, dirs, symlinks) = count_kinds(&source);

    let summary = fx.backup_ok();
    assert_eq!(u(&summary["files"]), files, "{summary}");
    assert_eq!(u(&summary["dirs"]), dirs, "{summary}");
    assert_eq!(u(&summary["symlinks"]), symlinks, "{summary}");
    assert!(summary["skipped"].as_array().unwrap().is_empty());
    // The duplicated 3 MiB are stored once: far less than the corpus' 24 MiB of random data.
    assert!(
        u(&summary["bytes_stored"]) < (12 + 4) as u64 * MIB as u64 + MIB as u64,
        "duplicates stored more than once? {summary}"
    );

    // Restore on a "new device": no state at all, a parent that does not
    // exist yet; special modes kept, as asked.
    let target = fx.root().join("new-device/restored");
    let out = fx
        .restore_fresh(&target, &["--json", "--keep-special-modes"])
        .expect(0, "restore");
    let restored = out.json();
    assert_eq!(restored["snapshot"], summary["snapshot"]);
    assert_eq!(u(&restored["files"]), files);
    assert_eq!(u(&restored["bytes"]), u(&summary["bytes"]));

    assert_same_tree(&source, &scan(&target), "restored tree");
    assert!(staging_leftovers(target.parent().unwrap()).is_empty());

    // Holes stay holes (if the file system made the source sparse at all).
    let src_meta = fs::metadata(&sparse).unwrap();
    let dst_meta = fs::metadata(target.join("sparse.img")).unwrap();
    assert_eq!(dst_meta.len(), 64 * MIB as u64);
    if src_meta.blocks() * 512 < src_meta.len() / 4 {
        assert!(
            dst_meta.blocks() * 512 < dst_meta.len() / 4,
            "restored sparse file is not sparse: {} bytes allocated for {}",
            dst_meta.blocks() * 512,
            dst_meta.len()
        );
    } else {
        eprintln!("note: this file system does not keep holes; sparseness not checked");
    }
}

// 2.
#[test]
fn live_sqlite_writer_gives_a_consistent_copy() {
    use rusqlite::{Connection, OpenFlags};

    let fx = Fixture::new();
    write(&fx.data.join("notes.txt"), "beside the database\n");
    write(&fx.data.join("blob.bin"), random_bytes(11, 2 * MIB));
    let db = fx.data.join("app.db");
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Everything stays in the -wal: a copy of the main file alone would be empty.
    conn.execute_batch(
        "PRAGMA wal_autocheckpoint=0;
         CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
         CREATE TABLE totals (n INTEGER NOT NULL);
         INSERT INTO totals VALUES (0);",
    )
    .unwrap();

    let committed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (committed, stop) = (committed.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conn = conn;
            while !stop.load(Ordering::SeqCst) {
                let tx = conn.transaction().unwrap();
                for _ in 0..20 {
                    tx.execute("INSERT INTO t (payload) VALUES (randomblob(200))", [])
                        .unwrap();
                }
                tx.execute("UPDATE totals SET n = n + 20", []).unwrap();
                tx.commit().unwrap();
                committed.fetch_add(20, Ordering::SeqCst);
            }
        })
    };
    while committed.load(Ordering::SeqCst) < 2000 {
        assert!(!writer.is_finished(), "the writer thread died");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let wal = fs::metadata(fx.data.join("app.db-wal")).map(|m| m.len());
    assert!(
        wal.as_ref().is_ok_and(|&n| n > 0),
        "the test needs a non-empty -wal: {wal:?}"
    );
    let before = committed.load(Ordering::SeqCst);
    let (out, summary) = fx.backup(&[]);
    let after = committed.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer thread");
    out.expect(0, "backup during writes");
    assert!(
        summary["warnings"].as_array().unwrap().is_empty(),
        "{summary}"
    );

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    for companion in ["app.db-wal", "app.db-shm", "app.db-journal"] {
        assert!(
            !target.join(companion).exists(),
            "{companion} was restored; the copy should not need it"
        );
    }
    // Read-only: SQLite could not open a WAL database without its -wal/-shm this way.
    let copy = Connection::open_with_flags(target.join("app.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let (rows, max_id): (i64, i64) = copy
        .query_row("SELECT count(*), coalesce(max(id), 0) FROM t", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let total: i64 = copy
        .query_row("SELECT n FROM totals", [], |r| r.get(0))
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
    assert_eq!(max_id as u64, rows, "rows are missing in the middle");
    assert_eq!(
        fs::read(target.join("notes.txt")).unwrap(),
        b"beside the database\n"
    );
}

// 3.
#[test]
fn wrong_or_invalid_phrase_exits_4_and_touches_nothing() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();

    // A different, valid phrase.
    let other_home = fx.root().join("other-home");
    let other_phrase = fx.root().join("other-phrase.txt");
    new_pseudonym(&other_home, &other_phrase);
    let out_dir = fx.root().join("out");
    fs::create_dir(&out_dir).unwrap();
    let absent = out_dir.join("absent");
    let empty = out_dir.join("empty");
    fs::create_dir(&empty).unwrap();
    set_mtime(&empty, 1_300_000_000, 5);
    let before_empty = scan(&empty);
    let url = fx.store_url();
    let restore = |target: &Path, phrase: &Path| {
        run(
            Some(&fx.root().join("no-home")),
            restore_args(&url, target, phrase),
        )
    };
    for target in [&absent, &empty] {
        let out = restore(target, &other_phrase).expect(4, "restore with another phrase");
        assert!(out.stderr.contains("phrase"), "{}", out.stderr);
    }
    assert!(!absent.exists(), "a wrong phrase created the target");
    assert_same_tree(&before_empty, &scan(&empty), "empty target");

    // The other commands that read with a phrase say the same.
    let out = run(
        Some(&fx.root().join("no-home")),
        [
            "snapshots".as_ref(),
            "--store".as_ref(),
            url.as_ref(),
            "--phrase-file".as_ref(),
            other_phrase.as_os_str(),
        ] as [&std::ffi::OsStr; 5],
    );
    out.expect(4, "snapshots with another phrase");

    // A word that is not in the list: its position is named, never the
    // word (a typo is close to a real word of the phrase).
    let good = fs::read_to_string(&fx.phrase_file).unwrap();
    let mut words: Vec<&str> = good.split_whitespace().collect();
    words[4] = "crossingz";
    let bad = fx.root().join("bad-phrase.txt");
    fs::write(&bad, words.join(" ")).unwrap();
    for target in [&absent, &empty] {
        let out = restore(target, &bad).expect(4, "restore with an invalid phrase");
        assert!(!out.stderr.contains("crossingz"), "{}", out.stderr);
        assert!(
            out.stderr.contains('5'),
            "position not named: {}",
            out.stderr
        );
    }
    assert!(!absent.exists());
    assert_same_tree(&before_empty, &scan(&empty), "empty target");
    assert!(staging_leftovers(&out_dir).is_empty());
    assert!(!fx.root().join("no-home").exists());
}

/// Flips one byte in the middle of the largest pack; returns the pack's name.
fn flip_a_byte(fx: &Fixture) -> String {
    let packs = fx.packs();
    assert!(!packs.is_empty(), "no pack in the store");
    let pack = packs
        .iter()
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap();
    let mut bytes = fs::read(pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    fs::write(pack, bytes).unwrap();
    pack.file_name().unwrap().to_string_lossy().into_owned()
}

// 4.
#[test]
fn tampered_pack_fails_restore_and_leaves_targets_as_they_were() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    write(&fx.data.join("more.bin"), random_bytes(21, 3 * MIB));
    fx.backup_ok();
    let pack = flip_a_byte(&fx);

    let out_dir = fx.root().join("out");
    fs::create_dir(&out_dir).unwrap();
    let absent = out_dir.join("absent");
    let out = fx
        .restore_fresh(&absent, &[])
        .expect(6, "restore of a tampered pack");
    assert!(out.stderr.contains(&pack), "pack not named: {}", out.stderr);
    assert!(!absent.exists(), "a failed restore left a target");
    assert_eq!(staging_leftovers(&out_dir), Vec::<String>::new());

    let existing = out_dir.join("existing");
    write(&existing.join("old.txt"), "the old contents\n");
    write(&existing.join("old-dir/keep.bin"), random_bytes(22, 1000));
    set_all_mtimes(&existing, 1_100_000_000);
    let before = scan(&existing);
    fx.restore_fresh(&existing, &["--force"])
        .expect(6, "forced restore of a tampered pack");
    assert_same_tree(&before, &scan(&existing), "existing target");
    assert_eq!(staging_leftovers(&out_dir), Vec::<String>::new());

    // check --read-data sees it too.
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let out = fx
        .crossing(["check", "--read-data", "--phrase-file", &pf, "--json"])
        .expect(6, "check --read-data");
    let problems = out.json()["problems"].to_string();
    assert!(problems.contains(&pack), "{problems}");
}

// 4, continued: the other objects a restore reads. A signed manifest names
// its packs itself, so a damaged index no longer stops a restore (issue 10:
// an index is unauthenticated); `check` still reports it.
#[test]
fn tampered_manifest_or_index_is_an_integrity_failure() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    let id = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let flip = |path: &Path| {
        let mut bytes = fs::read(path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x80;
        fs::write(path, bytes).unwrap();
    };
    let index_dir = fx.repo_dir().join("index");
    let indexes: Vec<_> = fs::read_dir(&index_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(indexes.len(), 1);
    for (object, name) in [
        (fx.repo_dir().join("snapshots").join(&id), id.clone()),
        (
            indexes[0].clone(),
            indexes[0]
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        ),
    ] {
        let pristine = fs::read(&object).unwrap();
        flip(&object);
        let target = fx.root().join("restored");
        if name == id {
            let out = fx
                .restore_fresh(&target, &["--snapshot", &id])
                .expect(6, "restore with a tampered manifest");
            assert!(
                out.stderr.contains(&name),
                "{name} not named: {}",
                out.stderr
            );
            assert!(!target.exists());
        } else {
            fx.restore_fresh(&target, &["--snapshot", &id])
                .expect(0, "restore of a signed snapshot beside a tampered index");
            assert_trees_equal(&fx.data, &target);
            make_writable(&target);
            fs::remove_dir_all(&target).unwrap();
        }
        assert!(staging_leftovers(fx.root()).is_empty());
        let out = fx
            .crossing(["check", "--phrase-file", &pf, "--json"])
            .expect(6, "check with a tampered object");
        let problems = out.json()["problems"].to_string();
        assert!(problems.contains(&name), "{problems}");
        fs::write(&object, pristine).unwrap();
        fx.crossing(["check", "--read-data", "--phrase-file", &pf])
            .expect(0, "check once repaired");
    }
}

// 5.
#[test]
fn deleted_pack_is_named_by_check() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    write(&fx.data.join("more.bin"), random_bytes(31, 10 * MIB));
    fx.backup_ok();
    let packs = fx.packs();
    assert!(packs.len() >= 2, "expected several packs: {packs:?}");
    let victim = &packs[0];
    let name = victim.file_name().unwrap().to_string_lossy().into_owned();
    fs::remove_file(victim).unwrap();

    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let out = fx
        .crossing(["check", "--phrase-file", &pf])
        .expect(6, "check with the phrase");
    assert!(out.stderr.contains(&name), "{}", out.stderr);
    let out = fx
        .crossing(["check", "--phrase-file", &pf, "--json"])
        .expect(6, "check --json with the phrase");
    let problems = out.json()["problems"].to_string();
    assert!(problems.contains(&name), "{problems}");

    // Without the phrase: the packs this device wrote.
    let out = fx.crossing(["check"]).expect(6, "check without the phrase");
    assert!(out.stderr.contains(&name), "{}", out.stderr);

    let out = fx
        .crossing(["check", "--read-data", "--phrase-file", &pf])
        .expect(6, "check --read-data");
    assert!(out.stderr.contains(&name), "{}", out.stderr);

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(6, "restore");
    assert!(!target.exists());
    assert!(staging_leftovers(fx.root()).is_empty());
}

/// Packs the backup cache records as uploaded but not yet indexed:
/// (count, total size). The state is polled read-only while a backup runs.
fn unindexed_packs(home: &Path) -> (u64, u64) {
    unindexed_packs_waiting(home, std::time::Duration::from_secs(5))
}

/// As `unindexed_packs`, waiting at most `busy` for a writer's lock ((0, 0)
/// if it is still held: a frozen backup may hold it).
fn unindexed_packs_waiting(home: &Path, busy: std::time::Duration) -> (u64, u64) {
    use rusqlite::{Connection, OpenFlags};
    let Ok(conn) =
        Connection::open_with_flags(home.join("state.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return (0, 0);
    };
    let _ = conn.busy_timeout(busy);
    conn.query_row(
        "SELECT count(*), coalesce(sum(size), 0) FROM cache_packs WHERE indexed = 0",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )
    .unwrap_or((0, 0))
}

/// Stops `pid` (SIGSTOP) and waits until the kernel shows it stopped, so
/// that nothing it does can land after this returns.
fn freeze(pid: libc::pid_t) {
    unsafe { libc::kill(pid, libc::SIGSTOP) };
    let stat = format!("/proc/{pid}/stat");
    for _ in 0..10_000 {
        let Ok(text) = std::fs::read_to_string(&stat) else {
            return; // exited: try_wait will tell
        };
        // The state follows the parenthesised command name.
        let state = text.rsplit_once(") ").map(|(_, rest)| rest.as_bytes()[0]);
        if matches!(state, Some(b'T') | Some(b'Z')) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
    panic!("process {pid} did not stop");
}

/// Kills (SIGKILL) and reaps the child if the test ends before it does.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

// 6. (and 10 with a real concurrent backup)
#[test]
fn killed_backup_leaves_a_repository_the_next_backup_completes() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    let first = fx.backup_ok();
    let first_id = first["snapshot"].as_str().unwrap().to_string();
    let first_tree = scan(&fx.data);

    const FILES: usize = 8;
    const EACH: usize = 25 * MIB;
    let corpus = (FILES * EACH) as u64;
    for i in 0..FILES {
        write(
            &fx.data.join(format!("big/part-{i}.bin")),
            random_bytes(100 + i as u64, EACH),
        );
    }
    let packs_before = fx.packs().len();

    let mut child = KillOnDrop(
        command(Some(&fx.home), None)
            .args(["backup", "--json"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let child = &mut child.0;
    // Step the backup until a few packs are uploaded and recorded: it runs
    // for a moment, is frozen (SIGSTOP), and the cache is read while it
    // cannot move, so a fast or a starved machine cannot skip the window.
    let pid = child.id() as libc::pid_t;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the backup finished ({status}) before it could be killed; enlarge the corpus");
        }
        // (If the cache's schema changed, this never sees a pack and the
        // backup runs to its end: the panic above then points here.)
        freeze(pid);
        if unindexed_packs_waiting(&fx.home, std::time::Duration::ZERO).0 >= 2 {
            break;
        }
        unsafe { libc::kill(pid, libc::SIGCONT) };
        std::thread::sleep(std::time::Duration::from_millis(3));
    }
    // Meanwhile, a second backup of the same profile is refused.
    let second = fx.crossing(["backup", "--json"]);
    let still_running = child.try_wait().unwrap().is_none();
    assert!(
        still_running,
        "the backup finished before it could be killed; enlarge the corpus"
    );
    let second = second.expect(7, "concurrent backup of the same profile");
    assert!(second.stderr.contains("lock"), "{}", second.stderr);

    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());
    let (recorded, recorded_bytes) = unindexed_packs(&fx.home);
    assert!(recorded >= 2);
    assert!(fx.packs().len() >= packs_before + recorded as usize);
    assert_eq!(
        fx.snapshot_objects().len(),
        1,
        "the killed backup wrote a snapshot"
    );

    // The next backup completes, and does not upload again what is stored.
    let next = fx.backup_ok();
    let stored = u(&next["bytes_stored"]);
    assert!(u(&next["new_chunks"]) > 0);
    assert!(
        stored < corpus,
        "the next backup uploaded {stored} bytes for a {corpus}-byte corpus: nothing reused"
    );
    assert!(
        stored + recorded_bytes < corpus + corpus / 20,
        "{stored} + {recorded_bytes} bytes uploaded in two runs for {corpus} bytes of data"
    );
    assert_eq!(unindexed_packs(&fx.home).0, 0, "packs left unindexed");

    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let out = fx
        .crossing(["check", "--read-data", "--phrase-file", &pf, "--json"])
        .expect(0, "check --read-data after the kill");
    let report = out.json();
    assert!(
        report["problems"].as_array().unwrap().is_empty(),
        "{report}"
    );
    assert!(u(&report["packs_read"]) >= packs_before as u64 + recorded);

    // The earlier snapshot restores byte for byte, and so does the new one.
    let early = fx.root().join("early");
    fx.restore_fresh(&early, &["--snapshot", &first_id[..16]])
        .expect(0, "restore of the earlier snapshot");
    assert_same_tree(&first_tree, &scan(&early), "earlier snapshot");
    let latest = fx.root().join("latest");
    let out = fx
        .restore_fresh(&latest, &["--json"])
        .expect(0, "restore of the resumed snapshot");
    assert_eq!(out.json()["snapshot"], next["snapshot"]);
    assert_trees_equal(&fx.data, &latest);
}

// 7.
#[test]
fn unchanged_data_stores_almost_nothing() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    write(&fx.data.join("big.bin"), random_bytes(41, 5 * MIB));
    {
        let db = rusqlite::Connection::open(fx.data.join("app.db")).unwrap();
        db.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3);")
            .unwrap();
    }
    let first = fx.backup_ok();
    assert!(u(&first["files_read"]) >= 6);
    let second = fx.backup_ok();
    assert_eq!(u(&second["new_chunks"]), 0, "{second}");
    assert_eq!(u(&second["new_packs"]), 0, "{second}");
    assert!(u(&second["bytes_stored"]) < 64 * 1024, "{second}");
    // Nothing is read again, the closed database included.
    assert_eq!(u(&second["files_read"]), 0, "{second}");
    assert_eq!(second["files"], first["files"]);
    assert_eq!(second["bytes"], first["bytes"]);
    assert_ne!(second["snapshot"], first["snapshot"]);

    // A changed file is read again; the rest is not.
    write(&fx.data.join("readme.txt"), "hello again\n");
    let third = fx.backup_ok();
    assert_eq!(u(&third["files_read"]), 1, "{third}");
    assert!(u(&third["bytes_stored"]) < 64 * 1024, "{third}");
}

// A live database (WAL mode, a connection open, commits only in the -wal)
// is copied again only after a commit, and the copy has that commit.
#[test]
fn live_database_is_copied_again_only_after_a_commit() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    let db = rusqlite::Connection::open(fx.data.join("live.db")).unwrap();
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE t (x); INSERT INTO t VALUES ('first');",
    )
    .unwrap();
    let first = fx.backup_ok();
    assert!(u(&first["files_read"]) >= 1, "{first}");
    let second = fx.backup_ok();
    assert_eq!(
        u(&second["files_read"]),
        0,
        "unchanged live database re-read: {second}"
    );

    db.execute("INSERT INTO t VALUES ('second')", []).unwrap();
    let third = fx.backup_ok();
    assert_eq!(
        u(&third["files_read"]),
        1,
        "a commit must be backed up: {third}"
    );
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    let restored = rusqlite::Connection::open(target.join("live.db")).unwrap();
    let rows: Vec<String> = restored
        .prepare("SELECT x FROM t ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, ["first", "second"]);
    assert!(
        !target.join("live.db-wal").exists(),
        "the copy is self-contained"
    );
}

// Beyond the list: "latest" is the last snapshot written, even within one second.
#[test]
fn restore_latest_is_the_newest_snapshot() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    for round in 0..5 {
        write(&fx.data.join("counter.txt"), format!("round {round}\n"));
        let id = fx.backup_ok()["snapshot"].clone();
        let target = fx.root().join(format!("latest-{round}"));
        let out = fx
            .restore_fresh(&target, &["--json"])
            .expect(0, "restore latest");
        assert_eq!(out.json()["snapshot"], id, "round {round}");
        assert_eq!(
            fs::read_to_string(target.join("counter.txt")).unwrap(),
            format!("round {round}\n")
        );
    }
}

// 8.
#[test]
fn no_plaintext_reaches_the_store() {
    const MARKER: &str = "XQZ-crossing-plaintext-marker-7f3a";
    let fx = Fixture::new();
    let d = &fx.data;
    write(
        &d.join(format!("{MARKER}-notes.txt")),
        format!("before {MARKER} after\n").repeat(100),
    );
    let mut inner = random_bytes(51, 100_000);
    inner.extend_from_slice(MARKER.as_bytes());
    inner.extend(random_bytes(52, 100_000));
    write(&d.join(format!("dir-{MARKER}/inner.bin")), inner);
    write(&d.join("just-the-marker"), MARKER);
    std::os::unix::fs::symlink(format!("target-{MARKER}"), d.join("link")).unwrap();
    // The scanner finds what it looks for.
    assert!(find_bytes(d, MARKER.as_bytes()).len() >= 5);

    let first = fx.backup(&["--tag", MARKER]);
    first.0.expect(0, "backup");
    write(&d.join(format!("second-{MARKER}")), format!("{MARKER}\n"));
    fx.backup(&["--tag", MARKER]).0.expect(0, "second backup");

    let hits = find_bytes(&fx.store, MARKER.as_bytes());
    assert!(hits.is_empty(), "plaintext in the store: {hits:?}");
    let data_path = fx.data.as_os_str().as_bytes();
    let hits = find_bytes(&fx.store, data_path);
    assert!(
        hits.is_empty(),
        "the data directory's path in the store: {hits:?}"
    );
}

// 9.
#[test]
fn restore_into_a_non_empty_directory_needs_force() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();

    let parent = fx.root().join("out");
    let target = parent.join("existing");
    write(&target.join("old.txt"), "old\n");
    write(&target.join("old-dir/x"), "x\n");
    set_all_mtimes(&target, 1_150_000_000);
    let before = scan(&target);
    let out = fx
        .restore_fresh(&target, &[])
        .expect(9, "restore without --force");
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_same_tree(&before, &scan(&target), "refused target");
    assert!(staging_leftovers(&parent).is_empty());

    fx.restore_fresh(&target, &["--force"])
        .expect(0, "restore --force");
    assert_trees_equal(&fx.data, &target);
    assert_eq!(staging_leftovers(&parent), Vec::<String>::new());

    // A file where the directory should go is refused too, even with --force.
    let file = parent.join("a-file");
    write(&file, "not a directory\n");
    fx.restore_fresh(&file, &["--force"])
        .expect(9, "restore onto a file");
    assert_eq!(fs::read(&file).unwrap(), b"not a directory\n");
}

// 10.
#[test]
fn backup_of_a_locked_profile_exits_7() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();
    let lock_path = fx.home.join("locks/profile-default.lock");
    fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let holder = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    let rc = unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(rc, 0);

    let (out, _) = fx.backup(&[]);
    let out = out.expect(7, "backup while the profile is locked");
    assert!(out.stderr.contains("lock"), "{}", out.stderr);
    assert_eq!(
        fx.snapshot_objects().len(),
        1,
        "a locked backup wrote a snapshot"
    );

    drop(holder);
    fx.backup_ok();
    assert_eq!(fx.snapshot_objects().len(), 2);
}

/// Whether crossing can run as (uid, gid) in a scratch directory (needs
/// CAP_SETUID and a temporary directory others may enter).
fn can_run_as(uid: u32, gid: u32) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    chown_tree(tmp.path(), uid, gid);
    let home = tmp.path().join("home");
    command(Some(&home), Some((uid, gid)))
        .args(["pseudonym", "list", "--json"])
        .output()
        .is_ok_and(|o| o.status.success())
}

// 11.
#[test]
fn unreadable_file_gives_a_partial_backup() {
    // root reads anything: run crossing as "nobody" then.
    let user = (unsafe { libc::geteuid() } == 0).then_some((65534, 65534));
    if user.is_some() && !can_run_as(65534, 65534) {
        eprintln!("skipped: running as root, and cannot run crossing as nobody here");
        return;
    }
    let fx = Fixture::with_user(user);
    write(&fx.data.join("ok.txt"), "readable\n");
    write(&fx.data.join("secret.txt"), "unreadable\n");
    write(&fx.data.join("closed/inside.txt"), "in an unreadable dir\n");
    chmod(&fx.data.join("secret.txt"), 0o000);
    chmod(&fx.data.join("closed"), 0o000);

    let (out, summary) = fx.backup(&[]);
    let out = out.expect(3, "backup with unreadable paths");
    for p in ["secret.txt", "closed"] {
        let path = fx.data.join(p).display().to_string();
        assert!(
            out.stderr.contains(&path),
            "{path} not reported: {}",
            out.stderr
        );
        assert!(
            summary["skipped"].to_string().contains(&path),
            "{path} not in the summary: {summary}"
        );
    }
    assert_eq!(fx.snapshot_objects().len(), 1, "no snapshot written");
    assert_eq!(
        fx.snapshot_objects()[0],
        summary["snapshot"].as_str().unwrap()
    );

    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_eq!(fs::read(target.join("ok.txt")).unwrap(), b"readable\n");
    assert!(fs::symlink_metadata(target.join("secret.txt")).is_err());
    assert!(fs::symlink_metadata(target.join("closed/inside.txt")).is_err());
}

// 12.
#[test]
fn snapshots_lists_contents_and_tags() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    let (out, a) = fx.backup(&["--tag", "alpha", "--tag", "two words"]);
    out.expect(0, "backup a");
    write(&fx.data.join("extra.txt"), "one more file\n");
    let (out, b) = fx.backup(&["--tag", "beta", "--expire-after", "7d"]);
    out.expect(0, "backup b");
    let tags = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("no tags: {v}"))
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    let check_rows = |rows: &Value, with_contents: bool| {
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let find = |id: &Value| {
            rows.iter()
                .find(|r| r["snapshot"] == *id)
                .unwrap_or_else(|| panic!("snapshot {id} not listed: {rows:?}"))
        };
        let (ra, rb) = (find(&a["snapshot"]), find(&b["snapshot"]));
        for r in rows {
            assert!(u(&r["bytes_stored"]) > 0);
        }
        if with_contents {
            assert_eq!(ra["files"], a["files"]);
            assert_eq!(ra["bytes"], a["bytes"]);
            assert_eq!(rb["files"], b["files"]);
            assert_eq!(rb["bytes"], b["bytes"]);
            assert_eq!(ra["time"], a["time"]);
            assert_eq!(tags(&ra["tags"]), ["alpha", "two words"]);
            assert_eq!(tags(&rb["tags"]), ["beta"]);
            assert!(ra["expires_at"].is_null());
            let ttl = rb["expires_at"].as_i64().unwrap() - u(&b["time"]) as i64;
            assert!(
                (7 * 86400 - 5..=7 * 86400 + 5).contains(&ttl),
                "expires_at - time = {ttl}"
            );
        }
    };

    // This device: from the store, plus what it recorded.
    let out = fx.crossing(["snapshots", "--json"]).expect(0, "snapshots");
    check_rows(&out.json(), true);
    // With the phrase: read from the manifests themselves.
    let pf = fx.phrase_file.to_str().unwrap().to_string();
    let out = fx
        .crossing(["snapshots", "--json", "--phrase-file", &pf])
        .expect(0, "snapshots --phrase-file");
    check_rows(&out.json(), true);
    // Another device, no state: store and phrase only.
    let url = fx.store_url();
    let out = run(
        Some(&fx.root().join("elsewhere")),
        ["snapshots", "--json", "--store", &url, "--phrase-file", &pf],
    )
    .expect(0, "snapshots --store");
    check_rows(&out.json(), true);
    // Without the phrase and without this device's records: listed, contents unknown.
    let other = fx.other_device("other-device", &fx.data);
    let out = run(Some(&other), ["snapshots", "--json"]).expect(0, "snapshots");
    let rows = out.json();
    check_rows(&rows, false);
    assert!(
        rows[0]["files"].is_null() && rows[0]["tags"].is_null(),
        "{rows}"
    );
}

// Beyond the list: a forged manifest cannot make restore write outside the target.
#[test]
fn forged_manifest_cannot_write_through_a_symlink() {
    use crossing::repo::format::Kind;
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();
    let outside = fx.root().join("outside");
    fs::create_dir(&outside).unwrap();
    let name = fx.forge_snapshot(vec![
        forged_entry(b"", Kind::Dir, 0o755, b""),
        forged_entry(
            b"escape",
            Kind::Symlink,
            0o777,
            outside.as_os_str().as_bytes(),
        ),
        forged_entry(b"escape/planted", Kind::File, 0o644, b""),
        forged_entry(b"escape/planted-dir", Kind::Dir, 0o755, b""),
    ]);
    let target = fx.root().join("restored");
    let out = fx
        .restore_fresh(&target, &["--snapshot", &name])
        .expect(6, "restore of a forged manifest");
    assert!(out.stderr.contains("manifest"), "{}", out.stderr);
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "restore wrote outside its target"
    );
    assert!(!target.exists());
    assert!(staging_leftovers(fx.root()).is_empty());
}

// Beyond the list: a pack removed behind this device's back (another
// device's prune, a hand in the bucket) is uploaded again by the next
// backup instead of being referenced by it.
#[test]
fn a_pack_gone_from_the_store_is_uploaded_again() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    write(&fx.data.join("big.bin"), random_bytes(77, 3 * MIB));
    fx.backup_ok();
    for pack in fx.packs() {
        fs::remove_file(pack).unwrap();
    }
    let (out, next) = fx.backup(&[]);
    out.expect(0, "backup after the packs were removed");
    assert!(u(&next["new_packs"]) >= 1, "{next}");
    assert!(
        next["warnings"].to_string().contains("no longer in"),
        "{next}"
    );
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[])
        .expect(0, "the new snapshot restores");
    assert_trees_equal(&fx.data, &target);
}
