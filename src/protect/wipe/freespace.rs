//! `--thorough`: overwriting what a file-by-file wipe cannot reach.
//!
//! Blocks freed before the wipe (an SQLite WAL deleted at close, the old
//! blocks of rewritten files) are only reachable as free space: a temporary
//! file filled with random bytes until the disk is full, synced, removed.
//! Names and metadata live on in the filesystem journal (ext4's jbd2 logs
//! whole directory blocks), so the journal is churned: enough metadata
//! writes of random bytes to wrap it twice.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rand::{RngCore, SeedableRng};

use super::shred::sync_dir;
use super::walk::random_name;

const BLOCK: usize = 1 << 20;
const EXT4_MAGIC: i64 = 0xEF53;
const TMPFS_MAGIC: i64 = 0x0102_1994;
const RAMFS_MAGIC: i64 = 0x8584_58f6;

/// Bytes the free-space fill will write in `dir`'s filesystem (an estimate
/// for the progress bar: what the caller may write).
pub fn free_bytes(dir: &Path) -> u64 {
    statvfs(dir).map(|s| s.free).unwrap_or(0)
}

/// Fills the free space of `dir`'s filesystem with random bytes, syncs, and
/// removes the filler. Returns the bytes written.
///
/// One large file first; then small files, because ext4 keeps free blocks
/// preallocated for small files (locality-group preallocation) that a
/// large file never receives. ext4 also keeps a reserve pool of free blocks
/// (2% of the filesystem, at most 4096 clusters) that ordinary writes never
/// get; as root, the pool is opened for the small files and restored as
/// soon as the filler is removed (see docs/wipe.md).
pub fn fill(dir: &Path, on_bytes: &mut dyn FnMut(u64)) -> std::io::Result<u64> {
    // Blocks freed in a transaction that has not committed yet cannot be
    // allocated again (ext4, jbd2): commit the wipe's deletions first.
    syncfs(dir)?;
    let work = dir.join(hidden_name());
    fs::create_dir(&work)?;
    let mut rng = rand::rngs::StdRng::from_rng(rand::rngs::OsRng).map_err(std::io::Error::other)?;
    let mut pool = None;
    let result = fill_file(&work.join("0"), usize::MAX, &mut rng, on_bytes).and_then(|big| {
        pool = ReservePool::open(dir);
        Ok(big + fill_small_files(&work, &mut rng, on_bytes)?)
    });
    let removed = fs::remove_dir_all(&work);
    sync_dir(dir);
    let _ = syncfs(dir);
    drop(pool);
    let written = result?;
    removed?;
    Ok(written)
}

fn fill_small_files(
    work: &Path,
    rng: &mut rand::rngs::StdRng,
    on_bytes: &mut dyn FnMut(u64),
) -> std::io::Result<u64> {
    let block = statvfs(work).map(|s| s.block as usize).unwrap_or(4096);
    let mut written = 0;
    for n in 1..=MAX_SMALL_FILES {
        let w = match fill_file(&work.join(n.to_string()), 8 * block, rng, on_bytes) {
            Ok(w) => w,
            Err(e) if is_full(&e) => 0, // no inode (or block) left for another file
            Err(e) => return Err(e),
        };
        written += w;
        if w == 0 {
            break;
        }
    }
    syncfs(work)?;
    Ok(written)
}

/// ext4's reserve pool, lowered to zero while it lives (root only; the
/// setting is the kernel's, in sysfs, and a mount resets it anyway).
struct ReservePool {
    path: PathBuf,
    old: String,
}

impl ReservePool {
    #[cfg(target_os = "linux")]
    fn open(dir: &Path) -> Option<ReservePool> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 || statvfs(dir)?.fs_type != EXT4_MAGIC {
            return None;
        }
        let path = PathBuf::from(format!(
            "/sys/fs/ext4/{}/reserved_clusters",
            block_device_name(dir)?
        ));
        let old = fs::read_to_string(&path).ok()?.trim().to_string();
        fs::write(&path, "0").ok()?;
        Some(ReservePool { path, old })
    }

    #[cfg(not(target_os = "linux"))]
    fn open(_dir: &Path) -> Option<ReservePool> {
        None
    }
}

impl Drop for ReservePool {
    fn drop(&mut self) {
        let _ = fs::write(&self.path, &self.old);
    }
}

/// Small files at most (bounded, in case a filesystem never says "full").
const MAX_SMALL_FILES: usize = 1 << 20;

/// Writes random bytes into a new file until `limit` or a full disk, then
/// syncs it. Returns the bytes that landed.
fn fill_file(
    path: &Path,
    limit: usize,
    rng: &mut rand::rngs::StdRng,
    on_bytes: &mut dyn FnMut(u64),
) -> std::io::Result<u64> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut buf = vec![0u8; BLOCK];
    let mut written = 0usize;
    // Large writes first, then ever smaller ones for the last partial blocks.
    let mut size = BLOCK.min(limit);
    while written < limit {
        let size_now = size.min(limit - written);
        rng.fill_bytes(&mut buf[..size_now]);
        match file.write(&buf[..size_now]) {
            Ok(0) => break,
            Ok(n) => {
                written += n;
                on_bytes(n as u64);
            }
            Err(e) if is_full(&e) => {
                if size <= 512 {
                    break;
                }
                size /= 2;
            }
            Err(e) => return Err(e),
        }
    }
    // Delayed allocation can report a full disk only at sync time.
    match file.sync_all() {
        Err(e) if !is_full(&e) => Err(e),
        _ => Ok(written as u64),
    }
}

fn is_full(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOSPC) | Some(libc::EFBIG) | Some(libc::EDQUOT)
    )
}

/// Rewrites filesystem metadata with random bytes until the journal of
/// `dir`'s filesystem has wrapped twice. Returns the metadata bytes written
/// (0 where there is no journal to churn).
pub fn churn_journal(dir: &Path) -> std::io::Result<u64> {
    let Some(journal) = journal_bytes(dir) else {
        return Ok(0);
    };
    if journal == 0 {
        return Ok(0);
    }
    let work = dir.join(hidden_name());
    fs::create_dir(&work)?;
    let result = churn_in(&work, journal * 2);
    let cleaned = fs::remove_dir_all(&work);
    sync_dir(dir);
    let written = result?;
    cleaned?;
    Ok(written)
}

/// Files whose one extended attribute (a block of random bytes) is
/// rewritten each round; every round is committed with `syncfs`, so each
/// rewrite of each block lands in the journal. Filesystems without user
/// extended attributes get new directories (one directory block each).
fn churn_in(work: &Path, target: u64) -> std::io::Result<u64> {
    const FILES: usize = 128;
    let block = statvfs(work).map(|s| s.block).unwrap_or(4096).max(1024);
    let value_len = block as usize - 256;
    let mut rng = rand::rngs::StdRng::from_rng(rand::rngs::OsRng).map_err(std::io::Error::other)?;
    let mut value = vec![0u8; value_len];
    let files: Vec<PathBuf> = (0..FILES).map(|i| work.join(format!("{i}"))).collect();
    for f in &files {
        File::create(f)?;
    }
    let mut use_xattr = true;
    let mut written = 0u64;
    let mut round = 0u64;
    while written < target {
        for (i, f) in files.iter().enumerate() {
            if use_xattr {
                rng.fill_bytes(&mut value);
                if let Err(e) = set_xattr(f, &value) {
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOTSUP)
                            | Some(libc::ENOSPC)
                            | Some(libc::E2BIG)
                            | Some(libc::ERANGE)
                    ) {
                        use_xattr = false;
                    } else {
                        return Err(e);
                    }
                }
            } else {
                let d = work.join(format!("d{round}-{i}"));
                fs::create_dir(&d)?;
                fs::remove_dir(&d)?;
            }
            written += block;
        }
        round += 1;
        syncfs(work)?;
    }
    Ok(written)
}

fn set_xattr(path: &Path, value: &[u8]) -> std::io::Result<()> {
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    let name = c"user.crossing";
    // SAFETY: valid NUL-terminated strings and a live buffer.
    let rc = unsafe {
        libc::setxattr(
            c_path.as_ptr(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Commits the running journal transaction of `dir`'s filesystem.
#[cfg(target_os = "linux")]
fn syncfs(dir: &Path) -> std::io::Result<()> {
    let d = File::open(dir)?;
    // SAFETY: syncfs on a descriptor we own.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn syncfs(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()?;
    // SAFETY: sync(2) takes no arguments.
    unsafe { libc::sync() };
    Ok(())
}

/// The journal size of `dir`'s filesystem: read from the kernel for ext3/4
/// (`/proc/fs/jbd2/<dev>-8/info`; none listed means no journal), estimated
/// from the filesystem size with mke2fs's table for others, none for RAM
/// filesystems. `None` when nothing can be said.
pub fn journal_bytes(dir: &Path) -> Option<u64> {
    let vfs = statvfs(dir)?;
    if vfs.fs_type == TMPFS_MAGIC || vfs.fs_type == RAMFS_MAGIC {
        return Some(0);
    }
    if vfs.fs_type == EXT4_MAGIC {
        let dev = fs::metadata(dir).ok()?.dev();
        return Some(jbd2_journal_blocks(dev).map(|b| b * vfs.block).unwrap_or(0));
    }
    let blocks_4k = vfs.size / 4096;
    let journal_4k: u64 = match blocks_4k {
        b if b < 32 * 1024 => 1024,
        b if b < 256 * 1024 => 4096,
        b if b < 512 * 1024 => 8192,
        b if b < 4096 * 1024 => 16384,
        b if b < 8192 * 1024 => 32768,
        b if b < 16384 * 1024 => 65536,
        b if b < 32768 * 1024 => 131072,
        _ => 262144,
    };
    Some(journal_4k * 4096)
}

#[cfg(not(target_os = "linux"))]
fn jbd2_journal_blocks(_dev: u64) -> Option<u64> {
    None
}

/// jbd2 reports "each up to N blocks" per transaction, a third (older
/// kernels: a quarter) of the journal: 4 N over-estimates it safely.
#[cfg(target_os = "linux")]
fn jbd2_journal_blocks(dev: u64) -> Option<u64> {
    let name = device_name(dev)?;
    let info = fs::read_to_string(format!("/proc/fs/jbd2/{name}-8/info")).ok()?;
    let line = info.lines().find(|l| l.contains("each up to"))?;
    let n: u64 = line
        .split("each up to")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(n * 4)
}

/// The kernel's name of the block device holding `dir` ("vda", "loop0").
#[cfg(target_os = "linux")]
fn block_device_name(dir: &Path) -> Option<String> {
    device_name(fs::metadata(dir).ok()?.dev())
}

#[cfg(target_os = "linux")]
fn device_name(dev: u64) -> Option<String> {
    let (major, minor) = (libc::major(dev), libc::minor(dev));
    let sys = fs::canonicalize(format!("/sys/dev/block/{major}:{minor}")).ok()?;
    Some(sys.file_name()?.to_string_lossy().into_owned())
}

struct Vfs {
    fs_type: i64,
    block: u64,
    size: u64,
    free: u64,
}

fn statvfs(dir: &Path) -> Option<Vfs> {
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: valid path and out-pointer.
    if unsafe { libc::statfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let block = s.f_bsize as u64;
    // As root the reserved blocks are writable too: fill them as well.
    let free = if unsafe { libc::geteuid() } == 0 {
        s.f_bfree
    } else {
        s.f_bavail
    } as u64;
    Some(Vfs {
        fs_type: s.f_type as i64,
        block,
        size: s.f_blocks as u64 * block,
        free: free * block,
    })
}

fn hidden_name() -> std::ffi::OsString {
    let mut name = std::ffi::OsString::from(".");
    name.push(random_name(16));
    name
}
