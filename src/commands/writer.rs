//! `crossing writer list|revoke`: the devices that write a repository.

use serde::Serialize;

use super::Context;
use crate::cli::{PhraseArgs, WriterCommand};
use crate::keys::SecretKeys;
use crate::repo::history::{writer_name, ReadKeys};
use crate::repo::Repo;
use crate::state::now_unix;
use crate::state::setup::profile_repo;
use crate::ui::{print_json, timestamp};

#[derive(Serialize)]
struct Row {
    writer: String,
    certified_at: i64,
    last_seq: Option<u64>,
    #[serde(rename = "last_snapshot_at")]
    last_time: Option<i64>,
    sealed_at: Option<i64>,
    revoked_as_of: Option<i64>,
}

pub fn run(ctx: &Context, cmd: WriterCommand) -> anyhow::Result<()> {
    match cmd {
        WriterCommand::List {
            profile,
            phrase,
            json,
        } => {
            let (repo, secrets) = open(ctx, profile.as_deref(), &phrase)?;
            let history = repo.history(&ReadKeys::of(&secrets), now_unix())?;
            let mut rows: Vec<Row> = history
                .writers
                .iter()
                .map(|(w, cert)| {
                    let last = history
                        .snapshots
                        .iter()
                        .filter(|j| j.writer == Some(*w))
                        .max_by_key(|j| j.seq);
                    Row {
                        writer: hex::encode(w),
                        certified_at: cert.issued_at,
                        last_seq: last.map(|j| j.seq),
                        last_time: last.map(|j| j.time),
                        sealed_at: history.seals.get(w).map(|s| s.time),
                        revoked_as_of: history.revoked.get(w).copied(),
                    }
                })
                .collect();
            rows.sort_by_key(|r| r.certified_at);
            if json {
                return print_json(&rows);
            }
            for r in &rows {
                let status = match (r.sealed_at, r.revoked_as_of) {
                    (_, Some(t)) => format!("revoked as of {}", timestamp(t)),
                    (Some(t), None) => format!("sealed by depart at {}", timestamp(t)),
                    (None, None) => "open".to_string(),
                };
                println!(
                    "{}  certified {}  last snapshot {}  {status}",
                    &r.writer[..16],
                    timestamp(r.certified_at),
                    r.last_time.map_or("none".to_string(), timestamp)
                );
            }
            for n in &history.notes {
                ctx.warn(n);
            }
            Ok(())
        }
        WriterCommand::Revoke {
            writer,
            as_of,
            profile,
            phrase,
        } => {
            let (repo, secrets) = open(ctx, profile.as_deref(), &phrase)?;
            let revoked = repo.revoke_writer(&secrets, &writer, as_of, now_unix())?;
            ctx.say(format!(
                "writer {} revoked as of {}: nothing it signs later is trusted",
                writer_name(&revoked),
                timestamp(as_of)
            ));
            Ok(())
        }
    }
}

/// The profile's repository, and the phrase (checked against it).
fn open(
    ctx: &Context,
    profile: Option<&str>,
    phrase: &PhraseArgs,
) -> anyhow::Result<(Repo, SecretKeys)> {
    let state = ctx.state()?;
    let profile = state.chosen_profile(profile)?;
    let (keys, repo) = profile_repo(&state, &profile, &profile.store_options, false)?;
    let secrets = super::profile_phrase(&profile, &keys, phrase.phrase_file.as_deref())?;
    Ok((repo, secrets))
}
