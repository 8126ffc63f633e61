//! `crossing depart` through the real binary.

mod kit;

use std::path::Path;

use expectrl::Expect;
use kit::*;
use predicates::prelude::*;

/// Names and contents (size, BLAKE3) of the regular files, without the
/// SQLite companions (the backup opens `db.sqlite` as a live database, which
/// rewrites its `-shm`).
fn tree(dir: &Path) -> Vec<(Vec<u8>, Node)> {
    scan(dir)
        .into_iter()
        .filter(|(rel, m)| matches!(m.node, Node::File { .. }) && !rel.starts_with(b"db.sqlite"))
        .map(|(rel, m)| (rel, m.node))
        .collect()
}

#[test]
fn depart_backs_up_verifies_then_wipes_and_the_phrase_restores_everything() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    let out = s
        .cmd()
        .args(["depart", "--yes", "--allow-same-disk", "--json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Store address"), "{stderr}");
    assert!(stderr.contains(&s.store_url()));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let leg = &v["profiles"][0];
    assert_eq!(leg["verified"]["problems"].as_array().unwrap().len(), 0);
    assert!(leg["verified"]["packs"].as_u64().unwrap() >= 1);
    assert_eq!(v["home_wiped"], true);
    assert!(!s.data.exists() && !s.home.exists());

    crossing(&s.home)
        .args(restore_args(&s.store_url(), &s.data, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(tree(&s.data), before);
}

#[test]
fn depart_refuses_to_wipe_when_the_store_is_down() {
    let s = Fixture::with_corpus();
    // A store whose folder cannot exist (its parent is a regular file) is
    // refused when the profile is made (issue 11: the drive is not there).
    let blocked = s.root().join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let url = format!("file://{}/store", blocked.display());
    s.cmd()
        .args(["init", "--name", "blocked", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is the drive mounted?"));
    // A drive that was there at init and is gone (unmounted) at depart.
    let usb = s.root().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let url = format!("file://{}/crossing", usb.display());
    s.cmd()
        .args(["init", "--name", "away", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .success();
    std::fs::remove_dir_all(&usb).unwrap();
    s.cmd()
        .args(["depart", "--profile", "away", "--yes", "--allow-same-disk"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("failed, so nothing was wiped")
                .and(predicate::str::contains("is the drive mounted?")),
        );
    assert!(
        !usb.exists(),
        "the unmounted drive's folder was created on the internal disk"
    );
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());
}

#[test]
fn depart_refuses_to_wipe_when_the_store_lost_or_damaged_an_object() {
    let s = Fixture::with_corpus();
    s.cmd().args(["backup"]).assert().success();
    // A pack of the first backup is damaged in the store (same size); the
    // depart snapshot reuses its chunks, so verification must catch it.
    let pack = files(&s.store)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/data/"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&pack, &bytes).unwrap();
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .code(6)
        .stderr(
            predicate::str::contains("checksum").and(predicate::str::contains("nothing was wiped")),
        );
    assert!(s.data.join("notes.txt").exists() && s.home.join("state.db").exists());

    // A missing pack is noticed by the backup itself, which uploads that
    // data again: the new snapshot is complete, so depart may wipe, and the
    // data comes back from the store.
    std::fs::remove_file(&pack).unwrap();
    let before = std::fs::read(s.data.join("notes.txt")).unwrap();
    s.cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no longer in"));
    assert!(!s.data.exists());
    let fresh = s.root().join("fresh-home");
    let back = s.root().join("back");
    crossing(&fresh)
        .args(restore_args(&s.store_url(), &back, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(std::fs::read(back.join("notes.txt")).unwrap(), before);
}

#[test]
fn depart_asks_on_a_terminal_and_needs_yes_without_one() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["depart"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("--yes"));
    assert!(!s.repo_dir().exists(), "nothing was even backed up");
    let mut p = pty(&s.home, &["depart", "--allow-same-disk"]);
    p.expect("verified").unwrap();
    p.expect("Destroy").unwrap();
    p.send_line("n").unwrap();
    assert_eq!(pty_exit(&mut p), 9);
    assert!(s.data.join("notes.txt").exists());
    let mut p = pty(&s.home, &["depart", "--allow-same-disk"]);
    p.expect("Destroy").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    assert!(!s.data.exists());
}

// Issue 11: depart never strands the data.
#[test]
fn depart_refuses_a_store_on_the_same_disk_or_inside_the_data() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    s.cmd().args(["depart", "--yes"]).assert().code(9).stderr(
        predicate::str::contains("same filesystem")
            .and(predicate::str::contains("nothing was wiped")),
    );
    assert_eq!(tree(&s.data), before);
    assert!(s.home.join("state.db").exists());
    // A store inside the data directory (or the home) is refused when the
    // profile is made: each backup would hold the store, the wipe destroy it.
    for inside in [s.data.join("store"), s.home.join("store")] {
        s.cmd()
            .args(["init", "--name", "inside", "--data-dir"])
            .arg(&s.data)
            .args(["--store", &format!("file://{}", inside.display())])
            .assert()
            .code(9)
            .stderr(predicate::str::contains("overlaps"));
        assert!(!inside.exists());
    }
}

#[test]
fn a_backup_never_recreates_the_folder_of_an_unmounted_drive() {
    let s = Fixture::with_corpus();
    let usb = s.root().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let url = format!("file://{}/crossing", usb.display());
    s.cmd()
        .args(["init", "--name", "usb", "--data-dir"])
        .arg(&s.data)
        .args(["--store", &url])
        .assert()
        .success();
    assert!(usb.join("crossing").is_dir(), "init makes the store folder");
    std::fs::remove_dir_all(&usb).unwrap();
    s.cmd()
        .args(["backup", "--profile", "usb"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is the drive mounted?"));
    assert!(!usb.exists(), "backup created the unmounted drive's folder");
}

/// A second profile: its own data directory (a copy of the corpus, with a
/// file of its own) and its own folder store.
fn second_profile(s: &Fixture) -> (std::path::PathBuf, String) {
    let data = s.root().join("work");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("work-notes.txt"), "the work profile's notes").unwrap();
    let url = format!("file://{}/work-store", s.root().display());
    s.cmd()
        .args(["init", "--name", "work", "--data-dir"])
        .arg(&data)
        .args(["--store", &url])
        .assert()
        .success();
    (data, url)
}

// Issue 11: with several profiles, depart backs up, verifies and wipes every
// one of them and the home; its last line names all of it.
#[test]
fn depart_takes_every_profile_and_says_what_is_gone() {
    let s = Fixture::with_corpus();
    let (work, work_url) = second_profile(&s);
    let out = s
        .cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        !s.data.exists() && !work.exists() && !s.home.exists(),
        "{stdout}"
    );
    for needle in [
        s.data.to_str().unwrap(),
        work.to_str().unwrap(),
        s.home.to_str().unwrap(),
        "crossing itself stays installed",
    ] {
        assert!(last.contains(needle), "last line {last:?} lacks {needle:?}");
    }
    // Each profile's data comes back from its own store.
    let back = s.root().join("back");
    crossing(&s.root().join("h2"))
        .args(restore_args(&work_url, &back, Path::new("-")))
        .write_stdin(ABANDON)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(back.join("work-notes.txt")).unwrap(),
        "the work profile's notes"
    );
}

// Issue 11: `depart --profile P` wipes P's data directory only, forgets P,
// keeps the home and the other profiles, and says so.
#[test]
fn depart_with_one_profile_keeps_the_home_and_the_others() {
    let s = Fixture::with_corpus();
    let before = tree(&s.data);
    let (work, _) = second_profile(&s);
    let out = s
        .cmd()
        .args([
            "depart",
            "--profile",
            "work",
            "--yes",
            "--allow-same-disk",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["home_wiped"], false, "{v}");
    assert_eq!(
        v["remaining_profiles"],
        serde_json::json!(["default"]),
        "{v}"
    );
    assert!(!work.exists(), "the departed profile's data is still here");
    assert_eq!(tree(&s.data), before, "another profile's data was touched");
    assert!(s.home.join("state.db").exists());
    // The home forgot the departed profile, and names none of its paths.
    let list = s
        .cmd()
        .args(["profile", "list"])
        .assert()
        .success()
        .get_output()
        .clone();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains("default") && !list.contains("work"), "{list}");
    let db = std::fs::read(s.home.join("state.db")).unwrap();
    assert!(
        !db.windows(b"work-notes".len()).any(|w| w == b"work-notes"),
        "the state still names a file of the departed profile"
    );
    let human = s
        .cmd()
        .args(["depart", "--yes", "--allow-same-disk"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .contains("crossing itself stays installed"),
        "{stdout}"
    );
}

// Issue 11: `depart --vanish` also removes the crontab lines that run
// crossing, the man pages and completions it installed, and its binary.
#[test]
fn depart_vanish_leaves_no_sign_of_crossing() {
    let s = Fixture::with_corpus();
    let prefix = s.root().join("prefix");
    let user = s.root().join("user");
    let put = |path: std::path::PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let exe = prefix.join("bin/crossing");
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    std::fs::copy(bin(), &exe).unwrap();
    let ours = [
        prefix.join("share/man/man1/crossing.1"),
        prefix.join("share/man/man1/crossing-depart.1"),
        prefix.join("share/bash-completion/completions/crossing"),
        prefix.join("share/zsh/site-functions/_crossing"),
        prefix.join("share/fish/vendor_completions.d/crossing.fish"),
        user.join(".local/share/man/man1/crossing-backup.1"),
    ];
    for p in &ours {
        put(p.clone(), "crossing");
    }
    let theirs = prefix.join("share/man/man1/rsync.1");
    put(theirs.clone(), "rsync");
    put(user.join(".bash_history"), "crossing backup\nls\n");
    let crontab = s.root().join("crontab");
    std::fs::write(
        &crontab,
        format!(
            "MAILTO=\"\"\n# crossing\n0 * * * * {} backup --quiet\n30 3 * * * rsync -a ~/crossings /mnt\n*/10 * * * * crossing deadman check; crossing remote-wipe check\n",
            exe.display()
        ),
    )
    .unwrap();

    let mut cmd = std::process::Command::new(&exe);
    scrub(&mut cmd);
    cmd.env("HOME", &user)
        .arg("--home")
        .arg(&s.home)
        .args([
            "depart",
            "--yes",
            "--allow-same-disk",
            "--vanish",
            "--crontab",
        ])
        .arg(&crontab);
    let out = asserted(cmd).assert().success().get_output().clone();
    let stdout = String::from_utf8_lossy(&out.stdout);

    assert!(!s.data.exists() && !s.home.exists(), "{stdout}");
    assert!(!exe.exists(), "the binary is still installed");
    for p in &ours {
        assert!(!p.exists(), "{} is still there", p.display());
    }
    assert!(theirs.exists(), "another program's man page was removed");
    let left = std::fs::read_to_string(&crontab).unwrap();
    assert!(!left.contains("crossing "), "{left}");
    assert_eq!(left, "MAILTO=\"\"\n30 3 * * * rsync -a ~/crossings /mnt\n");
    // The shell history is the user's: named, not edited.
    assert!(stdout.contains(&format!(
        "still names crossing (yours to edit): {}",
        user.join(".bash_history").display()
    )));
    assert_eq!(
        std::fs::read_to_string(user.join(".bash_history")).unwrap(),
        "crossing backup\nls\n"
    );
}
