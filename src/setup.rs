//! Creating profiles: the checks shared by `init` and a first `backup`.

use std::path::{Path, PathBuf};

use crate::cli::Client;
use crate::state::profiles::Profile;
use crate::state::{now_unix, State};
use crate::store::{StoreOptions, StoreUrl};

/// The client's usual data directory on this OS (Session Desktop, Signal Desktop).
pub fn client_data_dir(client: Client) -> anyhow::Result<PathBuf> {
    let name = match client {
        Client::Session => "Session",
        Client::Signal => "Signal",
        Client::Generic => {
            anyhow::bail!("--client generic has no usual data directory; pass --data-dir DIR")
        }
    };
    // ~/.config on Linux, ~/Library/Application Support on macOS: where Electron puts userData.
    let base = dirs::config_dir().ok_or_else(|| {
        anyhow::anyhow!("cannot find this user's config directory; pass --data-dir DIR")
    })?;
    Ok(base.join(name))
}

pub fn client_name(client: Client) -> &'static str {
    match client {
        Client::Session => "session",
        Client::Signal => "signal",
        Client::Generic => "generic",
    }
}

/// Makes a path absolute without requiring it to exist.
pub fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(std::path::absolute(path)?)
}

/// Checks and records a profile. The data directory need not exist yet
/// (a client may not have been started), but must not be a file.
pub fn create_profile(
    state: &State,
    name: &str,
    data_dir: &Path,
    store: &str,
    store_options: &StoreOptions,
    pseudonym: &str,
    client: Client,
) -> anyhow::Result<Profile> {
    crate::state::pseudonyms::validate_name(name)?;
    store_options.validate(StoreUrl::parse(store)?.scheme)?;
    let data_dir = absolute(data_dir)?;
    if data_dir.exists() && !data_dir.is_dir() {
        anyhow::bail!("--data-dir {} is not a directory", data_dir.display());
    }
    if data_dir.starts_with(state.home()) || state.home().starts_with(&data_dir) {
        anyhow::bail!(
            "--data-dir {} overlaps crossing's home {}; choose another directory",
            data_dir.display(),
            state.home().display()
        );
    }
    let profile = Profile {
        name: name.to_string(),
        data_dir,
        store_url: store.to_string(),
        store_options: store_options.clone(),
        pseudonym: pseudonym.to_string(),
        client: client_name(client).to_string(),
        created_at: now_unix(),
    };
    state.add_profile(&profile)?;
    Ok(profile)
}

/// The pseudonym a new profile uses when none is named: the only one, or "default".
pub fn default_pseudonym(state: &State) -> anyhow::Result<Option<String>> {
    let all = state.pseudonyms()?;
    Ok(match all.as_slice() {
        [] => None,
        [only] => Some(only.name.clone()),
        _ => all
            .iter()
            .find(|p| p.name == "default")
            .map(|p| p.name.clone()),
    })
}

/// Derives a phrase's public keys and records them under `name` (or "default").
pub fn add_pseudonym(
    state: &State,
    name: Option<String>,
    phrase: &crate::keys::Phrase,
) -> anyhow::Result<crate::state::pseudonyms::Pseudonym> {
    let name = name.unwrap_or_else(|| "default".to_string());
    crate::state::pseudonyms::validate_name(&name)?;
    let keys = phrase.derive();
    state.add_pseudonym(&name, keys.public())
}
