//! What every writable cloud must do, run against each real server:
//! `basics` (round trip, bad settings, an emptied store), `faults` (the
//! server stops mid-backup or mid-restore, connections drop) and `append`
//! (credentials that cannot delete: the device appends, a trusted machine
//! prunes).

mod append;
mod basics;
mod faults;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[allow(unused_imports)] // not every test file runs every scenario
pub use append::{device_appends_trusted_machine_prunes, CANNOT_DELETE};
#[allow(unused_imports)]
pub use basics::{bad_settings, round_trip, store_emptied};
#[allow(unused_imports)]
pub use faults::{
    restore_through_dropped_connections, server_stops_mid_backup, server_stops_mid_restore,
};

use super::cloud::Cloud;
use super::{json, restore_args};

/// `restore` from `url` into `target`, on `device`, with the cloud's options.
fn restore(
    cloud: &Cloud,
    device: &Path,
    url: &str,
    target: &Path,
    phrase: &Path,
) -> assert_cmd::Command {
    let mut cmd = cloud.cmd(device);
    cmd.args(restore_args(url, target, phrase))
        .args(cloud.option_args());
    cmd
}

/// `check --read-data --json [extra…]` with the phrase: the report.
fn check_read_data(cloud: &Cloud, home: &Path, phrase: &Path, extra: &[&str]) -> Value {
    json(
        cloud
            .cmd(home)
            .args(["check", "--read-data", "--json"])
            .args(extra)
            .arg("--phrase-file")
            .arg(phrase),
    )
}

/// Spawns crossing with `args`, output captured.
fn spawn(cloud: &Cloud, home: &Path, args: &[&str]) -> Child {
    cloud
        .command(home)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for a child, at most `limit` (a hang is a failure, not a slow test).
fn finish(child: Child, limit: Duration) -> std::process::Output {
    let deadline = Instant::now() + limit;
    let mut child = child;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("crossing did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// Waits until `cond` holds, failing after `limit` or if `child` exits first.
fn wait_for(child: &mut Child, limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("crossing exited ({status}) before {what}");
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How a fault test stops its server.
#[derive(Clone, Copy)]
pub enum Stop {
    /// SIGKILL: gone mid-request (its storage must survive that: s3s-fs).
    Kill,
    /// SIGTERM: closes its port and exits (azurite loses unsaved metadata on SIGKILL).
    Terminate,
}
