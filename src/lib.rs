//! crossing: encrypted write-only backups, verified restore from a recovery
//! phrase, pseudonyms, and protections for the data directory of an at-risk
//! user's client. `docs/architecture.md` has the map.
//!
//! Layers, top to bottom; each uses only those below it:
//! - `cli` (clap definitions), `commands` (one file per command: read the
//!   arguments, call the library, print its report), `ui` (terminal
//!   progress, JSON and text output, confirmations);
//! - workflows: `backup`, `restore`, `prune`, `protect` (wipe, duress gate,
//!   dead-man switch, remote wipe, depart);
//! - `state` (SQLite: profiles, pseudonyms, the backup cache, and the
//!   workflows that are only state: setup, cache rebuild);
//! - `repo` (the on-store format: packs, indexes, snapshot manifests);
//! - `store` (object_store by URL, synchronous; owns the async runtime);
//! - at the bottom: `keys`, `home` (private dirs, locks), `prompt`,
//!   `progress` (the trait engines report through), `error` (exit codes).

pub mod backup;
pub mod cli;
pub mod clients;
pub mod commands;
pub mod error;
pub mod home;
pub mod inspect;
pub mod keys;
pub mod progress;
pub mod prompt;
pub mod protect;
pub mod prune;
pub mod repo;
pub mod restore;
pub mod state;
pub mod store;
pub mod ui;
