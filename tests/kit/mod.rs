//! The integration tests' one kit, included by every test binary with
//! `mod kit;`:
//!
//! - [`run`]: the `crossing` binary in a scrubbed environment; [`run::Out`],
//!   assert_cmd commands, pseudo-terminals;
//! - [`tree`]: test data (random files, corpora, mtimes) and the byte-exact
//!   tree comparison;
//! - [`fixture`]: [`Fixture`], a scratch home, pseudonym, data directory,
//!   store and profile;
//! - [`servers`], [`cloud`], [`proxy`], [`scenarios`]: the cloud tests'
//!   servers, clouds, a faulty network, and what every cloud must do.

#![allow(dead_code)] // each test binary uses a part of this

pub mod cloud;
pub mod fields;
pub mod fixture;
pub mod proxy;
pub mod run;
pub mod scenarios;
pub mod servers;
pub mod shapes;
pub mod tree;

#[allow(unused_imports)]
pub use fixture::*;
#[allow(unused_imports)]
pub use run::*;
#[allow(unused_imports)]
pub use tree::*;
