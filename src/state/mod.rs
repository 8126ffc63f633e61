//! crossing's own state: one SQLite database in the home directory, and
//! the workflows that are nothing but state: creating profiles (`setup`)
//! and rebuilding the backup cache from the store (`rebuild`).
//!
//! Only public data lives here (pseudonym IDs, recipients, locators, dedup
//! keys, profiles, the backup cache). The directory is created 0700 and the
//! database 0600. Migrations are numbered; a database from a newer crossing
//! or one that SQLite cannot read is reported, never recreated over.

pub mod cache;
mod migrations;
pub mod profiles;
pub mod protection;
pub mod pseudonyms;
pub mod rebuild;
pub mod setup;
pub mod targets;
pub mod writers;

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::ExitKind;

pub const DB_FILE: &str = "state.db";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state database {path} was written by a newer crossing (schema {found}, this one knows up to {known}); upgrade crossing, or move the file aside")]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("state database {path} is corrupt or not a crossing database ({detail}); move it aside and re-import your pseudonym with `crossing pseudonym import`")]
    Corrupt { path: PathBuf, detail: String },
    #[error("no pseudonym named \"{0}\"; see `crossing pseudonym list`")]
    UnknownPseudonym(String),
    #[error("a pseudonym named \"{0}\" exists already; choose another --name")]
    PseudonymExists(String),
    #[error(
        "no profile named \"{0}\"; see `crossing profile list`, or create one with `crossing init`"
    )]
    UnknownProfile(String),
    #[error("a profile named \"{0}\" exists already; choose another --name or remove it with `crossing profile remove {0}`")]
    ProfileExists(String),
    #[error("pseudonym \"{0}\" has no certified writer on this device, and crossing does not write unsigned snapshots: run `crossing pseudonym certify {0}` on a terminal (it asks for the recovery phrase once)")]
    NoWriter(String),
}

impl StateError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            StateError::Newer { .. } | StateError::Corrupt { .. } => ExitKind::State,
            StateError::PseudonymExists(_)
            | StateError::ProfileExists(_)
            | StateError::NoWriter(_) => ExitKind::Refused,
            _ => ExitKind::Failure,
        }
    }
}

/// An open state database.
pub struct State {
    pub(crate) conn: Connection,
    home: PathBuf,
}

impl State {
    /// Opens (creating if needed) the state in `home`.
    pub fn open(home: &Path) -> anyhow::Result<State> {
        crate::home::create_private_dir(home)?;
        let path = home.join(DB_FILE);
        if !path.exists() {
            // Create the file ourselves so it is 0600 from the first byte.
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| {
                    anyhow::anyhow!("cannot create state database {}: {e}", path.display())
                })?;
        }
        let corrupt = |e: rusqlite::Error| StateError::Corrupt {
            path: path.clone(),
            detail: e.to_string(),
        };
        let conn = Connection::open(&path).map_err(corrupt)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(corrupt)?;
        // Deleted rows (paths of a departed profile, of deleted files) are
        // zeroed, not left in free pages for a forensic read of the file.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(corrupt)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(corrupt)?;
        migrations::apply(&conn, version)
            .map_err(|e| match e.downcast::<StateError>() {
                Ok(s) => anyhow::Error::new(s),
                Err(e) => anyhow::Error::new(StateError::Corrupt {
                    path: path.clone(),
                    detail: format!("{e:#}"),
                }),
            })
            .map_err(|e| with_path(e, &path))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(corrupt)?;
        let state = State {
            conn,
            home: home.to_path_buf(),
        };
        // Best effort: a list that cannot be written now is written by the
        // next profile change, and the database is still the first source.
        let _ = state.sync_targets();
        Ok(state)
    }

    pub fn home(&self) -> &Path {
        &self.home
    }
}

fn with_path(err: anyhow::Error, path: &Path) -> anyhow::Error {
    match err.downcast::<StateError>() {
        Ok(StateError::Newer { found, known, .. }) => anyhow::Error::new(StateError::Newer {
            path: path.to_path_buf(),
            found,
            known,
        }),
        Ok(other) => anyhow::Error::new(other),
        Err(e) => e,
    }
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
