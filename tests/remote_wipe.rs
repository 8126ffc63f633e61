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
    // The channel is emptied too.
    assert!(w.files_in_channel().is_empty());
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
