//! One file per user-facing command: each reads its arguments, calls the
//! library, and prints what it returns. Commands do not call each other;
//! what several share lives in the library (or, for output, in `ui`).

pub mod assets;
pub mod backup;
pub mod check;
pub mod deadman;
pub mod depart;
pub mod diff;
pub mod duress;
pub mod forget;
pub mod ls;
pub mod profile;
pub mod prune;
pub mod pseudonym;
pub mod remote_wipe;
pub mod repair;
pub mod restore;
pub mod snapshots;
pub mod stats;
pub mod tidy;
pub mod unlock;
pub mod wipe;
pub mod writer;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::keys::{PublicKeys, SecretKeys};
use crate::state::profiles::Profile;
use crate::state::State;
use crate::ui::{print_json, Out};

/// What every command gets from the global options.
pub struct Context {
    pub home: PathBuf,
    pub out: Out,
}

impl Context {
    pub fn new(home: Option<PathBuf>, quiet: bool) -> anyhow::Result<Context> {
        let home = match home {
            Some(h) => h,
            None => crate::home::default_home()?,
        };
        Ok(Context {
            home,
            out: Out { quiet },
        })
    }

    pub fn quiet(&self) -> bool {
        self.out.quiet
    }

    pub fn state(&self) -> anyhow::Result<State> {
        State::open(&self.home)
    }

    /// Whether crossing's state exists here (without creating it).
    pub fn has_state(&self) -> bool {
        self.home.join(crate::state::DB_FILE).exists()
    }

    /// Starts the detached destroyer again if an emergency wipe left a
    /// destruction unfinished in this home. Detached rather than inline:
    /// the command the user (or whoever holds the device) runs is neither
    /// delayed nor changed in its output. A damaged record is mentioned
    /// only on a terminal (quiet under cron).
    pub fn resume_pending_destruction(&self) {
        use crate::protect::pending::{resume, Resumed};
        use std::io::IsTerminal;
        let why = match resume(&self.home) {
            Resumed::Damaged(d) => d.to_string(),
            Resumed::Failed(e) => format!("cannot resume the pending destruction: {e:#}"),
            Resumed::Nothing | Resumed::Busy | Resumed::Started => return,
        };
        if std::io::stderr().is_terminal() {
            eprintln!("crossing: {why}");
        }
    }

    pub fn say(&self, line: impl AsRef<str>) {
        self.out.say(line)
    }

    pub fn warn(&self, line: impl AsRef<str>) {
        self.out.warn(line)
    }
}

/// Reads the phrase from `source` and refuses it (exit 4) unless it is the
/// one of the pseudonym the profile backs up for.
pub fn profile_phrase(
    profile: &Profile,
    keys: &PublicKeys,
    source: Option<&Path>,
) -> anyhow::Result<SecretKeys> {
    let secrets = crate::prompt::read_phrase(source)?.derive();
    crate::state::setup::ensure_profile_phrase(profile, keys, &secrets)?;
    Ok(secrets)
}

/// The repository to read with the phrase: the phrase's own under
/// `--store`, else the profile's (the phrase refused, exit 4, unless it is
/// that profile's pseudonym's), opened for reading.
pub fn repo_with_phrase(
    ctx: &Context,
    args: &crate::cli::RepoArgs,
) -> anyhow::Result<(crate::repo::Repo, crate::repo::history::ReadKeys)> {
    use crate::repo::{history::ReadKeys, Repo};
    let options = args.store_options.parse()?;
    let phrase = args.phrase.phrase_file.as_deref();
    let (repo, secrets) = match &args.store {
        Some(url) => {
            let secrets = crate::prompt::read_phrase(phrase)?.derive();
            let store = crate::store::Store::open(url, &options, false)?;
            (Repo::new(store, &secrets.public().locator), secrets)
        }
        None => {
            let state = ctx.state()?;
            let profile = state.chosen_profile(args.profile.as_deref())?;
            let options = profile.store_options.merged(&options);
            let (keys, repo) =
                crate::state::setup::profile_repo(&state, &profile, &options, false)?;
            let secrets = profile_phrase(&profile, &keys, phrase)?;
            (repo, secrets)
        }
    };
    let keys = ReadKeys::of(&secrets);
    repo.open_for_reading(&keys.identity)?;
    Ok((repo, keys))
}

/// Commands that weaken a protection (disarm, clear, check in) need the PIN
/// when an unlock gate is set; a duress code here wipes, as at `unlock`.
pub fn pin_if_gated(ctx: &Context, pin: &crate::cli::PinArgs) -> anyhow::Result<()> {
    use crate::protect::{duress::Gate, unlock};
    if Gate::load(&ctx.home)?.is_none() {
        return Ok(());
    }
    let passed = unlock::with_pin(&ctx.home, || crate::prompt::read_code("PIN: ", pin.stdin))?;
    if let Some(e) = passed.checkin_failed {
        ctx.warn(format!(
            "could not record the check-in for the dead-man switch: {e}"
        ));
    }
    Ok(())
}

/// `list` of profiles and pseudonyms: JSON, one line each, or how to make one.
fn list<T: Serialize>(
    ctx: &Context,
    all: &[T],
    json: bool,
    none: &str,
    line: impl Fn(&T) -> String,
) -> anyhow::Result<()> {
    if json {
        print_json(&all)?;
    } else if all.is_empty() {
        ctx.say(none);
    } else {
        for item in all {
            println!("{}", line(item));
        }
    }
    Ok(())
}

/// `show` of a profile or a pseudonym: JSON or its description.
fn show<T: Serialize>(item: &T, json: bool, describe: impl Fn(&T) -> String) -> anyhow::Result<()> {
    if json {
        print_json(item)
    } else {
        print!("{}", describe(item));
        Ok(())
    }
}
