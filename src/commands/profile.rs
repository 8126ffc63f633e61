//! `crossing init` and `crossing profile list|show|remove`.

use super::{list, show, Context};
use crate::cli::{InitArgs, ProfileCommand};
use crate::error::{ExitKind, Fail};
use crate::state::profiles::{Client, Profile, DEFAULT_PROFILE};
use crate::state::setup::{self, NewProfile};
use crate::store::StoreOptions;
use crate::ui::print_json;

pub fn init(ctx: &Context, args: InitArgs) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let data_dir = match args.data_dir {
        Some(d) => d,
        None => args.client.usual_data_dir()?,
    };
    let pseudonym = match args.pseudonym {
        Some(p) => state.require_pseudonym(&p)?.name,
        None => setup::default_pseudonym(&state)?.ok_or_else(|| {
            Fail::new(
                ExitKind::Usage,
                "no pseudonym to encrypt for: create one with `crossing pseudonym new` (or import one), or name it with --pseudonym",
            )
        })?,
    };
    let options = StoreOptions::parse_pairs(&args.store_options)?;
    crate::backup::exclude::Excludes::new(&args.excludes)?; // refused now, not at the first backup
                                                            // Named after the client, so that a Signal profile added next to a
                                                            // first backup's "default" does not collide with it.
    let name = args.name.unwrap_or_else(|| match args.client {
        Client::Generic => DEFAULT_PROFILE.to_string(),
        client => client.name().to_string(),
    });
    let profile = setup::create_profile(
        &state,
        NewProfile {
            name: &name,
            data_dir: &data_dir,
            store: &args.store,
            store_options: &options,
            pseudonym: &pseudonym,
            client: args.client,
            excludes: &args.excludes,
        },
    )?;
    if args.json {
        return print_json(&profile);
    }
    ctx.say(format!(
        "Profile \"{}\": {} -> {}{} (encrypted for pseudonym \"{}\")",
        profile.name,
        profile.data_dir.display(),
        profile.store_url,
        if options.is_empty() {
            String::new()
        } else {
            format!(" [{options}]")
        },
        profile.pseudonym
    ));
    if args.client != Client::Generic && !profile.data_dir.exists() {
        ctx.warn(format!(
            "{} does not exist yet; start the client once before backing up",
            profile.data_dir.display()
        ));
    }
    Ok(())
}

pub fn run(ctx: &Context, cmd: ProfileCommand) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match cmd {
        ProfileCommand::List { names: true, .. } => {
            for p in state.profiles()? {
                println!("{}", p.name);
            }
            Ok(())
        }
        ProfileCommand::List { json, .. } => list(
            ctx,
            &state.profiles()?,
            json,
            "No profiles. Create one with `crossing init --data-dir DIR --store URL`.",
            |p| format!("{}\t{}\t{}", p.name, p.data_dir.display(), p.store_url),
        ),
        ProfileCommand::Show { name, json } => show(&state.require_profile(&name)?, json, describe),
        ProfileCommand::Remove { name } => {
            state.remove_profile(&name)?;
            ctx.say(format!(
                "Removed profile \"{name}\" (its data directory and its store are untouched)."
            ));
            Ok(())
        }
    }
}

fn describe(p: &Profile) -> String {
    format!(
        "name:      {}\ndata dir:  {}\nstore:     {}\noptions:   {}\npseudonym: {}\nclient:    {}\nexcludes:  {}\n",
        p.name,
        p.data_dir.display(),
        p.store_url,
        p.store_options,
        p.pseudonym,
        p.client,
        if p.excludes.is_empty() {
            "(none)".to_string()
        } else {
            p.excludes.join("  ")
        }
    )
}
