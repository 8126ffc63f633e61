//! Which profile a command uses when `--profile` is not given: the only
//! one, or among several the one named "default"; otherwise a usage error
//! (exit 2) that lists them, or says how to make one.

mod kit;

use std::fs;
use std::path::{Path, PathBuf};

use kit::{init_args, random_files, Fixture};

/// A folder store of its own under the fixture's root, and its URL.
fn store(fx: &Fixture, name: &str) -> (PathBuf, String) {
    let dir = fx.root().join(format!("store-{name}"));
    let url = format!("file://{}", dir.display());
    (dir, url)
}

/// Records profile `name` for `data` with a store of its own; returns the store folder.
fn profile(fx: &Fixture, name: &str, data: &Path) -> PathBuf {
    let (dir, url) = store(fx, name);
    fx.crossing(init_args(data, &url, &["--name", name]))
        .expect(0, &format!("init {name}"));
    dir
}

/// Whether a backup wrote anything into the store folder `dir`.
fn holds_snapshots(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some())
}

/// The first line of stderr that is not a warning.
fn error(out: &kit::Out) -> &str {
    out.stderr
        .lines()
        .find(|l| !l.starts_with("warning"))
        .unwrap_or("")
}

#[test]
fn the_only_profile_is_used_whatever_its_name() {
    let fx = Fixture::unconfigured(|d| random_files(d, 1, &[("a", 5000), ("sub/b", 70_000)]));
    let work = profile(&fx, "work", &fx.data);
    fx.backup_ok();
    assert!(
        holds_snapshots(&work),
        "backup did not use profile \"work\""
    );
    let listed = fx.crossing(["snapshots", "--json"]).expect(0, "snapshots");
    assert_eq!(
        listed.json().as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.stdout
    );
    fx.crossing(["check"]).expect(0, "check");
    fx.crossing(["prune", "--keep-last", "1"])
        .expect(0, "prune");
    fx.crossing(["wipe", "--dry-run", "--keep-state"])
        .expect(0, "wipe --dry-run");
}

#[test]
fn several_profiles_without_a_default_are_listed_and_refused() {
    let fx = Fixture::unconfigured(|d| random_files(d, 2, &[("a", 3000)]));
    let other = fx.root().join("other");
    random_files(&other, 3, &[("b", 3000)]);
    let work = profile(&fx, "work", &fx.data);
    let home = profile(&fx, "home", &other);
    for args in [
        &["backup"][..],
        &["snapshots"],
        &["check"],
        &["prune", "--keep-last", "1"],
        &["wipe", "--dry-run"],
        &["writer", "list"],
    ] {
        let out = fx.crossing(args).expect(2, &args.join(" "));
        assert!(
            error(&out).contains("several profiles (home, work): pass --profile NAME"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert!(!holds_snapshots(&work) && !holds_snapshots(&home));
    fx.crossing(["backup", "--profile", "home"])
        .expect(0, "backup --profile home");
    assert!(holds_snapshots(&home) && !holds_snapshots(&work));
    let out = fx
        .crossing(["backup", "--profile", "nope"])
        .expect(2, "an unknown profile");
    assert!(
        error(&out).contains("no profile named \"nope\""),
        "{}",
        out.stderr
    );
}

#[test]
fn among_several_the_default_one_is_used() {
    let fx = Fixture::unconfigured(|d| random_files(d, 4, &[("a", 3000)]));
    let other = fx.root().join("other");
    random_files(&other, 5, &[("b", 3000)]);
    let work = profile(&fx, "work", &other);
    let default = profile(&fx, "default", &fx.data);
    fx.backup_ok();
    assert!(holds_snapshots(&default) && !holds_snapshots(&work));
}

#[test]
fn no_profile_is_a_usage_error_saying_how_to_make_one() {
    let fx = Fixture::unconfigured(|d| fs::create_dir(d).unwrap());
    for args in [&["backup"][..], &["prune", "--keep-last", "1"], &["check"]] {
        let out = fx.crossing(args).expect(2, &args.join(" "));
        assert!(
            error(&out).contains("no profile yet") && error(&out).contains("crossing init"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn restore_takes_the_store_and_the_data_dir_of_the_only_profile() {
    let fx = Fixture::unconfigured(|d| random_files(d, 6, &[("a", 9000), ("x/y", 40_000)]));
    profile(&fx, "work", &fx.data);
    fx.backup_ok();
    let kept = fx.root().join("kept");
    fs::rename(&fx.data, &kept).unwrap();
    let phrase = fx.phrase_file.to_str().unwrap();
    fx.crossing(["restore", "--phrase-file", phrase])
        .expect(0, "restore with neither --store nor --data-dir");
    kit::assert_trees_equal(&kept, &fx.data);
}

#[test]
fn init_names_a_client_profile_after_its_client() {
    // The README's order: a quick-start backup makes "default", then a
    // Signal profile is added for another pseudonym.
    let fx = Fixture::unconfigured(|d| random_files(d, 7, &[("notes", 2000)]));
    let (_, quick) = store(&fx, "quick");
    let data = fx.data.to_str().unwrap();
    fx.crossing(["backup", "--data-dir", data, "--store", &quick])
        .expect(0, "quick-start backup");
    fx.crossing(["pseudonym", "new", "--name", "me", "--json"])
        .expect(0, "pseudonym new");
    let signal = fx.root().join("Signal");
    let (_, usb) = store(&fx, "usb");
    let made = fx
        .crossing([
            "init",
            "--client",
            "signal",
            "--data-dir",
            signal.to_str().unwrap(),
            "--store",
            &usb,
            "--pseudonym",
            "me",
            "--json",
        ])
        .expect(0, "init --client signal next to \"default\"");
    assert_eq!(made.json()["profile"], "signal");

    // Conflicts over a profile's name are usage errors, as in every command.
    let (_, elsewhere) = store(&fx, "elsewhere");
    let out = fx
        .crossing(["backup", "--data-dir", data, "--store", &elsewhere])
        .expect(2, "a first-use backup naming another store for \"default\"");
    assert!(
        error(&out).contains("add --profile NEW_NAME"),
        "{}",
        out.stderr
    );
    let out = fx
        .crossing(init_args(&signal, &elsewhere, &["--client", "signal"]))
        .expect(2, "a second profile \"signal\"");
    assert!(error(&out).contains("exists already"), "{}", out.stderr);
}
