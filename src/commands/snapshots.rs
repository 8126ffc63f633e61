//! `crossing snapshots`: what the store holds. Without the phrase: IDs,
//! times and sizes (plus what this device recorded); with it: contents.

use serde::Serialize;

use super::Context;
use crate::cli::SnapshotsArgs;
use crate::prompt;
use crate::repo::history::{writer_name, Judged, ReadKeys, Trust};
use crate::repo::{basename, Repo};
use crate::state::cache::CachedSnapshot;
use crate::state::now_unix;
use crate::state::setup::profile_repo;
use crate::store::Store;
use crate::ui::{count, human_bytes, print_json, timestamp};

#[derive(Debug, Serialize)]
struct Row {
    #[serde(rename = "snapshot")]
    id: String,
    /// Unix seconds: the manifest's time with the phrase, else the store's.
    time: i64,
    /// Sub-second part, for ordering only.
    #[serde(skip)]
    nanos: u32,
    /// Size of the stored (encrypted) manifest object.
    bytes_stored: u64,
    files: Option<u64>,
    bytes: Option<u64>,
    tags: Option<Vec<String>>,
    expires_at: Option<i64>,
    /// Paths the backup skipped (this device's record; None when it has none).
    skipped: Option<u64>,
    /// Why the manifest could not be read (with the phrase).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// With the phrase: "trusted", "unsigned" or "untrusted".
    #[serde(skip_serializing_if = "Option::is_none")]
    trust: Option<&'static str>,
    /// Why it is not to be trusted.
    #[serde(skip_serializing_if = "Option::is_none")]
    untrusted_because: Option<String>,
    /// The writer (signed manifests), and its sequence number.
    #[serde(skip_serializing_if = "Option::is_none")]
    writer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
}

pub fn run(ctx: &Context, args: SnapshotsArgs) -> anyhow::Result<()> {
    let options = args.store_options.parse()?;
    let (repo, identity, cached, skipped) = match (&args.store, &args.phrase_file) {
        (Some(url), _) => {
            let phrase = prompt::read_phrase(args.phrase_file.as_deref())?;
            let secrets = phrase.derive();
            let repo = Repo::new(
                Store::open(url, &options, false)?,
                &secrets.public().locator,
            );
            let keys = Some(ReadKeys::of(&secrets));
            (repo, keys, Default::default(), Default::default())
        }
        (None, phrase_file) => {
            let state = ctx.state()?;
            let profile = state.chosen_profile(args.profile.as_deref())?;
            let options = profile.store_options.merged(&options);
            let (keys, repo) = profile_repo(&state, &profile, &options, false)?;
            let identity = match phrase_file {
                Some(f) => Some(ReadKeys::of(&super::profile_phrase(
                    &profile,
                    &keys,
                    Some(f),
                )?)),
                None => None,
            };
            let cached = state.cached_snapshots(&repo.cache_key())?;
            let skipped = state.skipped_paths(&repo.cache_key())?;
            (repo, identity, cached, skipped)
        }
    };
    let history = match &identity {
        Some(keys) => {
            repo.open_for_reading(&keys.identity)?;
            Some(repo.history(keys, now_unix())?)
        }
        None => None,
    };
    let mut rows = Vec::new();
    for listed in repo.snapshot_listing()? {
        let id = basename(&listed.key).to_string();
        let mut row = Row {
            id: id.clone(),
            time: listed.modified,
            nanos: listed.modified_nanos,
            bytes_stored: listed.size,
            files: None,
            bytes: None,
            tags: None,
            expires_at: None,
            skipped: skipped.get(&id).copied(),
            error: None,
            trust: None,
            untrusted_because: None,
            writer: None,
            seq: None,
        };
        let known = match &history {
            Some(h) => h
                .snapshots
                .iter()
                .find(|j| j.id == id)
                .and_then(|j| judged(&mut row, j)),
            None => cached.get(&id).cloned(),
        };
        if let Some(c) = known {
            (row.time, row.nanos, row.expires_at) = (c.time, c.nanos, c.expires_at);
            (row.files, row.bytes, row.tags) = (Some(c.files), Some(c.bytes), Some(c.tags));
        }
        rows.push(row);
    }
    for note in history.iter().flat_map(|h| &h.notes) {
        ctx.warn(note);
    }
    rows.sort_by_key(|r| (r.time, r.nanos));
    if args.json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        ctx.say("No snapshots.");
        return Ok(());
    }
    let now = now_unix();
    println!(
        "{:<12}  {:<20}  {:>10}  CONTENTS",
        "SNAPSHOT", "TIME (UTC)", "STORED"
    );
    for r in &rows {
        println!(
            "{:<12}  {:<20}  {:>10}  {}",
            &r.id[..12.min(r.id.len())],
            timestamp(r.time),
            human_bytes(r.bytes_stored),
            contents(r, now)
        );
    }
    let partial = rows.iter().filter(|r| r.skipped.unwrap_or(0) > 0).count();
    let expiring = rows.iter().filter(|r| r.expires_at.is_some()).count();
    let mut total = count(rows.len(), "snapshot");
    if expiring > 0 {
        total += &format!(", {expiring} expiring");
    }
    if partial > 0 {
        total += &format!(", {partial} partial (their backup skipped paths)");
    }
    ctx.say(total);
    Ok(())
}

/// A row's last column: what it holds, its tags, when it expires and
/// whether its backup was partial.
fn contents(r: &Row, now: i64) -> String {
    let mut line = match (r.files, r.bytes, &r.error) {
        (_, _, Some(e)) => format!("UNREADABLE: {e}"),
        (_, _, None) if r.untrusted_because.is_some() => format!(
            "UNTRUSTED: {}",
            r.untrusted_because.as_deref().unwrap_or_default()
        ),
        (Some(f), Some(b), _) => format!("{}, {}", count(f, "file"), human_bytes(b)),
        _ => "contents need the phrase (--phrase-file)".to_string(),
    };
    if let Some(tags) = r.tags.as_ref().filter(|t| !t.is_empty()) {
        line += &format!(" [{}]", tags.join(","));
    }
    if r.trust == Some("unsigned") {
        line += " (unsigned)";
    }
    match r.expires_at {
        Some(at) if at <= now => line += "  expired: the next prune forgets it",
        Some(at) => line += &format!("  expires {}", timestamp(at)),
        None => {}
    }
    if let Some(n) = r.skipped.filter(|&n| n > 0) {
        line += &format!("  PARTIAL: {} skipped", count(n, "path"));
    }
    line
}

/// Fills a row from the history's judgement; the contents of a manifest
/// that is not to be trusted are not shown as if they were.
fn judged(row: &mut Row, j: &Judged) -> Option<CachedSnapshot> {
    row.writer = j.writer.as_ref().map(writer_name);
    row.seq = j.writer.map(|_| j.seq);
    match &j.trust {
        Trust::Unreadable(why) => {
            // One bad object must not hide the others: report it in its row.
            row.error = Some(why.clone());
            return None;
        }
        Trust::Untrusted(why) => {
            // Its claims are shown as what they are: its time, nothing more.
            row.trust = Some("untrusted");
            row.untrusted_because = Some(why.clone());
            (row.time, row.nanos) = (j.time, j.nanos);
            return None;
        }
        Trust::Trusted => row.trust = Some("trusted"),
        Trust::Unsigned => row.trust = Some("unsigned"),
    }
    Some(CachedSnapshot {
        id: j.id.clone(),
        time: j.time,
        nanos: j.nanos,
        files: j.files,
        bytes: j.bytes,
        expires_at: j.expires_at,
        tags: j.tags.clone(),
    })
}
