//! The `crossing` binary: parse, dispatch, and the one mapping from error
//! types to exit codes.

use clap::Parser;

use crossing::cli::{Cli, Command};
use crossing::commands::{self, Context};
use crossing::error::{ExitKind, Fail};

fn main() {
    // Everything crossing creates (state, staging, caches) is private to the user.
    unsafe { libc::umask(0o077) };
    // Pack-sized buffers (MiBs) come from mmap and go back to the system when
    // freed. Without this, glibc raises its mmap threshold after the first
    // free and keeps every freed pack buffer in the heap: +60 MB of RSS.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    let cli = Cli::parse();
    let result = Context::new(cli.home, cli.quiet).and_then(|ctx| {
        // Every command first resumes a destruction left unfinished (one
        // stat when there is none); not the destroyer itself.
        if !matches!(cli.command, Command::Tidy | Command::GenerateAssets(_)) {
            ctx.resume_pending_destruction();
        }
        dispatch(&ctx, cli.command)
    });
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
        Command::Repair(args) => return commands::repair::run(ctx, args),
        Command::Prune(args) => commands::prune::run(ctx, args)?,
        Command::Wipe(args) => commands::wipe::run(ctx, args)?,
        Command::Duress(cmd) => commands::duress::run(ctx, cmd)?,
        Command::Unlock(args) => commands::unlock::run(ctx, args)?,
        Command::Deadman(cmd) => commands::deadman::run(ctx, cmd)?,
        Command::Checkin(pin) => commands::deadman::checkin(ctx, &pin)?,
        Command::Depart(args) => commands::depart::run(ctx, args)?,
        Command::RemoteWipe(cmd) => commands::remote_wipe::run(ctx, cmd)?,
        Command::Writer(cmd) => commands::writer::run(ctx, cmd)?,
        Command::Tidy => commands::tidy::run()?,
        Command::GenerateAssets(args) => commands::assets::run(&args.out)?,
    }
    Ok(0)
}

/// The exit code of an error: that of the first typed error in its chain.
fn exit_kind_of(err: &anyhow::Error) -> ExitKind {
    err.chain()
        .find_map(typed_exit_kind)
        .unwrap_or(ExitKind::Failure)
}

/// Every typed error of the library is listed here, each knowing its own
/// exit kind (tests/exit_codes.rs fails when one is missing), so that none
/// silently exits 1.
fn typed_exit_kind(cause: &(dyn std::error::Error + 'static)) -> Option<ExitKind> {
    use crossing::{clients, home, keys, protect, repo, state, store};
    macro_rules! typed {
        ($($t:ty),* $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$t>() {
                return Some(e.exit_kind());
            })*
        };
    }
    if let Some(f) = cause.downcast_ref::<Fail>() {
        return Some(f.kind);
    }
    typed!(
        keys::PhraseError,
        state::StateError,
        repo::RepoError,
        repo::seal::OpenError,
        store::StoreError,
        store::UploadsStopped,
        home::LockError,
        protect::wipe::WipeError,
        clients::ClientsError,
        protect::duress::GateError,
        protect::pending::Damaged,
        protect::remote_wipe::ProtocolError,
        protect::remote_wipe::ArmingError,
    );
    None
}
