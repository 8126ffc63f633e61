//! Forensic acceptance test: an ext4 filesystem in an image file, a marked
//! corpus on it, `wipe` (then `wipe --thorough`), unmount, and a search of
//! the raw image for every marker.
//!
//! Needs root and loop mounts. Where they are impossible (no root, a
//! container without loop devices) each test prints a SKIPPED line saying
//! why; set CROSSING_REQUIRE_FORENSIC=1 to make that a failure instead.

mod kit;

use std::path::{Path, PathBuf};
use std::process::Command as Sys;

use kit::*;

const IMAGE_MIB: u64 = 64;

/// A mounted ext4 image, unmounted on drop.
struct Mounted {
    _dir: tempfile::TempDir,
    image: PathBuf,
    mnt: PathBuf,
    mounted: bool,
}

impl Mounted {
    fn new() -> Option<Mounted> {
        let why = if unsafe { libc::geteuid() } != 0 {
            Some("not running as root".to_string())
        } else {
            None
        };
        let m = why.is_none().then(Mounted::try_mount).flatten();
        match (m, why) {
            (Some(Ok(m)), _) => Some(m),
            (Some(Err(e)), _) | (None, Some(e)) => {
                let msg = format!("SKIPPED forensic test: loop mounts are not possible here ({e}); run it as root on Linux with loop devices");
                assert!(
                    std::env::var("CROSSING_REQUIRE_FORENSIC").as_deref() != Ok("1"),
                    "{msg}"
                );
                eprintln!("{msg}");
                None
            }
            (None, None) => unreachable!(),
        }
    }

    fn try_mount() -> Option<Result<Mounted, String>> {
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("fs.img");
        let mnt = dir.path().join("mnt");
        std::fs::create_dir(&mnt).unwrap();
        std::fs::File::create(&image)
            .unwrap()
            .set_len(IMAGE_MIB << 20)
            .unwrap();
        let run = |cmd: &mut Sys| -> Result<(), String> {
            match cmd.output() {
                Ok(o) if o.status.success() => Ok(()),
                Ok(o) => Err(format!(
                    "{cmd:?}: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                )),
                Err(e) => Err(format!("{cmd:?}: {e}")),
            }
        };
        if let Err(e) = run(Sys::new("mkfs.ext4").args(["-q", "-F"]).arg(&image)) {
            return Some(Err(e));
        }
        if let Err(e) = run(Sys::new("mount").args(["-o", "loop"]).arg(&image).arg(&mnt)) {
            return Some(Err(e));
        }
        Some(Ok(Mounted {
            _dir: dir,
            image,
            mnt,
            mounted: true,
        }))
    }

    fn unmount(&mut self) {
        if self.mounted {
            let ok = Sys::new("umount")
                .arg(&self.mnt)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            assert!(ok, "umount {} failed", self.mnt.display());
            self.mounted = false;
        }
    }

    fn sync(&self) {
        let f = std::fs::File::open(&self.mnt).unwrap();
        assert_eq!(
            unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&f)) },
            0
        );
    }

    fn raw(&self) -> Vec<u8> {
        std::fs::read(&self.image).unwrap()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Sys::new("umount").arg("-l").arg(&self.mnt).status();
        }
    }
}

/// Markers unique to this run: contents and names of files.
struct Corpus {
    contents: Vec<String>,
    names: Vec<String>,
    deleted_content: String,
    deleted_name: String,
}

fn tag() -> String {
    let mut b = [0u8; 6];
    getrandom(&mut b);
    hex::encode(b)
}

fn getrandom(b: &mut [u8]) {
    let f = std::fs::read("/proc/sys/kernel/random/uuid").unwrap();
    for (i, x) in b.iter_mut().enumerate() {
        *x = f[i * 2]
            ^ f[i * 2 + 1].rotate_left(3)
            ^ (std::process::id() as u8).wrapping_add(i as u8);
    }
}

/// Files of many sizes in nested directories; plus a file written, synced
/// and deleted before the wipe (like an SQLite WAL removed at close).
fn write_marked_corpus(data: &Path) -> Corpus {
    let run = tag();
    let mut c = Corpus {
        contents: Vec::new(),
        names: Vec::new(),
        deleted_content: format!("CRXMARKDEL{run}"),
        deleted_name: format!("crxnamedel{run}"),
    };
    for (i, size) in [10usize, 900, 4096, 5000, 70_000, 1_000_000]
        .into_iter()
        .enumerate()
    {
        let content = format!("CRXMARKC{run}{i:02}");
        let name = format!("crxname{run}{i:02}.txt");
        let dir = data.join(format!("crxdir{run}{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        let body: Vec<u8> = format!("{content} ")
            .into_bytes()
            .into_iter()
            .cycle()
            .take(size.max(content.len()))
            .collect();
        std::fs::write(dir.join(&name), body).unwrap();
        c.contents.push(content);
        c.names.push(name);
    }
    let wal = data.join(&c.deleted_name);
    std::fs::write(&wal, format!("{} ", c.deleted_content).repeat(3000)).unwrap();
    std::fs::File::open(&wal).unwrap().sync_all().unwrap();
    std::fs::remove_file(&wal).unwrap();
    c
}

fn find(hay: &[u8], needle: &str) -> bool {
    contains(hay, needle.as_bytes())
}

fn setup_on(m: &Mounted) -> (PathBuf, PathBuf, Corpus) {
    let home = m.mnt.join("home");
    let data = m.mnt.join("data");
    std::fs::create_dir(&data).unwrap();
    let corpus = write_marked_corpus(&data);
    crossing(&home)
        .args(["pseudonym", "import", "--phrase-file", "-"])
        .write_stdin(ABANDON)
        .assert()
        .success();
    let store = format!("file://{}", m._dir.path().join("store").display());
    crossing(&home)
        .args(init_args(&data, &store, &[]))
        .assert()
        .success();
    m.sync();
    // The markers must be on the raw image now, or the test proves nothing.
    let raw = m.raw();
    for marker in corpus.contents.iter().chain(&corpus.names) {
        assert!(
            find(&raw, marker),
            "{marker} not on the image before the wipe"
        );
    }
    assert!(find(&raw, &corpus.deleted_content));
    (home, data, corpus)
}

#[test]
fn default_wipe_leaves_no_content_and_no_name_of_the_wiped_files() {
    let Some(mut m) = Mounted::new() else { return };
    let (home, data, corpus) = setup_on(&m);
    crossing(&home).args(["wipe", "--yes"]).assert().success();
    assert!(!data.exists() && !home.exists());
    m.unmount();
    let raw = m.raw();
    let left: Vec<&String> = corpus
        .contents
        .iter()
        .chain(&corpus.names)
        .filter(|mk| find(&raw, mk))
        .collect();
    assert!(
        left.is_empty(),
        "found on the raw image after the wipe: {left:?}"
    );
    eprintln!(
        "forensic: default wipe left none of {} markers; the file deleted before the wipe is {} (only --thorough promises that)",
        corpus.contents.len() + corpus.names.len(),
        if find(&raw, &corpus.deleted_content) { "still readable" } else { "gone too" }
    );
}

#[test]
fn thorough_wipe_leaves_no_marker_at_all() {
    let Some(mut m) = Mounted::new() else { return };
    let (home, data, corpus) = setup_on(&m);
    let free_before = statvfs_free(&m.mnt);
    crossing(&home)
        .args(["wipe", "--yes", "--thorough"])
        .assert()
        .success();
    assert!(!data.exists() && !home.exists());
    // Free space is back (the wiped files' blocks included).
    assert!(statvfs_free(&m.mnt) >= free_before);
    m.unmount();
    let raw = m.raw();
    let mut all: Vec<&String> = corpus.contents.iter().chain(&corpus.names).collect();
    all.push(&corpus.deleted_content);
    all.push(&corpus.deleted_name);
    let left: Vec<&&String> = all.iter().filter(|mk| find(&raw, mk)).collect();
    if !left.is_empty() {
        // Which blocks, and whether the filesystem counts them as free.
        let n = left[0].as_bytes();
        let blocks: std::collections::BTreeSet<usize> = raw
            .windows(n.len())
            .enumerate()
            .filter(|(_, w)| *w == n)
            .map(|(i, _)| i / 1024)
            .collect();
        for b in blocks.iter().take(5) {
            let o = Sys::new("debugfs")
                .arg("-R")
                .arg(format!("testb {b}"))
                .arg(&m.image)
                .output()
                .unwrap();
            let o2 = Sys::new("debugfs")
                .arg("-R")
                .arg(format!("icheck {b}"))
                .arg(&m.image)
                .output()
                .unwrap();
            eprintln!(
                "diagnostic: block {b}: {} {}",
                String::from_utf8_lossy(&o.stdout).trim(),
                String::from_utf8_lossy(&o2.stdout).trim()
            );
        }
        eprintln!("diagnostic: the marker is in {} block(s)", blocks.len());
    }
    assert!(
        left.is_empty(),
        "found on the raw image after the thorough wipe: {left:?}"
    );
    assert!(!find(&raw, "CRXMARK"), "some marker is left");
    eprintln!("forensic: thorough wipe left none of {} markers (including a file deleted before the wipe)", all.len());
}

/// A client writing to its database while crossing backs it up: rows
/// carrying `marker` go in (in place: no -wal or -journal beside the file,
/// so the database's content is only ever in the file itself and in what
/// crossing makes of it) until `stop` is set.
struct LiveWriter {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    rows: std::sync::Arc<std::sync::atomic::AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveWriter {
    fn start(db: &Path, marker: &str) -> LiveWriter {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        use std::sync::Arc;
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode=MEMORY", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "memory");
        conn.execute_batch("CREATE TABLE m (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let rows = Arc::new(AtomicU64::new(0));
        let (stop2, rows2, marker) = (stop.clone(), rows.clone(), marker.to_string());
        let thread = std::thread::spawn(move || {
            let mut conn = conn;
            while !stop2.load(Ordering::SeqCst) {
                let tx = conn.transaction().unwrap();
                for _ in 0..10 {
                    tx.execute(
                        "INSERT INTO m (body) VALUES (?1 || ' ' || hex(randomblob(40)))",
                        [&marker],
                    )
                    .unwrap();
                }
                tx.commit().unwrap();
                rows2.fetch_add(10, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        LiveWriter {
            stop,
            rows,
            thread: Some(thread),
        }
    }

    /// Waits until `n` more rows are committed.
    fn wait_rows(&self, n: u64) {
        use std::sync::atomic::Ordering;
        let target = self.rows.load(Ordering::SeqCst) + n;
        while self.rows.load(Ordering::SeqCst) < target {
            let died = self.thread.as_ref().is_some_and(|t| t.is_finished());
            assert!(!died, "the writer thread died");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Stops writing and closes the database (the client quits).
    fn stop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().expect("writer thread");
        }
    }
}

impl Drop for LiveWriter {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A marked corpus, a live database and a file deleted between backups;
/// three backups while the database is written, then `wipe` (with
/// `extra`). Returns the markers that must be gone and those found.
fn backups_under_a_live_writer_then_wipe(extra: &[&str]) -> Option<(usize, Vec<String>)> {
    let mut m = Mounted::new()?;
    let (home, data, corpus) = setup_on(&m);
    let run = tag();
    let db_name = format!("crxnamedb{run}.db");
    let db_content = format!("CRXMARKDB{run}");
    let gone_name = format!("crxnamegone{run}.txt");
    let gone_content = format!("CRXMARKGONE{run}");
    std::fs::write(
        data.join(&gone_name),
        format!("{gone_content} ").repeat(500),
    )
    .unwrap();
    let mut writer = LiveWriter::start(&data.join(&db_name), &db_content);
    for i in 0..3 {
        writer.wait_rows(200);
        crossing(&home).args(["backup"]).assert().success();
        if i == 0 {
            // Recorded in the cache by the first backup only.
            std::fs::remove_file(data.join(&gone_name)).unwrap();
        }
    }
    writer.wait_rows(50);
    writer.stop();
    crossing(&home)
        .args(["wipe", "--yes"])
        .args(extra)
        .assert()
        .success();
    assert!(!data.exists() && !home.exists());
    m.unmount();
    let raw = m.raw();
    // Every name crossing ever recorded, and the content of every file
    // that existed at the wipe. (The file deleted between backups leaves
    // its content where the user's own deletion freed it: only
    // --thorough reaches that, and then it is checked too.)
    let mut must_go: Vec<String> = corpus
        .contents
        .iter()
        .chain(&corpus.names)
        .cloned()
        .collect();
    must_go.extend([db_name, db_content, gone_name]);
    if extra.contains(&"--thorough") {
        must_go.extend([gone_content, corpus.deleted_content, corpus.deleted_name]);
    }
    let left = must_go
        .iter()
        .filter(|mk| find(&raw, mk))
        .cloned()
        .collect();
    Some((must_go.len(), left))
}

/// The leak this catches was intermittent (1 run in 6 once): several
/// fresh images, every one clean.
const LIVE_WRITER_RUNS: usize = 6;

#[test]
fn backups_under_a_live_writer_leave_no_name_after_the_default_wipe() {
    let mut found = Vec::new();
    for i in 0..LIVE_WRITER_RUNS {
        let Some((n, left)) = backups_under_a_live_writer_then_wipe(&[]) else {
            return;
        };
        eprintln!(
            "forensic: live-writer run {i}: {} of {n} markers left: {left:?}",
            left.len()
        );
        found.push(left);
    }
    assert!(
        found.iter().all(|l| l.is_empty()),
        "markers found on the raw image after the default wipe, per run: {found:?}"
    );
}

#[test]
fn backups_under_a_live_writer_leave_nothing_after_the_thorough_wipe() {
    for i in 0..2 {
        let Some((n, left)) = backups_under_a_live_writer_then_wipe(&["--thorough"]) else {
            return;
        };
        eprintln!(
            "forensic: live-writer thorough run {i}: {} of {n} markers left",
            left.len()
        );
        assert!(left.is_empty(), "found after the thorough wipe: {left:?}");
    }
}

#[test]
fn another_filesystem_below_a_data_directory_is_never_entered() {
    let Some(m) = Mounted::new() else { return };
    let s = Fixture::with_corpus();
    // The image's filesystem mounted inside the data directory.
    let inner = s.data.join("mounted");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(m.mnt.join("keep.txt"), "on another filesystem").unwrap();
    assert!(Sys::new("mount")
        .arg("--bind")
        .arg(&m.mnt)
        .arg(&inner)
        .status()
        .unwrap()
        .success());
    let (_, failed) = s.wipe_leaving_some();
    let _ = Sys::new("umount").arg(&inner).status();
    assert!(failed.iter().any(|f| f.ends_with("mounted")), "{failed:?}");
    assert_eq!(
        std::fs::read_to_string(m.mnt.join("keep.txt")).unwrap(),
        "on another filesystem"
    );
    assert!(!s.data.join("notes.txt").exists());
}

fn statvfs_free(p: &Path) -> u64 {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut s) }, 0);
    s.f_bfree as u64 * s.f_frsize as u64
}
