//! Creating profiles and pseudonyms (the checks shared by `init`, `pseudonym`
//! and a first `backup`), and opening a profile's repository.

use std::path::{Path, PathBuf};

use crate::error::ExitKind;
use crate::keys::{Phrase, PublicKeys, SecretKeys};
use crate::repo::signed::Certificate;
use crate::repo::Repo;
use crate::state::profiles::{Client, Profile, DEFAULT_PROFILE};
use crate::state::pseudonyms::Pseudonym;
use crate::state::writers::Writer;
use crate::state::{now_unix, State};
use crate::store::{Store, StoreOptions};

/// Makes a path absolute without requiring it to exist.
pub fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(std::path::absolute(path)?)
}

/// What a new profile is made of.
pub struct NewProfile<'a> {
    pub name: &'a str,
    pub data_dir: &'a Path,
    pub store: &'a str,
    pub store_options: &'a StoreOptions,
    pub pseudonym: &'a str,
    pub client: Client,
    /// Exclude patterns kept with the profile (the client's come first).
    pub excludes: &'a [String],
}

/// Checks and records a profile. The data directory need not exist yet
/// (a client may not have been started), but must not be a file.
pub fn create_profile(state: &State, new: NewProfile<'_>) -> anyhow::Result<Profile> {
    let profile = checked_profile(state, new)?;
    make_store_folder(&profile)?;
    state.add_profile(&profile)?;
    Ok(profile)
}

/// A new profile's folder store is made now, inside a folder that exists
/// (exit 5 otherwise: a drive that is not mounted). Later commands never
/// create it, so an unmounted drive is never replaced by the internal disk.
fn make_store_folder(profile: &Profile) -> anyhow::Result<()> {
    if crate::store::local_folder(&profile.store_url).is_some() {
        Store::open(&profile.store_url, &profile.store_options, true)?;
    }
    Ok(())
}

/// The profile `new` describes, after every check that needs no pseudonym
/// (so a first backup can check before it makes one).
fn checked_profile(state: &State, new: NewProfile<'_>) -> anyhow::Result<Profile> {
    crate::state::pseudonyms::validate_name(new.name)?;
    crate::store::check_settings(new.store, new.store_options)?;
    let data_dir = absolute(new.data_dir)?;
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
    refuse_store_overlap(new.store, &data_dir, state.home())?;
    let profile = Profile {
        name: new.name.to_string(),
        data_dir,
        store_url: crate::store::canonical_url(new.store)?,
        store_options: new.store_options.clone(),
        pseudonym: new.pseudonym.to_string(),
        client: new.client.name().to_string(),
        created_at: now_unix(),
        excludes: new
            .client
            .default_excludes()
            .iter()
            .map(|p| p.to_string())
            .chain(new.excludes.iter().cloned())
            .collect(),
    };
    Ok(profile)
}

/// A folder store inside (or containing) a data directory or crossing's
/// home would be backed up into itself, and destroyed by the wipe that
/// relies on it (exit 9).
pub fn refuse_store_overlap(store: &str, data_dir: &Path, home: &Path) -> anyhow::Result<()> {
    let Some(folder) = crate::store::local_folder(store) else {
        return Ok(());
    };
    let folder = absolute(&folder)?;
    let home = absolute(home)?;
    for (what, dir) in [
        ("the data directory", data_dir),
        ("crossing's home", home.as_path()),
    ] {
        if folder.starts_with(dir) || dir.starts_with(&folder) {
            crate::bail_kind!(
                ExitKind::Refused,
                "the store folder {} overlaps {what} {}: a backup would hold itself and a wipe would destroy it; put the store on another drive",
                folder.display(),
                dir.display()
            );
        }
    }
    Ok(())
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

/// Derives a phrase's public keys and records them under `name` (or
/// "default"), with a writer for this device certified by the phrase.
pub fn add_pseudonym(
    state: &State,
    name: Option<String>,
    phrase: &Phrase,
) -> anyhow::Result<Pseudonym> {
    let name = name.unwrap_or_else(|| "default".to_string());
    crate::state::pseudonyms::validate_name(&name)?;
    let keys = phrase.derive();
    let p = state.add_pseudonym(&name, keys.public())?;
    certify_writer(state, &keys)?;
    Ok(p)
}

/// Makes this device a writer of the phrase's repositories: a fresh random
/// key, certified by the phrase's authority (the phrase is needed once).
/// Replaces an earlier writer of this device. Returns the writer's public key.
pub fn certify_writer(state: &State, secrets: &SecretKeys) -> anyhow::Result<[u8; 32]> {
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let locator = &secrets.public().locator;
    let certificate = Certificate {
        version: crate::repo::signed::SIGNED_VERSION,
        locator: locator.clone(),
        writer: key.verifying_key().to_bytes(),
        issued_at: now_unix(),
    }
    .sign(secrets.writer_authority())?;
    let writer = Writer {
        key,
        certificate: crate::repo::format::to_cbor(&certificate)?,
    };
    state.set_writer(locator, &writer)?;
    Ok(writer.public())
}

/// A profile made on first use, and the pseudonym made for it if there was
/// none (its phrase is the caller's to show, once).
pub struct FirstUse {
    pub profile: Profile,
    pub created: bool,
    pub new_pseudonym: Option<(Phrase, Pseudonym)>,
}

/// The profile `name`, or on first use (`data_dir` and `store` given) a new
/// one, with a new pseudonym if the device has none.
pub fn profile_or_first_use(
    state: &State,
    name: Option<&str>,
    first_use: Option<(&Path, &str)>,
    store_options: &StoreOptions,
    may_show_phrase: bool,
) -> anyhow::Result<FirstUse> {
    let Some((data_dir, store)) = first_use else {
        return Ok(FirstUse {
            profile: state.chosen_profile(name)?,
            created: false,
            new_pseudonym: None,
        });
    };
    let name = name.unwrap_or(DEFAULT_PROFILE);
    let existing = state.profile(name)?;
    if let Some(p) = existing {
        if p.data_dir == absolute(data_dir)? && p.store_url == crate::store::canonical_url(store)? {
            return Ok(FirstUse {
                profile: p,
                created: false,
                new_pseudonym: None,
            });
        }
        crate::bail_kind!(
            ExitKind::Usage,
            "profile \"{}\" exists with data directory {} and store {}; to back up something else, add --profile NEW_NAME",
            p.name,
            p.data_dir.display(),
            p.store_url
        );
    }
    // Every check first: a pseudonym made for a profile that is then refused
    // would be recorded with a phrase nobody saw.
    let existing_pseudonym = default_pseudonym(state)?;
    if existing_pseudonym.is_none() && !may_show_phrase {
        // A phrase printed without a terminal lands in a cron log, on the
        // very disk at risk.
        crate::bail_kind!(
            ExitKind::Usage,
            "there is no pseudonym to back up for, and a new one's recovery phrase is shown only on a terminal: run `crossing pseudonym new` on a terminal, then this backup again"
        );
    }
    let mut profile = checked_profile(
        state,
        NewProfile {
            name,
            data_dir,
            store,
            store_options,
            pseudonym: existing_pseudonym.as_deref().unwrap_or("default"),
            client: Client::Generic,
            excludes: &[],
        },
    )?;
    let new_pseudonym = match existing_pseudonym {
        Some(_) => None,
        None => {
            let phrase = Phrase::generate(12)?;
            let p = add_pseudonym(state, None, &phrase)?;
            profile.pseudonym = p.name.clone();
            Some((phrase, p))
        }
    };
    let recorded = make_store_folder(&profile).and_then(|()| state.add_profile(&profile));
    if let Err(e) = recorded {
        if let Some((_, p)) = &new_pseudonym {
            let _ = state.remove_pseudonym(&p.name); // its phrase was never shown
        }
        return Err(e);
    }
    Ok(FirstUse {
        profile,
        created: true,
        new_pseudonym,
    })
}

/// Certifies a writer for pseudonym `p`, refusing (exit 4) a phrase that
/// is not its own.
pub fn certify_pseudonym_writer(
    state: &State,
    p: &Pseudonym,
    secrets: &SecretKeys,
) -> anyhow::Result<[u8; 32]> {
    if secrets.public().locator != p.locator {
        crate::bail_kind!(
            ExitKind::WrongPhrase,
            "this phrase is not the one of pseudonym \"{}\"; check every word",
            p.name
        );
    }
    certify_writer(state, secrets)
}

/// A profile's repository: its pseudonym's public keys, and the store it
/// names opened with `options` (the profile's own, or merged with a run's).
pub fn profile_repo(
    state: &State,
    profile: &Profile,
    options: &StoreOptions,
    create: bool,
) -> anyhow::Result<(PublicKeys, Repo)> {
    let keys = state.require_pseudonym(&profile.pseudonym)?.keys();
    let store = Store::open(&profile.store_url, options, create)?;
    let repo = Repo::new(store, &keys.locator);
    Ok((keys, repo))
}

/// Refuses a phrase that is not the one of the pseudonym a profile backs up
/// for (exit 4): reading with it would only find nothing.
pub fn ensure_profile_phrase(
    profile: &Profile,
    keys: &PublicKeys,
    secrets: &SecretKeys,
) -> anyhow::Result<()> {
    if secrets.public().locator != keys.locator {
        crate::bail_kind!(
            ExitKind::WrongPhrase,
            "this phrase is not the one of pseudonym \"{}\" that profile \"{}\" backs up for; check every word",
            profile.pseudonym,
            profile.name
        );
    }
    Ok(())
}
