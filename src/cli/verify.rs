//! The arguments of the commands that verify and mend a repository (kept
//! apart so that `cli.rs` stays readable).

use std::path::PathBuf;

use clap::Args;

use super::{PhraseArgs, StoreOptionArgs};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// The store URL, when there is no profile (needs the phrase).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    /// Download, decrypt and authenticate every pack (needs the phrase).
    #[arg(long)]
    pub read_data: bool,
    /// With the phrase, snapshots and indexes are checked too.
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
    #[arg(long, help = super::JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "When to use it: `check --phrase-file` reports an index that does not open, or \
prune stops deleting because an index is damaged. repair downloads and decrypts every pack, reads the \
list of chunks each one carries, and writes one new index object for the intact packs no readable index \
lists. It never deletes or overwrites: damaged objects stay (prune removes them later), so it works with \
append-only credentials. It also names, per snapshot, the files with a chunk whose only copies are damaged. \
If those files are still on a device that backs up here, `crossing backup` there uploads them again \
(after `crossing check` has found the damage). Exit 6 when something is lost."
)]
pub struct RepairArgs {
    /// The profile (default: the only one, or among several the one named "default").
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// The store URL, when there is no profile.
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: Option<String>,
    #[command(flatten)]
    pub store_options: StoreOptionArgs,
    #[command(flatten)]
    pub phrase: PhraseArgs,
    #[arg(long, help = super::JSON_HELP)]
    pub json: bool,
}
