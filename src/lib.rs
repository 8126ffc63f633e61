//! crossing: encrypted write-only backups, verified restore from a recovery
//! phrase, pseudonyms, for the data directory of an at-risk user's client.
//!
//! Layers, top to bottom (nothing below calls up):
//! - `cli`, `commands`: argument definitions and one orchestrator per command;
//! - `snapshot` (walk and back up), `restore`, `setup`;
//! - protections: `wipe` (destruction and its guard rails), `duress` (the
//!   unlock gate's file), `deadman` (elapsed-time accounting), `remote_wipe`
//!   (the protocol);
//! - `repo` (the on-store format: packs, indexes, snapshot manifests);
//! - `store` (object_store by URL), `state` (SQLite), `keys`, `prompt`, `lock`.

pub mod cli;
pub mod commands;
pub mod deadman;
pub mod duress;
pub mod error;
pub mod keys;
pub mod lock;
pub mod prompt;
pub mod prune;
pub mod rebuild;
pub mod remote_wipe;
pub mod repo;
pub mod restore;
pub mod setup;
pub mod snapshot;
pub mod state;
pub mod store;
pub mod wipe;
