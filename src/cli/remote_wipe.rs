//! `crossing remote-wipe …` (docs/remote-wipe.md).

use std::time::Duration;

use clap::{Args, Subcommand};

use super::{json_help, PhraseArgs, PinArgs};

#[derive(Debug, Subcommand)]
pub enum RemoteWipeCommand {
    /// Arm this device: derive a secret shared with a friend (or make a token).
    #[command(group(clap::ArgGroup::new("who").required(true).args(["friend", "token"])))]
    Arm {
        /// The friend's pseudonym ID (05…); your phrase is asked once, not kept.
        #[arg(long, value_name = "FRIEND_ID")]
        friend: Option<String>,
        /// Instead, print a random secret for a friend without crossing's keys.
        #[arg(long)]
        token: bool,
        /// The store that carries the channel (any store URL crossing supports).
        #[arg(long, value_name = "URL")]
        store: String,
        #[command(flatten)]
        phrase: PhraseArgs,
    },
    /// As the friend: write the wipe request into the channel (after checking
    /// that the arming there is the user's).
    Send {
        #[command(flatten)]
        friend: FriendArgs,
        /// Then wait for the device's acknowledgment (it checks from cron and
        /// at every backup), polling the channel every 5 seconds.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits (e.g. 30m, 2h).
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "10m", requires = "wait")]
        timeout: Duration,
        #[arg(long, help = concat!(json_help!(), ": what was sent, and with --wait the acknowledgment"))]
        json: bool,
    },
    /// On this device (no arguments): is it armed, since when, on which store
    /// and when it last checked, from its own state alone (read-only: no store
    /// is contacted, nothing fires). As the friend (--to or --token, and
    /// --store): is the device armed, was the request sent, did the device
    /// acknowledge it, and when.
    #[command(group(clap::ArgGroup::new("whom").args(["to", "token"])))]
    Status {
        /// As the friend: the user's pseudonym ID (05…); your own phrase is asked for.
        #[arg(long, value_name = "USER_ID", requires = "store")]
        to: Option<String>,
        /// As the friend: the token the user's `arm --token` printed (asked
        /// for without echo, or read as a line of standard input).
        #[arg(long, requires = "store")]
        token: bool,
        /// As the friend: the store that carries the channel, as the user gave it.
        #[arg(long, value_name = "URL", requires = "whom")]
        store: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
        #[arg(long, help = super::JSON_HELP)]
        json: bool,
    },
    /// For cron (and the start of every backup): wipe if the friend sent the request.
    Check {
        #[arg(long, help = super::JSON_HELP)]
        json: bool,
    },
    /// Forget the arming on this device and remove its channel object (with
    /// an unlock gate set, this asks for the PIN).
    Disarm(PinArgs),
}

/// Which arming the friend means: the user's ID (with the friend's phrase)
/// or the token, and the store.
#[derive(Debug, Args)]
#[group(skip)]
#[command(group(clap::ArgGroup::new("whom").required(true).args(["to", "token"])))]
pub struct FriendArgs {
    /// The user's pseudonym ID (05…); your own phrase is asked for.
    #[arg(long, value_name = "USER_ID")]
    pub to: Option<String>,
    /// The token the user's `arm --token` printed. It is asked for without
    /// echo on a terminal, or read as a line of standard input: never on the
    /// command line, where `ps` shows it.
    #[arg(long)]
    pub token: bool,
    /// The store that carries the channel, as the user gave it.
    #[arg(long, value_name = "URL")]
    pub store: String,
    #[command(flatten)]
    pub phrase: PhraseArgs,
}
