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
        .args(["deadman", "set", "--after", "3s", "--force"])
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
        .args(["deadman", "set", "--after", "1s", "--force"])
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
        .args(["deadman", "set", "--after", "0s", "--force"])
        .assert()
        .code(2);
}

// Issue 11: a switch that is hard to misuse, and a status that never fires.
#[test]
fn deadman_status_is_read_only_and_short_periods_need_force() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["deadman", "set", "--after", "3m"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("under one hour").and(predicate::str::contains("--force")),
        );
    let armed = s
        .cmd()
        .args(["deadman", "set", "--after", "2d"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8_lossy(&armed).contains(" at 20"),
        "no absolute deadline: {}",
        String::from_utf8_lossy(&armed)
    );
    let v = json(s.cmd().args(["deadman", "status", "--json"]));
    assert_eq!(v["armed"], true);
    let left = v["remaining_secs"].as_i64().unwrap();
    assert!(left > 2 * 86400 - 60 && left <= 2 * 86400, "{v}");
    let now = crossing::state::now_unix();
    assert!(
        (v["deadline_at"].as_i64().unwrap() - (now + left)).abs() <= 2,
        "{v}"
    );
    // Status after the time is up reports 0 left and wipes nothing.
    s.cmd()
        .args(["deadman", "set", "--after", "1s", "--force"])
        .assert()
        .success();
    std::thread::sleep(Duration::from_millis(1500));
    let v = json(s.cmd().args(["deadman", "status", "--json"]));
    assert_eq!(v["remaining_secs"], 0, "{v}");
    assert!(s.data.join("notes.txt").exists(), "status fired the switch");
}

// Issue 11: with an unlock gate, weakening a protection needs the PIN.
#[test]
fn clear_checkin_and_disarm_need_the_pin_when_a_gate_is_set() {
    let s = Fixture::with_corpus();
    s.cmd()
        .args(["deadman", "set", "--after", "2d"])
        .assert()
        .success();
    s.cmd()
        .args(["duress", "set", "--stdin", "--no-duress-code"])
        .write_stdin("246810\n246810\n")
        .assert()
        .success();
    // No terminal and no --stdin: refused, still armed.
    for args in [
        vec!["deadman", "clear"],
        vec!["checkin"],
        vec!["remote-wipe", "disarm"],
    ] {
        s.cmd().args(&args).assert().code(2);
    }
    // A wrong PIN: exit 10, still armed.
    s.cmd()
        .args(["deadman", "clear", "--stdin"])
        .write_stdin("999999\n")
        .assert()
        .code(10);
    assert_eq!(
        json(s.cmd().args(["deadman", "status", "--json"]))["armed"],
        true
    );
    s.cmd()
        .args(["checkin", "--stdin"])
        .write_stdin("246810\n")
        .assert()
        .success();
    s.cmd()
        .args(["deadman", "clear", "--stdin"])
        .write_stdin("246810\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("disarmed"));
    assert_eq!(
        json(s.cmd().args(["deadman", "status", "--json"]))["armed"],
        false
    );
    assert!(s.data.join("notes.txt").exists());
}
