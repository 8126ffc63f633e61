//! The rows behind the dead-man switch and the remote-wipe arming.

use rusqlite::{params, OptionalExtension};
use zeroize::Zeroizing;

use super::State;

/// What the device keeps of a remote-wipe arming: where to look, and a
/// commitment to the secret (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Arming {
    pub store_url: String,
    pub channel: String,
    #[serde(skip)]
    pub commitment: [u8; 32],
    pub armed_at: i64,
    /// The protocol version of the arming (1: made before armings were
    /// authenticated; `nonce`, `published` and `ack_key` are then `None`).
    pub version: u32,
    #[serde(skip)]
    pub nonce: Option<[u8; 32]>,
    /// The arming record as written into the channel.
    #[serde(skip)]
    pub published: Option<Vec<u8>>,
    #[serde(skip)]
    pub ack_key: Option<Zeroizing<[u8; 32]>>,
    /// When a check last read the channel (none since this arming: `None`).
    pub checked_at: Option<i64>,
}

/// The dead-man switch as stored (its meaning is in `protect::deadman`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadmanRow {
    pub after_secs: i64,
    pub elapsed_ms: i64,
    pub anchor_wall: i64,
    pub anchor_boot_id: String,
    pub anchor_boottime_ms: i64,
}

impl State {
    pub fn deadman(&self) -> anyhow::Result<Option<DeadmanRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT after_secs, elapsed_ms, anchor_wall, anchor_boot_id, anchor_boottime_ms FROM deadman WHERE id = 1",
                [],
                |r| {
                    Ok(DeadmanRow {
                        after_secs: r.get(0)?,
                        elapsed_ms: r.get(1)?,
                        anchor_wall: r.get(2)?,
                        anchor_boot_id: r.get(3)?,
                        anchor_boottime_ms: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn set_deadman(&self, d: &DeadmanRow) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO deadman (id, after_secs, elapsed_ms, anchor_wall, anchor_boot_id, anchor_boottime_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![d.after_secs, d.elapsed_ms, d.anchor_wall, d.anchor_boot_id, d.anchor_boottime_ms],
        )?;
        Ok(())
    }

    pub fn clear_deadman(&self) -> anyhow::Result<bool> {
        Ok(self.conn.execute("DELETE FROM deadman", [])? > 0)
    }

    pub fn arming(&self) -> anyhow::Result<Option<Arming>> {
        Ok(self
            .conn
            .query_row(
                "SELECT store_url, channel, commitment, armed_at, version, nonce, published, ack_key, checked_at FROM remote_wipe WHERE id = 1",
                [],
                |r| {
                    let c: Vec<u8> = r.get(2)?;
                    let bytes32 = |b: Option<Vec<u8>>| b.and_then(|b| <[u8; 32]>::try_from(b).ok());
                    let ack_key: Option<Zeroizing<Vec<u8>>> = r.get::<_, Option<Vec<u8>>>(7)?.map(Zeroizing::new);
                    Ok(Arming {
                        store_url: r.get(0)?,
                        channel: r.get(1)?,
                        commitment: c.as_slice().try_into().unwrap_or([0; 32]),
                        armed_at: r.get(3)?,
                        version: r.get(4)?,
                        nonce: bytes32(r.get(5)?),
                        published: r.get(6)?,
                        ack_key: ack_key
                            .and_then(|k| <[u8; 32]>::try_from(k.as_slice()).ok())
                            .map(Zeroizing::new),
                        checked_at: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn set_arming(&self, a: &Arming) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO remote_wipe (id, store_url, channel, commitment, armed_at, version, nonce, published, ack_key) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                a.store_url,
                a.channel,
                &a.commitment[..],
                a.armed_at,
                a.version,
                a.nonce.as_ref().map(|n| &n[..]),
                a.published,
                a.ack_key.as_ref().map(|k| &k[..]),
            ],
        )?;
        Ok(())
    }

    /// Records that a check read the channel at `at` (and found no request).
    pub fn record_remote_check(&self, at: i64) -> anyhow::Result<()> {
        self.conn
            .execute("UPDATE remote_wipe SET checked_at = ?1", params![at])?;
        Ok(())
    }

    pub fn clear_arming(&self) -> anyhow::Result<bool> {
        Ok(self.conn.execute("DELETE FROM remote_wipe", [])? > 0)
    }
}
