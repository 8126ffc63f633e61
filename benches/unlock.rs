//! Duress vs normal unlock, through the real binary: `cargo bench --bench unlock`.
//!
//! For each round, a fresh crossing home (a copy of one prepared with a PIN
//! and a duress code) and a data directory of DATA_MIB MiB; then
//! `crossing unlock --stdin -- date +%s%N`. Measured per unlock:
//! - total: from spawning the gate to its COMMAND having exited;
//! - entry→exec: from writing the code into the gate's stdin to the moment
//!   COMMAND (`date`) reads the clock.
//!
//! Normal and duress rounds alternate, and each duress round waits for its
//! detached destruction to finish, so neither disturbs the next. One
//! Argon2id computation is timed on its own, in process, for reference.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const PIN: &str = "246810";
const DURESS: &str = "135797";
const ROUNDS: usize = 15;

fn main() {
    let data_mib: usize = std::env::var("DATA_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_crossing"));
    let dir = tempfile::tempdir_in(
        std::env::var_os("BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()),
    )
    .unwrap();
    let template = dir.path().join("template-home");
    let data = dir.path().join("data");
    run(Command::new(&bin).arg("--home").arg(&template).args(["pseudonym", "import", "--phrase-file", "-"]), Some("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"));
    run(
        Command::new(&bin)
            .arg("--home")
            .arg(&template)
            .args([
                "init",
                "--store",
                "file:///nonexistent-bench-store",
                "--data-dir",
            ])
            .arg(&data),
        None,
    );
    run(
        Command::new(&bin)
            .arg("--home")
            .arg(&template)
            .args(["duress", "set", "--stdin"]),
        Some(&format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n")),
    );

    let home = dir.path().join("home");
    let (mut normal, mut duress) = (Vec::new(), Vec::new());
    let (mut hashes, mut over) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS * 2 {
        let code = if round % 2 == 0 { PIN } else { DURESS };
        reset(&template, &home, &data, data_mib);
        // One hash check right before each unlock: the machine's speed drifts.
        let t = Instant::now();
        let _ = crossing::protect::duress::hash(PIN, &[7u8; 16]);
        let hash = t.elapsed();
        hashes.push(hash);
        let m = unlock(&bin, &home, code);
        if code == DURESS {
            assert!(!data.exists(), "the duress code did not wipe");
            wait_for_destruction(dir.path());
            over.push(m.1.saturating_sub(hash));
            duress.push(m);
        } else {
            assert!(data.exists(), "the PIN wiped");
            normal.push(m);
        }
    }
    let med = |v: &[(Duration, Duration)], i: usize| {
        median(v.iter().map(|m| if i == 0 { m.0 } else { m.1 }).collect())
    };
    let (nt, dt) = (med(&normal, 0), med(&duress, 0));
    let (ne, de) = (med(&normal, 1), med(&duress, 1));
    let hash = median(hashes);
    println!("unlock benchmark: {ROUNDS} rounds each, data directory {data_mib} MiB, Argon2id m={} KiB t={} p={}", crossing::protect::duress::ARGON2_M_KIB, crossing::protect::duress::ARGON2_T, crossing::protect::duress::ARGON2_P);
    println!(
        "  one Argon2id check (in process):   median {:>7.1} ms",
        ms(hash)
    );
    println!(
        "  normal unlock, total:               median {:>7.1} ms",
        ms(nt)
    );
    println!(
        "  duress unlock, total:               median {:>7.1} ms",
        ms(dt)
    );
    println!(
        "  duress/normal total:                {:>+7.1} %",
        (ms(dt) / ms(nt) - 1.0) * 100.0
    );
    println!(
        "  normal, code entry -> COMMAND runs: median {:>7.1} ms",
        ms(ne)
    );
    println!(
        "  duress, code entry -> COMMAND runs: median {:>7.1} ms",
        ms(de)
    );
    println!(
        "  duress, entry -> COMMAND minus the hash check of the same round: median {:>7.1} ms",
        ms(median(over))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run(cmd: &mut Command, stdin: Option<&str>) {
    cmd.stdin(Stdio::piped()).stdout(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success(), "{cmd:?} failed");
}

/// A fresh home (the prepared one) and a data directory of `mib` MiB in 1 MiB files.
fn reset(template: &Path, home: &Path, data: &Path, mib: usize) {
    let _ = std::fs::remove_dir_all(home);
    std::fs::create_dir_all(home).unwrap();
    for e in std::fs::read_dir(template).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), home.join(e.file_name())).unwrap();
        }
    }
    if !data.exists() {
        std::fs::create_dir_all(data).unwrap();
        let block: Vec<u8> = (0..1 << 20).map(|i| (i * 7 + 3) as u8).collect();
        for i in 0..mib {
            std::fs::write(data.join(format!("file-{i}")), &block).unwrap();
        }
    }
    // Let writeback settle so it does not land inside the timed part.
    Command::new("sync").status().unwrap();
}

/// One unlock: (total, code entry → COMMAND reading the clock).
fn unlock(bin: &Path, home: &Path, code: &str) -> (Duration, Duration) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .arg("--home")
        .arg(home)
        .args(["unlock", "--stdin", "--", "date", "+%s%N"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The gate is waiting for its code by now.
    std::thread::sleep(Duration::from_millis(100));
    let mut stdin = child.stdin.take().unwrap();
    let entered = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    stdin.write_all(format!("{code}\n").as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let total = started.elapsed() - Duration::from_millis(100);
    assert!(out.status.success(), "unlock failed");
    let ran: u128 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (
        total,
        Duration::from_nanos((ran - entered.as_nanos()) as u64),
    )
}

fn wait_for_destruction(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let busy = std::fs::read_dir(dir).unwrap().flatten().any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            !matches!(n.as_str(), "home" | "template-home")
        });
        if !busy {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "detached destruction did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
