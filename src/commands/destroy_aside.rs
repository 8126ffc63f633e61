//! The hidden `crossing destroy-aside`: the detached half of an emergency
//! wipe, destroying directories already renamed aside.

use std::path::PathBuf;

pub fn run(paths: &[PathBuf]) -> anyhow::Result<()> {
    let report = crate::protect::wipe::destroy_aside(paths)?;
    Ok(report.result()?)
}
