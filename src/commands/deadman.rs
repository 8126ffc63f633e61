//! `crossing deadman set|clear|check` and `crossing checkin`.

use serde_json::json;

use super::{emergency, print_json, Context};
use crate::bail_kind;
use crate::cli::DeadmanCommand;
use crate::deadman::{Deadman, Reading};
use crate::error::ExitKind;

pub fn run(ctx: &Context, cmd: DeadmanCommand) -> anyhow::Result<()> {
    match cmd {
        DeadmanCommand::Set { after } => {
            if after.as_secs() == 0 {
                bail_kind!(ExitKind::Usage, "--after must be at least one second");
            }
            let state = ctx.state()?;
            state.set_deadman(&Deadman::new(after.as_secs() as i64, &Reading::now()))?;
            ctx.say(format!(
                "dead-man switch armed: every profile's data and crossing's home are wiped after {} without a check-in. Check in with `crossing checkin` (or `crossing unlock`), and run `crossing deadman check` from cron.",
                humantime::format_duration(after)
            ));
        }
        DeadmanCommand::Clear => {
            let cleared = ctx.state()?.clear_deadman()?;
            ctx.say(if cleared {
                "dead-man switch disarmed"
            } else {
                "no dead-man switch was set"
            });
        }
        DeadmanCommand::Check { json } => return check(ctx, json),
    }
    Ok(())
}

fn check(ctx: &Context, json: bool) -> anyhow::Result<()> {
    let armed = if ctx.home.join(crate::state::DB_FILE).exists() {
        ctx.state()?.deadman()?
    } else {
        None
    };
    let Some(d) = armed else {
        if json {
            print_json(&json!({ "armed": false }))?;
        } else {
            ctx.say("no dead-man switch is set");
        }
        return Ok(());
    };
    let d = d.advance(&Reading::now());
    if !d.expired() {
        ctx.state()?.set_deadman(&d)?;
        if json {
            print_json(
                &json!({ "armed": true, "fired": false, "remaining_secs": d.remaining_secs() }),
            )?;
        } else {
            ctx.say(format!(
                "dead-man switch: {} left before the wipe",
                humantime::format_duration(std::time::Duration::from_secs(
                    d.remaining_secs() as u64
                ))
            ));
        }
        return Ok(());
    }
    let report = emergency::now_keeping_gate(ctx)?;
    if json {
        print_json(&json!({ "armed": true, "fired": true, "report": report }))?;
    } else {
        ctx.say("dead-man switch fired: no check-in in time");
        super::wipe::say_report(ctx, &report);
    }
    super::wipe::finish(&report)
}

/// `crossing checkin`.
pub fn checkin(ctx: &Context) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match state.deadman()? {
        Some(d) => {
            let d = d.checked_in(&Reading::now());
            state.set_deadman(&d)?;
            ctx.say(format!(
                "checked in; the dead-man switch fires after {} without another",
                humantime::format_duration(std::time::Duration::from_secs(d.after_secs as u64))
            ));
        }
        None => ctx.say("checked in (no dead-man switch is set)"),
    }
    Ok(())
}

/// The check-in every correct `unlock` does: silent, and a failure to
/// record it only warns (the gate must still open).
pub fn checkin_quietly(ctx: &Context) {
    if !ctx.home.join(crate::state::DB_FILE).exists() {
        return;
    }
    let result = ctx.state().and_then(|state| {
        if let Some(d) = state.deadman()? {
            state.set_deadman(&d.checked_in(&Reading::now()))?;
        }
        Ok(())
    });
    if let Err(e) = result {
        ctx.warn(format!(
            "could not record the check-in for the dead-man switch: {e:#}"
        ));
    }
}
