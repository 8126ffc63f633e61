//! The rows behind the dead-man switch and the remote-wipe arming.

use rusqlite::{params, OptionalExtension};

use super::State;
use crate::deadman::{Anchor, Deadman};

/// What the device keeps of a remote-wipe arming: where to look, and a
/// commitment to the secret (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Arming {
    pub store_url: String,
    pub channel: String,
    #[serde(skip)]
    pub commitment: [u8; 32],
    pub armed_at: i64,
}

impl State {
    pub fn deadman(&self) -> anyhow::Result<Option<Deadman>> {
        Ok(self
            .conn
            .query_row(
                "SELECT after_secs, elapsed_ms, anchor_wall, anchor_boot_id, anchor_boottime_ms FROM deadman WHERE id = 1",
                [],
                |r| {
                    Ok(Deadman {
                        after_secs: r.get(0)?,
                        anchor: Anchor {
                            elapsed_ms: r.get(1)?,
                            wall: r.get(2)?,
                            boot_id: r.get(3)?,
                            boottime_ms: r.get(4)?,
                        },
                    })
                },
            )
            .optional()?)
    }

    pub fn set_deadman(&self, d: &Deadman) -> anyhow::Result<()> {
        let a = &d.anchor;
        self.conn.execute(
            "INSERT OR REPLACE INTO deadman (id, after_secs, elapsed_ms, anchor_wall, anchor_boot_id, anchor_boottime_ms) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![d.after_secs, a.elapsed_ms, a.wall, a.boot_id, a.boottime_ms],
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
                "SELECT store_url, channel, commitment, armed_at FROM remote_wipe WHERE id = 1",
                [],
                |r| {
                    let c: Vec<u8> = r.get(2)?;
                    Ok(Arming {
                        store_url: r.get(0)?,
                        channel: r.get(1)?,
                        commitment: c.as_slice().try_into().unwrap_or([0; 32]),
                        armed_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn set_arming(&self, a: &Arming) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO remote_wipe (id, store_url, channel, commitment, armed_at) VALUES (1, ?1, ?2, ?3, ?4)",
            params![a.store_url, a.channel, &a.commitment[..], a.armed_at],
        )?;
        Ok(())
    }

    pub fn clear_arming(&self) -> anyhow::Result<bool> {
        Ok(self.conn.execute("DELETE FROM remote_wipe", [])? > 0)
    }
}
