//! `crossing remote-wipe arm|send|check|disarm` (`protect::remote_wipe`).

use std::path::Path;

use zeroize::Zeroizing;

use super::Context;
use crate::cli::RemoteWipeCommand;
use crate::prompt;
use crate::protect::remote_wipe::{self as rw, ArmWith, Checked, SendTo};
use crate::ui::wipe;

pub fn run(ctx: &Context, cmd: RemoteWipeCommand) -> anyhow::Result<()> {
    match cmd {
        RemoteWipeCommand::Arm {
            friend,
            token: _,
            store,
            phrase,
        } => arm(
            ctx,
            friend.as_deref(),
            &store,
            phrase.phrase_file.as_deref(),
        ),
        RemoteWipeCommand::Send {
            to,
            token,
            store,
            phrase,
        } => send(
            ctx,
            to.as_deref(),
            token,
            &store,
            phrase.phrase_file.as_deref(),
        ),
        RemoteWipeCommand::Check { json } => {
            let checked = rw::check(&ctx.home, &ctx.state()?, &mut |i| {
                wipe::warn_ignored(&ctx.out, i)
            })?;
            wipe::show_remote_check(&ctx.out, &checked, json, true)?;
            if let Checked::Fired { report, .. } = checked {
                report.result()?;
            }
            Ok(())
        }
        RemoteWipeCommand::Disarm(pin) => {
            super::pin_if_gated(ctx, &pin)?;
            match rw::disarm(&ctx.state()?)? {
                Some(left) => {
                    if let Some(why) = left {
                        ctx.warn(why);
                    }
                    ctx.say("remote wipe disarmed");
                }
                None => ctx.say("remote wipe was not armed"),
            }
            Ok(())
        }
    }
}

fn arm(
    ctx: &Context,
    friend: Option<&str>,
    store_url: &str,
    phrase_file: Option<&Path>,
) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let store = rw::channel_store(store_url, true)?;
    let armed = match friend {
        Some(friend_id) => {
            rw::parse_id(friend_id)?;
            let keys = prompt::read_phrase(phrase_file)?.derive();
            rw::arm(
                &state,
                &store,
                ArmWith::Friend {
                    friend_id,
                    keys: &keys,
                },
            )?
        }
        None => rw::arm(&state, &store, ArmWith::Token)?,
    };
    if let Some(why) = &armed.stale_left {
        ctx.warn(why);
    }
    match (&armed.user_id, &armed.token) {
        (Some(id), _) => {
            println!("Remote wipe armed. Give your friend your ID and the store address:");
            println!("  crossing remote-wipe send --to {id} --store {store_url}");
        }
        (None, Some(token)) => {
            let t = Zeroizing::new(hex::encode(&token[..]));
            println!("Remote wipe armed. Give your friend this token (shown once, not kept) and the store address:");
            println!("  token: {}", t.as_str());
            println!(
                "  crossing remote-wipe send --token --store {store_url}   (it asks for the token)"
            );
        }
        _ => unreachable!("arming is by friend or by token"),
    }
    ctx.say("Run `crossing remote-wipe check` from cron; every backup checks too.");
    Ok(())
}

fn send(
    ctx: &Context,
    to: Option<&str>,
    token: bool,
    store_url: &str,
    phrase_file: Option<&Path>,
) -> anyhow::Result<()> {
    let store = rw::channel_store(store_url, false)?;
    match (to, token) {
        (Some(user_id), _) => {
            rw::parse_id(user_id)?;
            let keys = prompt::read_phrase(phrase_file)?.derive();
            rw::send(
                &store,
                SendTo::User {
                    user_id,
                    keys: &keys,
                },
            )?;
        }
        (None, true) => {
            let t = prompt::read_code("Token: ", !prompt::stdin_is_tty())?;
            rw::send(&store, SendTo::Token(rw::parse_token(&t)?))?
        }
        _ => unreachable!("clap requires --to or --token"),
    }
    ctx.say("Wipe request written. The device wipes at its next `crossing remote-wipe check` or backup.");
    Ok(())
}
