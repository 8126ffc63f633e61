//! Remote wipe by a trusted friend, through the real binary.

mod kit;

use kit::*;
use predicates::prelude::*;

struct World {
    s: Fixture,
    channel_url: String,
    channel_dir: std::path::PathBuf,
    friend_home: tempfile::TempDir,
}

fn world() -> World {
    let s = Fixture::with_corpus();
    let channel_dir = s.root().join("channel");
    std::fs::create_dir(&channel_dir).unwrap();
    let channel_url = format!("file://{}", channel_dir.display());
    World {
        s,
        channel_url,
        channel_dir,
        friend_home: tempfile::tempdir().unwrap(),
    }
}

impl World {
    fn arm(&self) {
        self.s
            .cmd()
            .args([
                "remote-wipe",
                "arm",
                "--friend",
                &id_of(LEGAL),
                "--store",
                &self.channel_url,
                "--phrase-file",
                "-",
            ])
            .write_stdin(ABANDON)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "send --to {}",
                id_of(ABANDON)
            )));
    }
    fn send_as(&self, phrase: &str) -> assert_cmd::assert::Assert {
        self.send_to(&self.channel_url, phrase)
    }
    /// The friend's `remote-wipe send` to the user, through the channel at `url`.
    fn send_to(&self, url: &str, phrase: &str) -> assert_cmd::assert::Assert {
        crossing(self.friend_home.path())
            .args([
                "remote-wipe",
                "send",
                "--to",
                &id_of(ABANDON),
                "--store",
                url,
                "--phrase-file",
                "-",
            ])
            .write_stdin(phrase.to_string())
            .assert()
    }
    fn check(&self) -> assert_cmd::assert::Assert {
        self.s
            .cmd()
            .args(["remote-wipe", "check", "--json"])
            .assert()
    }
    fn intact(&self) -> bool {
        self.s.data.join("notes.txt").exists() && self.s.home.join("state.db").exists()
    }
    fn files_in_channel(&self) -> Vec<std::path::PathBuf> {
        files(&self.channel_dir)
    }
    /// The pair's channel folder (after arming).
    fn pair_dir(&self) -> std::path::PathBuf {
        let arming = files(&self.channel_dir)
            .into_iter()
            .find(|f| f.ends_with("arming"))
            .expect("armed");
        arming.parent().unwrap().to_path_buf()
    }
    fn reveals(&self) -> usize {
        files(&self.channel_dir)
            .iter()
            .filter(|f| f.to_string_lossy().contains("reveal-"))
            .count()
    }
    /// The friend's `send --wait`, running in the background.
    fn send_waiting(&self, timeout: &str) -> std::process::Child {
        use std::io::Write;
        let mut cmd = command(Some(self.friend_home.path()), None);
        cmd.args(["remote-wipe", "send", "--to", &id_of(ABANDON), "--store"])
            .arg(&self.channel_url)
            .args([
                "--phrase-file",
                "-",
                "--wait",
                "--timeout",
                timeout,
                "--json",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(LEGAL.as_bytes())
            .unwrap();
        child
    }
    fn status(&self) -> serde_json::Value {
        let out = crossing(self.friend_home.path())
            .args(["remote-wipe", "status", "--to", &id_of(ABANDON), "--store"])
            .arg(&self.channel_url)
            .args(["--phrase-file", "-", "--json"])
            .write_stdin(LEGAL)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    }
}

/// The device's `remote-wipe check --json` with 768 MiB of address space.
fn check_in_768_mib(w: &World) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    w.s.give_away();
    let mut cmd = command(Some(&w.s.home), None);
    // Few malloc arenas: their reservations count as address space.
    cmd.args(["remote-wipe", "check", "--json"])
        .env("MALLOC_ARENA_MAX", "2");
    // SAFETY: only setrlimit between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 768 << 20,
                rlim_max: 768 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

/// Waits (bounded) until the channel holds `n` reveals.
fn until_reveals(w: &World, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while w.reveals() < n {
        assert!(
            std::time::Instant::now() < deadline,
            "no reveal {n} was written"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn finished(child: std::process::Child) -> (i32, serde_json::Value, String) {
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {:?} / {stderr}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), v, stderr)
}

fn fired(a: assert_cmd::assert::Assert) -> bool {
    let v: serde_json::Value = serde_json::from_slice(&a.success().get_output().stdout).unwrap();
    v["fired"].as_bool().unwrap()
}

#[test]
fn the_friend_can_wipe_the_device() {
    let w = world();
    w.s.cmd()
        .args(["remote-wipe", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not armed"));
    w.arm();
    assert!(!fired(w.check()));
    w.send_as(LEGAL).success();
    assert!(fired(w.check()));
    assert!(!w.s.data.exists() && !w.s.home.join("state.db").exists());
    // The channel is emptied too, but for the acknowledgment to the friend.
    let left = w.files_in_channel();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with("ack"));
}

#[test]
fn nobody_else_can_trigger_and_the_device_image_cannot_forge() {
    let w = world();
    let home_before_arming: Vec<u8> = std::fs::read(w.s.home.join("state.db")).unwrap();
    w.arm();
    let device_image: Vec<Vec<u8>> = files(&w.s.home)
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    // A third pseudonym finds no arming for itself, and writes nothing.
    w.send_as(ZOO)
        .code(5)
        .stderr(predicate::str::contains("no remote-wipe arming"));
    // The user (who armed) can trigger it too; learn the secret from that reveal
    // in a copy of the channel, and check that the device never held it.
    let copy = tempfile::tempdir().unwrap();
    let copy_url = format!("file://{}", copy.path().display());
    copy_tree(&w.channel_dir, copy.path());
    w.send_to(&copy_url, LEGAL).success();
    let reveal = files(copy.path())
        .into_iter()
        .find(|f| f.to_string_lossy().contains("reveal-"))
        .unwrap();
    let secret_hex: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reveal).unwrap()).unwrap();
    let secret = hex::decode(secret_hex["secret"].as_str().unwrap()).unwrap();
    for image in &device_image {
        assert!(
            !contains(image, &secret)
                && !contains(image, secret_hex["secret"].as_str().unwrap().as_bytes())
        );
    }
    assert!(!contains(&home_before_arming, &secret));

    // Forgeries written into the real channel from what the device holds: ignored.
    let channel = reveal.parent().unwrap().file_name().unwrap().to_owned();
    let dir = w.channel_dir.join("remote-wipe").join(&channel);
    let db = std::fs::read(w.s.home.join("state.db")).unwrap();
    let commitment_like: Vec<String> = db
        .windows(32)
        .step_by(997)
        .take(50)
        .map(hex::encode)
        .collect();
    for (i, guess) in commitment_like.iter().enumerate() {
        std::fs::write(
            dir.join(format!("reveal-forged{i}")),
            format!(r#"{{"version":1,"secret":"{guess}"}}"#),
        )
        .unwrap();
    }
    let out =
        w.s.cmd()
            .args(["remote-wipe", "check", "--json"])
            .assert()
            .success()
            .get_output()
            .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fired"], false);
    assert_eq!(
        v["ignored"].as_array().unwrap().len(),
        commitment_like.len()
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match this arming"));
    assert!(w.intact());
}

#[test]
fn a_reveal_for_an_earlier_arming_never_fires_a_later_one() {
    let w = world();
    w.arm();
    // The friend fires into a copy of this arming's channel: an old reveal.
    let old = tempfile::tempdir().unwrap();
    copy_tree(&w.channel_dir, old.path());
    w.send_to(&format!("file://{}", old.path().display()), LEGAL)
        .success();
    // The user re-arms (new nonce); the old reveal is replayed into the channel.
    w.arm();
    let reveal = files(old.path())
        .into_iter()
        .find(|f| f.to_string_lossy().contains("reveal-"))
        .unwrap();
    let rel = reveal.strip_prefix(old.path()).unwrap();
    std::fs::copy(&reveal, w.channel_dir.join(rel)).unwrap();
    assert!(!fired(w.check()));
    assert!(w.intact());
    // A reveal for the current arming fires.
    w.send_as(LEGAL).success();
    assert!(fired(w.check()));
}

#[test]
fn malformed_objects_are_ignored_and_an_unreachable_store_is_not_a_trigger() {
    let w = world();
    w.arm();
    let arming = files(&w.channel_dir).pop().unwrap();
    let dir = arming.parent().unwrap();
    std::fs::write(dir.join("junk"), b"\x00\x01 not json").unwrap();
    std::fs::write(dir.join("reveal-x"), br#"{"version":7,"secret":"00"}"#).unwrap();
    w.s.cmd()
        .args(["remote-wipe", "check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("ignored").and(predicate::str::contains("malformed")));
    assert!(w.intact());

    // The store goes away: an error (exit 5), and nothing is wiped.
    let moved = w.s.root().join("channel-moved");
    std::fs::rename(&w.channel_dir, &moved).unwrap();
    w.s.cmd()
        .args(["remote-wipe", "check"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("not reachable"));
    // A backup warns and goes on.
    w.s.cmd()
        .args(["backup"])
        .assert()
        .success()
        .stderr(predicate::str::contains("could not check the channel"));
    assert!(w.intact());
}

#[test]
fn token_arming_and_the_check_at_the_start_of_every_backup() {
    let w = world();
    let out =
        w.s.cmd()
            .args(["remote-wipe", "arm", "--token", "--store", &w.channel_url])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
    let out = String::from_utf8(out).unwrap();
    let token = out
        .split("token: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 64);
    // The token is nowhere on the device.
    for f in files(&w.s.home) {
        let b = std::fs::read(&f).unwrap();
        assert!(!contains(&b, token.as_bytes()) && !contains(&b, &hex::decode(&token).unwrap()));
    }
    w.s.cmd().args(["backup"]).assert().success();
    let snapshots_before = files(&w.s.store).len();
    // The token goes on standard input, never in argv (issue 11).
    crossing(w.friend_home.path())
        .args(["remote-wipe", "send", "--token", "--store", &w.channel_url])
        .write_stdin(format!("{token}\n"))
        .assert()
        .success();
    let token_status = |w: &World| -> serde_json::Value {
        let out = crossing(w.friend_home.path())
            .args([
                "remote-wipe",
                "status",
                "--token",
                "--json",
                "--store",
                &w.channel_url,
            ])
            .write_stdin(format!("{token}\n"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let s = token_status(&w);
    assert_eq!(
        (&s["armed"], &s["requested"]),
        (&true.into(), &true.into()),
        "{s}"
    );
    w.s.cmd()
        .args(["backup"])
        .assert()
        .success()
        .stderr(predicate::str::contains("remote wipe request was found"));
    assert!(!w.s.data.exists() && !w.s.home.join("state.db").exists());
    assert_eq!(
        files(&w.s.store).len(),
        snapshots_before,
        "no backup was made"
    );
    let s = token_status(&w);
    assert_eq!(s["acknowledged"], true, "{s}");
}

#[test]
fn disarm_forgets_the_arming() {
    let w = world();
    w.arm();
    w.s.cmd()
        .args(["remote-wipe", "disarm"])
        .assert()
        .success()
        .stdout(predicate::str::contains("disarmed"));
    assert!(w.files_in_channel().is_empty());
    w.send_as(LEGAL).code(5);
    w.s.cmd()
        .args(["remote-wipe", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not armed"));
    assert!(w.intact());
}

#[test]
fn a_huge_junk_object_and_other_junk_block_neither_the_check_nor_a_backup() {
    let w = world();
    w.arm();
    let dir = w.pair_dir();
    // 1 GiB, sparse: costs no disk, and would cost 1 GiB of memory if read.
    std::fs::File::create(dir.join("reveal-huge"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    std::fs::write(dir.join("aaa-junk"), b"\xff\xfe not json").unwrap();
    std::fs::write(dir.join("reveal-0000000000000000"), b"{}").unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("sub").join("reveal-x"),
        br#"{"version":1,"secret":"zz"}"#,
    )
    .unwrap();
    // In less address space than the object: it is never read into memory.
    let out = assert_cmd::Command::from_std(check_in_768_mib(&w))
        .assert()
        .success()
        .get_output()
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fired"], false);
    assert_eq!(v["ignored"].as_array().unwrap().len(), 4, "{v}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1073741824 bytes, more than 1024"));
    // The backup's pre-check passes over them and the backup is made.
    w.s.cmd().args(["backup"]).assert().success();
    assert!(w.intact());
    // The friend's request among them fires, at the start of a backup.
    w.send_as(LEGAL).success();
    w.s.cmd()
        .args(["backup"])
        .assert()
        .success()
        .stderr(predicate::str::contains("remote wipe request was found"));
    assert!(!w.s.data.exists() && !w.s.home.join("state.db").exists());
}

#[test]
fn send_refuses_a_tampered_or_unauthenticated_arming() {
    let w = world();
    w.arm();
    let arming = w.pair_dir().join("arming");
    let genuine = std::fs::read_to_string(&arming).unwrap();
    let v: serde_json::Value = serde_json::from_str(&genuine).unwrap();
    assert_eq!(v["version"], 2);
    let nonce = v["nonce"].as_str().unwrap();
    // Someone writes their own nonce in: the friend's reveal would be for it.
    let flipped = format!(
        "{}{}",
        if &nonce[..1] == "0" { "1" } else { "0" },
        &nonce[1..]
    );
    std::fs::write(&arming, genuine.replace(nonce, &flipped)).unwrap();
    w.send_as(LEGAL)
        .code(6)
        .stderr(predicate::str::contains("fails its authentication"));
    // The format of version 1 has no MAC to check: refused as well.
    std::fs::write(&arming, format!(r#"{{"version":1,"nonce":"{flipped}"}}"#)).unwrap();
    w.send_as(LEGAL)
        .code(6)
        .stderr(predicate::str::contains("version 1"));
    assert_eq!(w.reveals(), 0, "nothing was written");
    // The device's next check writes its own arming back; then send works.
    w.s.cmd()
        .args(["remote-wipe", "check"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "arming record was changed in the channel; written back",
        ));
    assert_eq!(std::fs::read_to_string(&arming).unwrap(), genuine);
    w.send_as(LEGAL).success();
    assert!(fired(w.check()));
}

#[test]
fn a_replayed_older_arming_does_not_neuter_a_waiting_friend() {
    let w = world();
    w.arm();
    let arming = w.pair_dir().join("arming");
    let older = std::fs::read(&arming).unwrap();
    w.arm();
    // An authentic but older arming is put back: a request for it does not
    // match the device's commitment.
    std::fs::write(&arming, &older).unwrap();
    let friend = w.send_waiting("2m");
    until_reveals(&w, 1);
    // The device does not fire, and writes its current arming back ...
    assert!(!fired(w.check()));
    assert_ne!(std::fs::read(&arming).unwrap(), older);
    // ... which the waiting friend sees, and fires at too.
    until_reveals(&w, 2);
    assert!(fired(w.check()));
    let (code, v, stderr) = finished(friend);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["acknowledged"], true);
    assert!(
        stderr.contains("a request for it was written too"),
        "{stderr}"
    );
}

#[test]
fn the_friend_sees_the_acknowledgment() {
    let w = world();
    w.arm();
    let s = w.status();
    assert_eq!(
        (&s["armed"], &s["requested"], &s["acknowledged"]),
        (&true.into(), &false.into(), &false.into())
    );
    // Without the device checking, --wait gives up: exit 5, the request stays.
    crossing(w.friend_home.path())
        .args(["remote-wipe", "send", "--to", &id_of(ABANDON), "--store"])
        .arg(&w.channel_url)
        .args(["--phrase-file", "-", "--wait", "--timeout", "1s"])
        .write_stdin(LEGAL)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("has not acknowledged"));
    assert_eq!(w.status()["requested"], true);
    // With a 1 GiB junk object in the channel too.
    std::fs::File::create(w.pair_dir().join("junk"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let friend = w.send_waiting("2m");
    until_reveals(&w, 2);
    assert!(fired(w.check()));
    let (code, v, stderr) = finished(friend);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["acknowledged"], true);
    assert!(v["ack"]["files_destroyed"].as_u64().unwrap() > 0);
    assert_eq!(v["ack"]["failed"], 0);
    let s = w.status();
    assert_eq!(
        (&s["armed"], &s["acknowledged"]),
        (&false.into(), &true.into()),
        "{s}"
    );
    assert_eq!(s["ack"]["fired_at"], v["ack"]["fired_at"]);
    // The store sees an object of fixed size, nothing readable in it.
    let ack = files(&w.channel_dir)
        .into_iter()
        .find(|f| f.ends_with("ack"))
        .unwrap();
    let bytes = std::fs::read(&ack).unwrap();
    assert_eq!(bytes.len(), 681);
    let nonce = v["ack"]["arming"].as_str().unwrap();
    assert!(!contains(&bytes, nonce.as_bytes()) && !contains(&bytes, b"files_destroyed"));
    // Someone else's `ack` is not taken for the device's.
    std::fs::write(&ack, vec![2u8; 681]).unwrap();
    let s = w.status();
    assert_eq!(s["acknowledged"], false);
    assert!(s["ack_problem"].as_str().unwrap().contains("did not write"));
}

// Issue 11: with an unlock gate, disarming needs the PIN (tests/deadman.rs
// checks the refusal without one for every such command).
#[test]
fn disarm_with_a_gate_needs_the_right_pin() {
    let w = world();
    w.arm();
    w.s.cmd()
        .args(["duress", "set", "--stdin", "--no-duress-code"])
        .write_stdin("246810\n246810\n")
        .assert()
        .success();
    w.s.cmd()
        .args(["remote-wipe", "disarm", "--stdin"])
        .write_stdin("999999\n")
        .assert()
        .code(10);
    assert!(w.pair_dir().join("arming").exists(), "still armed");
    w.s.cmd()
        .args(["remote-wipe", "disarm", "--stdin"])
        .write_stdin("246810\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("disarmed"));
    assert!(w.files_in_channel().is_empty());
}

// Issue 13: the device's own, read-only view of its arming.
#[test]
fn the_device_sees_its_arming_without_contacting_the_store_or_firing() {
    let w = world();
    let status = || json(w.s.cmd().args(["remote-wipe", "status", "--json"]));
    let v = status();
    assert_eq!(
        (v["armed"].as_bool(), v["armed_at"].is_null()),
        (Some(false), true)
    );
    w.arm();
    let v = status();
    assert_eq!(v["armed"], true);
    assert!(v["armed_at"].as_i64().unwrap() > 0);
    assert_eq!(v["store_url"].as_str(), Some(w.channel_url.as_str()));
    assert!(v["checked_at"].is_null(), "no check yet: {v}");
    assert!(!fired(w.check()));
    let checked = status()["checked_at"].as_i64();
    assert!(checked.is_some_and(|t| t > 0), "the check is recorded");

    // A request is waiting: status neither fires nor touches the channel.
    w.send_as(LEGAL).success();
    let before = w.files_in_channel();
    w.s.cmd()
        .args(["remote-wipe", "status"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("armed since")
                .and(predicate::str::contains("last check of the channel:")),
        );
    assert!(w.intact(), "status fired");
    assert_eq!(w.files_in_channel(), before);
    assert_eq!(status()["checked_at"].as_i64(), checked);
    // A channel the device cannot reach does not matter to status.
    std::fs::rename(&w.channel_dir, w.s.root().join("away")).unwrap();
    assert_eq!(status()["armed"], true);
    std::fs::rename(w.s.root().join("away"), &w.channel_dir).unwrap();
    assert!(fired(w.check()));

    // --store alone is neither view.
    w.s.cmd()
        .args(["remote-wipe", "status", "--store", &w.channel_url])
        .assert()
        .code(2);
}
