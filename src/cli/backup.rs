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
    /// First use without a profile: the directory to back up (creates the profile,
    /// and a pseudonym if there is none, showing its phrase once).
    #[arg(long, value_name = "DIR", requires = "store")]
    pub data_dir: Option<PathBuf>,
    /// First use without a profile: the store URL (see `crossing init --help`).
    #[arg(long, value_name = "URL", requires = "data_dir")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// A label stored in the (encrypted) snapshot; repeatable.
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// Make the snapshot disappear at the next prune after this long (e.g. 7d, 12h).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub expire_after: Option<std::time::Duration>,
    #[arg(long, help = concat!(json_help!(), ": the new snapshot's summary"))]
    pub json: bool,
}
