//! The server stops mid-backup or mid-restore; connections drop mid-download.

use std::time::Duration;

use serde_json::Value;

use super::{finish, spawn, wait_for, Stop};
use crate::cloudkit::proxy::{Faults, Proxy};
use crate::cloudkit::server::Server;
use crate::cloudkit::tree::{self, MIB};
use crate::cloudkit::{
    assert_no_secret, delete, error_line, json, list, new_pseudonym, unique, Cloud,
};

/// The server stops mid-backup: crossing fails cleanly (exit 5, one line,
/// no snapshot). After a restart, and after one of the packs the stopped run
/// stored is lost, the next backup completes: it indexes the packs that are
/// still there (not uploading them again), never the lost one, and
/// `check --read-data` passes.
pub fn server_stops_mid_backup(server: &mut Server, cloud: &Cloud, stop: Stop) {
    let tmp = tempfile::tempdir().unwrap();
    let (home, data) = (tmp.path().join("home"), tmp.path().join("data"));
    let files: Vec<(String, usize)> = (0..6).map(|i| (format!("f{i}.bin"), 8 * MIB)).collect();
    let refs: Vec<(&str, usize)> = files.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    tree::random_files(&data, 3, &refs);
    let phrase = new_pseudonym(&home);
    let prefix = unique("fault");
    let url = cloud.url(&prefix);
    let client = cloud.client();
    let packs = || -> Vec<String> {
        list(&*client, &prefix)
            .into_iter()
            .filter(|(k, _)| k.contains("/data/"))
            .map(|(k, _)| k)
            .collect()
    };

    // Uploads crawl through the proxy (6 MiB/s for 48 MiB, three at a time),
    // so the server surely stops mid-backup; a small retry budget makes the
    // failure quick.
    let mut proxy = Proxy::start(
        0,
        server.addr(),
        Faults {
            upload_rate: Some(6 * MIB as u64),
            ..Default::default()
        },
    );
    let slow = cloud.via(&proxy.url());
    slow.cmd(&home)
        .args(["init", "--data-dir"])
        .arg(&data)
        .args(["--store", &url])
        .args([
            "--store-option",
            "retries=2",
            "--store-option",
            "retry_timeout=10s",
        ])
        .assert()
        .success();
    let mut child = spawn(&slow, &home, &["backup", "--json"]);
    wait_for(
        &mut child,
        Duration::from_secs(120),
        "two packs were stored",
        || packs().len() >= 2,
    );
    match stop {
        Stop::Kill => server.kill(),
        Stop::Terminate => server.terminate(),
    }
    proxy.stop();
    let out = finish(child, Duration::from_secs(120));
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = error_line(&out.stderr);
    assert!(
        line.contains("backup stopped before writing a snapshot"),
        "{line}"
    );
    assert!(line.contains(&format!("\"{}\"", cloud.bucket)), "{line}");
    assert_no_secret(cloud, &out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    server.start();
    let stored = packs();
    assert!(stored.len() >= 2, "{stored:?}");
    assert!(
        list(&*client, &prefix)
            .iter()
            .all(|(k, _)| !k.contains("/snapshots/")),
        "the stopped backup wrote a snapshot"
    );
    delete(&*client, &stored[0]);

    // The next (cron) run, at full speed through a new proxy on the same address.
    let proxy = Proxy::start(proxy.port, server.addr(), Faults::default());
    let summary = json(
        cloud
            .via(&proxy.url())
            .cmd(&home)
            .args(["backup", "--json"]),
    );
    let new_packs = summary["new_packs"].as_u64().unwrap();
    let report = json(
        cloud
            .cmd(&home)
            .args([
                "check",
                "--read-data",
                "--json",
                "--store",
                &url,
                "--phrase-file",
            ])
            .arg(&phrase),
    );
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    assert_eq!(report["snapshots"], 1, "{report}");
    // Packs the stopped run had stored are indexed now, not uploaded again.
    assert!(
        report["packs_read"].as_u64().unwrap() > new_packs,
        "no pack of the stopped run was reused: {report} {summary}"
    );
    let restored = tmp.path().join("restored");
    cloud
        .cmd(&tmp.path().join("device"))
        .args(["restore", "--store", &url, "--data-dir"])
        .arg(&restored)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .success();
    tree::assert_same(&data, &restored);
}

/// A backup of `tree::sample` in a fresh prefix; returns (tmp, url, phrase).
fn backed_up(cloud: &Cloud) -> (tempfile::TempDir, String, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (home, data) = (tmp.path().join("home"), tmp.path().join("data"));
    tree::sample(&data, 5);
    let phrase = new_pseudonym(&home);
    let url = cloud.url(&unique("rs"));
    cloud
        .cmd(&home)
        .args(["backup", "--json", "--data-dir"])
        .arg(&data)
        .args(["--store", &url])
        .assert()
        .success();
    (tmp, url, phrase)
}

/// Connections dropped mid-download are retried (object_store resumes the
/// body where it broke off), and the restore is byte-for-byte.
pub fn restore_through_dropped_connections(cloud: &Cloud) {
    let (tmp, url, phrase) = backed_up(cloud);
    let upstream: std::net::SocketAddr = cloud
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = Proxy::start(
        0,
        upstream,
        Faults {
            cut_downloads: Some((3, MIB as u64)),
            ..Default::default()
        },
    );
    let restored = tmp.path().join("restored");
    cloud
        .via(&proxy.url())
        .cmd(&tmp.path().join("device"))
        .args(["restore", "--store", &url, "--data-dir"])
        .arg(&restored)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .success();
    assert_eq!(proxy.cuts(), 3, "the proxy did not cut the downloads");
    tree::assert_same(&tmp.path().join("data"), &restored);
}

/// The server dies mid-restore: exit 5, and neither the target nor a
/// staging directory is left behind; after a restart the restore completes.
pub fn server_stops_mid_restore(server: &mut Server, cloud: &Cloud, stop: Stop) {
    let (tmp, url, phrase) = backed_up(cloud);
    let mut proxy = Proxy::start(
        0,
        server.addr(),
        Faults {
            download_rate: Some(4 * MIB as u64),
            ..Default::default()
        },
    );
    let restored = tmp.path().join("restored");
    let device = tmp.path().join("device");
    let slow = cloud.via(&proxy.url());
    let mut child = spawn(
        &slow,
        &device,
        &[
            "restore",
            "--store",
            &url,
            "--data-dir",
            restored.to_str().unwrap(),
            "--phrase-file",
            phrase.to_str().unwrap(),
            "--store-option",
            "retries=2",
            "--store-option",
            "retry_timeout=5s",
        ],
    );
    let staging = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("crossing-restore"))
            .count()
    };
    wait_for(
        &mut child,
        Duration::from_secs(60),
        "the restore began writing",
        || staging() > 0,
    );
    std::thread::sleep(Duration::from_millis(500));
    match stop {
        Stop::Kill => server.kill(),
        Stop::Terminate => server.terminate(),
    }
    proxy.stop();
    let out = finish(child, Duration::from_secs(120));
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = error_line(&out.stderr);
    assert!(line.contains("not reachable"), "{line}");
    assert!(
        !restored.exists(),
        "a partial restore was left at the target"
    );
    assert_eq!(staging(), 0, "a staging directory was left behind");

    server.start();
    cloud
        .cmd(&device)
        .args(["restore", "--store", &url, "--data-dir"])
        .arg(&restored)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .success();
    tree::assert_same(&tmp.path().join("data"), &restored);
}
