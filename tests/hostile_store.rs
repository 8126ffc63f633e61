//! The store as hostile input, through the real binary: whoever holds the
//! device (its public keys) and the store's credentials can plant objects
//! that decrypt. Decoding them stays bounded and never panics; restore
//! hygiene (special modes, symlinks leaving the tree) holds whatever a
//! snapshot says.

mod kit;

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

use crossing::repo::format::{self, Index, Kind};
use kit::*;
use serde_json::json;

/// zstd (level 1, streamed) of `prefix` then `len` times `byte`: a small
/// object that decompresses to that much. `declare`: the frame says so.
///
/// `0xbf` then `x`s is an endless CBOR map of unknown keys and values
/// (`0x78 0x78`: a text of 120 `x`s): it parses on without allocating,
/// until the decompression bound stops it.
fn bomb(prefix: &[u8], byte: u8, len: u64, declare: bool) -> Vec<u8> {
    let mut z = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    if declare {
        let total = prefix.len() as u64 + len;
        z.set_pledged_src_size(Some(total)).unwrap();
    }
    let mut content = prefix.chain(std::io::repeat(byte).take(len));
    std::io::copy(&mut content, &mut z).unwrap();
    z.finish().unwrap()
}

fn check_args(fx: &Fixture) -> Vec<OsString> {
    let phrase = fx.phrase_file.clone().into();
    vec!["check".into(), "--phrase-file".into(), phrase]
}

fn small_corpus(data: &Path) {
    write(&data.join("readme.txt"), "hello, crossing\n");
    write(&data.join("sub/random.bin"), random_bytes(7, 300 * 1024));
    set_all_mtimes(data, 1_200_000_000);
}

/// `restore --store … --data-dir target --phrase-file …` from a home that
/// does not exist, with its peak memory.
fn restore_measured(fx: &Fixture, target: &Path, extra: &[&str]) -> (Out, u64) {
    let mut args = restore_args(&fx.store_url(), target, &fx.phrase_file);
    args.extend(extra.iter().map(OsString::from));
    run_measured(Some(&fx.root().join("fresh-home")), args)
}

#[track_caller]
fn assert_no_panic(out: &Out) {
    assert!(
        !out.stderr.contains("panicked") && out.code != 101,
        "{}",
        out.stderr
    );
}

/// `out` is a refusal as damage (exit 6, no panic) whose message says `says`.
#[track_caller]
fn damage(out: Out, what: &str, says: &str) -> Out {
    assert_no_panic(&out);
    let out = out.expect(6, what);
    assert!(out.stderr.contains(says), "{what}: {}", out.stderr);
    out
}

// Issue 10, item 7: a 100 KB forged manifest drove restore to 3.1 GB.
#[test]
fn compression_bombs_in_the_store_are_passed_over_in_little_memory() {
    const GIB: u64 = 1 << 30;
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();
    // Each decompresses to 1 GiB, 4 times the bound: zeros (not CBOR a
    // manifest starts with), a map that parses until the bound, and the
    // same stating its size in the frame header.
    let bombs = [
        bomb(b"", 0, GIB, false),
        bomb(&[0xbf], b'x', GIB, false),
        bomb(&[0xbf], b'x', GIB, true),
    ];
    for b in &bombs {
        assert!(b.len() < 200_000, "a bomb of {} bytes", b.len());
        fx.plant("snapshots", b);
        fx.plant("index", b);
    }
    // Objects larger than any manifest or index: refused unread (sparse).
    for dir in ["snapshots", "index"] {
        let huge = fs::File::create(fx.repo_dir().join(dir).join("f".repeat(64))).unwrap();
        huge.set_len(2 << 30).unwrap();
    }
    // The planted manifests are the newest: `latest` reads them first.
    let target = fx.root().join("restored");
    let (out, peak) = restore_measured(&fx, &target, &["--json"]);
    assert_no_panic(&out);
    let out = out.expect(0, "restore past the bombs");
    assert_trees_equal(&fx.data, &target);
    eprintln!("restore past the bombs: peak RSS {} MiB", peak >> 20);
    assert!(
        peak < 200 << 20,
        "restore peaked at {} MiB\n{}",
        peak >> 20,
        out.stderr
    );

    // Each bomb, asked for by name, is refused as damage (exit 6).
    let listing: Vec<String> = fx.snapshot_objects();
    assert_eq!(listing.len(), 5, "{listing:?}");
    for name in listing {
        let target = fx.root().join(format!("restored-{}", &name[..8]));
        let (out, peak) = restore_measured(&fx, &target, &["--snapshot", &name]);
        if out.code == 0 {
            continue; // the genuine snapshot
        }
        damage(out, "restore of a bomb", "corrupt");
        assert!(peak < 200 << 20, "{name}: peak RSS {} MiB", peak >> 20);
        assert!(!target.exists());
    }
    // `check` with the phrase names them, within the same memory.
    let (out, peak) = run_measured(Some(&fx.home), check_args(&fx));
    let out = damage(out, "check finds the bombs", "decompresses to more than");
    assert!(out.stderr.contains("not downloaded"), "{}", out.stderr);
    assert!(peak < 200 << 20, "check: peak RSS {} MiB", peak >> 20);
}

/// The genuine index's content, decrypted.
fn genuine_index(fx: &Fixture) -> (std::path::PathBuf, Index) {
    let dir = fx.repo_dir().join("index");
    let path = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let plain = crossing::repo::seal::open(&fs::read(&path).unwrap(), &fx.identity()).unwrap();
    (path, format::decode_compressed(&plain).unwrap())
}

#[test]
fn a_forged_index_naming_pack_a_is_damage_not_a_panic() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();
    let (path, mut index) = genuine_index(&fx);
    fs::remove_file(path).unwrap();
    for pack in &mut index.packs {
        pack.id = "a".into();
    }
    fx.plant("index", &format::encode_compressed(&index).unwrap());
    // A signed manifest names its own packs: restore does not read the
    // index at all, and the genuine snapshot comes back.
    let target = fx.root().join("restored");
    let (out, _) = restore_measured(&fx, &target, &[]);
    assert_eq!(out.code, 0, "restore beside a forged index: {}", out.stderr);
    assert_trees_equal(&fx.data, &target);
    let forged = r#"pack "a" is not an object name"#;
    damage(
        fx.crossing(check_args(&fx)),
        "check with a forged index",
        forged,
    );
}

#[test]
fn a_forged_manifest_cannot_make_a_device_node() {
    let fx = Fixture::new();
    small_corpus(&fx.data);
    fx.backup_ok();
    // A character device's and a block device's type bits on an empty file.
    for mode in [0o020666, 0o060666] {
        let name = fx.forge_snapshot(vec![
            forged_entry(b"", Kind::Dir, 0o755, b""),
            forged_entry(b"tty", Kind::File, mode, b""),
        ]);
        let target = fx.root().join("restored");
        let (out, _) = restore_measured(&fx, &target, &["--snapshot", &name]);
        damage(
            out,
            "restore of a device node",
            "bits beyond the permissions",
        );
        assert!(!target.exists());
    }
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

// Issue 10, item 8.
#[test]
fn restore_drops_special_modes_and_lists_symlinks_leaving_the_tree() {
    let fx = Fixture::new();
    let d = &fx.data;
    write(&d.join("setuid"), "s\n");
    chmod(&d.join("setuid"), 0o4755);
    fs::create_dir(d.join("setgid-dir")).unwrap();
    write(&d.join("setgid-dir/inside"), "i\n");
    chmod(&d.join("setgid-dir"), 0o2755);
    fs::create_dir(d.join("sticky-dir")).unwrap();
    chmod(&d.join("sticky-dir"), 0o1777);
    write(&d.join("shared"), "w\n");
    chmod(&d.join("shared"), 0o666);
    symlink("/etc/passwd", d.join("passwd")).unwrap();
    symlink("../../outside", d.join("setgid-dir/up")).unwrap();
    symlink("../shared", d.join("sticky-dir/in")).unwrap();
    symlink("sticky-dir/in", d.join("chain")).unwrap();
    let kept = [
        ("setuid", 0o4755),
        ("setgid-dir", 0o2755),
        ("sticky-dir", 0o1777),
        ("shared", 0o666),
    ];
    for (p, m) in kept {
        assert_eq!(mode(&d.join(p)), m, "the kernel kept {p}'s bits");
    }
    fx.backup_ok();

    let target = fx.root().join("restored");
    let out = fx.restore_fresh(&target, &["--json"]).expect(0, "restore");
    for (p, m) in [
        ("setuid", 0o755),
        ("setgid-dir", 0o755),
        ("sticky-dir", 0o775),
        ("shared", 0o664),
        ("setgid-dir/inside", mode(&d.join("setgid-dir/inside"))),
    ] {
        assert_eq!(mode(&target.join(p)), m, "{p}: {:o}", mode(&target.join(p)));
    }
    assert_eq!(
        out.json()["outside_symlinks"],
        json!([
            {"path": "passwd", "target": "/etc/passwd"},
            {"path": "setgid-dir/up", "target": "../../outside"},
        ])
    );
    for line in [
        "warning: passwd is a symlink to /etc/passwd, outside the restored directory",
        "warning: setgid-dir/up is a symlink to ../../outside, outside the restored directory",
    ] {
        assert!(out.stderr.contains(line), "{}", out.stderr);
    }
    assert_eq!(out.stderr.matches("outside the restored").count(), 2);
    // The links themselves are restored as they were.
    assert_eq!(
        fs::read_link(target.join("passwd")).unwrap(),
        Path::new("/etc/passwd")
    );
    assert_eq!(
        fs::read_link(target.join("chain")).unwrap(),
        Path::new("sticky-dir/in")
    );

    // Asked for, the modes come back exactly (chmod keeps them on one's own files).
    let exact = fx.root().join("restored-exact");
    fx.restore_fresh(&exact, &["--keep-special-modes"])
        .expect(0, "restore --keep-special-modes");
    assert_trees_equal(&fx.data, &exact);
    for (p, m) in kept {
        assert_eq!(mode(&exact.join(p)), m, "{p}");
    }
}

// Issue 12: restore streams the entries and closes a directory once the
// walk has left it, so a manifest out of walk order is refused, not
// restored into a directory already finished.
#[test]
fn a_manifest_out_of_walk_order_is_refused() {
    let fx = Fixture::new();
    fx.backup_ok();
    let name = fx.forge_snapshot(vec![
        forged_entry(b"", Kind::Dir, 0o755, b""),
        forged_entry(b"a", Kind::Dir, 0o555, b""),
        forged_entry(b"b", Kind::Dir, 0o755, b""),
        forged_entry(b"a/late", Kind::File, 0o644, b""),
    ]);
    let target = fx.root().join("restored");
    let (out, _) = restore_measured(&fx, &target, &["--snapshot", &name]);
    damage(
        out,
        "restore out of walk order",
        "does not lie in a directory",
    );
    assert!(!target.exists());

    let name = fx.forge_snapshot(vec![
        forged_entry(b"", Kind::Dir, 0o755, b""),
        forged_entry(b"x", Kind::File, 0o644, b""),
        forged_entry(b"x", Kind::Dir, 0o755, b""),
    ]);
    let (out, _) = restore_measured(&fx, &target, &["--snapshot", &name]);
    damage(out, "restore of a path listed twice", "appears twice");
    assert!(!target.exists());
}
