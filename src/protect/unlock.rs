//! The gate in front of a client, as a library: check a code, and on a
//! duress code (or at the failure limit) wipe without showing it.
//!
//! PIN and duress code take the same path to the same end: one hash
//! computation compared with both slots, a durable write of the gate file,
//! then the caller runs the client, with the same output. On a duress code
//! the only difference is hidden in between: the data directories and
//! crossing's home are renamed aside (milliseconds, whatever their size), a
//! detached process destroys them, and a fresh home gets a gate whose PIN
//! is the duress code. An adversary who forced the code sees a normal
//! unlock, and the same code keeps working.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::protect::duress::{Check, Gate, GateError};
use crate::protect::wipe::Target;
use crate::protect::{deadman, emergency};

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
    /// Why the dead-man check-in could not be recorded (the gate still opens).
    pub checkin_failed: Option<String>,
}

/// Checks `code` at the gate in `home`. The PIN passes; the duress code
/// wipes `targets` and passes as if it were the PIN; a wrong code counts as
/// a failure (and at the limit wipes) and fails with `GateError::WrongPin`.
pub fn authenticate(
    home: &Path,
    mut gate: Gate,
    code: &str,
    targets: &[Target],
) -> anyhow::Result<Passed> {
    let check = gate.check(code);
    let checked = Instant::now();
    if check.pin {
        gate.failures = 0;
        gate.save(home)?;
        let checkin_failed = deadman::check_in_if_set_up(home)
            .err()
            .map(|e| format!("{e:#}"));
        settle(checked);
        return Ok(Passed {
            gate,
            check,
            checkin_failed,
        });
    }
    if check.duress {
        let fresh = gate.after_duress(&check);
        // Whatever fails here must not show: the adversary is watching.
        let _ = emergency::aside_and_detach(home, targets);
        fresh.save(home)?;
        settle(checked);
        return Ok(Passed {
            gate: fresh,
            check: check.as_pin(),
            checkin_failed: None,
        });
    }
    if gate.record_failure(&check) {
        let _ = emergency::aside_and_detach(home, targets);
        gate.failures = 0;
    }
    gate.save(home)?;
    // A wrong code that reached the limit ends at the same moment as one that did not.
    settle(checked);
    Err(GateError::WrongPin.into())
}

/// Loads the gate in `home` (refusing before anything is asked if none is
/// set), reads a code with `read_code` and checks it; the duress code and the
/// failure limit wipe every profile's data, as at `unlock`.
pub fn with_pin(
    home: &Path,
    read_code: impl FnOnce() -> anyhow::Result<zeroize::Zeroizing<String>>,
) -> anyhow::Result<Passed> {
    let gate = Gate::load(home)?.ok_or(GateError::NotSet)?;
    let code = read_code()?;
    authenticate(home, gate, &code, &emergency::targets_for(home, None))
}
