//! The clouds the cloud tests run against: the servers `.ci/servers.sh`
//! started (found through CROSSING_TEST_* variables, see
//! [`super::servers::configured`]), how a user points crossing at them, and
//! a client of the test's own to look at a bucket behind crossing's back.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use object_store::ObjectStore;

use super::run;
use super::servers::configured;

/// The emulator's well-known development account (public, documented by Microsoft).
pub const AZURITE_ACCOUNT: &str = "devstoreaccount1";
pub const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    S3,
    Azure,
    Gcs,
}

/// A bucket on a running server, and how a user would point crossing at it.
#[derive(Debug, Clone)]
pub struct Cloud {
    pub kind: Kind,
    pub bucket: String,
    /// The service's address (for the independent client and the proxy).
    pub endpoint: String,
    /// Variables a user would set: credentials, emulator address.
    pub env: Vec<(String, String)>,
    /// `--store-option` arguments a user would keep in the profile.
    pub options: Vec<String>,
    /// Values that must never appear in crossing's output.
    pub secrets: Vec<String>,
}

impl Cloud {
    /// The shared S3 server (s3s-fs), addressed with the standard AWS variables.
    pub fn s3() -> Option<Cloud> {
        let endpoint = configured("CROSSING_TEST_S3_ENDPOINT", "the S3 server (s3s-fs)")?;
        let bucket = std::env::var("CROSSING_TEST_S3_BUCKET").expect("CROSSING_TEST_S3_BUCKET");
        let key = std::env::var("CROSSING_TEST_S3_ACCESS_KEY").expect("S3 access key");
        let secret = std::env::var("CROSSING_TEST_S3_SECRET_KEY").expect("S3 secret key");
        Some(Cloud::s3_at(&endpoint, &bucket, &key, &secret))
    }

    pub fn s3_at(endpoint: &str, bucket: &str, key: &str, secret: &str) -> Cloud {
        Cloud {
            kind: Kind::S3,
            bucket: bucket.to_string(),
            endpoint: endpoint.to_string(),
            env: vec![
                ("AWS_ACCESS_KEY_ID".into(), key.into()),
                ("AWS_SECRET_ACCESS_KEY".into(), secret.into()),
                ("AWS_ENDPOINT".into(), endpoint.into()),
                ("AWS_ALLOW_HTTP".into(), "true".into()),
                ("AWS_REGION".into(), "us-east-1".into()),
            ],
            options: Vec::new(),
            secrets: vec![secret.to_string()],
        }
    }

    /// The shared Azure emulator (azurite), through object_store's emulator mode.
    pub fn azure() -> Option<Cloud> {
        let url = configured("CROSSING_TEST_AZURITE_URL", "the Azure emulator (azurite)")?;
        let container =
            std::env::var("CROSSING_TEST_AZURE_CONTAINER").expect("CROSSING_TEST_AZURE_CONTAINER");
        Some(Cloud::azure_at(&url, &container))
    }

    pub fn azure_at(url: &str, container: &str) -> Cloud {
        Cloud {
            kind: Kind::Azure,
            bucket: container.to_string(),
            endpoint: url.to_string(),
            env: vec![
                ("AZURE_STORAGE_USE_EMULATOR".into(), "true".into()),
                ("AZURITE_BLOB_STORAGE_URL".into(), url.into()),
            ],
            options: Vec::new(),
            // The emulator's account key is public; nothing secret to look for.
            secrets: Vec::new(),
        }
    }

    pub fn url(&self, prefix: &str) -> String {
        let scheme = match self.kind {
            Kind::S3 => "s3",
            Kind::Azure => "az",
            Kind::Gcs => "gs",
        };
        format!("{scheme}://{}/{prefix}", self.bucket)
    }

    /// `crossing --home home` with this cloud's variables set.
    pub fn command(&self, home: &Path) -> std::process::Command {
        let mut cmd = run::command(Some(home), None);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// [`Cloud::command`] through assert_cmd.
    pub fn cmd(&self, home: &Path) -> assert_cmd::Command {
        run::asserted(self.command(home))
    }

    /// `--store-option` arguments for [`Cloud::options`].
    pub fn option_args(&self) -> Vec<&str> {
        self.options
            .iter()
            .flat_map(|o| ["--store-option", o.as_str()])
            .collect()
    }

    /// `init`: a profile "default" backing `data` up to `url`, with this
    /// cloud's options and `extra` arguments.
    pub fn init(&self, home: &Path, data: &Path, url: &str, extra: &[&str]) {
        self.cmd(home)
            .args(run::init_args(data, url, &self.option_args()))
            .args(extra)
            .assert()
            .success();
    }

    /// The same cloud, reached through another address (a proxy).
    pub fn via(&self, endpoint: &str) -> Cloud {
        let mut c = self.clone();
        for (k, v) in &mut c.env {
            if k == "AWS_ENDPOINT" || k == "AZURITE_BLOB_STORAGE_URL" {
                *v = endpoint.to_string();
            }
        }
        c.endpoint = endpoint.to_string();
        c
    }

    /// An object_store client of the test's own, to look at the bucket
    /// without going through crossing.
    pub fn client(&self) -> Arc<dyn ObjectStore> {
        let get = |k: &str| {
            self.env
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        match self.kind {
            Kind::S3 => Arc::new(
                object_store::aws::AmazonS3Builder::new()
                    .with_endpoint(&self.endpoint)
                    .with_allow_http(true)
                    .with_region("us-east-1")
                    .with_bucket_name(&self.bucket)
                    .with_access_key_id(get("AWS_ACCESS_KEY_ID").unwrap())
                    .with_secret_access_key(get("AWS_SECRET_ACCESS_KEY").unwrap())
                    .build()
                    .unwrap(),
            ),
            Kind::Azure => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::new()
                    .with_endpoint(format!("{}/{AZURITE_ACCOUNT}", self.endpoint))
                    .with_allow_http(true)
                    .with_account(AZURITE_ACCOUNT)
                    .with_access_key(AZURITE_KEY)
                    .with_container_name(&self.bucket)
                    .build()
                    .unwrap(),
            ),
            Kind::Gcs => unreachable!("GCS objects are seeded through fake-gcs-server's JSON API"),
        }
    }
}

/// Runs `f` to completion on a runtime of its own.
fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Every object under `prefix`, with its size, as the server lists it.
pub fn list(store: &dyn ObjectStore, prefix: &str) -> Vec<(String, u64)> {
    use futures::TryStreamExt;
    let prefix = object_store::path::Path::from(prefix);
    let metas: Vec<object_store::ObjectMeta> =
        block_on(store.list(Some(&prefix)).try_collect()).unwrap_or_default();
    metas
        .into_iter()
        .map(|m| (m.location.to_string(), m.size))
        .collect()
}

/// One object's metadata, as the server reports it.
pub fn head(store: &dyn ObjectStore, key: &str) -> object_store::ObjectMeta {
    use object_store::ObjectStoreExt;
    block_on(store.head(&object_store::path::Path::from(key))).unwrap()
}

/// Deletes one object, as the server's own client would.
pub fn delete(store: &dyn ObjectStore, key: &str) {
    use object_store::ObjectStoreExt;
    block_on(store.delete(&object_store::path::Path::from(key))).unwrap();
}

/// A prefix no other test (or run) uses. Short: s3s-fs keeps metadata in
/// files named after the base64 of bucket and key, and the file system
/// allows 255 bytes, so keys past about 120 characters fail there.
pub fn unique(name: &str) -> String {
    assert!(name.len() <= 6, "keep test prefixes short for s3s-fs");
    format!("{name}-{}", hex::encode(rand::random::<[u8; 4]>()))
}

/// Fails if any secret shows in `output`.
pub fn assert_no_secret(cloud: &Cloud, output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    for s in &cloud.secrets {
        assert!(!text.contains(s.as_str()), "a secret was printed: {text}");
    }
}
