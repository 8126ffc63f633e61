//! The device appends, a trusted machine prunes (docs/append-only.md): a
//! device whose credentials cannot delete backs up, departs and lists; its
//! prune fails at once, changing nothing; a machine with delete rights and
//! the phrase prunes.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::restore;
use crate::kit::cloud::{assert_no_secret, list, unique, Cloud};
use crate::kit::tree::{self, assert_trees_equal};
use crate::kit::{error_line, json, run};

/// Exit code of a prune whose credentials cannot delete (docs/append-only.md).
pub const CANNOT_DELETE: i32 = 5;

/// `device` holds credentials that cannot delete (nor, where the store
/// offers it, overwrite); `trusted` the same store with delete rights.
pub fn device_appends_trusted_machine_prunes(device: &Cloud, trusted: &Cloud) {
    let fx = crate::kit::Fixture::unconfigured(|data| tree::sample(data, 3));
    let (home, data, phrase) = (&fx.home, &fx.data, &fx.phrase_file);
    let prefix = unique("ao");
    let url = device.url(&prefix);
    device.init(home, data, &url, &[]);

    // Backups: the config, packs (some above the multipart threshold), an
    // index and a snapshot each, all created, nothing replaced or deleted.
    let first = json(device.cmd(home).args(["backup", "--json"]));
    assert!(first["new_packs"].as_u64().unwrap() >= 2, "{first}");
    std::thread::sleep(Duration::from_millis(1100));
    tree::write(&data.join("notes/brief.txt"), "gone in a second");
    json(
        device
            .cmd(home)
            .args(["backup", "--json", "--expire-after", "1s"]),
    );
    let listed = json(
        device
            .cmd(home)
            .args(["snapshots", "--json", "--phrase-file"])
            .arg(phrase),
    );
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    std::thread::sleep(Duration::from_millis(1100));

    // prune: the expired snapshot is due, but these credentials cannot
    // delete. One line, exit 5, and the store exactly as it was.
    let client = trusted.client();
    let before = list(&*client, &prefix);
    let out = device
        .cmd(home)
        .arg("prune")
        .assert()
        .code(CANNOT_DELETE)
        .get_output()
        .clone();
    assert_no_secret(device, &out.stderr);
    let line = error_line(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1,
        "{line}"
    );
    assert!(
        line.contains("these credentials cannot delete from")
            && line.contains("/index/absent-")
            && line.contains("run it on a trusted machine")
            && line.contains("docs/append-only.md"),
        "{line}"
    );
    assert_eq!(list(&*client, &prefix), before, "prune changed the store");

    // depart: a last backup, verified in the store, then the device wiped.
    let kept = fx.root().join("kept");
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(data)
        .arg(&kept)
        .status()
        .unwrap();
    assert!(copied.success(), "cp -a of the data directory");
    let departed = json(device.cmd(home).args(["depart", "--yes", "--json"]));
    assert!(!data.exists(), "{departed}");

    // The trusted machine: the phrase, delete rights, a profile of its own.
    let machine = trusted_machine(fx.root(), phrase, trusted, &url);
    let pruned = json(
        trusted
            .cmd(&machine)
            .args(["prune", "--json", "--phrase-file"])
            .arg(phrase),
    );
    let forgotten: Vec<&Value> = pruned["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] != "keep")
        .collect();
    assert_eq!(forgotten.len(), 1, "{pruned}");
    let listed = json(
        trusted
            .cmd(&machine)
            .args(["snapshots", "--json", "--phrase-file"])
            .arg(phrase),
    );
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let restored = fx.root().join("restored");
    restore(device, &fx.root().join("new"), &url, &restored, phrase)
        .assert()
        .success();
    assert_trees_equal(&kept, &restored);
}

/// A home with the pseudonym of `phrase` and a profile on `url`.
fn trusted_machine(root: &Path, phrase: &Path, trusted: &Cloud, url: &str) -> std::path::PathBuf {
    let home = root.join("trusted");
    trusted
        .cmd(&home)
        .args(["pseudonym", "import", "--phrase-file"])
        .arg(phrase)
        .assert()
        .success();
    let data = root.join("trusted-data");
    std::fs::create_dir_all(&data).unwrap();
    trusted
        .cmd(&home)
        .args(run::init_args(&data, url, &trusted.option_args()))
        .assert()
        .success();
    home
}
