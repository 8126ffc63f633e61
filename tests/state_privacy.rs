//! What crossing's state database keeps of files that are gone: after a
//! backup, nothing (issue 11: "cache_chunks keeps chunk IDs of files long
//! deleted"). Read through the database itself, opened read-only, and
//! through its raw bytes, as someone holding the device would.

mod kit;

use std::path::Path;

use kit::fields::uint;
use kit::*;
use rusqlite::{Connection, OpenFlags};

const MIB: usize = 1 << 20;

fn state(home: &Path) -> Connection {
    Connection::open_with_flags(home.join("state.db"), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// The chunk IDs the file cache records for the file at `path` (relative
/// to the data directory): its row is keyed by a hash of the path, and names
/// its chunks by their rows (pack row and offset: src/state/file_cache.rs).
fn cached_chunk_ids(home: &Path, path: &str) -> Option<Vec<Vec<u8>>> {
    let conn = state(home);
    let key = crossing::state::cache::path_hash(path.as_bytes()) as i64;
    let (pack_row, offset, more): (i64, i64, Option<Vec<u8>>) = conn
        .query_row(
            "SELECT pack_row, offset, more FROM cache_files WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()?;
    let mut places = vec![(pack_row, offset)];
    let more = crossing::state::cache::decode_refs(&more.unwrap_or_default()).unwrap();
    places.extend(more.iter().map(|r| (r.pack_row, r.offset as i64)));
    let ids = places
        .iter()
        .map(|(p, o)| {
            conn.query_row(
                "SELECT chunk FROM cache_chunks WHERE pack_row = ?1 AND offset = ?2",
                [p, o],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .unwrap()
        })
        .collect();
    Some(ids)
}

/// Rows of the chunk cache for any of `ids`.
fn chunk_rows(home: &Path, ids: &[Vec<u8>]) -> usize {
    let conn = state(home);
    ids.iter()
        .map(|id| {
            conn.query_row(
                "SELECT count(*) FROM cache_chunks WHERE chunk = ?1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as usize
        })
        .sum()
}

#[test]
fn a_deleted_file_leaves_neither_its_chunk_ids_nor_its_name_in_the_state() {
    let fx = Fixture::new();
    let gone = "crxgone-diary-2026.bin";
    write(&fx.data.join("kept.bin"), random_bytes(1, 3 * MIB));
    write(&fx.data.join(gone), random_bytes(2, 3 * MIB));
    fx.backup_ok();
    let gone_ids = cached_chunk_ids(&fx.home, gone).expect("the cache records the file");
    let kept_ids = cached_chunk_ids(&fx.home, "kept.bin").expect("and the other one");
    assert!(gone_ids.len() >= 2, "the test needs several chunks");
    assert_eq!(chunk_rows(&fx.home, &gone_ids), gone_ids.len());
    // The file cache keys files by a hash of their path: no name is stored.
    let raw = std::fs::read(fx.home.join("state.db")).unwrap();
    assert!(
        !contains(&raw, gone.as_bytes()) && !contains(&raw, b"kept.bin"),
        "a file's name is in the state"
    );

    std::fs::remove_file(fx.data.join(gone)).unwrap();
    fx.backup_ok();
    assert!(cached_chunk_ids(&fx.home, gone).is_none());
    assert_eq!(
        chunk_rows(&fx.home, &gone_ids),
        0,
        "the chunk cache still holds chunk IDs of the deleted file"
    );
    // What the snapshot holds is still known, so it is not stored again.
    assert_eq!(chunk_rows(&fx.home, &kept_ids), kept_ids.len());
    let raw = std::fs::read(fx.home.join("state.db")).unwrap();
    assert!(
        !contains(&raw, gone.as_bytes()),
        "the deleted file's name is still in the bytes of state.db"
    );
    let left = gone_ids.iter().filter(|id| contains(&raw, id)).count();
    assert_eq!(
        left, 0,
        "{left} chunk IDs of the deleted file are still in the bytes of state.db"
    );
    // Nor in the rollback journal, which holds pages as they were before
    // each transaction (kept as one file: see src/state/mod.rs).
    let journal = std::fs::read(fx.home.join("state.db-journal")).unwrap_or_default();
    assert!(
        !contains(&journal, gone.as_bytes()),
        "the deleted file's name is still in state.db-journal ({} bytes)",
        journal.len()
    );
    let left = gone_ids.iter().filter(|id| contains(&journal, id)).count();
    assert_eq!(
        left, 0,
        "{left} chunk IDs of the deleted file are still in state.db-journal"
    );

    let again = fx.backup_ok();
    assert_eq!(again["new_chunks"], 0, "{again}");
}

#[test]
fn a_file_that_comes_back_is_stored_again_and_restores() {
    let fx = Fixture::new();
    let body = random_bytes(3, 2 * MIB);
    write(&fx.data.join("a.bin"), &body);
    fx.backup_ok();
    std::fs::remove_file(fx.data.join("a.bin")).unwrap();
    fx.backup_ok();
    write(&fx.data.join("b.bin"), &body);
    let back = fx.backup_ok();
    assert!(
        uint(&back, "new_chunks") > 0,
        "its chunks were forgotten: {back}"
    );
    let target = fx.root().join("restored");
    fx.restore_fresh(&target, &[]).expect(0, "restore");
    assert_eq!(std::fs::read(target.join("b.bin")).unwrap(), body);
    fx.check_read_data();
}
