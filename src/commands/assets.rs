//! `crossing generate-assets`: man pages and shell completions, generated
//! from the clap definitions so they never drift (a test checks freshness).
//! clap_mangen writes the sections it knows (name, synopsis, options,
//! subcommands); the ones a reader looks for next (examples, environment,
//! exit status, see also) are added here, examples preformatted so that
//! roff does not reflow them.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use roff::{bold, roman, Roff};

use crate::cli::Cli;
use crate::error::ExitKind;

pub fn run(out: &Path) -> anyhow::Result<()> {
    for (name, bytes) in render()? {
        let path = out.join(&name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Every generated file as (path relative to the repository, content).
pub fn render() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let cmd = visible(Cli::command());
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "crossing", &mut buf);
        let script = complete_profiles(shell, String::from_utf8(buf)?);
        let name = match shell {
            Shell::Bash => "crossing.bash",
            Shell::Zsh => "_crossing",
            Shell::Fish => "crossing.fish",
            Shell::Elvish => "crossing.elv",
            _ => "_crossing.ps1",
        };
        files.push((format!("completions/{name}"), script.into_bytes()));
    }
    man_pages(&cmd, &["crossing"], &mut files)?;
    Ok(files)
}

/// The command line without its hidden subcommands (`tidy`,
/// `generate-assets`): clap has no way to remove a subcommand, so the top
/// level is made again from its visible parts.
fn visible(cli: clap::Command) -> clap::Command {
    let mut cmd = clap::Command::new(cli.get_name().to_string())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(cli.get_arguments().cloned())
        .subcommands(cli.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(v) = cli.get_version() {
        cmd = cmd.version(v.to_string());
    }
    if let Some(a) = cli.get_about() {
        cmd = cmd.about(a.clone());
    }
    if let Some(a) = cli.get_long_about() {
        cmd = cmd.long_about(a.clone());
    }
    if let Some(a) = cli.get_after_help() {
        cmd = cmd.after_help(a.clone());
    }
    cmd
}

/// The command that lists profile names for the completions.
pub const PROFILE_NAMES: &str = "crossing profile list --names 2>/dev/null";

/// clap_complete completes `--profile PROFILE` (and the `PROFILE`
/// positionals) as file names: here they complete the profiles that exist.
/// Bash, zsh and fish; elvish and PowerShell keep clap's completion.
fn complete_profiles(shell: Shell, script: String) -> String {
    match shell {
        Shell::Bash => script.replace(
            "                --profile)\n                    COMPREPLY=($(compgen -f \"${cur}\"))",
            &format!(
                "                --profile)\n                    COMPREPLY=($(compgen -W \"$({PROFILE_NAMES})\" -- \"${{cur}}\"))"
            ),
        ),
        Shell::Zsh => script.replace(
            ":PROFILE:_default",
            &format!(":PROFILE:{{compadd -- $({PROFILE_NAMES})}}"),
        ),
        Shell::Fish => script
            .lines()
            .map(|l| {
                if l.contains(" -l profile ") && l.ends_with(" -r") {
                    format!("{l} -f -a \"({PROFILE_NAMES})\"\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect(),
        _ => script,
    }
}

/// One page for the command and one per visible subcommand, recursively;
/// `path` is the command's words (`["crossing", "remote-wipe", "send"]`).
fn man_pages(
    cmd: &clap::Command,
    path: &[&str],
    files: &mut Vec<(String, Vec<u8>)>,
) -> anyhow::Result<()> {
    let name = path.join("-");
    let mut cmd = cmd
        .clone()
        .name(name.clone())
        .bin_name(path.join(" "))
        .disable_help_subcommand(true);
    cmd.build();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    let mut roff = Roff::new();
    roff.control("SH", ["DESCRIPTION"]);
    description(&mut roff, &cmd);
    buf.extend(roff.render().into_bytes());
    man.render_options_section(&mut buf)?;
    let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        man.render_subcommands_section(&mut buf)?;
    }
    buf.extend(extra_sections(&cmd, path).render().into_bytes());
    if path.len() == 1 {
        man.render_version_section(&mut buf)?;
    }
    files.push((format!("man/{name}.1"), buf));
    for sub in subs {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        man_pages(sub, &sub_path, files)?;
    }
    Ok(())
}

/// The long help, paragraph by paragraph; indented lines (examples) stay
/// as they are written.
fn description(roff: &mut Roff, cmd: &clap::Command) {
    let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) else {
        return;
    };
    let text = about.to_string();
    let mut preformatted = false;
    for line in text.lines() {
        let indented = line.starts_with("  ");
        if indented != preformatted {
            roff.control(if indented { "nf" } else { "fi" }, []);
            preformatted = indented;
        }
        if line.trim().is_empty() {
            roff.control("PP", []);
        } else {
            roff.text([roman(line)]);
        }
    }
    if preformatted {
        roff.control("fi", []);
    }
}

/// NOTES (a command's after-help), EXAMPLES, ENVIRONMENT (on crossing(1)),
/// EXIT STATUS and SEE ALSO.
fn extra_sections(cmd: &clap::Command, path: &[&str]) -> Roff {
    let mut roff = Roff::new();
    let top = path.len() == 1;
    // The top level's after-help is the exit-code table, below.
    if let (false, Some(notes)) = (top, cmd.get_after_help()) {
        roff.control("SH", ["NOTES"]);
        roff.text([roman(notes.to_string())]);
    }
    let key = path[1..].join(" ");
    let examples: Vec<&(&str, &str)> = EXAMPLES.iter().filter(|(k, _)| *k == key).collect();
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (_, text) in examples {
            preformatted(&mut roff, text);
        }
    }
    if top {
        roff.control("SH", ["ENVIRONMENT"]);
        for (var, meaning) in ENVIRONMENT {
            roff.control("TP", []);
            roff.text([bold(*var)]);
            roff.text([roman(*meaning)]);
        }
    }
    roff.control("SH", ["EXIT STATUS"]);
    for line in ExitKind::TABLE.lines().skip(1) {
        let (code, meaning) = line.trim().split_once("  ").unwrap_or((line.trim(), ""));
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning.trim())]);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<String> = (1..path.len())
        .map(|n| format!("{}(1)", path[..n].join("-")))
        .collect();
    if top {
        refs.extend(["crontab(1)".to_string(), "crontab(5)".to_string()]);
    }
    let mut line = refs.join(", ");
    if !line.is_empty() {
        line.push_str("; ");
    }
    line.push_str(
        "the README and docs/ of the source (docs/json.md: the --json objects; docs/stores.md: \
store URLs, settings and credentials; docs/security.md: what crossing does not protect against)",
    );
    roff.text([roman(line)]);
    roff
}

/// Lines kept as written (no fill, no adjustment), indented.
fn preformatted(roff: &mut Roff, text: &str) {
    roff.control("PP", []);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

/// Examples by command (words after `crossing`; "" is crossing(1)).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "# First use: back up a folder to a folder store (shows the phrase once)
crossing backup --data-dir ~/notes --store file://$HOME/crossing-store

# Then from cron, every hour, and retention every night
0 * * * *   crossing backup --quiet
30 3 * * *  crossing prune --keep-within 2d --keep-daily 14 --quiet

# On a new device: the phrase and the store address are all it takes
crossing restore --store file://$HOME/crossing-store --data-dir ~/notes",
    ),
    (
        "backup",
        "crossing backup --data-dir ~/notes --store file:///media/usb/crossing   # first use
crossing backup --profile signal --tag before-trip
crossing backup --expire-after 3d          # gone at the first prune after 3 days",
    ),
    (
        "restore",
        "crossing restore --store file:///media/usb/crossing --client signal
crossing restore --snapshot 3f2a9c --data-dir ~/restored --phrase-file -
crossing restore --seal CODE --store s3://my-backups/signal --client signal",
    ),
    (
        "snapshots",
        "crossing snapshots                       # from this device's records
crossing snapshots --phrase-file -        # with contents (the phrase on stdin)
crossing snapshots --store file:///media/usb/crossing --json",
    ),
    (
        "prune",
        "crossing prune --keep-within 2d --keep-daily 14 --keep-weekly 8 --dry-run
crossing prune --keep-last 10 --quiet",
    ),
    (
        "init",
        "crossing pseudonym new --name me
crossing init --client signal --store file:///media/usb/crossing --pseudonym me
crossing init --data-dir ~/notes --store s3://my-backups/notes \\
    --store-option region=eu-central-1",
    ),
    (
        "check",
        "crossing check
crossing check --read-data --phrase-file -",
    ),
    (
        "depart",
        "crossing depart                          # asks before wiping
crossing depart --yes --vanish",
    ),
    (
        "wipe",
        "crossing wipe --dry-run
crossing wipe --profile signal --stop-clients",
    ),
    ("unlock", "crossing unlock -- signal-desktop"),
    ("duress set", "crossing duress set --max-failures 10"),
    (
        "deadman set",
        "crossing deadman set --after 3d
# cron: */10 * * * * crossing deadman check --quiet",
    ),
    (
        "remote-wipe arm",
        "crossing remote-wipe arm --friend 05ab… --store s3://bucket/channel
crossing remote-wipe arm --token --store s3://bucket/channel",
    ),
    (
        "remote-wipe send",
        "crossing remote-wipe send --to 05cd… --store s3://bucket/channel --wait --timeout 1h",
    ),
    (
        "pseudonym new",
        "crossing pseudonym new --name me --words 24",
    ),
    (
        "pseudonym import",
        "crossing pseudonym import --name me        # asks for the phrase, without echo",
    ),
];

/// Every variable crossing reads (a test checks that every `env` of the
/// command line is here).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("CROSSING_HOME", "--home: where crossing keeps its state (default ~/.local/share/crossing)."),
    ("CROSSING_PROFILE", "--profile of the commands that take one (not depart, whose --profile narrows a departure)."),
    ("CROSSING_STORE", "--store: the store URL of init, restore, snapshots, check and repair."),
    ("CROSSING_PHRASE_FILE", "--phrase-file: the file holding the recovery phrase (\"-\": standard input); never put the phrase itself in the environment."),
    ("CROSSING_NO_CONFIRM", "--no-confirm: do not ask two words of a new phrase back on a terminal (for a script that shows the phrase elsewhere)."),
    ("CROSSING_STOP_CLIENTS", "--stop-clients of restore, wipe and depart (true or false)."),
    ("CROSSING_CRONTAB", "--crontab of depart --vanish: the crontab file to clean."),
    ("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT", "S3 credentials and settings (s3:// stores; any AWS_* variable the S3 client knows)."),
    ("GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_SERVICE_ACCOUNT", "a service-account key file for Google Cloud Storage (gs:// stores)."),
    ("AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY, AZURE_STORAGE_SAS_TOKEN", "Azure Blob Storage account and credentials (az:// and https://ACCOUNT.blob.core.windows.net stores)."),
    ("HOME", "the default of --home, and a directory wipe refuses to destroy whole."),
];
