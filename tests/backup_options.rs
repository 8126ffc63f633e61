//! `backup`'s options and fidelity, through the binary: `--exclude` (on
//! the command line, in the profile, a client's defaults), `--dry-run`,
//! `--all`, the summary line, FIFOs and hard links.

mod kit;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use kit::*;
use serde_json::Value;

/// Whether crossing can run as (uid, gid) in a scratch directory (needs
/// CAP_SETUID and a temporary directory others may enter).
fn can_run_as(uid: u32, gid: u32) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    chown_tree(tmp.path(), uid, gid);
    command(Some(&tmp.path().join("home")), Some((uid, gid)))
        .args(["pseudonym", "list", "--json"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Restores the latest snapshot into a new directory `root()/name`.
fn restored(fx: &Fixture, name: &str) -> PathBuf {
    let target = fx.root().join(name);
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    target
}

fn exists(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

#[test]
fn excluded_paths_are_not_read_and_not_restored() {
    // root reads anything: run crossing as "nobody" so that a closed
    // directory is really unreadable.
    let user = (unsafe { libc::geteuid() } == 0).then_some((65534, 65534));
    if user.is_some() && !can_run_as(65534, 65534) {
        eprintln!("skipped: running as root, and cannot run crossing as nobody here");
        return;
    }
    let fx = Fixture::with_user(user);
    write(&fx.data.join("keep.txt"), "kept\n");
    write(&fx.data.join("a.tmp"), "scratch\n");
    write(&fx.data.join("deep/er/b.tmp"), "scratch\n");
    write(&fx.data.join("deep/er/kept.txt"), "kept too\n");
    write(&fx.data.join("closed/inside.txt"), "never read\n");
    write(&fx.data.join("secret.txt"), "never read\n");
    chmod(&fx.data.join("closed"), 0o000);
    chmod(&fx.data.join("secret.txt"), 0o000);
    let init = init_args(
        &fx.data,
        &fx.store_url(),
        &[
            "--name",
            "ex",
            "--exclude",
            "/closed/",
            "--exclude",
            "*.tmp",
        ],
    );
    fx.crossing(init).expect(0, "init --exclude");
    let shown = fx.crossing(["profile", "show", "ex", "--json"]).json();
    assert_eq!(shown["excludes"], serde_json::json!(["/closed/", "*.tmp"]));

    // The profile's patterns alone leave the unreadable file in: partial.
    let (out, _) = fx.backup(&["--profile", "ex"]);
    let out = out.expect(3, "backup without --exclude");
    assert!(out.stderr.contains("secret.txt"), "{}", out.stderr);
    assert!(!out.stderr.contains("closed"), "{}", out.stderr);

    // With the command line's, nothing unreadable is met.
    let (out, sum) = fx.backup(&["--profile", "ex", "--exclude", "secret.txt"]);
    out.expect(0, "backup --exclude");
    assert_eq!(sum["excluded"], 4, "{sum}");
    assert_eq!(sum["files"], 2, "{sum}");
    let target = restored(&fx, "restored");
    assert_eq!(fs::read(target.join("keep.txt")).unwrap(), b"kept\n");
    assert_eq!(
        fs::read(target.join("deep/er/kept.txt")).unwrap(),
        b"kept too\n"
    );
    for gone in ["a.tmp", "deep/er/b.tmp", "closed", "secret.txt"] {
        assert!(!exists(&target.join(gone)), "{gone} was restored");
    }

    // A pattern crossing cannot honour is refused before anything runs.
    let out = fx.crossing(["backup", "--profile", "ex", "--exclude", "!keep"]);
    out.expect(2, "a negated pattern");
    assert_eq!(fx.snapshot_objects().len(), 2);
}

#[test]
fn a_signal_profile_leaves_out_the_clients_caches_only() {
    let fx = Fixture::unconfigured(|data| fs::create_dir(data).unwrap());
    let kept = [
        "config.json",
        "sql/db.sqlite",
        "attachments.noindex/3f/3f2a",
        "attachments.noindex/Cache/named-like-a-cache",
        "stickers.noindex/1/2",
        "drafts.noindex/d",
        "avatars.noindex/a",
        "Local Storage/leveldb/000003.log",
        "IndexedDB/file__0.indexeddb.leveldb/CURRENT",
        "Preferences",
        "ephemeral.json",
    ];
    let dropped = [
        "Cache/Cache_Data/data_0",
        "Code Cache/js/index",
        "GPUCache/data_1",
        "DawnCache/data_0",
        "DawnGraphiteCache/data_0",
        "DawnWebGPUCache/data_0",
        "GrShaderCache/data_0",
        "ShaderCache/data_0",
        "blob_storage/8a/1",
        "Crashpad/pending/x.dmp",
        "logs/main.log",
        "temp/t",
        "update-cache/signal-desktop.deb",
    ];
    for (i, p) in kept.iter().chain(&dropped).enumerate() {
        write(&fx.data.join(p), random_bytes(i as u64, 1000 + i));
    }
    let init = init_args(&fx.data, &fx.store_url(), &["--client", "signal"]);
    fx.crossing(init).expect(0, "init --client signal");
    let (out, sum) = fx.backup(&["--profile", "signal"]);
    out.expect(0, "backup");
    assert_eq!(sum["files"], kept.len() as u64, "{sum}");
    let target = restored(&fx, "restored");
    for p in kept {
        assert!(exists(&target.join(p)), "{p} is missing");
    }
    for p in dropped {
        let top = p.split('/').next().unwrap();
        assert!(!exists(&target.join(top)), "{top} was restored");
    }
}

/// Every file under `root`: its bytes and mtime (what a write would change).
fn listing(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, i64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p.clone());
                out.insert(p, (vec![], m.mtime()));
            } else {
                out.insert(p.clone(), (fs::read(&p).unwrap_or_default(), m.mtime()));
            }
        }
    }
    out
}

#[test]
fn a_dry_run_writes_nothing_and_counts_what_a_backup_then_does() {
    let fx = Fixture::new();
    random_files(
        &fx.data,
        1,
        &[("a", 3 << 20), ("b", 70_000), ("c/d", 5_000)],
    );
    fx.backup_ok();
    random_files(&fx.data, 2, &[("b", 80_000), ("new", 2 << 20)]);
    write(&fx.data.join("cache.tmp"), "not counted");
    let before = (listing(&fx.home), listing(&fx.store));

    let out = fx.crossing(["backup", "--dry-run", "--exclude", "*.tmp", "--json"]);
    let dry = out.expect(0, "dry run").json();
    let text = fx.crossing(["backup", "--dry-run", "--exclude", "*.tmp"]);
    let text = text.expect(0, "dry run, text");
    assert!(
        text.stdout.contains("nothing was stored"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("would read 2 files"),
        "{}",
        text.stdout
    );
    assert_eq!(
        before,
        (listing(&fx.home), listing(&fx.store)),
        "a dry run changed the home or the store"
    );
    assert_eq!(dry["files"], 4, "{dry}");
    assert_eq!(dry["files_read"], 2, "{dry}");
    assert_eq!(dry["bytes_read"], 80_000 + (2 << 20), "{dry}");
    assert_eq!(dry["excluded"], 1, "{dry}");
    assert!(dry["new_chunks"].as_u64().unwrap() >= 2, "{dry}");

    let (out, real) = fx.backup(&["--exclude", "*.tmp"]);
    out.expect(0, "backup");
    for field in [
        "files",
        "bytes",
        "files_read",
        "bytes_read",
        "new_chunks",
        "excluded",
    ] {
        assert_eq!(dry[field], real[field], "{field}: {dry} vs {real}");
    }
    // Nothing changed since: nothing to read, nothing new.
    let again = fx.crossing(["backup", "--dry-run", "--json", "--exclude", "*.tmp"]);
    let again = again.expect(0, "dry run after").json();
    assert_eq!(
        (again["files_read"].as_u64(), again["new_chunks"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn all_backs_up_every_profile_and_a_failure_stops_none() {
    let fx = Fixture::new();
    write(&fx.data.join("one"), "first profile\n");
    let second = fx.root().join("second");
    write(&second.join("two"), "second profile\n");
    let init = init_args(&second, &fx.store_url(), &["--name", "second"]);
    fx.crossing(init).expect(0, "init second");

    let out = fx
        .crossing(["backup", "--all", "--json"])
        .expect(0, "backup --all");
    let v = out.json();
    assert_eq!(v["exit_code"], 0, "{v}");
    let names: Vec<&str> = v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["profile"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "second"]);
    assert_eq!(fx.snapshot_objects().len(), 2);
    let text = fx
        .crossing(["backup", "--all"])
        .expect(0, "backup --all, text");
    assert!(
        text.stdout.contains("default") && text.stdout.contains("second"),
        "{}",
        text.stdout
    );
    assert_eq!(fx.snapshot_objects().len(), 4);

    // A profile whose store folder is gone (an unmounted drive): exit 5,
    // and the others are backed up all the same.
    let gone = fx.root().join("gone-store");
    let init = init_args(
        &second,
        &format!("file://{}", gone.display()),
        &["--name", "broken"],
    );
    fx.crossing(init).expect(0, "init broken");
    fs::remove_dir_all(&gone).unwrap();
    let out = fx
        .crossing(["backup", "--all", "--json"])
        .expect(5, "backup --all with a broken profile");
    let v = out.json();
    assert_eq!(v["exit_code"], 5, "{v}");
    let by_name: BTreeMap<&str, &Value> = v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["profile"].as_str().unwrap(), p))
        .collect();
    assert_eq!(by_name["broken"]["exit_code"], 5);
    assert_eq!(by_name["broken"]["error"]["kind"], "not_reachable");
    assert_eq!(by_name["default"]["exit_code"], 0);
    assert_eq!(by_name["second"]["exit_code"], 0);
    assert_eq!(
        fx.snapshot_objects().len(),
        6,
        "the other two were backed up"
    );
    assert!(out.stderr.contains("broken"), "{}", out.stderr);
}

#[test]
fn a_backup_to_a_pipe_prints_one_line_unless_quiet() {
    let fx = Fixture::new();
    random_files(&fx.data, 3, &[("a", 10_000), ("b", 20)]);
    let out = fx.crossing(["backup"]).expect(0, "backup");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert!(
        lines[0].starts_with("snapshot ") && lines[0].contains(" saved: 2 files, "),
        "{}",
        lines[0]
    );
    let quiet = fx.crossing(["-q", "backup"]).expect(0, "backup -q");
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
}

#[test]
fn fifos_and_hard_links_come_back_as_they_were() {
    let fx = Fixture::new();
    let data = &fx.data;
    write(&data.join("a"), random_bytes(4, 300_000));
    write(&data.join("empty"), "");
    write(&data.join("other"), random_bytes(4, 300_000));
    fs::create_dir_all(data.join("sub")).unwrap();
    fs::hard_link(data.join("a"), data.join("b")).unwrap();
    fs::hard_link(data.join("a"), data.join("sub/c")).unwrap();
    fs::hard_link(data.join("empty"), data.join("sub/empty-too")).unwrap();
    let fifo = data.join("sub/pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    chmod(&fifo, 0o640);

    let sum = fx.backup_ok();
    assert_eq!(
        (sum["fifos"].as_u64(), sum["hard_links"].as_u64()),
        (Some(1), Some(3)),
        "{sum}"
    );
    assert_eq!(
        sum["files_read"], 3,
        "a hard link's content is read once: {sum}"
    );
    assert_eq!(sum["bytes_read"], 600_000, "{sum}");
    let again = fx.backup_ok();
    assert_eq!(again["files_read"], 0, "{again}");

    let target = restored(&fx, "restored");
    let ino = |p: &str| fs::metadata(target.join(p)).unwrap().ino();
    assert_eq!(ino("a"), ino("b"));
    assert_eq!(ino("a"), ino("sub/c"));
    assert_eq!(ino("empty"), ino("sub/empty-too"));
    assert_ne!(ino("a"), ino("other"));
    assert_eq!(fs::metadata(target.join("a")).unwrap().nlink(), 3);
    assert_eq!(
        fs::read(target.join("sub/c")).unwrap(),
        random_bytes(4, 300_000)
    );
    let pipe = fs::symlink_metadata(target.join("sub/pipe")).unwrap();
    assert!(pipe.file_type().is_fifo());
    assert_eq!(pipe.mode() & 0o7777, 0o640);
    assert_trees_equal(&fx.data, &target);
}

#[test]
fn a_socket_is_left_out_with_a_warning_not_a_partial_backup() {
    let fx = Fixture::new();
    write(&fx.data.join("kept"), "kept\n");
    let _listener = std::os::unix::net::UnixListener::bind(fx.data.join("live.sock")).unwrap();
    let (out, sum) = fx.backup(&[]);
    let out = out.expect(0, "backup beside a socket");
    assert!(
        out.stderr.contains("live.sock") && out.stderr.contains("socket"),
        "{}",
        out.stderr
    );
    assert!(sum["warnings"].to_string().contains("live.sock"), "{sum}");
    assert_eq!(sum["skipped"], serde_json::json!([]), "{sum}");
    let target = restored(&fx, "restored");
    assert!(exists(&target.join("kept")) && !exists(&target.join("live.sock")));
}
