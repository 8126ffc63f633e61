//! Remote wipe by a trusted friend: arming the device, the friend's
//! request, and the check (from cron and before every backup) that fires
//! it. The protocol itself is in `protocol`; these functions return what
//! happened and print nothing.

pub mod protocol;

use std::path::Path;

use bytes::Bytes;
use rand::RngCore;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::bail_kind;
use crate::error::ExitKind;
use crate::keys::SecretKeys;
use crate::protect::emergency;
use crate::protect::wipe::Report;
use crate::state::protection::Arming;
use crate::state::State;
use crate::store::{Store, StoreError, StoreOptions};
pub use protocol::{parse_id, parse_token, ProtocolError};
use protocol::{ArmingObject, Pair, Reveal, Verdict};

/// The store that carries a channel (`create`: a folder store may be made).
pub fn channel_store(url: &str, create: bool) -> anyhow::Result<Store> {
    Store::open(url, &StoreOptions::default(), create)
}

/// Who may fire: a friend by pseudonym (with this device's phrase), or
/// whoever holds a random token.
pub enum ArmWith<'a> {
    Friend {
        friend_id: &'a str,
        keys: &'a SecretKeys,
    },
    Token,
}

/// What the user passes on to the friend.
pub struct Armed {
    /// The user's own ID, for `send --to` (friend arming).
    pub user_id: Option<String>,
    /// The token, shown once (token arming).
    pub token: Option<Zeroizing<[u8; 32]>>,
    /// Why an earlier arming's object could not be removed (harmless).
    pub stale_left: Option<String>,
}

/// Arms this device: the channel and a commitment to the secret are kept
/// in the state, the secret itself never.
pub fn arm(state: &State, store: &Store, how: ArmWith<'_>) -> anyhow::Result<Armed> {
    let store_url = store.url();
    let (channel, commitment, user_id, token) = match how {
        ArmWith::Friend { friend_id, keys } => {
            let pair = Pair::as_device(keys, friend_id)?;
            let channel = pair.channel();
            let mut nonce = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut nonce);
            let commitment = protocol::commitment(&pair.secret(&nonce));
            let arming = serde_json::to_vec(&ArmingObject::new(&nonce))?;
            store.put_replacing(&protocol::arming_key(&channel), Bytes::from(arming))?;
            (channel, commitment, Some(keys.public().id.clone()), None)
        }
        ArmWith::Token => {
            let mut token = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(&mut token[..]);
            let channel = protocol::token_channel(&token);
            (channel, protocol::commitment(&token), None, Some(token))
        }
    };
    // Replaces an earlier arming: its reveals no longer match.
    let mut stale_left = None;
    if let Some(old) = state.arming()? {
        if old.channel != channel || old.store_url != store_url {
            stale_left = remove_arming_object(&old).err();
        }
    }
    state.set_arming(&Arming {
        store_url: store_url.to_string(),
        channel,
        commitment,
        armed_at: crate::state::now_unix(),
    })?;
    Ok(Armed {
        user_id,
        token,
        stale_left,
    })
}

/// Whom the friend's request is for.
pub enum SendTo<'a> {
    /// The user's ID, with the friend's own phrase.
    User {
        user_id: &'a str,
        keys: &'a SecretKeys,
    },
    Token(Zeroizing<[u8; 32]>),
}

/// As the friend: writes the wipe request (the reveal) into the channel.
pub fn send(store: &Store, to: SendTo<'_>) -> anyhow::Result<()> {
    let (channel, secret) = match to {
        SendTo::User { user_id, keys } => {
            let pair = Pair::as_friend(keys, user_id)?;
            let channel = pair.channel();
            let arming = match store.get_at_most(
                &protocol::arming_key(&channel),
                protocol::MAX_OBJECT_BYTES,
            ) {
                Ok(b) => b,
                Err(e) => match e.downcast::<StoreError>() {
                    Ok(StoreError::Missing { .. }) => bail_kind!(
                        ExitKind::NotReachable,
                        "no remote-wipe arming for you and {user_id} in {}: check the user's ID, the store address and your phrase (the user must have run `remote-wipe arm --friend YOUR_ID`)",
                        store.url()
                    ),
                    Ok(other) => return Err(other.into()),
                    Err(e) => return Err(e),
                },
            };
            let nonce = ArmingObject::parse(&arming).map_err(|e| {
                anyhow::anyhow!(
                    "the arming object in the channel is damaged ({e}); ask the user to arm again"
                )
            })?;
            (channel, pair.secret(&nonce))
        }
        SendTo::Token(token) => (protocol::token_channel(&token), token),
    };
    store.put_replacing(
        &protocol::reveal_key(&channel),
        Bytes::from(Reveal::encode(&secret).to_vec()),
    )
}

/// An object in the channel that is not a valid request, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Ignored {
    pub object: String,
    pub why: String,
}

/// What a check of the channel found.
pub enum Checked {
    NotArmed,
    NoRequest {
        ignored: Vec<Ignored>,
    },
    /// A valid request: everything was destroyed (the gate kept).
    Fired {
        ignored: Vec<Ignored>,
        report: Report,
    },
}

/// Looks for a valid reveal in the channel; wipes on one. An unreachable
/// store is an error, never a trigger. Objects that are not a valid reveal
/// are ignored: each is handed to `on_ignored` as it is found (so it is
/// reported even if the check fails later) and listed in the result.
pub fn check(
    home: &Path,
    state: &State,
    on_ignored: &mut dyn FnMut(&Ignored),
) -> anyhow::Result<Checked> {
    let Some(arming) = state.arming()? else {
        return Ok(Checked::NotArmed);
    };
    let store = channel_store(&arming.store_url, false)?;
    let listed = store.list(&protocol::channel_dir(&arming.channel))?;
    let mut fire = false;
    let mut ignored = Vec::new();
    for l in &listed {
        if l.key.ends_with(&format!("/{}", protocol::ARMING_OBJECT)) {
            continue;
        }
        // An object larger than a reveal is ignored without being downloaded.
        let verdict = match store.get_at_most(&l.key, protocol::MAX_OBJECT_BYTES) {
            Ok(bytes) => protocol::judge(&bytes, &arming.commitment),
            Err(e) => match e.downcast::<StoreError>() {
                Ok(StoreError::TooLarge { size, .. }) => Verdict::Ignore(protocol::too_large(size)),
                Ok(other) => return Err(other.into()),
                Err(e) => return Err(e),
            },
        };
        match verdict {
            Verdict::Fire => fire = true,
            Verdict::Ignore(why) => {
                let i = Ignored {
                    object: l.key.clone(),
                    why,
                };
                on_ignored(&i);
                ignored.push(i);
            }
        }
    }
    if !fire {
        return Ok(Checked::NoRequest { ignored });
    }
    let report = emergency::now_keeping_gate(home)?;
    // The channel goes too: nothing there links the store to this device any more.
    for l in &listed {
        let _ = store.delete(&l.key);
    }
    Ok(Checked::Fired { ignored, report })
}

/// Forgets the arming and removes its channel object. `Ok(None)`: it was
/// not armed; `Ok(Some(left))`: disarmed, `left` says why the object stayed.
pub fn disarm(state: &State) -> anyhow::Result<Option<Option<String>>> {
    let Some(a) = state.arming()? else {
        return Ok(None);
    };
    state.clear_arming()?;
    Ok(Some(remove_arming_object(&a).err()))
}

/// Best effort: a stale arming object only lets the friend write a reveal
/// that nothing will match.
fn remove_arming_object(a: &Arming) -> Result<(), String> {
    channel_store(&a.store_url, false)
        .and_then(|store| store.delete(&protocol::arming_key(&a.channel)))
        .map_err(|e| {
            format!(
                "could not remove the old arming object from {} ({e:#}); it is harmless",
                a.store_url
            )
        })
}
