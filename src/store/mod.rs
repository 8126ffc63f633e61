//! Where repositories live: an `object_store::ObjectStore` chosen by URL.
//!
//! `file://` is a local folder (writes are fsynced, so "durably stored"
//! means what it says), `s3://`, `gs://` and `az://` are cloud buckets
//! configured from the standard environment variables and the profile's
//! [`StoreOptions`], `memory://` is for tests. Everything above this module
//! sees only [`Store`] and [`StoreError`].
//!
//! - `backend`: the kinds of store, one file each (URL forms and naming
//!   rules, option keys and secrets, credential checks, error hints, the
//!   client), and the recipe the clouds share;
//! - `url`: splitting a store URL and handing it to the kind that claims it;
//! - `options`: `--store-option KEY=VALUE`, the retry policy;
//! - `errors`: object_store errors turned into ones a user can act on;
//! - `write`: create-only writes (and the one kind of replacing write).

mod backend;
mod errors;
pub mod options;
mod url;
mod write;

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt, TryStreamExt};
use object_store::path::Path as ObjPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

pub use errors::{redact, StoreError};
pub use options::StoreOptions;

use backend::Opened;
use url::StoreUrl;
use write::Write;

/// Objects at least this large go up in parts: a failed part is retried
/// alone, and no single request carries a whole pack.
pub const MULTIPART_THRESHOLD: usize = 8 * 1024 * 1024;
/// Part size (S3's minimum for all but the last part is 5 MiB).
pub const PART_SIZE: usize = 5 * 1024 * 1024;

/// An open store, rooted at the URL's prefix. Every method is synchronous:
/// the store owns the async runtime its client needs, and the engines above
/// it read as straight-line code. Concurrency lives here too: [`Store::get_each`]
/// for downloads, [`Store::uploads`] for a bounded upload pipeline.
#[derive(Clone)]
pub struct Store {
    core: Core,
    rt: Arc<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.core.url.url)
            .finish()
    }
}

/// What async tasks hold: the client and the URL, never the runtime (a
/// runtime must not be dropped from inside itself).
#[derive(Clone, Debug)]
struct Core {
    inner: Arc<dyn ObjectStore>,
    url: StoreUrl,
    /// For file:// stores, the folder, so that writes can be fsynced.
    local_root: Option<PathBuf>,
}

/// Two threads: uploads and downloads are I/O-bound; CPU work runs on the
/// callers' own threads.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the store's I/O threads: {e}"))
}

impl Store {
    /// Opens the store named by `url`. `create` makes a missing local folder.
    pub fn open(url: &str, options: &StoreOptions, create: bool) -> anyhow::Result<Store> {
        let url = StoreUrl::parse(url)?;
        options.validate(url.kind)?;
        let Opened { inner, local_root } = (url.kind.open)(&url, options, create)?;
        Ok(Store {
            core: Core {
                inner,
                url,
                local_root,
            },
            rt: Arc::new(runtime()?),
        })
    }

    /// A folder on this machine: writes are disk-bound, not latency-bound,
    /// so fewer uploads in flight (and less memory) suffice.
    pub fn is_local(&self) -> bool {
        self.core.local_root.is_some()
    }

    pub fn url(&self) -> &str {
        &self.core.url.url
    }

    /// Writes `key` unless it exists; when this returns, an object is
    /// durably stored there. Nothing is ever replaced (create-only, so the
    /// store's credentials need no overwrite right): repository objects are
    /// named by their content, so an object already at `key` holds these
    /// bytes (a retried write, or one of a killed run), and for `config`
    /// it means the repository exists. Both count as success.
    pub fn put(&self, key: &str, data: Bytes) -> anyhow::Result<()> {
        self.rt.block_on(self.core.put(key, data, Write::Create))
    }

    /// Writes `key`, replacing what is there: only for the remote-wipe
    /// channel, whose objects have fixed names (`arming`, `reveal-…`) and
    /// change. Never for repository objects.
    pub fn put_replacing(&self, key: &str, data: Bytes) -> anyhow::Result<()> {
        self.rt.block_on(self.core.put(key, data, Write::Replace))
    }

    pub fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        self.get_at_most(key, u64::MAX)
    }

    /// [`Store::get`], unless the object has more than `max` bytes: then
    /// [`StoreError::TooLarge`], and its content is not downloaded.
    pub fn get_at_most(&self, key: &str, max: u64) -> anyhow::Result<Bytes> {
        self.rt.block_on(self.core.get(key, max))
    }

    /// Size of `key`, or `None` if it does not exist.
    pub fn size(&self, key: &str) -> anyhow::Result<Option<u64>> {
        self.rt.block_on(self.core.size(key))
    }

    /// Every object under `prefix` (recursive), with keys relative to the store root.
    pub fn list(&self, prefix: &str) -> anyhow::Result<Vec<Listed>> {
        self.rt.block_on(self.core.list(prefix))
    }

    /// At most `max` objects under `prefix` (in the store's listing order),
    /// and whether more were left unlisted: bounds memory and time when
    /// anyone may write under `prefix` (the remote-wipe channel).
    pub fn list_at_most(&self, prefix: &str, max: usize) -> anyhow::Result<(Vec<Listed>, bool)> {
        self.rt.block_on(self.core.list_at_most(prefix, max))
    }

    /// The "directories" directly below the root: the repositories it holds.
    pub fn top_level(&self) -> anyhow::Result<Vec<String>> {
        self.rt.block_on(self.core.top_level())
    }

    /// Deletes `key`; a missing object is not an error. Credentials that
    /// may not delete fail with [`StoreError::CannotDelete`].
    pub fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.rt.block_on(self.core.delete(key))
    }

    /// Fails with [`StoreError::CannotDelete`] unless these credentials may
    /// delete under `dir`, by deleting an object that does not exist there
    /// (a random name): stores check the right before they look for the
    /// object. Changes nothing in the store.
    pub fn check_delete_right(&self, dir: &str) -> anyhow::Result<()> {
        let probe = format!("{dir}/absent-{}", hex::encode(rand::random::<[u8; 8]>()));
        self.delete(&probe)
    }

    /// Downloads every key, `concurrency` at a time, and hands each result to
    /// `each` on the calling thread as it arrives (in any order). Stops at
    /// the first error `each` returns. An object of more than `max` bytes is
    /// not downloaded: its result is [`StoreError::TooLarge`].
    pub fn get_each(
        &self,
        keys: Vec<String>,
        concurrency: usize,
        max: u64,
        mut each: impl FnMut(String, anyhow::Result<Bytes>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let core = &self.core;
        self.rt.block_on(async move {
            let mut downloads = futures::stream::iter(keys.into_iter().map(|key| async move {
                let got = core.get(&key, max).await;
                (key, got)
            }))
            .buffer_unordered(concurrency.max(1));
            while let Some((key, got)) = downloads.next().await {
                each(key, got)?;
            }
            Ok(())
        })
    }

    /// A bounded upload pipeline: `in_flight` uploads at once and `queued`
    /// objects waiting, so memory stays bounded however fast the producers
    /// are. `on_done` sees each finished upload with the tag it was sent
    /// with (on one of the store's threads); returning `false` stops the
    /// pipeline. After the first failed upload nothing more is taken. The
    /// pipeline ends when every [`UploadSender`] is dropped.
    pub fn uploads<T: Send + 'static>(
        &self,
        in_flight: usize,
        queued: usize,
        on_done: impl FnMut(T, anyhow::Result<()>) -> bool + Send + 'static,
    ) -> (UploadSender<T>, Uploads) {
        let (tx, rx) = tokio::sync::mpsc::channel(queued.max(1));
        let task = self.rt.spawn(upload_loop(
            self.core.clone(),
            rx,
            on_done,
            in_flight.max(1),
        ));
        (
            UploadSender { tx },
            Uploads {
                task,
                rt: self.rt.clone(),
            },
        )
    }
}

/// See [`Store::uploads`].
pub struct Uploads {
    task: tokio::task::JoinHandle<()>,
    rt: Arc<tokio::runtime::Runtime>,
}

impl Uploads {
    /// Waits until every queued upload has finished (every sender must have
    /// been dropped, or this waits for them).
    pub fn finish(self) -> anyhow::Result<()> {
        self.rt
            .block_on(self.task)
            .map_err(|e| anyhow::anyhow!("upload task failed: {e}"))
    }
}

/// The producers' end of an upload pipeline; cheap to clone, one per thread.
pub struct UploadSender<T> {
    tx: tokio::sync::mpsc::Sender<(String, Bytes, T)>,
}

impl<T> Clone for UploadSender<T> {
    fn clone(&self) -> Self {
        UploadSender {
            tx: self.tx.clone(),
        }
    }
}

/// The pipeline stopped taking objects (an upload failed).
#[derive(Debug, thiserror::Error)]
#[error("the uploads stopped")]
pub struct UploadsStopped;

impl UploadsStopped {
    /// The failed upload's own error says why; this only stops producers.
    pub fn exit_kind(&self) -> crate::error::ExitKind {
        crate::error::ExitKind::Failure
    }
}

impl<T: Send + 'static> UploadSender<T> {
    /// Queues an object, blocking while the queue is full. Callers are
    /// synchronous threads, never the store's own.
    pub fn send(&self, key: String, data: Bytes, tag: T) -> Result<(), UploadsStopped> {
        self.tx
            .blocking_send((key, data, tag))
            .map_err(|_| UploadsStopped)
    }
}

async fn upload_loop<T>(
    core: Core,
    mut queue: tokio::sync::mpsc::Receiver<(String, Bytes, T)>,
    mut on_done: impl FnMut(T, anyhow::Result<()>) -> bool,
    in_flight: usize,
) {
    let mut inflight = FuturesUnordered::new();
    let mut open = true;
    while open || !inflight.is_empty() {
        tokio::select! {
            next = queue.recv(), if open && inflight.len() < in_flight => match next {
                Some((key, data, tag)) => {
                    let core = core.clone();
                    inflight.push(async move {
                        let result = core.put(&key, data, Write::Create).await;
                        (tag, result)
                    });
                }
                None => open = false,
            },
            Some((tag, result)) = inflight.next(), if !inflight.is_empty() => {
                if result.is_err() {
                    // Stop taking objects: producers see the closed queue and stop.
                    queue.close();
                    open = false;
                }
                if !on_done(tag, result) {
                    return;
                }
            }
        }
    }
}

impl Core {
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
        errors::classify(&self.url, key, e).into()
    }

    /// The object's size comes with the response, before its content.
    async fn get(&self, key: &str, max: u64) -> anyhow::Result<Bytes> {
        let path = self.path(key);
        let result = self
            .inner
            .get(&path)
            .await
            .map_err(|e| self.error(key, e))?;
        if result.meta.size > max {
            return Err(StoreError::TooLarge {
                object: key.to_string(),
                size: result.meta.size,
                max,
            }
            .into());
        }
        result.bytes().await.map_err(|e| self.error(key, e))
    }

    async fn size(&self, key: &str) -> anyhow::Result<Option<u64>> {
        match self.inner.head(&self.path(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(key, e)),
        }
    }

    async fn list(&self, prefix: &str) -> anyhow::Result<Vec<Listed>> {
        let path = self.path(prefix);
        let metas: Vec<ObjectMeta> = self
            .inner
            .list(Some(&path))
            .try_collect()
            .await
            .map_err(|e| self.error(prefix, e))?;
        Ok(metas.into_iter().map(|m| self.listed(m)).collect())
    }

    async fn list_at_most(&self, prefix: &str, max: usize) -> anyhow::Result<(Vec<Listed>, bool)> {
        let path = self.path(prefix);
        let mut metas: Vec<ObjectMeta> = self
            .inner
            .list(Some(&path))
            .take(max.saturating_add(1))
            .try_collect()
            .await
            .map_err(|e| self.error(prefix, e))?;
        let more = metas.len() > max;
        metas.truncate(max);
        Ok((metas.into_iter().map(|m| self.listed(m)).collect(), more))
    }

    fn listed(&self, m: ObjectMeta) -> Listed {
        Listed {
            key: self.relative(&m.location),
            size: m.size,
            modified: m.last_modified.timestamp(),
            modified_nanos: m.last_modified.timestamp_subsec_nanos(),
        }
    }

    async fn top_level(&self) -> anyhow::Result<Vec<String>> {
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

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.inner.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(errors::delete_error(&self.url, key, e).into()),
        }
    }
}

/// The folder of a `file://` store, if the URL names one.
pub fn local_folder(url: &str) -> Option<PathBuf> {
    let url = StoreUrl::parse(url).ok()?;
    (url.kind.name == "file").then(|| PathBuf::from(&url.location))
}

/// The spelling crossing records for a store URL: a plain absolute path as
/// `file://PATH`, so that a profile, its cache and a restore agree.
pub fn canonical_url(url: &str) -> Result<String, StoreError> {
    Ok(StoreUrl::parse(url)?.url)
}

/// Checks a store URL and its options without opening anything (before a
/// profile records them).
pub fn check_settings(url: &str, options: &StoreOptions) -> Result<(), StoreError> {
    options.validate(StoreUrl::parse(url)?.kind)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_objects_round_trip_in_parts() {
        let store = Store::open("memory://parts-test/p", &StoreOptions::default(), true).unwrap();
        let data: Vec<u8> = (0..MULTIPART_THRESHOLD + PART_SIZE + 123)
            .map(|i| (i % 251) as u8)
            .collect();
        store.put("big", Bytes::from(data.clone())).unwrap();
        assert_eq!(store.get("big").unwrap(), data);
        assert_eq!(store.size("big").unwrap(), Some(data.len() as u64));
        // Create-only, in parts too: an object already there stays.
        store
            .put("big", Bytes::from(vec![0u8; data.len()]))
            .unwrap();
        assert_eq!(store.get("big").unwrap(), data);
        let err = store.get("absent").unwrap_err();
        assert!(matches!(
            err.downcast_ref::<StoreError>(),
            Some(StoreError::Missing { .. })
        ));
    }

    #[test]
    fn writes_create_and_only_the_channel_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let folder = format!("file://{}", dir.path().display());
        for url in ["memory://create-test/p", folder.as_str()] {
            let store = Store::open(url, &StoreOptions::default(), true).unwrap();
            store.put("a/k", Bytes::from_static(b"first")).unwrap();
            store.put("a/k", Bytes::from_static(b"second")).unwrap();
            assert_eq!(store.get("a/k").unwrap(), "first", "{url}");
            store
                .put_replacing("a/k", Bytes::from_static(b"third"))
                .unwrap();
            assert_eq!(store.get("a/k").unwrap(), "third", "{url}");
            store
                .put_replacing("a/new", Bytes::from_static(b"n"))
                .unwrap();
            store.check_delete_right("a").unwrap();
            assert_eq!(store.list("a").unwrap().len(), 2, "{url}");
        }
    }
}
