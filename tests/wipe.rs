//! `crossing wipe` through the real binary.

mod kit;

use expectrl::Expect;
use kit::*;
use predicates::prelude::*;

#[test]
fn without_a_terminal_it_needs_yes_and_dry_run_changes_nothing() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["wipe"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("--yes"));
    let plan = json(s.cmd().args(["wipe", "--dry-run", "--json"]));
    assert_eq!(plan["dry_run"], true);
    let targets = plan["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(targets[0]["path"], s.data.to_str().unwrap());
    assert_eq!(targets[0]["files"], 6);
    assert_eq!(targets[1]["path"], s.home.to_str().unwrap());
    s.cmd()
        .args(["wipe", "--dry-run"])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing was changed"));
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());
}

#[test]
fn wipe_destroys_data_and_home_but_nothing_else() {
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    let outside = s.root().join("outside.txt");
    std::fs::write(&outside, "keep me").unwrap();
    std::os::unix::fs::symlink(&outside, s.data.join("sub/link-to-outside")).unwrap();
    let readonly = s.data.join("readonly.txt");
    std::fs::write(&readonly, "read only").unwrap();
    std::fs::set_permissions(
        &readonly,
        std::os::unix::fs::PermissionsExt::from_mode(0o400),
    )
    .unwrap();
    let store_before = files_with_contents(&s.store);

    let out = json(s.cmd().args(["wipe", "--yes", "--json"]));
    assert_eq!(
        out["report"]["failed"].as_array().unwrap().len(),
        0,
        "{out}"
    );
    assert_eq!(
        out["report"]["files_destroyed"].as_u64().unwrap(),
        7 + out["targets"][1]["files"].as_u64().unwrap()
    );
    assert!(!s.data.exists() && !s.home.exists());
    // Only the store and the file outside remain next to them, untouched.
    assert_eq!(names_in(s.root()), ["outside.txt", "store"]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    assert_eq!(files_with_contents(&s.store), store_before);
    // A second wipe has nothing to work on, and says so.
    s.cmd()
        .args(["wipe", "--yes"])
        .assert()
        .code(2) // nothing configured: no profile, a usage error
        .stderr(predicate::str::contains("no crossing state"));
}

#[test]
fn keep_state_all_profiles_and_the_terminal_confirmation() {
    let s = Fixture::with_corpus();
    let other = s.root().join("other");
    write_corpus(&other);
    s.cmd()
        .args(["init", "--name", "second", "--data-dir"])
        .arg(&other)
        .args(["--store", &s.store_url()])
        .assert()
        .success();

    // On a terminal: "n" destroys nothing.
    let mut p = pty(&s.home, &["wipe", "--all", "--keep-state"]);
    p.expect("Destroy 12 files").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(pty_exit(&mut p), 9);
    assert!(s.data.join("notes.txt").exists() && other.join("notes.txt").exists());

    let mut p = pty(&s.home, &["wipe", "--all", "--keep-state"]);
    p.expect("Will destroy").unwrap();
    p.expect("cannot be undone").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    assert!(!s.data.exists() && !other.exists());
    // The state is kept: the profiles are still configured.
    let profiles = json(s.cmd().args(["profile", "list", "--json"]));
    assert_eq!(profiles.as_array().unwrap().len(), 2);
}

#[test]
fn guard_rails_refuse_a_home_directory_and_symlinks() {
    let s = Fixture::with_corpus();
    // A profile whose data directory is the user's home directory.
    s.cmd()
        .env("HOME", &s.data)
        .args(["wipe", "--yes"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("home directory"));
    // A data directory that is a symlink is never followed.
    let real = s.root().join("real");
    std::fs::rename(&s.data, &real).unwrap();
    std::os::unix::fs::symlink(&real, &s.data).unwrap();
    s.cmd()
        .args(["wipe", "--yes"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("symbolic link"));
    assert!(real.join("notes.txt").exists() && s.home.join("state.db").exists());
}

#[test]
fn what_cannot_be_destroyed_is_reported_and_the_exit_code_says_so() {
    let s = Fixture::with_corpus();
    // An immutable file (ext4/xfs attribute, root only): the wipe goes on past it.
    let stuck = s.data.join("sub/stuck.txt");
    std::fs::write(&stuck, "immutable").unwrap();
    let chattr = std::process::Command::new("chattr")
        .arg("+i")
        .arg(&stuck)
        .status();
    if !matches!(chattr, Ok(st) if st.success()) {
        eprintln!("SKIPPED: cannot make a file immutable here (chattr +i needs root on ext4/xfs)");
        return;
    }
    let (out, failed) = s.wipe_leaving_some();
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(&stuck)
        .status();
    assert!(stuck.exists(), "the reported path leads to what is left");
    assert!(
        failed.iter().any(|f| f.ends_with("stuck.txt")),
        "{failed:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be destroyed"));
    // Everything else is gone; the directories that hold what is left keep their names.
    assert!(
        !s.data.join("notes.txt").exists()
            && !s.data.join("sub/deeper").exists()
            && !s.home.exists()
    );
    assert!(stuck.exists());
}

// A hard link in the data directory to a file outside it (planted to steer
// the wipe) is unlinked, never overwritten: the file outside keeps its
// data. Two links inside the tree: the data goes through the last one.
#[test]
fn a_hard_link_to_a_file_outside_is_unlinked_not_overwritten() {
    let s = Fixture::with_corpus();
    let outside = s.root().join("outside.txt");
    std::fs::write(&outside, "keep me, I am not the client's").unwrap();
    std::fs::hard_link(&outside, s.data.join("sub/planted")).unwrap();
    std::fs::write(s.data.join("twice"), "the client's, twice").unwrap();
    std::fs::hard_link(s.data.join("twice"), s.data.join("sub/twice-again")).unwrap();
    let out = json(s.cmd().args(["wipe", "--yes", "--json"]));
    assert_eq!(out["report"]["failed"], serde_json::json!([]), "{out}");
    assert!(!s.data.exists());
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "keep me, I am not the client's"
    );
}
