//! Writing objects: create-only for everything in a repository, replacing
//! only for the remote-wipe channel (docs/append-only.md).
//!
//! A create-only write is object_store's `PutMode::Create`: `If-None-Match: *`
//! on S3 and Azure, `x-goog-if-generation-match: 0` on GCS, a hard link on
//! file://. An object already at the key is left alone and the write counts
//! as done: repository objects are named by the BLAKE3 of their bytes, so it
//! holds these bytes (and `config` there means the repository exists).
//!
//! Multipart uploads (objects of [`MULTIPART_THRESHOLD`] or more to a cloud)
//! cannot be conditional in object_store 0.14: `PutMultipartOptions` has no
//! mode, and S3's, Azure's and GCS's completions are sent unconditionally.
//! So they ask first (HEAD) and upload only a missing object. Between the
//! two, another writer can create the object; the completion then replaces
//! it — with the same bytes, since the name is their hash. A store that
//! requires conditional writes (an S3 bucket policy on `s3:if-none-match`)
//! refuses such a completion; the object is then sent whole, conditionally.
//!
//! Where a conditional write cannot be made — a folder on a file system
//! without hard links, a server answering 501 Not Implemented — the write
//! looks first, with the same race. A server that ignores the condition
//! overwrites; for objects named by their content that rewrites the same
//! bytes (docs/stores.md, *Create-only writes*).

use bytes::Bytes;
use object_store::client::{HttpError, HttpErrorKind};
use object_store::path::Path as ObjPath;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};

use super::{backend, Core, MULTIPART_THRESHOLD, PART_SIZE};

/// What a write does to an object already at its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// Leaves it (and succeeds): repository objects.
    Create,
    /// Replaces it: the remote-wipe channel only.
    Replace,
}

/// Tries of a create-only write whose request timed out or was cut off:
/// object_store repeats only idempotent requests then, and a conditional
/// one is not; for crossing a repeat is harmless (it finds the object if
/// the first try stored it).
const CREATE_TRIES: usize = 3;

impl Core {
    /// Writes `key`; when this returns, the object is durably stored.
    pub(super) async fn put(&self, key: &str, data: Bytes, write: Write) -> anyhow::Result<()> {
        let path = self.path(key);
        if data.len() >= MULTIPART_THRESHOLD && self.local_root.is_none() {
            if write == Write::Create && self.size(key).await?.is_some() {
                return Ok(());
            }
            match self.put_parts(&path, data.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) if write == Write::Create && denied(&e) => {}
                Err(e) => return Err(self.error(key, e)),
            }
        }
        let mut tries = 1;
        loop {
            match self.put_whole(&path, data.clone(), write).await {
                Ok(()) => break,
                Err(e) if write == Write::Create && tries < CREATE_TRIES && cut_short(&e) => {
                    tries += 1
                }
                Err(e) => return Err(self.error(key, e)),
            }
        }
        if let Some(root) = &self.local_root {
            backend::local::sync(root, &path)
                .map_err(|e| anyhow::anyhow!("cannot sync {key} to disk: {e}"))?;
        }
        Ok(())
    }

    /// One request (a retried one, to object_store); an object already
    /// there is success for a create-only write.
    async fn put_whole(
        &self,
        path: &ObjPath,
        data: Bytes,
        write: Write,
    ) -> object_store::Result<()> {
        let mode = match write {
            Write::Create => PutMode::Create,
            Write::Replace => PutMode::Overwrite,
        };
        let payload = PutPayload::from_bytes(data.clone());
        match self
            .inner
            .put_opts(path, payload, PutOptions::from(mode))
            .await
        {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
            Err(e) if (self.local_root.is_some() && no_hard_links(&e)) || not_implemented(&e) => {
                // A folder on a file system without hard links (FAT, exFAT,
                // some network shares), or a server that does not implement
                // conditional writes (HTTP 501): look, then write. Not
                // atomic; the race is the multipart one (module docs).
                match self.inner.head(path).await {
                    Ok(_) => Ok(()),
                    Err(object_store::Error::NotFound { .. }) => {
                        let payload = PutPayload::from_bytes(data);
                        self.inner.put(path, payload).await.map(|_| ())
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A multipart upload, one part at a time (the pipeline runs several
    /// uploads at once); parts are slices of `data`, so nothing is copied.
    /// An upload that fails is aborted, so that no parts are left billed
    /// (best effort: the store may be gone, or the credentials may not
    /// abort; an S3 lifecycle rule removes what is left).
    async fn put_parts(&self, path: &ObjPath, data: Bytes) -> object_store::Result<()> {
        let mut upload = self.inner.put_multipart(path).await?;
        let mut result = Ok(());
        for start in (0..data.len()).step_by(PART_SIZE) {
            let part = data.slice(start..(start + PART_SIZE).min(data.len()));
            result = upload.put_part(PutPayload::from_bytes(part)).await;
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            result = upload.complete().await.map(|_| ());
        }
        if result.is_err() {
            let _ = upload.abort().await;
        }
        result
    }
}

fn denied(e: &object_store::Error) -> bool {
    matches!(
        e,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
    )
}

/// Whether the request timed out or its connection broke after it was sent
/// (it may have been stored).
fn cut_short(e: &object_store::Error) -> bool {
    sources(e).any(|s| {
        s.downcast_ref::<HttpError>().is_some_and(|h| {
            matches!(
                h.kind(),
                HttpErrorKind::Timeout | HttpErrorKind::Interrupted
            )
        })
    })
}

/// Whether the store does not implement the conditional write.
fn not_implemented(e: &object_store::Error) -> bool {
    matches!(e, object_store::Error::NotImplemented { .. })
        || sources(e).any(|s| s.to_string().contains("status code: 501"))
}

/// Whether a local write failed because the file system makes no hard links.
fn no_hard_links(e: &object_store::Error) -> bool {
    sources(e).any(|s| {
        s.downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error)
            .is_some_and(|n| {
                [
                    libc::EPERM,
                    libc::EOPNOTSUPP,
                    libc::EXDEV,
                    libc::EMLINK,
                    libc::ENOSYS,
                ]
                .contains(&n)
            })
    })
}

/// `e` and its sources.
fn sources<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_hard_link_is_recognised() {
        let local = |errno| object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::from_raw_os_error(errno)),
        };
        assert!(no_hard_links(&local(libc::EPERM)));
        assert!(no_hard_links(&local(libc::EOPNOTSUPP)));
        assert!(!no_hard_links(&local(libc::ENOSPC)));
        assert!(!cut_short(&local(libc::EPERM)));
        let generic = |msg: &str| object_store::Error::Generic {
            store: "S3",
            source: msg.to_string().into(),
        };
        assert!(not_implemented(&generic(
            "Error performing PUT http://x/b/k in 1ms - Server returned non-2xx status code: 501 Not Implemented: <Error><Code>NotImplemented</Code></Error>"
        )));
        assert!(!not_implemented(&generic(
            "Server returned non-2xx status code: 500 Internal Server Error"
        )));
    }
}
