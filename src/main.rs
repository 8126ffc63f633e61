//! The `crossing` binary: parse, dispatch, map errors to exit codes.

use clap::Parser;

use crossing::cli::{Cli, Command};
use crossing::commands::{self, Context};
use crossing::error::exit_kind_of;

fn main() {
    // Everything crossing creates (state, staging, caches) is private to the user.
    unsafe { libc::umask(0o077) };
    // Pack-sized buffers (MiBs) come from mmap and go back to the system when
    // freed. Without this, glibc raises its mmap threshold after the first
    // free and keeps every freed pack buffer in the heap: +60 MB of RSS.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    let cli = Cli::parse();
    let result = Context::new(cli.home, cli.quiet).and_then(|ctx| dispatch(&ctx, cli.command));
    match result {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("crossing: {err:#}");
            std::process::exit(exit_kind_of(&err).code());
        }
    }
}

/// Runs one command; `Ok` carries the exit code (0, or 3 for a partial backup).
fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Pseudonym(cmd) => commands::pseudonym::run(ctx, cmd)?,
        Command::Init(args) => commands::profile::init(ctx, args)?,
        Command::Profile(cmd) => commands::profile::run(ctx, cmd)?,
        Command::Backup(args) => return commands::backup::run(ctx, args),
        Command::Restore(args) => commands::restore::run(ctx, args)?,
        Command::Snapshots(args) => commands::snapshots::run(ctx, args)?,
        Command::Check(args) => return commands::check::run(ctx, args),
        Command::Prune(args) => commands::prune::run(ctx, args)?,
        Command::Wipe(args) => commands::wipe::run(ctx, args)?,
        Command::Duress(cmd) => commands::duress::run(ctx, cmd)?,
        Command::Unlock(args) => commands::unlock::run(ctx, args)?,
        Command::Deadman(cmd) => commands::deadman::run(ctx, cmd)?,
        Command::Checkin => commands::deadman::checkin(ctx)?,
        Command::Depart(args) => commands::depart::run(ctx, args)?,
        Command::RemoteWipe(cmd) => commands::remote_wipe::run(ctx, cmd)?,
        Command::DestroyAside(args) => commands::emergency::destroy_aside(&args.paths)?,
        Command::GenerateAssets(args) => commands::assets::run(&args.out)?,
    }
    Ok(0)
}
