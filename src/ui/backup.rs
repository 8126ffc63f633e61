//! What `backup` prints: its one-line summary, a dry run's counts, and
//! `--all`'s table and JSON object.

use serde::Serialize;

use super::{count, human_bytes};
use crate::backup::{BackupSummary, DryRunSummary};
use crate::error::ExitKind;

/// The one line a backup prints (on a terminal, and to a pipe or a cron
/// mail unless `-q`): `snapshot 3f2a… saved: 1,234 files, 12.3 MiB read, 1.1 MiB new`.
pub fn summary_line(s: &BackupSummary) -> String {
    format!(
        "snapshot {} saved: {}, {} read, {} new in {:.1}s",
        &s.snapshot[..12],
        count(s.files, "file"),
        human_bytes(s.bytes_read),
        human_bytes(s.bytes_stored),
        s.duration_secs
    )
}

/// A dry run's report, for humans.
pub fn dry_run_lines(s: &DryRunSummary) -> Vec<String> {
    let mut kept = format!(
        "would back up {} ({}), {}, {}",
        count(s.files, "file"),
        human_bytes(s.bytes),
        count(s.dirs, "directory"),
        count(s.symlinks, "symlink")
    );
    if s.fifos > 0 {
        kept.push_str(&format!(", {}", count(s.fifos, "FIFO")));
    }
    if s.hard_links > 0 {
        kept.push_str(&format!(
            " ({} among them)",
            count(s.hard_links, "hard link")
        ));
    }
    if s.excluded > 0 {
        kept.push_str(&format!("; {} excluded", count(s.excluded, "path")));
    }
    vec![
        format!("dry run of profile \"{}\": nothing was stored", s.profile),
        kept,
        format!(
            "would read {} ({}): {}, {} new before compression",
            count(s.files_read, "file"),
            human_bytes(s.bytes_read),
            count(s.new_chunks, "new chunk"),
            human_bytes(s.bytes_new)
        ),
    ]
}

/// One profile's line of `backup --all`.
pub struct Row<'a> {
    pub profile: &'a str,
    pub result: Result<&'a BackupSummary, (ExitKind, String)>,
}

/// `backup --all`'s table: one row per profile.
pub fn all_table(rows: &[Row<'_>]) -> Vec<String> {
    let width = rows
        .iter()
        .map(|r| r.profile.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let mut lines = vec![format!(
        "{:width$}  {:12}  {:>9}  {:>10}  {:>10}  result",
        "profile", "snapshot", "files", "read", "new"
    )];
    for r in rows {
        lines.push(match &r.result {
            Ok(s) => format!(
                "{:width$}  {:12}  {:>9}  {:>10}  {:>10}  {}",
                r.profile,
                &s.snapshot[..12],
                indicatif::HumanCount(s.files).to_string(),
                human_bytes(s.bytes_read),
                human_bytes(s.bytes_stored),
                if s.skipped.is_empty() {
                    "saved".to_string()
                } else {
                    format!(
                        "partial: {} skipped (exit 3)",
                        count(s.skipped.len(), "path")
                    )
                }
            ),
            Err((kind, _)) => format!(
                "{:width$}  {:12}  {:>9}  {:>10}  {:>10}  failed: {} (exit {})",
                r.profile,
                "-",
                "-",
                "-",
                "-",
                kind.name(),
                kind.code()
            ),
        });
    }
    lines
}

/// `backup --all --json`.
#[derive(Serialize)]
pub struct AllJson<'a> {
    pub profiles: Vec<AllEntry<'a>>,
    pub exit_code: i32,
}

#[derive(Serialize)]
pub struct AllEntry<'a> {
    pub profile: &'a str,
    pub exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<&'a BackupSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<AllError>,
}

#[derive(Serialize)]
pub struct AllError {
    pub kind: &'static str,
    pub message: String,
}

impl<'a> AllJson<'a> {
    pub fn new(rows: &[Row<'a>], exit_code: i32) -> AllJson<'a> {
        let profiles = rows
            .iter()
            .map(|r| match &r.result {
                Ok(s) => AllEntry {
                    profile: r.profile,
                    exit_code: if s.skipped.is_empty() {
                        0
                    } else {
                        ExitKind::Partial.code()
                    },
                    backup: Some(*s),
                    error: None,
                },
                Err((kind, message)) => AllEntry {
                    profile: r.profile,
                    exit_code: kind.code(),
                    backup: None,
                    error: Some(AllError {
                        kind: kind.name(),
                        message: message.clone(),
                    }),
                },
            })
            .collect();
        AllJson {
            profiles,
            exit_code,
        }
    }
}
