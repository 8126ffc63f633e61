//! The command line, defined once: parsed by `main.rs`, and the source of the
//! man pages and shell completions (`crossing generate-assets`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::ExitKind;
pub use crate::state::profiles::Client;
pub use remote_wipe::RemoteWipeCommand;

pub mod remote_wipe;

mod backup;
mod gate;
mod history;
mod inspect;
mod profile;
mod pseudonym;
mod restore;
mod verify;
mod wipe;
mod writer;
pub use backup::BackupArgs;
pub use gate::{DeadmanCommand, DuressCommand, UnlockArgs};
pub use history::{ForgetArgs, PruneArgs, SnapshotsArgs};
pub use inspect::{DiffArgs, LsArgs, RepoArgs, StatsArgs};
pub use profile::{InitArgs, ProfileCommand};
pub use pseudonym::PseudonymCommand;
pub use restore::RestoreArgs;
pub use verify::{CheckArgs, RepairArgs};
pub use wipe::{DepartArgs, WipeArgs};
pub use writer::WriterCommand;

const ABOUT: &str = "Encrypted write-only backups, restore from a 12-word phrase, and pseudonyms \
for the data directory of a messenger (Session, Signal Desktop) or any folder.";

const LONG_ABOUT: &str = "\
crossing protects the data directory of a client application for people whose \
device may be seized, imaged or unlocked under force.

The device keeps only public keys: `backup` can write new encrypted snapshots \
but never read old ones. Everything needed to restore is the recovery phrase \
(BIP-39, 12 or 24 words) and the store's address.

First use, on a local folder store:
  crossing backup --data-dir ~/notes --store file://$HOME/crossing-store
  (creates a pseudonym and shows its recovery phrase once: write it down)

Restore on a new device:
  crossing restore --store file://$HOME/crossing-store --data-dir ~/notes";

#[derive(Debug, Parser)]
#[command(name = "crossing", version, about = ABOUT, long_about = LONG_ABOUT, after_help = ExitKind::TABLE)]
pub struct Cli {
    /// Where crossing keeps its own state (public keys, profiles, backup
    /// cache); default ~/.local/share/crossing.
    #[arg(long, global = true, env = "CROSSING_HOME", value_name = "DIR", help_heading = GLOBAL_HEADING)]
    pub home: Option<PathBuf>,

    /// Print nothing but errors (for cron).
    #[arg(short, long, global = true, help_heading = GLOBAL_HEADING)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, import, list and remove pseudonyms (identities made only of a key pair).
    #[command(subcommand)]
    Pseudonym(PseudonymCommand),

    /// Record a profile: which data directory to protect, where to store it, for whom.
    Init(InitArgs),

    /// List, show and remove profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),

    /// Write an encrypted, deduplicated snapshot of a profile's data directory to its store.
    ///
    /// Prints one summary line, to a terminal, a pipe or a cron mail alike
    /// (nothing with -q). FIFOs and hard links are kept; sockets and device
    /// files are left out with a warning; unreadable paths make it partial
    /// (exit 3).
    Backup(BackupArgs),

    /// Restore a snapshot into a data directory, verified, atomically (needs the phrase).
    Restore(RestoreArgs),

    /// List the snapshots in a store.
    Snapshots(SnapshotsArgs),

    /// List what a snapshot holds, or one path of it and below (needs the phrase).
    Ls(LsArgs),

    /// Show the paths added, removed and changed between two snapshots (needs the phrase).
    Diff(DiffArgs),

    /// Repository size, deduplication and per-snapshot sizes.
    Stats(StatsArgs),

    /// Verify a repository: structure, or with --read-data every byte.
    Check(CheckArgs),

    /// Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase).
    Repair(RepairArgs),

    /// Forget snapshots outside a retention policy or past --expire-after, and delete their data.
    Prune(PruneArgs),

    /// Forget the named snapshots; their data is deleted by the next prune.
    Forget(ForgetArgs),

    /// Destroy a profile's data directory and crossing's own state, file by file (see docs/wipe.md).
    Wipe(WipeArgs),

    /// Set, show or clear the unlock gate's PIN, duress code and failure limit.
    #[command(subcommand)]
    Duress(DuressCommand),

    /// The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same.
    Unlock(UnlockArgs),

    /// A dead-man switch: wipe when nobody checked in for a while.
    #[command(subcommand)]
    Deadman(DeadmanCommand),

    /// Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN).
    Checkin(PinArgs),

    /// Before a crossing: back up every profile, verify each snapshot is complete
    /// in its store, then wipe every data directory and crossing's home.
    ///
    /// Nothing is wiped unless every backup and every verification succeeded.
    /// With --profile P only P departs: its data directory is wiped and its
    /// records are forgotten; crossing's home and the other profiles stay.
    Depart(DepartArgs),

    /// Let a trusted friend wipe this device remotely, through an object store.
    #[command(subcommand)]
    RemoteWipe(RemoteWipeCommand),

    /// The devices that write a repository: list them, or revoke one that was taken.
    #[command(subcommand)]
    Writer(WriterCommand),

    /// The detached half of an emergency wipe (its work comes on standard
    /// input, never in argv; a neutral name, see `protect::pending`).
    #[command(hide = true)]
    Tidy,

    /// Write man pages and shell completions (for packagers and the repository itself).
    #[command(hide = true)]
    GenerateAssets(GenerateAssetsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct PhraseArgs {
    /// Read the recovery phrase from FILE, or from standard input with "-".
    /// Without it the phrase is prompted for, without echo, on a terminal.
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
}

/// The heading the options of every command (`--home`, `--quiet`) stand under.
pub const GLOBAL_HEADING: &str = "Global options";

/// The help of every `--json` (some add a sentence after it: `json_help!()`).
macro_rules! json_help {
    () => {
        "Print one JSON object on stdout, errors included (docs/json.md)"
    };
}
pub(crate) use json_help;
pub const JSON_HELP: &str = json_help!();

/// `--store-option` of the commands that read a store: for one run only
/// (`backup` says how its first run keeps them).
#[derive(Debug, Clone, Args)]
pub struct StoreOptionArgs {
    /// A non-secret store setting, KEY=VALUE (repeatable), for this run only,
    /// over the profile's: endpoint, region, allow_http, retries,
    /// retry_timeout, … (see docs/stores.md). Secrets stay in the environment.
    #[arg(long = "store-option", value_name = "KEY=VALUE")]
    pub store_options: Vec<String>,
}

/// The help of `backup --store-option`: a first backup keeps them.
pub const BACKUP_STORE_OPTION_HELP: &str = "A non-secret store setting, KEY=VALUE (repeatable), over \
the profile's: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). For this \
run only, except that a first backup (--data-dir with --store) keeps them in the profile it creates. \
Secrets stay in the environment.";

impl StoreOptionArgs {
    pub fn parse(&self) -> Result<crate::store::StoreOptions, crate::store::StoreError> {
        crate::store::StoreOptions::parse_pairs(&self.store_options)
    }
}

/// `--client`: clap's view of the profile's [`Client`] (the domain type
/// lives with profiles; its names and help are given here).
impl ValueEnum for Client {
    fn value_variants<'a>() -> &'a [Self] {
        &Client::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Client::Session => "Session Desktop",
            Client::Signal => "Signal Desktop",
            Client::Generic => "Any folder (--data-dir required)",
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

/// The PIN of the unlock gate, for commands that weaken a protection: a
/// duress code given here wipes, as at `unlock`.
#[derive(Debug, Clone, Args)]
pub struct PinArgs {
    /// Read the PIN as a line of standard input (when a gate is set).
    #[arg(long)]
    pub stdin: bool,
}

#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// The repository root: man/ and completions/ are written below it.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}
