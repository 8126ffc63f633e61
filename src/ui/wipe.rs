//! A wipe's plan, its confirmation and its report, as `wipe`, `depart` and
//! the emergency triggers show them.

use serde_json::json;

use super::{count, human_bytes, print_json, Out};
use crate::bail_kind;
use crate::error::ExitKind;
use crate::prompt;
use crate::protect::remote_wipe::{Checked, Ignored};
use crate::protect::wipe::{Planned, Report};

/// On a terminal, asks; without one, `--yes` is required.
pub fn confirm(planned: &[Planned], yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !prompt::stdin_is_tty() {
        bail_kind!(
            ExitKind::Refused,
            "wipe needs confirmation, but standard input is not a terminal: pass --yes (see --dry-run for what would be destroyed)"
        );
    }
    let (files, bytes) = planned
        .iter()
        .fold((0, 0), |(f, b), p| (f + p.files, b + p.bytes));
    if !prompt::confirm(&format!(
        "Destroy {} ({}) for good? This cannot be undone.",
        count(files, "file"),
        human_bytes(bytes)
    ))? {
        bail_kind!(ExitKind::Refused, "not confirmed; nothing was destroyed");
    }
    Ok(())
}

pub fn describe(out: &Out, planned: &[Planned]) {
    out.say("Will destroy:");
    for p in planned {
        if p.exists {
            out.say(format!(
                "  {} ({}): {}, {}",
                p.path.display(),
                p.what,
                count(p.files, "file"),
                human_bytes(p.bytes)
            ));
        } else {
            out.say(format!(
                "  {} ({}): does not exist",
                p.path.display(),
                p.what
            ));
        }
        for o in &p.other_filesystems {
            out.warn(format!(
                "{} is on another filesystem or mount and will not be touched",
                o.display()
            ));
        }
    }
}

pub fn say_report(out: &Out, r: &Report) {
    for f in &r.failed {
        eprintln!("crossing: not destroyed: {}: {}", f.path.display(), f.error);
    }
    let mut line = format!(
        "destroyed {} ({} overwritten)",
        count(r.files_destroyed, "file"),
        human_bytes(r.bytes_overwritten)
    );
    if r.keys_destroyed > 0 {
        line += &format!(
            ", the client's database key first ({})",
            count(r.keys_destroyed, "file")
        );
    }
    if r.free_space_filled > 0 {
        line += &format!("; free space filled: {}", human_bytes(r.free_space_filled));
    }
    if r.journal_churned > 0 {
        line += &format!("; journal churned: {}", human_bytes(r.journal_churned));
    }
    out.say(line);
}

/// A channel object a remote-wipe check passed over.
pub fn warn_ignored(out: &Out, i: &Ignored) {
    out.warn(format!("remote wipe: ignored {}: {}", i.object, i.why));
}

/// What a remote-wipe check found. `announce`: say so when nothing was
/// found (not before a backup under cron).
pub fn show_remote_check(
    out: &Out,
    checked: &Checked,
    json: bool,
    announce: bool,
) -> anyhow::Result<()> {
    let passed = match checked {
        Checked::NotArmed => None,
        Checked::NoRequest(p) | Checked::Fired { passed: p, .. } => Some(p),
    };
    for note in passed.iter().flat_map(|p| &p.notes) {
        out.warn(format!("remote wipe: {note}"));
    }
    if let Some(p) = passed.filter(|p| p.more_ignored > 0) {
        out.warn(format!(
            "remote wipe: {} more objects ignored",
            p.more_ignored
        ));
    }
    if let Checked::Fired {
        ack_error: Some(why),
        ..
    } = checked
    {
        out.warn(format!(
            "remote wipe: no acknowledgment left for your friend: {why}"
        ));
    }
    match checked {
        Checked::NotArmed if json => print_json(&json!({ "armed": false }))?,
        Checked::NotArmed if announce => out.say("remote wipe is not armed"),
        Checked::NoRequest(passed) if json => print_json(&json!({
            "armed": true, "fired": false, "ignored": passed.ignored,
            "more_ignored": passed.more_ignored, "not_read": passed.not_read,
        }))?,
        Checked::NoRequest(_) if announce => out.say("remote wipe: no wipe request"),
        Checked::Fired {
            passed,
            report,
            ack_error,
        } if json => print_json(&json!({
            "armed": true, "fired": true, "ignored": passed.ignored,
            "more_ignored": passed.more_ignored, "not_read": passed.not_read,
            "report": report, "acknowledged": ack_error.is_none(),
        }))?,
        Checked::Fired { report, .. } => {
            out.say("remote wipe: a valid wipe request was found; data destroyed");
            say_report(out, report);
        }
        _ => {}
    }
    Ok(())
}
