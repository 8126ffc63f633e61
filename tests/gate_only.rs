//! Wipes that need nothing but the gate (and the target list): a corrupt or
//! deleted `state.db` still lets the duress code and the failure limit wipe
//! the data directory, `wipe --data-dir` works without any state, and an
//! edited target list cannot steer a wipe past the guard rails.

mod kit;

use std::fs;
use std::path::Path;

use kit::*;
use predicates::prelude::*;

const PIN: &str = "246810";
const DURESS: &str = "135797";

fn set_gate(s: &Fixture, extra: &[&str]) {
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .args(extra)
        .write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .success();
}

fn unlock(s: &Fixture, code: &str) -> assert_cmd::assert::Assert {
    s.cmd()
        .args(["unlock", "--stdin", "--", "sh", "-c", "exit 42"])
        .write_stdin(format!("{code}\n"))
        .assert()
}

/// Overwrites the state database with junk of the same length.
fn corrupt(file: &Path) {
    let len = fs::metadata(file).unwrap().len() as usize;
    let junk: Vec<u8> = (0..len).map(|i| (i * 7 + 13) as u8).collect();
    fs::write(file, junk).unwrap();
}

#[test]
fn the_duress_code_wipes_the_data_dir_with_a_corrupt_state_db() {
    let s = Fixture::with_corpus();
    set_gate(&s, &[]);
    corrupt(&s.home.join("state.db"));
    unlock(&s, DURESS).code(42);
    assert!(
        !s.data.exists(),
        "the data directory survived the duress code"
    );
    s.wait_for_detached_destruction();
    assert_eq!(names_in(s.root()), ["home", "store"]);
    assert_eq!(names_in(&s.home), ["gate"]);
}

#[test]
fn the_duress_code_wipes_the_data_dir_with_a_deleted_state_db() {
    let s = Fixture::with_corpus();
    set_gate(&s, &[]);
    fs::remove_file(s.home.join("state.db")).unwrap();
    unlock(&s, DURESS).code(42);
    assert!(
        !s.data.exists(),
        "the data directory survived the duress code"
    );
    s.wait_for_detached_destruction();
    assert_eq!(names_in(s.root()), ["home", "store"]);
}

#[test]
fn the_failure_limit_wipes_the_data_dir_with_a_corrupt_state_db() {
    let s = Fixture::with_corpus();
    set_gate(&s, &["--max-failures", "3"]);
    corrupt(&s.home.join("state.db"));
    unlock(&s, "000000").code(10);
    unlock(&s, "000001").code(10);
    assert!(s.data.join("notes.txt").exists());
    unlock(&s, "000002").code(10);
    assert!(
        !s.data.exists(),
        "the data directory survived the failure limit"
    );
    s.wait_for_detached_destruction();
    assert_eq!(names_in(s.root()), ["home", "store"]);
}

#[test]
fn with_both_the_db_and_the_list_damaged_the_home_is_still_wiped() {
    let s = Fixture::with_corpus();
    set_gate(&s, &[]);
    corrupt(&s.home.join("state.db"));
    corrupt(&s.home.join("targets"));
    unlock(&s, DURESS).code(42);
    // Documented (docs/wipe.md): nothing says where the data is any more.
    assert!(s.data.join("notes.txt").exists());
    // The old home, renamed aside, is destroyed in the background; its
    // record goes when that is done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while s.home.join("pending").exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the destruction never finished"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(names_in(&s.home), ["gate"]);
}

#[test]
fn wipe_by_path_needs_no_state() {
    // No state database at all.
    let s = Fixture::with_corpus();
    fs::remove_file(s.home.join("state.db")).unwrap();
    let _ = fs::remove_file(s.home.join("targets")); // (an older crossing made none)
    s.cmd()
        .args(["wipe", "--yes", "--data-dir"])
        .arg(&s.data)
        .assert()
        .success();
    assert!(!s.data.exists() && !s.home.exists());
    assert_eq!(names_in(s.root()), ["store"]);

    // A corrupt one: the profile way refuses (exit 8) and names the other way.
    let t = Fixture::with_corpus();
    corrupt(&t.home.join("state.db"));
    t.cmd()
        .args(["wipe", "--yes"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("wipe --data-dir DIR"));
    t.cmd()
        .args(["wipe", "--yes", "--keep-state", "--data-dir"])
        .arg(&t.data)
        .assert()
        .success();
    assert!(!t.data.exists() && t.home.join("state.db").exists());

    // The guard rails still hold.
    t.cmd()
        .args(["wipe", "--yes", "--data-dir", "/"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("root directory"));
}

#[test]
fn a_target_list_entry_the_guard_refuses_spares_nothing_else() {
    // A second profile whose data directory is a symlink to a victim: the
    // guard rails refuse it, and the duress code still wipes the first.
    let s = Fixture::with_corpus();
    let victim = s.root().join("victim");
    fs::create_dir(&victim).unwrap();
    fs::write(victim.join("keep.txt"), b"not crossing's").unwrap();
    let link = s.root().join("link");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    s.crossing(init_args(&link, &s.store_url(), &["--name", "linked"]))
        .expect(0, "init of the linked profile");
    s.cmd()
        .args(["duress", "set", "--stdin"])
        .write_stdin(format!("{PIN}\n{PIN}\n{DURESS}\n{DURESS}\n"))
        .assert()
        .code(9); // refused now, as a configured directory it cannot wipe
    fs::remove_file(&link).unwrap();
    set_gate(&s, &[]);
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    corrupt(&s.home.join("state.db"));
    unlock(&s, DURESS).code(42);
    assert!(!s.data.exists());
    assert_eq!(
        fs::read(victim.join("keep.txt")).unwrap(),
        b"not crossing's"
    );
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}
