//! The recovery phrase at a terminal (issue 13): a new one shown as a grid
//! and two of its words confirmed; a typed one forgiving a mistyped word.

mod kit;

use std::collections::HashMap;

use expectrl::{Expect, Regex};
use kit::*;

/// The numbered words of a grid in `text` ("  1. abandon   2. ability").
fn grid_words(text: &[u8]) -> HashMap<usize, String> {
    let text = String::from_utf8_lossy(text);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens
        .windows(2)
        .filter_map(|w| {
            let n = w[0].strip_suffix('.')?.parse::<usize>().ok()?;
            Some((n, w[1].to_string()))
        })
        .collect()
}

/// Answers the two "Word N?" questions: first wrongly (`miss`), then right.
fn confirm_two(p: &mut expectrl::session::OsSession, words: &HashMap<usize, String>, miss: bool) {
    for _ in 0..2 {
        let asked = p.expect(Regex(r"Word (\d+)\? ")).unwrap();
        let n: usize = String::from_utf8_lossy(asked.get(1).unwrap())
            .parse()
            .unwrap();
        if miss {
            p.send_line("notaword").unwrap();
            p.expect("That is not word").unwrap();
            p.expect(format!("Word {n}? ")).unwrap();
        }
        p.send_line(&words[&n]).unwrap();
    }
    p.expect("Both words match").unwrap();
}

fn names(home: &std::path::Path) -> Vec<String> {
    run(Some(home), ["pseudonym", "list", "--json"])
        .expect(0, "pseudonym list")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pseudonym"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_phrase_is_a_grid_whose_words_are_confirmed_on_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");

    let mut p = pty(&home, &["pseudonym", "new", "--name", "me"]);
    let shown = p.expect("To check your written copy").unwrap();
    let words = grid_words(shown.before());
    assert_eq!(words.len(), 12, "a numbered grid of 12 words");
    // A wrong word is asked again; the right ones pass.
    confirm_two(&mut p, &words, true);
    assert_eq!(pty_exit(&mut p), 0);
    assert_eq!(names(&home), ["me"]);

    // Never confirmed: the pseudonym goes again (exit 4).
    let mut p = pty(&home, &["pseudonym", "new", "--name", "lost"]);
    for _ in 0..5 {
        p.expect(Regex(r"Word \d+\? ")).unwrap();
        p.send_line("notaword").unwrap();
    }
    p.expect("was removed again").unwrap();
    assert_eq!(pty_exit(&mut p), 4);
    assert_eq!(names(&home), ["me"]);

    // --no-confirm (or CROSSING_NO_CONFIRM) asks nothing.
    let mut p = pty(
        &home,
        &["pseudonym", "new", "--name", "script", "--no-confirm"],
    );
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut p, &mut rest);
    assert!(rest.contains("12. ") && !rest.contains("Word "), "{rest}");
    assert_eq!(pty_exit(&mut p), 0);
}

#[test]
fn a_first_backup_on_a_terminal_shows_the_grid_and_confirms_it() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("notes.txt"), b"hello").unwrap();
    let store = format!("file://{}/store", tmp.path().display());
    let data_arg = data.to_str().unwrap();
    // Never confirmed: neither profile nor pseudonym stays, nothing is backed up.
    let mut p = pty(
        &home,
        &["backup", "--data-dir", data_arg, "--store", &store],
    );
    for _ in 0..5 {
        p.expect(Regex(r"Word \d+\? ")).unwrap();
        p.send_line("notaword").unwrap();
    }
    p.expect("were removed again").unwrap();
    assert_eq!(pty_exit(&mut p), 4);
    assert!(names(&home).is_empty());
    let profiles = run(Some(&home), ["profile", "list", "--json"]).json();
    assert_eq!(profiles.as_array().map(Vec::len), Some(0), "{profiles}");

    let mut p = pty(
        &home,
        &["backup", "--data-dir", data_arg, "--store", &store],
    );
    let shown = p.expect("To check your written copy").unwrap();
    let words = grid_words(shown.before());
    assert_eq!(
        words.len(),
        12,
        "{}",
        String::from_utf8_lossy(shown.before())
    );
    confirm_two(&mut p, &words, false);
    assert_eq!(pty_exit(&mut p), 0);
    // The phrase shown is the pseudonym's.
    let phrase: Vec<&str> = (1..=12).map(|n| words[&n].as_str()).collect();
    let id = id_of(&phrase.join(" "));
    let listed = run(Some(&home), ["pseudonym", "list", "--json"]).json();
    assert_eq!(listed[0]["id"].as_str(), Some(id.as_str()));
}

#[test]
fn a_mistyped_word_is_asked_again_alone_with_the_nearest_list_words() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let mut p = pty(&home, &["pseudonym", "import", "--name", "typed"]);
    p.expect("Recovery phrase").unwrap();
    p.send_line(ABANDON.replacen("abandon abandon abandon", "abandon abandon abandn", 1))
        .unwrap();
    p.expect("Word 3 is not in the BIP-39 word list; nearest list words: abandon")
        .unwrap();
    p.expect("Word 3 from your written copy").unwrap();
    p.send_line("abandon").unwrap();
    p.expect("Imported pseudonym \"typed\"").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    let listed = run(Some(&home), ["pseudonym", "list", "--json"]).json();
    assert_eq!(listed[0]["id"].as_str(), Some(id_of(ABANDON).as_str()));
}

#[test]
fn a_bad_checksum_asks_for_the_whole_phrase_a_few_times() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let bad = ABANDON.replace("about", "abandon");

    // Wrong, then right: imported.
    let mut p = pty(&home, &["pseudonym", "import", "--name", "second"]);
    p.expect("Recovery phrase").unwrap();
    p.send_line(&bad).unwrap();
    p.expect("checksum does not match").unwrap();
    p.expect("Attempt 2 of 3").unwrap();
    p.send_line(ABANDON).unwrap();
    p.expect("Imported pseudonym").unwrap();
    assert_eq!(pty_exit(&mut p), 0);

    // Wrong three times: exit 4, nothing imported.
    let mut p = pty(&home, &["pseudonym", "import", "--name", "never"]);
    for _ in 0..3 {
        p.expect("Recovery phrase").unwrap();
        p.send_line(&bad).unwrap();
    }
    p.expect("gave up after 3 attempts").unwrap();
    assert_eq!(pty_exit(&mut p), 4);
    assert_eq!(names(&home), ["second"]);

    // A phrase file still fails at once, without a prompt.
    let file = tmp.path().join("phrase");
    std::fs::write(&file, ABANDON.replace("about", "abuot")).unwrap();
    let args: [&std::ffi::OsStr; 4] = [
        "pseudonym".as_ref(),
        "import".as_ref(),
        "--phrase-file".as_ref(),
        file.as_os_str(),
    ];
    let out = run(Some(&home), args).expect(4, "a mistyped phrase file");
    assert!(out.stderr.contains("word 12"), "{}", out.stderr);
}

/// A device that backed up the corpus, and the arguments of a restore of
/// it into `new-data` of a new device's home `new-home`.
fn backed_up() -> (Fixture, std::path::PathBuf, Vec<std::ffi::OsString>, u64) {
    let fx = Fixture::with_corpus();
    // 1 MiB that does not compress, so that what is stored is measurable.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(fx.data.join("noise.bin"), noise).unwrap();
    let first = fx.crossing(["backup", "--json"]).expect(0, "backup").json();
    let stored = first["bytes_stored"].as_u64().unwrap();
    let new_home = fx.root().join("new-home");
    let args = restore_args(
        &fx.store_url(),
        &fx.root().join("new-data"),
        &fx.phrase_file,
    );
    (fx, new_home, args, stored)
}

// Issue 13, item 4: after a restore on a new device, backups go on from there.
#[test]
fn a_restore_with_adopt_makes_the_next_backup_store_almost_nothing() {
    let (fx, new_home, mut args, first_stored) = backed_up();
    args.extend(["--adopt".into(), "--json".into()]);
    let restored = run(Some(&new_home), args)
        .expect(0, "restore --adopt")
        .json();
    assert_eq!(restored["adopted"]["profile"], "default", "{restored:#}");
    let profile = run(Some(&new_home), ["profile", "show", "default", "--json"])
        .expect(0, "profile show")
        .json();
    assert_eq!(
        profile["data_dir"].as_str(),
        fx.root().join("new-data").to_str()
    );
    let next = run(Some(&new_home), ["backup", "--json"])
        .expect(0, "backup on the new device")
        .json();
    let stored = next["bytes_stored"].as_u64().unwrap();
    // Nothing read again, no chunk stored again: a manifest's worth.
    assert_eq!(
        (next["files_read"].as_u64(), next["new_chunks"].as_u64()),
        (Some(0), Some(0)),
        "{next:#}"
    );
    assert!(
        stored * 100 < first_stored,
        "the backup after the restore stored {stored} bytes, the first {first_stored}: {next:#}"
    );
}

#[test]
fn a_restore_offers_adoption_on_a_terminal_only() {
    let (fx, new_home, args, _) = backed_up();
    // Without a terminal and without --adopt: nothing is made.
    run(Some(&new_home), &args).expect(0, "restore");
    assert!(
        !new_home.join("state.db").exists(),
        "a plain restore made state"
    );

    // On a terminal: offered, and made on "y".
    let mut args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.push("--force".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut p = pty(&new_home, &args);
    p.expect("This device does not back up").unwrap();
    p.expect("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.expect("as profile \"default\"").unwrap();
    assert_eq!(pty_exit(&mut p), 0);
    let profiles = run(Some(&new_home), ["profile", "list", "--json"]).json();
    assert_eq!(profiles.as_array().unwrap().len(), 1, "{profiles:#}");

    // Once adopted, nothing is offered: not for the same directory, nor for
    // another one (a look at an old snapshot beside the profile).
    let elsewhere = fx.root().join("elsewhere");
    let mut other = args.clone();
    let at = other.iter().position(|a| *a == "--data-dir").unwrap() + 1;
    other[at] = elsewhere.to_str().unwrap();
    for args in [&args, &other] {
        let mut p = pty(&new_home, args);
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut p, &mut rest);
        assert!(!rest.contains("[y/N]"), "{rest}");
        assert_eq!(pty_exit(&mut p), 0);
    }
    assert!(elsewhere.join("notes.txt").exists());
}
