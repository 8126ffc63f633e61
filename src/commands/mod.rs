//! One file per user-facing command: each orchestrates the library layers
//! below it and formats the result. Nothing below calls back up here.

pub mod assets;
pub mod backup;
pub mod check;
pub mod deadman;
pub mod depart;
pub mod duress;
pub mod emergency;
pub mod profile;
pub mod prune;
pub mod pseudonym;
pub mod remote_wipe;
pub mod restore;
pub mod snapshots;
pub mod unlock;
pub mod wipe;

use std::path::PathBuf;

use serde::Serialize;

use crate::state::State;

/// What every command gets from the global options.
pub struct Context {
    pub home: PathBuf,
    pub quiet: bool,
}

impl Context {
    pub fn new(home: Option<PathBuf>, quiet: bool) -> anyhow::Result<Context> {
        let home = match home {
            Some(h) => h,
            None => default_home()?,
        };
        Ok(Context { home, quiet })
    }

    pub fn state(&self) -> anyhow::Result<State> {
        State::open(&self.home)
    }

    /// A line for humans on stdout, unless --quiet.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", line.as_ref());
        }
    }

    /// A warning on stderr, unless --quiet.
    pub fn warn(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("warning: {}", line.as_ref());
        }
    }
}

/// `$XDG_DATA_HOME/crossing`, `~/.local/share/crossing`, or the platform's equivalent.
pub fn default_home() -> anyhow::Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("crossing"))
        .ok_or_else(|| anyhow::anyhow!("cannot find a data directory for crossing's state; pass --home DIR or set CROSSING_HOME"))
}

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// The async runtime the store client runs on (two threads: uploads and
/// downloads are I/O-bound; CPU work runs on crossing's own threads).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// A byte progress bar on a terminal, nothing otherwise (cron, pipes, --json).
pub fn progress_bar(ctx: &Context, json: bool, verb: &str) -> Option<indicatif::ProgressBar> {
    if ctx.quiet || json || !crate::prompt::stderr_is_tty() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{verb} [{{elapsed_precise}}] {{wide_bar}} {{bytes}}/{{total_bytes}} {{binary_bytes_per_sec}} ETA {{eta}}"
    ))
    .expect("valid template");
    bar.set_style(style);
    Some(bar)
}

pub fn human_bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}

/// A profile's repository: its pseudonym's public keys, and the store it
/// names opened with `options` (the profile's own, or merged with a run's).
pub fn profile_repo(
    state: &State,
    profile: &crate::state::profiles::Profile,
    options: &crate::store::StoreOptions,
    create: bool,
) -> anyhow::Result<(crate::keys::PublicKeys, crate::repo::Repo)> {
    let keys = state.require_pseudonym(&profile.pseudonym)?.keys();
    let store = crate::store::Store::open(&profile.store_url, options, create)?;
    let repo = crate::repo::Repo::new(store, &keys.locator);
    Ok((keys, repo))
}

/// Reads the phrase from `source` and refuses it (exit 4) unless it is the
/// one of the pseudonym the profile backs up for.
pub fn profile_phrase(
    profile: &crate::state::profiles::Profile,
    keys: &crate::keys::PublicKeys,
    source: Option<&std::path::Path>,
) -> anyhow::Result<crate::keys::SecretKeys> {
    let secrets = crate::prompt::read_phrase(source)?.derive();
    ensure_profile_phrase(profile, keys, &secrets)?;
    Ok(secrets)
}

/// Refuses a phrase that is not the one of the pseudonym a profile backs up
/// for (exit 4): reading with it would only find nothing.
pub fn ensure_profile_phrase(
    profile: &crate::state::profiles::Profile,
    keys: &crate::keys::PublicKeys,
    secrets: &crate::keys::SecretKeys,
) -> anyhow::Result<()> {
    if secrets.public().locator != keys.locator {
        crate::bail_kind!(
            crate::error::ExitKind::WrongPhrase,
            "this phrase is not the one of pseudonym \"{}\" that profile \"{}\" backs up for; check every word",
            profile.pseudonym,
            profile.name
        );
    }
    Ok(())
}
