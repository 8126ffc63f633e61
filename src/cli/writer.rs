//! The arguments of `writer`: the devices that write a repository.

use clap::Subcommand;

use super::{PhraseArgs, JSON_HELP};

#[derive(Debug, Subcommand)]
pub enum WriterCommand {
    /// Every writer the phrase certified for the profile's repository, with
    /// its last snapshot and whether depart sealed it or it was revoked.
    List {
        /// The profile (default: the only one, or among several the one named "default").
        #[arg(long, env = "CROSSING_PROFILE")]
        profile: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Revoke a writer (a device taken without a wipe): nothing it signs
    /// after --as-of is trusted any more (needs the phrase).
    Revoke {
        /// The writer's ID, or a unique prefix of it (see `crossing writer list`).
        writer: String,
        /// From when on its snapshots are untrusted: an RFC 3339 time
        /// (2026-12-01T12:00:00Z) or "now".
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        as_of: i64,
        /// The profile (default: the only one, or among several the one named "default").
        #[arg(long, env = "CROSSING_PROFILE")]
        profile: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
    },
}

fn parse_time(s: &str) -> Result<i64, String> {
    if s == "now" {
        return Ok(crate::state::now_unix());
    }
    humantime::parse_rfc3339_weak(s)
        .map_err(|e| format!("{e}; give a time like 2026-12-01T12:00:00Z, or \"now\""))?
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .map_err(|_| "the time is before 1970".to_string())
}
