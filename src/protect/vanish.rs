//! `depart --vanish`: after the wipe, remove what still names crossing on
//! the device: the crontab lines that run it, the man pages and shell
//! completions installed next to it or in the user's own directories, and
//! its binary (last: this process keeps running from the open file).
//!
//! Only files crossing can tell are its own are removed: a completion or
//! man page with one of crossing's names, in a place where such files are
//! installed. Other traces it notices (shell history lines, cargo's install
//! records, launchers the user wrote) are listed for the user, not edited.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

/// Where the crontab is: the user's (through `crontab -l` / `crontab -`),
/// or a file (a system crontab in /etc/cron.d, or a test's own).
pub enum Crontab {
    User,
    File(PathBuf),
}

#[derive(Debug, Default, Serialize)]
pub struct Vanished {
    /// Crontab lines removed (they ran crossing).
    pub crontab_lines: Vec<String>,
    /// Man pages, completions and the binary, removed.
    pub removed: Vec<PathBuf>,
    /// What could not be removed, and why.
    pub failed: Vec<(PathBuf, String)>,
    /// Files that still name crossing, left for the user to edit.
    pub still_naming: Vec<PathBuf>,
}

/// Installed completions' names (see completions/ and `generate-assets`).
const COMPLETION_NAMES: [&str; 6] = [
    "crossing",
    "crossing.bash",
    "_crossing",
    "crossing.fish",
    "crossing.elv",
    "_crossing.ps1",
];

/// Directories, below an install prefix or the user's home, where man pages
/// and completions are installed.
const ASSET_DIRS: [&str; 9] = [
    "share/man/man1",
    "man/man1",
    "share/bash-completion/completions",
    "etc/bash_completion.d",
    "share/zsh/site-functions",
    "share/zsh/vendor-completions",
    "share/fish/vendor_completions.d",
    "share/fish/completions",
    "share/elvish/lib",
];
const USER_ASSET_DIRS: [&str; 7] = [
    ".local/share/man/man1",
    ".local/share/bash-completion/completions",
    ".bash_completion.d",
    ".zfunc",
    ".zsh/completions",
    ".config/fish/completions",
    ".config/elvish/lib",
];
/// Files that may name crossing and are the user's to edit.
const USER_TRACES: [&str; 6] = [
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    ".cargo/.crates.toml",
    ".cargo/.crates2.json",
    ".local/share/applications",
];

/// Removes the traces. `exe` is crossing's binary; its prefix is the
/// directory above its `bin/`.
pub fn vanish(exe: &Path, crontab: &Crontab, user_home: Option<&Path>) -> Vanished {
    let mut out = Vanished::default();
    match clean_crontab(crontab) {
        Ok(lines) => out.crontab_lines = lines,
        Err(e) => out.failed.push((crontab_path(crontab), e)),
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(prefix) = exe
        .parent()
        .filter(|b| b.ends_with("bin"))
        .and_then(Path::parent)
    {
        dirs.extend(ASSET_DIRS.iter().map(|d| prefix.join(d)));
    }
    if let Some(home) = user_home {
        dirs.extend(USER_ASSET_DIRS.iter().map(|d| home.join(d)));
    }
    for dir in dirs {
        for path in our_assets(&dir) {
            remove(&path, &mut out);
        }
    }
    if let Some(home) = user_home {
        out.still_naming = USER_TRACES
            .iter()
            .map(|t| home.join(t))
            .filter(|p| names_crossing(p))
            .collect();
    }
    remove(exe, &mut out);
    out
}

fn crontab_path(crontab: &Crontab) -> PathBuf {
    match crontab {
        Crontab::User => PathBuf::from("crontab"),
        Crontab::File(p) => p.clone(),
    }
}

fn remove(path: &Path, out: &mut Vanished) {
    match std::fs::remove_file(path) {
        Ok(()) => out.removed.push(path.to_path_buf()),
        Err(e) => out.failed.push((path.to_path_buf(), e.to_string())),
    }
}

/// crossing's man pages and completions in `dir`.
fn our_assets(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let man = (name == "crossing.1" || name.starts_with("crossing-"))
                && (name.ends_with(".1") || name.ends_with(".1.gz"));
            man || COMPLETION_NAMES.contains(&name.as_ref())
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Whether a file (or any file directly in a directory) mentions crossing.
fn names_crossing(path: &Path) -> bool {
    let mentions =
        |p: &Path| std::fs::read(p).is_ok_and(|b| b.windows(8).any(|w| w == b"crossing"));
    match std::fs::read_dir(path) {
        Ok(entries) => entries.flatten().any(|e| mentions(&e.path())),
        Err(_) => mentions(path),
    }
}

/// Whether a crontab line names crossing as a word (a command, a path
/// ending in /crossing, or a comment about it: each would give it away).
fn runs_crossing(line: &str) -> bool {
    line.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .any(|word| {
            let word = word.trim_matches(|c: char| !(c.is_alphanumeric() || "/-_.".contains(c)));
            word == "crossing" || word.ends_with("/crossing")
        })
}

/// Removes the lines that run crossing; returns them.
fn clean_crontab(crontab: &Crontab) -> Result<Vec<String>, String> {
    let text = match crontab {
        Crontab::File(p) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read: {e}")),
        },
        Crontab::User => match Command::new("crontab")
            .arg("-l")
            .stderr(Stdio::null())
            .output()
        {
            // No `crontab` program, or no crontab for this user: nothing to clean.
            Err(_) => return Ok(Vec::new()),
            Ok(o) if !o.status.success() => return Ok(Vec::new()),
            Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        },
    };
    let (gone, kept): (Vec<&str>, Vec<&str>) = text.lines().partition(|l| runs_crossing(l));
    if gone.is_empty() {
        return Ok(Vec::new());
    }
    let mut rest = kept.join("\n");
    if !rest.is_empty() {
        rest.push('\n');
    }
    match crontab {
        Crontab::File(p) => {
            let tmp = p.with_extension("crossing-tmp");
            std::fs::write(&tmp, &rest)
                .and_then(|()| std::fs::rename(&tmp, p))
                .map_err(|e| format!("cannot rewrite: {e}"))?;
        }
        Crontab::User => {
            let mut child = Command::new("crontab")
                .arg("-")
                .stdin(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot run `crontab -`: {e}"))?;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(rest.as_bytes())
                .map_err(|e| format!("cannot write to `crontab -`: {e}"))?;
            let status = child.wait().map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("`crontab -` failed ({status})"));
            }
        }
    }
    Ok(gone.into_iter().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::runs_crossing;

    #[test]
    fn crontab_lines_that_run_crossing() {
        for line in [
            "0 * * * * /usr/local/bin/crossing backup --quiet",
            "*/10 * * * * crossing deadman check; crossing remote-wipe check",
            "@reboot (cd /tmp && crossing checkin)",
            "# crossing: hourly backups",
        ] {
            assert!(runs_crossing(line), "{line}");
        }
        for line in [
            "0 * * * * /usr/bin/rsync -a ~/crossings/ /backup",
            "MAILTO=me@example.org",
            "# crossings.txt is synced below",
        ] {
            assert!(!runs_crossing(line), "{line}");
        }
    }
}
