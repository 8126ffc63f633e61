//! The command line, defined once: parsed by `main.rs`, and the source of the
//! man pages and shell completions (`crossing generate-assets`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::ExitKind;
pub use crate::state::profiles::Client;
pub use remote_wipe::RemoteWipeCommand;

pub mod remote_wipe;

mod verify;
pub use verify::{CheckArgs, RepairArgs};

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
    /// Where crossing keeps its own state (public keys, profiles, backup cache).
    #[arg(long, global = true, env = "CROSSING_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Print nothing but errors.
    #[arg(short, long, global = true)]
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
    Backup(BackupArgs),

    /// Restore a snapshot into a data directory, verified, atomically (needs the phrase).
    Restore(RestoreArgs),

    /// List the snapshots in a store.
    Snapshots(SnapshotsArgs),

    /// Verify a repository: structure, or with --read-data every byte.
    Check(CheckArgs),

    /// Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase).
    Repair(RepairArgs),

    /// Forget snapshots outside a retention policy or past --expire-after, and delete their data.
    Prune(PruneArgs),
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

#[derive(Debug, Subcommand)]
pub enum PseudonymCommand {
    /// Make a fresh recovery phrase and show it once, with the pseudonym's ID.
    New {
        /// A local name for the pseudonym (default: "default").
        #[arg(long)]
        name: Option<String>,
        /// Number of words of the recovery phrase.
        #[arg(long, default_value_t = 12, value_parser = parse_words)]
        words: usize,
        /// Print the result as JSON (the phrase included: this is its only showing).
        #[arg(long)]
        json: bool,
    },
    /// Import a pseudonym from its existing recovery phrase.
    Import {
        /// A local name for the pseudonym (default: "default").
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// List pseudonyms (public data only).
    List {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Show one pseudonym's public data.
    Show {
        name: String,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Forget a pseudonym on this device (its backups stay in the store).
    Remove { name: String },
    /// Make this device a certified writer of the pseudonym's backups (needs
    /// the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase.
    Certify {
        /// The pseudonym (default: the only one, or "default").
        name: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
    },
}

#[derive(Debug, Clone, Args)]
pub struct PhraseArgs {
    /// Read the recovery phrase from FILE, or from standard input with "-".
    /// Without it the phrase is prompted for, without echo, on a terminal.
    #[arg(long, env = "CROSSING_PHRASE_FILE", value_name = "FILE|-")]
    pub phrase_file: Option<PathBuf>,
}

/// The help of every `--json` without one of its own.
pub const JSON_HELP: &str = "Print one JSON object on stdout, errors included (docs/json.md)";

#[derive(Debug, Clone, Args)]
pub struct StoreOptionArgs {
    /// A non-secret store setting, KEY=VALUE (repeatable), over the profile's:
    /// endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). For this run only,
    /// except that a first backup keeps them in the profile it creates. Secrets stay in the environment.
    #[arg(long = "store-option", value_name = "KEY=VALUE")]
    pub store_options: Vec<String>,
}

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
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The data directory to protect (default with --client: the client's usual location).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where snapshots go: file:///PATH, s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX],
    /// az://CONTAINER[/PREFIX] or https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]. Credentials come from the environment (AWS_*, GOOGLE_*, AZURE_*).
    #[arg(long, env = "CROSSING_STORE", value_name = "URL")]
    pub store: String,
    /// A non-secret store setting kept in the profile, KEY=VALUE (repeatable):
    /// endpoint, region, allow_http, timeout, retries, retry_timeout, … (see docs/stores.md). Secrets are refused: they stay in the environment.
    #[arg(long = "store-option", value_name = "KEY=VALUE")]
    pub store_options: Vec<String>,
    /// The pseudonym whose key encrypts the backups (default: the only one, or "default").
    #[arg(long)]
    pub pseudonym: Option<String>,
    /// The profile's name (default: the client's, "signal" or "session";
    /// "default" for --client generic).
    #[arg(long)]
    pub name: Option<String>,
    /// Which client's data this is.
    #[arg(long, value_enum, default_value_t = Client::Generic)]
    pub client: Client,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List profiles.
    List {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Show one profile.
    Show {
        name: String,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Forget a profile and its backup cache (data directory and store untouched).
    Remove { name: String },
}

#[derive(Debug, Args)]
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
    /// Print one JSON summary object.
    #[arg(long)]
    pub json: bool,
}

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
    /// Restore setuid, setgid and sticky bits and write permission for others as the snapshot has them (by default they are dropped).
    #[arg(long)]
    pub keep_special_modes: bool,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

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

#[derive(Debug, Subcommand)]
pub enum DuressCommand {
    /// Set the app PIN and a duress code (each asked twice, without echo).
    Set {
        /// Set only a PIN (the duress slot is filled with random bytes all the same).
        #[arg(long)]
        no_duress_code: bool,
        /// Wipe after N consecutive wrong codes (at least 3; off by default).
        #[arg(long, value_name = "N")]
        max_failures: Option<u32>,
        /// Read the codes as lines of standard input: the current PIN if one is
        /// set, the PIN twice, then the duress code twice.
        #[arg(long)]
        stdin: bool,
    },
    /// Show what is set (needs the PIN).
    Status {
        /// Read the PIN as a line of standard input.
        #[arg(long)]
        stdin: bool,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Remove the PIN, the duress code and the failure limit (needs the PIN).
    Clear {
        /// Read the PIN as a line of standard input.
        #[arg(long)]
        stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// On a duress code, wipe only this profile's data directory (and crossing's
    /// home); by default every profile's.
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Read the PIN as a line of standard input (the rest is left to COMMAND).
    #[arg(long)]
    pub stdin: bool,
    /// The client to run once unlocked, with its arguments (after `--`).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub enum DeadmanCommand {
    /// Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h).
    Set {
        /// How long without a check-in before the wipe (at least 1h unless --force).
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        after: std::time::Duration,
        /// Accept a period under one hour (a typo such as 3m instead of 3d
        /// would wipe the device while it is in use).
        #[arg(long)]
        force: bool,
    },
    /// Show whether the switch is armed, the time left and the deadline
    /// (read-only: never wipes, records nothing).
    Status {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Disarm the switch (with an unlock gate set, this asks for the PIN).
    Clear(PinArgs),
    /// For cron: wipe if the time is up, else record the time that passed.
    Check {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
}

/// The PIN of the unlock gate, for commands that weaken a protection: a
/// duress code given here wipes, as at `unlock`.
#[derive(Debug, Clone, Args)]
pub struct PinArgs {
    /// Read the PIN as a line of standard input (when a gate is set).
    #[arg(long)]
    pub stdin: bool,
}

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

#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// The repository root: man/ and completions/ are written below it.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

fn parse_words(s: &str) -> Result<usize, String> {
    match s {
        "12" => Ok(12),
        "24" => Ok(24),
        _ => Err("a recovery phrase has 12 or 24 words".into()),
    }
}
