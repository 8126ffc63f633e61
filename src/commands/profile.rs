//! `crossing init` and `crossing profile list|show|remove`.

use super::{print_json, Context};
use crate::cli::{Client, InitArgs, ProfileCommand};
use crate::setup;
use crate::state::profiles::Profile;

pub fn init(ctx: &Context, args: InitArgs) -> anyhow::Result<()> {
    let state = ctx.state()?;
    let data_dir = match args.data_dir {
        Some(d) => d,
        None => setup::client_data_dir(args.client)?,
    };
    let pseudonym = match args.pseudonym {
        Some(p) => state.require_pseudonym(&p)?.name,
        None => setup::default_pseudonym(&state)?.ok_or_else(|| {
            anyhow::anyhow!(
                "no pseudonym to encrypt for: create one with `crossing pseudonym new` (or import one), or name it with --pseudonym"
            )
        })?,
    };
    let options = crate::store::StoreOptions::parse_pairs(&args.store_options)?;
    let profile = setup::create_profile(
        &state,
        &args.name,
        &data_dir,
        &args.store,
        &options,
        &pseudonym,
        args.client,
    )?;
    if args.json {
        print_json(&profile)?;
    } else {
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
    }
    Ok(())
}

pub fn run(ctx: &Context, cmd: ProfileCommand) -> anyhow::Result<()> {
    let state = ctx.state()?;
    match cmd {
        ProfileCommand::List { json } => {
            let all = state.profiles()?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                ctx.say("No profiles. Create one with `crossing init --data-dir DIR --store URL`.");
            } else {
                for p in all {
                    println!("{}\t{}\t{}", p.name, p.data_dir.display(), p.store_url);
                }
            }
        }
        ProfileCommand::Show { name, json } => {
            let p = state.require_profile(&name)?;
            if json {
                print_json(&p)?;
            } else {
                print!("{}", describe(&p));
            }
        }
        ProfileCommand::Remove { name } => {
            state.remove_profile(&name)?;
            ctx.say(format!(
                "Removed profile \"{name}\" (its data directory and its store are untouched)."
            ));
        }
    }
    Ok(())
}

fn describe(p: &Profile) -> String {
    format!(
        "name:      {}\ndata dir:  {}\nstore:     {}\noptions:   {}\npseudonym: {}\nclient:    {}\n",
        p.name,
        p.data_dir.display(),
        p.store_url,
        p.store_options,
        p.pseudonym,
        p.client
    )
}
