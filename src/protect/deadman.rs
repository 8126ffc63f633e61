//! The dead-man switch: a wipe when nobody checked in for a while.
//!
//! Elapsed time must only ever grow with real time, and a clock set back
//! must never fire the switch. So the switch does not compare wall-clock
//! dates. It keeps an *anchor*: the time already accounted since the last
//! check-in, plus where and when that was measured (boot ID, CLOCK_BOOTTIME,
//! wall clock). Each check adds the time since the anchor and moves the
//! anchor forward:
//! - same boot: CLOCK_BOOTTIME difference. It counts suspend, and no one can
//!   set it, so changing the wall clock has no effect at all;
//! - after a reboot: the wall-clock difference, counted as zero if the clock
//!   went backwards (a reboot's downtime is only visible on the wall clock).
//!
//! A check-in sets the accounted time to zero. Every `check` (cron) and
//! every check-in moves the anchor, so a clock set back after a check loses
//! nothing already accounted.

use std::path::Path;

use serde::Serialize;

use crate::protect::emergency;
use crate::protect::wipe::Report;
use crate::state::protection::DeadmanRow;
use crate::state::{State, DB_FILE};

/// Where and when elapsed time was last accounted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// Milliseconds accounted since the last check-in (ms, so that frequent
    /// checks lose no fraction of a second).
    pub elapsed_ms: i64,
    pub wall: i64,
    pub boot_id: String,
    pub boottime_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadman {
    pub after_secs: i64,
    pub anchor: Anchor,
}

/// One reading of the clocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub wall: i64,
    pub boot_id: String,
    pub boottime_ms: i64,
}

impl Reading {
    pub fn now() -> Reading {
        Reading {
            wall: crate::state::now_unix(),
            boot_id: boot_id(),
            boottime_ms: boottime_ms(),
        }
    }
}

impl Deadman {
    /// A switch armed now.
    pub fn new(after_secs: i64, now: &Reading) -> Deadman {
        Deadman {
            after_secs,
            anchor: Anchor::fresh(0, now),
        }
    }

    /// The anchor moved to `now`, with the time since the old one added.
    pub fn advance(&self, now: &Reading) -> Deadman {
        let a = &self.anchor;
        let since_ms = if now.boot_id == a.boot_id && !a.boot_id.is_empty() {
            (now.boottime_ms - a.boottime_ms).max(0)
        } else {
            (now.wall - a.wall).max(0).saturating_mul(1000)
        };
        Deadman {
            after_secs: self.after_secs,
            anchor: Anchor::fresh(a.elapsed_ms.saturating_add(since_ms), now),
        }
    }

    pub fn checked_in(&self, now: &Reading) -> Deadman {
        Deadman::new(self.after_secs, now)
    }

    pub fn expired(&self) -> bool {
        self.anchor.elapsed_ms >= self.after_secs.saturating_mul(1000)
    }

    pub fn remaining_secs(&self) -> i64 {
        ((self.after_secs.saturating_mul(1000) - self.anchor.elapsed_ms).max(0) + 999) / 1000
    }
}

impl Anchor {
    fn fresh(elapsed_ms: i64, now: &Reading) -> Anchor {
        Anchor {
            elapsed_ms,
            wall: now.wall,
            boot_id: now.boot_id.clone(),
            boottime_ms: now.boottime_ms,
        }
    }
}

impl Deadman {
    fn from_row(r: DeadmanRow) -> Deadman {
        Deadman {
            after_secs: r.after_secs,
            anchor: Anchor {
                elapsed_ms: r.elapsed_ms,
                wall: r.anchor_wall,
                boot_id: r.anchor_boot_id,
                boottime_ms: r.anchor_boottime_ms,
            },
        }
    }

    fn to_row(&self) -> DeadmanRow {
        DeadmanRow {
            after_secs: self.after_secs,
            elapsed_ms: self.anchor.elapsed_ms,
            anchor_wall: self.anchor.wall,
            anchor_boot_id: self.anchor.boot_id.clone(),
            anchor_boottime_ms: self.anchor.boottime_ms,
        }
    }
}

/// The switch as recorded in the state, if armed.
pub fn load(state: &State) -> anyhow::Result<Option<Deadman>> {
    Ok(state.deadman()?.map(Deadman::from_row))
}

/// Arms (or re-arms) the switch: a wipe after `after_secs` without a check-in.
pub fn arm(state: &State, after_secs: i64) -> anyhow::Result<()> {
    state.set_deadman(&Deadman::new(after_secs, &Reading::now()).to_row())
}

/// Disarms the switch; whether one was set.
pub fn disarm(state: &State) -> anyhow::Result<bool> {
    state.clear_deadman()
}

/// A check-in: the switch starts over. Returns it, if one is set.
pub fn check_in(state: &State) -> anyhow::Result<Option<Deadman>> {
    let Some(d) = load(state)? else {
        return Ok(None);
    };
    let d = d.checked_in(&Reading::now());
    state.set_deadman(&d.to_row())?;
    Ok(Some(d))
}

/// The check-in every correct `unlock` does; nothing to do without a state.
pub fn check_in_if_set_up(home: &Path) -> anyhow::Result<()> {
    if !home.join(DB_FILE).exists() {
        return Ok(());
    }
    check_in(&State::open(home)?).map(|_| ())
}

/// The switch as it stands now, without recording anything: `None` if
/// not armed, else the seconds left (0: it fires at the next check).
pub fn status(home: &Path) -> anyhow::Result<Option<i64>> {
    if !home.join(DB_FILE).exists() {
        return Ok(None);
    }
    Ok(load(&State::open(home)?)?.map(|d| d.advance(&Reading::now()).remaining_secs()))
}

/// What `deadman check` found.
pub enum Checked {
    NotArmed,
    Waiting {
        remaining_secs: i64,
    },
    /// Time was up: everything was destroyed (the gate kept).
    Fired(Report),
}

/// For cron: wipes if the time is up, else records the time that passed.
pub fn check(home: &Path) -> anyhow::Result<Checked> {
    let armed = if home.join(DB_FILE).exists() {
        load(&State::open(home)?)?
    } else {
        None
    };
    let Some(d) = armed else {
        return Ok(Checked::NotArmed);
    };
    let d = d.advance(&Reading::now());
    if !d.expired() {
        State::open(home)?.set_deadman(&d.to_row())?;
        return Ok(Checked::Waiting {
            remaining_secs: d.remaining_secs(),
        });
    }
    Ok(Checked::Fired(emergency::now_keeping_gate(home)?))
}

/// This boot's ID (Linux: random per boot), or "" where there is none.
fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Milliseconds since boot, suspend included, not settable.
fn boottime_ms() -> i64 {
    #[cfg(target_os = "linux")]
    let clock = libc::CLOCK_BOOTTIME;
    #[cfg(not(target_os = "linux"))]
    let clock = libc::CLOCK_MONOTONIC;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid clock id and out-pointer.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    // time_t and c_long are not i64 on every platform.
    #[allow(clippy::unnecessary_cast)]
    let ms = ts.tv_sec as i64 * 1000 + ts.tv_nsec as i64 / 1_000_000;
    ms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(wall: i64, boot: &str, boottime_s: i64) -> Reading {
        Reading {
            wall,
            boot_id: boot.into(),
            boottime_ms: boottime_s * 1000,
        }
    }

    #[test]
    fn fires_after_the_duration_on_the_boot_clock() {
        let d = Deadman::new(3600, &at(1_000_000, "b1", 100));
        let d = d.advance(&at(1_001_000, "b1", 1100));
        assert!(!d.expired());
        assert_eq!(d.remaining_secs(), 2600);
        let d = d.advance(&at(1_003_700, "b1", 3700));
        assert!(d.expired());
    }

    #[test]
    fn a_clock_set_back_or_forward_changes_nothing_within_a_boot() {
        let d = Deadman::new(3600, &at(1_000_000, "b1", 100));
        // The wall clock is set back a year, then forward ten years: the
        // boot clock moved 10 minutes.
        let d = d.advance(&at(1_000_000 - 31_536_000, "b1", 700));
        let d = d.advance(&at(1_000_000 + 315_360_000, "b1", 700));
        assert_eq!(d.anchor.elapsed_ms, 600_000);
        assert!(!d.expired());
    }

    #[test]
    fn across_reboots_the_wall_clock_counts_but_never_backwards() {
        let d = Deadman::new(3600, &at(1_000_000, "b1", 100));
        let d = d.advance(&at(1_001_000, "b1", 1100)); // 1000 s accounted
                                                       // Rebooted with the clock set back: nothing more is counted, and
                                                       // nothing already counted is lost.
        let d = d.advance(&at(900_000, "b2", 5));
        assert_eq!(d.anchor.elapsed_ms, 1_000_000);
        assert!(!d.expired());
        // Then real time passes on the new boot.
        let d = d.advance(&at(902_600, "b2", 2605));
        assert_eq!(d.anchor.elapsed_ms, 3_600_000);
        assert!(d.expired());
        // A check-in starts over.
        let d = d.checked_in(&at(902_601, "b2", 2606));
        assert!(!d.expired());
        assert_eq!(d.remaining_secs(), 3600);
    }

    #[test]
    fn frequent_checks_lose_no_fraction_of_a_second() {
        let mut d = Deadman::new(10, &at(1_000_000, "b1", 0));
        for i in 1..=21 {
            let r = Reading {
                wall: 1_000_000,
                boot_id: "b1".into(),
                boottime_ms: i * 500,
            };
            d = d.advance(&r);
        }
        assert!(d.expired());
    }

    #[test]
    fn the_clocks_are_readable() {
        let a = Reading::now();
        let b = Reading::now();
        assert!(b.boottime_ms >= a.boottime_ms);
        assert!(a.boottime_ms > 0);
    }
}
