//! Showing a new recovery phrase: once, as a numbered grid.

use crate::keys::Phrase;
use crate::state::pseudonyms::Pseudonym;

/// The one and only showing of a new phrase, on stdout: a script that asked
/// for a new pseudonym must receive it.
pub fn show_new_phrase(phrase: &Phrase, p: &Pseudonym) {
    let words = phrase.words();
    let numbered: Vec<String> = words
        .split(' ')
        .enumerate()
        .map(|(i, w)| format!("{:>2}. {w}", i + 1))
        .collect();
    println!("New pseudonym \"{}\"", p.name);
    println!("ID: {}", p.id);
    println!();
    println!("RECOVERY PHRASE - write it down now, on paper. It is never shown again,");
    println!("it is not stored on this device, and it is the only way to restore backups:");
    println!();
    for row in numbered.chunks(4) {
        println!(
            "  {}",
            row.iter()
                .map(|s| format!("{s:<16}"))
                .collect::<String>()
                .trim_end()
        );
    }
    println!();
}
