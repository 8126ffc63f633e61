//! Consistent images of live databases.
//!
//! A plain SQLite database is read page by page through the `sqlite_dbpage`
//! virtual table from a read-only connection, inside one read transaction,
//! so the image is one consistent state even while the client writes (its
//! `-wal`/`-shm` are then not needed), and no copy of it is written anywhere.
//! A file that looks like a database but cannot be opened (SQLCipher, as
//! Session and Signal use) is read together with its companions, and read
//! again if any of them changed meanwhile (`reader`).

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub const HEADER: &[u8; 16] = b"SQLite format 3\0";
pub const COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The first 20 bytes of an SQLite database, or `None` for any other file.
fn read_header(path: &Path) -> Option<[u8; 20]> {
    use std::io::Read;
    let mut buf = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .ok()?;
    buf.starts_with(HEADER).then_some(buf)
}

/// Whether the first 16 bytes are SQLite's header.
pub fn has_sqlite_header(path: &Path) -> bool {
    read_header(path).is_some()
}

/// Database-like by name: `.db`, `.sqlite`, `.sqlite3`, or with a `-wal`/`-journal`
/// beside it (`exists` says whether a path is a file of the walk).
pub fn looks_like_database(path: &Path, exists: impl Fn(&Path) -> bool) -> bool {
    let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or_default();
    [&b".db"[..], b".sqlite", b".sqlite3"]
        .iter()
        .any(|s| name.ends_with(s))
        || ["-wal", "-journal"]
            .iter()
            .any(|c| exists(&companion(path, c)))
}

/// The database name a companion's name belongs to (`x` for `x-wal`).
pub fn companion_base(name: &[u8]) -> Option<&[u8]> {
    COMPANIONS
        .iter()
        .find_map(|c| name.strip_suffix(c.as_bytes()))
        .filter(|base| !base.is_empty())
}

pub fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether to read through SQLite: a plain SQLite database, except a WAL
/// database with no `-wal` beside it. That one is closed (no writer), and
/// opening it, even read-only, would create `-wal`/`-shm` in the user's
/// directory; the careful file copy takes it as it is.
pub fn wants_page_image(path: &Path) -> bool {
    // Header bytes 18 and 19 (file format write/read versions) are 2 in WAL mode.
    let Some(header) = read_header(path) else {
        return false;
    };
    let closed_wal = header[18] == 2 && header[19] == 2 && !companion(path, "-wal").exists();
    !closed_wal
}

/// A database's pages as one stream, read in one read transaction: the
/// database as of one commit, a self-contained file (`Read`). Dropping it
/// closes the connection, which ends the transaction (nothing to commit).
pub struct PageImage {
    conn: Connection,
    page_size: u32,
    pages: u32,
    /// The next page to fetch (1-based), and what is left of the current one.
    next: u32,
    page: Vec<u8>,
    at: usize,
}

impl PageImage {
    /// Opens the database at `path` read-only and starts the read
    /// transaction. `Ok(None)`: SQLite cannot read it (encrypted, or not a
    /// database after all).
    pub fn open(path: &Path) -> anyhow::Result<Option<PageImage>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let Ok(conn) = Connection::open_with_flags(path, flags) else {
            return Ok(None);
        };
        // A writer holds the lock only briefly (WAL: a reader waits only
        // while the log restarts).
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch("BEGIN")?;
        // The first read starts the transaction every later page is read in.
        let readable = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        });
        if readable.is_err() {
            return Ok(None);
        }
        let page_size: u32 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages: u32 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let mut image = PageImage {
            conn,
            page_size,
            pages,
            next: 1,
            page: Vec::new(),
            at: 0,
        };
        image.check_header()?;
        Ok(Some(image))
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// The image's length in bytes.
    pub fn bytes(&self) -> u64 {
        u64::from(self.page_size) * u64::from(self.pages)
    }

    /// Page 1 must agree with the transaction: its page size, and its page
    /// count where the header vouches for it (bytes 24–27 equal 92–95).
    fn check_header(&mut self) -> anyhow::Result<()> {
        let first = self.fetch(1)?;
        let word = |at: usize| u32::from_be_bytes(first[at..at + 4].try_into().expect("4 bytes"));
        anyhow::ensure!(
            super::pages::page_size(&first) == Some(self.page_size),
            "page 1 does not give the page size {}",
            self.page_size
        );
        anyhow::ensure!(
            word(24) != word(92) || word(28) == self.pages,
            "page 1 counts {} pages, the database {}",
            word(28),
            self.pages
        );
        Ok(())
    }

    fn fetch(&self, pgno: u32) -> anyhow::Result<Vec<u8>> {
        let mut page: Vec<u8> = self
            .conn
            .prepare_cached("SELECT data FROM sqlite_dbpage WHERE pgno = ?1")?
            .query_row([pgno], |r| r.get(0))?;
        anyhow::ensure!(
            page.len() == self.page_size as usize,
            "page {pgno} has {} bytes, not {}",
            page.len(),
            self.page_size
        );
        // A WAL database's image would need a -wal to be opened: marked as a
        // rollback-journal database (header bytes 18 and 19, the file format
        // versions, 2 → 1) it is self-contained, as restore writes it.
        if pgno == 1 && page[18] == 2 && page[19] == 2 {
            page[18] = 1;
            page[19] = 1;
        }
        Ok(page)
    }
}

impl Read for PageImage {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.page.len() {
            if self.next > self.pages {
                return Ok(0);
            }
            self.page = self.fetch(self.next).map_err(std::io::Error::other)?;
            self.next += 1;
            self.at = 0;
        }
        let n = buf.len().min(self.page.len() - self.at);
        buf[..n].copy_from_slice(&self.page[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.cargo/config.toml` builds SQLite with the virtual table; without it
    /// every live database would fall back to the careful copy.
    #[test]
    fn sqlite_dbpage_is_compiled_in() {
        let conn = Connection::open_in_memory().unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_dbpage", [], |r| r.get(0))
            .expect("sqlite_dbpage (SQLITE_ENABLE_DBPAGE_VTAB) is missing");
        assert!(n >= 0);
    }

    #[test]
    fn image_of_a_wal_database_is_a_self_contained_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let conn = Connection::open(&path).unwrap();
        // Everything stays in the -wal: the main file alone is empty.
        conn.execute_batch(
            "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
             CREATE TABLE t (x);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<50)
             INSERT INTO t SELECT randomblob(3000) FROM n;",
        )
        .unwrap();
        let mut image = PageImage::open(&path).unwrap().expect("readable");
        assert_eq!(image.page_size(), 8192);
        let mut bytes = Vec::new();
        image.read_to_end(&mut bytes).unwrap();
        drop(image);
        assert_eq!(bytes.len() % 8192, 0);
        assert_eq!((bytes[18], bytes[19]), (1, 1));
        let copy = dir.path().join("copy.db");
        std::fs::write(&copy, &bytes).unwrap();
        let c = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 50);
        drop(conn);
    }

    #[test]
    fn not_a_database_is_not_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        std::fs::write(&path, vec![7u8; 8192]).unwrap();
        assert!(PageImage::open(&path).unwrap().is_none());
    }
}
