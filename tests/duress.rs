//! Duress codes and the unlock gate through the real binary.

mod kit;

use std::path::Path;

use expectrl::Expect;
use kit::*;
use predicates::prelude::*;

const PIN: &str = "246810";
const DURESS: &str = "135797";

fn set_gate(s: &Fixture, extra: &[&str]) {
    let mut cmd = s.cmd();
    cmd.args(["duress", "set", "--stdin"]).args(extra);
    cmd.write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .success();
}

/// `unlock` with a code on stdin and a command that shows it ran, by its
/// output and by its exit code (exec'd: the gate's own code would be 0).
fn unlock(s: &Fixture, code: &str) -> assert_cmd::assert::Assert {
    s.cmd()
        .args([
            "unlock",
            "--stdin",
            "--",
            "sh",
            "-c",
            "read rest; echo \"client ran with $rest\"; exit 42",
        ])
        .write_stdin(format!("{code}\nleft for the client\n"))
        .assert()
}

#[test]
fn setting_codes_on_a_terminal_without_echo() {
    let s = Fixture::with_corpus();
    let mut p = pty(&s.home, &["duress", "set"]);
    p.expect("New PIN: ").unwrap();
    p.send_line(PIN).unwrap();
    p.expect("New PIN again: ").unwrap();
    p.send_line(PIN).unwrap();
    p.expect("Duress code (wipes when entered instead of the PIN): ")
        .unwrap();
    p.send_line(DURESS).unwrap();
    p.expect("again: ").unwrap();
    p.send_line(DURESS).unwrap();
    let mut rest = String::new();
    use std::io::Read;
    let _ = p.read_to_string(&mut rest);
    assert!(
        !rest.contains(PIN) && !rest.contains(DURESS),
        "echoed: {rest}"
    );
    assert!(rest.contains("PIN set, duress code set"), "{rest}");
    assert_eq!(pty_exit(&mut p), 0);

    // Unlock on a terminal: the prompt, no echo, the command runs.
    let mut p = pty(&s.home, &["unlock", "--", "echo", "client started"]);
    p.expect("PIN: ").unwrap();
    p.send_line(PIN).unwrap();
    p.expect("client started").unwrap();
    assert_eq!(pty_exit(&mut p), 0);

    // A second `set` needs the current PIN first; mismatched entries change nothing.
    let mut p = pty(&s.home, &["duress", "set", "--no-duress-code"]);
    p.expect("Current PIN: ").unwrap();
    p.send_line(PIN).unwrap();
    p.expect("New PIN: ").unwrap();
    p.send_line("111111").unwrap();
    p.expect("New PIN again: ").unwrap();
    p.send_line("111112").unwrap();
    p.expect("differ").unwrap();
    assert_eq!(pty_exit(&mut p), 2);
    unlock(&s, PIN).code(42);
}

#[test]
fn codes_are_checked_and_never_prompted_for_without_a_terminal() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["unlock"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("duress set"));
    s.cmd()
        .args(["duress", "set"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--stdin"));
    let set = |input: &str, extra: &[&str]| {
        s.cmd()
            .args(["duress", "set", "--stdin"])
            .args(extra)
            .write_stdin(input.to_string())
            .assert()
    };
    set("12345\n12345\n654321\n654321\n", &[])
        .failure()
        .stderr(predicate::str::contains("at least 6"));
    set("123456\n123456\n123456\n123456\n", &[])
        .failure()
        .stderr(predicate::str::contains("must differ"));
    set("123456\n123456\n654321\n654321\n", &["--max-failures", "2"]).code(2);
    assert!(!s.home.join("gate").exists());
    set_gate(&s, &[]);
    s.cmd()
        .args(["unlock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a terminal"));
    // The state database holds neither code.
    let db = std::fs::read(s.home.join("state.db")).unwrap();
    let gate = std::fs::read(s.home.join("gate")).unwrap();
    for secret in [PIN, DURESS] {
        assert!(!contains(&db, secret.as_bytes()) && !contains(&gate, secret.as_bytes()));
    }
}

#[test]
fn the_gate_file_looks_the_same_with_or_without_a_duress_code_and_limit() {
    let with = Fixture::with_corpus();
    set_gate(&with, &["--max-failures", "5"]);
    let without = Fixture::with_corpus();
    without
        .cmd()
        .args(["duress", "set", "--stdin", "--no-duress-code"])
        .write_stdin(format!("{PIN}\n{PIN}\n"))
        .assert()
        .success();
    let a = std::fs::read(with.home.join("gate")).unwrap();
    let b = std::fs::read(without.home.join("gate")).unwrap();
    assert_eq!(a.len(), b.len());
    // Apart from the magic and the failure counter, nothing is in common.
    let same = a.iter().zip(&b).skip(8).filter(|(x, y)| x == y).count();
    assert!(same < 20, "{same} bytes in common");
    let status = json(
        without
            .cmd()
            .args(["duress", "status", "--stdin", "--json"])
            .write_stdin(format!("{PIN}\n")),
    );
    assert_eq!(status["duress_code"], false);
    let status = json(
        with.cmd()
            .args(["duress", "status", "--stdin", "--json"])
            .write_stdin(format!("{PIN}\n")),
    );
    assert_eq!(
        (
            status["duress_code"].as_bool(),
            status["max_failures"].as_u64()
        ),
        (Some(true), Some(5))
    );
}

#[test]
fn the_pin_opens_and_leaves_everything_intact() {
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    set_gate(&s, &[]);
    let before = std::fs::read(s.data.join("notes.txt")).unwrap();
    unlock(&s, PIN)
        .code(42)
        .stdout("client ran with left for the client\n");
    assert_eq!(std::fs::read(s.data.join("notes.txt")).unwrap(), before);
    assert!(s.home.join("state.db").exists());
    assert_eq!(
        json(s.cmd().args(["profile", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(aside_dirs(s.root()).is_empty());
    // Without a command the gate just says yes.
    s.cmd()
        .args(["unlock", "--stdin"])
        .write_stdin(format!("{PIN}\n"))
        .assert()
        .success()
        .stdout("");
}

#[test]
fn the_duress_code_wipes_and_looks_like_a_normal_unlock() {
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    set_gate(&s, &["--max-failures", "4"]);
    let normal = unlock(&s, PIN).code(42).get_output().clone();
    let duress = unlock(&s, DURESS).code(42).get_output().clone();
    assert_eq!(normal.stdout, duress.stdout);
    assert_eq!(normal.stderr, duress.stderr);

    // The data directory is gone at once; the home holds the new gate and,
    // until the background destruction ends, its record.
    assert!(!s.data.exists());
    let home = names_in(&s.home);
    assert!(home == ["gate"] || home == ["gate", "pending"], "{home:?}");
    s.wait_for_detached_destruction();
    assert_eq!(names_in(s.root()), ["home", "store"]);
    assert_eq!(names_in(&s.home), ["gate"]);

    // The duress code now works as the PIN, again and again; the old PIN is wrong.
    for _ in 0..2 {
        unlock(&s, DURESS)
            .code(42)
            .stdout("client ran with left for the client\n");
    }
    unlock(&s, PIN)
        .code(10)
        .stderr(predicate::str::contains("wrong PIN"));
    let status = json(
        s.cmd()
            .args(["duress", "status", "--stdin", "--json"])
            .write_stdin(format!("{DURESS}\n")),
    );
    assert_eq!(
        (
            status["duress_code"].as_bool(),
            status["max_failures"].as_u64()
        ),
        (Some(false), None)
    );
    assert_eq!(
        json(s.cmd().args(["profile", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The store is untouched: the phrase restores everything.
    let back = s.root().join("restored");
    s.cmd()
        .args(restore_args(&s.store_url(), &back, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert!(back.join("notes.txt").exists());
}

#[test]
fn status_and_clear_need_the_pin_and_treat_the_duress_code_as_unlock_does() {
    let s = Fixture::with_corpus();
    set_gate(&s, &[]);
    s.cmd()
        .args(["duress", "status", "--stdin"])
        .write_stdin("999999\n")
        .assert()
        .code(10);
    s.cmd()
        .args(["duress", "clear", "--stdin"])
        .write_stdin("999999\n")
        .assert()
        .code(10);
    assert!(s.home.join("gate").exists());
    // Forced to show the status with the duress code: data gone, "nothing set" shown.
    s.cmd()
        .args(["duress", "status", "--stdin"])
        .write_stdin(format!("{DURESS}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("duress code: not set"));
    assert!(!s.data.exists());
    s.wait_for_detached_destruction();
    s.cmd()
        .args(["duress", "clear", "--stdin"])
        .write_stdin(format!("{DURESS}\n"))
        .assert()
        .success();
    assert!(!s.home.join("gate").exists());
    s.cmd()
        .args(["unlock", "--stdin"])
        .write_stdin(format!("{DURESS}\n"))
        .assert()
        .code(9);
}

#[test]
fn the_failure_limit_wipes_after_n_consecutive_wrong_codes_only() {
    let s = Fixture::with_corpus();
    set_gate(&s, &["--max-failures", "3"]);
    unlock(&s, "000000").code(10);
    unlock(&s, "000001").code(10);
    unlock(&s, PIN).code(42); // a right code resets the count
    unlock(&s, "000002").code(10);
    unlock(&s, "000003").code(10);
    assert!(s.data.join("notes.txt").exists());
    unlock(&s, "000004")
        .code(10)
        .stderr(predicate::str::contains("wrong PIN"));
    assert!(!s.data.exists());
    s.wait_for_detached_destruction();
    // The gate is unchanged: the PIN still opens (an empty client), the duress code still wipes.
    unlock(&s, PIN).code(42);
    assert_eq!(std::fs::read_dir(&s.home).unwrap().count(), 1);

    // Without a limit, wrong codes never wipe.
    let t = Fixture::with_corpus();
    set_gate(&t, &[]);
    for i in 0..5 {
        unlock(&t, &format!("00000{i}")).code(10);
    }
    assert!(t.data.join("notes.txt").exists() && t.home.join("state.db").exists());
}

#[test]
fn a_directory_a_duress_code_could_not_wipe_is_reported_when_setting_it() {
    let s = Fixture::with_corpus();
    let real = s.root().join("real");
    std::fs::rename(&s.data, &real).unwrap();
    std::os::unix::fs::symlink(&real, &s.data).unwrap();
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .code(9)
        .stderr(
            predicate::str::contains("symbolic link")
                .and(predicate::str::contains("nothing was set")),
        );
    assert!(!s.home.join("gate").exists());
}

/// The first format's failure-limit check, run over a copy of a file: a
/// 32-byte key and a 32-byte tag anywhere in it, and counts 1..=100.
fn blake3_loop_finds_a_limit(file: &[u8]) -> Option<u32> {
    let windows: Vec<[u8; 32]> = file.windows(32).map(|w| w.try_into().unwrap()).collect();
    for key in &windows {
        for n in 1..=100u32 {
            let mut msg = b"crossing gate failure limit v1 ".to_vec();
            msg.extend_from_slice(&n.to_le_bytes());
            let tag = blake3::keyed_hash(key, &msg);
            if windows.iter().any(|w| w == tag.as_bytes()) {
                return Some(n);
            }
        }
    }
    None
}

#[test]
fn a_copy_of_the_gate_reveals_no_failure_limit() {
    let limited = Fixture::with_corpus();
    set_gate(&limited, &["--max-failures", "4"]);
    let open = Fixture::with_corpus();
    set_gate(&open, &[]);
    let a = std::fs::read(limited.home.join("gate")).unwrap();
    let b = std::fs::read(open.home.join("gate")).unwrap();
    // The same layout: size, magic, and the counter (in clear, both zero).
    assert_eq!((a.len(), b.len()), (188, 188));
    assert_eq!(a[..8], *b"crgate\x00\x02");
    assert_eq!(a[..8], b[..8]);
    assert_eq!(a[136..140], [0; 4]);
    assert_eq!(b[136..140], [0; 4]);
    let same = a.iter().zip(&b).skip(8).filter(|(x, y)| x == y).count();
    assert!(same < 20, "{same} bytes in common");
    assert_eq!(blake3_loop_finds_a_limit(&a), None);

    // The loop did find it in a file of the first format (a limit of 4).
    let mut old = b"crgate\x00\x01".to_vec();
    old.extend_from_slice(&[1; 16 + 32 + 32]);
    let key = [9u8; 32];
    let mut msg = b"crossing gate failure limit v1 ".to_vec();
    msg.extend_from_slice(&4u32.to_le_bytes());
    old.extend_from_slice(&key);
    old.extend_from_slice(blake3::keyed_hash(&key, &msg).as_bytes());
    old.extend_from_slice(&[0; 4 + 16 + 32]);
    assert_eq!(old.len(), 204);
    assert_eq!(blake3_loop_finds_a_limit(&old), Some(4));

    // Such a file is refused, with what to do.
    std::fs::write(open.home.join("gate"), &old).unwrap();
    unlock(&open, PIN).code(8).stderr(
        predicate::str::contains("older crossing")
            .and(predicate::str::contains("crossing duress set")),
    );
    assert!(open.data.join("notes.txt").exists());
}

// Issue 13: each rule at its first entry; a second `set` keeps the limit.
#[test]
fn set_checks_each_code_at_its_first_entry_and_keeps_the_failure_limit() {
    let s = Fixture::with_corpus();
    // One short PIN line is enough to be refused (before: asked again, then "differ").
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin("12345\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 6"));
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin(format!("{PIN}\n{PIN}\n{PIN}\n"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must differ"));
    // On a terminal, the short PIN is refused before it is asked again.
    let mut p = pty(&s.home, &["duress", "set"]);
    p.expect("New PIN: ").unwrap();
    p.send_line("123").unwrap();
    let mut rest = String::new();
    use std::io::Read;
    let _ = p.read_to_string(&mut rest);
    assert!(
        rest.contains("at least 6") && !rest.contains("again"),
        "{rest}"
    );
    assert_eq!(pty_exit(&mut p), 2);
    assert!(!s.home.join("gate").exists());

    let limit = |code: &str| {
        json(
            s.cmd()
                .args(["duress", "status", "--stdin", "--json"])
                .write_stdin(format!("{code}\n")),
        )["max_failures"]
            .as_u64()
    };
    set_gate(&s, &["--max-failures", "5"]);
    // Set again without --max-failures: the limit stays, and the way to remove it is said.
    let new_pin = "864200";
    s.cmd()
        .args(["duress", "set", "--stdin", "--no-duress-code"])
        .write_stdin(format!("{PIN}\n{new_pin}\n{new_pin}\n"))
        .assert()
        .success()
        .stdout(predicate::str::contains("--no-max-failures"));
    assert_eq!(limit(new_pin), Some(5));
    s.cmd()
        .args([
            "duress",
            "set",
            "--stdin",
            "--no-duress-code",
            "--no-max-failures",
        ])
        .write_stdin(format!("{new_pin}\n{PIN}\n{PIN}\n"))
        .assert()
        .success();
    assert_eq!(limit(PIN), None);
}
