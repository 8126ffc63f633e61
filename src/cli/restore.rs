//! The arguments of `restore`.

use std::path::PathBuf;

use clap::Args;

use super::{Client, PhraseArgs, StoreOptionArgs, JSON_HELP};

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The profile whose store and data directory to use by default (without
    /// it: the only profile, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Snapshot ID (or a unique prefix of it), or "latest".
    #[arg(long, default_value = "latest")]
    pub snapshot: String,
    /// The store URL (default: the profile's).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// Where to restore (default: the profile's data directory, or the client's).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Restore to this client's usual data directory.
    #[arg(long, value_enum)]
    pub client: Option<Client>,
    #[command(flatten)]
    pub phrase: PhraseArgs,
    /// The seal code `depart` showed: restore exactly the snapshot it sealed, and
    /// refuse if the store does not hold that departure.
    #[arg(long, value_name = "CODE")]
    pub seal: Option<String>,
    /// Replace a non-empty data directory (its old contents are kept until the new ones are in place).
    #[arg(long)]
    pub force: bool,
    /// With --force: stop the clients that have files open in the data
    /// directory first (SIGTERM, then SIGKILL after 10 s). Without it, a
    /// running client makes the restore refuse (exit 9).
    #[arg(long, env = "CROSSING_STOP_CLIENTS")]
    pub stop_clients: bool,
    /// Restore only this file or directory of the snapshot (and the
    /// directories leading to it), given relative to the data directory, e.g.
    /// `attachments.noindex/3f`; repeatable. A path the snapshot does not hold
    /// is refused (exit 2) and nothing is restored.
    #[arg(long, value_name = "PATH")]
    pub include: Vec<PathBuf>,
    /// Restore setuid, setgid and sticky bits and write permission for others as the snapshot has them (by default they are dropped).
    #[arg(long)]
    pub keep_special_modes: bool,
    /// When this home has no pseudonym or profile for the restored data, make
    /// them (the pseudonym from the phrase given, a profile backing the
    /// restored directory up to this store), so the next backup stores only
    /// what changed. Offered on a terminal without --adopt or --no-adopt.
    #[arg(long, conflicts_with = "no_adopt")]
    pub adopt: bool,
    /// Do not offer to make that pseudonym and profile.
    #[arg(long)]
    pub no_adopt: bool,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}
