//! `crossing duress set|status|clear`. Each needs the current PIN when one
//! is set, and treats the duress code there exactly as `unlock` does.

use serde_json::json;

use super::Context;
use crate::bail_kind;
use crate::cli::DuressCommand;
use crate::error::ExitKind;
use crate::prompt;
use crate::protect::duress::{self, Gate, GateError};
use crate::protect::unlock::{self, Passed};
use crate::protect::{emergency, wipe};
use crate::ui::print_json;

pub fn run(ctx: &Context, cmd: DuressCommand) -> anyhow::Result<()> {
    match cmd {
        DuressCommand::Set {
            no_duress_code,
            max_failures,
            no_max_failures,
            stdin,
        } => {
            let limit = match (max_failures, no_max_failures) {
                (Some(n), _) => Limit::Set(n),
                (None, true) => Limit::Off,
                (None, false) => Limit::Keep,
            };
            set(ctx, no_duress_code, limit, stdin)
        }
        DuressCommand::Status { stdin, json } => status(ctx, stdin, json),
        DuressCommand::Clear { stdin } => {
            with_pin(ctx, stdin, "PIN: ")?;
            Gate::destroy(&ctx.home)?;
            ctx.say("PIN, duress code and failure limit removed; `crossing unlock` now refuses until `crossing duress set`.");
            Ok(())
        }
    }
}

fn status(ctx: &Context, stdin: bool, json: bool) -> anyhow::Result<()> {
    let passed = with_pin(ctx, stdin, "PIN: ")?;
    let settings = passed
        .gate
        .settings(&passed.check)
        .ok_or_else(|| GateError::Damaged {
            path: Gate::path(&ctx.home),
            why: "the settings do not open with this PIN".into(),
        })?;
    if json {
        return print_json(&json!({
            "pin": true,
            "duress_code": settings.duress_code,
            "max_failures": settings.max_failures,
        }));
    }
    println!("PIN: set");
    println!(
        "duress code: {}",
        if settings.duress_code {
            "set"
        } else {
            "not set"
        }
    );
    match settings.max_failures {
        Some(n) => println!("failure limit: wipe after {n} consecutive wrong codes"),
        None => println!("failure limit: off"),
    }
    Ok(())
}

fn with_pin(ctx: &Context, stdin: bool, prompt_text: &str) -> anyhow::Result<Passed> {
    let passed = unlock::with_pin(&ctx.home, || prompt::read_code(prompt_text, stdin))?;
    if let Some(e) = &passed.checkin_failed {
        ctx.warn(format!(
            "could not record the check-in for the dead-man switch: {e}"
        ));
    }
    Ok(passed)
}

/// What `set` does with the failure limit.
#[derive(Clone, Copy)]
enum Limit {
    Set(u32),
    Off,
    /// The one set before, if any.
    Keep,
}

fn set(ctx: &Context, no_duress_code: bool, limit: Limit, stdin: bool) -> anyhow::Result<()> {
    if let Limit::Set(n) = limit {
        if n < duress::MIN_FAILURE_LIMIT {
            bail_kind!(
                ExitKind::Usage,
                "--max-failures must be at least {}: fewer would wipe after a couple of typos",
                duress::MIN_FAILURE_LIMIT
            );
        }
    }
    let before = match Gate::load(&ctx.home)? {
        Some(_) => {
            let passed = with_pin(ctx, stdin, "Current PIN: ")?;
            passed.gate.settings(&passed.check)
        }
        None => None,
    };
    let kept = before.and_then(|s| s.max_failures);
    let max_failures = match limit {
        Limit::Set(n) => Some(n),
        Limit::Off => None,
        Limit::Keep => kept,
    };
    // Each rule is checked at the first entry, not after all four.
    let pin = ask_twice("New PIN", stdin, duress::validate_pin)?;
    let code = if no_duress_code {
        None
    } else {
        Some(ask_twice(
            "Duress code (wipes when entered instead of the PIN)",
            stdin,
            |c| duress::validate_duress_code(&pin, c),
        )?)
    };
    duress::validate(&pin, code.as_deref().map(|c| c.as_str()))?;
    // Learn now, not under duress, if a configured directory cannot be wiped.
    wipe::plan(&emergency::targets_for(&ctx.home, None)).map_err(|e| {
        anyhow::Error::new(e).context(
            "a duress code or the failure limit could not destroy a configured directory, so nothing was set",
        )
    })?;
    Gate::new(&pin, code.as_deref().map(|c| c.as_str()), max_failures).save(&ctx.home)?;
    ctx.say(format!(
        "PIN set{}{}. Put `crossing unlock -- CLIENT` in front of your client.",
        if code.is_some() {
            ", duress code set"
        } else {
            ""
        },
        match max_failures {
            Some(n) => format!(", wipe after {n} consecutive wrong codes"),
            None => String::new(),
        }
    ));
    if let (Limit::Keep, Some(n)) = (limit, kept) {
        ctx.say(format!(
            "The failure limit set before ({n}) is kept; `crossing duress set --no-max-failures` removes it."
        ));
    }
    Ok(())
}

fn ask_twice(
    what: &str,
    stdin: bool,
    rules: impl Fn(&str) -> anyhow::Result<()>,
) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let first = prompt::read_code(&format!("{what}: "), stdin)?;
    rules(&first)?;
    let again = prompt::read_code(&format!("{what} again: "), stdin)?;
    if *first != *again {
        bail_kind!(
            ExitKind::Usage,
            "the two entries of the {} differ; nothing was changed",
            what.split(' ')
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        );
    }
    Ok(first)
}
