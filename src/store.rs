//! Where repositories live: an `object_store::ObjectStore` chosen by URL.
//!
//! `file://` is a local folder (writes are fsynced, so "durably stored"
//! means what it says), `s3://`, `gs://` and `az://` are cloud buckets
//! configured from the standard environment variables, `memory://` is for
//! tests. Everything above this module sees only [`Store`].

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::path::Path as ObjPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt, PutPayload};

use crate::error::ExitKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid store URL \"{url}\": {why}")]
    InvalidUrl { url: String, why: String },
    #[error("store {url} is not reachable ({detail}); check the address, the network and the credentials")]
    Unreachable { url: String, detail: String },
    #[error("object {object} is missing from the store")]
    Missing { object: String },
}

impl StoreError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            StoreError::InvalidUrl { .. } => ExitKind::Usage,
            StoreError::Unreachable { .. } => ExitKind::NotReachable,
            StoreError::Missing { .. } => ExitKind::Integrity,
        }
    }
}

/// The schemes a profile may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    File,
    S3,
    Gcs,
    Azure,
    Memory,
}

/// A checked store URL: scheme, bucket (or folder) and prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUrl {
    pub url: String,
    pub scheme: Scheme,
    /// For file://, the folder; for buckets, the bucket name.
    pub location: String,
    /// Path prefix inside the bucket (empty for none).
    pub prefix: String,
}

impl StoreUrl {
    pub fn parse(input: &str) -> Result<StoreUrl, StoreError> {
        let invalid = |why: &str| StoreError::InvalidUrl {
            url: input.to_string(),
            why: why.to_string(),
        };
        let parsed = url::Url::parse(input).map_err(|e| {
            invalid(&format!(
                "{e}; expected e.g. file:///path or s3://bucket/prefix"
            ))
        })?;
        let scheme = match parsed.scheme() {
            "file" => Scheme::File,
            "s3" | "s3a" => Scheme::S3,
            "gs" => Scheme::Gcs,
            "az" | "azure" | "abfs" | "abfss" => Scheme::Azure,
            "memory" => Scheme::Memory,
            other => {
                return Err(invalid(&format!(
                    "unknown scheme \"{other}\"; crossing stores are file://, s3://, gs://, az:// (or memory:// for tests)"
                )))
            }
        };
        let path = parsed.path().trim_matches('/').to_string();
        let (location, prefix) = match scheme {
            Scheme::File => {
                if parsed
                    .host_str()
                    .is_some_and(|h| !h.is_empty() && h != "localhost")
                {
                    return Err(invalid("a file:// URL needs an absolute path, like file:///home/me/store (three slashes)"));
                }
                let path = parsed
                    .to_file_path()
                    .map_err(|_| invalid("not a valid absolute file path"))?;
                (path.to_string_lossy().into_owned(), String::new())
            }
            Scheme::Memory => (parsed.host_str().unwrap_or("").to_string(), path),
            _ => {
                let bucket = parsed.host_str().unwrap_or("");
                if bucket.is_empty() {
                    return Err(invalid(
                        "the URL names no bucket or container, like s3://my-bucket/prefix",
                    ));
                }
                (bucket.to_string(), path)
            }
        };
        Ok(StoreUrl {
            url: input.to_string(),
            scheme,
            location,
            prefix,
        })
    }
}

/// An open store, rooted at the URL's prefix.
#[derive(Clone, Debug)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    url: StoreUrl,
    /// For file:// stores, the folder, so that writes can be fsynced.
    local_root: Option<PathBuf>,
}

impl Store {
    /// Opens the store named by `url`. `create` makes a missing local folder.
    pub fn open(url: &str, create: bool) -> anyhow::Result<Store> {
        let url = StoreUrl::parse(url)?;
        let unreachable = |e: object_store::Error| StoreError::Unreachable {
            url: url.url.clone(),
            detail: e.to_string(),
        };
        let (inner, local_root): (Arc<dyn ObjectStore>, _) = match url.scheme {
            Scheme::File => {
                let root = PathBuf::from(&url.location);
                if create {
                    std::fs::create_dir_all(&root).map_err(|e| {
                        anyhow::anyhow!("cannot create store folder {}: {e}", root.display())
                    })?;
                } else if !root.is_dir() {
                    return Err(StoreError::Unreachable {
                        url: url.url.clone(),
                        detail: format!("folder {} does not exist", root.display()),
                    }
                    .into());
                }
                let fs = object_store::local::LocalFileSystem::new_with_prefix(&root)
                    .map_err(unreachable)?;
                (Arc::new(fs.with_automatic_cleanup(true)), Some(root))
            }
            Scheme::Memory => (memory_store(&url.location), None),
            Scheme::S3 => {
                let s3 = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(&url.location)
                    .with_retry(retry_config())
                    .build()
                    .map_err(unreachable)?;
                (Arc::new(s3), None)
            }
            Scheme::Gcs => {
                let gcs = object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_bucket_name(&url.location)
                    .with_retry(retry_config())
                    .build()
                    .map_err(unreachable)?;
                (Arc::new(gcs), None)
            }
            Scheme::Azure => {
                let az = object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_container_name(&url.location)
                    .with_retry(retry_config())
                    .build()
                    .map_err(unreachable)?;
                (Arc::new(az), None)
            }
        };
        Ok(Store {
            inner,
            url,
            local_root,
        })
    }

    /// A folder on this machine: writes are disk-bound, not latency-bound,
    /// so fewer uploads in flight (and less memory) suffice.
    pub fn is_local(&self) -> bool {
        self.local_root.is_some()
    }

    pub fn url(&self) -> &str {
        &self.url.url
    }

    /// The full object path for `key` (a path relative to the URL's prefix).
    fn path(&self, key: &str) -> ObjPath {
        if self.url.prefix.is_empty() {
            ObjPath::from(key)
        } else {
            ObjPath::from(format!("{}/{key}", self.url.prefix))
        }
    }

    fn relative(&self, path: &ObjPath) -> String {
        let s = path.as_ref();
        if self.url.prefix.is_empty() {
            s.to_string()
        } else {
            s.strip_prefix(&self.url.prefix)
                .map(|r| r.trim_start_matches('/'))
                .unwrap_or(s)
                .to_string()
        }
    }

    fn error(&self, key: &str, e: object_store::Error) -> anyhow::Error {
        match e {
            object_store::Error::NotFound { .. } => StoreError::Missing {
                object: key.to_string(),
            }
            .into(),
            other => StoreError::Unreachable {
                url: self.url.url.clone(),
                detail: format!("{key}: {other}"),
            }
            .into(),
        }
    }

    /// Writes `key`; when this returns, the object is durably stored.
    pub async fn put(&self, key: &str, data: Bytes) -> anyhow::Result<()> {
        let path = self.path(key);
        self.inner
            .put(&path, PutPayload::from_bytes(data))
            .await
            .map_err(|e| self.error(key, e))?;
        if let Some(root) = &self.local_root {
            sync_local(root, &path)
                .map_err(|e| anyhow::anyhow!("cannot sync {key} to disk: {e}"))?;
        }
        Ok(())
    }

    pub async fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        let path = self.path(key);
        let result = self
            .inner
            .get(&path)
            .await
            .map_err(|e| self.error(key, e))?;
        result.bytes().await.map_err(|e| self.error(key, e))
    }

    /// Size of `key`, or `None` if it does not exist.
    pub async fn size(&self, key: &str) -> anyhow::Result<Option<u64>> {
        match self.inner.head(&self.path(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(key, e)),
        }
    }

    /// Every object under `prefix` (recursive), with keys relative to the store root.
    pub async fn list(&self, prefix: &str) -> anyhow::Result<Vec<Listed>> {
        let path = self.path(prefix);
        let metas: Vec<ObjectMeta> = self
            .inner
            .list(Some(&path))
            .try_collect()
            .await
            .map_err(|e| self.error(prefix, e))?;
        Ok(metas
            .into_iter()
            .map(|m| Listed {
                key: self.relative(&m.location),
                size: m.size,
                modified: m.last_modified.timestamp(),
                modified_nanos: m.last_modified.timestamp_subsec_nanos(),
            })
            .collect())
    }

    /// The "directories" directly below the root: the repositories it holds.
    pub async fn top_level(&self) -> anyhow::Result<Vec<String>> {
        let prefix = if self.url.prefix.is_empty() {
            None
        } else {
            Some(self.path(""))
        };
        let listed = self
            .inner
            .list_with_delimiter(prefix.as_ref())
            .await
            .map_err(|e| self.error("/", e))?;
        Ok(listed
            .common_prefixes
            .iter()
            .map(|p| self.relative(p))
            .collect())
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.inner.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(key, e)),
        }
    }
}

/// One object of a listing.
#[derive(Debug, Clone)]
pub struct Listed {
    pub key: String,
    pub size: u64,
    /// Unix seconds.
    pub modified: i64,
    /// The fraction of that second, as precisely as the store keeps it
    /// (nanoseconds for file://, milliseconds for most buckets): orders
    /// objects written within the same second.
    pub modified_nanos: u32,
}

/// Retries with exponential backoff on transient errors: up to 10 tries over at most 3 minutes.
fn retry_config() -> object_store::RetryConfig {
    object_store::RetryConfig {
        backoff: object_store::BackoffConfig {
            init_backoff: std::time::Duration::from_millis(200),
            max_backoff: std::time::Duration::from_secs(15),
            base: 2.0,
        },
        max_retries: 10,
        retry_timeout: std::time::Duration::from_secs(180),
    }
}

/// One in-memory store per name, shared within the process (tests).
fn memory_store(name: &str) -> Arc<dyn ObjectStore> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static STORES: OnceLock<Mutex<HashMap<String, Arc<dyn ObjectStore>>>> = OnceLock::new();
    let mut map = STORES
        .get_or_init(Default::default)
        .lock()
        .expect("memory store map");
    map.entry(name.to_string())
        .or_insert_with(|| Arc::new(object_store::memory::InMemory::new()))
        .clone()
}

/// fsyncs a file written by `LocalFileSystem` and its directory.
fn sync_local(root: &std::path::Path, path: &ObjPath) -> std::io::Result<()> {
    let file = root.join(path.as_ref());
    std::fs::File::open(&file)?.sync_all()?;
    if let Some(dir) = file.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        let u = StoreUrl::parse("s3://bucket/some/prefix/").unwrap();
        assert_eq!(
            (u.scheme, u.location.as_str(), u.prefix.as_str()),
            (Scheme::S3, "bucket", "some/prefix")
        );
        let f = StoreUrl::parse("file:///tmp/store").unwrap();
        assert_eq!(
            (f.scheme, f.location.as_str()),
            (Scheme::File, "/tmp/store")
        );
        assert_eq!(
            StoreUrl::parse("az://container").unwrap().scheme,
            Scheme::Azure
        );
        assert_eq!(StoreUrl::parse("gs://b/p").unwrap().scheme, Scheme::Gcs);
        for bad in [
            "ftp://x/y",
            "s3:///nobucket",
            "file://host/path",
            "not a url",
            "/tmp/x",
        ] {
            assert!(StoreUrl::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
