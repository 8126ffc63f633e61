//! The server stops mid-backup or mid-restore; connections drop mid-download.

use std::process::{Child, Output};
use std::time::Duration;

use serde_json::Value;

use super::{check_read_data, finish, restore, spawn, wait_for, Stop};
use crate::kit::cloud::{assert_no_secret, delete, list, unique, Cloud};
use crate::kit::proxy::{Faults, Proxy};
use crate::kit::servers::Server;
use crate::kit::tree::{self, assert_trees_equal, MIB};
use crate::kit::{error_line, json, Fixture};

/// Stops `server` (as `stop` says) and the proxy in front of it; `child`,
/// which was using them, must then fail with exit 5. Returns its output and
/// its one error line.
fn stop_server(
    server: &mut Server,
    proxy: &mut Proxy,
    stop: Stop,
    child: Child,
) -> (Output, String) {
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
    (out, line)
}

/// The server stops mid-backup: crossing fails cleanly (exit 5, one line,
/// no snapshot). After a restart, and after one of the packs the stopped run
/// stored is lost, the next backup completes: it indexes the packs that are
/// still there (not uploading them again), never the lost one, and
/// `check --read-data` passes.
pub fn server_stops_mid_backup(server: &mut Server, cloud: &Cloud, stop: Stop) {
    let files: Vec<(String, usize)> = (0..6).map(|i| (format!("f{i}.bin"), 8 * MIB)).collect();
    let refs: Vec<(&str, usize)> = files.iter().map(|(n, s)| (n.as_str(), *s)).collect();
    let fx = Fixture::unconfigured(|data| tree::random_files(data, 3, &refs));
    let (home, phrase) = (&fx.home, &fx.phrase_file);
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
    slow.init(
        home,
        &fx.data,
        &url,
        &[
            "--store-option",
            "retries=2",
            "--store-option",
            "retry_timeout=10s",
        ],
    );
    let mut child = spawn(&slow, home, &["backup", "--json"]);
    wait_for(
        &mut child,
        Duration::from_secs(120),
        "two packs were stored",
        || packs().len() >= 2,
    );
    let (out, line) = stop_server(server, &mut proxy, stop, child);
    assert!(
        line.contains("backup stopped before writing a snapshot"),
        "{line}"
    );
    assert!(line.contains(&format!("\"{}\"", cloud.bucket)), "{line}");
    assert_no_secret(cloud, &out.stderr);
    // Under --json, stdout is the one error object (docs/json.md).
    let error: Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    assert_eq!(error["error"]["exit_code"], 5, "{error}");
    assert_eq!(error["error"]["kind"], "not_reachable", "{error}");

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
    let summary = json(cloud.via(&proxy.url()).cmd(home).args(["backup", "--json"]));
    let new_packs = summary["new_packs"].as_u64().unwrap();
    let report = check_read_data(cloud, home, phrase, &["--store", &url]);
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    assert_eq!(report["snapshots"], 1, "{report}");
    // Packs the stopped run had stored are indexed now, not uploaded again.
    assert!(
        report["packs_read"].as_u64().unwrap() > new_packs,
        "no pack of the stopped run was reused: {report} {summary}"
    );
    let restored = fx.root().join("restored");
    restore(cloud, &fx.root().join("device"), &url, &restored, phrase)
        .assert()
        .success();
    assert_trees_equal(&fx.data, &restored);
}

/// A backup of `tree::sample` in a fresh prefix; returns the fixture and the URL.
fn backed_up(cloud: &Cloud) -> (Fixture, String) {
    let fx = Fixture::unconfigured(|data| tree::sample(data, 5));
    let url = cloud.url(&unique("rs"));
    cloud
        .cmd(&fx.home)
        .args(["backup", "--json", "--data-dir"])
        .arg(&fx.data)
        .args(["--store", &url])
        .assert()
        .success();
    (fx, url)
}

/// Connections dropped mid-download are retried (object_store resumes the
/// body where it broke off), and the restore is byte-for-byte.
pub fn restore_through_dropped_connections(cloud: &Cloud) {
    let (fx, url) = backed_up(cloud);
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
    let restored = fx.root().join("restored");
    let device = fx.root().join("device");
    restore(
        &cloud.via(&proxy.url()),
        &device,
        &url,
        &restored,
        &fx.phrase_file,
    )
    .assert()
    .success();
    assert_eq!(proxy.cuts(), 3, "the proxy did not cut the downloads");
    assert_trees_equal(&fx.data, &restored);
}

/// The server dies mid-restore: exit 5, and neither the target nor a
/// staging directory is left behind; after a restart the restore completes.
pub fn server_stops_mid_restore(server: &mut Server, cloud: &Cloud, stop: Stop) {
    let (fx, url) = backed_up(cloud);
    let phrase = &fx.phrase_file;
    let mut proxy = Proxy::start(
        0,
        server.addr(),
        Faults {
            download_rate: Some(4 * MIB as u64),
            ..Default::default()
        },
    );
    let restored = fx.root().join("restored");
    let device = fx.root().join("device");
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
        std::fs::read_dir(fx.root())
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
    let (_, line) = stop_server(server, &mut proxy, stop, child);
    assert!(line.contains("not reachable"), "{line}");
    assert!(
        !restored.exists(),
        "a partial restore was left at the target"
    );
    assert_eq!(staging(), 0, "a staging directory was left behind");

    server.start();
    restore(cloud, &device, &url, &restored, phrase)
        .assert()
        .success();
    assert_trees_equal(&fx.data, &restored);
}
