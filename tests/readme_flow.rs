//! The README's workflows work as written: the `sh` blocks it marks are run
//! in order, through the binary, on a fresh device with folder stores.
//!
//! The convention, in README.md: a line `<!-- readme-flow -->` right before
//! a ```` ```sh ```` block marks it runnable; `<!-- readme-flow: new device -->`
//! marks one that runs on another, fresh device (a new `$HOME`; the USB
//! drive comes along). Unmarked blocks are not run: they wait at a prompt
//! (`depart`, `duress set`), need cloud credentials, or a friend.
//!
//! In a marked block:
//! - each line (a trailing `\` joins the next) is split at `&&`; the
//!   commands that start with `crossing` run, others (`cargo install`,
//!   `.ci/test`, `crontab -e`) are the reader's own and are skipped;
//! - a commented crontab line (`# 0 * * * * /usr/local/bin/crossing …`,
//!   or `# cron: … crossing …`) runs its commands now;
//! - a trailing `# comment` is dropped, other comment lines are skipped;
//! - `/media/usb` (the README's USB drive) becomes a folder of the test's,
//!   outside every `$HOME`; `~` and `$HOME` are the device's `$HOME`;
//! - commands run with `sh -c` on a pseudo-terminal, as a person would (a
//!   first backup shows its phrase only on a terminal); where the README
//!   lets crossing prompt for the phrase, it reads CROSSING_PHRASE_FILE,
//!   which holds the last phrase a command showed;
//! - a step fails the test unless it exits 0.

mod kit;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use expectrl::Expect;

/// A marked block: its commands, and whether it starts a new device.
struct Block {
    new_device: bool,
    commands: Vec<Step>,
}

/// A command, and whether the README gives it to cron.
#[derive(Debug, PartialEq)]
struct Step {
    command: String,
    cron: bool,
}

const MARK: &str = "<!-- readme-flow";

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if !line.starts_with(MARK) {
            continue;
        }
        let new_device = line.contains("new device");
        assert_eq!(
            lines.get(i).map(|l| l.trim()),
            Some("```sh"),
            "README line {i}: a mark not followed by a ```sh block"
        );
        i += 1;
        let mut body = Vec::new();
        while i < lines.len() && lines[i].trim() != "```" {
            body.push(lines[i]);
            i += 1;
        }
        out.push(Block {
            new_device,
            commands: commands(&body),
        });
    }
    out
}

/// The commands of a block's lines (see the module's convention).
fn commands(body: &[&str]) -> Vec<Step> {
    let mut joined: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in body {
        let line = line.trim_end();
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        joined.push(std::mem::take(&mut pending));
    }
    let mut out = Vec::new();
    for line in joined {
        let line = line.trim();
        let (line, cron) = match line.strip_prefix('#') {
            Some(comment) => match cron_command(comment) {
                Some(c) => (c, true),
                None => continue,
            },
            None => (strip_comment(line).to_string(), false),
        };
        for part in line.split("&&").flat_map(|p| p.split(';')) {
            let part = part.trim();
            if part.starts_with("crossing ") {
                out.push(Step {
                    command: part.to_string(),
                    cron,
                });
            }
        }
    }
    out
}

/// `cmd   # comment` → `cmd`.
fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => line[..i].trim_end(),
        None => line,
    }
}

/// The command of a commented crontab line: five schedule fields, then a
/// command naming crossing (by its installed path or its name).
fn cron_command(comment: &str) -> Option<String> {
    let text = comment.trim();
    let text = text.strip_prefix("cron:").unwrap_or(text).trim();
    let fields: Vec<&str> = text.split_whitespace().collect();
    let schedule = fields.get(..5)?;
    if !schedule
        .iter()
        .all(|f| f.chars().all(|c| c.is_ascii_digit() || "*/,-".contains(c)))
    {
        return None;
    }
    let command = fields[5..].join(" ");
    let command = command.replace("/usr/local/bin/crossing", "crossing");
    command.contains("crossing ").then_some(command)
}

/// The words of a phrase a command showed (its numbered grid), if any.
fn shown_phrase(output: &str) -> Option<String> {
    let words: Vec<&str> = output.split_whitespace().collect();
    let mut phrase = Vec::new();
    for pair in words.windows(2) {
        let Some(n) = pair[0]
            .strip_suffix('.')
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        if n == phrase.len() + 1 && pair[1].chars().all(|c| c.is_ascii_lowercase()) {
            phrase.push(pair[1]);
        }
    }
    matches!(phrase.len(), 12 | 24).then(|| phrase.join(" "))
}

/// A device: its `$HOME`, with a folder of notes and a Signal Desktop data
/// directory to protect.
fn device(root: &Path, name: &str, with_data: bool) -> PathBuf {
    let home = root.join(name);
    fs::create_dir_all(&home).unwrap();
    if with_data {
        let notes = home.join("Documents/notes");
        fs::create_dir_all(&notes).unwrap();
        fs::write(notes.join("todo.txt"), "cross the border\n").unwrap();
        let signal = home.join(".config/Signal");
        fs::create_dir_all(signal.join("attachments.noindex")).unwrap();
        fs::write(signal.join("config.json"), "{\"key\": \"00\"}\n").unwrap();
        fs::write(signal.join("attachments.noindex/photo"), vec![7u8; 50_000]).unwrap();
    }
    home
}

/// `sh -c command` in the device `home`'s environment.
fn shell(command: &str, home: &Path, root: &Path) -> std::process::Command {
    let usb = root.join("media/usb");
    let line = command.replace("/media/usb", &usb.display().to_string());
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(&line);
    kit::scrub(&mut cmd);
    for var in [
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
    ] {
        cmd.env_remove(var);
    }
    let bin_dir = kit::bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    cmd.env("HOME", home).env("PATH", path).current_dir(home);
    cmd
}

/// Runs `command` as cron would: no terminal, no phrase.
fn run_from_cron(command: &str, home: &Path, root: &Path) -> (i32, String) {
    let out = shell(command, home, root)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `command` on a pseudo-terminal as a person on the device `home`
/// would, the phrase in CROSSING_PHRASE_FILE.
fn run(command: &str, home: &Path, root: &Path) -> (i32, String) {
    let mut cmd = shell(command, home, root);
    cmd.env("CROSSING_PHRASE_FILE", root.join("phrase.txt"));
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(120)));
    // The person answers what crossing asks: two words of a new phrase from
    // the grid they wrote down, and "yes" to keeping on backing up after a
    // restore (what the README says to do).
    let mut output = String::new();
    let question = r"Word (\d+)\? |\[y/N\] ";
    while let Ok(asked) = session.expect(expectrl::Regex(question)) {
        output.push_str(&String::from_utf8_lossy(asked.before()));
        let matched = String::from_utf8_lossy(&asked[0]).into_owned();
        output.push_str(&matched);
        let answer = match matched.strip_prefix("Word ") {
            Some(rest) => {
                let n: usize = rest.trim_end_matches("? ").parse().unwrap();
                grid_word(&output, n).unwrap_or_else(|| panic!("{command}: no word {n} shown"))
            }
            None => "y".to_string(),
        };
        session.send_line(&answer).unwrap();
    }
    match session.expect(expectrl::Eof) {
        Ok(rest) => output.push_str(&String::from_utf8_lossy(rest.before())),
        Err(e) => {
            // Waiting for an answer nobody gives: stop it, say where.
            let _ = session.get_process_mut().exit(true);
            panic!("`{command}` did not finish ({e}):\n{output}");
        }
    }
    let code = match session.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, code) => code,
        other => panic!("{command}: {other:?}"),
    };
    (code, output)
}

/// Word `n` of the last numbered grid in `text` ("4. word").
fn grid_word(text: &str, n: usize) -> Option<String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens
        .windows(2)
        .rev()
        .find(|w| w[0].strip_suffix('.').and_then(|k| k.parse().ok()) == Some(n))
        .map(|w| w[1].to_string())
}

#[test]
fn the_readme_workflows_work_as_written() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(
        blocks.len() >= 3,
        "README marks only {} blocks",
        blocks.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // The USB drive the README backs up to is plugged in.
    fs::create_dir_all(root.join("media/usb")).unwrap();
    let first = device(root, "laptop", true);
    let mut home = first.clone();
    let mut devices = 1;
    let mut ran = Vec::new();
    for block in &blocks {
        if block.new_device {
            devices += 1;
            home = device(root, &format!("device-{devices}"), false);
        }
        for Step { command, cron } in &block.commands {
            let (code, output) = match cron {
                true => run_from_cron(command, &home, root),
                false => run(command, &home, root),
            };
            assert_eq!(
                code, 0,
                "README step failed: `{command}` (after {ran:#?})\n{output}"
            );
            // "Under cron crossing never prompts and prints nothing unless
            // something went wrong."
            assert!(
                !*cron || output.is_empty(),
                "`{command}` from cron said: {output}"
            );
            if let Some(phrase) = shown_phrase(&output) {
                fs::write(root.join("phrase.txt"), format!("{phrase}\n")).unwrap();
            }
            ran.push(command.clone());
        }
    }
    // The steps that matter ran: a first backup, a restore, a backup after it.
    for step in [
        "crossing backup --data-dir",
        "crossing restore",
        "crossing deadman set",
    ] {
        assert!(
            ran.iter().any(|c| c.starts_with(step)),
            "no `{step}` ran: {ran:#?}"
        );
    }
    // What the new device restored is what the first one backed up.
    if devices > 1 {
        let restored = home.join(".config/Signal/attachments.noindex/photo");
        assert_eq!(fs::read(&restored).unwrap(), vec![7u8; 50_000]);
    }
}

#[test]
fn the_convention_reads_what_it_says() {
    let body = [
        "cargo install --path . && crossing backup --data-dir ~/x --store file://$HOME/s",
        ".ci/test",
        "crossing init --data-dir ~/x \\",
        "  --store /media/usb/s   # a comment",
        "# a comment",
        "# 0 * * * *    /usr/local/bin/crossing backup --quiet",
        "# */10 * * * * /usr/local/bin/crossing deadman check --quiet; /usr/local/bin/crossing remote-wipe check --quiet",
        "# cron: */10 * * * * crossing deadman check --quiet",
        "crontab -e",
    ];
    let steps: Vec<(String, bool)> = commands(&body)
        .into_iter()
        .map(|s| (s.command, s.cron))
        .collect();
    let want = [
        (
            "crossing backup --data-dir ~/x --store file://$HOME/s",
            false,
        ),
        (
            "crossing init --data-dir ~/x    --store /media/usb/s",
            false,
        ),
        ("crossing backup --quiet", true),
        ("crossing deadman check --quiet", true),
        ("crossing remote-wipe check --quiet", true),
        ("crossing deadman check --quiet", true),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(c, b)| (c.to_string(), *b)).collect();
    assert_eq!(steps, want);
    let grid = "  1. abandon  2. ability\n  3. able 4. about 5. above 6. absent 7. absorb 8. abstract 9. absurd 10. abuse 11. access 12. accident";
    assert_eq!(shown_phrase(grid).unwrap().split(' ').count(), 12);
    assert_eq!(shown_phrase("1. one thing"), None);
}
