//! Stat'ing a directory's children through its descriptor, many of them
//! on several threads.

use std::os::fd::BorrowedFd;

use rustix::fs::{self as rfs, AtFlags, FileType};
use rustix::io::Errno;

use super::meta::Meta;

/// A child's stat, through its directory's descriptor.
pub(super) enum Stat {
    Found(Meta),
    /// A symlink, and its target (read through the descriptor too).
    Link(Meta, Result<Vec<u8>, Errno>),
    Failed(Errno),
}

/// Children from which a directory's stats are shared among threads.
const PARALLEL_FROM: usize = 64;
/// Fewest children per thread (a thread costs about as much as some stats).
const PER_THREAD: usize = 32;
/// Most threads stat'ing one directory.
pub(super) const MAX_THREADS: usize = 8;

/// Stats `names` in `dir` without following symlinks, in order; many of
/// them in contiguous slices on up to `threads` threads.
pub(super) fn stat_all(dir: BorrowedFd<'_>, names: &[Vec<u8>], threads: usize) -> Vec<Stat> {
    let threads = threads.min(names.len() / PER_THREAD);
    if names.len() < PARALLEL_FROM || threads < 2 {
        return stat_slice(dir, names);
    }
    let per = names.len().div_ceil(threads);
    std::thread::scope(|s| {
        let mut slices = names.chunks(per);
        let first = slices.next().unwrap_or_default();
        // A thread that cannot be started leaves its slice to this one.
        let others: Vec<_> = slices
            .map(|part| {
                std::thread::Builder::new()
                    .name("walk-stat".into())
                    .spawn_scoped(s, move || stat_slice(dir, part))
                    .map_err(|_| part)
            })
            .collect();
        let mut all = stat_slice(dir, first);
        all.reserve(names.len() - all.len());
        for other in others {
            match other {
                Ok(thread) => all.extend(
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                ),
                Err(part) => all.extend(stat_slice(dir, part)),
            }
        }
        all
    })
}

fn stat_slice(dir: BorrowedFd<'_>, names: &[Vec<u8>]) -> Vec<Stat> {
    names.iter().map(|name| stat_one(dir, name)).collect()
}

fn stat_one(dir: BorrowedFd<'_>, name: &[u8]) -> Stat {
    match rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Err(e) => Stat::Failed(e),
        Ok(st) => {
            let meta = Meta::from_stat(&st);
            if meta.file_type() == FileType::Symlink {
                let target = rfs::readlinkat(dir, name, Vec::new()).map(|t| t.into_bytes());
                Stat::Link(meta, target)
            } else {
                Stat::Found(meta)
            }
        }
    }
}
