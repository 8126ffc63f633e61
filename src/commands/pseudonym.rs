//! `crossing pseudonym new|import|list|show|remove`.

use serde_json::json;

use super::{print_json, Context};
use crate::cli::PseudonymCommand;
use crate::keys::Phrase;
use crate::prompt;
use crate::setup;
use crate::state::pseudonyms::Pseudonym;

pub fn run(ctx: &Context, cmd: PseudonymCommand) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match cmd {
        PseudonymCommand::New { name, words, json } => {
            let phrase = Phrase::generate(words)?;
            let p = setup::add_pseudonym(&state, name, &phrase)?;
            if json {
                let words = phrase.words();
                print_json(&json!({ "pseudonym": p, "phrase": words.as_str() }))?;
            } else {
                show_new_phrase(&phrase, &p);
            }
        }
        PseudonymCommand::Import { name, phrase, json } => {
            let phrase = prompt::read_phrase(phrase.phrase_file.as_deref())?;
            let p = setup::add_pseudonym(&state, name, &phrase)?;
            if json {
                print_json(&p)?;
            } else {
                ctx.say(format!(
                    "Imported pseudonym \"{}\" with ID {}",
                    p.name, p.id
                ));
            }
        }
        PseudonymCommand::List { json } => {
            let all = state.pseudonyms()?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                ctx.say("No pseudonyms. Create one with `crossing pseudonym new`.");
            } else {
                for p in all {
                    println!("{}\t{}", p.name, p.id);
                }
            }
        }
        PseudonymCommand::Show { name, json } => {
            let p = state.require_pseudonym(&name)?;
            if json {
                print_json(&p)?;
            } else {
                print!("{}", describe(&p));
            }
        }
        PseudonymCommand::Remove { name } => {
            state.remove_pseudonym(&name)?;
            ctx.say(format!(
                "Removed pseudonym \"{name}\" from this device. Its backups stay in the store; its phrase still restores them."
            ));
        }
    }
    Ok(())
}

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

fn describe(p: &Pseudonym) -> String {
    format!(
        "name:             {}\nid:               {}\ned25519 public:   {}\nbackup recipient: {}\nstore locator:    {}\ncreated:          {}\n",
        p.name,
        p.id,
        p.ed25519_public,
        p.backup_recipient,
        p.locator,
        humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + std::time::Duration::from_secs(p.created_at as u64))
    )
}
