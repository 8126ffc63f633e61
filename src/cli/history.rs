//! The arguments of the commands that list and forget snapshots.

use std::path::PathBuf;

use clap::Args;

use super::{StoreOptionArgs, JSON_HELP};

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// The store URL, when there is no profile (needs --phrase-file or a prompt).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// With the phrase, the snapshots' contents are read too (files, bytes, tags).
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Runs from cron without the phrase, from this device's cache of what it wrote. \
If another device wrote to the repository (or it was restored here), the cache is cold: prune then only \
forgets snapshots until it is run once with --phrase-file. With no --keep-* option, only expired snapshots go."
)]
pub struct PruneArgs {
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Keep the N newest snapshots.
    #[arg(long, value_name = "N")]
    pub keep_last: Option<usize>,
    /// Keep every snapshot younger than DURATION (e.g. 7d, 36h).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub keep_within: Option<std::time::Duration>,
    /// Keep the newest snapshot of each of the last N days (UTC) that have one.
    #[arg(long, value_name = "N")]
    pub keep_daily: Option<usize>,
    /// Keep the newest snapshot of each of the last N ISO weeks that have one.
    #[arg(long, value_name = "N")]
    pub keep_weekly: Option<usize>,
    /// Show what would be forgotten and deleted; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rebuild the cache from the store first (needed once when it is cold).
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The named snapshots' manifests are deleted, as prune deletes those it forgets; \
their data goes at the next `crossing prune`, once no kept snapshot uses it. Without the phrase, \
only snapshots this device's cache knows can be named; with --phrase-file the cache is rebuilt \
from the store first, and untrusted snapshots are refused."
)]
pub struct ForgetArgs {
    /// Snapshot IDs (or unique prefixes of them), or "latest".
    #[arg(required = true, value_name = "SNAPSHOT")]
    pub snapshots: Vec<String>,
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Show what would be forgotten; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rebuild the cache from the store first, so any trusted snapshot can be named.
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}
