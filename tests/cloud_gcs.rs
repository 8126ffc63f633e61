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

mod kit;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use kit::cloud::unique;
use kit::servers::configured;
use kit::{assert_trees_equal, crossing, files_with_contents, init_args, json, restore_args};
use kit::{tree, Fixture};

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
        let files = files_with_contents(dir);
        for (path, bytes) in &files {
            let rel = path.strip_prefix(dir).unwrap().display();
            self.upload(&format!("{prefix}/{rel}"), bytes);
        }
        files.len()
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
    let fx = Fixture::unconfigured(|data| tree::sample(data, 7));
    let (home, data, folder, phrase) = (&fx.home, &fx.data, &fx.store, &fx.phrase_file);
    crossing(home)
        .args(init_args(data, &fx.store_url(), &[]))
        .assert()
        .success();
    let first = json(crossing(home).args(["backup", "--json"]));
    // Snapshot times are in seconds, and "latest" is the newest by that time:
    // two snapshots within one second would make it ambiguous.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(data.join("notes/added.txt"), b"a second snapshot").unwrap();
    json(crossing(home).args(["backup", "--json"]));

    let prefix = unique("gs");
    assert!(gcs.upload_tree(folder, &prefix) >= 5);
    let url = format!("gs://{}/{prefix}", gcs.bucket);
    let key = gcs.key_file(fx.root());
    let gs = |home: &Path| {
        let mut cmd = crossing(home);
        cmd.env("GOOGLE_SERVICE_ACCOUNT", &key);
        cmd
    };

    let device = fx.root().join("device");
    let listed = json(
        gs(&device)
            .args(["snapshots", "--json", "--store", &url, "--phrase-file"])
            .arg(phrase),
    );
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["snapshot"].as_str().unwrap())
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
            .arg(phrase),
    );
    assert_eq!(report["problems"], Value::Array(vec![]), "{report}");
    assert!(report["packs_read"].as_u64().unwrap() >= 2, "{report}");

    let restored = fx.root().join("restored");
    gs(&device)
        .args(restore_args(&url, &restored, phrase))
        .assert()
        .success();
    assert_trees_equal(data, &restored);

    // The first snapshot too, by ID prefix.
    let older = fx.root().join("older");
    gs(&device)
        .args(restore_args(&url, &older, phrase))
        .arg("--snapshot")
        .arg(&first["snapshot"].as_str().unwrap()[..10])
        .assert()
        .success();
    assert!(!older.join("notes/added.txt").exists());

    // A pack damaged in the bucket: check names it, restore refuses (exit 6)
    // and leaves nothing behind.
    let (pack, bytes) = files_with_contents(folder)
        .into_iter()
        .find(|(p, v)| {
            let rel = p.strip_prefix(folder).unwrap();
            rel.to_string_lossy().contains("/data/") && v.len() > 1024 * 1024
        })
        .unwrap();
    let mut damaged = bytes.clone();
    damaged[bytes.len() / 2] ^= 1;
    let rel = pack.strip_prefix(folder).unwrap().display();
    gcs.upload(&format!("{prefix}/{rel}"), &damaged);
    let pack_name = pack.file_name().unwrap().to_string_lossy().into_owned();
    gs(&device)
        .args(["check", "--read-data", "--store", &url, "--phrase-file"])
        .arg(phrase)
        .assert()
        .code(6)
        .stderr(predicate::str::contains(pack_name.as_str()));
    let broken = fx.root().join("broken");
    gs(&device)
        .args(restore_args(&url, &broken, phrase))
        .assert()
        .code(6);
    assert!(!broken.exists());
}
