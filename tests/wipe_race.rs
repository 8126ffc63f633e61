//! A wipe cannot be steered outside the data directory: during a minute of
//! repeated wipes, a thread swaps a subdirectory of the data directory with
//! a symlink to a victim directory in a tight loop (`RENAME_EXCHANGE`), and
//! a bind mount inside the data directory shows another victim directory
//! (same filesystem, so the same `st_dev`). Not one victim file may change.
//!
//! The bind mount needs root; without it that half prints a SKIPPED line
//! (and fails under CROSSING_REQUIRE_FORENSIC=1, as tests/forensic.rs does).

mod kit;

use std::path::{Path, PathBuf};
use std::process::Command as Sys;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kit::*;

/// The issue asks for at least a minute of wipes under attack.
const ATTACK: Duration = Duration::from_secs(60);
/// The subdirectory that is swapped with the symlink.
const SWAPPED: &str = "d0";

/// ~200 files in nested subdirectories: 4 × 5 directories of 10 files.
fn build_data(data: &Path, round: u64) {
    for a in 0..4 {
        for b in 0..5 {
            let dir = data.join(format!("d{a}/e{b}"));
            std::fs::create_dir_all(&dir).unwrap();
            for f in 0..10 {
                let seed = round * 1000 + a * 100 + b * 10 + f;
                write(&dir.join(format!("f{f}")), random_bytes(seed, 3000));
            }
        }
    }
}

/// A victim directory with nested files of known contents.
fn build_victim(dir: &Path, seed: u64) {
    for b in 0..5 {
        let sub = dir.join(format!("e{b}"));
        std::fs::create_dir_all(&sub).unwrap();
        for f in 0..10 {
            write(
                &sub.join(format!("f{f}")),
                random_bytes(seed + b * 10 + f, 3000),
            );
        }
    }
}

/// The bind mount of `victim` on `at`, lazily unmounted on drop (also when
/// the test fails, so no mount outlives it).
struct Bind {
    at: PathBuf,
}

impl Bind {
    fn new(victim: &Path, at: &Path) -> Result<Bind, String> {
        if unsafe { libc::geteuid() } != 0 {
            return Err("not running as root".into());
        }
        std::fs::create_dir_all(at).unwrap();
        match Sys::new("mount").arg("--bind").arg(victim).arg(at).output() {
            Ok(o) if o.status.success() => Ok(Bind {
                at: at.to_path_buf(),
            }),
            Ok(o) => Err(String::from_utf8_lossy(&o.stderr).trim().to_string()),
            Err(e) => Err(format!("mount: {e}")),
        }
    }
}

impl Drop for Bind {
    fn drop(&mut self) {
        let _ = Sys::new("umount").arg("-l").arg(&self.at).status();
    }
}

/// Swaps `a` and `b` (`renameat2(RENAME_EXCHANGE)`) as fast as it can
/// while `run` is set; `paused` stops it between two swaps (acknowledged
/// through `idle`), so the test can rebuild the data directory.
struct Swapper {
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    idle: Arc<AtomicBool>,
    swaps: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Swapper {
    fn start(a: PathBuf, b: PathBuf) -> Swapper {
        let stop = Arc::new(AtomicBool::new(false));
        let paused = Arc::new(AtomicBool::new(true));
        let idle = Arc::new(AtomicBool::new(true));
        let swaps = Arc::new(AtomicU64::new(0));
        let (s, p, i, n) = (stop.clone(), paused.clone(), idle.clone(), swaps.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                if p.load(Ordering::SeqCst) {
                    i.store(true, Ordering::SeqCst);
                    std::thread::yield_now();
                    continue;
                }
                i.store(false, Ordering::SeqCst);
                let swapped = rustix::fs::renameat_with(
                    rustix::fs::CWD,
                    &a,
                    rustix::fs::CWD,
                    &b,
                    rustix::fs::RenameFlags::EXCHANGE,
                );
                if swapped.is_ok() {
                    n.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        Swapper {
            stop,
            paused,
            idle,
            swaps,
            thread: Some(thread),
        }
    }

    fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        while !self.idle.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
    }

    fn resume(&self) {
        self.idle.store(false, Ordering::SeqCst);
        self.paused.store(false, Ordering::SeqCst);
    }
}

impl Drop for Swapper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Puts the symlink back at `link` (the swap may have left the data
/// directory's own subdirectory there) and empties the data directory.
fn reset(data: &Path, link: &Path, victim: &Path) {
    match std::fs::symlink_metadata(link) {
        Ok(m) if m.file_type().is_symlink() => {}
        Ok(_) => {
            // A directory of the data dir, swapped out; never a victim.
            make_writable(link);
            std::fs::remove_dir_all(link).unwrap();
            std::os::unix::fs::symlink(victim, link).unwrap();
        }
        Err(_) => std::os::unix::fs::symlink(victim, link).unwrap(),
    }
    if data.exists() {
        make_writable(data);
        std::fs::remove_dir_all(data).unwrap();
    }
}

#[test]
fn a_wipe_cannot_be_steered_outside_the_data_directory() {
    let s = Fixture::new();
    let swapped_victim = s.root().join("victim-swapped");
    let mounted_victim = s.root().join("victim-mounted");
    build_victim(&swapped_victim, 10_000);
    build_victim(&mounted_victim, 20_000);
    let before = [
        files_with_contents(&swapped_victim),
        files_with_contents(&mounted_victim),
    ];
    let link = s.root().join("swap-link");
    let swapper = Swapper::start(s.data.join(SWAPPED), link.clone());
    let mut mounts_tried = true;
    let started = Instant::now();
    let mut rounds = 0u64;
    let mut replaced = 0u64;
    while started.elapsed() < ATTACK {
        swapper.pause();
        reset(&s.data, &link, &swapped_victim);
        build_data(&s.data, rounds);
        let bind = match Bind::new(&mounted_victim, &s.data.join("d1/mnt")) {
            Ok(b) => Some(b),
            Err(why) => {
                if mounts_tried {
                    let msg = format!("SKIPPED bind-mount half of the race test: cannot bind-mount here ({why}); run it as root on Linux");
                    assert!(
                        std::env::var("CROSSING_REQUIRE_FORENSIC").as_deref() != Ok("1"),
                        "{msg}"
                    );
                    eprintln!("{msg}");
                    mounts_tried = false;
                }
                None
            }
        };
        swapper.resume();
        let out = s.crossing(["wipe", "--yes", "--keep-state", "--json"]);
        swapper.pause();
        assert!(
            out.code == 0 || out.code == 3,
            "wipe: exit {}\n{}",
            out.code,
            out.stderr
        );
        if bind.is_some() {
            assert!(
                out.stdout.contains("is another mount; not crossed"),
                "{}",
                out.stdout
            );
        }
        replaced += u64::from(out.stdout.contains("was replaced while being wiped"));
        drop(bind);
        let after = [
            files_with_contents(&swapped_victim),
            files_with_contents(&mounted_victim),
        ];
        for ((b, a), which) in before.iter().zip(&after).zip(["symlinked", "bind-mounted"]) {
            assert!(
                b == a,
                "round {rounds}: a file of the {which} victim changed or vanished ({} files before, {} after)\n{}",
                b.len(),
                a.len(),
                out.stderr
            );
        }
        rounds += 1;
    }
    let swaps = swapper.swaps.load(Ordering::Relaxed);
    drop(swapper);
    eprintln!("{rounds} wipes under attack, {swaps} swaps, {replaced} wipes met a replaced entry");
    assert!(rounds >= 3 && swaps > 0, "{rounds} rounds, {swaps} swaps");
}
