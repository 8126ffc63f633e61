//! Each exit code means one thing in every command (the README's table):
//! no profile, a name taken and a PIN too short are usage errors (2) wherever
//! they happen; a snapshot that does not match is `not_found` (11), distinct
//! from a store that cannot be reached (5). Through the binary, with and
//! without `--json`.

mod kit;

use std::ffi::OsString;
use std::fs;
use std::path::Path;

use kit::{Fixture, Out};

/// `crossing --home home args…` with `input` on standard input.
fn with_stdin(home: &Path, args: &[&str], input: &str) -> Out {
    let out = kit::crossing(home)
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exit `code`, and under `--json` the error object of that `kind`.
#[track_caller]
fn assert_kind(out: Out, code: i32, kind: &str, what: &str) {
    let out = out.expect(code, what);
    if !out.stdout.is_empty() {
        let json = out.json();
        assert_eq!(json["error"]["kind"], kind, "{what}: {json:#}");
        assert_eq!(json["error"]["exit_code"], code, "{what}: {json:#}");
    }
}

fn os(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

#[test]
fn no_profile_is_a_usage_error_in_every_command() {
    // A pseudonym, no profile.
    let fx = Fixture::unconfigured(|d| fs::create_dir(d).unwrap());
    let phrase = fx.phrase_file.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["backup", "--json"],
        vec!["snapshots", "--json"],
        vec!["check", "--json"],
        vec!["repair", "--json", "--phrase-file", phrase],
        vec!["prune", "--keep-last", "1", "--json"],
        vec!["restore", "--json", "--phrase-file", phrase],
        vec!["writer", "list", "--json", "--phrase-file", phrase],
        vec!["wipe", "--yes", "--json"],
        vec!["depart", "--yes", "--json"],
        vec!["profile", "show", "nobody", "--json"],
        vec!["pseudonym", "show", "nobody", "--json"],
    ];
    for args in &commands {
        let out = fx.crossing(os(args));
        assert_kind(out, 2, "usage", &args.join(" "));
    }
    // A home with no state at all: nothing configured is no profile too.
    let empty = fx.root().join("empty-home");
    for args in [&["wipe", "--yes", "--json"][..], &["depart", "--yes"]] {
        let out = kit::run(Some(&empty), args);
        assert_kind(out, 2, "usage", &args.join(" "));
    }
    // `init` without a pseudonym to encrypt for: the same.
    let out = kit::run(
        Some(&empty),
        ["init", "--data-dir", "/tmp", "--store", "file:///nowhere"],
    );
    assert_kind(out, 2, "usage", "init without a pseudonym");
}

#[test]
fn a_name_taken_or_invalid_is_a_usage_error() {
    let fx = Fixture::new();
    let other = fx.root().join("other");
    fs::create_dir(&other).unwrap();
    let url = fx.store_url();
    // A first-use backup naming a profile that exists for something else.
    let mut conflict = os(&["backup", "--json", "--data-dir"]);
    conflict.push(other.clone().into());
    conflict.extend(os(&["--store", &url]));
    assert_kind(
        fx.crossing(conflict),
        2,
        "usage",
        "backup onto a taken profile",
    );
    let mut init = os(&["init", "--json", "--data-dir"]);
    init.push(other.into());
    init.extend(os(&["--store", &url, "--name", "default"]));
    assert_kind(fx.crossing(init), 2, "usage", "init of a taken name");
    assert_kind(
        fx.crossing(["pseudonym", "new", "--name", "default", "--json"]),
        2,
        "usage",
        "pseudonym new of a taken name",
    );
    let mut again = os(&["pseudonym", "import", "--name", "again", "--json"]);
    again.push("--phrase-file".into());
    again.push(fx.phrase_file.clone().into());
    assert_kind(fx.crossing(again), 2, "usage", "a phrase imported twice");
    assert_kind(
        fx.crossing(["pseudonym", "new", "--name", "-x", "--json"]),
        2,
        "usage",
        "an invalid name",
    );
}

#[test]
fn a_pin_or_duress_code_too_short_is_a_usage_error() {
    let fx = Fixture::new();
    for (input, what) in [
        ("12345\n12345\n654321\n654321\n", "PIN too short"),
        ("123456\n123456\n6543\n6543\n", "duress code too short"),
        ("123456\n123456\n123456\n123456\n", "duress code = PIN"),
    ] {
        let out = with_stdin(&fx.home, &["duress", "set", "--stdin"], input);
        let out = out.expect(2, what);
        assert!(out.stderr.contains("nothing was changed"), "{}", out.stderr);
    }
    assert!(!fx.home.join("gate").exists());
}

#[test]
fn no_snapshot_matching_is_not_found_and_an_unreachable_store_is_not() {
    let fx = Fixture::new();
    fs::write(fx.data.join("a.txt"), b"a").unwrap();
    fx.backup_ok();
    let restore = |store: &str, extra: &[&str]| {
        let mut args = kit::restore_args(store, &fx.root().join("restored"), &fx.phrase_file);
        args.extend(os(extra));
        fx.crossing(args)
    };
    let url = fx.store_url();
    assert_kind(
        restore(&url, &["--snapshot", "ffffffffffff", "--json"]),
        11,
        "not_found",
        "restore of a snapshot that is not there",
    );
    let human = restore(&url, &["--snapshot", "ffffffffffff"]).expect(11, "without --json");
    assert!(
        human.stderr.contains("no snapshot matches"),
        "{}",
        human.stderr
    );
    let missing = format!("file://{}", fx.root().join("no-such-store").display());
    assert_kind(
        restore(&missing, &["--json"]),
        5,
        "not_reachable",
        "restore from a store that is not there",
    );
}
