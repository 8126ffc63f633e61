//! The recovery phrase at a terminal: typing it with a second chance for a
//! mistyped word (and the nearest list words suggested), and confirming two
//! words of a new phrase before it scrolls away. Phrase files never come
//! here: they fail at once (exit 4).

use rand::seq::index::sample;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{ExitKind, Fail};
use crate::keys::{Phrase, PhraseError};

/// Whole-phrase attempts (a bad checksum, a wrong word count) before exit 4.
pub const PHRASE_ATTEMPTS: usize = 3;
/// Entries of one word not in the list, or answers to one "word N?", before giving up.
pub const WORD_ATTEMPTS: usize = 5;
/// Suggestions shown for a mistyped word.
const SUGGESTIONS: usize = 4;

fn ask(prompt: &str) -> anyhow::Result<Zeroizing<String>> {
    Ok(Zeroizing::new(rpassword::prompt_password(prompt).map_err(
        |e| anyhow::anyhow!("cannot read from the terminal: {e}"),
    )?))
}

/// Reads a phrase on the terminal (the caller checked there is one): a word
/// not in the list is asked again alone; a bad checksum or word count asks
/// for the whole phrase again, [`PHRASE_ATTEMPTS`] times in all.
pub fn enter() -> anyhow::Result<Phrase> {
    let mut last = PhraseError::Empty;
    for attempt in 1..=PHRASE_ATTEMPTS {
        if attempt > 1 {
            eprintln!(
                "{last}. Attempt {attempt} of {PHRASE_ATTEMPTS}: type the whole phrase again."
            );
        }
        let line = ask("Recovery phrase (12 or 24 words, not shown): ")?;
        // Every buffer that holds words is zeroized on drop.
        let mut words: Zeroizing<Vec<String>> =
            Zeroizing::new(line.split_whitespace().map(|w| w.to_lowercase()).collect());
        let n = words.len();
        if n == 0 {
            last = PhraseError::Empty;
            continue;
        }
        if n != 12 && n != 24 {
            last = PhraseError::WordCount(n);
            continue;
        }
        for (i, word) in words.iter_mut().enumerate() {
            fix_word(i + 1, word)?;
        }
        let joined = Zeroizing::new(words.join(" "));
        match Phrase::parse(&joined) {
            Ok(p) => return Ok(p),
            Err(e) => last = e,
        }
    }
    Err(Fail::new(
        ExitKind::WrongPhrase,
        format!("{last}; gave up after {PHRASE_ATTEMPTS} attempts"),
    )
    .into())
}

/// Asks again for word `position` until it is in the list.
fn fix_word(position: usize, word: &mut String) -> anyhow::Result<()> {
    let list = bip39::Language::English;
    for _ in 0..WORD_ATTEMPTS {
        if list.find_word(word).is_some() {
            return Ok(());
        }
        let near = nearest_words(word);
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("; nearest list words: {}", near.join(", "))
        };
        eprintln!("Word {position} is not in the BIP-39 word list{hint}.");
        let again = ask(&format!(
            "Word {position} from your written copy (not shown): "
        ))?;
        let lower = Zeroizing::new(again.trim().to_lowercase());
        word.zeroize();
        word.push_str(&lower);
    }
    if list.find_word(word).is_some() {
        return Ok(());
    }
    Err(PhraseError::UnknownWord {
        position,
        word: String::new(),
    }
    .into())
}

/// The list words nearest `typed` (lowercase), best first: those it is a prefix of (a
/// word cut short), then those at edit distance 1, then 2 (a typo, a swap;
/// 1 only for a word of four letters or fewer).
pub fn nearest_words(typed: &str) -> Vec<&'static str> {
    // The caller lowercased it; no copy of a word close to the phrase's is made.
    let typed = typed.as_bytes();
    // Two changes to a short word reach too many others to help.
    let reach = if typed.len() <= 4 { 1 } else { 2 };
    let mut scored: Vec<(usize, &'static str)> = Vec::new();
    for &w in bip39::Language::English.word_list() {
        let score = if typed.len() >= 3 && w.as_bytes().starts_with(typed) {
            0
        } else {
            match edit_distance(typed, w.as_bytes()) {
                d if (1..=reach).contains(&d) => d,
                _ => continue,
            }
        };
        scored.push((score, w));
    }
    scored.sort();
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, w)| w)
        .collect()
}

/// Optimal string alignment distance over bytes (list words are ASCII):
/// insertions, deletions, substitutions and swaps of neighbours each cost 1.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// After a new phrase was shown on the terminal: asks for two of its words,
/// chosen at random, again on a mismatch, so that the phrase is on paper
/// before it scrolls away. Fails (exit 4) after [`WORD_ATTEMPTS`] misses.
pub fn confirm_written(phrase: &Phrase) -> anyhow::Result<()> {
    let words = phrase.words();
    let list: Vec<&str> = words.split(' ').collect();
    let mut picked = sample(&mut rand::rngs::OsRng, list.len(), 2).into_vec();
    picked.sort_unstable();
    eprintln!("To check your written copy, type two of its words (not shown).");
    for i in picked {
        let mut confirmed = false;
        for _ in 0..WORD_ATTEMPTS {
            let typed = ask(&format!("Word {}? ", i + 1))?;
            if typed.trim().eq_ignore_ascii_case(list[i]) {
                confirmed = true;
                break;
            }
            eprintln!(
                "That is not word {} of the phrase above: check your written copy.",
                i + 1
            );
        }
        if !confirmed {
            crate::bail_kind!(
                ExitKind::WrongPhrase,
                "word {} of the new phrase was not confirmed",
                i + 1
            );
        }
    }
    eprintln!("Both words match your copy.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_words_finds_typos_swaps_and_cut_words() {
        assert_eq!(nearest_words("abandn")[0], "abandon");
        assert_eq!(nearest_words("abnadon")[0], "abandon");
        assert_eq!(nearest_words("aban"), vec!["abandon"]);
        assert_eq!(nearest_words("zooo")[0], "zoo");
        assert!(nearest_words("lectur").contains(&"lecture"));
        assert!(nearest_words("qqqqqqqq").is_empty());
    }

    #[test]
    fn edit_distance_counts_one_per_change() {
        assert_eq!(edit_distance(b"abandon", b"abandon"), 0);
        assert_eq!(edit_distance(b"abadnon", b"abandon"), 1);
        assert_eq!(edit_distance(b"abndon", b"abandon"), 1);
        assert_eq!(edit_distance(b"", b"abc"), 3);
    }
}
