//! Showing a new recovery phrase: once, as a numbered grid.

use zeroize::Zeroizing;

use crate::keys::Phrase;
use crate::state::pseudonyms::Pseudonym;

/// The words numbered, four to a row, in a buffer zeroized on drop.
pub fn grid(phrase: &Phrase) -> Zeroizing<String> {
    let words = phrase.words();
    let mut out = Zeroizing::new(String::new());
    for (i, w) in words.split(' ').enumerate() {
        let cell = Zeroizing::new(format!("{:>2}. {w}", i + 1));
        out.push_str(if i % 4 == 0 { "  " } else { "" });
        out.push_str(&cell);
        if i % 4 == 3 {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', 16usize.saturating_sub(cell.len())));
        }
    }
    out
}

/// The one and only showing of a new phrase, on stdout: a script that asked
/// for a new pseudonym must receive it.
pub fn show_new_phrase(phrase: &Phrase, p: &Pseudonym) {
    println!("New pseudonym \"{}\"", p.name);
    println!("ID: {}", p.id);
    println!();
    println!("RECOVERY PHRASE - write it down now, on paper. It is never shown again,");
    println!("it is not stored on this device, and it is the only way to restore backups:");
    println!();
    print!("{}", grid(phrase).as_str());
    println!();
}

/// The phrase of a pseudonym made by a first backup, on stderr so that
/// `--json` output stays parseable.
pub fn show_first_use_phrase(phrase: &Phrase, p: &Pseudonym) {
    eprintln!("Created pseudonym \"{}\" (ID {}).", p.name, p.id);
    eprintln!("RECOVERY PHRASE - write it down now, on paper. It is never shown again,");
    eprintln!("it is not stored on this device, and it is the only way to restore:");
    eprintln!();
    eprint!("{}", grid(phrase).as_str());
    eprintln!();
}
