//! What the user sees: lines and warnings (silent under `--quiet`), JSON,
//! byte sizes, a progress bar on a terminal only, and the shared pieces of
//! several commands' output (a wipe's plan and report, a new phrase).

pub mod backup;
pub mod phrase;
pub mod progress;
pub mod wipe;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::error::ExitKind;

/// Where human-readable output goes.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub quiet: bool,
}

impl Out {
    /// A line for humans on stdout, unless --quiet.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", line.as_ref());
        }
    }

    /// A warning on stderr, unless --quiet.
    pub fn warn(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", line.as_ref());
        }
    }
}

/// Set once a command printed its JSON object: a failure after it (a wipe
/// that left files, exit 3) adds no error object, so that stdout under
/// `--json` stays exactly one object.
static JSON_PRINTED: AtomicBool = AtomicBool::new(false);

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    JSON_PRINTED.store(true, Ordering::Relaxed);
    Ok(())
}

/// The error object of docs/json.md, on stdout, unless the command already
/// printed its own object (which then stands, with the exit code).
pub fn print_json_error(kind: ExitKind, message: &str) {
    if JSON_PRINTED.load(Ordering::Relaxed) {
        return;
    }
    let error = serde_json::json!({
        "error": { "kind": kind.name(), "exit_code": kind.code(), "message": message }
    });
    println!("{error:#}");
}

pub fn human_bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}

/// Unix seconds as RFC 3339 (UTC, whole seconds).
pub fn timestamp(secs: i64) -> String {
    humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64),
    )
    .to_string()
}

/// A count and its noun, the plural right: `count(1, "file")` is "1 file",
/// `count(2, "index")` "2 indexes", `count(0, "entry")` "0 entries".
pub fn count(n: impl TryInto<u64>, noun: &str) -> String {
    let n: u64 = n.try_into().unwrap_or(u64::MAX);
    if n == 1 {
        return format!("1 {noun}");
    }
    let n = indicatif::HumanCount(n); // 1,234
    let consonant_y =
        noun.ends_with('y') && !noun[..noun.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{n} {}ies", &noun[..noun.len() - 1])
    } else if noun.ends_with(['s', 'x']) || noun.ends_with("ch") || noun.ends_with("sh") {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// "is" for one, "are" for several (a count's verb).
pub fn is_are(n: impl TryInto<u64>) -> &'static str {
    if n.try_into().ok() == Some(1) {
        "is"
    } else {
        "are"
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn plurals() {
        assert_eq!(count(1u64, "file"), "1 file");
        assert_eq!(count(0u64, "file"), "0 files");
        assert_eq!(count(2usize, "index"), "2 indexes");
        assert_eq!(count(3u64, "entry"), "3 entries");
        assert_eq!(count(2u64, "day"), "2 days");
        assert_eq!(count(1u64, "snapshot"), "1 snapshot");
        assert_eq!(count(5u64, "snapshot"), "5 snapshots");
    }
}
