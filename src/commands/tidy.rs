//! The hidden `crossing tidy`: the detached half of an emergency wipe. It
//! reads crossing's home on standard input and destroys what the record of
//! pending destruction there lists (`protect::pending`).

pub fn run() -> anyhow::Result<()> {
    let report = crate::protect::pending::destroy(std::io::stdin().lock())?;
    Ok(report.result()?)
}
