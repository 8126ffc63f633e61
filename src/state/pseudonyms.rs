//! Pseudonyms as the device keeps them: public data only.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{State, StateError};
use crate::keys::{DedupKey, PublicKeys};

#[derive(Debug, Clone, Serialize)]
pub struct Pseudonym {
    /// `pseudonym` in JSON, as every command names a pseudonym (docs/json.md).
    #[serde(rename = "pseudonym")]
    pub name: String,
    pub id: String,
    pub ed25519_public: String,
    pub backup_recipient: String,
    pub locator: String,
    pub created_at: i64,
    /// Not a secret in the threat model, but nothing a human reads either.
    #[serde(skip)]
    pub dedup_key: DedupKey,
}

impl Pseudonym {
    pub fn keys(&self) -> PublicKeys {
        PublicKeys {
            id: self.id.clone(),
            ed25519_public: self.ed25519_public.clone(),
            backup_recipient: self.backup_recipient.clone(),
            locator: self.locator.clone(),
            dedup_key: self.dedup_key,
        }
    }
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Pseudonym> {
    let key: Vec<u8> = r.get(5)?;
    let mut dedup = [0u8; 32];
    if key.len() == 32 {
        dedup.copy_from_slice(&key);
    }
    Ok(Pseudonym {
        name: r.get(0)?,
        id: r.get(1)?,
        ed25519_public: r.get(2)?,
        backup_recipient: r.get(3)?,
        locator: r.get(4)?,
        dedup_key: DedupKey(dedup),
        created_at: r.get(6)?,
    })
}

const COLUMNS: &str = "name, id, ed25519_public, backup_recipient, locator, dedup_key, created_at";

impl State {
    pub fn add_pseudonym(&self, name: &str, keys: &PublicKeys) -> anyhow::Result<Pseudonym> {
        if self.pseudonym(name)?.is_some() {
            return Err(StateError::PseudonymExists(name.to_string()).into());
        }
        if let Some(existing) = self.pseudonym_by_id(&keys.id)? {
            crate::bail_kind!(
                crate::error::ExitKind::Usage,
                "this phrase is already imported as pseudonym \"{}\" (ID {}); use that name",
                existing.name,
                existing.id
            );
        }
        let created_at = super::now_unix();
        self.conn.execute(
            &format!("INSERT INTO pseudonyms ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
            params![
                name,
                keys.id,
                keys.ed25519_public,
                keys.backup_recipient,
                keys.locator,
                &keys.dedup_key.0[..],
                created_at
            ],
        )?;
        Ok(self.pseudonym(name)?.expect("just inserted"))
    }

    pub fn pseudonym(&self, name: &str) -> anyhow::Result<Option<Pseudonym>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM pseudonyms WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()?)
    }

    pub fn pseudonym_by_id(&self, id: &str) -> anyhow::Result<Option<Pseudonym>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM pseudonyms WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    pub fn require_pseudonym(&self, name: &str) -> anyhow::Result<Pseudonym> {
        self.pseudonym(name)?
            .ok_or_else(|| StateError::UnknownPseudonym(name.to_string()).into())
    }

    pub fn pseudonyms(&self) -> anyhow::Result<Vec<Pseudonym>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM pseudonyms ORDER BY created_at, name"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes a pseudonym; refuses while a profile still uses it.
    pub fn remove_pseudonym(&self, name: &str) -> anyhow::Result<()> {
        self.require_pseudonym(name)?;
        let users: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM profiles WHERE pseudonym = ?1 ORDER BY name")?;
            let rows = stmt.query_map([name], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        if !users.is_empty() {
            crate::bail_kind!(
                crate::error::ExitKind::Refused,
                "pseudonym \"{name}\" is used by {} {}; remove {} first with `crossing profile remove`",
                if users.len() == 1 { "profile" } else { "profiles" },
                users.join(", "),
                if users.len() == 1 { "it" } else { "them" }
            );
        }
        self.conn
            .execute("DELETE FROM pseudonyms WHERE name = ?1", [name])?;
        Ok(())
    }
}

/// Names of pseudonyms and profiles: short, printable, shell-safe.
pub fn validate_name(name: &str) -> anyhow::Result<()> {
    // Names become file names (locks, temporary folders): no "." or "..",
    // nothing hidden, nothing an option parser would take for a flag.
    let valid = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.".contains(c));
    if !valid {
        crate::bail_kind!(
            crate::error::ExitKind::Usage,
            "invalid name \"{name}\": use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter, digit or '_'"
        );
    }
    Ok(())
}
