//! The friend's side: the wipe request (checked against an authenticated
//! arming), waiting for the device's acknowledgment, and the status of the
//! channel. Reads are bounded as on the device.

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;
use zeroize::Zeroizing;

use super::objects::{Ack, ArmingError, ArmingRecord};
use super::protocol::{self, Pair, Root, Verdict, MAX_OBJECT_BYTES};
use crate::bail_kind;
use crate::error::ExitKind;
use crate::keys::SecretKeys;
use crate::store::{Store, StoreError};

/// Whom the friend's request is for.
pub enum SendTo<'a> {
    /// The user's ID, with the friend's own phrase.
    User {
        user_id: &'a str,
        keys: &'a SecretKeys,
    },
    Token(Zeroizing<[u8; 32]>),
}

/// The friend's view of one pair: the root every key derives from.
pub struct FriendSide {
    root: Root,
    channel: String,
    /// How the arming is named in messages.
    whom: String,
}

impl FriendSide {
    pub fn new(to: SendTo<'_>) -> Result<FriendSide, protocol::ProtocolError> {
        let (root, whom) = match to {
            SendTo::User { user_id, keys } => (
                Pair::as_friend(keys, user_id)?.root,
                format!("for you and {user_id}"),
            ),
            SendTo::Token(t) => (Root::token(&t), "for this token".to_string()),
        };
        let channel = root.channel();
        Ok(FriendSide {
            root,
            channel,
            whom,
        })
    }

    /// The authentic arming in the channel, `None` if there is none.
    fn arming(&self, store: &Store) -> anyhow::Result<Option<ArmingRecord>> {
        let bytes = match store.get_at_most(&protocol::arming_path(&self.channel), MAX_OBJECT_BYTES)
        {
            Ok(b) => b,
            Err(e) => match e.downcast::<StoreError>() {
                Ok(StoreError::Missing { .. }) => return Ok(None),
                Ok(StoreError::TooLarge { .. }) => {
                    return Err(ArmingError::Malformed("larger than an arming".into()).into())
                }
                Ok(other) => return Err(other.into()),
                Err(e) => return Err(e),
            },
        };
        Ok(Some(ArmingRecord::verify(
            &bytes,
            &self.root,
            &self.channel,
        )?))
    }

    fn reveal(&self, store: &Store, arming: &ArmingRecord) -> anyhow::Result<()> {
        let secret = self.root.secret(&arming.nonce);
        store.put_replacing(
            &protocol::reveal_path(&self.channel),
            Bytes::from(protocol::Reveal::encode(&secret).to_vec()),
        )
    }

    /// The acknowledgment in the channel: `Ok(None)` when there is none,
    /// `Err` with why when an object is there that does not open.
    fn ack(&self, store: &Store) -> anyhow::Result<Result<Option<Ack>, String>> {
        match store.get_at_most(&protocol::ack_path(&self.channel), MAX_OBJECT_BYTES) {
            Ok(b) => Ok(Ack::open(&b, &self.root.ack_key(), &self.channel)
                .map(Some)
                .ok_or_else(|| {
                    "an object named `ack` that this arming's device did not write".to_string()
                })),
            Err(e) => match e.downcast::<StoreError>() {
                Ok(StoreError::Missing { .. }) => Ok(Ok(None)),
                Ok(StoreError::TooLarge { size, .. }) => Ok(Err(format!(
                    "an object named `ack` of {size} bytes, not an acknowledgment"
                ))),
                Ok(other) => Err(other.into()),
                Err(e) => Err(e),
            },
        }
    }
}

/// What `send` fired at.
pub struct Sent {
    pub arming: ArmingRecord,
}

/// As the friend: writes the wipe request (the reveal) into the channel,
/// after checking that the arming there is authentic. No arming, or one
/// that fails its check: an error, nothing written.
pub fn send(store: &Store, side: &FriendSide) -> anyhow::Result<Sent> {
    let Some(arming) = side.arming(store)? else {
        bail_kind!(
            ExitKind::NotReachable,
            "no remote-wipe arming {} in {}: check the user's ID (or the token), the store address and your phrase; the user must have run `remote-wipe arm` (a token arming made before protocol version 2 has no arming record: ask the user to arm again)",
            side.whom,
            store.url()
        );
    };
    side.reveal(store, &arming)?;
    Ok(Sent { arming })
}

/// Something that happened while waiting, for the command to show.
pub enum Event {
    /// The channel now holds another authentic arming (the device wrote its
    /// own back after someone replaced it): a request for it was written too.
    SentAgain(ArmingRecord),
    /// A poll failed; waiting goes on.
    PollFailed(String),
}

/// Polls the channel every `interval` until the device acknowledges one of
/// the armings fired at (`Some`), or `timeout` passes (`None`).
pub fn wait(
    store: &Store,
    side: &FriendSide,
    sent: Sent,
    timeout: Duration,
    interval: Duration,
    on_event: &mut dyn FnMut(Event),
) -> anyhow::Result<Option<Ack>> {
    let deadline = Instant::now() + timeout;
    let mut fired_at = vec![sent.arming];
    loop {
        match side.ack(store) {
            Ok(Ok(Some(ack))) if fired_at.iter().any(|a| hex::encode(a.nonce) == ack.arming) => {
                return Ok(Some(ack))
            }
            Ok(_) => {}
            Err(e) => on_event(Event::PollFailed(format!("{e:#}"))),
        }
        match side.arming(store) {
            Ok(Some(a)) if !fired_at.contains(&a) => match side.reveal(store, &a) {
                Ok(()) => {
                    fired_at.push(a);
                    on_event(Event::SentAgain(a));
                }
                Err(e) => on_event(Event::PollFailed(format!("{e:#}"))),
            },
            Ok(_) => {}
            // A tampered arming now: the request already written stands.
            Err(e) => on_event(Event::PollFailed(format!("{e:#}"))),
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep(interval.min(deadline - now));
    }
}

/// The channel as the friend sees it.
#[derive(Debug, Serialize)]
pub struct Status {
    /// An authentic arming is in the channel.
    pub armed: bool,
    pub armed_at: Option<i64>,
    /// Why the arming object there is not trusted.
    pub arming_problem: Option<String>,
    /// A request for that arming is waiting for the device.
    pub requested: bool,
    pub requested_at: Option<i64>,
    /// The device acknowledged the arming in the channel (or, when none is
    /// there any more, its last one: the device removes it when it fires).
    pub acknowledged: bool,
    pub ack: Option<Ack>,
    /// Why an `ack` object there is not trusted, or that it is an earlier
    /// arming's.
    pub ack_problem: Option<String>,
}

pub fn status(store: &Store, side: &FriendSide) -> anyhow::Result<Status> {
    let (arming, arming_problem) = match side.arming(store) {
        Ok(a) => (a, None),
        Err(e) => match e.downcast::<ArmingError>() {
            Ok(problem) => (None, Some(problem.to_string())),
            Err(e) => return Err(e),
        },
    };
    let requested_at = match &arming {
        Some(a) => request_time(store, side, a)?,
        None => None,
    };
    let (mut ack, mut ack_problem) = match side.ack(store)? {
        Ok(a) => (a, None),
        Err(why) => (None, Some(why)),
    };
    if let (Some(a), Some(arming)) = (&ack, &arming) {
        if a.arming != hex::encode(arming.nonce) {
            ack_problem = Some(format!(
                "the acknowledgment in the channel is of an earlier arming (armed at {}), not of the current one",
                a.armed_at
            ));
            ack = None;
        }
    }
    Ok(Status {
        armed: arming.is_some(),
        armed_at: arming.map(|a| a.armed_at),
        arming_problem,
        requested: requested_at.is_some(),
        requested_at,
        acknowledged: ack.is_some(),
        ack,
        ack_problem,
    })
}

/// When the newest reveal of this arming's secret was written, if one is
/// waiting (objects named like reveals only, at most `MAX_READ`).
fn request_time(
    store: &Store,
    side: &FriendSide,
    arming: &ArmingRecord,
) -> anyhow::Result<Option<i64>> {
    let (listed, _) = store.list_at_most(
        &protocol::channel_dir(&side.channel),
        super::check::MAX_LISTED,
    )?;
    let commitment = protocol::commitment(&side.root.secret(&arming.nonce));
    let mut newest = None;
    for l in listed
        .iter()
        .filter(|l| {
            l.key
                .rsplit('/')
                .next()
                .is_some_and(|n| n.starts_with("reveal-"))
        })
        .filter(|l| l.size <= MAX_OBJECT_BYTES)
        .take(super::check::MAX_READ)
    {
        let Ok(bytes) = store.get_at_most(&l.key, MAX_OBJECT_BYTES) else {
            continue;
        };
        if protocol::judge(&bytes, &commitment) == Verdict::Fire {
            newest = newest.max(Some(l.modified));
        }
    }
    Ok(newest)
}
