//! The arguments of the commands that look into snapshots: ls, diff, stats.

use clap::Args;

use super::{PhraseArgs, StoreOptionArgs, JSON_HELP};

/// Where to read: the profile's store, or another, and the phrase.
#[derive(Debug, Args)]
pub struct RepoArgs {
    /// The profile whose store to read (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// The store URL (default: the profile's).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    #[command(flatten)]
    pub phrase: PhraseArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Text output: one line per entry: type and permissions, size in bytes, \
modification time (UTC), path (the data directory itself is \".\"; a symlink shows its target)."
)]
pub struct LsArgs {
    /// Snapshot ID (or a unique prefix of it), or "latest".
    #[arg(default_value = "latest")]
    pub snapshot: String,
    /// List only this path (relative to the data directory) and what is below it.
    pub path: Option<String>,
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Text output: \"+ path\" added, \"- path\" removed, \"M path\" changed \
(other content, kind, permissions or symlink target; a new modification time alone is no change)."
)]
pub struct DiffArgs {
    /// The older snapshot: ID (or a unique prefix of it), or "latest".
    pub from: String,
    /// The newer snapshot: ID (or a unique prefix of it), or "latest".
    pub to: String,
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Without the phrase, what the store's listing and this device's cache say: \
the snapshots this device wrote (or read in a cache rebuild) and the packs each uses. \
With --phrase-file (or --store), every snapshot a restore could choose is read."
)]
pub struct StatsArgs {
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// The store URL, when there is no profile (needs --phrase-file or a prompt).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// Read the snapshots' manifests with the phrase from FILE (or standard input, "-").
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<std::path::PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}
