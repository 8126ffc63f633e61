//! `crossing unlock`: the gate in front of a client (`protect::unlock`).

use std::os::unix::process::CommandExt;

use super::Context;
use crate::cli::UnlockArgs;
use crate::prompt;
use crate::protect::duress::{Gate, GateError};
use crate::protect::{emergency, unlock};

pub fn run(ctx: &Context, args: UnlockArgs) -> anyhow::Result<()> {
    let gate = Gate::load(&ctx.home)?.ok_or(GateError::NotSet)?;
    let code = prompt::read_code("PIN: ", args.stdin)?;
    let targets = emergency::targets_for(&ctx.home, args.profile.as_deref());
    let passed = unlock::authenticate(&ctx.home, gate, &code, &targets)?;
    if let Some(e) = passed.checkin_failed {
        ctx.warn(format!(
            "could not record the check-in for the dead-man switch: {e}"
        ));
    }
    let Some((program, rest)) = args.command.split_first() else {
        return Ok(());
    };
    let err = std::process::Command::new(program).args(rest).exec();
    anyhow::bail!(
        "unlocked, but cannot run {}: {err}; check the command after `--`",
        program.to_string_lossy()
    )
}
