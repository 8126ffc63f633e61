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
    // 2: the backup cache (what this device wrote; see docs/format.md). `repo`
    // is `Repo::cache_key()`: store URL and locator, since one pseudonym may
    // back up to several stores.
    "CREATE TABLE cache_packs (
        repo TEXT NOT NULL,
        pack TEXT NOT NULL,
        size INTEGER NOT NULL,
        blake3 BLOB NOT NULL,
        indexed INTEGER NOT NULL,
        PRIMARY KEY (repo, pack)
    );
    CREATE TABLE cache_chunks (
        repo TEXT NOT NULL,
        chunk BLOB NOT NULL,
        pack TEXT NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        raw_length INTEGER NOT NULL,
        PRIMARY KEY (repo, chunk, pack)
    ) WITHOUT ROWID;
    CREATE TABLE cache_files (
        profile TEXT NOT NULL,
        path BLOB NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        ctime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        chunks BLOB NOT NULL,
        content_size INTEGER NOT NULL,
        PRIMARY KEY (profile, path)
    ) WITHOUT ROWID;
    CREATE TABLE cache_snapshots (
        repo TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        time INTEGER NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        expires_at INTEGER,
        tags TEXT NOT NULL,
        packs BLOB NOT NULL,
        PRIMARY KEY (repo, snapshot)
    );",
    // 3: retention. A pack written by a disappearing snapshot expires with it
    // (docs/format.md §Retention); index objects this device wrote are known
    // so that prune can tell a warm cache from a cold one.
    "ALTER TABLE cache_packs ADD COLUMN expires_at INTEGER;
    ALTER TABLE cache_snapshots ADD COLUMN nanos INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE cache_indexes (
        repo TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (repo, name)
    );",
    // 4: a profile's non-secret store options (JSON object of KEY: VALUE).
    "ALTER TABLE profiles ADD COLUMN store_options TEXT NOT NULL DEFAULT '{}';",
    // 5: the dead-man switch and the remote-wipe arming (one row each at most).
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
    // 6: writer keys (format version 2, docs/format.md §Signed history). One
    // writer per pseudonym (locator) on this device: its Ed25519 seed (it
    // signs manifests, it reads nothing) and its certificate, signed by the
    // phrase's authority. Per repository: whether the certificate is in the
    // store, and the head of the writer's chain there.
    "CREATE TABLE writers (
        locator TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        certificate BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE writer_chains (
        repo TEXT PRIMARY KEY,
        certificate_stored INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        head TEXT
    );",
    // 7: remote-wipe protocol version 2 (docs/remote-wipe.md): the arming's
    // version (1 for rows made before), its nonce, the arming record as
    // published (the device writes it back when it finds it changed) and
    // the key of the acknowledgment.
    "ALTER TABLE remote_wipe ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE remote_wipe ADD COLUMN nonce BLOB;
    ALTER TABLE remote_wipe ADD COLUMN published BLOB;
    ALTER TABLE remote_wipe ADD COLUMN ack_key BLOB;",
    // 8: a pack this device uploaded that the store no longer holds intact
    // (`check`, `depart` or a backup found it damaged): its chunks are not
    // reused, so the next backup uploads them again (docs/format.md §Damage).
    "ALTER TABLE cache_packs ADD COLUMN damaged INTEGER NOT NULL DEFAULT 0;",
    // 9: a chunk's row names its pack by the pack row's number, not by the
    // store URL and the pack's 64-hex name (about 120 bytes less a chunk,
    // of a home that holds one row per chunk), and an index by pack makes
    // a pack's chunks one lookup instead of a scan of the repository's.
    "CREATE TABLE cache_chunks_by_row (
        pack_row INTEGER NOT NULL,
        chunk BLOB NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL,
        raw_length INTEGER NOT NULL,
        PRIMARY KEY (chunk, pack_row)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO cache_chunks_by_row (pack_row, chunk, offset, length, raw_length)
        SELECT p.rowid, c.chunk, c.offset, c.length, c.raw_length
        FROM cache_chunks c JOIN cache_packs p ON p.repo = c.repo AND p.pack = c.pack;
    DROP TABLE cache_chunks;
    ALTER TABLE cache_chunks_by_row RENAME TO cache_chunks;
    CREATE INDEX cache_chunks_of_pack ON cache_chunks (pack_row);",
    // 10: when this device's remote-wipe check last read its channel (shown
    // by `remote-wipe status`; a new arming starts with none).
    "ALTER TABLE remote_wipe ADD COLUMN checked_at INTEGER;",
    // 11: a profile's exclude patterns (JSON array of strings); client
    // profiles made before get their client's caches (profiles.rs,
    // `Client::default_excludes`, as it was then).
    r#"ALTER TABLE profiles ADD COLUMN excludes TEXT NOT NULL DEFAULT '[]';
    UPDATE profiles SET excludes = '["/Cache/","/Code Cache/","/GPUCache/","/DawnCache/","/DawnGraphiteCache/","/DawnWebGPUCache/","/GrShaderCache/","/ShaderCache/","/blob_storage/","/Crashpad/","/logs/","/temp/","/update-cache/"]' WHERE client = 'signal';
    UPDATE profiles SET excludes = '["/Cache/","/Code Cache/","/GPUCache/","/DawnCache/","/DawnGraphiteCache/","/DawnWebGPUCache/","/GrShaderCache/","/ShaderCache/","/blob_storage/","/Crashpad/","/logs/"]' WHERE client = 'session';"#,
    // 12: how many paths the backup that made a snapshot skipped (a partial
    // snapshot, exit 3), for `crossing snapshots`; the manifest does not say.
    "ALTER TABLE cache_snapshots ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;",
    // 13: a compact cache (issue 12: about 90 bytes of the home per small
    // file, where it took about 290; docs/format.md §Incremental backup).
    // A pack's row number becomes its INTEGER PRIMARY KEY (kept as it was:
    // chunk rows name it; a rowid that is no key may change in a VACUUM),
    // never used again (AUTOINCREMENT). A chunk's row is keyed by its
    // place, pack row and offset, with no other index: what looks chunks
    // up by ID reads the repository's rows once; its stored length is kept
    // as the difference to its raw length (one byte for the incompressible
    // chunks of encrypted attachments, where it took three). A file's row is keyed by
    // a profile's number and 8 bytes of BLAKE3 of the path, and names its
    // chunks by their places (src/state/file_cache.rs). Old file rows
    // cannot be keyed without hashing their paths: they go, and the next
    // backup reads every file once more (it uploads nothing it stored).
    "DELETE FROM cache_files;
    DROP TABLE cache_files;
    CREATE TABLE cache_packs_by_id (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repo TEXT NOT NULL,
        pack TEXT NOT NULL,
        size INTEGER NOT NULL,
        blake3 BLOB NOT NULL,
        indexed INTEGER NOT NULL,
        expires_at INTEGER,
        damaged INTEGER NOT NULL DEFAULT 0,
        UNIQUE (repo, pack)
    );
    INSERT INTO cache_packs_by_id (id, repo, pack, size, blake3, indexed, expires_at, damaged)
        SELECT rowid, repo, pack, size, blake3, indexed, expires_at, damaged FROM cache_packs;
    DROP TABLE cache_packs;
    ALTER TABLE cache_packs_by_id RENAME TO cache_packs;
    CREATE TABLE cache_chunks_by_place (
        pack_row INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        chunk BLOB NOT NULL,
        raw_length INTEGER NOT NULL,
        spread INTEGER NOT NULL,
        length INTEGER GENERATED ALWAYS AS (raw_length + spread) VIRTUAL,
        PRIMARY KEY (pack_row, offset)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO cache_chunks_by_place (pack_row, offset, chunk, raw_length, spread)
        SELECT pack_row, offset, chunk, raw_length, length - raw_length FROM cache_chunks ORDER BY pack_row, offset;
    DROP INDEX cache_chunks_of_pack;
    DROP TABLE cache_chunks;
    ALTER TABLE cache_chunks_by_place RENAME TO cache_chunks;
    CREATE TABLE file_caches (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL UNIQUE
    );
    CREATE TABLE cache_files (
        cache INTEGER NOT NULL,
        key INTEGER NOT NULL,
        checksum INTEGER NOT NULL,
        content_size INTEGER,
        pack_row INTEGER,
        offset INTEGER,
        more BLOB,
        PRIMARY KEY (cache, key)
    ) WITHOUT ROWID;",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_of_a_version_2_database_get_empty_store_options() {
        let home = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(home.path().join(crate::state::DB_FILE)).unwrap();
            for sql in &MIGRATIONS[..2] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(
                "INSERT INTO pseudonyms VALUES ('me', '05ab', 'ed', 'age1x', 'loc', x'00', 1);
                 INSERT INTO profiles VALUES ('p', x'2f64', 's3://b/p', 'me', 'generic', 1);",
            )
            .unwrap();
        }
        let state = crate::state::State::open(home.path()).unwrap();
        let p = state.require_profile("p").unwrap();
        assert_eq!(p.store_url, "s3://b/p");
        assert!(p.store_options.is_empty());
    }

    #[test]
    fn client_profiles_made_before_excludes_get_their_clients() {
        let home = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(home.path().join(crate::state::DB_FILE)).unwrap();
            for sql in &MIGRATIONS[..9] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 9).unwrap();
            conn.execute_batch(
                "INSERT INTO pseudonyms VALUES ('me', '05ab', 'ed', 'age1x', 'loc', x'00', 1);
                 INSERT INTO profiles (name, data_dir, store_url, pseudonym, client, created_at)
                 VALUES ('s', x'2f64', 's3://b/s', 'me', 'signal', 1),
                        ('x', x'2f65', 's3://b/x', 'me', 'session', 1),
                        ('g', x'2f66', 's3://b/g', 'me', 'generic', 1);",
            )
            .unwrap();
        }
        let state = crate::state::State::open(home.path()).unwrap();
        use crate::state::profiles::Client;
        for (name, client) in [
            ("s", Client::Signal),
            ("x", Client::Session),
            ("g", Client::Generic),
        ] {
            assert_eq!(
                state.require_profile(name).unwrap().excludes,
                client.default_excludes(),
                "{name}"
            );
        }
    }

    #[test]
    fn version_13_keeps_packs_and_chunks_and_drops_the_old_file_rows() {
        let home = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(home.path().join(crate::state::DB_FILE)).unwrap();
            for sql in &MIGRATIONS[..9] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 9).unwrap();
            // A pack row numbered 7 (rows before it were forgotten).
            conn.execute_batch(
                "INSERT INTO cache_packs (rowid, repo, pack, size, blake3, indexed, expires_at, damaged)
                    VALUES (7, 'r', 'pk', 100, x'00', 1, NULL, 1);
                 INSERT INTO cache_chunks VALUES (7, zeroblob(32), 5, 40, 30);
                 INSERT INTO cache_files VALUES ('p', CAST('crx-old-path-marker' AS BLOB), 1, 2, 3, 4, zeroblob(32), 1);",
            )
            .unwrap();
        }
        let state = crate::state::State::open(home.path()).unwrap();
        let (id, damaged): (i64, bool) = state
            .conn
            .query_row(
                "SELECT id, damaged FROM cache_packs WHERE pack = 'pk'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((id, damaged), (7, true), "the pack keeps its number");
        let packs = state.indexed_packs("r").unwrap();
        let e = &packs[0].chunks[0];
        assert_eq!((e.offset, e.length, e.raw_length), (5, 40, 30));
        let files: i64 = state
            .conn
            .query_row("SELECT count(*) FROM cache_files", [], |r| r.get(0))
            .unwrap();
        assert_eq!(files, 0, "old file rows cannot be keyed: the cache is cold");
        // A new pack is never given a forgotten pack's number.
        state.forget_pack("r", "pk").unwrap();
        let pack = crate::repo::format::IndexPack {
            id: "pk2".into(),
            size: 1,
            chunks: Vec::new(),
            expires_at: None,
        };
        assert_eq!(state.record_pack("r", &pack, &[0], false).unwrap(), 8);
        // The old rows' paths leave no bytes, in the file or its journal.
        drop(state);
        for file in ["state.db", "state.db-journal"] {
            let raw = std::fs::read(home.path().join(file)).unwrap_or_default();
            let marker = b"crx-old-path-marker";
            assert!(!raw.windows(marker.len()).any(|w| w == marker), "{file}");
        }
    }
}
