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
