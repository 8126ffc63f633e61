//! Reading secrets from the user: without echo on a terminal, from a file or
//! standard input otherwise, and never by waiting on a stdin that is not a TTY.

pub mod phrase;

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

pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
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
            // At a terminal a typo costs one word, not the whole phrase.
            return phrase::enter();
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

/// Reads one secret (a PIN, a duress code): with `from_stdin`, one line of
/// standard input, read byte by byte so that nothing after the newline is
/// consumed (a command run afterwards gets the rest); otherwise a prompt
/// without echo on the terminal. Never waits on a stdin that is not a TTY.
pub fn read_code(prompt: &str, from_stdin: bool) -> anyhow::Result<Zeroizing<String>> {
    if from_stdin {
        let mut line = Zeroizing::new(Vec::new());
        let mut byte = [0u8; 1];
        loop {
            // Unbuffered on purpose: std's Stdin would read ahead.
            // SAFETY: reading into a live one-byte buffer from fd 0.
            let n = unsafe { libc::read(0, byte.as_mut_ptr().cast(), 1) };
            match n {
                0 => break,
                1 if byte[0] == b'\n' => break,
                1 => line.push(byte[0]),
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() == std::io::ErrorKind::Interrupted {
                        continue;
                    }
                    anyhow::bail!("cannot read from standard input: {e}");
                }
            }
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let text = String::from_utf8(line.to_vec())
            .map_err(|_| anyhow::anyhow!("the line on standard input is not UTF-8 text"))?;
        return Ok(Zeroizing::new(text));
    }
    if !stdin_is_tty() {
        return Err(Fail::new(
            ExitKind::Usage,
            "a PIN is needed, but standard input is not a terminal: pass --stdin and write it as a line on standard input",
        )
        .into());
    }
    Ok(Zeroizing::new(rpassword::prompt_password(prompt).map_err(
        |e| anyhow::anyhow!("cannot read from the terminal: {e}"),
    )?))
}
