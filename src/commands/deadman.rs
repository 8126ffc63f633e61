//! `crossing deadman set|clear|check` and `crossing checkin`.

use serde_json::json;

use super::Context;
use crate::bail_kind;
use crate::cli::{DeadmanCommand, PinArgs};
use crate::error::ExitKind;
use crate::protect::deadman::{self, Checked};
use crate::state::now_unix;
use crate::ui::{print_json, timestamp, wipe};

pub fn run(ctx: &Context, cmd: DeadmanCommand) -> anyhow::Result<()> {
    match cmd {
        DeadmanCommand::Set { after, force } => {
            if after.as_secs() == 0 {
                bail_kind!(ExitKind::Usage, "--after must be at least one second");
            }
            if after.as_secs() < 3600 && !force {
                bail_kind!(
                    ExitKind::Usage,
                    "--after {} is under one hour: the switch would wipe the device while you use it; give a longer period, or add --force if you mean it",
                    humantime::format_duration(after)
                );
            }
            deadman::arm(&ctx.state()?, after.as_secs() as i64)?;
            ctx.say(format!(
                "dead-man switch armed: every profile's data and crossing's home are wiped after {} without a check-in, that is at {} if nobody checks in. Check in with `crossing checkin` (or `crossing unlock`), and run `crossing deadman check` from cron.",
                humantime::format_duration(after),
                timestamp(now_unix() + after.as_secs() as i64)
            ));
        }
        DeadmanCommand::Status { json } => return status(ctx, json),
        DeadmanCommand::Clear(pin) => {
            super::pin_if_gated(ctx, &pin)?;
            let cleared = deadman::disarm(&ctx.state()?)?;
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

fn status(ctx: &Context, json: bool) -> anyhow::Result<()> {
    match deadman::status(&ctx.home)? {
        None if json => print_json(&json!({ "armed": false })),
        None => {
            ctx.say("no dead-man switch is set");
            Ok(())
        }
        Some(left) => {
            let deadline = now_unix() + left;
            if json {
                return print_json(&json!({
                    "armed": true,
                    "remaining_secs": left,
                    "deadline_at": deadline,
                }));
            }
            ctx.say(format!(
                "dead-man switch: {} left; the wipe comes at {} unless someone checks in",
                humantime::format_duration(std::time::Duration::from_secs(left as u64)),
                timestamp(deadline)
            ));
            Ok(())
        }
    }
}

fn check(ctx: &Context, json: bool) -> anyhow::Result<()> {
    match deadman::check(&ctx.home)? {
        Checked::NotArmed if json => print_json(&json!({ "armed": false }))?,
        Checked::NotArmed => ctx.say("no dead-man switch is set"),
        Checked::Waiting { remaining_secs } if json => {
            print_json(&json!({ "armed": true, "fired": false, "remaining_secs": remaining_secs }))?
        }
        Checked::Waiting { remaining_secs } => ctx.say(format!(
            "dead-man switch: {} left before the wipe",
            humantime::format_duration(std::time::Duration::from_secs(remaining_secs as u64))
        )),
        Checked::Fired(report) => {
            if json {
                print_json(&json!({ "armed": true, "fired": true, "report": report }))?;
            } else {
                ctx.say("dead-man switch fired: no check-in in time");
                wipe::say_report(&ctx.out, &report);
            }
            report.result()?;
        }
    }
    Ok(())
}

/// `crossing checkin`.
pub fn checkin(ctx: &Context, pin: &PinArgs) -> anyhow::Result<()> {
    super::pin_if_gated(ctx, pin)?;
    match deadman::check_in(&ctx.state()?)? {
        Some(d) => ctx.say(format!(
            "checked in; the dead-man switch fires after {} without another",
            humantime::format_duration(std::time::Duration::from_secs(d.after_secs as u64))
        )),
        None => ctx.say("checked in (no dead-man switch is set)"),
    }
    Ok(())
}
