//! `crossing remote-wipe arm|send|check|disarm` (protocol in src/remote_wipe.rs).

use bytes::Bytes;
use rand::RngCore;
use serde_json::json;
use zeroize::Zeroizing;

use super::{emergency, print_json, runtime, Context};
use crate::cli::RemoteWipeCommand;
use crate::error::ExitKind;
use crate::remote_wipe::{self as rw, ArmingObject, Pair, Reveal, Verdict};
use crate::state::protection::Arming;
use crate::state::State;
use crate::store::{Store, StoreError, StoreOptions};
use crate::{bail_kind, prompt};

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
            token.as_deref(),
            &store,
            phrase.phrase_file.as_deref(),
        ),
        RemoteWipeCommand::Check { json } => {
            let state = ctx.state()?;
            let fired = check(ctx, &state, json)?;
            if let Some(report) = fired {
                super::wipe::finish(&report)?;
            }
            Ok(())
        }
        RemoteWipeCommand::Disarm => disarm(ctx),
    }
}

fn arm(
    ctx: &Context,
    friend: Option<&str>,
    store_url: &str,
    phrase_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let store = Store::open(store_url, &StoreOptions::default(), true)?;
    let rt = runtime()?;
    let (channel, commitment, user_id, token) = match friend {
        Some(friend_id) => {
            rw::parse_id(friend_id)?;
            let keys = prompt::read_phrase(phrase_file)?.derive();
            let pair = Pair::as_device(&keys, friend_id)?;
            let channel = pair.channel();
            let mut nonce = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut nonce);
            let commitment = rw::commitment(&pair.secret(&nonce));
            let arming = serde_json::to_vec(&ArmingObject::new(&nonce))?;
            rt.block_on(store.put(&rw::arming_key(&channel), Bytes::from(arming)))?;
            (channel, commitment, Some(keys.public().id.clone()), None)
        }
        None => {
            let mut token = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(&mut token[..]);
            let channel = rw::token_channel(&token);
            (channel, rw::commitment(&token), None, Some(token))
        }
    };
    // Replaces an earlier arming: its reveals no longer match.
    if let Some(old) = state.arming()? {
        if old.channel != channel || old.store_url != store_url {
            remove_arming_object(ctx, &old);
        }
    }
    state.set_arming(&Arming {
        store_url: store_url.to_string(),
        channel,
        commitment,
        armed_at: crate::state::now_unix(),
    })?;
    match (user_id, token) {
        (Some(id), _) => {
            println!("Remote wipe armed. Give your friend your ID and the store address:");
            println!("  crossing remote-wipe send --to {id} --store {store_url}");
        }
        (None, Some(token)) => {
            let t = Zeroizing::new(hex::encode(&token[..]));
            println!("Remote wipe armed. Give your friend this token (shown once, not kept) and the store address:");
            println!(
                "  crossing remote-wipe send --token {} --store {store_url}",
                t.as_str()
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
    token: Option<&str>,
    store_url: &str,
    phrase_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let store = Store::open(store_url, &StoreOptions::default(), false)?;
    let rt = runtime()?;
    let (channel, secret) = match (to, token) {
        (Some(user_id), _) => {
            rw::parse_id(user_id)?;
            let keys = prompt::read_phrase(phrase_file)?.derive();
            let pair = Pair::as_friend(&keys, user_id)?;
            let channel = pair.channel();
            let arming = match rt.block_on(store.get(&rw::arming_key(&channel))) {
                Ok(b) => b,
                Err(e) => match e.downcast::<StoreError>() {
                    Ok(StoreError::Missing { .. }) => bail_kind!(
                        ExitKind::NotReachable,
                        "no remote-wipe arming for you and {user_id} in {store_url}: check the user's ID, the store address and your phrase (the user must have run `remote-wipe arm --friend YOUR_ID`)"
                    ),
                    Ok(other) => return Err(other.into()),
                    Err(e) => return Err(e),
                },
            };
            let nonce = ArmingObject::parse(&arming).map_err(|e| {
                anyhow::anyhow!(
                    "the arming object in the channel is damaged ({e}); ask the user to arm again"
                )
            })?;
            (channel, pair.secret(&nonce))
        }
        (None, Some(t)) => {
            let token = rw::parse_token(t)?;
            (rw::token_channel(&token), token)
        }
        _ => unreachable!("clap requires --to or --token"),
    };
    rt.block_on(store.put(
        &rw::reveal_key(&channel),
        Bytes::from(Reveal::encode(&secret).to_vec()),
    ))?;
    ctx.say("Wipe request written. The device wipes at its next `crossing remote-wipe check` or backup.");
    Ok(())
}

/// Looks for a valid reveal in the channel; wipes on one. `Ok(None)`:
/// not armed or nothing to act on. An unreachable store is an error, never
/// a trigger. Objects that are not a valid reveal are ignored with a warning.
pub fn check(
    ctx: &Context,
    state: &State,
    json: bool,
) -> anyhow::Result<Option<crate::wipe::Report>> {
    check_channel(ctx, state, json, true)
}

/// `announce`: say that nothing was found (not before a backup under cron).
pub fn check_channel(
    ctx: &Context,
    state: &State,
    json: bool,
    announce: bool,
) -> anyhow::Result<Option<crate::wipe::Report>> {
    let Some(arming) = state.arming()? else {
        if json {
            print_json(&json!({ "armed": false }))?;
        } else if announce {
            ctx.say("remote wipe is not armed");
        }
        return Ok(None);
    };
    let rt = runtime()?;
    let store = Store::open(&arming.store_url, &StoreOptions::default(), false)?;
    let dir = rw::channel_dir(&arming.channel);
    let listed = rt.block_on(store.list(&dir))?;
    let mut fire = false;
    let mut ignored = Vec::new();
    for l in &listed {
        if l.key.ends_with(&format!("/{}", rw::ARMING_OBJECT)) {
            continue;
        }
        let bytes = rt.block_on(store.get(&l.key))?;
        match rw::judge(&bytes, &arming.commitment) {
            Verdict::Fire => fire = true,
            Verdict::Ignore(why) => {
                ctx.warn(format!("remote wipe: ignored {}: {why}", l.key));
                ignored.push(json!({ "object": l.key, "why": why }));
            }
        }
    }
    if !fire {
        if json {
            print_json(&json!({ "armed": true, "fired": false, "ignored": ignored }))?;
        } else if announce {
            ctx.say("remote wipe: no wipe request");
        }
        return Ok(None);
    }
    let report = emergency::now_keeping_gate(ctx)?;
    // The channel goes too: nothing there links the store to this device any more.
    for l in &listed {
        let _ = rt.block_on(store.delete(&l.key));
    }
    if json {
        print_json(&json!({ "armed": true, "fired": true, "ignored": ignored, "report": report }))?;
    } else {
        ctx.say("remote wipe: a valid wipe request was found; data destroyed");
        super::wipe::say_report(ctx, &report);
    }
    Ok(Some(report))
}

fn disarm(ctx: &Context) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match state.arming()? {
        Some(a) => {
            state.clear_arming()?;
            remove_arming_object(ctx, &a);
            ctx.say("remote wipe disarmed");
        }
        None => ctx.say("remote wipe was not armed"),
    }
    Ok(())
}

/// Best effort: a stale arming object only lets the friend write a reveal
/// that nothing will match.
fn remove_arming_object(ctx: &Context, a: &Arming) {
    let result = runtime().and_then(|rt| {
        let store = Store::open(&a.store_url, &StoreOptions::default(), false)?;
        rt.block_on(store.delete(&rw::arming_key(&a.channel)))
    });
    if let Err(e) = result {
        ctx.warn(format!(
            "could not remove the old arming object from {} ({e:#}); it is harmless",
            a.store_url
        ));
    }
}
