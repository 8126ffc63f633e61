//! Downloading a window's packs and writing every chunk where it belongs.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::beneath::Beneath;
use super::plan::{Chunk, Window};
use super::tree::{finish_dir, finish_file, finish_link, rel_path};
use super::RestoreRequest;
use crate::repo::format::{self, ChunkId, IndexEntry};
use crate::repo::RepoError;

/// Packs downloaded and written at once.
const RESTORE_WORKERS: usize = 4;

/// Every copy of each chunk the indexes list, read once, when a pack fails.
type Copies = HashMap<ChunkId, Vec<(String, IndexEntry)>>;

/// What the windows of one restore share.
pub(super) struct Filling<'r, 'a> {
    pub req: &'r RestoreRequest<'a>,
    pub root: &'r Beneath,
    pub downloaded: AtomicU64,
    pub packs_read: AtomicU64,
    written: AtomicU64,
    copies: OnceLock<Result<Copies, String>>,
}

impl<'r, 'a> Filling<'r, 'a> {
    pub fn new(req: &'r RestoreRequest<'a>, root: &'r Beneath) -> Self {
        Filling {
            req,
            root,
            downloaded: AtomicU64::new(0),
            packs_read: AtomicU64::new(0),
            written: AtomicU64::new(0),
            copies: OnceLock::new(),
        }
    }

    /// Downloads each pack of `window` once (a few at a time), authenticates
    /// every chunk, writes it wherever it belongs; then checks each file's
    /// length and sets its mode and time, then those of the directories the
    /// window closed. A pack that is missing or fails to authenticate is
    /// replaced by other copies of its chunks, if the indexes list any (a
    /// backup stores the data of a damaged pack again).
    pub fn fill(&self, window: &mut Window) -> anyhow::Result<()> {
        window.seal();
        let window = &*window;
        let runs = window.runs();
        let next = AtomicUsize::new(0);
        let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..RESTORE_WORKERS.min(runs.len()) {
                scope.spawn(|| loop {
                    if failure.lock().expect("failure slot").is_some() {
                        return;
                    }
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    let Some(run) = runs.get(n) else {
                        return;
                    };
                    if let Err(e) = self.pack_or_copies(window, run) {
                        failure.lock().expect("failure slot").get_or_insert(e);
                        return;
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().expect("failure slot") {
            return Err(e);
        }
        let keep = self.req.keep_special_modes;
        for (n, f) in window.files.iter().enumerate() {
            finish_file(self.root, window.path(n), f, keep)?;
        }
        for l in &window.links {
            finish_link(self.root, l, keep)?;
        }
        for d in &window.dirs {
            finish_dir(self.root, d, keep)?;
        }
        Ok(())
    }

    /// Writes the chunks of `run` (one pack's) from that pack, or what is
    /// left of them from other packs.
    fn pack_or_copies(&self, window: &Window, run: &[Chunk]) -> anyhow::Result<()> {
        let (name, size) = window.packs[run[0].pack as usize];
        let pack = hex::encode(name);
        let (done, err) = match self.write_from(window, &pack, size, run) {
            Ok(()) => return Ok(()),
            Err(failed) => failed,
        };
        if !is_damage(&err) {
            return Err(err);
        }
        let mut failed: HashSet<String> = HashSet::from([pack]);
        let mut left: Vec<Chunk> = run[done..].to_vec();
        while !left.is_empty() {
            let copies = match self.copies.get_or_init(|| {
                self.req
                    .repo
                    .chunk_copies(self.req.identity)
                    .map_err(|e| format!("{e:#}"))
            }) {
                Ok(copies) => copies,
                Err(_) => return Err(err),
            };
            // Each chunk from an intact pack not tried yet; its places stay.
            let mut by_pack: HashMap<&str, Vec<Chunk>> = HashMap::new();
            for c in &left {
                let other = copies
                    .get(&c.entry.id)
                    .and_then(|copies| copies.iter().find(|(p, _)| !failed.contains(p)));
                match other {
                    Some((p, e)) => by_pack
                        .entry(p.as_str())
                        .or_default()
                        .push(Chunk { entry: *e, ..*c }),
                    None => return Err(err), // the only copies are damaged
                }
            }
            left.clear();
            for (other, mut chunks) in by_pack {
                chunks.sort_unstable_by_key(|c| c.entry.offset);
                if let Err((done, e)) = self.write_from(window, other, 0, &chunks) {
                    if !is_damage(&e) {
                        return Err(e);
                    }
                    failed.insert(other.to_string());
                    left.extend_from_slice(&chunks[done..]);
                }
            }
        }
        Ok(())
    }

    /// Writes `chunks` (sorted by offset) from `pack`; on failure, how many
    /// were written first.
    fn write_from(
        &self,
        window: &Window,
        pack: &str,
        size: u64,
        chunks: &[Chunk],
    ) -> Result<(), (usize, anyhow::Error)> {
        let req = self.req;
        let payload = req
            .repo
            .fetch_pack(pack, req.identity)
            .map_err(|e| (0, e))?;
        self.packs_read.fetch_add(1, Ordering::Relaxed);
        let size = if size > 0 { size } else { payload.len() as u64 };
        self.downloaded.fetch_add(size, Ordering::Relaxed);
        let key = req.repo.pack_key(pack);
        let corrupt = |e: anyhow::Error| {
            anyhow::Error::from(RepoError::Corrupt {
                object: key.clone(),
                why: e.to_string(),
            })
        };
        format::split_pack(&payload).map_err(|e| (0, corrupt(e)))?;
        let mut raw: Option<(u64, Vec<u8>)> = None;
        for (n, c) in chunks.iter().enumerate() {
            // A chunk named twice is opened once.
            if raw
                .as_ref()
                .is_none_or(|(offset, _)| *offset != c.entry.offset)
            {
                let opened = format::blob(&payload, &c.entry)
                    .and_then(|blob| format::open_blob(req.dedup_key, &c.entry, blob))
                    .map_err(|e| (n, corrupt(e)))?;
                raw = Some((c.entry.offset, opened));
            }
            let (_, data) = raw.as_ref().expect("opened");
            self.place(window, data, c).map_err(|e| (n, e))?;
        }
        Ok(())
    }

    /// Writes one authenticated chunk at its place.
    fn place(&self, window: &Window, raw: &[u8], c: &Chunk) -> anyhow::Result<()> {
        let f = &window.files[c.file as usize];
        let rel = window.path(c.file as usize);
        let path = || rel_path(&self.root.path, rel);
        let last = f.left.fetch_sub(1, Ordering::AcqRel) == 1;
        // Sparse (created at its length): all-zero chunks are never written.
        if raw.iter().any(|&b| b != 0) {
            // Through the staging root's descriptor: a symlink swapped in
            // below it cannot redirect the write.
            let out = self
                .root
                .open_write(rel)
                .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path().display()))?;
            out.write_all_at(raw, c.at)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path().display()))?;
            if last {
                start_writeback(&out);
            }
        }
        let total = self.written.fetch_add(raw.len() as u64, Ordering::Relaxed) + raw.len() as u64;
        self.req.progress.set_done(total);
        Ok(())
    }
}

/// A pack that is gone or does not authenticate (not a store outage, not a
/// local write error): another copy of its chunks will do.
fn is_damage(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<RepoError>(),
        Some(RepoError::Corrupt { .. } | RepoError::Missing { .. })
    )
}

/// Starts writing a finished file to disk now, without waiting: the final
/// `syncfs` then finds little left to do, and disk writes overlap downloads.
fn start_writeback(file: &fs::File) {
    // SAFETY: a valid open descriptor; the flag only schedules writeback.
    unsafe {
        libc::sync_file_range(
            std::os::fd::AsRawFd::as_raw_fd(file),
            0,
            0,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}
