//! The arguments of the commands that destroy: `wipe` and `depart`.

use std::path::PathBuf;

use clap::Args;

use super::{Client, JSON_HELP};

#[derive(Debug, Args)]
pub struct WipeArgs {
    /// The profile whose data directory to destroy (default: the only one, or
    /// among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE", conflicts_with = "all")]
    pub profile: Option<String>,
    /// Every profile's data directory.
    #[arg(long)]
    pub all: bool,
    /// Destroy DIR (not a profile's) and crossing's home; needs no state (a corrupt state.db).
    #[arg(long, value_name = "DIR", conflicts_with = "all")]
    pub data_dir: Option<PathBuf>,
    /// With --data-dir: whose database key goes first (default: DIR's profile's client).
    #[arg(long, value_enum, requires = "data_dir")]
    pub client: Option<Client>,
    /// Keep crossing's home (state database, caches, locks); by default it is destroyed too.
    #[arg(long)]
    pub keep_state: bool,
    /// Afterwards fill the free space of each filesystem and churn its journal (slow).
    #[arg(long)]
    pub thorough: bool,
    /// List what would be destroyed and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Stop the clients (Signal, Session, …) that have files open in the data
    /// directory first: SIGTERM, then SIGKILL after 10 s. Without it, a
    /// running client makes this refuse (exit 9).
    #[arg(long, env = "CROSSING_STOP_CLIENTS")]
    pub stop_clients: bool,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long)]
    pub yes: bool,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DepartArgs {
    /// Depart with this profile only: back up, verify and wipe its data
    /// directory and forget its records, keeping crossing's home and the
    /// other profiles. Without it, every profile departs and the home is
    /// wiped too. (No environment fallback: a CROSSING_PROFILE set for
    /// backups must not quietly narrow a departure.)
    #[arg(long)]
    pub profile: Option<String>,
    /// Wipe with a free-space fill and journal churn (slow; see `crossing wipe --help`).
    #[arg(long)]
    pub thorough: bool,
    /// Stop the clients (Signal, Session, …) that have files open in the data
    /// directory first: SIGTERM, then SIGKILL after 10 s. Without it, a
    /// running client makes this refuse (exit 9).
    #[arg(long, env = "CROSSING_STOP_CLIENTS")]
    pub stop_clients: bool,
    /// Do not ask before wiping (needed without a terminal).
    #[arg(long)]
    pub yes: bool,
    /// Wipe even though the folder store is on the same filesystem as the
    /// data directory (then the backup stays on this device: a test, or a
    /// drive you take away yourself).
    #[arg(long)]
    pub allow_same_disk: bool,
    /// After the wipe, also remove what names crossing on this device: the
    /// crontab lines that run it, the man pages and completions installed
    /// next to it or in your home, and this binary. Get it back after the
    /// crossing as you installed it (README: After the crossing).
    #[arg(long, conflicts_with = "profile")]
    pub vanish: bool,
    /// With --vanish: the crontab file to clean (e.g. /etc/cron.d/crossing)
    /// instead of your own crontab (`crontab -l`).
    #[arg(
        long,
        env = "CROSSING_CRONTAB",
        value_name = "FILE",
        requires = "vanish"
    )]
    pub crontab: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}
