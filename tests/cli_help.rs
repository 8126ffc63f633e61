//! The command line teaches: every option and positional a user can see has
//! a help line, `--json` says the same everywhere, the global options stand
//! under their own heading, and `--store-option` says what it does in each
//! command. Read from the clap definition (what `--help`, the man pages and
//! the completions are made of) and checked through the binary.

mod kit;

use clap::CommandFactory;

/// Every visible subcommand, with its path ("remote-wipe send").
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.to_string(), cmd.clone()));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        let path = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path} {name}")
        };
        commands(sub, &path, out);
    }
}

fn all_commands() -> Vec<(String, clap::Command)> {
    let mut root = crossing::cli::Cli::command();
    root.build();
    let mut out = Vec::new();
    commands(&root, "", &mut out);
    out
}

fn help_of(arg: &clap::Arg) -> String {
    arg.get_help()
        .or(arg.get_long_help())
        .map(|h| h.to_string())
        .unwrap_or_default()
}

#[test]
fn every_visible_argument_has_help() {
    let mut missing = Vec::new();
    for (path, cmd) in all_commands() {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if help_of(arg).trim().is_empty() {
                missing.push(format!("crossing {path}: {}", arg.get_id()));
            }
        }
        if !cmd.is_hide_set() && cmd.get_about().is_none() && !path.is_empty() {
            missing.push(format!("crossing {path} (the command itself)"));
        }
    }
    assert!(missing.is_empty(), "arguments without help: {missing:#?}");
}

#[test]
fn json_says_the_same_everywhere() {
    let mut odd = Vec::new();
    for (path, cmd) in all_commands() {
        for arg in cmd.get_arguments().filter(|a| a.get_id() == "json") {
            if !help_of(arg).starts_with(crossing::cli::JSON_HELP) {
                odd.push(format!("crossing {path}: {:?}", help_of(arg)));
            }
        }
    }
    assert!(odd.is_empty(), "--json with another help: {odd:#?}");
}

#[test]
fn global_options_stand_under_their_own_heading() {
    // clap's own `help` subcommands take no options.
    for (path, cmd) in all_commands()
        .into_iter()
        .filter(|(p, _)| !p.split(' ').any(|w| w == "help"))
    {
        for id in ["home", "quiet"] {
            let arg = cmd
                .get_arguments()
                .find(|a| a.get_id() == id)
                .unwrap_or_else(|| panic!("crossing {path} has no --{id}"));
            assert_eq!(
                arg.get_help_heading(),
                Some(crossing::cli::GLOBAL_HEADING),
                "crossing {path} --{id}"
            );
        }
    }
    let home = tempfile::tempdir().unwrap();
    let out = kit::run(Some(home.path()), ["backup", "--help"]).expect(0, "help");
    let heading = format!("{}:", crossing::cli::GLOBAL_HEADING);
    let after = out
        .stdout
        .split(&heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading} in:\n{}", out.stdout));
    assert!(
        after.contains("--home") && after.contains("--quiet"),
        "{}",
        out.stdout
    );
    let before = out.stdout.split(&heading).next().unwrap();
    assert!(!before.contains("--home"), "{}", out.stdout);
}

#[test]
fn store_option_says_what_it_does_in_each_command() {
    let keeps = "first backup";
    for (path, cmd) in all_commands() {
        let Some(arg) = cmd
            .get_arguments()
            .find(|a| a.get_long() == Some("store-option"))
        else {
            continue;
        };
        let help = help_of(arg);
        match path.as_str() {
            // Only a first backup and init keep them in a profile.
            "backup" => assert!(help.contains(keeps), "{path}: {help}"),
            "init" => assert!(help.contains("kept in the profile"), "{path}: {help}"),
            _ => {
                assert!(!help.contains(keeps), "crossing {path}: {help}");
                assert!(help.contains("this run only"), "crossing {path}: {help}");
            }
        }
    }
}
