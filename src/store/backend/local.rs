//! A folder on this machine: `file:///PATH`. Writes are fsynced, so
//! "durably stored" means what it says.

use std::path::PathBuf;

use object_store::path::Path as ObjPath;

use super::{Kind, Located, Opened, Refusal};
use crate::store::errors::misconfigured;
use crate::store::options::StoreOptions;
use crate::store::url::StoreUrl;
use crate::store::StoreError;

pub static KIND: Kind = Kind {
    name: "file",
    service: "folder",
    shown_as: "file://",
    for_tests: false,
    credential_vars: "nothing (local store)",
    secret_vars: &[],
    unreachable_fix: "check that the folder (or its drive) is there, then run the command again",
    bucket_missing_fix: "",
    claims: |url| url.scheme() == "file",
    locate,
    bad_name: |_| None,
    check_key: |_| Err(Refusal::NoOptions("file://")),
    open,
};

fn locate(url: &url::Url) -> Result<Located, String> {
    if url
        .host_str()
        .is_some_and(|h| !h.is_empty() && h != "localhost")
    {
        return Err(
            "a file:// URL needs an absolute path, like file:///home/me/store (three slashes)"
                .into(),
        );
    }
    let path = url
        .to_file_path()
        .map_err(|_| "not a valid absolute file path".to_string())?;
    Ok(Located::at(&path.to_string_lossy(), ""))
}

/// Only the command that creates a profile may create its folder, and only
/// inside a folder that exists: a missing parent is a drive that is not
/// mounted, and the store must never silently land on the internal disk.
fn open(url: &StoreUrl, _: &StoreOptions, create: bool) -> anyhow::Result<Opened> {
    let root = PathBuf::from(&url.location);
    let unreachable = |detail: String| StoreError::Unreachable {
        what: url.what(),
        url: url.url.clone(),
        detail,
        fix: "is the drive mounted? check that it is and that the path is right".into(),
    };
    if !root.is_dir() {
        let parent = root.parent().filter(|p| p.is_dir());
        match parent {
            Some(_) if create => std::fs::create_dir(&root).map_err(|e| {
                anyhow::anyhow!("cannot create store folder {}: {e}", root.display())
            })?,
            Some(_) => {
                return Err(unreachable(format!("folder {} does not exist", root.display())).into())
            }
            None => {
                return Err(unreachable(format!(
                    "folder {} and the folder it would be in do not exist",
                    root.display()
                ))
                .into())
            }
        }
    }
    let fs = object_store::local::LocalFileSystem::new_with_prefix(&root)
        .map_err(|e| misconfigured(url, e))?;
    Ok(Opened {
        inner: std::sync::Arc::new(fs.with_automatic_cleanup(true)),
        local_root: Some(root),
    })
}

/// fsyncs a file written by `LocalFileSystem` and its directory.
pub fn sync(root: &std::path::Path, path: &ObjPath) -> std::io::Result<()> {
    let file = root.join(path.as_ref());
    std::fs::File::open(&file)?.sync_all()?;
    if let Some(dir) = file.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
