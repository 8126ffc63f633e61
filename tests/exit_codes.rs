//! Every typed error of the library decides its own exit code, and
//! `main.rs` asks each of them in one list. This test reads the sources:
//! an error type added without being listed there would silently exit 1.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
}

/// `(file, type name)` of every `#[derive(… thiserror::Error …)]` type.
fn typed_errors(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (file, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.contains("derive(") && line.contains("thiserror::Error")) {
                continue;
            }
            let decl = lines[i + 1..]
                .iter()
                .find(|l| l.contains("enum ") || l.contains("struct "))
                .expect("a type after the derive");
            let name = decl
                .split_whitespace()
                .skip_while(|w| *w != "enum" && *w != "struct")
                .nth(1)
                .expect("a type name")
                .trim_end_matches(['{', ';', '(']);
            found.push((file.clone(), name.to_string()));
        }
    }
    found
}

#[test]
fn every_typed_error_is_mapped_in_main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let main = std::fs::read_to_string(root.join("src/main.rs")).unwrap();
    let list = &main[main.find("typed!(").expect("the typed! list in main.rs")..];
    let list = &list[..list.find(");").unwrap()];
    let errors = typed_errors(&files);
    assert!(errors.len() >= 8, "found only {errors:?}");
    for (file, name) in &errors {
        assert!(
            list.contains(&format!("::{name},")),
            "{name} ({file}) is a typed error but main.rs does not map it to an exit code"
        );
        let text = &files.iter().find(|(f, _)| f == file).unwrap().1;
        assert!(
            text.contains(&format!("impl {name} {{")) && text.contains("fn exit_kind("),
            "{name} ({file}) has no exit_kind()"
        );
    }
}

#[test]
fn the_bottom_of_the_crate_imports_nothing_from_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let error = std::fs::read_to_string(root.join("src/error.rs")).unwrap();
    let uses: Vec<&str> = error
        .lines()
        .filter(|l| l.contains("crate::") && !l.contains("$crate::"))
        .collect();
    assert!(
        uses.is_empty(),
        "src/error.rs names crate modules: {uses:?}"
    );
}

#[test]
fn async_and_indicatif_stay_in_their_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for (file, text) in &files {
        let rel = file.replace(&format!("{}/", root.display()), "");
        if !rel.starts_with("src/store/") {
            for word in ["block_on", "tokio::", "Handle"] {
                assert!(
                    !text.contains(word),
                    "{rel} uses {word}: async belongs in src/store"
                );
            }
        }
        if !(rel.starts_with("src/ui/") || rel.starts_with("src/commands/")) {
            assert!(
                !text.contains("indicatif"),
                "{rel} uses indicatif: progress bars belong in src/ui"
            );
        }
        assert!(
            text.lines().count() <= 600,
            "{rel} has {} lines (at most 600)",
            text.lines().count()
        );
    }
}

#[test]
fn commands_do_not_call_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src/commands"), &mut files);
    let names: Vec<String> = files
        .iter()
        .filter_map(|(f, _)| {
            Path::new(f)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .filter(|n| n != "mod")
        .collect();
    for (file, text) in &files {
        for name in &names {
            for call in [format!("super::{name}::"), format!("commands::{name}::")] {
                assert!(
                    !text.contains(&call),
                    "{file} calls {call}: share it through the library"
                );
            }
        }
    }
}
