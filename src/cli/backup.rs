//! The arguments of `backup`.

use std::path::PathBuf;

use clap::Args;

use super::{json_help, StoreOptionArgs, BACKUP_STORE_OPTION_HELP};

#[derive(Debug, Args)]
#[command(mut_arg("store_options", |a| a.help(BACKUP_STORE_OPTION_HELP)))]
pub struct BackupArgs {
    /// The profile to back up (default: the only one, or among several the one
    /// named "default"; with --data-dir and --store: "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Back up every profile, one after another (each under its own lock);
    /// a profile that fails does not stop the others, and the exit code is
    /// that of the first failure.
    #[arg(long, conflicts_with_all = ["profile", "data_dir", "dry_run"])]
    pub all: bool,
    /// First use without a profile: the directory to back up (creates the profile,
    /// and a pseudonym if there is none, showing its phrase once).
    #[arg(long, value_name = "DIR", requires = "store")]
    pub data_dir: Option<PathBuf>,
    /// First use without a profile: the store URL (see `crossing init --help`).
    #[arg(long, value_name = "URL", requires = "data_dir")]
    pub store: Option<String>,
    /// First use: when a new pseudonym's phrase is shown, do not ask for two
    /// of its words to check the written copy.
    #[arg(long, env = "CROSSING_NO_CONFIRM")]
    pub no_confirm: bool,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// Leave out paths matching GLOB, relative to the data directory
    /// (gitignore-like: `*.tmp` at any depth, `/Cache` only at the top,
    /// `logs/` directories only, `**` across directories); repeatable, added
    /// to the profile's (`crossing init --exclude`). Excluded paths are not
    /// read.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
    /// Say what would be read and stored, and store nothing: no snapshot,
    /// no pack, no change to crossing's state. Files not known unchanged
    /// are read and chunked to count the new bytes.
    #[arg(long, conflicts_with = "data_dir")]
    pub dry_run: bool,
    /// A label stored in the (encrypted) snapshot; repeatable.
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// Make the snapshot disappear at the next prune after this long (e.g. 7d, 12h).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub expire_after: Option<std::time::Duration>,
    #[arg(long, help = concat!(json_help!(), ": the new snapshot's summary"))]
    pub json: bool,
}
