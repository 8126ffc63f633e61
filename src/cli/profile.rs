//! The arguments of `init` and `profile`: which directory, which store, whose key.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Client, JSON_HELP};

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
    /// Which client's data this is (a client's profile leaves out its
    /// caches and logs: see `crossing profile show`).
    #[arg(long, value_enum, default_value_t = Client::Generic)]
    pub client: Client,
    /// Kept with the profile: every backup leaves out paths matching GLOB,
    /// relative to the data directory (gitignore-like, see `crossing backup
    /// --help`); repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List profiles.
    List {
        #[arg(long, help = JSON_HELP)]
        json: bool,
        /// Print only the names, one a line (what the shell completions use).
        #[arg(long, conflicts_with = "json")]
        names: bool,
    },
    /// Show one profile.
    Show {
        /// The profile's name (see `crossing profile list`).
        #[arg(value_name = "PROFILE")]
        name: String,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Forget a profile and its backup cache (data directory and store untouched).
    Remove {
        /// The profile's name (see `crossing profile list`).
        #[arg(value_name = "PROFILE")]
        name: String,
    },
}
