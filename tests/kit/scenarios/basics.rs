//! Round trip, bad settings, a store emptied behind crossing's back.

use predicates::prelude::*;
use serde_json::Value;

use super::{check_read_data, restore};
use crate::kit::cloud::{assert_no_secret, delete, head, list, unique, Cloud, Kind};
use crate::kit::tree::{self, assert_trees_equal, MIB};
use crate::kit::{crossing, error_line, json, servers, Fixture};

/// Backup, a backup with nothing changed, restore on a new device
/// byte-for-byte, and `check --read-data`.
pub fn round_trip(cloud: &Cloud) {
    let fx = Fixture::unconfigured(|data| tree::sample(data, 1));
    let (home, data, phrase) = (&fx.home, &fx.data, &fx.phrase_file);
    let prefix = unique("rt");
    let url = cloud.url(&prefix);
    cloud.init(home, data, &url, &[]);

    let first = json(cloud.cmd(home).args(["backup", "--json"]));
    assert_eq!(first["files"], 4, "{first}");
    assert!(first["new_packs"].as_u64().unwrap() >= 2, "{first}");
    // The 20 MiB file fills packs above the multipart threshold (8 MiB).
    let client = cloud.client();
    let big_packs: Vec<(String, u64)> = list(&*client, &prefix)
        .into_iter()
        .filter(|(k, size)| k.contains("/data/") && *size >= 8 * MIB as u64)
        .collect();
    assert!(
        !big_packs.is_empty(),
        "no pack reached the multipart threshold"
    );
    if cloud.kind == Kind::S3 {
        // S3 names a multipart object's ETag "<hash>-<number of parts>": 5 MiB parts.
        for (key, size) in &big_packs {
            let parts = size.div_ceil(5 * MIB as u64);
            let etag = head(&*client, key).e_tag.unwrap_or_default();
            assert!(
                etag.trim_matches('"').ends_with(&format!("-{parts}")),
                "{key} ({size} bytes) was not uploaded in {parts} parts: ETag {etag}"
            );
        }
    }

    let second = json(cloud.cmd(home).args(["backup", "--json"]));
    assert_eq!(second["files_read"], 0, "{second}");
    assert_eq!(second["new_packs"], 0, "{second}");
    assert!(
        second["bytes_stored"].as_u64().unwrap() < 64 * 1024,
        "{second}"
    );
    assert_ne!(first["snapshot"], second["snapshot"]);

    // A new device: nothing but the phrase and the URL.
    let device = fx.root().join("new-device");
    let listed = json(
        cloud
            .cmd(&device)
            .args(["snapshots", "--json", "--store", &url, "--phrase-file"])
            .arg(phrase)
            .args(cloud.option_args()),
    );
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let restored = fx.root().join("restored");
    let out = restore(cloud, &device, &url, &restored, phrase)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_no_secret(cloud, &out.stdout);
    assert_no_secret(cloud, &out.stderr);
    assert_trees_equal(data, &restored);

    let report = check_read_data(cloud, home, phrase, &[]);
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    assert_eq!(report["snapshots"], 2, "{report}");
    let packs = report["packs"].as_u64().unwrap();
    assert!(packs >= 2 && report["packs_read"] == packs, "{report}");

    // Prune: the 20 MiB file leaves the data directory; keeping only the
    // newest snapshot deletes the packs that held it, in the cloud store.
    std::fs::remove_file(data.join("big.bin")).unwrap();
    json(cloud.cmd(home).args(["backup", "--json"]));
    let pruned = json(
        cloud
            .cmd(home)
            .args(["prune", "--keep-last", "1", "--json"]),
    );
    assert_eq!(pruned["warm"], true, "{pruned}");
    assert!(
        pruned["bytes_deleted"].as_u64().unwrap() >= 20 * MIB as u64,
        "{pruned}"
    );
    let after = check_read_data(cloud, home, phrase, &[]);
    assert_eq!(after["problems"], Value::Array(vec![]), "{after}");
    assert_eq!(after["snapshots"], 1, "{after}");
    let again = fx.root().join("restored-after-prune");
    restore(cloud, &device, &url, &again, phrase)
        .assert()
        .success();
    assert_trees_equal(data, &again);
}

/// Missing, wrong or misdirected settings: exit 5, one line, naming the
/// bucket and what to set, no secret.
pub fn bad_settings(cloud: &Cloud, secret_var: &str, writes_check_bucket: bool) {
    let fx = Fixture::unconfigured(|data| tree::random_files(data, 2, &[("f", 1000)]));
    let (home, data) = (&fx.home, &fx.data);
    let first_backup = |cloud: &Cloud, url: &str, extra: &[&str]| {
        let out = cloud
            .cmd(home)
            .args(["backup", "--profile", &unique("p"), "--data-dir"])
            .arg(data)
            .args(["--store", url])
            .args(extra)
            .assert()
            .code(5)
            .get_output()
            .clone();
        assert_no_secret(cloud, &out.stdout);
        assert_no_secret(cloud, &out.stderr);
        error_line(&out.stderr)
    };

    // A bucket that does not exist, seen by a read (s3s-fs, unlike S3,
    // creates a bucket on the first write to it) and, if the server refuses
    // writes there, by a first backup.
    let missing = unique("nobkt");
    let mut elsewhere = cloud.clone();
    elsewhere.bucket = missing.clone();
    let out = cloud
        .cmd(home)
        .args(["snapshots", "--store", &elsewhere.url("x"), "--phrase-file"])
        .arg(&fx.phrase_file)
        .assert()
        .code(5)
        .get_output()
        .clone();
    let line = error_line(&out.stderr);
    assert!(
        line.contains(&format!("\"{missing}\"")) && line.contains("does not exist"),
        "{line}"
    );
    if writes_check_bucket {
        let line = first_backup(cloud, &elsewhere.url("x"), &[]);
        assert!(
            line.contains(&format!("\"{missing}\"")) && line.contains("does not exist"),
            "{line}"
        );
    }

    let mut wrong = cloud.clone();
    // Well-formed (base64 too, as Azure keys are), but not the server's.
    let wrong_secret = hex::encode(rand::random::<[u8; 24]>());
    let mut found = false;
    for (k, v) in &mut wrong.env {
        if k == secret_var {
            *v = wrong_secret.clone();
            found = true;
        }
    }
    if !found {
        wrong
            .env
            .push((secret_var.to_string(), wrong_secret.clone()));
    }
    wrong.secrets.push(wrong_secret);
    let line = first_backup(&wrong, &cloud.url("denied"), &[]);
    assert!(
        line.contains("access denied") && line.contains(&format!("\"{}\"", cloud.bucket)),
        "{line}"
    );
    assert!(line.contains(secret_var), "{line}");

    // Nothing listens there: refused, retried (here only twice), reported.
    let closed = format!("http://127.0.0.1:{}", servers::free_port());
    let line = first_backup(
        &cloud.via(&closed),
        &cloud.url("down"),
        &[
            "--store-option",
            "retries=2",
            "--store-option",
            "retry_timeout=5s",
        ],
    );
    assert!(
        line.contains("not reachable") && line.contains("connection refused"),
        "{line}"
    );
    assert!(line.contains(&format!("\"{}\"", cloud.bucket)), "{line}");

    // Secrets are refused as options, and not echoed back.
    crossing(home)
        .args(["init", "--name", "x", "--data-dir"])
        .arg(data)
        .args(["--store", &cloud.url("x"), "--store-option"])
        .arg(format!("{}=hunter2-secret", secret_option(secret_var)))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(secret_var).and(predicate::str::contains("hunter2").not()),
        );
}

fn secret_option(var: &str) -> &'static str {
    match var {
        "AWS_SECRET_ACCESS_KEY" => "secret_access_key",
        _ => "account_key",
    }
}

/// The store is emptied behind crossing's back (a lifecycle rule, a wiped
/// emulator, another bucket at the same address): the next backup notices,
/// uploads everything again, and every snapshot it writes is whole.
pub fn store_emptied(cloud: &Cloud) {
    let fx = Fixture::unconfigured(|data| {
        tree::random_files(data, 4, &[("a", 3 * MIB), ("b/c", 100_000)])
    });
    let home = &fx.home;
    let prefix = unique("gone");
    let url = cloud.url(&prefix);
    cloud.init(home, &fx.data, &url, &[]);
    json(cloud.cmd(home).args(["backup", "--json"]));
    let client = cloud.client();
    for (key, _) in list(&*client, &prefix) {
        delete(&*client, &key);
    }
    let out = cloud
        .cmd(home)
        .args(["backup", "--json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("everything is uploaded again"))
        .get_output()
        .clone();
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(summary["new_packs"].as_u64().unwrap() >= 1, "{summary}");
    let report = check_read_data(cloud, home, &fx.phrase_file, &[]);
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    assert_eq!(report["snapshots"], 1, "{report}");
}
