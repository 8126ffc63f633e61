//! The device's check of its channel (cron, and the start of every backup):
//! fires on a valid reveal, whatever else anyone put there. Bounded: at
//! most [`MAX_LISTED`] objects are listed and [`MAX_READ`] read, each of at
//! most `MAX_OBJECT_BYTES` (a larger one is judged by its listed size and
//! never downloaded); an object that cannot be read is skipped.

use std::path::Path;

use bytes::Bytes;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::channel_store;
use super::objects::Ack;
use super::protocol::{self, Verdict, ACK_OBJECT, ARMING_OBJECT, MAX_OBJECT_BYTES};
use crate::protect::emergency;
use crate::protect::wipe::Report;
use crate::state::protection::Arming;
use crate::state::State;
use crate::store::{Listed, Store, StoreError};

/// The most objects of a channel one check lists (memory and LIST requests).
pub const MAX_LISTED: usize = 10_000;
/// The most objects one check downloads (time: 1 KiB each at most).
pub const MAX_READ: usize = 1_000;
const READ_CONCURRENCY: usize = 8;
/// Ignored objects named one by one; beyond, only counted.
const MAX_NAMED: usize = 100;

/// An object in the channel that is not a valid request, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Ignored {
    pub object: String,
    pub why: String,
}

/// What a check passed over, and what it noticed about the channel.
#[derive(Debug, Default, Serialize)]
pub struct Passed {
    /// The first [`MAX_NAMED`] objects ignored.
    pub ignored: Vec<Ignored>,
    /// How many more were ignored.
    pub more_ignored: usize,
    /// Objects not read at all (a channel flooded past the bounds).
    pub not_read: usize,
    /// Warnings about the channel (a changed arming record, an old arming).
    pub notes: Vec<String>,
}

impl Passed {
    fn ignore(&mut self, object: &str, why: String, on_ignored: &mut dyn FnMut(&Ignored)) {
        if self.ignored.len() >= MAX_NAMED {
            self.more_ignored += 1;
            return;
        }
        let i = Ignored {
            object: object.to_string(),
            why,
        };
        on_ignored(&i);
        self.ignored.push(i);
    }
}

/// What a check of the channel found.
pub enum Checked {
    NotArmed,
    NoRequest(Passed),
    /// A valid request: everything was destroyed (the gate kept).
    Fired {
        passed: Passed,
        report: Report,
        /// Why no acknowledgment could be left for the friend.
        ack_error: Option<String>,
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
    let (listed, more) = store.list_at_most(&protocol::channel_dir(&arming.channel), MAX_LISTED)?;
    let mut passed = Passed::default();
    let mut candidates: Vec<&Listed> = Vec::new();
    let mut arming_listed = None;
    for l in &listed {
        if protocol::is_named(&l.key, ARMING_OBJECT) {
            arming_listed = Some(l);
        } else if protocol::is_named(&l.key, ACK_OBJECT) {
            // An earlier arming's acknowledgment, for the friend.
        } else if l.size > MAX_OBJECT_BYTES {
            passed.ignore(&l.key, protocol::too_large(l.size), on_ignored);
        } else {
            candidates.push(l);
        }
    }
    // Objects named like reveals first; random order otherwise, so that a
    // flood past MAX_READ hides a reveal from one check, not from all.
    candidates.shuffle(&mut rand::rngs::OsRng);
    candidates.sort_by_key(|l| !looks_like_reveal(&l.key));
    passed.not_read = candidates.len().saturating_sub(MAX_READ);
    candidates.truncate(MAX_READ);
    if passed.not_read > 0 || more {
        passed.notes.push(format!(
            "the channel holds more objects than one check reads ({MAX_READ} read, {} more not read{}): someone may be flooding it to hide a request; later checks read others",
            passed.not_read,
            if more { ", and the listing stopped" } else { "" },
        ));
    }
    let read: Vec<String> = candidates.iter().map(|l| l.key.clone()).collect();
    let fire = judge_all(&store, &arming, read.clone(), &mut passed, on_ignored)?;
    if !fire {
        republish_arming(&store, &arming, arming_listed, &mut passed);
        // For `remote-wipe status`: the channel was read; failing to note it is no reason to fail the check.
        if let Err(e) = state.record_remote_check(crate::state::now_unix()) {
            passed
                .notes
                .push(format!("could not record the time of this check ({e:#})"));
        }
        return Ok(Checked::NoRequest(passed));
    }
    let fired_at = crate::state::now_unix();
    // The wipe first: nothing the store does (slow, failing) delays it.
    // What the acknowledgment needs is in memory, not in the home it destroys.
    let wiped = emergency::now_keeping_gate(home);
    let ack_error = acknowledge(&store, &arming, fired_at, &wiped).err();
    // The channel goes too: nothing there links the store to this device any more.
    for key in read.iter().chain(arming_listed.map(|l| &l.key)) {
        let _ = store.delete(key);
    }
    Ok(Checked::Fired {
        passed,
        report: wiped?,
        ack_error,
    })
}

fn looks_like_reveal(key: &str) -> bool {
    key.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with("reveal-"))
}

/// Reads and judges each object; `true` when one is this arming's reveal.
/// An object that cannot be read is skipped; only when none could be read
/// is it an error (the store went away while listing worked).
fn judge_all(
    store: &Store,
    arming: &Arming,
    keys: Vec<String>,
    passed: &mut Passed,
    on_ignored: &mut dyn FnMut(&Ignored),
) -> anyhow::Result<bool> {
    let (mut fire, mut read_any) = (false, false);
    let mut first_error = None;
    let total = keys.len();
    store.get_each(keys, READ_CONCURRENCY, MAX_OBJECT_BYTES, |key, got| {
        let verdict = match got {
            Ok(bytes) => {
                read_any = true;
                protocol::judge(&bytes, &arming.commitment)
            }
            Err(e) => match e.downcast::<StoreError>() {
                Ok(StoreError::TooLarge { size, .. }) => {
                    read_any = true;
                    Verdict::Ignore(protocol::too_large(size))
                }
                Ok(other) => {
                    let why = format!("could not be read ({other})");
                    first_error.get_or_insert(anyhow::Error::from(other));
                    Verdict::Ignore(why)
                }
                Err(e) => {
                    let why = format!("could not be read ({e:#})");
                    first_error.get_or_insert(e);
                    Verdict::Ignore(why)
                }
            },
        };
        match verdict {
            Verdict::Fire => fire = true,
            Verdict::Ignore(why) => passed.ignore(&key, why, on_ignored),
        }
        Ok(())
    })?;
    match first_error {
        Some(e) if !fire && !read_any && total > 0 => Err(e),
        _ => Ok(fire),
    }
}

/// Writes the arming record back when it is missing from the channel or
/// not the one this device made (a replayed older one neuters the friend's
/// request). Failing to is a note, not an error.
fn republish_arming(store: &Store, arming: &Arming, listed: Option<&Listed>, passed: &mut Passed) {
    let Some(published) = &arming.published else {
        passed.notes.push(
            "this device was armed by an older crossing (protocol version 1): its arming is not authenticated and your friend's crossing refuses it; run `crossing remote-wipe arm` again".into(),
        );
        return;
    };
    let path = protocol::arming_path(&arming.channel);
    let found = match listed {
        None => None,
        Some(_) => store.get_at_most(&path, MAX_OBJECT_BYTES).ok(),
    };
    if found.as_deref() == Some(published.as_slice()) {
        return;
    }
    let what = if found.is_none() {
        "missing from"
    } else {
        "changed in"
    };
    passed.notes.push(
        match store.put_replacing(&path, Bytes::from(published.clone())) {
            Ok(()) => format!("the arming record was {what} the channel; written back"),
            Err(e) => format!(
                "the arming record is {what} the channel and could not be written back ({e:#}); your friend's request may not reach this device"
            ),
        },
    );
}

/// Leaves the acknowledgment for the friend (armings of version 2).
fn acknowledge(
    store: &Store,
    arming: &Arming,
    fired_at: i64,
    wiped: &anyhow::Result<Report>,
) -> Result<(), String> {
    let (Some(key), Some(nonce)) = (&arming.ack_key, arming.nonce) else {
        return Err("this arming was made by an older crossing (protocol version 1), which leaves no acknowledgment".into());
    };
    let (files_destroyed, failed, error) = match wiped {
        Ok(r) => (r.files_destroyed, r.failed.len() as u64, None),
        Err(e) => (0, 0, Some(format!("{e:#}"))),
    };
    let ack = Ack {
        arming: hex::encode(nonce),
        armed_at: arming.armed_at,
        fired_at,
        files_destroyed,
        failed,
        error,
    };
    store
        .put_replacing(
            &protocol::ack_path(&arming.channel),
            Bytes::from(ack.seal(key, &arming.channel)),
        )
        .map_err(|e| format!("{e:#}"))
}
