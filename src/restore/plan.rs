//! A window of the restore: a bounded run of consecutive entries, with one
//! compact record per chunk (which pack, where in it, which file, where in
//! that). A restore fills one window while it reads the next, so its memory
//! does not grow with the number of files.
//!
//! A backup packs the files of one walk batch together (in order of size,
//! so a pack holds files from all over its batch), and cuts batches before
//! a directory: a window is cut there too, at the first directory after
//! [`MIN_ENTRIES`] whose next file is in packs the window does not name,
//! so each pack is downloaded once. A window is cut anyway at
//! [`MAX_ENTRIES`] or [`MAX_CHUNKS`] (a batch larger than that, one
//! directory of very many files, has its packs downloaded once a window).

use std::collections::HashMap;
use std::sync::atomic::AtomicU32;

use super::source::Blob;
use crate::repo::format::{Entry, IndexEntry, Kind};
use crate::repo::RepoError;

/// A backup's walk batch: at least this many entries.
const MIN_ENTRIES: usize = 20_000;
/// The most entries and chunks a window holds (about 200 bytes each).
const MAX_ENTRIES: usize = 65_536;
const MAX_CHUNKS: usize = 131_072;

/// A file of the window: what it gets once written. Its path is in the
/// window's `paths`, between the previous file's end and its own.
pub(super) struct FileJob {
    path_end: u32,
    pub size: u64,
    pub mode: u32,
    pub mtime_ns: i64,
    /// Chunks still to write.
    pub left: AtomicU32,
}

/// A hard link: `path` made a name of the file `first` (earlier in walk
/// order, so written by this window or one before) once this window's
/// files are written; its length checked, its mode and time set.
pub(super) struct LinkJob {
    pub first: Vec<u8>,
    pub path: Vec<u8>,
    pub size: u64,
    pub mode: u32,
    pub mtime_ns: i64,
}

/// A directory whose entries have all been read: its mode and time are
/// set once the files of its window are written.
pub(super) struct DirJob {
    pub path: Vec<u8>,
    pub mode: u32,
    pub mtime_ns: i64,
}

/// One chunk to write: from pack `pack` (of the window's `packs`), where
/// `entry` says, to file `file` at offset `at`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chunk {
    pub pack: u32,
    pub file: u32,
    pub at: u64,
    pub entry: IndexEntry,
}

#[derive(Default)]
pub(super) struct Window {
    paths: Vec<u8>,
    pub files: Vec<FileJob>,
    /// Sorted by pack and offset once the window is sealed.
    pub chunks: Vec<Chunk>,
    /// The packs named, each with its stored size (0: unknown).
    pub packs: Vec<([u8; 32], u64)>,
    pack_at: HashMap<[u8; 32], u32>,
    /// Hard links, made after the files.
    pub links: Vec<LinkJob>,
    /// Closed directories, innermost first: finished after the files.
    pub dirs: Vec<DirJob>,
    entries: usize,
    /// A directory came after [`MIN_ENTRIES`]: the next file may start a batch.
    at_directory: bool,
}

impl Window {
    pub fn path(&self, file: usize) -> &[u8] {
        let start = match file {
            0 => 0,
            n => self.files[n - 1].path_end as usize,
        };
        &self.paths[start..self.files[file].path_end as usize]
    }

    /// Whether to cut the window before entry `e` of content `blobs`.
    pub fn cut_before(&mut self, e: &Entry, blobs: &[Blob]) -> bool {
        if self.entries >= MAX_ENTRIES || self.chunks.len() + blobs.len() > MAX_CHUNKS {
            return !self.is_empty();
        }
        if self.entries < MIN_ENTRIES {
            return false;
        }
        if e.kind == Kind::Dir {
            self.at_directory = true;
            return false;
        }
        if !self.at_directory || blobs.is_empty() {
            return false;
        }
        self.at_directory = false;
        blobs.iter().all(|b| !self.pack_at.contains_key(&b.pack))
    }

    /// One more entry read into the window.
    pub fn count(&mut self) {
        self.entries += 1;
    }

    /// Adds file `e`, whose content is `blobs`, in order.
    pub fn add_file(&mut self, e: &Entry, blobs: &[Blob]) -> anyhow::Result<()> {
        let file = u32::try_from(self.files.len()).expect("a window holds few files");
        let mut at = 0u64;
        for b in blobs {
            let pack = *self.pack_at.entry(b.pack).or_insert_with(|| {
                self.packs.push((b.pack, b.pack_size));
                (self.packs.len() - 1) as u32
            });
            self.chunks.push(Chunk {
                pack,
                file,
                at,
                entry: b.entry,
            });
            at = at.saturating_add(u64::from(b.entry.raw_length));
        }
        if at != e.size {
            return Err(RepoError::Corrupt {
                object: "snapshot manifest".into(),
                why: format!(
                    "{}: chunks add up to {at} bytes, size says {}",
                    String::from_utf8_lossy(&e.path),
                    e.size
                ),
            }
            .into());
        }
        self.paths.extend_from_slice(&e.path);
        self.files.push(FileJob {
            path_end: u32::try_from(self.paths.len())?,
            size: e.size,
            mode: e.mode,
            mtime_ns: e.mtime_ns,
            left: AtomicU32::new(blobs.len() as u32),
        });
        Ok(())
    }

    /// Orders the chunks pack by pack, by offset in each: the runs the
    /// fill reads, a chunk named twice decompressed once.
    pub fn seal(&mut self) {
        self.chunks
            .sort_unstable_by_key(|c| (c.pack, c.entry.offset, c.file, c.at));
        self.pack_at = HashMap::new();
    }

    /// The chunks of each pack, in the order of the packs.
    pub fn runs(&self) -> Vec<&[Chunk]> {
        self.chunks.chunk_by(|a, b| a.pack == b.pack).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0 && self.dirs.is_empty() && self.links.is_empty()
    }
}
