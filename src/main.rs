//! The `crossing` binary: parse, dispatch, and the one mapping from error
//! types to exit codes (and, under `--json`, to the error object of
//! docs/json.md).

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crossing::cli::{Cli, Command};
use crossing::commands::{self, Context};
use crossing::error::{ExitKind, Fail};
use crossing::ui::print_json_error;

fn main() {
    // Everything crossing creates (state, staging, caches) is private to the user.
    unsafe { libc::umask(0o077) };
    // Pack-sized buffers (MiBs) come from mmap and go back to the system when
    // freed. Without this, glibc raises its mmap threshold after the first
    // free and keeps every freed pack buffer in the heap: +60 MB of RSS.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    let matches = Cli::command()
        .try_get_matches()
        .unwrap_or_else(|e| usage_error(e));
    let json = json_given(&matches);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_error(e));
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
            let kind = exit_kind_of(&err);
            let message = format!("{err:#}");
            // The human line goes to stderr in any case (cron mail, logs);
            // under --json, stdout carries the error object instead of the
            // command's (docs/json.md).
            eprintln!("crossing: {message}");
            if json {
                print_json_error(kind, &message);
            }
            std::process::exit(kind.code());
        }
    }
}

/// Whether the command that runs was given `--json`: every command's flag
/// has the id "json", at whichever subcommand level it sits.
fn json_given(matches: &ArgMatches) -> bool {
    let mut level = Some(matches);
    while let Some(m) = level {
        if let Ok(Some(true)) = m.try_get_one::<bool>("json") {
            return true;
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    false
}

/// A command line clap refused (exit 2). Help and version go out as clap
/// prints them; a refusal with `--json` among the arguments (before a `--`)
/// becomes the error object too, since clap cannot say which command's flag
/// it would have been.
fn usage_error(e: clap::Error) -> ! {
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if !e.use_stderr() || !json {
        e.exit();
    }
    let _ = e.print();
    let rendered = e.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    print_json_error(ExitKind::Usage, message);
    std::process::exit(ExitKind::Usage.code());
}

/// Runs one command; `Ok` carries the exit code (0, or 3 for a partial backup).
fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Pseudonym(cmd) => commands::pseudonym::run(ctx, cmd)?,
        Command::Init(args) => commands::profile::init(ctx, args)?,
        Command::Profile(cmd) => commands::profile::run(ctx, cmd)?,
        Command::Backup(args) => return commands::backup::run(ctx, args, exit_kind_of),
        Command::Restore(args) => commands::restore::run(ctx, args)?,
        Command::Snapshots(args) => commands::snapshots::run(ctx, args)?,
        Command::Check(args) => return commands::check::run(ctx, args),
        Command::Repair(args) => return commands::repair::run(ctx, args),
        Command::Prune(args) => commands::prune::run(ctx, args)?,
        Command::Forget(args) => commands::forget::run(ctx, args)?,
        Command::Ls(args) => commands::ls::run(ctx, args)?,
        Command::Diff(args) => commands::diff::run(ctx, args)?,
        Command::Stats(args) => commands::stats::run(ctx, args)?,
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
