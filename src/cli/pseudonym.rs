//! The arguments of `pseudonym`: identities made only of a key pair.

use clap::Subcommand;

use super::{json_help, PhraseArgs, JSON_HELP};

#[derive(Debug, Subcommand)]
pub enum PseudonymCommand {
    /// Make a fresh recovery phrase and show it once, with the pseudonym's ID.
    New {
        /// A local name for the pseudonym (default: "default").
        #[arg(long)]
        name: Option<String>,
        /// Number of words of the recovery phrase.
        #[arg(long, default_value_t = 12, value_parser = parse_words)]
        words: usize,
        #[arg(long, help = concat!(json_help!(), "; the phrase is in it, and this is its only showing"))]
        json: bool,
        /// On a terminal, do not ask for two words of the new phrase to check
        /// the written copy (for scripts that show the phrase elsewhere).
        #[arg(long, env = "CROSSING_NO_CONFIRM")]
        no_confirm: bool,
    },
    /// Import a pseudonym from its existing recovery phrase.
    Import {
        /// A local name for the pseudonym (default: "default").
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// List pseudonyms (public data only).
    List {
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Show one pseudonym's public data.
    Show {
        /// The pseudonym's local name (see `crossing pseudonym list`).
        #[arg(value_name = "PSEUDONYM")]
        name: String,
        #[arg(long, help = JSON_HELP)]
        json: bool,
    },
    /// Forget a pseudonym on this device (its backups stay in the store).
    Remove {
        /// The pseudonym's local name (see `crossing pseudonym list`).
        #[arg(value_name = "PSEUDONYM")]
        name: String,
    },
    /// Make this device a certified writer of the pseudonym's backups (needs
    /// the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase.
    Certify {
        /// The pseudonym (default: the only one, or "default").
        #[arg(value_name = "PSEUDONYM")]
        name: Option<String>,
        #[command(flatten)]
        phrase: PhraseArgs,
    },
}

fn parse_words(s: &str) -> Result<usize, String> {
    match s {
        "12" => Ok(12),
        "24" => Ok(24),
        _ => Err("a recovery phrase has 12 or 24 words".into()),
    }
}
