//! `crossing unlock`: the gate in front of a client.
//!
//! PIN and duress code take the same path to the same end: one hash
//! computation compared with both slots, a durable write of the gate file,
//! then COMMAND is exec'd (or exit 0), with the same output. On a duress
//! code the only difference is hidden in between: the data directories and
//! crossing's home are renamed aside (milliseconds, whatever their size), a
//! detached process destroys them, and a fresh home gets a gate whose PIN
//! is the duress code. An adversary who forced the code sees a normal unlock,
//! and the same code keeps working.

use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use super::{emergency, Context};
use crate::cli::UnlockArgs;
use crate::duress::{Check, Gate, GateError};
use crate::prompt;
use crate::wipe::Target;

pub fn run(ctx: &Context, args: UnlockArgs) -> anyhow::Result<()> {
    let gate = Gate::load(&ctx.home)?.ok_or(GateError::NotSet)?;
    let code = prompt::read_code("PIN: ", args.stdin)?;
    let targets = targets_for(ctx, args.profile.as_deref());
    authenticate(ctx, gate, &code, &targets)?;
    let Some((program, rest)) = args.command.split_first() else {
        return Ok(());
    };
    let err = std::process::Command::new(program).args(rest).exec();
    anyhow::bail!(
        "unlocked, but cannot run {}: {err}; check the command after `--`",
        program.to_string_lossy()
    )
}

/// What a duress code or the failure limit destroys: one profile's data
/// directory (if it is known: after a duress wipe no profile is) or every
/// profile's, and crossing's home.
pub fn targets_for(ctx: &Context, profile: Option<&str>) -> Vec<Target> {
    let Some(name) = profile else {
        return emergency::all_targets(ctx);
    };
    let known = ctx.state().and_then(|s| s.profile(name)).ok().flatten();
    super::wipe::targets(ctx, known.as_slice(), false)
}

/// How long after the hash check both the PIN and the duress path return:
/// each one's disk writes (a few fsyncs, renames) take less on a working
/// disk, so both end at the same moment and timing tells nothing. Measured
/// in benches/unlock.rs, figures in docs/duress.md.
const SETTLE: Duration = Duration::from_millis(40);

fn settle(since: Instant) {
    if let Some(rest) = SETTLE.checked_sub(since.elapsed()) {
        std::thread::sleep(rest);
    }
}

/// A gate that let the code through, as the PIN's (the fresh one after a duress code).
pub struct Passed {
    pub gate: Gate,
    pub check: Check,
}

/// Checks `code` at the gate. The PIN passes; the duress code wipes and
/// passes as if it were the PIN; a wrong code counts as a failure (and at
/// the limit wipes) and fails with `GateError::WrongPin`.
pub fn authenticate(
    ctx: &Context,
    mut gate: Gate,
    code: &str,
    targets: &[Target],
) -> anyhow::Result<Passed> {
    let check = gate.check(code);
    let checked = Instant::now();
    if check.pin {
        gate.failures = 0;
        gate.save(&ctx.home)?;
        super::deadman::checkin_quietly(ctx);
        settle(checked);
        return Ok(Passed { gate, check });
    }
    if check.duress {
        let fresh = gate.after_duress(&check);
        // Whatever fails here must not show: the adversary is watching.
        let _ = emergency::aside_and_detach(targets);
        fresh.save(&ctx.home)?;
        settle(checked);
        return Ok(Passed {
            gate: fresh,
            check: check.as_pin(),
        });
    }
    if gate.record_failure() {
        let _ = emergency::aside_and_detach(targets);
        gate.failures = 0;
    }
    gate.save(&ctx.home)?;
    Err(GateError::WrongPin.into())
}
