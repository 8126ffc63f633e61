//! GCS: crossing's read path (list, head, get) through a real server,
//! fake-gcs-server, started by .ci/servers.sh.
//!
//! Not covered end to end, and why: fake-gcs-server rejects the XML-API
//! uploads (PUT, multipart) that object_store sends, and no installable GCS
//! emulator accepts them; so a backup to gs:// is not run here. The
//! repository is written by crossing to a folder store, uploaded through
//! fake-gcs-server's JSON API, and read back through gs://. fake-gcs-server
//! has no authentication (so access denied is not covered), and answers 500
//! rather than GCS's 404 NoSuchBucket for a missing bucket (so that message is
//! covered by unit tests only). See docs/stores.md.

mod cloudkit;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use cloudkit::tree;
use cloudkit::{configured, crossing, json, new_pseudonym, unique};

struct Gcs {
    /// host:port
    addr: String,
    bucket: String,
}

impl Gcs {
    fn from_env() -> Option<Gcs> {
        let url = configured("CROSSING_TEST_GCS_URL", "the GCS server (fake-gcs-server)")?;
        Some(Gcs {
            addr: url.trim_start_matches("http://").to_string(),
            bucket: std::env::var("CROSSING_TEST_GCS_BUCKET").expect("CROSSING_TEST_GCS_BUCKET"),
        })
    }

    /// Uploads one object through the JSON API (`uploadType=media`).
    fn upload(&self, name: &str, body: &[u8]) {
        let path = format!(
            "/upload/storage/v1/b/{}/o?uploadType=media&name={}",
            self.bucket,
            name.replace('/', "%2F")
        );
        let (status, reply) = http(&self.addr, "POST", &path, body);
        assert_eq!(
            status,
            200,
            "upload of {name}: {}",
            String::from_utf8_lossy(&reply)
        );
    }

    /// Uploads every file under `dir`, named by its path relative to it.
    fn upload_tree(&self, dir: &Path, prefix: &str) -> usize {
        let files = tree::snapshot(dir);
        let mut n = 0;
        for (rel, bytes) in files.iter().filter(|(k, _)| !k.ends_with('/')) {
            self.upload(&format!("{prefix}/{rel}"), bytes);
            n += 1;
        }
        n
    }

    /// How a user points crossing at this server: a service-account key file
    /// naming the server, without OAuth (the emulator has none).
    fn key_file(&self, dir: &Path) -> std::path::PathBuf {
        let file = dir.join("gcs-key.json");
        let key = serde_json::json!({
            "private_key": "",
            "private_key_id": "",
            "client_email": "",
            "gcs_base_url": format!("http://{}", self.addr),
            "disable_oauth": true,
        });
        std::fs::write(&file, key.to_string()).unwrap();
        file
    }
}

/// A minimal HTTP/1.1 exchange (one request per connection).
fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    let head = String::from_utf8_lossy(&reply[..reply.len().min(64)]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, reply)
}

#[test]
fn a_repository_is_read_through_gs() {
    let Some(gcs) = Gcs::from_env() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (home, data, folder) = (
        tmp.path().join("home"),
        tmp.path().join("data"),
        tmp.path().join("store"),
    );
    tree::sample(&data, 7);
    let phrase = new_pseudonym(&home);
    let local = format!("file://{}", folder.display());
    crossing(&home)
        .args(["init", "--data-dir"])
        .arg(&data)
        .args(["--store", &local])
        .assert()
        .success();
    let first = json(crossing(&home).args(["backup", "--json"]));
    // Snapshot times are in seconds, and "latest" is the newest by that time:
    // two snapshots within one second would make it ambiguous.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(data.join("notes/added.txt"), b"a second snapshot").unwrap();
    json(crossing(&home).args(["backup", "--json"]));

    let prefix = unique("gs");
    assert!(gcs.upload_tree(&folder, &prefix) >= 5);
    let url = format!("gs://{}/{prefix}", gcs.bucket);
    let key = gcs.key_file(tmp.path());
    let gs = |home: &Path| {
        let mut cmd = crossing(home);
        cmd.env("GOOGLE_SERVICE_ACCOUNT", &key);
        cmd
    };

    let device = tmp.path().join("device");
    let listed = json(
        gs(&device)
            .args(["snapshots", "--json", "--store", &url, "--phrase-file"])
            .arg(&phrase),
    );
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{listed}");
    assert!(
        ids.contains(&first["snapshot"].as_str().unwrap()),
        "{listed}"
    );

    let report = json(
        gs(&device)
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
    assert!(report["packs_read"].as_u64().unwrap() >= 2, "{report}");

    let restored = tmp.path().join("restored");
    gs(&device)
        .args(["restore", "--store", &url, "--data-dir"])
        .arg(&restored)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .success();
    tree::assert_same(&data, &restored);

    // The first snapshot too, by ID prefix.
    let older = tmp.path().join("older");
    gs(&device)
        .args(["restore", "--store", &url, "--snapshot"])
        .arg(&first["snapshot"].as_str().unwrap()[..10])
        .arg("--data-dir")
        .arg(&older)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .success();
    assert!(!older.join("notes/added.txt").exists());

    // A pack damaged in the bucket: check names it, restore refuses (exit 6)
    // and leaves nothing behind.
    let (pack, bytes) = tree::snapshot(&folder)
        .into_iter()
        .find(|(k, v)| k.contains("/data/") && v.len() > 1024 * 1024)
        .unwrap();
    let mut damaged = bytes.clone();
    damaged[bytes.len() / 2] ^= 1;
    gcs.upload(&format!("{prefix}/{pack}"), &damaged);
    let pack_name = pack.rsplit('/').next().unwrap().to_string();
    gs(&device)
        .args(["check", "--read-data", "--store", &url, "--phrase-file"])
        .arg(&phrase)
        .assert()
        .code(6)
        .stderr(predicate::str::contains(pack_name.as_str()));
    let broken = tmp.path().join("broken");
    gs(&device)
        .args(["restore", "--store", &url, "--data-dir"])
        .arg(&broken)
        .arg("--phrase-file")
        .arg(&phrase)
        .assert()
        .code(6);
    assert!(!broken.exists());
}
