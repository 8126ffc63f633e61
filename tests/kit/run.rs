//! The binary under test: where it is, the one environment it runs in (none
//! of the variables that would change what it does), and the ways a test
//! runs it: to an [`Out`], through assert_cmd, or on a pseudo-terminal.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// Prefixes of the variables removed from every run: crossing's own
/// (CROSSING_HOME, CROSSING_PROFILE, CROSSING_STORE, CROSSING_PHRASE_FILE,
/// CROSSING_TEST_* …) and those its cloud clients read. A test sets again
/// the ones it means.
const SCRUBBED: [&str; 5] = ["CROSSING_", "AWS_", "AZURE_", "AZURITE_", "GOOGLE_"];

/// How long an assert_cmd run may take before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(120);

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_crossing"))
}

/// The binary where another user can run it: the build's own path may be
/// closed to them (a clone in a 0700 temporary directory), so a copy in a
/// directory of the system's temporary one, named after the build, made
/// once (through a temporary name and a rename: test binaries run in turn,
/// their tests in threads).
pub fn bin_for_others() -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    static COPY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    COPY.get_or_init(|| {
        let built = bin();
        let meta = std::fs::metadata(&built).expect("the crossing binary");
        let stamp = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("crossing-test-bin-{}-{stamp}", meta.len()));
        let copy = dir.join("crossing");
        if std::fs::metadata(&copy).is_ok_and(|m| m.len() == meta.len()) {
            return copy;
        }
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let part = dir.join(format!("crossing.{}", std::process::id()));
        std::fs::copy(&built, &part).unwrap();
        std::fs::set_permissions(&part, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::rename(&part, &copy).unwrap();
        copy
    })
    .clone()
}

/// Removes every [`SCRUBBED`] variable of the tests' environment from `cmd`.
pub fn scrub(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let name = key.as_bytes();
        if SCRUBBED.iter().any(|p| name.starts_with(p.as_bytes())) {
            cmd.env_remove(&key);
        }
    }
}

/// `crossing [--home home]`, scrubbed, run as `user` (uid, gid) if given.
/// Standard input is left to the caller: a pseudo-terminal, assert_cmd's
/// pipe, or null for [`run`].
pub fn command(home: Option<&Path>, user: Option<(u32, u32)>) -> Command {
    let mut cmd = Command::new(match user {
        Some(_) => bin_for_others(),
        None => bin(),
    });
    scrub(&mut cmd);
    if let Some(home) = home {
        cmd.arg("--home").arg(home);
    }
    if let Some((uid, gid)) = user {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// `cmd` through assert_cmd, bounded by [`TIMEOUT`].
pub fn asserted(cmd: Command) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.timeout(TIMEOUT);
    cmd
}

/// `crossing --home home` through assert_cmd.
pub fn crossing(home: &Path) -> assert_cmd::Command {
    asserted(command(Some(home), None))
}

/// What a finished `crossing` run left behind.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    fn from(output: std::process::Output) -> Out {
        use std::os::unix::process::ExitStatusExt;
        Out {
            code: output
                .status
                .code()
                .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0)),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics (showing both streams) unless the exit code is `code`.
    #[track_caller]
    pub fn expect(self, code: i32, what: &str) -> Out {
        assert_eq!(
            self.code, code,
            "{what}: expected exit {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        parse_json(self.stdout.as_bytes(), self.stderr.as_bytes())
    }
}

#[track_caller]
fn parse_json(stdout: &[u8], stderr: &[u8]) -> Value {
    serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(stdout),
            String::from_utf8_lossy(stderr)
        )
    })
}

/// Runs `crossing [--home home] args…` to completion, with no stdin.
pub fn run<I, S>(home: Option<&Path>, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_as(home, None, args)
}

pub fn run_as<I, S>(home: Option<&Path>, user: Option<(u32, u32)>, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = command(home, user)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run crossing");
    Out::from(output)
}

/// [`run`], measuring the process's peak resident memory (`ru_maxrss` of
/// `wait4`, which reports on that one child): returns it in bytes.
pub fn run_measured<I, S>(home: Option<&Path>, args: I) -> (Out, u64)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    use std::io::Read;
    #[allow(clippy::zombie_processes)] // reaped by wait4 below, which measures it
    let mut child = command(home, None)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crossing");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        stdout.read_to_end(&mut b).map(|_| b)
    });
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let stdout = reader.join().unwrap().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain out-parameters; the child is reaped here, never by `child`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    let out = Out {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    (out, usage.ru_maxrss as u64 * 1024)
}

/// Runs `cmd`, which must succeed, and parses its stdout.
#[track_caller]
pub fn json(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.assert().success().get_output().clone();
    parse_json(&out.stdout, &out.stderr)
}

/// The one line crossing printed on stderr for a failure.
#[track_caller]
pub fn error_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.is_empty() && !l.starts_with("warning:") && !l.starts_with("Created profile")
        })
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {text}");
    assert!(lines[0].starts_with("crossing: "), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    lines[0].to_string()
}

/// Runs `crossing --home home args…` on a pseudo-terminal.
pub fn pty(home: &Path, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = command(Some(home), None);
    cmd.args(args);
    let mut s = expectrl::Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(60)));
    s
}

/// Waits for the process on the pseudo-terminal and returns its exit code.
pub fn pty_exit(s: &mut expectrl::session::OsSession) -> i32 {
    use expectrl::Expect;
    let _ = s.expect(expectrl::Eof);
    match s.get_process().wait().unwrap() {
        expectrl::process::unix::WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected status {other:?}"),
    }
}

/// Arguments of a restore from `store` into `target` with the phrase in
/// `phrase_file` (`-`: standard input).
pub fn restore_args(store: &str, target: &Path, phrase_file: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["restore", "--store", store, "--data-dir"]
        .map(OsString::from)
        .into();
    args.push(target.into());
    args.push("--phrase-file".into());
    args.push(phrase_file.into());
    args
}

/// Arguments of `init`: a profile (named by `extra`, or "default") backing up
/// `data` to `store`.
pub fn init_args(data: &Path, store: &str, extra: &[&str]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["init".into(), "--data-dir".into(), data.into()];
    args.push("--store".into());
    args.push(store.into());
    args.extend(extra.iter().map(OsString::from));
    args
}
