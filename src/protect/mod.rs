//! Protections for a seized or coerced device. The library decides and
//! acts; it returns what happened and prints nothing (commands do).
//!
//! - `wipe`: destroying directories, and the guard rails around it;
//! - `emergency`: the wipes nobody confirms (duress, failure limit,
//!   dead-man switch, remote wipe), fast or in the background;
//! - `pending`: the record of a background destruction, its detached
//!   process, and resuming it until done;
//! - `duress`: the unlock gate's file (PIN, duress code, failure limit);
//! - `unlock`: checking a code at the gate, wiping on a duress code;
//! - `deadman`: elapsed-time accounting and its check;
//! - `remote_wipe`: a trusted friend's wipe request, through a store;
//! - `depart`: backup, verify in the store, then wipe;
//! - `vanish`: after a departure, remove what still names crossing.

pub mod deadman;
pub mod depart;
pub mod duress;
pub mod emergency;
pub mod pending;
pub mod remote_wipe;
pub mod unlock;
pub mod vanish;
pub mod wipe;
