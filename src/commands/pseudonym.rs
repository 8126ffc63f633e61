//! `crossing pseudonym new|import|list|show|remove`.

use serde_json::json;

use super::{list, show, Context};
use crate::bail_kind;
use crate::cli::PseudonymCommand;
use crate::error::{ExitKind, Fail};
use crate::keys::Phrase;
use crate::prompt;
use crate::repo::history::writer_name;
use crate::state::pseudonyms::Pseudonym;
use crate::state::setup;
use crate::ui::phrase::show_new_phrase;
use crate::ui::{print_json, timestamp};

pub fn run(ctx: &Context, cmd: PseudonymCommand) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match cmd {
        PseudonymCommand::New {
            name,
            words,
            json,
            no_confirm,
        } => {
            // A pipe or a file could keep the phrase (a log, a cron mail):
            // it goes only to a terminal, or to a script that asked for it.
            if !json && !prompt::stdout_is_tty() {
                bail_kind!(
                    ExitKind::Usage,
                    "standard output is not a terminal, and the recovery phrase is shown only on one \
                     (a pipe or a file could keep it); run `crossing pseudonym new` on a terminal, \
                     or take the phrase in a script with --json"
                );
            }
            let phrase = Phrase::generate(words)?;
            let p = setup::add_pseudonym(&state, name, &phrase)?;
            if json {
                // The shape of `import` and `show`, with the phrase added.
                let words = phrase.words();
                let mut object = serde_json::to_value(&p)?;
                object["phrase"] = json!(words.as_str());
                return print_json(&object);
            }
            show_new_phrase(&phrase, &p);
            // Only where a person reads the grid: not into a pipe or a file.
            if !no_confirm && prompt::stdin_is_tty() && prompt::stdout_is_tty() {
                if let Err(e) = prompt::phrase::confirm_written(&phrase) {
                    // A phrase nobody wrote down must not back anything up.
                    state.remove_pseudonym(&p.name)?;
                    return Err(e.context(format!(
                        "pseudonym \"{}\" was removed again; run `crossing pseudonym new` once the phrase can be written down",
                        p.name
                    )));
                }
            }
            Ok(())
        }
        PseudonymCommand::Import { name, phrase, json } => {
            let phrase = prompt::read_phrase(phrase.phrase_file.as_deref())?;
            let p = setup::add_pseudonym(&state, name, &phrase)?;
            if json {
                print_json(&p)
            } else {
                ctx.say(format!(
                    "Imported pseudonym \"{}\" with ID {}",
                    p.name, p.id
                ));
                Ok(())
            }
        }
        PseudonymCommand::List { json } => list(
            ctx,
            &state.pseudonyms()?,
            json,
            "No pseudonyms. Create one with `crossing pseudonym new`.",
            |p| format!("{}\t{}", p.name, p.id),
        ),
        PseudonymCommand::Show { name, json } => {
            show(&state.require_pseudonym(&name)?, json, describe)
        }
        PseudonymCommand::Certify { name, phrase } => {
            let name = match name {
                Some(n) => n,
                None => setup::default_pseudonym(&state)?.ok_or_else(|| {
                    Fail::new(
                        ExitKind::Usage,
                        "no pseudonym to certify; create one with `crossing pseudonym new`",
                    )
                })?,
            };
            let p = state.require_pseudonym(&name)?;
            let secrets = prompt::read_phrase(phrase.phrase_file.as_deref())?.derive();
            let writer = setup::certify_pseudonym_writer(&state, &p, &secrets)?;
            ctx.say(format!(
                "This device is now writer {} of pseudonym \"{}\": its snapshots are signed.",
                writer_name(&writer),
                p.name
            ));
            Ok(())
        }
        PseudonymCommand::Remove { name } => {
            state.remove_pseudonym(&name)?;
            ctx.say(format!(
                "Removed pseudonym \"{name}\" from this device. Its backups stay in the store; its phrase still restores them."
            ));
            Ok(())
        }
    }
}

fn describe(p: &Pseudonym) -> String {
    format!(
        "name:             {}\nid:               {}\ned25519 public:   {}\nbackup recipient: {}\nstore locator:    {}\ncreated:          {}\n",
        p.name,
        p.id,
        p.ed25519_public,
        p.backup_recipient,
        p.locator,
        timestamp(p.created_at)
    )
}
