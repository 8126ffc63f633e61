//! Reading secrets from the user: without echo on a terminal, from a file or
//! standard input otherwise, and never by waiting on a stdin that is not a TTY.

use std::io::{IsTerminal, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{ExitKind, Fail};
use crate::keys::Phrase;

pub fn stdin_is_tty() -> bool {
    std::io::stdin().is_terminal()
}

pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// Reads a recovery phrase from `source` ("-" = stdin, else a file) or, with
/// no source, prompts on the terminal. Without a terminal and no source this
/// fails at once instead of hanging.
pub fn read_phrase(source: Option<&Path>) -> anyhow::Result<Phrase> {
    let text = match source {
        Some(p) if p.as_os_str() == "-" => {
            let mut buf = Zeroizing::new(String::new());
            std::io::stdin().read_to_string(&mut buf).map_err(|e| {
                anyhow::anyhow!("cannot read the recovery phrase from standard input: {e}")
            })?;
            buf
        }
        Some(p) => Zeroizing::new(std::fs::read_to_string(p).map_err(|e| {
            anyhow::anyhow!("cannot read the recovery phrase from {}: {e}", p.display())
        })?),
        None => {
            if !stdin_is_tty() {
                return Err(Fail::new(
                    ExitKind::Usage,
                    "the recovery phrase is needed, but standard input is not a terminal: \
                     pass --phrase-file FILE, or --phrase-file - and the phrase on standard input",
                )
                .into());
            }
            Zeroizing::new(
                rpassword::prompt_password("Recovery phrase (12 or 24 words, not shown): ")
                    .map_err(|e| {
                        anyhow::anyhow!("cannot read the recovery phrase from the terminal: {e}")
                    })?,
            )
        }
    };
    Ok(Phrase::parse(&text)?)
}

/// Asks a yes/no question on the terminal; `false` without one.
pub fn confirm(question: &str) -> anyhow::Result<bool> {
    if !stdin_is_tty() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
