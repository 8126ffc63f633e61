//! `crossing snapshots` as a person reads it: a header line, when a
//! snapshot expires, which snapshots are partial, and counts with the right
//! plural ("1 file", "2 snapshots").

mod kit;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use kit::Fixture;

#[test]
fn snapshots_show_a_header_expiry_partial_markers_and_plurals() {
    // root reads anything: crossing runs as "nobody" there, so that a
    // closed file is really unreadable.
    let user = (unsafe { libc::geteuid() } == 0).then_some((65534, 65534));
    let fx = Fixture::with_user(user);
    fs::write(fx.data.join("one.txt"), b"one").unwrap();
    fx.backup_ok();
    // An unreadable file is skipped: the next backup is partial (exit 3).
    let closed = fx.data.join("closed.txt");
    fs::write(&closed, b"never read").unwrap();
    fs::set_permissions(&closed, fs::Permissions::from_mode(0o000)).unwrap();
    let (out, summary) = fx.backup(&["--expire-after", "7d"]);
    out.expect(3, "a backup that skips an unreadable file");
    let partial = summary["snapshot"].as_str().unwrap()[..12].to_string();

    let out = fx.crossing(["snapshots"]).expect(0, "snapshots");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("SNAPSHOT")
            && lines[0].contains("TIME")
            && lines[0].contains("STORED"),
        "no header line: {}",
        out.stdout
    );
    assert_eq!(lines.len(), 4, "header, two rows, a total: {}", out.stdout);
    let (first, second) = (lines[1], lines[2]);
    assert!(first.contains("1 file,"), "{first}");
    assert!(
        !first.contains("expires") && !first.contains("PARTIAL"),
        "{first}"
    );
    assert!(second.starts_with(&partial), "{second}");
    assert!(second.contains("expires "), "{second}");
    assert!(second.contains("PARTIAL: 1 path skipped"), "{second}");
    assert!(
        lines[3].starts_with("2 snapshots, 1 expiring, 1 partial"),
        "{}",
        lines[3]
    );
    // The same with the phrase (contents read from the store).
    let mut with_phrase: Vec<std::ffi::OsString> = vec!["snapshots".into(), "--phrase-file".into()];
    with_phrase.push(fx.phrase_file.clone().into());
    let read = fx
        .crossing(with_phrase)
        .expect(0, "snapshots with the phrase");
    assert!(
        read.stdout.contains("PARTIAL: 1 path skipped"),
        "{}",
        read.stdout
    );
    // JSON: the partial snapshot's count, 0 for the complete one.
    let json = fx
        .crossing(["snapshots", "--json"])
        .expect(0, "json")
        .json();
    let skipped: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["skipped"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, [0, 1], "{json:#}");
    // Prune and check count right too.
    let pruned = fx
        .crossing(["prune", "--dry-run", "--keep-last", "1"])
        .expect(0, "prune");
    assert!(
        pruned.stdout.contains("1 snapshot kept"),
        "{}",
        pruned.stdout
    );
    let checked = fx.crossing(["check"]).expect(0, "check");
    assert!(
        checked.stdout.contains("2 snapshots,"),
        "{}",
        checked.stdout
    );
}

#[test]
fn no_command_output_says_s_in_parentheses() {
    // "(s)" and "1 files" are what the ui::count helper is for.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if !code.starts_with("//") && line.contains("(s)") && line.contains('"') {
                        found.push(format!("{}:{}: {}", path.display(), i + 1, code));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "plural by \"(s)\": {found:#?}");
}
