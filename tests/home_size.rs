//! crossing's home stays compact (issue 12: "keep the home compact (≤ 100
//! bytes per file)"): the backup cache's rows of a data directory of many
//! small files take at most 100 bytes per file.
//!
//! Measured with SQLite's `dbstat` (the pages each table and index holds,
//! their unused space included), summed over the tables that grow with the
//! files and their indexes. Not the file's length: its fixed part (a page
//! per table) and the snapshot records would weigh on 20,000 files, and
//! its free pages depend on the history of the home, not on the schema.

mod kit;

use std::path::Path;

use kit::fields::uint;
use kit::*;
use rusqlite::{Connection, OpenFlags};

const FILES: usize = 20_000;

/// Signal Desktop's layout (`bench/gen_files.py`): attachments.noindex/XX/<64
/// hex>, each file's content its own (small, so one chunk each).
fn fill(data: &Path) {
    for i in 0..FILES {
        let name = blake3::hash(&(i as u64).to_le_bytes()).to_hex();
        let body = blake3::hash(name.as_bytes());
        write(
            &data
                .join("attachments.noindex")
                .join(&name[..2])
                .join(name.as_str()),
            body.as_bytes(),
        );
    }
}

/// Bytes of the pages of `tables` and their indexes, as `dbstat` counts them.
fn table_bytes(db: &Path, tables: &[&str]) -> Vec<(String, i64)> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT d.name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
             WHERE s.tbl_name IN (SELECT value FROM json_each(?1)) GROUP BY d.name ORDER BY d.name",
        )
        .unwrap();
    let tables = serde_json::to_string(tables).unwrap();
    let rows = stmt
        .query_map([tables], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn the_cache_of_many_small_files_takes_at_most_100_bytes_a_file() {
    let fx = Fixture::new();
    fill(&fx.data);
    let first = fx.backup_ok();
    assert_eq!(uint(&first, "files"), FILES as u64, "{first}");

    let sizes = table_bytes(
        &fx.home.join("state.db"),
        &["cache_files", "cache_chunks", "cache_packs", "file_caches"],
    );
    let total: i64 = sizes.iter().map(|(_, b)| b).sum();
    let per_file = total as f64 / FILES as f64;
    assert!(
        per_file <= 100.0,
        "the cache takes {per_file:.1} bytes a file (over 100): {sizes:?}"
    );
    assert!(
        sizes.iter().any(|(name, _)| name == "cache_files"),
        "the file cache is measured: {sizes:?}"
    );

    // The compact cache is the one a backup uses: nothing is read again.
    let again = fx.backup_ok();
    assert_eq!(uint(&again, "files_read"), 0, "{again}");
    assert_eq!(uint(&again, "files"), FILES as u64, "{again}");
}

/// A restore on the device that backs the directory up writes its file
/// rows (naming the chunks' rows it has just rebuilt): the next backup
/// reads nothing.
#[test]
fn a_restore_warms_the_file_cache() {
    let fx = Fixture::new();
    for i in 0..20u64 {
        write(
            &fx.data.join(format!("d{}", i % 3)).join(format!("f{i}")),
            random_bytes(i, 1000 + i as usize * 5000),
        );
    }
    write(&fx.data.join("empty"), b"");
    fx.backup_ok();
    std::fs::remove_dir_all(&fx.data).unwrap();
    fx.crossing(restore_args(&fx.store_url(), &fx.data, &fx.phrase_file))
        .expect(0, "restore");
    let after = fx.backup_ok();
    assert_eq!(uint(&after, "files"), 21, "{after}");
    assert_eq!(uint(&after, "files_read"), 0, "{after}");
    assert_eq!(uint(&after, "new_chunks"), 0, "{after}");
}
