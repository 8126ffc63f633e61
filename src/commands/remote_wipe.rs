//! `crossing remote-wipe arm|send|status|check|disarm` (`protect::remote_wipe`).

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use zeroize::Zeroizing;

use super::Context;
use crate::bail_kind;
use crate::cli::remote_wipe::FriendArgs;
use crate::cli::RemoteWipeCommand;
use crate::error::ExitKind;
use crate::prompt;
use crate::protect::remote_wipe::{self as rw, Ack, ArmWith, Checked, Event, FriendSide, SendTo};
use crate::ui::{count, print_json, timestamp, wipe};

/// How often `send --wait` looks for the acknowledgment: a few requests a
/// minute, nothing a store bills or throttles.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

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
            friend,
            wait,
            timeout,
            json,
        } => send(ctx, &friend, wait.then_some(timeout), json),
        RemoteWipeCommand::Status {
            to,
            token,
            store: Some(store),
            phrase,
            json,
        } => status(
            &FriendArgs {
                to,
                token,
                store,
                phrase,
            },
            json,
        ),
        RemoteWipeCommand::Status { json, .. } => device_status(ctx, json),
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

/// The friend's side of the pair, from the ID and phrase or the token.
fn friend_side(friend: &FriendArgs) -> anyhow::Result<FriendSide> {
    Ok(match &friend.to {
        Some(user_id) => {
            rw::parse_id(user_id)?;
            let keys = prompt::read_phrase(friend.phrase.phrase_file.as_deref())?.derive();
            FriendSide::new(SendTo::User {
                user_id,
                keys: &keys,
            })?
        }
        None => {
            let t = prompt::read_code("Token: ", !prompt::stdin_is_tty())?;
            FriendSide::new(SendTo::Token(rw::parse_token(&t)?))?
        }
    })
}

fn send(
    ctx: &Context,
    friend: &FriendArgs,
    wait: Option<Duration>,
    json: bool,
) -> anyhow::Result<()> {
    let store = rw::channel_store(&friend.store, false)?;
    let side = friend_side(friend)?;
    let sent = rw::send(&store, &side)?;
    let armed_at = sent.arming.armed_at;
    // With --json, stdout is the JSON alone.
    let say = |line: String| {
        if !json {
            ctx.say(line)
        }
    };
    say(format!(
        "Wipe request written for the arming of {}.",
        timestamp(armed_at)
    ));
    let Some(timeout) = wait else {
        if json {
            print_json(&json!({ "sent": true, "armed_at": armed_at }))?;
        }
        say("The device wipes at its next `crossing remote-wipe check` or backup.".into());
        return Ok(());
    };
    say(format!(
        "Waiting up to {} for the device to acknowledge…",
        humantime::format_duration(timeout)
    ));
    let ack = rw::wait(&store, &side, sent, timeout, POLL_INTERVAL, &mut |e| {
        match e {
        Event::SentAgain(a) => ctx.warn(format!(
            "the arming in the channel changed to one of {} (the device restored its own): a request for it was written too",
            timestamp(a.armed_at)
        )),
        Event::PollFailed(why) => ctx.warn(format!("could not look at the channel ({why}); trying again")),
    }
    })?;
    if json {
        print_json(
            &json!({ "sent": true, "armed_at": armed_at, "acknowledged": ack.is_some(), "ack": ack }),
        )?;
    }
    match ack {
        Some(ack) => {
            say(describe_ack(&ack));
            Ok(())
        }
        None => bail_kind!(
            ExitKind::NotReachable,
            "the request is written, but the device has not acknowledged it within {}: it has not checked its channel since (off, offline, no cron, or in other hands). `crossing remote-wipe status` shows later whether it did",
            humantime::format_duration(timeout)
        ),
    }
}

fn status(friend: &FriendArgs, json: bool) -> anyhow::Result<()> {
    let store = rw::channel_store(&friend.store, false)?;
    let side = friend_side(friend)?;
    let s = rw::status(&store, &side)?;
    if json {
        return print_json(&s);
    }
    match (s.armed_at, &s.arming_problem) {
        (Some(at), _) => println!("armed: yes, since {}", timestamp(at)),
        (None, Some(why)) => println!("armed: not trustworthy: {why}"),
        (None, None) if s.ack.is_some() => {
            println!("armed: no (the device removed its arming when it fired)")
        }
        (None, None) => println!("armed: no"),
    }
    match s.requested_at {
        Some(at) => println!("request: waiting for the device since {}", timestamp(at)),
        None => println!("request: none waiting"),
    }
    match (&s.ack, &s.ack_problem) {
        (Some(ack), _) => println!("acknowledged: yes: {}", describe_ack(ack)),
        (None, Some(why)) => println!("acknowledged: no ({why})"),
        (None, None) => println!("acknowledged: no"),
    }
    Ok(())
}

/// This device's arming, from its state alone: no store is contacted, so
/// nothing can fire and nothing is written (docs/remote-wipe.md).
fn device_status(ctx: &Context, json: bool) -> anyhow::Result<()> {
    let arming = match ctx.has_state() {
        true => ctx.state()?.arming()?,
        false => None,
    };
    if json {
        return print_json(&json!({
            "armed": arming.is_some(),
            "armed_at": arming.as_ref().map(|a| a.armed_at),
            "store_url": arming.as_ref().map(|a| a.store_url.as_str()),
            "channel": arming.as_ref().map(|a| a.channel.as_str()),
            "version": arming.as_ref().map(|a| a.version),
            "checked_at": arming.as_ref().and_then(|a| a.checked_at),
        }));
    }
    let Some(a) = arming else {
        println!("remote wipe: not armed on this device");
        return Ok(());
    };
    println!("remote wipe: armed since {}", timestamp(a.armed_at));
    println!("channel: {} in {}", a.channel, a.store_url);
    match a.checked_at {
        Some(at) => println!("last check of the channel: {}", timestamp(at)),
        None => println!(
            "last check of the channel: none since arming (run `crossing remote-wipe check` from cron)"
        ),
    }
    if a.version < 2 {
        println!(
            "arming of protocol version {}: arm again, your friend's crossing refuses it",
            a.version
        );
    }
    Ok(())
}

fn describe_ack(ack: &Ack) -> String {
    let mut line = format!(
        "the device (armed {}) fired at {}: {} destroyed",
        timestamp(ack.armed_at),
        timestamp(ack.fired_at),
        count(ack.files_destroyed, "file")
    );
    if ack.failed > 0 {
        line += &format!(", {} could not be destroyed", count(ack.failed, "path"));
    }
    if let Some(e) = &ack.error {
        line += &format!("; the wipe stopped: {e}");
    }
    line
}
