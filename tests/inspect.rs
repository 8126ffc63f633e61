//! `ls`, `diff`, `forget` and `stats` through the binary: what a snapshot
//! holds, what changed, forgetting as prune forgets, and sizes that match
//! the store.

mod kit;

use std::fs;
use std::path::Path;

use kit::{random_bytes, set_mtime, Fixture, Out};
use serde_json::Value;

/// `crossing WORDS… --phrase-file <phrase>`.
fn with_phrase(fx: &Fixture, words: &[&str], phrase: &Path) -> Out {
    let mut args: Vec<&std::ffi::OsStr> = words.iter().map(|w| w.as_ref()).collect();
    args.push("--phrase-file".as_ref());
    args.push(phrase.as_os_str());
    fx.crossing(args)
}

fn paths(json: &Value, field: &str) -> Vec<String> {
    json[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} in {json:#}"))
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ls_lists_exactly_the_tree_in_walk_order_and_a_path_below() {
    let fx = Fixture::new();
    fs::write(fx.data.join("a.txt"), b"alpha").unwrap();
    fs::write(fx.data.join("a-b"), b"dash").unwrap();
    fs::create_dir_all(fx.data.join("a/deep")).unwrap();
    fs::write(fx.data.join("a/x"), random_bytes(1, 70_000)).unwrap();
    fs::write(fx.data.join("a/deep/y"), b"why").unwrap();
    std::os::unix::fs::symlink("a.txt", fx.data.join("link")).unwrap();
    let snap = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    // A forged manifest dated later is not what "latest" lists.
    fx.forge_snapshot(vec![kit::forged_entry(
        b"forged",
        crossing::repo::format::Kind::Dir,
        0o755,
        b"",
    )]);

    let phrase = fx.phrase_file.as_path();
    let json = with_phrase(&fx, &["ls", "--json"], phrase)
        .expect(0, "ls")
        .json();
    assert_eq!(json["snapshot"], snap.as_str(), "{json:#}");
    let entries = json["entries"].as_array().unwrap();
    let listed: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    // Walk order: a directory before its contents, names compared one by one.
    assert_eq!(
        listed,
        [".", "a", "a/deep", "a/deep/y", "a/x", "a-b", "a.txt", "link"],
        "{json:#}"
    );
    let x = entries.iter().find(|e| e["path"] == "a/x").unwrap();
    assert_eq!(x["kind"], "file");
    assert_eq!(x["bytes"], 70_000);
    let meta = fs::metadata(fx.data.join("a/x")).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(x["modified_at"], meta.mtime(), "{x:#}");
    assert_eq!(x["mode"], meta.mode() & 0o7777);
    let link = entries.iter().find(|e| e["path"] == "link").unwrap();
    assert_eq!(
        (&link["kind"], &link["target"]),
        (&"symlink".into(), &"a.txt".into())
    );

    // A path limits the listing to it and below ("a-b" is beside "a").
    let prefix = &snap[..10];
    let below = with_phrase(&fx, &["ls", prefix, "a/", "--json"], phrase)
        .expect(0, "ls a/")
        .json();
    let listed: Vec<&str> = below["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["a", "a/deep", "a/deep/y", "a/x"], "{below:#}");

    // Text: one line per entry, mode, size, path.
    let text = with_phrase(&fx, &["ls", "latest", "a"], phrase).expect(0, "ls text");
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", text.stdout);
    assert!(
        lines[0].starts_with('d') && lines[0].ends_with(" a"),
        "{}",
        lines[0]
    );
    assert!(
        lines[3].starts_with("-rw") && lines[3].contains(" 70000 ") && lines[3].ends_with(" a/x"),
        "{}",
        lines[3]
    );
    let missing = with_phrase(&fx, &["ls", "latest", "nowhere"], phrase);
    assert_eq!(missing.code, 11, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("no path \"nowhere\""),
        "{}",
        missing.stderr
    );
}

#[test]
fn diff_reports_exactly_the_added_removed_and_changed_paths() {
    let fx = Fixture::new();
    fs::write(fx.data.join("keep.txt"), b"same").unwrap();
    fs::write(fx.data.join("gone.txt"), b"bye").unwrap();
    fs::write(fx.data.join("change.txt"), b"before").unwrap();
    fs::write(fx.data.join("mode.txt"), b"mode").unwrap();
    kit::chmod(&fx.data.join("mode.txt"), 0o644);
    let first = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    fs::remove_file(fx.data.join("gone.txt")).unwrap();
    fs::write(fx.data.join("new.txt"), b"hello").unwrap();
    fs::write(fx.data.join("change.txt"), b"after!").unwrap();
    kit::chmod(&fx.data.join("mode.txt"), 0o600);
    // A new mtime over the same bytes is no change.
    set_mtime(&fx.data.join("keep.txt"), 1_700_000_000, 0);
    let second = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();

    let phrase = fx.phrase_file.as_path();
    let json = with_phrase(&fx, &["diff", &first[..12], "latest", "--json"], phrase)
        .expect(0, "diff")
        .json();
    assert_eq!(
        (json["from"].as_str(), json["to"].as_str()),
        (Some(first.as_str()), Some(second.as_str()))
    );
    assert_eq!(paths(&json, "added"), ["new.txt"], "{json:#}");
    assert_eq!(paths(&json, "removed"), ["gone.txt"], "{json:#}");
    assert_eq!(
        paths(&json, "changed"),
        ["change.txt", "mode.txt"],
        "{json:#}"
    );

    let text = with_phrase(&fx, &["diff", &second, &first], phrase).expect(0, "diff text");
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(
        lines,
        ["M change.txt", "+ gone.txt", "M mode.txt", "- new.txt"],
        "{}",
        text.stdout
    );
    let same = with_phrase(&fx, &["diff", &first, &first], phrase).expect(0, "diff same");
    assert_eq!(same.stdout, "");
}

/// Backs up with a fresh 1 MiB file of its own; returns the snapshot's ID.
fn backup_unique(fx: &Fixture, n: u64) -> String {
    let _ = fs::remove_file(fx.data.join(format!("unique-{}.bin", n - 1)));
    fs::write(
        fx.data.join(format!("unique-{n}.bin")),
        random_bytes(n, 1 << 20),
    )
    .unwrap();
    fx.backup_ok()["snapshot"].as_str().unwrap().to_string()
}

fn snapshot_ids(fx: &Fixture) -> Vec<String> {
    let rows = fx
        .crossing(["snapshots", "--json"])
        .expect(0, "snapshots")
        .json();
    let rows = rows.as_array().unwrap();
    rows.iter()
        .map(|r| {
            r.get("snapshot")
                .or_else(|| r.get("id"))
                .and_then(Value::as_str)
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn forget_removes_a_snapshot_and_prune_then_deletes_its_data() {
    let fx = Fixture::new();
    // The first snapshot's packs hold its data alone (a pack stays while
    // any kept snapshot uses a chunk of it).
    let first = backup_unique(&fx, 1);
    fs::write(fx.data.join("later.txt"), b"only in the second").unwrap();
    let second = backup_unique(&fx, 2);
    let packs_before = fx.packs().len();

    let dry = fx
        .crossing(["forget", &first[..8], "--dry-run", "--json"])
        .expect(0, "forget --dry-run")
        .json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["forgotten"][0]["snapshot"], first.as_str(), "{dry:#}");
    assert_eq!(snapshot_ids(&fx).len(), 2, "a dry run forgets nothing");

    let unknown = fx.crossing(["forget", "ffffffff"]);
    assert_ne!(unknown.code, 0);
    assert!(
        unknown.stderr.contains("no snapshot matches"),
        "{}",
        unknown.stderr
    );

    let done = fx
        .crossing(["forget", &first[..8], "--json"])
        .expect(0, "forget")
        .json();
    assert_eq!(done["forgotten"].as_array().unwrap().len(), 1, "{done:#}");
    assert_eq!(snapshot_ids(&fx), std::slice::from_ref(&second));
    assert_eq!(
        fx.packs().len(),
        packs_before,
        "forget alone deletes no data"
    );

    let pruned = fx.crossing(["prune", "--json"]).expect(0, "prune").json();
    assert!(pruned["packs_deleted"].as_u64().unwrap() >= 1, "{pruned:#}");
    assert!(
        pruned["bytes_deleted"].as_u64().unwrap() >= 1 << 20,
        "{pruned:#}"
    );
    assert!(fx.packs().len() < packs_before);
    fx.check_read_data();

    // With the phrase: the cache is rebuilt first, and "latest" resolves
    // as restore resolves it.
    let phrase = fx.phrase_file.as_path();
    let last = with_phrase(&fx, &["forget", "latest", "--json"], phrase)
        .expect(0, "forget latest")
        .json();
    assert_eq!(
        last["forgotten"][0]["snapshot"],
        second.as_str(),
        "{last:#}"
    );
    assert!(snapshot_ids(&fx).is_empty());
}

#[test]
fn stats_match_what_was_stored_from_the_cache_and_with_the_phrase() {
    let fx = Fixture::new();
    fs::write(fx.data.join("shared.bin"), random_bytes(7, 300_000)).unwrap();
    let first = fx.backup_ok();
    fs::write(fx.data.join("more.bin"), random_bytes(8, 200_000)).unwrap();
    let second = fx.backup_ok();
    let packs = fx.packs();
    let bytes_packs: u64 = packs.iter().map(|p| fs::metadata(p).unwrap().len()).sum();

    let phrase = fx.phrase_file.as_path();
    let cached = fx.crossing(["stats", "--json"]).expect(0, "stats").json();
    let read = with_phrase(&fx, &["stats", "--json"], phrase)
        .expect(0, "stats with the phrase")
        .json();
    assert_eq!(cached["source"], "cache");
    assert_eq!(read["source"], "phrase");
    for s in [&cached, &read] {
        assert_eq!(s["store"]["packs"], packs.len(), "{s:#}");
        assert_eq!(s["store"]["bytes_packs"], bytes_packs, "{s:#}");
        assert_eq!(s["store"]["snapshots"], 2);
        assert_eq!(s["unaccounted"], 0);
        let rows = s["snapshots"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{s:#}");
        for (row, backup) in rows.iter().zip([&first, &second]) {
            assert_eq!(row["snapshot"], backup["snapshot"]);
            assert_eq!(row["files"], backup["files"]);
            assert_eq!(row["bytes"], backup["bytes"]);
        }
        assert_eq!(s["bytes_files"], 300_000 + 500_000);
        // Every pack is some snapshot's, and counted new exactly once.
        let new: u64 = rows.iter().map(|r| r["bytes_new"].as_u64().unwrap()).sum();
        assert_eq!(new, bytes_packs, "{s:#}");
        assert!(
            rows[1]["bytes_new"].as_u64().unwrap() < 300_000,
            "the shared file is not new: {s:#}"
        );
    }
    assert_eq!(cached["snapshots"], read["snapshots"]);
}

#[test]
fn a_wrong_phrase_is_refused_with_exit_4() {
    let fx = Fixture::new();
    fs::write(fx.data.join("a.txt"), b"alpha").unwrap();
    let snap = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    let wrong = fx.root().join("wrong-phrase");
    fs::write(&wrong, "abandon ".repeat(11) + "about").unwrap();
    for words in [
        &["ls"][..],
        &["diff", &snap, &snap],
        &["stats"],
        &["forget", &snap],
    ] {
        let out = with_phrase(&fx, words, &wrong);
        assert_eq!(out.code, 4, "{words:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{words:?}");
    }
    assert_eq!(snapshot_ids(&fx).len(), 1);
}

#[test]
fn forget_without_the_phrase_names_only_what_this_device_knows() {
    let fx = Fixture::new();
    fs::write(fx.data.join("a.txt"), b"alpha").unwrap();
    let mine = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    let other_data = fx.root().join("other-data");
    fs::create_dir(&other_data).unwrap();
    fs::write(other_data.join("b.txt"), b"beta").unwrap();
    let other = fx.other_device("other-home", &other_data);
    let theirs = kit::run(Some(&other), ["backup", "--json"])
        .expect(0, "backup on the other device")
        .json()["snapshot"]
        .as_str()
        .unwrap()
        .to_string();

    let refused = fx.crossing(["forget", &theirs]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--phrase-file"),
        "{}",
        refused.stderr
    );
    // "latest" among what this device knows is its own snapshot.
    let dry = fx
        .crossing(["forget", "latest", "--dry-run", "--json"])
        .expect(0, "forget latest --dry-run")
        .json();
    assert_eq!(dry["forgotten"][0]["snapshot"], mine.as_str(), "{dry:#}");

    let phrase = fx.phrase_file.as_path();
    with_phrase(&fx, &["forget", &theirs], phrase).expect(0, "forget with the phrase");
    assert_eq!(snapshot_ids(&fx), std::slice::from_ref(&mine));
}

#[test]
fn an_untrusted_snapshot_is_refused_as_restore_refuses_it() {
    let fx = Fixture::new();
    fs::write(fx.data.join("a.txt"), b"alpha").unwrap();
    let mine = fx.backup_ok()["snapshot"].as_str().unwrap().to_string();
    let other_data = fx.root().join("other-data");
    fs::create_dir(&other_data).unwrap();
    fs::write(other_data.join("planted.txt"), b"not yours").unwrap();
    let other = fx.other_device("other-home", &other_data);
    let theirs = kit::run(Some(&other), ["backup", "--json"])
        .expect(0, "backup on the other device")
        .json()["snapshot"]
        .as_str()
        .unwrap()
        .to_string();
    // The other device was taken: its writer is revoked from before it wrote.
    let phrase = fx.phrase_file.as_path();
    let rows = with_phrase(&fx, &["snapshots", "--json"], phrase)
        .expect(0, "snapshots")
        .json();
    let writer = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r.get("snapshot").or_else(|| r.get("id")) == Some(&Value::from(theirs.as_str())))
        .unwrap()["writer"]
        .as_str()
        .unwrap()
        .to_string();
    let revoke = [
        "writer",
        "revoke",
        &writer,
        "--as-of",
        "2020-01-01T00:00:00Z",
    ];
    with_phrase(&fx, &revoke, phrase).expect(0, "writer revoke");

    let latest = with_phrase(&fx, &["ls", "--json"], phrase)
        .expect(0, "ls")
        .json();
    assert_eq!(latest["snapshot"], mine.as_str(), "{latest:#}");
    for words in [
        &["ls", &theirs][..],
        &["diff", &mine, &theirs],
        &["forget", &theirs],
    ] {
        let out = with_phrase(&fx, words, phrase);
        assert_eq!(out.code, 6, "{words:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("not to be trusted"),
            "{words:?}: {}",
            out.stderr
        );
        assert!(!out.stdout.contains("planted"), "{words:?}: {}", out.stdout);
    }
    let stats = with_phrase(&fx, &["stats", "--json"], phrase)
        .expect(0, "stats")
        .json();
    assert_eq!(stats["unaccounted"], 1, "{stats:#}");
    assert_eq!(
        stats["snapshots"][0]["snapshot"],
        mine.as_str(),
        "{stats:#}"
    );
    assert_eq!(fx.snapshot_objects().len(), 2, "nothing was forgotten");
}
