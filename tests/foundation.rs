//! The foundation through the real binary: pseudonyms, profiles, state.

mod kit;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use kit::{contains, crossing, json, pty, pty_exit, ABANDON};
use predicates::prelude::*;

#[test]
fn pseudonym_lifecycle() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let created = json(crossing(h).args(["pseudonym", "new", "--name", "alice", "--json"]));
    let phrase = created["phrase"].as_str().unwrap();
    assert_eq!(phrase.split(' ').count(), 12);
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("05") && id.len() == 66);

    let long = json(crossing(h).args([
        "pseudonym",
        "new",
        "--name",
        "bob",
        "--words",
        "24",
        "--json",
    ]));
    assert_eq!(long["phrase"].as_str().unwrap().split(' ').count(), 24);

    // The human form shows the phrase once, with a warning, on a terminal only.
    let mut p = pty(h, &["pseudonym", "new", "--name", "carol", "--no-confirm"]);
    let mut shown = String::new();
    let _ = std::io::Read::read_to_string(&mut p, &mut shown);
    assert!(
        shown.contains("never shown again") && shown.contains("ID: 05"),
        "{shown}"
    );
    assert_eq!(pty_exit(&mut p), 0);
    // Into a pipe (a log, a cron mail) it is refused, and nothing is made.
    crossing(h)
        .args(["pseudonym", "new", "--name", "dave"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("not a terminal"));

    let list = json(crossing(h).args(["pseudonym", "list", "--json"]));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pseudonym"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol"]);

    // No secret in list/show output; the phrase is nowhere in the state.
    let listing = crossing(h)
        .args(["pseudonym", "list", "--json"])
        .output()
        .unwrap()
        .stdout;
    let shown = crossing(h)
        .args(["pseudonym", "show", "alice", "--json"])
        .output()
        .unwrap()
        .stdout;
    for out in [&listing, &shown] {
        let text = String::from_utf8_lossy(out);
        assert!(!text.contains(phrase));
        assert!(!text.contains("AGE-SECRET-KEY") && !text.contains("dedup"));
    }
    let db = std::fs::read(h.join("state.db")).unwrap();
    assert!(!contains(&db, phrase.as_bytes()));
    assert_eq!(
        json(crossing(h).args(["pseudonym", "show", "alice", "--json"]))["id"],
        id.as_str()
    );

    // Names are unique; unknown names are errors.
    crossing(h)
        .args(["pseudonym", "new", "--name", "alice", "--json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists already"));
    crossing(h)
        .args(["pseudonym", "show", "nobody"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no pseudonym named"));
    crossing(h)
        .args(["pseudonym", "remove", "bob"])
        .assert()
        .success();
    crossing(h)
        .args(["pseudonym", "remove", "bob"])
        .assert()
        .failure();
    assert_eq!(
        json(crossing(h).args(["pseudonym", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn import_checks_the_phrase_and_stores_nothing_on_error() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let bad_word = ABANDON.replacen("abandon", "abandonn", 1).replacen(
        "abandon abandon",
        "abandon abandom",
        1,
    );
    crossing(h)
        .args(["pseudonym", "import", "--phrase-file", "-"])
        .write_stdin(bad_word)
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains("word 1 is not in the BIP-39")
                .and(predicate::str::contains("abandonn").not()),
        );
    let bad_sum = ABANDON.replace("about", "abandon");
    crossing(h)
        .args(["pseudonym", "import", "--phrase-file", "-"])
        .write_stdin(bad_sum)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("checksum"));
    crossing(h)
        .args(["pseudonym", "import", "--phrase-file", "-"])
        .write_stdin("abandon about")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("2 words"));
    assert_eq!(
        json(crossing(h).args(["pseudonym", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // From a file, then the same phrase again is refused.
    let file = h.join("phrase.txt");
    std::fs::write(&file, format!("  {}\n", ABANDON.to_uppercase())).unwrap();
    crossing(h)
        .args(["pseudonym", "import", "--phrase-file"])
        .arg(&file)
        .assert()
        .success();
    crossing(h)
        .args(["pseudonym", "import", "--name", "again", "--phrase-file"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("already imported"));
}

#[test]
fn no_terminal_and_no_phrase_file_fails_at_once() {
    let home = tempfile::tempdir().unwrap();
    crossing(home.path())
        .args(["pseudonym", "import"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("not a terminal")
                .and(predicate::str::contains("--phrase-file")),
        );
}

#[test]
fn state_is_private() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().join("crossing-home");
    crossing(&h)
        .args(["pseudonym", "new", "--json"])
        .assert()
        .success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&h), 0o700);
    assert_eq!(mode(&h.join("state.db")), 0o600);
}

#[test]
fn corrupt_or_newer_state_is_reported_not_replaced() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    std::fs::write(
        h.join("state.db"),
        b"this is not a database, but somebody's file",
    )
    .unwrap();
    crossing(h)
        .args(["pseudonym", "list"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("corrupt"));
    assert_eq!(
        std::fs::read(h.join("state.db")).unwrap(),
        b"this is not a database, but somebody's file"
    );

    std::fs::remove_file(h.join("state.db")).unwrap();
    crossing(h).args(["pseudonym", "list"]).assert().success();
    let conn = rusqlite::Connection::open(h.join("state.db")).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    crossing(h)
        .args(["pseudonym", "list"])
        .assert()
        .code(8)
        .stderr(predicate::str::contains("newer crossing"));
}

#[test]
fn names_that_would_be_paths_are_refused() {
    let home = tempfile::tempdir().unwrap();
    for name in ["..", ".", ".hidden", "-flag", "a/b", ""] {
        crossing(home.path())
            .args(["pseudonym", "new", "--json", &format!("--name={name}")])
            .assert()
            .failure()
            .stderr(predicate::str::contains("invalid name"));
    }
}

#[test]
fn profiles() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().join("home");
    let data = home.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let store = format!("file://{}/store", home.path().display());

    // No pseudonym yet: init says how to make one.
    crossing(&h)
        .args(["init", "--data-dir"])
        .arg(&data)
        .args(["--store", &store])
        .assert()
        .failure()
        .stderr(predicate::str::contains("pseudonym new"));
    crossing(&h)
        .args(["pseudonym", "new", "--name", "me", "--json"])
        .assert()
        .success();
    crossing(&h)
        .args(["init", "--data-dir"])
        .arg(&data)
        .args(["--store", "ftp://example/x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown scheme \"ftp\""));
    for url in [
        store.as_str(),
        "s3://bucket/prefix",
        "gs://bucket",
        "az://container/p",
    ] {
        let name = url.split(':').next().unwrap();
        crossing(&h)
            .args(["init", "--name", name, "--data-dir"])
            .arg(&data)
            .args(["--store", url])
            .assert()
            .success();
    }
    let list = json(crossing(&h).args(["profile", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 4);
    let shown = json(crossing(&h).args(["profile", "show", "s3", "--json"]));
    assert_eq!(shown["store_url"], "s3://bucket/prefix");
    assert_eq!(shown["pseudonym"], "me");
    assert_eq!(shown["data_dir"], data.to_str().unwrap());
    crossing(&h)
        .args(["init", "--name", "s3", "--data-dir"])
        .arg(&data)
        .args(["--store", &store])
        .assert()
        .code(2);
    // A pseudonym in use cannot be removed.
    crossing(&h)
        .args(["pseudonym", "remove", "me"])
        .assert()
        .code(9)
        .stderr(predicate::str::contains("used by profile"));
    crossing(&h)
        .args(["profile", "remove", "s3"])
        .assert()
        .success();
    crossing(&h)
        .args(["profile", "show", "s3"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no profile named"));

    // --client fills in the client's usual directory.
    let fake_home = home.path().join("user");
    let shown = json(
        crossing(&h)
            .env("HOME", &fake_home)
            .env("XDG_CONFIG_HOME", fake_home.join(".config"))
            .args([
                "init", "--name", "sess", "--client", "session", "--store", &store, "--json",
            ]),
    );
    assert!(
        shown["data_dir"]
            .as_str()
            .unwrap()
            .ends_with(".config/Session"),
        "{shown}"
    );
}

#[test]
fn every_visible_command_has_help() {
    let home = tempfile::tempdir().unwrap();
    let help = crossing(home.path()).arg("--help").output().unwrap().stdout;
    let help = String::from_utf8(help).unwrap();
    assert!(help.contains("EXIT CODES"));
    assert!(!help.contains("generate-assets"));
    assert!(!help.contains("tidy"));
    for cmd in [
        "pseudonym",
        "init",
        "profile",
        "backup",
        "restore",
        "snapshots",
        "check",
        "prune",
        "wipe",
        "depart",
        "duress",
        "unlock",
        "deadman",
        "checkin",
        "remote-wipe",
    ] {
        assert!(help.contains(cmd), "{cmd} missing from --help");
        crossing(home.path())
            .args([cmd, "--help"])
            .assert()
            .success();
    }
}

#[test]
fn restore_without_a_store_or_a_target_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let target = home.path().join("t");
    crossing(home.path())
        .args(["restore", "--data-dir"])
        .arg(&target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--store URL"));
    crossing(home.path())
        .args(["restore", "--store", "file:///nonexistent"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--data-dir DIR"));
    assert!(!target.exists());
}

#[test]
fn a_refused_first_backup_makes_no_pseudonym_whose_phrase_nobody_saw() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let not_a_dir = h.join("file");
    std::fs::write(&not_a_dir, b"x").unwrap();
    let store = format!("file://{}", h.join("store").display());
    for data_dir in [
        not_a_dir.as_path(),
        h.join("state-overlap").parent().unwrap(),
    ] {
        crossing(h)
            .args(["backup", "--data-dir"])
            .arg(data_dir)
            .args(["--store", &store])
            .assert()
            .failure()
            .stderr(predicate::str::contains("RECOVERY PHRASE").not());
    }
    let list = json(crossing(h).args(["pseudonym", "list", "--json"]));
    assert_eq!(
        list,
        serde_json::json!([]),
        "a pseudonym was recorded: {list}"
    );
}

// Issue 11: the phrase is shown only on a terminal.
#[test]
fn a_first_backup_without_a_terminal_makes_no_pseudonym_and_shows_no_phrase() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let data = h.join("notes");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.txt"), b"hello").unwrap();
    let out = crossing(h)
        .args(["backup", "--data-dir"])
        .arg(&data)
        .args(["--store", &format!("file://{}", h.join("store").display())])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("crossing pseudonym new"))
        .get_output()
        .clone();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("RECOVERY PHRASE"));
    let list = json(crossing(h).args(["pseudonym", "list", "--json"]));
    assert_eq!(list, serde_json::json!([]));
}
