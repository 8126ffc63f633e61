//! The instant half of an emergency wipe: each directory is renamed to a
//! random hidden name next to itself. A rename on the same filesystem is
//! one directory-entry update whatever the data size, so the client finds
//! nothing at its usual path a few milliseconds after the trigger; a
//! detached process then destroys the renamed trees (`destroy_aside`).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::guard;
use super::shred::sync_dir;
use super::walk::random_name;

const NAME_LEN: usize = 16;

/// Renames `dir` aside; `None` if it does not exist. Guard rails apply.
pub fn rename_aside(dir: &Path) -> Result<Option<PathBuf>, super::WipeError> {
    guard::check(dir).map_err(|why| super::WipeError::Refused {
        path: dir.to_path_buf(),
        why,
    })?;
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(None);
    }
    let parent = dir.parent().expect("guard refuses /");
    let mut last = None;
    for _ in 0..8 {
        let mut name = OsString::from(".");
        name.push(random_name(NAME_LEN));
        let to = parent.join(name);
        if std::fs::symlink_metadata(&to).is_ok() {
            continue;
        }
        match std::fs::rename(dir, &to) {
            Ok(()) => {
                sync_dir(parent);
                return Ok(Some(to));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(super::WipeError::Refused {
        path: dir.to_path_buf(),
        why: guard::Refusal::Io(last.map(|e| e.to_string()).unwrap_or_default()),
    })
}

/// Whether `path`'s last component looks like a name given by `rename_aside`.
pub fn is_aside_name(path: &Path) -> bool {
    let Some(name) = path.file_name() else {
        return false;
    };
    let b = name.as_bytes();
    b.len() == NAME_LEN + 1
        && b[0] == b'.'
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}
