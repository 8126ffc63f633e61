//! Progress reporting, as the engines see it: a trait they call with byte
//! counts. The command layer implements it with a terminal bar
//! (`ui::progress`); under cron, pipes and `--json` nothing is shown.

/// Byte progress of one long operation (backup, restore, wipe). Shared by
/// worker threads, hence `Sync`.
pub trait Progress: Sync {
    /// The total is (now) `bytes`.
    fn set_total(&self, bytes: u64);
    /// `bytes` are done in all.
    fn set_done(&self, bytes: u64);
    /// `bytes` more are done.
    fn add_done(&self, bytes: u64);
    /// The operation ended (successfully or not): clear the display.
    fn finish(&self);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn set_total(&self, _: u64) {}
    fn set_done(&self, _: u64) {}
    fn add_done(&self, _: u64) {}
    fn finish(&self) {}
}
