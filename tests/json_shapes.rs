//! docs/json.md is the contract of `--json`: every command is run through
//! the binary and its output checked against the document's `fields` block
//! (each documented field there, with its type; nothing undocumented), and
//! failures print the documented error object.

mod kit;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use kit::shapes::{self, Field};
use kit::{init_args, restore_args, run, Fixture, Out};
use serde_json::Value;

/// Documented blocks this test does not run, and which test reads them.
const NOT_RUN: &[&str] = &[
    "error", // `failures_print_the_documented_error_object`
];

/// Documented fields only a damaged store, an untrusted manifest, a
/// friend's `--wait` or a `--vanish` (that would remove the test's binary)
/// shows, each with the fields below it; all the others must appear in
/// some run below.
const NOT_SEEN: &[(&str, &str)] = &[
    ("backup", "skipped[]"),
    ("backup --dry-run", "skipped[]"),
    ("backup --all", "profiles[].backup.skipped[]"),
    // A failed profile's entry: tests/backup_options.rs reads it.
    ("backup --all", "profiles[].error"),
    ("snapshots", "[].error"),
    ("snapshots", "[].untrusted_because"),
    ("repair", "unrecoverable[]"),
    ("wipe", "report.failed[]"),
    ("deadman check", "report.failed[]"),
    ("remote-wipe check", "report.failed[]"),
    ("remote-wipe send", "ack"),
    ("depart", "profiles[].backup.skipped[]"),
    ("depart", "wipe.failed[]"),
    ("depart", "vanished"),
];

/// Whether `field` is `exempt` or below it.
fn not_seen(block: &str, field: &str) -> bool {
    NOT_SEEN.iter().any(|&(b, exempt)| {
        b == block
            && field.strip_prefix(exempt).is_some_and(|rest| {
                rest.is_empty() || rest == "?" || rest.starts_with(['.', '[', '?'])
            })
    })
}

/// The document, and what the runs so far exercised of it.
struct Contract {
    blocks: BTreeMap<String, Vec<Field>>,
    seen: BTreeMap<String, BTreeSet<String>>,
}

impl Contract {
    fn new() -> Contract {
        Contract {
            blocks: shapes::documented(),
            seen: BTreeMap::new(),
        }
    }

    /// Checks a successful run's stdout (one JSON value) against `block`.
    #[track_caller]
    fn check(&mut self, block: &str, out: Out) -> Value {
        let out = out.expect(0, block);
        let json = out.json();
        let fields = self
            .blocks
            .get(block)
            .unwrap_or_else(|| panic!("docs/json.md has no `fields {block}` block"));
        let seen = shapes::check(block, fields, &json);
        self.seen.entry(block.to_string()).or_default().extend(seen);
        json
    }

    /// Every documented block was run, and every field in it seen (but
    /// those [`NOT_RUN`] and [`NOT_SEEN`]).
    fn assert_covered(&self) {
        let run: BTreeSet<&str> = self.seen.keys().map(String::as_str).collect();
        let documented: BTreeSet<&str> = self
            .blocks
            .keys()
            .map(String::as_str)
            .filter(|b| !NOT_RUN.contains(b))
            .collect();
        assert_eq!(
            run, documented,
            "blocks run vs documented (and not in NOT_RUN)"
        );
        let mut unseen = Vec::new();
        for (block, fields) in &self.blocks {
            let Some(seen) = self.seen.get(block) else {
                continue;
            };
            for f in fields {
                if !seen.contains(&f.name) && !not_seen(block, &f.name) {
                    unseen.push(format!("{block}: {}", f.name));
                }
            }
        }
        assert!(unseen.is_empty(), "documented but never seen: {unseen:#?}");
    }
}

fn args<'a>(words: &[&'a str], path: &'a Path) -> Vec<&'a OsStr> {
    words
        .iter()
        .map(|w| OsStr::new(*w))
        .chain([path.as_os_str()])
        .collect()
}

/// `crossing --home <home> args…` with `input` on standard input.
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

#[test]
fn every_command_prints_what_docs_json_md_says() {
    let mut c = Contract::new();
    let fx = Fixture::new();
    fs::write(fx.data.join("notes.txt"), b"a note").unwrap();
    fs::create_dir(fx.data.join("sub")).unwrap();
    fs::write(fx.data.join("sub/more.txt"), b"more").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", fx.data.join("outside")).unwrap();
    let phrase = fx.phrase_file.as_path();
    let url = fx.store_url();

    // Pseudonyms and profiles, in homes of their own.
    let fresh = fx.root().join("fresh-home");
    c.check(
        "pseudonym new",
        run(Some(&fresh), ["pseudonym", "new", "--json"]),
    );
    let other = fx.root().join("other-home");
    c.check(
        "pseudonym import",
        run(
            Some(&other),
            args(&["pseudonym", "import", "--json", "--phrase-file"], phrase),
        ),
    );
    c.check(
        "init",
        run(Some(&other), init_args(&fx.data, &url, &["--json"])),
    );
    c.check(
        "pseudonym list",
        fx.crossing(["pseudonym", "list", "--json"]),
    );
    c.check(
        "pseudonym show",
        fx.crossing(["pseudonym", "show", "default", "--json"]),
    );
    c.check("profile list", fx.crossing(["profile", "list", "--json"]));
    c.check(
        "profile show",
        fx.crossing(["profile", "show", "default", "--json"]),
    );

    // The repository.
    c.check("backup", fx.crossing(["backup", "--json"]));
    c.check(
        "backup",
        fx.crossing(["backup", "--json", "--tag", "t", "--expire-after", "7d"]),
    );
    // An unreadable file is skipped: a partial backup (exit 3) and its
    // `skipped`. root reads anything, so there crossing runs as "nobody".
    let user = (unsafe { libc::geteuid() } == 0).then_some((65534, 65534));
    let closed = Fixture::with_user(user);
    let secret = closed.data.join("closed.txt");
    fs::write(&secret, "never read\n").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let partial = closed
        .crossing(["backup", "--json"])
        .expect(3, "partial backup");
    let fields = &c.blocks["backup"];
    let seen = shapes::check("backup", fields, &partial.json());
    c.seen.entry("backup".into()).or_default().extend(seen);
    let rows = c.check("snapshots", fx.crossing(["snapshots", "--json"]));
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows:#}");
    c.check(
        "snapshots",
        fx.crossing(args(&["snapshots", "--json", "--phrase-file"], phrase)),
    );
    c.check("check", fx.crossing(["check", "--json"]));
    c.check(
        "check",
        fx.crossing(args(
            &["check", "--json", "--read-data", "--phrase-file"],
            phrase,
        )),
    );
    c.check(
        "repair",
        fx.crossing(args(&["repair", "--json", "--phrase-file"], phrase)),
    );
    c.check(
        "writer list",
        fx.crossing(args(&["writer", "list", "--json", "--phrase-file"], phrase)),
    );
    let mut restore = restore_args(&url, &fx.root().join("restored"), phrase);
    restore.push("--json".into());
    let restored = c.check("restore", fx.crossing(restore));
    assert_eq!(
        restored["outside_symlinks"][0]["path"], "outside",
        "{restored:#}"
    );
    // On a new device, adopting what it restored.
    let new_device = fx.root().join("new-device");
    let mut adopt = restore_args(&url, &fx.root().join("adopted"), phrase);
    adopt.extend(["--adopt".into(), "--json".into()]);
    let adopted = c.check("restore", run(Some(&new_device), adopt));
    assert_eq!(adopted["adopted"]["profile"], "default", "{adopted:#}");
    c.check(
        "prune",
        fx.crossing(["prune", "--dry-run", "--keep-last", "1", "--json"]),
    );
    let listed = c.check(
        "ls",
        fx.crossing(args(&["ls", "--json", "--phrase-file"], phrase)),
    );
    let first = rows[0]["snapshot"].as_str().unwrap();
    assert!(
        listed["entries"].as_array().unwrap().len() > 3,
        "{listed:#}"
    );
    c.check(
        "diff",
        fx.crossing(args(
            &["diff", first, "latest", "--json", "--phrase-file"],
            phrase,
        )),
    );
    c.check("stats", fx.crossing(["stats", "--json"]));
    c.check(
        "stats",
        fx.crossing(args(&["stats", "--json", "--phrase-file"], phrase)),
    );
    c.check(
        "forget",
        fx.crossing(["forget", first, "--dry-run", "--json"]),
    );

    c.check(
        "backup --dry-run",
        fx.crossing(["backup", "--dry-run", "--json"]),
    );
    c.check("backup --all", fx.crossing(["backup", "--all", "--json"]));

    // A manifest that does not open: its row says why.
    let junk = fx.plant("snapshots", b"not a manifest");
    let rows = c.check(
        "snapshots",
        fx.crossing(args(&["snapshots", "--json", "--phrase-file"], phrase)),
    );
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["error"].is_string()),
        "{rows:#}"
    );
    fs::remove_file(fx.repo_dir().join("snapshots").join(junk)).unwrap();

    // Protections.
    c.check(
        "deadman status",
        fx.crossing(["deadman", "status", "--json"]),
    );
    fx.crossing(["deadman", "set", "--after", "3d"])
        .expect(0, "deadman set");
    c.check(
        "deadman status",
        fx.crossing(["deadman", "status", "--json"]),
    );
    c.check("deadman check", fx.crossing(["deadman", "check", "--json"]));
    with_stdin(
        &fx.home,
        &["duress", "set", "--stdin"],
        "135790\n135790\n864202\n864202\n",
    )
    .expect(0, "duress set");
    let status = c.check(
        "duress status",
        with_stdin(
            &fx.home,
            &["duress", "status", "--stdin", "--json"],
            "135790\n",
        ),
    );
    assert_eq!(status["duress_code"], true, "{status:#}");
    let channel = format!("file://{}", fx.root().join("channel").display());
    let token = arm_by_token(&fx, &channel);
    // Junk beside the arming: ignored, and named.
    let arming = find_file(&fx.root().join("channel"), "arming").expect("the arming");
    fs::write(arming.with_file_name("junk"), b"\x00 not an object").unwrap();
    let checked = c.check(
        "remote-wipe check",
        fx.crossing(["remote-wipe", "check", "--json"]),
    );
    assert!(
        !checked["ignored"].as_array().unwrap().is_empty(),
        "{checked:#}"
    );
    let friend = ["--token", "--store", channel.as_str(), "--json"];
    let status = [&["remote-wipe", "status"][..], &friend].concat();
    c.check("remote-wipe status", with_stdin(&fresh, &status, &token));
    let send = [&["remote-wipe", "send"][..], &friend].concat();
    c.check("remote-wipe send", with_stdin(&fresh, &send, &token));
    let after = c.check("remote-wipe status", with_stdin(&fresh, &status, &token));
    assert_eq!(after["requested"], true, "{after:#}");
    let device = c.check(
        "remote-wipe status (device)",
        fx.crossing(["remote-wipe", "status", "--json"]),
    );
    assert_eq!(device["armed"], true, "{device:#}");

    // Last, as it destroys the data directory and the home.
    c.check("wipe", fx.crossing(["wipe", "--dry-run", "--json"]));
    let wiped = c.check("wipe", fx.crossing(["wipe", "--yes", "--json"]));
    assert!(!wiped["report"].is_null(), "{wiped:#}");

    // A departure, on a device of its own (the store on the same disk).
    let leaving = Fixture::new();
    fs::write(leaving.data.join("notes.txt"), b"a note").unwrap();
    let gone = c.check(
        "depart",
        leaving.crossing(["depart", "--yes", "--allow-same-disk", "--json"]),
    );
    assert_eq!(gone["home_wiped"], true, "{gone:#}");
    fire_the_switches(&mut c);
    c.assert_covered();
}

/// `remote-wipe arm --token`: the token it shows once.
fn arm_by_token(fx: &Fixture, channel: &str) -> String {
    let armed = fx
        .crossing(["remote-wipe", "arm", "--token", "--store", channel])
        .expect(0, "remote-wipe arm");
    armed
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("the token")
        .to_string()
}

/// A remote wipe and a dead-man switch that fire, each on a device of its
/// own: their reports, and the friend's view of the acknowledgment.
fn fire_the_switches(c: &mut Contract) {
    let fx = Fixture::new();
    let channel = format!("file://{}", fx.root().join("channel").display());
    let token = arm_by_token(&fx, &channel);
    let friend = fx.root().join("friend-home");
    // Waiting for a device that does not check in time: exit 5, and the
    // object says it was sent, not acknowledged.
    let send = [
        "remote-wipe",
        "send",
        "--token",
        "--store",
        &channel,
        "--wait",
        "--timeout",
        "1s",
        "--json",
    ];
    let waited = with_stdin(&friend, &send, &token).expect(5, "remote-wipe send --wait");
    let json = waited.json();
    assert_eq!(json["acknowledged"], false, "{json:#}");
    let seen = shapes::check("remote-wipe send", &c.blocks["remote-wipe send"], &json);
    c.seen
        .entry("remote-wipe send".into())
        .or_default()
        .extend(seen);
    let fired = c.check(
        "remote-wipe check",
        fx.crossing(["remote-wipe", "check", "--json"]),
    );
    assert_eq!(fired["fired"], true, "{fired:#}");
    let status = [
        "remote-wipe",
        "status",
        "--token",
        "--store",
        &channel,
        "--json",
    ];
    let seen = c.check("remote-wipe status", with_stdin(&friend, &status, &token));
    assert!(seen["ack"].is_object(), "{seen:#}");

    let fx = Fixture::new();
    fx.crossing(["deadman", "set", "--after", "1s", "--force"])
        .expect(0, "deadman set");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let fired = c.check("deadman check", fx.crossing(["deadman", "check", "--json"]));
    assert_eq!(fired["fired"], true, "{fired:#}");
}

/// A failure under `--json`: the error object, alone, on stdout, its
/// message the human line on stderr, its kind and code the exit's.
#[track_caller]
fn assert_error(c: &Contract, out: Out, kind: &str, code: i32) -> String {
    let out = out.expect(code, kind);
    let json = out.json();
    shapes::check("error", &c.blocks["error"], &json);
    assert_eq!(json["error"]["kind"], kind, "{json:#}");
    assert_eq!(json["error"]["exit_code"], code, "{json:#}");
    let message = json["error"]["message"].as_str().unwrap().to_string();
    assert!(
        out.stderr.contains(&message),
        "message {message:?} not on stderr:\n{}",
        out.stderr
    );
    message
}

#[test]
fn failures_print_the_documented_error_object() {
    let c = Contract::new();
    let fx = Fixture::new();
    let message = assert_error(&c, fx.crossing(["backup", "--json", "--bogus"]), "usage", 2);
    assert!(message.contains("--bogus"), "{message}");
    assert_error(
        &c,
        fx.crossing(["pseudonym", "new", "--json", "--words", "7"]),
        "usage",
        2,
    );

    let bad = fx.root().join("bad-phrase");
    fs::write(&bad, "abandon ".repeat(12)).unwrap();
    let url = fx.store_url();
    let wrong = ["snapshots", "--store", url.as_str(), "--phrase-file"];
    let json = fx.crossing(args(
        &[&wrong[..1], &["--json"], &wrong[1..]].concat(),
        &bad,
    ));
    let message = assert_error(&c, json, "wrong_phrase", 4);
    // Without --json: the same line on stderr, nothing on stdout.
    let human = fx.crossing(args(&wrong, &bad)).expect(4, "wrong phrase");
    assert_eq!(human.stdout, "");
    assert_eq!(human.stderr.trim_end(), format!("crossing: {message}"));

    let missing = format!("file://{}", fx.root().join("no-such-store").display());
    assert_error(
        &c,
        fx.crossing(args(
            &["snapshots", "--json", "--store", &missing, "--phrase-file"],
            &fx.phrase_file,
        )),
        "not_reachable",
        5,
    );
    // Help is text, even with --json.
    let help = fx
        .crossing(["backup", "--json", "--help"])
        .expect(0, "help");
    assert!(help.stdout.starts_with("Write"), "{}", help.stdout);
}

/// The commands with a `--json` flag (by the id main.rs looks for), as
/// docs/json.md names their blocks ("remote-wipe check"; a second shape of
/// one: "remote-wipe status (device)").
fn json_commands(cmd: &clap::Command, path: &str, found: &mut BTreeSet<String>) {
    if cmd.get_arguments().any(|a| a.get_id() == "json") {
        found.insert(path.to_string());
    }
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let path = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path} {name}")
        };
        json_commands(sub, &path, found);
    }
}

#[test]
fn every_command_with_json_is_documented() {
    use clap::CommandFactory;
    let mut found = BTreeSet::new();
    json_commands(&crossing::cli::Cli::command(), "", &mut found);
    // A command with two shapes documents the second as "NAME (which)".
    let documented: BTreeSet<String> = shapes::documented()
        .into_keys()
        // `backup --all` and `backup --dry-run` are other objects of one command.
        .filter(|b| b != "error" && !b.contains(" --"))
        .map(|b| b.split(" (").next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        found, documented,
        "commands with --json vs docs/json.md's blocks"
    );
}

/// The first file named `name` below `dir`.
fn find_file(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    for entry in fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}
