//! Destruction that finishes: the record of directories renamed aside by an
//! emergency wipe and not yet destroyed, and the detached process that
//! destroys them.
//!
//! The record (`<home>/pending`, 0600, format in docs/wipe.md) is written
//! before the destroyer starts and removed once every path in it is gone.
//! If the destroyer is killed (or the power cut), every later crossing
//! invocation finds the record and starts it again. The destroyer gets its
//! work on standard input, never in argv: its command line is the binary
//! and the neutral verb [`VERB`], and its process name is "crossing".
//!
//! The record is checksummed against damage, not against an adversary (who
//! could recompute the sum): what protects other directories is that only
//! names given by `rename_aside` are ever destroyed from it.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use rustix::fs::{flock, FlockOperation};

use crate::error::ExitKind;
use crate::protect::wipe::{self, aside};

pub const PENDING_FILE: &str = "pending";
/// The hidden subcommand of the detached destroyer (cli.rs): a word that
/// says nothing about what it does.
pub const VERB: &str = "tidy";
const MAGIC: &str = "crossing pending 1";
/// A record (or the destroyer's input) is never read past this.
const MAX_LEN: u64 = 1 << 20;

/// Why a record is not used.
#[derive(Debug, thiserror::Error)]
#[error("the record of pending destruction {path} is damaged ({why}) and was ignored; remove it, then run `crossing wipe` if anything is left")]
pub struct Damaged {
    pub path: PathBuf,
    pub why: &'static str,
}

impl Damaged {
    pub fn exit_kind(&self) -> ExitKind {
        ExitKind::State
    }
}

fn record_path(home: &Path) -> PathBuf {
    home.join(PENDING_FILE)
}

/// The record's text: the magic line, one hex-encoded path per line, and a
/// BLAKE3 sum of everything before it.
fn encode(paths: &[PathBuf]) -> String {
    let mut body = format!("{MAGIC}\n");
    for p in paths {
        body.push_str(&hex::encode(p.as_os_str().as_bytes()));
        body.push('\n');
    }
    let sum = blake3::hash(body.as_bytes()).to_hex();
    format!("{body}blake3 {sum}\n")
}

fn decode(text: &[u8]) -> Result<Vec<PathBuf>, &'static str> {
    let text = std::str::from_utf8(text).map_err(|_| "not text")?;
    let cut = text.rfind("blake3 ").ok_or("no checksum")?;
    let (body, sum) = text.split_at(cut);
    if sum.trim_end() != format!("blake3 {}", blake3::hash(body.as_bytes()).to_hex()) {
        return Err("checksum does not match");
    }
    let mut lines = body.lines();
    if lines.next() != Some(MAGIC) {
        return Err("unknown format");
    }
    lines
        .map(|l| {
            hex::decode(l)
                .map(|b| PathBuf::from(std::ffi::OsString::from_vec(b)))
                .map_err(|_| "a path is not hex")
        })
        .collect()
}

/// Only absolute paths whose last component is an aside name: an edited
/// record cannot steer the destroyer at any other directory.
fn admissible(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    paths
        .into_iter()
        .filter(|p| p.is_absolute() && aside::is_aside_name(p))
        .collect()
}

fn read_bounded(file: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(MAX_LEN).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The admissible paths of the record in `home`; none if there is no record.
pub fn paths(home: &Path) -> Result<Vec<PathBuf>, Damaged> {
    let path = record_path(home);
    let file = match open_nofollow(&path, false) {
        Ok(f) => f,
        Err(_) => return Ok(Vec::new()),
    };
    let bytes = read_bounded(file).map_err(|_| Damaged {
        path: path.clone(),
        why: "unreadable",
    })?;
    decode(&bytes)
        .map(admissible)
        .map_err(|why| Damaged { path, why })
}

fn open_nofollow(path: &Path, write: bool) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(write)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Writes the record of `paths` in `home` (made if missing), atomically and
/// durably (a temporary file, fsync, rename, fsync of the home).
pub fn record(home: &Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    crate::home::create_private_dir(home)?;
    crate::home::write_durably(home, PENDING_FILE, encode(paths).as_bytes())?;
    Ok(())
}

/// What [`resume`] found.
#[derive(Debug)]
pub enum Resumed {
    Nothing,
    /// A destroyer holds the record: it is at work.
    Busy,
    Started,
    Damaged(Damaged),
    Failed(anyhow::Error),
}

/// Starts the destroyer again if a record is pending in `home` and no
/// destroyer is at work on it. One `stat` when nothing is pending.
pub fn resume(home: &Path) -> Resumed {
    let path = record_path(home);
    if fs::symlink_metadata(&path).is_err() {
        return Resumed::Nothing;
    }
    match open_nofollow(&path, false) {
        Ok(f) if flock(f.as_fd(), FlockOperation::NonBlockingLockShared).is_err() => {
            return Resumed::Busy
        }
        _ => {}
    }
    match paths(home) {
        Err(d) => Resumed::Damaged(d),
        Ok(p) if p.is_empty() => Resumed::Nothing,
        Ok(_) => match spawn(home, &[]) {
            Ok(()) => Resumed::Started,
            Err(e) => Resumed::Failed(e),
        },
    }
}

/// Starts `crossing tidy` detached (its own session, orphaned at once so it
/// is nobody's child, not even the client's the gate execs), and gives it
/// the home on standard input. It reads the record from there; `unrecorded`
/// (when the record could not be written) follows the home on the pipe.
pub fn spawn(home: &Path, unrecorded: &[PathBuf]) -> anyhow::Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find crossing's own binary to destroy data: {e}"))?;
    let home = std::path::absolute(home).unwrap_or_else(|_| home.to_path_buf());
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(VERB)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid, fork and _exit are async-signal-safe; the child forks
    // once more and its parent exits, so the process that execs is orphaned.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            match libc::fork() {
                -1 => Err(std::io::Error::last_os_error()),
                0 => Ok(()),
                _ => libc::_exit(0),
            }
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start the background destruction: {e}"))?;
    let mut input = hex::encode(home.as_os_str().as_bytes()).into_bytes();
    input.push(b'\n');
    if !unrecorded.is_empty() {
        input.extend(encode(unrecorded).into_bytes());
    }
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&input)?;
    }
    child.wait()?; // the intermediate process, gone at once
    Ok(())
}

/// The detached destroyer: reads the home from `input`, takes the record's
/// lock (another destroyer holding it is at work: nothing to do), destroys
/// every admissible path, then removes the record (or keeps what is left).
pub fn destroy(input: impl Read) -> anyhow::Result<wipe::Report> {
    // The name `ps` and /proc/PID/comm show, whatever the binary is called.
    // SAFETY: PR_SET_NAME reads a NUL-terminated string of at most 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, c"crossing".as_ptr()) };
    let input = read_bounded(input)?;
    let (line, unrecorded) = input.split_at(
        input
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |n| n + 1),
    );
    let home = PathBuf::from(std::ffi::OsString::from_vec(
        hex::decode(line.trim_ascii_end()).map_err(|_| anyhow::anyhow!("unreadable input"))?,
    ));
    if !unrecorded.is_empty() && open_nofollow(&record_path(&home), false).is_err() {
        let todo = admissible(decode(unrecorded).map_err(|why| Damaged {
            path: record_path(&home),
            why,
        })?);
        return Ok(wipe::destroy_aside(&todo)?);
    }
    finish(&home)
}

/// Destroys what `home`'s record lists, in this process, then removes the
/// record (or keeps what is left). Another process holding the record's
/// lock is at work on it: then nothing is done here.
pub fn finish(home: &Path) -> anyhow::Result<wipe::Report> {
    let path = record_path(home);
    let lock = open_nofollow(&path, false)?;
    if flock(lock.as_fd(), FlockOperation::NonBlockingLockExclusive).is_err() {
        return Ok(wipe::Report::default());
    }
    let held = lock.metadata()?;
    if held.nlink() == 0 {
        return Ok(wipe::Report::default()); // finished by the destroyer before us
    }
    let bytes = read_bounded(&lock)?;
    let todo = admissible(decode(&bytes).map_err(|why| Damaged { path, why })?);
    let report = wipe::destroy_aside(&todo)?;
    let left: Vec<PathBuf> = todo
        .into_iter()
        .filter(|p| fs::symlink_metadata(p).is_ok())
        .collect();
    // Only the record this lock is on: a later emergency wipe may have
    // written a new one (which its own destroyer handles).
    let current = fs::symlink_metadata(record_path(home));
    if matches!(current, Ok(m) if m.ino() == held.ino() && m.dev() == held.dev()) {
        if left.is_empty() {
            fs::remove_file(record_path(home))?;
            wipe::sync_dir(home);
        } else {
            record(home, &left)?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_any_change_is_damage() {
        let paths = vec![
            PathBuf::from("/a/.abcdefghijklmnop"),
            PathBuf::from("/b/with\nnewline/.0123456789abcdef"),
        ];
        let text = encode(&paths);
        assert_eq!(decode(text.as_bytes()).unwrap(), paths);
        let mut bad = text.clone().into_bytes();
        bad[25] ^= 1;
        assert!(decode(&bad).is_err());
        assert!(decode(b"").is_err());
        let steered = vec![PathBuf::from("/home/u/Documents"), paths[0].clone()];
        assert_eq!(admissible(steered), vec![paths[0].clone()]);
        assert!(admissible(vec![PathBuf::from(".abcdefghijklmnop")]).is_empty());
    }
}
