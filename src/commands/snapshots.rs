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
use crate::ui::{human_bytes, print_json, timestamp};

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
    let (repo, identity, cached) = match (&args.store, &args.phrase_file) {
        (Some(url), _) => {
            let phrase = prompt::read_phrase(args.phrase_file.as_deref())?;
            let secrets = phrase.derive();
            let repo = Repo::new(
                Store::open(url, &options, false)?,
                &secrets.public().locator,
            );
            (repo, Some(ReadKeys::of(&secrets)), Default::default())
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
            (repo, identity, cached)
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
    }
    for r in rows {
        let when = timestamp(r.time);
        let detail = match (r.files, r.bytes, &r.error) {
            (_, _, Some(e)) => format!("UNREADABLE: {e}"),
            (_, _, None) if r.untrusted_because.is_some() => format!(
                "UNTRUSTED: {}",
                r.untrusted_because.as_deref().unwrap_or_default()
            ),
            (Some(f), Some(b), _) => format!("{f} files, {}", human_bytes(b)),
            _ => "contents need the phrase (--phrase-file)".to_string(),
        };
        let tags = r
            .tags
            .filter(|t| !t.is_empty())
            .map(|t| format!(" [{}]", t.join(",")))
            .unwrap_or_default();
        let unsigned = if r.trust == Some("unsigned") {
            " (unsigned)"
        } else {
            ""
        };
        println!(
            "{}  {when}  {:>10}  {detail}{tags}{unsigned}",
            &r.id[..12],
            human_bytes(r.bytes_stored)
        );
    }
    Ok(())
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
