//! docs/format.md's test vectors against crossing: tests/vectors/seal.json,
//! pack.json, index.json, snapshot.json and the store tree
//! tests/vectors/repo-v1/, all made by an independent Python implementation
//! (tests/vectors/generate_format.py). crossing must open and decode every
//! sealed object to the plaintext and structures written down there, reject
//! every `fail_*` case for the stated reason, re-encode each structure to the
//! same CBOR bytes and framing, and `crossing restore` the tree to the files
//! the manifest describes.

mod kit;

use kit::fields::{entry_of, hex_of, int, key32, uint};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use age::secrecy::ExposeSecret;
use crossing::keys::Phrase;
use crossing::repo::format::{
    chunk_id, decode_compressed, from_cbor, open_blob, split_pack, to_cbor, Config, Entry, Index,
    IndexEntry, IndexPack, Kind, PackHeader, Snapshot, VERSION,
};
use crossing::repo::object_name;
use crossing::repo::seal::{frame, open, padded_len, unframe, OpenError};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

fn vectors(name: &str) -> Value {
    let text = fs::read_to_string(format!("{VECTORS}/{name}")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The keys a vector file names, derived by crossing from its phrase.
struct Keys {
    phrase: String,
    identity: age::x25519::Identity,
    dedup_key: [u8; 32],
    locator: String,
}

fn keys(file: &Value) -> Keys {
    let k = &file["key"];
    let phrase = k["phrase"].as_str().unwrap();
    let secret = Phrase::parse(phrase).unwrap().derive();
    let public = secret.public();
    let identity = secret.backup_identity();
    assert_eq!(
        identity.to_string().expose_secret(),
        k["identity"].as_str().unwrap()
    );
    assert_eq!(public.backup_recipient, k["recipient"].as_str().unwrap());
    assert_eq!(
        public.recipient().unwrap().to_string(),
        public.backup_recipient
    );
    assert_eq!(public.locator, k["locator"].as_str().unwrap());
    assert_eq!(hex::encode(public.dedup_key.0), k["dedup_key"]);
    // The same keys as keys.json's (generate_keys.py's) vector.
    let key_vectors = vectors("keys.json");
    let kv = &key_vectors["vectors"][uint(k, "keys_json_vector") as usize];
    assert_eq!(kv["phrase"], k["phrase"]);
    assert_eq!(kv["backup_recipient"], k["recipient"]);
    assert_eq!(kv["locator"], k["locator"]);
    assert_eq!(kv["dedup_key"], k["dedup_key"]);
    Keys {
        phrase: phrase.to_string(),
        identity,
        dedup_key: public.dedup_key.0,
        locator: public.locator.clone(),
    }
}

/// age decryption alone, without unframing: the framed plaintext.
fn age_decrypt(sealed: &[u8], identity: &age::x25519::Identity) -> Vec<u8> {
    let decryptor = age::Decryptor::new_buffered(sealed).unwrap();
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .unwrap();
    let mut framed = Vec::new();
    reader.read_to_end(&mut framed).unwrap();
    framed
}

/// Checks one sealed object of a vector (`object` in pack/index/snapshot,
/// the config case in seal.json) and returns its payload: the framing,
/// the name, the store key, and the copy in tests/vectors/repo-v1.
#[track_caller]
fn check_object(obj: &Value, keys: &Keys, kind: &str) -> Vec<u8> {
    let sealed = hex_of(obj, "sealed_hex");
    let framed = hex_of(obj, "framed_hex");
    let payload = hex_of(obj, "payload_hex");
    assert_eq!(sealed.len() as u64, uint(obj, "sealed_size"));
    let store_key = obj["store_key"].as_str().unwrap();
    if kind == "config" {
        assert_eq!(store_key, format!("{}/config", keys.locator));
    } else {
        let name = obj["name"].as_str().unwrap();
        assert_eq!(object_name(&sealed), name, "name = BLAKE3(stored bytes)");
        let expected = match kind {
            "data" => format!("{}/data/{}/{name}", keys.locator, &name[..2]),
            _ => format!("{}/{kind}/{name}", keys.locator),
        };
        assert_eq!(store_key, expected);
    }
    assert_eq!(
        fs::read(format!("{VECTORS}/repo-v1/{store_key}")).unwrap(),
        sealed,
        "repo-v1/{store_key} holds the vector's sealed bytes"
    );
    assert_eq!(age_decrypt(&sealed, &keys.identity), framed);
    assert_eq!(framed.len() as u64, padded_len(payload.len() as u64 + 8));
    assert_eq!(
        frame(payload.clone()),
        framed,
        "crossing frames it the same"
    );
    assert_eq!(unframe(framed).unwrap(), payload);
    assert_eq!(open(&sealed, &keys.identity).unwrap(), payload);
    payload
}

fn index_entry(v: &Value) -> IndexEntry {
    IndexEntry {
        id: key32(v, "id"),
        offset: uint(v, "offset"),
        length: uint(v, "length") as u32,
        raw_length: uint(v, "raw_length") as u32,
    }
}

fn index_entries(v: &Value) -> Vec<IndexEntry> {
    v.as_array().unwrap().iter().map(index_entry).collect()
}

#[test]
fn sealed_objects_open_and_the_fail_cases_fail() {
    let v = vectors("seal.json");
    let keys = keys(&v);
    let mut seen = BTreeMap::new();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let sealed = hex_of(case, "sealed_hex");
        let opened = open(&sealed, &keys.identity);
        match expect {
            "ok" => {
                let payload = if name == "config" {
                    check_object(case, &keys, "config")
                } else {
                    let framed = hex_of(case, "framed_hex");
                    let payload = hex_of(case, "payload_hex");
                    assert_eq!(age_decrypt(&sealed, &keys.identity), framed, "{name}");
                    assert_eq!(frame(payload.clone()), framed, "{name}");
                    assert_eq!(unframe(framed).unwrap(), payload, "{name}");
                    payload
                };
                assert_eq!(opened.unwrap(), payload, "{name}");
            }
            "no_matching_identity" => {
                assert!(
                    matches!(opened, Err(OpenError::NotForThisKey)),
                    "{name}: {opened:?}"
                );
                // It is a valid object, for the recipient it names.
                let to = case["sealed_to"].as_str().unwrap();
                let other = vectors("keys.json")["vectors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|k| k["backup_recipient"] == to)
                    .map(|k| k["phrase"].as_str().unwrap().to_string())
                    .expect("sealed_to is a keys.json recipient");
                let other = Phrase::parse(&other).unwrap().derive().backup_identity();
                assert_eq!(
                    open(&sealed, &other).unwrap(),
                    unframe(hex_of(case, "framed_hex")).unwrap()
                );
            }
            "decrypt" => {
                assert!(
                    matches!(opened, Err(OpenError::Decrypt(_))),
                    "{name}: {opened:?}"
                )
            }
            "framing" => {
                assert!(
                    matches!(opened, Err(OpenError::Framing)),
                    "{name}: {opened:?}"
                );
                let framed = hex_of(case, "framed_hex");
                assert_eq!(age_decrypt(&sealed, &keys.identity), framed, "{name}");
                assert!(matches!(unframe(framed), Err(OpenError::Framing)), "{name}");
            }
            other => panic!("{name}: unknown expectation {other}"),
        }
        assert!(
            seen.insert(name.to_string(), expect).is_none(),
            "{name} twice"
        );
    }
    for (name, expect) in [
        ("config", "ok"),
        ("empty", "ok"),
        ("text_92", "ok"),
        ("fail_wrong_key", "no_matching_identity"),
        ("fail_flipped_ciphertext_byte", "decrypt"),
        ("fail_header_mac", "decrypt"),
        ("fail_truncated", "decrypt"),
        ("fail_nonzero_padding", "framing"),
        ("fail_length_beyond_frame", "framing"),
        ("fail_length_overflow", "framing"),
        ("fail_padding_too_short", "framing"),
        ("fail_padding_too_long", "framing"),
        ("fail_frame_shorter_than_8", "framing"),
    ] {
        assert_eq!(seen.get(name), Some(&expect), "case {name}");
    }
}

#[test]
fn the_config_decodes_and_encodes_the_same() {
    let v = vectors("seal.json");
    let keys = keys(&v);
    let case = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "config")
        .unwrap();
    let payload = check_object(case, &keys, "config");
    let config: Config = from_cbor(&payload).unwrap();
    let c = &case["config"];
    let expected = Config {
        version: uint(c, "version") as u32,
        chunk_min: uint(c, "chunk_min") as u32,
        chunk_avg: uint(c, "chunk_avg") as u32,
        chunk_max: uint(c, "chunk_max") as u32,
    };
    assert_eq!(config, expected);
    // A version-1 repository's config: the chunking crossing still uses.
    let v1 = Config {
        version: 1,
        ..Config::current()
    };
    assert_eq!(config, v1);
    assert_eq!(to_cbor(&v1).unwrap(), payload);
}

/// A pack of pack.json, checked.
struct VectorPack {
    name: String,
    size: u64,
    payload: Vec<u8>,
    chunks: Vec<IndexEntry>,
}

/// Each pack of pack.json: payload layout, header, blobs, chunks.
fn packs() -> (Keys, Vec<VectorPack>) {
    let v = vectors("pack.json");
    let keys = keys(&v);
    let mut out = Vec::new();
    let mut stored = BTreeSet::new();
    for p in v["packs"].as_array().unwrap() {
        let payload = check_object(&p["object"], &keys, "data");
        let header = split_pack(&payload).unwrap();
        let expected = PackHeader {
            version: uint(&p["header"], "version") as u32,
            chunks: index_entries(&p["header"]["chunks"]),
        };
        assert_eq!(header, expected);
        assert_eq!(header.version, VERSION);
        let header_cbor = hex_of(p, "header_cbor_hex");
        assert_eq!(to_cbor(&header).unwrap(), header_cbor, "same CBOR bytes");
        assert_eq!(from_cbor::<PackHeader>(&header_cbor).unwrap(), header);
        // blobs || cbor(PackHeader) || u32le(len)
        let layout = &p["layout"];
        let at = uint(layout, "header_offset") as usize;
        let len = uint(layout, "header_length") as usize;
        assert_eq!(uint(layout, "blobs_end") as usize, at);
        assert_eq!(len, header_cbor.len());
        assert_eq!(payload.len(), at + len + 4);
        assert_eq!(&payload[at..at + len], &header_cbor[..]);
        assert_eq!(payload[at + len..], (len as u32).to_le_bytes());
        assert_eq!(hex_of(layout, "trailer_hex"), (len as u32).to_le_bytes());
        let blobs = p["blobs"].as_array().unwrap();
        assert_eq!(blobs.len(), header.chunks.len());
        let mut next = 0u64;
        for (b, e) in blobs.iter().zip(&header.chunks) {
            assert_eq!(index_entry(b), *e);
            assert_eq!(e.offset, next, "blobs follow one another from offset 0");
            next += e.length as u64;
            let blob = &payload[e.offset as usize..(e.offset + e.length as u64) as usize];
            assert_eq!(blob, &hex_of(b, "blob_hex")[..]);
            let chunk = hex_of(b, "chunk_hex");
            assert_eq!(open_blob(&keys.dedup_key, e, blob).unwrap(), chunk);
            assert_eq!(chunk_id(&keys.dedup_key, &chunk), e.id);
            let kind = b["stored"].as_str().unwrap();
            assert_eq!(kind == "raw", e.length == e.raw_length, "{kind}");
            // The writer's rule for chunks up to 128 KiB: compressed (level 3)
            // only if strictly shorter. zstd's bytes may differ between
            // implementations, so only the decision is compared.
            let ours = zstd::bulk::compress(&chunk, 3).unwrap();
            assert_eq!(kind == "zstd", ours.len() < chunk.len(), "{kind}");
            if kind == "zstd" {
                assert_eq!(zstd::stream::decode_all(blob).unwrap(), chunk);
            }
            stored.insert(kind.to_string());
        }
        assert_eq!(next as usize, at, "the header follows the last blob");
        let name = p["object"]["name"].as_str().unwrap().to_string();
        let size = uint(&p["object"], "sealed_size");
        out.push(VectorPack {
            name,
            size,
            payload,
            chunks: header.chunks,
        });
    }
    assert_eq!(
        stored,
        BTreeSet::from(["raw".to_string(), "zstd".to_string()])
    );
    (keys, out)
}

#[test]
fn packs_open_split_and_their_blobs_match_their_ids() {
    let (_, packs) = packs();
    assert_eq!(packs.len(), 2);
}

fn expected_index(v: &Value) -> Index {
    Index {
        version: uint(v, "version") as u32,
        packs: v["packs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| IndexPack {
                id: p["id"].as_str().unwrap().to_string(),
                size: uint(p, "size"),
                chunks: index_entries(&p["chunks"]),
                expires_at: p.get("expires_at").map(|_| int(p, "expires_at")),
            })
            .collect(),
    }
}

fn load_indexes() -> (Keys, Vec<Index>) {
    let v = vectors("index.json");
    let keys = keys(&v);
    let mut out = Vec::new();
    for i in v["indexes"].as_array().unwrap() {
        let payload = check_object(&i["object"], &keys, "index");
        let cbor = hex_of(i, "cbor_hex");
        assert_eq!(zstd::stream::decode_all(&payload[..]).unwrap(), cbor);
        let index: Index = decode_compressed(&payload).unwrap();
        assert_eq!(index, expected_index(&i["index"]));
        assert_eq!(from_cbor::<Index>(&cbor).unwrap(), index);
        assert_eq!(to_cbor(&index).unwrap(), cbor, "same CBOR bytes");
        assert_eq!(index.version, VERSION);
        out.push(index);
    }
    (keys, out)
}

#[test]
fn the_indexes_decode_and_list_the_packs() {
    let (_, indexes) = load_indexes();
    let (_, packs) = packs();
    let listed: Vec<&IndexPack> = indexes.iter().flat_map(|i| &i.packs).collect();
    assert_eq!(listed.len(), packs.len());
    for (listed, pack) in listed.iter().zip(&packs) {
        assert_eq!(listed.id, pack.name);
        assert_eq!(listed.size, pack.size);
        assert_eq!(listed.chunks, pack.chunks);
    }
    // A lasting pack (no `expires_at` key) and a disappearing one.
    assert_eq!(listed[0].expires_at, None);
    assert!(listed[1].expires_at.is_some());
}

fn expected_snapshot(v: &Value) -> Snapshot {
    let entries = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(entry_of)
        .collect();
    Snapshot {
        version: uint(v, "version") as u32,
        time: int(v, "time"),
        nanos: uint(v, "nanos") as u32,
        tags: v["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect(),
        expires_at: v["expires_at"].as_i64(),
        files: uint(v, "files"),
        bytes: uint(v, "bytes"),
        entries,
    }
}

/// A snapshot of snapshot.json, checked: its name, the manifest, the vector.
struct VectorSnapshot {
    name: String,
    snapshot: Snapshot,
    vector: Value,
}

fn load_snapshots() -> (Keys, Vec<VectorSnapshot>, String) {
    let v = vectors("snapshot.json");
    let keys = keys(&v);
    let mut out = Vec::new();
    for s in v["snapshots"].as_array().unwrap() {
        let payload = check_object(&s["object"], &keys, "snapshots");
        let cbor = hex_of(s, "cbor_hex");
        assert_eq!(zstd::stream::decode_all(&payload[..]).unwrap(), cbor);
        let snapshot: Snapshot = decode_compressed(&payload).unwrap();
        assert_eq!(snapshot, expected_snapshot(&s["snapshot"]));
        assert_eq!(from_cbor::<Snapshot>(&cbor).unwrap(), snapshot);
        assert_eq!(to_cbor(&snapshot).unwrap(), cbor, "same CBOR bytes");
        out.push(VectorSnapshot {
            name: s["object"]["name"].as_str().unwrap().to_string(),
            snapshot,
            vector: s.clone(),
        });
    }
    let latest = v["latest"].as_str().unwrap().to_string();
    (keys, out, latest)
}

/// The expected content of each file entry, by path.
fn expected_files(v: &Value) -> HashMap<Vec<u8>, Vec<u8>> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let content = hex_of(f, "content_hex");
            assert_eq!(content.len() as u64, uint(f, "size"));
            (hex_of(f, "path_hex"), content)
        })
        .collect()
}

#[test]
fn the_manifests_decode_in_walk_order_with_every_kind_of_entry() {
    let (_, snapshots, latest) = load_snapshots();
    assert_eq!(snapshots.len(), 2);
    for VectorSnapshot {
        snapshot: s,
        vector,
        ..
    } in &snapshots
    {
        assert_eq!(s.version, VERSION);
        let files: Vec<&Entry> = s.entries.iter().filter(|e| e.kind == Kind::File).collect();
        assert_eq!(s.files, files.len() as u64);
        assert_eq!(s.bytes, files.iter().map(|e| e.size).sum::<u64>());
        assert_eq!(expected_files(vector).len(), files.len());
        assert!(s.entries[0].path.is_empty() && s.entries[0].kind == Kind::Dir);
        // Walk order: depth-first, children by the bytes of their names.
        let split =
            |p: &[u8]| -> Vec<Vec<u8>> { p.split(|&b| b == b'/').map(<[u8]>::to_vec).collect() };
        let paths: Vec<Vec<Vec<u8>>> = s.entries[1..].iter().map(|e| split(&e.path)).collect();
        assert!(paths.windows(2).all(|w| w[0] < w[1]), "walk order");
    }
    // `latest`: the greatest (time, nanos).
    let newest = snapshots
        .iter()
        .max_by_key(|s| (s.snapshot.time, s.snapshot.nanos))
        .unwrap();
    assert_eq!(newest.name, latest);
    // What the vectors cover.
    let all = || snapshots.iter().map(|s| &s.snapshot);
    assert!(all().any(|s| s.expires_at.is_none() && s.nanos == 0 && s.tags.is_empty()));
    assert!(all().any(|s| s.expires_at.is_some() && s.nanos > 0 && !s.tags.is_empty()));
    let entries = || all().flat_map(|s| &s.entries);
    for kind in [Kind::File, Kind::Dir, Kind::Symlink] {
        assert!(entries().any(|e| e.kind == kind), "{kind:?}");
    }
    assert!(entries().any(|e| std::str::from_utf8(&e.path).is_err()));
    assert!(entries().any(|e| e.kind == Kind::File && e.size == 0 && e.chunks.is_empty()));
    assert!(entries().any(|e| e.chunk_ids().count() > 1));
    assert!(entries().any(|e| e.mtime_ns < 0));
}

#[test]
fn the_manifest_files_are_rebuilt_from_the_indexes_and_packs() {
    let (keys, snapshots, _) = load_snapshots();
    let (_, indexes) = load_indexes();
    let (_, packs) = packs();
    let payloads: HashMap<&str, &[u8]> = packs
        .iter()
        .map(|p| (p.name.as_str(), &p.payload[..]))
        .collect();
    let mut located = HashMap::new();
    for p in indexes.iter().flat_map(|i| &i.packs) {
        for e in &p.chunks {
            located.entry(e.id).or_insert((p.id.as_str(), *e));
        }
    }
    for s in &snapshots {
        let expected = expected_files(&s.vector);
        for entry in s.snapshot.entries.iter().filter(|e| e.kind == Kind::File) {
            let mut content = Vec::new();
            for id in entry.chunk_ids() {
                let (pack, e) = located[&id];
                let payload = payloads[pack];
                let blob = &payload[e.offset as usize..(e.offset + e.length as u64) as usize];
                content.extend(open_blob(&keys.dedup_key, &e, blob).unwrap());
            }
            assert_eq!(content.len() as u64, entry.size);
            assert_eq!(content, expected[&entry.path]);
        }
    }
}

/// Every file under `dir`, as `/`-separated paths relative to it.
fn tree_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = format!("{prefix}{}", e.file_name().to_str().unwrap());
        if e.file_type().unwrap().is_dir() {
            tree_files(&e.path(), &format!("{name}/"), out);
        } else {
            out.insert(name);
        }
    }
}

#[test]
fn the_repository_tree_holds_exactly_the_vector_objects() {
    let mut expected = BTreeSet::new();
    let seal = vectors("seal.json");
    let config = seal["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "config")
        .unwrap();
    expected.insert(config["store_key"].as_str().unwrap().to_string());
    for p in vectors("pack.json")["packs"].as_array().unwrap() {
        expected.insert(p["object"]["store_key"].as_str().unwrap().to_string());
    }
    for (file, list) in [("index.json", "indexes"), ("snapshot.json", "snapshots")] {
        for o in vectors(file)[list].as_array().unwrap() {
            expected.insert(o["object"]["store_key"].as_str().unwrap().to_string());
        }
    }
    let mut found = BTreeSet::new();
    tree_files(Path::new(&format!("{VECTORS}/repo-v1")), "", &mut found);
    assert_eq!(found, expected);
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn crossing(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossing"));
    for (var, _) in std::env::vars_os() {
        if var.as_bytes().starts_with(b"CROSSING_") {
            cmd.env_remove(var);
        }
    }
    cmd.stdin(Stdio::null()).arg("--home").arg(home);
    cmd
}

/// Restores `which` (a snapshot ID or "latest") from a copy of
/// tests/vectors/repo-v1 with the real binary, and compares the result with
/// `expected`'s entries and files.
fn restore_and_compare(which: &str, expected: &VectorSnapshot, keys: &Keys) {
    let snapshot = &expected.snapshot;
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    copy_tree(Path::new(&format!("{VECTORS}/repo-v1")), &store);
    let phrase_file = tmp.path().join("phrase");
    fs::write(&phrase_file, format!("{}\n", keys.phrase)).unwrap();
    let home = tmp.path().join("home");
    let target = tmp.path().join("restored");
    let out = crossing(&home)
        .args(["restore", "--json", "--snapshot", which, "--store"])
        .arg(format!("file://{}", store.display()))
        .arg("--data-dir")
        .arg(&target)
        .arg("--phrase-file")
        .arg(&phrase_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "restore {which} failed: {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["snapshot"], expected.name.as_str());
    assert_eq!(summary["time"], snapshot.time);
    assert_eq!(summary["files"], snapshot.files);
    assert_eq!(summary["bytes"], snapshot.bytes);

    let files = expected_files(&expected.vector);
    let mut listed = BTreeSet::new();
    for e in &snapshot.entries {
        let path: PathBuf = if e.path.is_empty() {
            target.clone()
        } else {
            target.join(OsStr::from_bytes(&e.path))
        };
        listed.insert(path.clone());
        let meta = fs::symlink_metadata(&path).unwrap();
        let shown = String::from_utf8_lossy(&e.path);
        assert_eq!(
            meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
            e.mtime_ns as i128,
            "mtime of {shown:?}"
        );
        match e.kind {
            Kind::Fifo => panic!("the vectors hold no FIFO"),
            Kind::Dir => assert!(meta.is_dir(), "{shown:?}"),
            Kind::Symlink => {
                assert!(meta.file_type().is_symlink(), "{shown:?}");
                assert_eq!(
                    fs::read_link(&path).unwrap().as_os_str().as_bytes(),
                    e.target
                );
            }
            Kind::File => {
                assert!(meta.is_file(), "{shown:?}");
                assert_eq!(fs::read(&path).unwrap(), files[&e.path], "{shown:?}");
            }
        }
        if e.kind != Kind::Symlink {
            assert_eq!(meta.permissions().mode() & 0o7777, e.mode, "{shown:?}");
        }
    }
    // Nothing else was restored.
    fn walk(dir: &Path, out: &mut BTreeSet<PathBuf>) {
        out.insert(dir.to_path_buf());
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.insert(e.path());
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&target, &mut found);
    assert_eq!(found, listed);
}

#[test]
fn crossing_restores_the_latest_vector_snapshot() {
    let (keys, snapshots, latest) = load_snapshots();
    let expected = snapshots.iter().find(|s| s.name == latest).unwrap();
    restore_and_compare("latest", expected, &keys);
}

#[test]
fn crossing_restores_each_vector_snapshot_by_id() {
    let (keys, snapshots, _) = load_snapshots();
    for s in &snapshots {
        restore_and_compare(&s.name, s, &keys);
    }
}
