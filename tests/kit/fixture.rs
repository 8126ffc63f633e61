//! The set-up nearly every test starts from: a scratch directory with a
//! crossing home holding a pseudonym, a data directory, a store, and
//! (mostly) a profile "default" tying them together.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossing::repo::format::{self, Entry, Kind, Snapshot};
use serde_json::Value;
use tempfile::TempDir;

use super::run::{self, init_args, restore_args, run_as, Out};
use super::tree::{chown_tree, is_object_name, make_writable, write_corpus};

/// An entry of a hand-made manifest, without content.
pub fn forged_entry(path: &[u8], kind: Kind, mode: u32, target: &[u8]) -> Entry {
    Entry {
        path: path.to_vec(),
        kind,
        mode,
        mtime_ns: 0,
        size: 0,
        target: target.to_vec(),
        chunks: vec![],
        link: vec![],
    }
}

/// BIP-39 test phrases (valid, well known).
pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
pub const ZOO: &str = "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong";
pub const LEGAL: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// Creates a pseudonym in `home` (as `user`, if given): from `phrase`, or a
/// new one. Its phrase is written to `phrase_file`; returns the pseudonym's
/// JSON object (id, locator, …).
fn pseudonym(
    home: &Path,
    user: Option<(u32, u32)>,
    phrase: Option<&str>,
    phrase_file: &Path,
) -> Value {
    match phrase {
        None => {
            let v = run_as(Some(home), user, ["pseudonym", "new", "--json"])
                .expect(0, "pseudonym new")
                .json();
            let phrase = v["phrase"].as_str().expect("phrase in JSON");
            assert_eq!(phrase.split(' ').count(), 12, "a 12-word phrase");
            fs::write(phrase_file, format!("{phrase}\n")).unwrap();
            v
        }
        Some(phrase) => {
            fs::write(phrase_file, format!("{phrase}\n")).unwrap();
            let args: [&OsStr; 5] = [
                "pseudonym".as_ref(),
                "import".as_ref(),
                "--json".as_ref(),
                "--phrase-file".as_ref(),
                phrase_file.as_os_str(),
            ];
            run_as(Some(home), user, args)
                .expect(0, "pseudonym import")
                .json()
        }
    }
}

/// Creates a new pseudonym in `home` and writes its phrase to `phrase_file`.
/// Returns the `pseudonym` JSON object (id, locator, …).
pub fn new_pseudonym(home: &Path, phrase_file: &Path) -> Value {
    pseudonym(home, None, None, phrase_file)
}

/// The pseudonym ID of a phrase, computed by crossing in a scratch home.
pub fn id_of(phrase: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let v = pseudonym(
        &tmp.path().join("home"),
        None,
        Some(phrase),
        &tmp.path().join("phrase"),
    );
    v["id"].as_str().unwrap().to_string()
}

/// A scratch directory: `root()` holds `home` (with a pseudonym), `data`, the
/// `file://` store's folder `store`, and whatever the test adds; the phrase
/// file lies beside it, so that `root()` holds only what crossing is given
/// (the wipe tests list it).
pub struct Fixture {
    pub tmp: TempDir,
    pub home: PathBuf,
    pub data: PathBuf,
    pub store: PathBuf,
    pub phrase_file: PathBuf,
    pub locator: String,
    /// Run every command as this (uid, gid) (and keep the tree owned by it).
    pub user: Option<(u32, u32)>,
}

impl Fixture {
    /// A new pseudonym, an empty data directory, and a profile "default"
    /// backing it up to the `file://` store.
    pub fn new() -> Fixture {
        Fixture::with_user(None)
    }

    /// As [`Fixture::new`], but every `crossing` run happens as `user`.
    pub fn with_user(user: Option<(u32, u32)>) -> Fixture {
        let fx = Fixture::build(user, None, |data| fs::create_dir(data).unwrap());
        fx.init();
        fx
    }

    /// A device to protect: the pseudonym of [`ABANDON`], [`write_corpus`]
    /// in the data directory, and a profile "default" for them.
    pub fn with_corpus() -> Fixture {
        let fx = Fixture::build(None, Some(ABANDON), write_corpus);
        fx.init();
        fx
    }

    /// A new pseudonym and a data directory `fill` writes, but no profile
    /// (the test makes its own, for a cloud store say).
    pub fn unconfigured(fill: impl FnOnce(&Path)) -> Fixture {
        Fixture::build(None, None, fill)
    }

    fn build(user: Option<(u32, u32)>, phrase: Option<&str>, fill: impl FnOnce(&Path)) -> Fixture {
        let tmp = tempfile::Builder::new()
            .prefix("crossing-it-")
            .tempdir()
            .unwrap();
        let root = tmp.path().join("sandbox");
        fs::create_dir(&root).unwrap();
        let mut fx = Fixture {
            home: root.join("home"),
            data: root.join("data"),
            store: root.join("store"),
            phrase_file: tmp.path().join("phrase.txt"),
            locator: String::new(),
            tmp,
            user,
        };
        fill(&fx.data);
        fx.give_away();
        let v = pseudonym(&fx.home, fx.user, phrase, &fx.phrase_file);
        fx.locator = v["locator"].as_str().expect("locator").to_string();
        fx
    }

    /// `init`: the profile "default" for `data` and the `file://` store.
    fn init(&self) {
        self.crossing(init_args(&self.data, &self.store_url(), &[]))
            .expect(0, "init");
    }

    /// Where the test may put what it needs beside home, data and store.
    pub fn root(&self) -> &Path {
        self.home.parent().unwrap()
    }

    pub fn store_url(&self) -> String {
        format!("file://{}", self.store.display())
    }

    /// `<store>/<locator>`: the repository's folder.
    pub fn repo_dir(&self) -> PathBuf {
        self.store.join(&self.locator)
    }

    /// The pseudonym's backup recipient, as `pseudonym show` gives it.
    pub fn recipient(&self) -> age::x25519::Recipient {
        let out = self
            .crossing(["pseudonym", "show", "default", "--json"])
            .expect(0, "pseudonym show");
        out.json()["backup_recipient"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Seals `payload` to the recipient and stores it in the repository's
    /// folder `dir` (`snapshots`, `index`) under its name, as anyone holding
    /// the device and the store credentials can. Returns the name.
    pub fn plant(&self, dir: &str, payload: &[u8]) -> String {
        let sealed = crossing::repo::seal::seal(payload, &self.recipient()).unwrap();
        let name = crossing::repo::object_name(&sealed);
        let folder = self.repo_dir().join(dir);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(&name), sealed).unwrap();
        name
    }

    /// Seals a hand-made manifest listing `entries` (dated 2096, so it is
    /// `latest`) for the profile's repository, as anyone with the device's
    /// public keys (or a seized device) can, and stores it. Returns its name.
    pub fn forge_snapshot(&self, entries: Vec<Entry>) -> String {
        let manifest = Snapshot {
            version: format::VERSION,
            time: 4_000_000_000,
            nanos: 0,
            tags: vec![],
            expires_at: None,
            files: entries.iter().filter(|e| e.kind == Kind::File).count() as u64,
            bytes: 0,
            entries,
        };
        self.plant("snapshots", &format::encode_compressed(&manifest).unwrap())
    }

    /// The identity that opens this repository (derived from the phrase).
    pub fn identity(&self) -> age::x25519::Identity {
        let phrase = fs::read_to_string(&self.phrase_file).unwrap();
        crossing::keys::Phrase::parse(phrase.trim())
            .unwrap()
            .derive()
            .backup_identity()
    }

    /// Gives the whole scratch tree to `user` (if any), so files the test
    /// just created are that user's.
    pub fn give_away(&self) {
        if let Some((uid, gid)) = self.user {
            chown_tree(self.tmp.path(), uid, gid);
        }
    }

    /// `crossing --home <home>`, through assert_cmd.
    pub fn cmd(&self) -> assert_cmd::Command {
        self.give_away();
        run::asserted(run::command(Some(&self.home), self.user))
    }

    /// `crossing --home <home> args…`, run to completion.
    pub fn crossing<I, S>(&self, args: I) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.give_away();
        run_as(Some(&self.home), self.user, args)
    }

    /// `crossing backup --json [extra…]`: the exit code and the summary.
    pub fn backup(&self, extra: &[&str]) -> (Out, Value) {
        let mut args = vec!["backup", "--json"];
        args.extend_from_slice(extra);
        let out = self.crossing(&args);
        let json = if out.stdout.trim().is_empty() {
            Value::Null
        } else {
            out.json()
        };
        (out, json)
    }

    /// A successful backup's summary.
    #[track_caller]
    pub fn backup_ok(&self) -> Value {
        let (out, json) = self.backup(&[]);
        out.expect(0, "backup");
        json
    }

    /// `crossing check --read-data` with the phrase, which must pass.
    #[track_caller]
    pub fn check_read_data(&self) {
        let args: [&OsStr; 4] = [
            "check".as_ref(),
            "--read-data".as_ref(),
            "--phrase-file".as_ref(),
            self.phrase_file.as_os_str(),
        ];
        self.crossing(args).expect(0, "check --read-data");
    }

    /// `crossing restore` from a home that does not exist (no state at all).
    pub fn restore_fresh(&self, target: &Path, extra: &[&str]) -> Out {
        let fresh = self.root().join(format!(
            "fresh-home-{}",
            hex::encode(rand::random::<[u8; 4]>())
        ));
        let mut args = restore_args(&self.store_url(), target, &self.phrase_file);
        args.extend(extra.iter().map(Into::into));
        self.give_away();
        let out = run_as(Some(&fresh), self.user, args);
        assert!(
            !fresh.exists(),
            "restore without state created a home at {}",
            fresh.display()
        );
        out
    }

    /// Another device (a home `root()/name`) with this fixture's phrase and
    /// a profile "default" backing `data` up to the same store.
    pub fn other_device(&self, name: &str, data: &Path) -> PathBuf {
        let home = self.root().join(name);
        let args: [&OsStr; 4] = [
            "pseudonym".as_ref(),
            "import".as_ref(),
            "--phrase-file".as_ref(),
            self.phrase_file.as_os_str(),
        ];
        run::run(Some(&home), args).expect(0, "pseudonym import on the other device");
        run::run(Some(&home), init_args(data, &self.store_url(), &[]))
            .expect(0, "init on the other device");
        home
    }

    /// `wipe --yes --json` where something cannot be destroyed (exit 3): the
    /// run's output, and the paths its report names as not destroyed.
    pub fn wipe_leaving_some(&self) -> (std::process::Output, Vec<String>) {
        let out = self
            .cmd()
            .args(["wipe", "--yes", "--json"])
            .assert()
            .code(3)
            .get_output()
            .clone();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let failed = report["report"]["failed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        (out, failed)
    }

    /// Every stored pack object (complete ones, not a writer's staging files).
    pub fn packs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let data = self.repo_dir().join("data");
        let Ok(dirs) = fs::read_dir(&data) else {
            return out;
        };
        for d in dirs {
            let d = d.unwrap().path();
            for f in fs::read_dir(&d).into_iter().flatten() {
                let f = f.unwrap().path();
                if is_object_name(f.file_name().unwrap()) {
                    out.push(f);
                }
            }
        }
        out.sort();
        out
    }

    /// Names of the stored snapshot objects.
    pub fn snapshot_objects(&self) -> Vec<String> {
        let mut out: Vec<String> = fs::read_dir(self.repo_dir().join("snapshots"))
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| is_object_name(OsStr::new(n)))
            .collect();
        out.sort();
        out
    }

    /// Waits (bounded) until `root()` holds only `home` (if it exists) and
    /// `store`, and the home no record of pending destruction: the detached
    /// destruction has finished.
    pub fn wait_for_detached_destruction(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left: Vec<String> = fs::read_dir(self.root())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "home" && n != "store")
                .chain(
                    self.home
                        .join("pending")
                        .exists()
                        .then(|| "home/pending".to_string()),
                )
                .collect();
            if left.is_empty() {
                return;
            }
            assert!(Instant::now() < deadline, "still not destroyed: {left:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Read-only directories would keep TempDir from removing the tree.
        make_writable(self.tmp.path());
    }
}
