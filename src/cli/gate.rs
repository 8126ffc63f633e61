//! The arguments of the protections on this device: the unlock gate
//! (`duress`, `unlock`) and the dead-man switch.

use clap::{Args, Subcommand};

use super::{PinArgs, JSON_HELP};

#[derive(Debug, Subcommand)]
pub enum DuressCommand {
    /// Set the app PIN and a duress code (each asked twice, without echo).
    Set {
        /// Set only a PIN (the duress slot is filled with random bytes all the same).
        #[arg(long)]
        no_duress_code: bool,
        /// Wipe after N consecutive wrong codes (at least 3; off by default).
        /// Setting the codes again keeps the limit already set unless this
        /// or --no-max-failures is given.
        #[arg(long, value_name = "N")]
        max_failures: Option<u32>,
        /// Remove the failure limit set earlier.
        #[arg(long, conflicts_with = "max_failures")]
        no_max_failures: bool,
        /// Read the codes as lines of standard input: the current PIN if one is
        /// set, the PIN twice, then the duress code twice.
        #[arg(long)]
        stdin: bool,
    },
    /// Show what is set (needs the PIN).
    Status {
        /// Read the PIN as a line of standard input.
        #[arg(long)]
        stdin: bool,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Remove the PIN, the duress code and the failure limit (needs the PIN).
    Clear {
        /// Read the PIN as a line of standard input.
        #[arg(long)]
        stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// On a duress code, wipe only this profile's data directory (and crossing's
    /// home); by default every profile's.
    #[arg(long, env = "CROSSING_PROFILE")]
    pub profile: Option<String>,
    /// Read the PIN as a line of standard input (the rest is left to COMMAND).
    #[arg(long)]
    pub stdin: bool,
    /// The client to run once unlocked, with its arguments (after `--`).
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub enum DeadmanCommand {
    /// Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h).
    Set {
        /// How long without a check-in before the wipe (at least 1h unless --force).
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        after: std::time::Duration,
        /// Accept a period under one hour (a typo such as 3m instead of 3d
        /// would wipe the device while it is in use).
        #[arg(long)]
        force: bool,
    },
    /// Show whether the switch is armed, the time left and the deadline
    /// (read-only: never wipes, records nothing).
    Status {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Disarm the switch (with an unlock gate set, this asks for the PIN).
    Clear(PinArgs),
    /// For cron: wipe if the time is up, else record the time that passed.
    Check {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
}
