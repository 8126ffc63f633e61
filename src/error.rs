//! Exit codes, and the one error type that carries its own.
//!
//! This module is the bottom of the crate: it imports nothing from it.
//! Library modules return typed errors (`keys::PhraseError`,
//! `repo::RepoError`, `state::StateError`, …), each with an `exit_kind()`
//! method; `main.rs` walks an error chain and asks the first typed error it
//! finds, in one place (a test checks that every typed error is listed there).

use std::fmt;

/// Stable process exit codes; documented in the README and in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// Anything not covered below (I/O error on the device, bug, …).
    Failure = 1,
    /// Command-line misuse (clap uses 2 as well).
    Usage = 2,
    /// The command finished but skipped something (unreadable files).
    Partial = 3,
    /// The recovery phrase is invalid or does not open this repository.
    WrongPhrase = 4,
    /// The store or the repository under it could not be reached or found.
    NotReachable = 5,
    /// A stored object is missing, tampered with or corrupt.
    Integrity = 6,
    /// Another crossing process holds the lock.
    Locked = 7,
    /// crossing's own state database is corrupt or from a newer version.
    State = 8,
    /// Refused to act to protect data (non-empty target, unsafe path, no TTY to confirm).
    Refused = 9,
    /// A wrong PIN at the unlock gate (or for a command that needs it).
    WrongPin = 10,
    /// No snapshot matches the ID, prefix or "latest" asked for (the store
    /// itself was reached: that is 5).
    NotFound = 11,
}

impl ExitKind {
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The stable snake_case name of the `kind` field of a JSON error
    /// (docs/json.md).
    pub fn name(self) -> &'static str {
        match self {
            ExitKind::Failure => "failure",
            ExitKind::Usage => "usage",
            ExitKind::Partial => "partial",
            ExitKind::WrongPhrase => "wrong_phrase",
            ExitKind::NotReachable => "not_reachable",
            ExitKind::Integrity => "integrity",
            ExitKind::Locked => "locked",
            ExitKind::State => "state",
            ExitKind::Refused => "refused",
            ExitKind::WrongPin => "wrong_pin",
            ExitKind::NotFound => "not_found",
        }
    }

    /// The table printed in `--help` and the README.
    pub const TABLE: &'static str = "\
EXIT CODES:
  0  success
  1  failure (I/O error, unexpected condition)
  2  usage error
  3  partial: finished, but some files were skipped (listed in the output)
  4  wrong or invalid recovery phrase
  5  store or repository not reachable / not found
  6  integrity failure: a stored object is missing, tampered with or corrupt
  7  another crossing process holds the lock
  8  crossing's state database is corrupt or from a newer version
  9  refused, to protect data (e.g. restore into a non-empty directory)
 10  wrong PIN
 11  not found: no snapshot (or path in it) matches the one asked for";
}

/// An error that already knows its exit kind; used where no richer typed
/// error exists (e.g. refusals decided in a command).
#[derive(Debug)]
pub struct Fail {
    pub kind: ExitKind,
    pub message: String,
}

impl Fail {
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Fail {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fail {}

/// Shorthand: `bail_kind!(ExitKind::Refused, "…{}", x)`.
#[macro_export]
macro_rules! bail_kind {
    ($kind:expr, $($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::error::Fail::new($kind, format!($($arg)*))))
    };
}
