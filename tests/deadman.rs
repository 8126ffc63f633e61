//! The dead-man switch through the real binary. The clock arithmetic (boot
//! clock, reboots, a clock set back) is tested in src/deadman.rs, where the
//! clocks can be given; here real seconds pass.

mod kit;

use std::time::Duration;

use kit::*;
use predicates::prelude::*;

#[test]
fn fires_only_when_nobody_checked_in_in_time() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["deadman", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no dead-man switch"));
    s.cmd()
        .args(["deadman", "set", "--after", "3s"])
        .assert()
        .success();
    let status = json(s.cmd().args(["deadman", "check", "--json"]));
    assert_eq!(status["fired"], false);
    assert!(status["remaining_secs"].as_i64().unwrap() <= 3);

    // Check-ins keep it from firing.
    for _ in 0..2 {
        std::thread::sleep(Duration::from_millis(1800));
        s.cmd().args(["checkin"]).assert().success();
        s.cmd().args(["deadman", "check"]).assert().success();
        assert!(s.data.join("notes.txt").exists());
    }
    // So does a correct unlock.
    s.cmd()
        .args(["duress", "set", "--stdin", "--no-duress-code"])
        .write_stdin("246810\n246810\n")
        .assert()
        .success();
    std::thread::sleep(Duration::from_millis(1800));
    s.cmd()
        .args(["unlock", "--stdin"])
        .write_stdin("246810\n")
        .assert()
        .success();
    std::thread::sleep(Duration::from_millis(1800));
    s.cmd().args(["deadman", "check"]).assert().success();
    assert!(s.data.join("notes.txt").exists());

    // Then silence for longer than the duration: the next check wipes.
    std::thread::sleep(Duration::from_millis(3200));
    let fired = json(s.cmd().args(["deadman", "check", "--json"]));
    assert_eq!(fired["fired"], true, "{fired}");
    assert!(fired["report"]["failed"].as_array().unwrap().is_empty());
    assert!(!s.data.exists() && !s.home.join("state.db").exists());
    // The unlock gate survives, unchanged: the device looks no different at the gate.
    assert!(s.home.join("gate").exists());
    s.cmd()
        .args(["unlock", "--stdin"])
        .write_stdin("246810\n")
        .assert()
        .success();
    s.cmd()
        .args(["deadman", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no dead-man switch"));
}

#[test]
fn clear_disarms() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["deadman", "set", "--after", "1s"])
        .assert()
        .success();
    s.cmd()
        .args(["deadman", "clear"])
        .assert()
        .success()
        .stdout(predicate::str::contains("disarmed"));
    std::thread::sleep(Duration::from_millis(1500));
    s.cmd().args(["deadman", "check"]).assert().success();
    assert!(s.data.join("notes.txt").exists());
    s.cmd()
        .args(["deadman", "set", "--after", "0s"])
        .assert()
        .code(2);
}
