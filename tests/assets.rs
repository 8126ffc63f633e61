//! The committed man pages and completions are what the CLI generates now.
//! Regenerate with: cargo run --release -- generate-assets --out .

#[test]
fn committed_assets_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = crossing::commands::assets::render().unwrap();
    assert!(files.iter().any(|(p, _)| p == "man/crossing-backup.1"));
    assert!(files.iter().any(|(p, _)| p == "completions/crossing.bash"));
    let mut stale = Vec::new();
    for (path, content) in &files {
        if std::fs::read(root.join(path)).ok().as_ref() != Some(content) {
            stale.push(path.clone());
        }
    }
    // No leftover page of a removed command either.
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let rel = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !files.iter().any(|(p, _)| *p == rel) {
                stale.push(format!("{rel} (not generated any more)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale assets, run `cargo run --release -- generate-assets --out .`: {stale:?}"
    );
}

mod kit;

use std::collections::BTreeSet;

use clap::CommandFactory;
use crossing::commands::assets::{render, ENVIRONMENT, EXAMPLES, PROFILE_NAMES};

fn generated(path: &str) -> String {
    let files = render().unwrap();
    let (_, bytes) = files.iter().find(|(p, _)| p == path).unwrap();
    String::from_utf8(bytes.clone()).unwrap()
}

/// roff text back to what a reader sees (the escapes crossing's pages use).
fn unroff(s: &str) -> String {
    s.replace("\\\\", "\\")
        .replace("\\-", "-")
        .replace("\\*(Aq", "'")
        .replace("\\(aq", "'")
        .replace("\\e", "\\")
        .replace("\\(lq", "\"")
        .replace("\\(rq", "\"")
}

/// Every visible command (not the hidden `tidy`, `generate-assets`).
fn visible_commands(cmd: &clap::Command, out: &mut Vec<clap::Command>) {
    out.push(cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        visible_commands(sub, out);
    }
}

#[test]
fn man_pages_have_examples_environment_and_exit_status() {
    let top = generated("man/crossing.1");
    for section in [
        ".SH EXAMPLES",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(top.contains(section), "crossing.1 has no {section}");
    }
    let backup = generated("man/crossing-backup.1");
    for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\"", ".SH \"SEE ALSO\""] {
        assert!(
            backup.contains(section),
            "crossing-backup.1 has no {section}"
        );
    }
    // Every exit code, each on a line of its own.
    let text = unroff(&top);
    for code in 0..=11 {
        assert!(
            text.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit code {code} not in EXIT STATUS"
        );
    }
    let files = render().unwrap();
    let pages: BTreeSet<String> = files
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("man/")?.strip_suffix(".1").map(String::from))
        .collect();
    for (path, bytes) in files.iter().filter(|(p, _)| p.starts_with("man/")) {
        let page = unroff(&String::from_utf8_lossy(bytes));
        assert!(
            !page.contains(".SH EXTRA"),
            "{path}: the exit codes sit under EXTRA"
        );
        // Every crossing page a page names exists (no crossing-help(1)).
        for (i, _) in page.match_indices("(1)") {
            let name = page[..i]
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '-'))
                .next()
                .unwrap();
            if name.starts_with("crossing") {
                assert!(
                    pages.contains(name),
                    "{path} names {name}(1), which is not generated"
                );
            }
        }
    }
}

#[test]
fn man_page_examples_are_preformatted() {
    for (command, text) in EXAMPLES {
        let page = if command.is_empty() {
            "man/crossing.1".to_string()
        } else {
            format!("man/crossing-{}.1", command.replace(' ', "-"))
        };
        let roff = unroff(&generated(&page));
        let section = roff
            .split(".SH EXAMPLES")
            .nth(1)
            .expect("an EXAMPLES section");
        let block = section
            .split(".nf\n")
            .nth(1)
            .expect(".nf before the examples");
        let block = block.split(".fi\n").next().unwrap();
        // Each line as written, on a line of its own (roff escapes a leading '.').
        let lines: Vec<&str> = block.lines().map(|l| l.trim_start_matches("\\&")).collect();
        for line in text.lines() {
            assert!(
                lines.contains(&line),
                "{page}: example line {line:?} not kept as is in {block}"
            );
        }
    }
}

#[test]
fn the_environment_section_names_every_variable_read() {
    let mut commands = Vec::new();
    visible_commands(&crossing::cli::Cli::command(), &mut commands);
    let vars: BTreeSet<String> = commands
        .iter()
        .flat_map(|c| c.get_arguments().filter_map(|a| a.get_env()))
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    assert!(vars.len() >= 6, "{vars:?}");
    let top = unroff(&generated("man/crossing.1"));
    let section = top.split(".SH ENVIRONMENT").nth(1).unwrap();
    let section = section.split(".SH ").next().unwrap();
    for var in vars.iter().map(String::as_str).chain([
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "AZURE_STORAGE_ACCOUNT_KEY",
    ]) {
        assert!(section.contains(var), "{var} is not in ENVIRONMENT");
        assert!(ENVIRONMENT.iter().any(|(v, _)| v.contains(var)));
    }
}

#[test]
fn completions_hide_hidden_commands_and_complete_profile_names() {
    let mut commands = Vec::new();
    visible_commands(&crossing::cli::Cli::command(), &mut commands);
    let profile_options = commands
        .iter()
        .filter(|c| c.get_arguments().any(|a| a.get_long() == Some("profile")))
        .count();
    assert!(profile_options >= 10, "{profile_options}");
    for (path, bytes) in render().unwrap() {
        let Some(shell) = path.strip_prefix("completions/") else {
            continue;
        };
        let script = String::from_utf8(bytes).unwrap();
        for hidden in ["tidy", "generate-assets", "generate_assets"] {
            assert!(
                !script.contains(hidden),
                "{shell} completes the hidden {hidden}"
            );
        }
        if matches!(shell, "crossing.bash" | "_crossing" | "crossing.fish") {
            let names = script.matches(PROFILE_NAMES).count();
            assert!(
                names >= profile_options,
                "{shell}: {names} profile completions for {profile_options} --profile options"
            );
        }
    }
    assert!(!generated("completions/crossing.bash")
        .contains("--profile)\n                    COMPREPLY=($(compgen -f"));
    // What the completions run: the names, one a line, nothing else.
    let fx = kit::Fixture::new();
    fx.crossing(["init", "--name", "second", "--data-dir", "/tmp", "--store"])
        .expect(2, "init needs a store");
    let mut second = kit::init_args(
        &fx.root().join("second"),
        &fx.store_url(),
        &["--name", "second"],
    );
    std::fs::create_dir(fx.root().join("second")).unwrap();
    fx.crossing(second.drain(..)).expect(0, "init second");
    let out = fx
        .crossing(["profile", "list", "--names"])
        .expect(0, "names");
    assert_eq!(out.stdout, "default\nsecond\n");
}
