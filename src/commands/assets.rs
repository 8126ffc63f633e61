//! `crossing generate-assets`: man pages and shell completions, generated
//! from the clap definitions so they never drift (a test checks freshness).

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

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
    let cmd = Cli::command();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "crossing", &mut buf);
        let name = match shell {
            Shell::Bash => "crossing.bash",
            Shell::Zsh => "_crossing",
            Shell::Fish => "crossing.fish",
            Shell::Elvish => "crossing.elv",
            _ => "_crossing.ps1",
        };
        files.push((format!("completions/{name}"), buf));
    }
    man_pages(&cmd, "crossing", &mut files)?;
    Ok(files)
}

/// One page for the command and one per visible subcommand, recursively.
fn man_pages(
    cmd: &clap::Command,
    name: &str,
    files: &mut Vec<(String, Vec<u8>)>,
) -> anyhow::Result<()> {
    let cmd = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    files.push((format!("man/{name}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files)?;
    }
    Ok(())
}
