//! Remote wipe by a trusted friend: arming the device (here), the friend's
//! request and status (`friend`), and the check (from cron and before every
//! backup) that fires it (`check`). The derivations are in `protocol`, the
//! authenticated and encrypted objects in `objects`; these functions return
//! what happened and print nothing.

mod check;
mod friend;
pub mod objects;
pub mod protocol;

use bytes::Bytes;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::keys::SecretKeys;
use crate::state::protection::Arming;
use crate::state::State;
use crate::store::{Store, StoreOptions};
pub use check::{check, Checked, Ignored, Passed};
pub use friend::{send, status, wait, Event, FriendSide, SendTo, Sent, Status};
use objects::ArmingRecord;
pub use objects::{Ack, ArmingError};
pub use protocol::{parse_id, parse_token, ProtocolError};
use protocol::{Pair, Root};

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

/// Arms this device: the channel, a commitment to the secret and the key of
/// the acknowledgment are kept in the state; the secret itself never, nor
/// the key that authenticates the arming record.
pub fn arm(state: &State, store: &Store, how: ArmWith<'_>) -> anyhow::Result<Armed> {
    let store_url = store.url();
    let (root, user_id, token) = match how {
        ArmWith::Friend { friend_id, keys } => {
            let pair = Pair::as_device(keys, friend_id)?;
            (pair.root, Some(keys.public().id.clone()), None)
        }
        ArmWith::Token => {
            let mut token = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(&mut token[..]);
            (Root::token(&token), None, Some(token))
        }
    };
    let channel = root.channel();
    let mut nonce = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let record = ArmingRecord {
        nonce,
        armed_at: crate::state::now_unix(),
    };
    let published = record.encode(&root, &channel);
    store.put_replacing(
        &protocol::arming_path(&channel),
        Bytes::from(published.clone()),
    )?;
    // Replaces an earlier arming: its reveals no longer match.
    let mut stale_left = None;
    if let Some(old) = state.arming()? {
        if old.channel != channel || old.store_url != store_url {
            stale_left = remove_arming_object(&old).err();
        }
    }
    state.set_arming(&Arming {
        store_url: store_url.to_string(),
        commitment: protocol::commitment(&root.secret(&nonce)),
        channel,
        armed_at: record.armed_at,
        version: objects::VERSION.into(),
        nonce: Some(nonce),
        published: Some(published),
        ack_key: Some(root.ack_key()),
        checked_at: None,
    })?;
    Ok(Armed {
        user_id,
        token,
        stale_left,
    })
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
        .and_then(|store| store.delete(&protocol::arming_path(&a.channel)))
        .map_err(|e| {
            format!(
                "could not remove the old arming object from {} ({e:#}); it is harmless",
                a.store_url
            )
        })
}
