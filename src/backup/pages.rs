//! Page-granular chunking of databases (docs/format.md, *Chunks and chunk IDs*).
//!
//! A messenger writes a few scattered pages of its database each hour;
//! FastCDC's chunks of ~1 MiB hold ~256 pages each, so nearly every chunk
//! changes. Cutting a database into fixed runs of whole pages, aligned to
//! the file's start, makes a backup store only the runs holding a changed
//! page. A reader never re-chunks, so this is the writer's choice alone.

use std::path::Path;

use crate::repo::format::CHUNK_MAX;

/// Bytes per database chunk, a whole number of pages of any page size up to
/// itself. Measured on an hour of heavy Signal-like use (2000 messages with
/// their FTS rows, 200 read receipts, a checkpoint) of a 150 MB SQLCipher
/// database, which changed 7940 4 KiB pages (32.5 MB): what the second
/// backup stored (bench/db_hour.py, bench/db_chunks.sh):
///
/// | chunk   | new chunks | stored   | data packs | manifest + index |
/// |---------|------------|----------|------------|------------------|
/// | FastCDC | 138        | 166.7 MB | 166.6 MB   | 0.0 MB           |
/// | 4 KiB   | 7940       | 36.3 MB  | 33.3 MB    | 3.0 MB           |
/// | 8 KiB   | 4689       | 40.5 MB  | 39.0 MB    | 1.5 MB           |
/// | 16 KiB  | 2995       | 50.2 MB  | 49.5 MB    | 0.7 MB           |
/// | 32 KiB  | 2088       | 69.3 MB  | 69.0 MB    | 0.4 MB           |
/// | 64 KiB  | 1484       | 98.2 MB  | 98.0 MB    | 0.2 MB           |
///
/// 8 KiB stays within 1.25x of the changed pages at half the per-chunk
/// cost of 4 KiB: a chunk ID and an index entry each in the manifest (today
/// written whole every backup) and the pack header, and a row in the
/// device's cache. (The same hour on a plain SQLite database with FTS5,
/// 20.8 MB of pages changed: 14.0 MB stored at 4 KiB, 14.3 MB at 8 KiB,
/// 16.2 MB at 16 KiB, compressed.) `CROSSING_DB_CHUNK` overrides it, for
/// measuring only.
pub const DB_CHUNK: usize = 8 * 1024;

/// Most chunks one database is cut into: a larger database gets larger
/// chunks (powers of two), so its manifest entries stay far within the
/// decoding bounds (2^18 chunks: about 30 MB of a 256 MiB manifest).
const MAX_DB_CHUNKS: u64 = 1 << 18;

/// SQLCipher's page size unless the database says otherwise (version 4, as
/// Signal and Session use): its header is encrypted, so it cannot be read.
pub const SQLCIPHER_PAGE: u32 = 4096;

/// The `-wal` header's magic numbers (the last bit names the checksum order).
const WAL_MAGIC: [u32; 2] = [0x377f_0682, 0x377f_0683];
const WAL_HEADER: usize = 32;
const WAL_FRAME_HEADER: usize = 24;

/// How a stream is cut into chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// FastCDC: any file.
    Content,
    /// A first chunk of `head` bytes (none if 0), then chunks of `size`
    /// bytes; the last one may be shorter.
    Fixed { head: usize, size: usize },
}

/// The chunk size databases are cut to: [`DB_CHUNK`], or for measuring
/// only, `CROSSING_DB_CHUNK` (bytes, a multiple of 512 up to 4 MiB).
fn target() -> usize {
    std::env::var("CROSSING_DB_CHUNK")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n >= 512 && n % 512 == 0 && n <= CHUNK_MAX as usize)
        .unwrap_or(DB_CHUNK)
}

/// The page size in an SQLite header (bytes 16–17, big-endian; 1 means
/// 65536), or `None` if it is not a power of two from 512 to 65536.
pub fn page_size(header: &[u8]) -> Option<u32> {
    let raw = u16::from_be_bytes(header.get(16..18)?.try_into().ok()?);
    let size = if raw == 1 { 65536 } else { u32::from(raw) };
    (size >= 512 && size.is_power_of_two()).then_some(size)
}

/// Chunks of whole pages for a database of `len` bytes: the target size
/// (doubled until the database is at most [`MAX_DB_CHUNKS`] chunks), or one
/// page if pages are larger.
pub fn database(page_size: u32, len: u64) -> Layout {
    let page = page_size as usize;
    let mut size = target();
    while len.div_ceil(size as u64) > MAX_DB_CHUNKS && size < CHUNK_MAX as usize {
        size *= 2;
    }
    Layout::Fixed {
        head: 0,
        size: size.div_ceil(page).max(1) * page,
    }
}

/// A `-wal`: its 32-byte header alone (it changes whenever the log
/// restarts), then runs of whole frames (24-byte frame header + page), so an
/// appended or rewritten frame changes only its own run. `None` if `header`
/// is not a WAL header (then FastCDC).
pub fn wal(header: &[u8]) -> Option<Layout> {
    let word = |at: usize| Some(u32::from_be_bytes(header.get(at..at + 4)?.try_into().ok()?));
    if !WAL_MAGIC.contains(&word(0)?) {
        return None;
    }
    let page = word(8)?;
    let page = if page == 1 { 65536 } else { page };
    if !(512..=65536).contains(&page) || !page.is_power_of_two() {
        return None;
    }
    let frames = (target() / page as usize).max(1);
    Some(Layout::Fixed {
        head: WAL_HEADER,
        size: frames * (WAL_FRAME_HEADER + page as usize),
    })
}

/// How to cut a member of a database group read as files (the careful
/// copy): the database by its pages (SQLCipher's default size when its
/// header is encrypted), a `-wal` by its frames, anything else by content.
pub fn for_member(path: &Path, len: u64, is_main: bool) -> Layout {
    let head = read_head(path);
    if is_main {
        let page = page_size(&head)
            .filter(|_| head.starts_with(super::sqlite::HEADER))
            .unwrap_or(SQLCIPHER_PAGE);
        return database(page, len);
    }
    if path.to_string_lossy().ends_with("-wal") {
        return wal(&head).unwrap_or(Layout::Content);
    }
    Layout::Content
}

/// Up to the first 32 bytes of a file (fewer if it is shorter or unreadable).
fn read_head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::with_capacity(WAL_HEADER);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(WAL_HEADER as u64).read_to_end(&mut head);
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_with_page(raw: u16) -> Vec<u8> {
        let mut h = b"SQLite format 3\0".to_vec();
        h.extend_from_slice(&raw.to_be_bytes());
        h.extend_from_slice(&[1, 1]);
        h
    }

    #[test]
    fn page_size_parsing() {
        assert_eq!(page_size(&header_with_page(4096)), Some(4096));
        assert_eq!(page_size(&header_with_page(512)), Some(512));
        assert_eq!(page_size(&header_with_page(32768)), Some(32768));
        assert_eq!(
            page_size(&header_with_page(1)),
            Some(65536),
            "1 means 65536"
        );
        assert_eq!(page_size(&header_with_page(0)), None);
        assert_eq!(page_size(&header_with_page(256)), None);
        assert_eq!(page_size(&header_with_page(3000)), None);
        assert_eq!(page_size(&header_with_page(4096)[..17]), None, "short");
    }

    #[test]
    fn database_chunks_are_whole_pages() {
        let fixed = |size| Layout::Fixed { head: 0, size };
        for page in [512u32, 1024, 4096, 8192] {
            assert_eq!(database(page, 1 << 30), fixed(DB_CHUNK), "page {page}");
        }
        // A page larger than the target is a chunk of its own.
        assert_eq!(database(16384, 0), fixed(16384));
        assert_eq!(database(65536, 0), fixed(65536));
        assert!(DB_CHUNK <= CHUNK_MAX as usize);
        // A huge database: larger chunks, never more than the bound.
        let huge = 10 * DB_CHUNK as u64 * MAX_DB_CHUNKS;
        assert_eq!(database(4096, huge), fixed(16 * DB_CHUNK));
        assert_eq!(database(4096, u64::MAX / 2), fixed(CHUNK_MAX as usize));
        let at_bound = DB_CHUNK as u64 * MAX_DB_CHUNKS;
        assert_eq!(database(4096, at_bound), fixed(DB_CHUNK));
        assert_eq!(database(4096, at_bound + 1), fixed(2 * DB_CHUNK));
    }

    #[test]
    fn wal_chunks_are_whole_frames() {
        let mut h = 0x377f_0682u32.to_be_bytes().to_vec();
        h.extend_from_slice(&3_007_000u32.to_be_bytes());
        h.extend_from_slice(&4096u32.to_be_bytes());
        h.resize(32, 0);
        let frames = DB_CHUNK / 4096;
        assert_eq!(
            wal(&h),
            Some(Layout::Fixed {
                head: 32,
                size: frames * (24 + 4096)
            })
        );
        h[8..12].copy_from_slice(&1u32.to_be_bytes());
        assert_eq!(
            wal(&h),
            Some(Layout::Fixed {
                head: 32,
                size: 24 + 65536
            })
        );
        h[3] = 0x84;
        assert_eq!(wal(&h), None, "bad magic");
        assert_eq!(wal(&h[..10]), None, "short");
    }
}
