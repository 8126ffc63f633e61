//! This device's writer keys and where each repository's chain stands.
//!
//! A writer key signs manifests and seals; it cannot read anything. It is
//! a secret all the same (whoever copies it can sign as this device until
//! it is revoked or sealed), so it lives only here, in crossing's home, and
//! goes with every wipe of the home.

use rusqlite::{params, OptionalExtension};
use zeroize::Zeroizing;

use super::State;

/// A writer: its key and its certificate (CBOR `SignedObject`).
pub struct Writer {
    pub key: ed25519_dalek::SigningKey,
    pub certificate: Vec<u8>,
}

impl Writer {
    pub fn public(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
}

/// Where a writer's chain stands in one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    pub certificate_stored: bool,
    /// The last sequence number written (0: none yet).
    pub seq: u64,
    /// The object name of the last manifest written.
    pub head: Option<String>,
}

impl State {
    pub fn writer(&self, locator: &str) -> anyhow::Result<Option<Writer>> {
        let row: Option<(Vec<u8>, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT secret, certificate FROM writers WHERE locator = ?1",
                [locator],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((secret, certificate)) = row else {
            return Ok(None);
        };
        let secret = Zeroizing::new(secret);
        let seed: [u8; 32] = secret
            .as_slice()
            .try_into()
            .map_err(|_| anyhow::anyhow!("the writer key of {locator} in the state is damaged"))?;
        Ok(Some(Writer {
            key: ed25519_dalek::SigningKey::from_bytes(&seed),
            certificate,
        }))
    }

    /// Records (or replaces) the writer of `locator`; its chains start anew.
    pub fn set_writer(&self, locator: &str, writer: &Writer) -> anyhow::Result<()> {
        let secret = Zeroizing::new(writer.key.to_bytes());
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO writers (locator, secret, certificate, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![locator, &secret[..], writer.certificate, super::now_unix()],
        )?;
        tx.execute(
            "DELETE FROM writer_chains WHERE repo LIKE '%#' || ?1",
            [locator],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets the writer of `locator` and its chains (after a departure
    /// sealed them: nothing it signs later may look real).
    pub fn forget_writer(&self, locator: &str) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM writers WHERE locator = ?1", [locator])?;
        tx.execute(
            "DELETE FROM writer_chains WHERE repo LIKE '%#' || ?1",
            [locator],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn chain(&self, repo: &str) -> anyhow::Result<Chain> {
        Ok(self
            .conn
            .query_row(
                "SELECT certificate_stored, seq, head FROM writer_chains WHERE repo = ?1",
                [repo],
                |r| {
                    Ok(Chain {
                        certificate_stored: r.get(0)?,
                        seq: r.get::<_, i64>(1)? as u64,
                        head: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    pub fn set_chain(&self, repo: &str, chain: &Chain) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO writer_chains (repo, certificate_stored, seq, head) VALUES (?1, ?2, ?3, ?4)",
            params![repo, chain.certificate_stored, chain.seq as i64, chain.head],
        )?;
        Ok(())
    }
}
