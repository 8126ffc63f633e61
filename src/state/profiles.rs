//! Profiles: which data directory goes to which store, encrypted for whom.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{State, StateError};
use crate::store::StoreOptions;

/// Which client's data a profile protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Session Desktop.
    Session,
    /// Signal Desktop.
    Signal,
    /// Any folder (--data-dir required).
    Generic,
}

impl Client {
    pub const ALL: [Client; 3] = [Client::Session, Client::Signal, Client::Generic];

    /// The name stored in a profile and typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Client::Session => "session",
            Client::Signal => "signal",
            Client::Generic => "generic",
        }
    }

    /// The client named `name` (as stored in a profile); `None` for a name
    /// this crossing does not know.
    pub fn from_name(name: &str) -> Option<Client> {
        Client::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Where the client keeps the key of its SQLCipher database and the
    /// database itself, relative to its data directory (docs/wipe.md cites
    /// the clients' sources). Both Electron clients write the key to
    /// `config.json` (`"key"`, or Signal's `"encryptedKey"` sealed by the OS
    /// keyring) and the database to `sql/db.sqlite`.
    pub fn key_material(self) -> KeyMaterial {
        match self {
            Client::Session | Client::Signal => KeyMaterial {
                key_files: &["config.json"],
                databases: &["sql/db.sqlite"],
            },
            Client::Generic => KeyMaterial::default(),
        }
    }

    /// What a backup of this client's data directory leaves out: Chromium's
    /// caches (rebuilt at start), crash dumps, logs and, for Signal, the
    /// folders it empties at start (`temp`) or fills with downloaded
    /// updates (`update-cache`). Never the database (`sql/`), its key
    /// (`config.json`), attachments, stickers, avatars, drafts, or the
    /// Local Storage / IndexedDB the app keeps. Anchored at the data
    /// directory: an attachment named `Cache` deeper down is kept. Kept in
    /// a new profile (`profile show` lists them); migration 11 gave them to
    /// the profiles made before.
    pub fn default_excludes(self) -> &'static [&'static str] {
        match self {
            Client::Signal => &[
                "/Cache/",
                "/Code Cache/",
                "/GPUCache/",
                "/DawnCache/",
                "/DawnGraphiteCache/",
                "/DawnWebGPUCache/",
                "/GrShaderCache/",
                "/ShaderCache/",
                "/blob_storage/",
                "/Crashpad/",
                "/logs/",
                "/temp/",
                "/update-cache/",
            ],
            Client::Session => &[
                "/Cache/",
                "/Code Cache/",
                "/GPUCache/",
                "/DawnCache/",
                "/DawnGraphiteCache/",
                "/DawnWebGPUCache/",
                "/GrShaderCache/",
                "/ShaderCache/",
                "/blob_storage/",
                "/Crashpad/",
                "/logs/",
            ],
            Client::Generic => &[],
        }
    }

    /// The client's usual data directory on this OS (Session Desktop, Signal Desktop).
    pub fn usual_data_dir(self) -> anyhow::Result<PathBuf> {
        let name = match self {
            Client::Session => "Session",
            Client::Signal => "Signal",
            Client::Generic => {
                crate::bail_kind!(
                    crate::error::ExitKind::Usage,
                    "--client generic has no usual data directory; pass --data-dir DIR"
                )
            }
        };
        // ~/.config on Linux, ~/Library/Application Support on macOS: where Electron puts userData.
        let base = dirs::config_dir().ok_or_else(|| {
            anyhow::anyhow!("cannot find this user's config directory; pass --data-dir DIR")
        })?;
        Ok(base.join(name))
    }
}

/// What a wipe destroys first, in milliseconds, so that an interrupted wipe
/// still leaves the client's database unreadable: paths relative to the
/// data directory, fixed by the client kind (never read from a file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyMaterial {
    /// Files holding the database key: overwritten, synced and removed.
    pub key_files: &'static [&'static str],
    /// SQLCipher databases: their first pages (salt, schema) are overwritten.
    pub databases: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// `profile` in JSON, as every command names a profile (docs/json.md).
    #[serde(rename = "profile")]
    pub name: String,
    pub data_dir: PathBuf,
    pub store_url: String,
    /// Non-secret settings for the store (endpoint, region, …).
    pub store_options: StoreOptions,
    pub pseudonym: String,
    pub client: String,
    pub created_at: i64,
    /// Gitignore-like patterns of paths a backup leaves out (`init
    /// --exclude`, and the client's caches for a client profile).
    pub excludes: Vec<String>,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Profile> {
    let dir: Vec<u8> = r.get(1)?;
    let options: String = r.get(6)?;
    let excludes: String = r.get(7)?;
    Ok(Profile {
        name: r.get(0)?,
        data_dir: PathBuf::from(OsString::from_vec(dir)),
        store_url: r.get(2)?,
        store_options: serde_json::from_str(&options).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, e.into())
        })?,
        pseudonym: r.get(3)?,
        client: r.get(4)?,
        created_at: r.get(5)?,
        excludes: serde_json::from_str(&excludes).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, e.into())
        })?,
    })
}

/// The name a profile gets when none is given (a first backup, `init` of a
/// generic folder), and the one chosen among several when none is named.
pub const DEFAULT_PROFILE: &str = "default";

const COLUMNS: &str =
    "name, data_dir, store_url, pseudonym, client, created_at, store_options, excludes";

impl State {
    pub fn add_profile(&self, p: &Profile) -> anyhow::Result<()> {
        if self.profile(&p.name)?.is_some() {
            return Err(StateError::ProfileExists(p.name.clone()).into());
        }
        self.require_pseudonym(&p.pseudonym)?;
        self.conn.execute(
            &format!("INSERT INTO profiles ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                p.name,
                p.data_dir.as_os_str().as_bytes(),
                p.store_url,
                p.pseudonym,
                p.client,
                p.created_at,
                serde_json::to_string(&p.store_options)?,
                serde_json::to_string(&p.excludes)?
            ],
        )?;
        self.sync_targets()
    }

    pub fn profile(&self, name: &str) -> anyhow::Result<Option<Profile>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM profiles WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?)
    }

    pub fn require_profile(&self, name: &str) -> anyhow::Result<Profile> {
        self.profile(name)?
            .ok_or_else(|| StateError::UnknownProfile(name.to_string()).into())
    }

    /// The profile a command works on when none is named: the only one, or
    /// among several the one named "default"; `None` when there is none.
    /// Several without a "default" are refused, listed: guessing would back
    /// up, prune or wipe the wrong data.
    pub fn default_profile(&self) -> anyhow::Result<Option<Profile>> {
        let mut all = self.profiles()?;
        if all.len() <= 1 {
            return Ok(all.pop());
        }
        match all.iter().position(|p| p.name == DEFAULT_PROFILE) {
            Some(i) => Ok(Some(all.swap_remove(i))),
            None => {
                Err(StateError::SeveralProfiles(all.into_iter().map(|p| p.name).collect()).into())
            }
        }
    }

    /// The profile `name` (from `--profile` or CROSSING_PROFILE), or
    /// without one the [`State::default_profile`]; none is a usage error.
    pub fn chosen_profile(&self, name: Option<&str>) -> anyhow::Result<Profile> {
        match name {
            Some(name) => self.require_profile(name),
            None => self
                .default_profile()?
                .ok_or_else(|| StateError::NoProfile.into()),
        }
    }

    pub fn profiles(&self) -> anyhow::Result<Vec<Profile>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM profiles ORDER BY name"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn remove_profile(&self, name: &str) -> anyhow::Result<()> {
        self.require_profile(name)?;
        let tx = self.conn.unchecked_transaction()?;
        State::drop_file_cache(&tx, name)?;
        tx.execute("DELETE FROM profiles WHERE name = ?1", [name])?;
        tx.commit()?;
        self.sync_targets()
    }
}
