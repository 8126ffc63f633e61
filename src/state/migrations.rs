//! Schema migrations. Append only: a released migration never changes.

use rusqlite::Connection;

use super::StateError;

const MIGRATIONS: &[&str] = &[
    // 1: pseudonyms and profiles.
    "CREATE TABLE pseudonyms (
        name TEXT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ed25519_public TEXT NOT NULL,
        backup_recipient TEXT NOT NULL,
        locator TEXT NOT NULL,
        dedup_key BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        data_dir BLOB NOT NULL,
        store_url TEXT NOT NULL,
        pseudonym TEXT NOT NULL REFERENCES pseudonyms(name),
        client TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );",
    // 2: the backup cache (what this device wrote; see docs/format.md).
    "CREATE TABLE cache_packs (
        locator TEXT NOT NULL,
        pack TEXT NOT NULL,
        size INTEGER NOT NULL,
        blake3 BLOB NOT NULL,
        indexed INTEGER NOT NULL,
        PRIMARY KEY (locator, pack)
    );
    CREATE TABLE cache_chunks (
        locator TEXT NOT NULL,
        chunk BLOB NOT NULL,
        pack TEXT NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        raw_length INTEGER NOT NULL,
        PRIMARY KEY (locator, chunk)
    ) WITHOUT ROWID;
    CREATE TABLE cache_files (
        profile TEXT NOT NULL,
        path BLOB NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        ctime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        chunks BLOB NOT NULL,
        PRIMARY KEY (profile, path)
    ) WITHOUT ROWID;
    CREATE TABLE cache_snapshots (
        locator TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        time INTEGER NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        expires_at INTEGER,
        tags TEXT NOT NULL,
        packs BLOB NOT NULL,
        PRIMARY KEY (locator, snapshot)
    );",
    // 3: the dead-man switch and the remote-wipe arming (one row each at most).
    "CREATE TABLE deadman (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        after_secs INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        anchor_wall INTEGER NOT NULL,
        anchor_boot_id TEXT NOT NULL,
        anchor_boottime_ms INTEGER NOT NULL
    );
    CREATE TABLE remote_wipe (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        store_url TEXT NOT NULL,
        channel TEXT NOT NULL,
        commitment BLOB NOT NULL,
        armed_at INTEGER NOT NULL
    );",
];

pub fn current() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn apply(conn: &Connection, found: i64) -> anyhow::Result<()> {
    if found > current() {
        return Err(StateError::Newer {
            path: Default::default(),
            found,
            known: current(),
        }
        .into());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
