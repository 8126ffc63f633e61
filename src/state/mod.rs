//! crossing's own state: one SQLite database in the home directory, and
//! the workflows that are nothing but state: creating profiles (`setup`)
//! and rebuilding the backup cache from the store (`rebuild`).
//!
//! Only public data lives here (pseudonym IDs, recipients, locators, dedup
//! keys, profiles, the backup cache). The directory is created 0700 and the
//! database 0600. Migrations are numbered; a database from a newer crossing
//! or one that SQLite cannot read is reported, never recreated over.

pub mod adopt;
pub mod cache;
mod file_cache;
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
    #[error("there is no profile yet: create one with `crossing init --data-dir DIR --store URL` (or a first `crossing backup --data-dir DIR --store URL`)")]
    NoProfile,
    #[error("several profiles ({}): pass --profile NAME", .0.join(", "))]
    SeveralProfiles(Vec<String>),
    #[error("a profile named \"{0}\" exists already; choose another --name or remove it with `crossing profile remove {0}`")]
    ProfileExists(String),
    #[error("pseudonym \"{0}\" has no certified writer on this device, and crossing does not write unsigned snapshots: run `crossing pseudonym certify {0}` on a terminal (it asks for the recovery phrase once)")]
    NoWriter(String),
}

impl StateError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            StateError::Newer { .. } | StateError::Corrupt { .. } => ExitKind::State,
            StateError::NoWriter(_) => ExitKind::Refused,
            // Which profile or pseudonym to use, or make, is the caller's to say.
            StateError::PseudonymExists(_)
            | StateError::UnknownPseudonym(_)
            | StateError::UnknownProfile(_)
            | StateError::ProfileExists(_)
            | StateError::NoProfile
            | StateError::SeveralProfiles(_) => ExitKind::Usage,
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
        private_pages(&conn).map_err(|detail| StateError::Corrupt {
            path: path.clone(),
            detail,
        })?;
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

    /// Asks the kernel to read the whole database ahead, in the background
    /// (best effort). A backup reads most of its pages anyway — every
    /// reusable chunk's row, then a file row per file — but SQLite reads a
    /// page at a time, in B-tree order, which a cold disk answers one seek
    /// at a time; one sequential read-ahead of the file answers them all.
    pub fn read_ahead(&self) {
        if let Ok(file) = std::fs::File::open(self.home.join(DB_FILE)) {
            let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
        }
    }

    /// Zeroes the rollback journal, which still holds the pages this run's
    /// transactions changed as they were before (paths and chunk IDs the
    /// cache has just forgotten). Under an exclusive lock no connection is
    /// in a transaction, so the journal holds nothing SQLite needs: its
    /// header was zeroed at the last commit, and this transaction writes
    /// no page. Overwritten in place, and only then truncated (truncating
    /// first would free its blocks with the old pages in them).
    fn scrub_journal(&self) -> anyhow::Result<()> {
        let path = self.home.join(format!("{DB_FILE}-journal"));
        self.conn.execute_batch("BEGIN EXCLUSIVE")?;
        // To its length exactly: how long the journal is, is SQLite's business.
        // Then emptied: its blocks hold zeros now, and a journal the size
        // of the largest transaction ever would double the home.
        let zeroed = crate::home::zero_in_place(&path, 1).and_then(|()| {
            std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path)?
                .set_len(0)
        });
        self.conn.execute_batch("COMMIT")?;
        match zeroed {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(anyhow::anyhow!("cannot zero {}: {e}", path.display()))
            }
            _ => Ok(()),
        }
    }
}

impl Drop for State {
    /// A run that changed the state leaves no old page in the journal.
    /// Best effort: the journal is a file of the home, so a wipe shreds
    /// whatever is left in it.
    fn drop(&mut self) {
        if self.conn.total_changes() > 0 && self.home.join(DB_FILE).exists() {
            let _ = self.scrub_journal();
        }
    }
}

/// The database records every path of the data directories, so no page
/// it drops may reach the free space of the disk, where a wipe of the
/// home does not look (docs/wipe.md, "crossing's home"):
///
/// - `secure_delete`: freed pages and deleted rows are zeroed in the file;
/// - `journal_mode=PERSIST`: the rollback journal (the pages a transaction
///   changes, as they were) stays one file, `state.db-journal`, overwritten
///   in place; its header is zeroed at commit. DELETE and TRUNCATE would
///   free its blocks after every transaction with those pages in them; WAL
///   deletes its -wal when the last connection closes; MEMORY and OFF lose
///   the database on a power cut. PERSIST keeps DELETE's crash safety, and
///   the journal, being a file of the home, is shredded with it;
/// - `temp_store=MEMORY`: sorts and temporary tables never go to a file.
///
/// None of these is stored in the file: every connection sets them.
fn private_pages(conn: &Connection) -> Result<(), String> {
    let set = || -> rusqlite::Result<String> {
        conn.pragma_update(None, "secure_delete", true)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.query_row("PRAGMA journal_mode=PERSIST", [], |r| r.get(0))
    };
    match set() {
        Ok(mode) if mode == "persist" => Ok(()),
        Ok(mode) => Err(format!("its journal mode stays {mode}, not persist")),
        Err(e) => Err(e.to_string()),
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
