//! After a restore on a new device: the pseudonym (from the phrase the
//! restore was given) and a profile backing the restored directory up to
//! the same store, so that backups go on from here. The restore then warms
//! the cache for that profile (src/restore/warm.rs), and the next backup
//! stores almost nothing new.

use std::path::Path;

use crate::keys::Phrase;
use crate::state::profiles::Client;
use crate::state::setup::{add_pseudonym, certify_pseudonym_writer, create_profile, NewProfile};
use crate::state::State;
use crate::store::StoreOptions;

/// What [`needed`] found missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    pub pseudonym: bool,
    /// No profile backs the restored directory up to this repository.
    pub profile: bool,
    /// No profile backs anything up to this repository (a restore elsewhere
    /// beside one, to look at an old snapshot say, is offered nothing).
    pub repository_profile: bool,
}

/// What adopting made, to undo if the restore then fails.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Adopted {
    /// The profile made.
    pub profile: String,
    /// The pseudonym it backs up for.
    pub pseudonym: String,
    /// Whether that pseudonym was imported now.
    #[serde(skip)]
    pub pseudonym_made: bool,
}

/// What this home (`None`: it has no state yet) lacks of the pseudonym of
/// `locator` and a profile backing `target` up to `store_url`; `None` when
/// nothing is.
pub fn needed(
    state: Option<&State>,
    locator: &str,
    store_url: &str,
    target: &Path,
) -> anyhow::Result<Option<Missing>> {
    let Some(state) = state else {
        return Ok(Some(Missing {
            pseudonym: true,
            profile: true,
            repository_profile: true,
        }));
    };
    let store_url = crate::store::canonical_url(store_url)?;
    let pseudonym = !state.pseudonyms()?.iter().any(|p| p.locator == locator);
    let mut of_repository = Vec::new();
    for p in state.profiles()? {
        let same_keys = state
            .pseudonym(&p.pseudonym)?
            .is_some_and(|ps| ps.locator == locator);
        if same_keys && p.store_url == store_url {
            of_repository.push(p);
        }
    }
    let profile = !of_repository.iter().any(|p| p.data_dir == target);
    Ok((pseudonym || profile).then_some(Missing {
        pseudonym,
        profile,
        repository_profile: of_repository.is_empty(),
    }))
}

/// Imports the phrase's pseudonym if this home lacks it (with a certified
/// writer), and makes a profile backing `target` up to `store_url`.
pub fn adopt(
    state: &State,
    phrase: &Phrase,
    store_url: &str,
    store_options: &StoreOptions,
    target: &Path,
    client: Client,
) -> anyhow::Result<Adopted> {
    let secrets = phrase.derive();
    let locator = secrets.public().locator.clone();
    let existing = state
        .pseudonyms()?
        .into_iter()
        .find(|p| p.locator == locator);
    let (pseudonym, pseudonym_made) = match existing {
        Some(p) => {
            if state.writer(&p.locator)?.is_none() {
                certify_pseudonym_writer(state, &p, &secrets)?;
            }
            (p, false)
        }
        None => {
            let taken: Vec<String> = state.pseudonyms()?.into_iter().map(|p| p.name).collect();
            let name = free_name("default", &taken);
            (add_pseudonym(state, Some(name), phrase)?, true)
        }
    };
    let taken: Vec<String> = state.profiles()?.into_iter().map(|p| p.name).collect();
    let base = match client {
        Client::Generic => "default",
        other => other.name(),
    };
    let made = create_profile(
        state,
        NewProfile {
            name: &free_name(base, &taken),
            data_dir: target,
            store: store_url,
            store_options,
            pseudonym: &pseudonym.name,
            client,
            excludes: &[], // the client's own come with the profile
        },
    );
    match made {
        Ok(profile) => Ok(Adopted {
            profile: profile.name,
            pseudonym: pseudonym.name,
            pseudonym_made,
        }),
        Err(e) => {
            if pseudonym_made {
                let _ = state.remove_pseudonym(&pseudonym.name);
            }
            Err(e)
        }
    }
}

/// Undoes [`adopt`] (the restore it preceded failed).
pub fn undo(state: &State, adopted: &Adopted) -> anyhow::Result<()> {
    state.remove_profile(&adopted.profile)?;
    if adopted.pseudonym_made {
        state.remove_pseudonym(&adopted.pseudonym)?;
    }
    Ok(())
}

/// `base`, or `base-2`, `base-3`… the first not in `taken`.
fn free_name(base: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => base.to_string(),
            n => format!("{base}-{n}"),
        })
        .find(|name| !taken.contains(name))
        .expect("an unbounded range has a free name")
}
