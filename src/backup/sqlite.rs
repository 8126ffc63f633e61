//! Consistent copies of live databases.
//!
//! A plain SQLite database is copied through SQLite's online backup API from
//! a read-only connection, in one step, so the copy is one consistent
//! transaction even while the client writes (its `-wal`/`-shm` are then not
//! needed). A file that looks like a database but cannot be opened (SQLCipher,
//! as Session and Signal use) is read together with its companions, and read
//! again if any of them changed meanwhile.

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

/// Database-like by name: `.db`, `.sqlite`, `.sqlite3`, or with a `-wal`/`-journal` beside it.
pub fn looks_like_database(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with(".db")
        || name.ends_with(".sqlite")
        || name.ends_with(".sqlite3")
        || ["-wal", "-journal"]
            .iter()
            .any(|c| companion(path, c).exists())
}

pub fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether to copy through SQLite: a plain SQLite database, except a WAL
/// database with no `-wal` beside it. That one is closed (no writer), and
/// opening it, even read-only, would create `-wal`/`-shm` in the user's
/// directory; the careful file copy takes it as it is.
pub fn needs_online_copy(path: &Path) -> bool {
    // Header bytes 18 and 19 (file format write/read versions) are 2 in WAL mode.
    let Some(header) = read_header(path) else {
        return false;
    };
    let closed_wal = header[18] == 2 && header[19] == 2 && !companion(path, "-wal").exists();
    !closed_wal
}

/// A consistent copy of a live database in crossing's home: plaintext,
/// so it is overwritten before it is removed (`home::shred_file`).
pub struct Copy(Option<tempfile::NamedTempFile>);

impl Copy {
    fn path(&self) -> &Path {
        self.0.as_ref().map_or(Path::new(""), |t| t.path())
    }

    pub fn reopen(&self) -> std::io::Result<std::fs::File> {
        match &self.0 {
            Some(t) => t.reopen(),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            // The path stays ours until `t` is dropped, after the shred.
            let _ = crate::home::shred_file(t.path());
        }
    }
}

/// Copies the database at `path` into a temporary file in `tmp_dir`.
/// `Ok(None)`: SQLite cannot read it (encrypted, or not a database after all).
pub fn online_copy(path: &Path, tmp_dir: &Path) -> anyhow::Result<Option<Copy>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let src = match Connection::open_with_flags(path, flags) {
        Ok(c) => c,
        Err(_) => return Ok(None),
    };
    let _ = src.busy_timeout(std::time::Duration::from_secs(10));
    if src
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_err()
    {
        return Ok(None);
    }
    let tmp = Copy(Some(
        tempfile::Builder::new()
            .prefix("sqlite-")
            .tempfile_in(tmp_dir)?,
    ));
    let mut dst = Connection::open(tmp.path())?;
    // No rollback journal for a scratch copy: SQLite would create and
    // delete one per transaction, leaving its blocks (pages of the copy)
    // in the free space. A copy cut short is thrown away anyway.
    dst.pragma_update(None, "journal_mode", "OFF")?;
    {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // -1: all pages in one step, under one read transaction of the source,
        // so the copy is one consistent state however busy the writer is.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => continue,
                _ if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                _ => anyhow::bail!("database stayed locked for 5 s"),
            }
        }
    }
    // A copy in WAL mode (its header says so, copied from a WAL source)
    // would need its own -wal on restore; leaving WAL makes it
    // self-contained (header bytes 18/19 become 1), still without a journal.
    dst.pragma_update(None, "journal_mode", "OFF")?;
    drop(dst);
    Ok(Some(tmp))
}
