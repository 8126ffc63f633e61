//! docs/format.md's version-3 manifest test vectors, tests/vectors/tree.json
//! and tests/vectors/repo-v3, made by an independent Python implementation
//! (tests/vectors/generate_tree.py). crossing's decoders must read the blob
//! refs, list refs, bodies, envelopes and entry streams as the vectors decode
//! them and encode them back to the same bytes; crossing must read every
//! list of the store as the vectors say; and the binary must restore each
//! manifest from a copy of repo-v3 and refuse every `fail_*` manifest
//! (integrity, exit 6) while `latest` still restores.

mod kit;

use kit::fields::{hex_of, int, key32, text, uint};
use kit::{assert_same_tree, copy_tree, restore_args, run, scan, Meta, Node, Tree};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crossing::keys::{Phrase, SecretKeys};
use crossing::repo::format::{from_cbor, to_cbor, Kind};
use crossing::repo::history::{ReadKeys, Trust};
use crossing::repo::seal::open;
use crossing::repo::signed::{ManifestEnvelope, ManifestHeader, SignedObject};
use crossing::repo::tree::{
    decode_entries, refs, BlobRef, ListRef, StoredEntry, TreeBody, REF_LEN,
};
use crossing::repo::{object_name, Repo};
use crossing::store::{Store, StoreOptions};
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");

fn tree_json() -> Value {
    let text = fs::read_to_string(format!("{VECTORS}/tree.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn list<'a>(v: &'a Value, field: &str) -> &'a Vec<Value> {
    v[field]
        .as_array()
        .unwrap_or_else(|| panic!("no array {field}"))
}

/// The phrase's keys, derived by crossing, checked against the vectors' `key`.
fn secrets(v: &Value) -> SecretKeys {
    let k = &v["key"];
    let secrets = Phrase::parse(&text(k, "phrase")).unwrap().derive();
    assert_eq!(secrets.public().locator, text(k, "locator"));
    assert_eq!(secrets.public().backup_recipient, text(k, "recipient"));
    assert_eq!(
        hex::encode(secrets.public().dedup_key.0),
        text(k, "dedup_key")
    );
    assert_eq!(
        hex::encode(secrets.writer_authority().verifying_key().to_bytes()),
        text(k, "authority_public")
    );
    secrets
}

/// Checks a sealed `object` (name, store key) and opens it with crossing.
#[track_caller]
fn opened(obj: &Value, secrets: &SecretKeys, folder: &str) -> Vec<u8> {
    let sealed = hex_of(obj, "sealed_hex");
    let name = text(obj, "name");
    assert_eq!(object_name(&sealed), name, "name = BLAKE3(stored bytes)");
    let key = text(obj, "store_key");
    match folder {
        "data" => assert_eq!(
            key,
            format!("{}/data/{}/{name}", secrets.public().locator, &name[..2])
        ),
        _ => assert_eq!(key, format!("{}/{folder}/{name}", secrets.public().locator)),
    }
    let payload = open(&sealed, &secrets.backup_identity()).unwrap();
    assert_eq!(payload, hex_of(obj, "payload_hex"));
    payload
}

/// A ref as the vectors decode it, checked against crossing's BlobRef.
#[track_caller]
fn blob_ref(r: &Value) -> BlobRef {
    let bytes = hex_of(r, "ref_hex");
    assert_eq!(bytes.len(), REF_LEN);
    let got = BlobRef::read(bytes[..].try_into().unwrap());
    assert_eq!(got.id, key32(r, "id"));
    assert_eq!(got.pack, key32(r, "pack"));
    assert_eq!(got.pack_name(), text(r, "pack"));
    assert_eq!(got.pack_size as u64, uint(r, "pack_size"));
    assert_eq!(got.entry_offset as u64, uint(r, "offset"));
    assert_eq!(got.length as u64, uint(r, "length"));
    assert_eq!(got.raw_length as u64, uint(r, "raw_length"));
    let entry = got.entry();
    assert_eq!(entry.id, got.id);
    assert_eq!(entry.offset, uint(r, "offset"));
    let mut out = Vec::new();
    got.write(&mut out);
    assert_eq!(out, bytes, "BlobRef::write gives the vector's 80 bytes");
    got
}

fn list_ref(b: &Value) -> ListRef {
    let e = &b["entries"];
    ListRef {
        depth: uint(e, "depth") as u32,
        length: uint(e, "length"),
        parts: hex_of(e, "parts_hex"),
    }
}

fn kind_of(s: &str) -> Kind {
    match s {
        "file" => Kind::File,
        "dir" => Kind::Dir,
        "symlink" => Kind::Symlink,
        other => panic!("kind {other}"),
    }
}

fn stored_entry(e: &Value) -> StoredEntry {
    StoredEntry {
        path: hex_of(e, "path_hex"),
        kind: kind_of(e["kind"].as_str().unwrap()),
        mode: uint(e, "mode") as u32,
        mtime_ns: int(e, "mtime_ns"),
        size: uint(e, "size"),
        target: e
            .get("target_hex")
            .map(|_| hex_of(e, "target_hex"))
            .unwrap_or_default(),
        blobs: e
            .get("blobs")
            .map(|b| {
                b.as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|r| hex_of(r, "ref_hex"))
                    .collect()
            })
            .unwrap_or_default(),
        link: vec![],
        fifo: false,
    }
}

#[test]
fn blob_refs_and_list_refs_read_and_write_the_same() {
    let v = tree_json();
    assert_eq!(REF_LEN, 80);
    for m in list(&v, "manifests") {
        let body: TreeBody = from_cbor(&hex_of(m, "body_cbor_hex")).unwrap();
        assert_eq!(body.entries, list_ref(&m["body"]));
        assert_eq!(
            to_cbor(&body).unwrap(),
            hex_of(m, "body_cbor_hex"),
            "same TreeBody CBOR"
        );
        let levels = list(m, "levels");
        assert_eq!(levels.len() as u32, body.entries.depth + 1);
        assert_eq!(uint(&levels[0], "level") as u32, body.entries.depth);
        for level in levels {
            let mine: Vec<BlobRef> = list(level, "refs").iter().map(blob_ref).collect();
            assert!(mine.len() <= 256 || uint(level, "level") < body.entries.depth as u64);
            let bytes: Vec<u8> = list(level, "refs")
                .iter()
                .flat_map(|r| hex_of(r, "ref_hex"))
                .collect();
            let theirs: Vec<BlobRef> = refs(&bytes).expect("whole refs").collect();
            assert_eq!(theirs, mine);
            if uint(level, "level") as u32 == body.entries.depth {
                assert_eq!(bytes, body.entries.parts, "the top level is parts");
            }
        }
        assert!(
            refs(&body.entries.parts[1..]).is_none(),
            "79 bytes short of a ref"
        );
        for e in list(m, "entries") {
            if let Some(b) = e.get("blobs") {
                b.as_array().unwrap().iter().for_each(|r| {
                    blob_ref(r);
                });
            }
        }
    }
}

#[test]
fn entry_streams_decode_and_encode_the_same() {
    let v = tree_json();
    for m in list(&v, "manifests") {
        let stream = hex_of(m, "stream_hex");
        assert_eq!(stream.len() as u64, list_ref(&m["body"]).length);
        let decoded = decode_entries(&stream).unwrap();
        let entries = list(m, "entries");
        assert_eq!(decoded.len(), entries.len());
        let mut again = Vec::new();
        for (got, e) in decoded.iter().zip(entries) {
            assert_eq!(got, &stored_entry(e));
            let cbor = to_cbor(got).unwrap();
            assert_eq!(cbor, hex_of(e, "cbor_hex"), "same StoredEntry CBOR");
            assert_eq!(from_cbor::<StoredEntry>(&cbor).unwrap(), *got);
            again.extend(cbor);
        }
        assert_eq!(
            again, stream,
            "the stream is the entries' CBOR, one after another"
        );
        // Every part of the stream is a blob of a pack of the vectors.
        let parts = list(m, "stream_parts");
        let level0 = list(m, "levels").last().unwrap();
        assert_eq!(parts.len(), list(level0, "refs").len());
    }
}

#[test]
fn manifests_open_verify_and_encode_the_same() {
    let v = tree_json();
    let secrets = secrets(&v);
    let writer = VerifyingKey::from_bytes(&key32(&v["writer"], "public")).unwrap();
    let context = text(&v["writer"], "context").into_bytes();
    for m in list(&v, "manifests") {
        let payload = opened(&m["object"], &secrets, "snapshots");
        assert_eq!(payload, hex_of(m, "envelope_cbor_hex"));
        let env: ManifestEnvelope = from_cbor(&payload).unwrap();
        assert_eq!(env.version, 3);
        assert_eq!(to_cbor(&env).unwrap(), payload, "same envelope CBOR");
        assert_eq!(env.body, hex_of(m, "body_zstd_hex"));
        assert_eq!(env.header.body, hex_of(m, "header_cbor_hex"));
        assert_eq!(env.header.signature, hex_of(m, "signature_hex"));
        let signature = Signature::from_slice(&env.header.signature).unwrap();
        let mut message = context.clone();
        message.extend(&env.header.body);
        writer.verify_strict(&message, &signature).unwrap();
        let header: ManifestHeader = from_cbor(&env.header.body).unwrap();
        assert_eq!(
            to_cbor(&header).unwrap(),
            env.header.body,
            "same header CBOR"
        );
        let h = &m["header"];
        assert_eq!(header.version, 3);
        assert_eq!(header.version as u64, uint(h, "version"));
        assert_eq!(header.locator, text(h, "locator"));
        assert_eq!(header.writer, key32(h, "writer"));
        assert_eq!(header.seq, uint(h, "seq"));
        assert_eq!(header.prev, h["prev"].as_str().map(str::to_string));
        assert_eq!(header.time, int(h, "time"));
        assert_eq!(header.nanos as u64, uint(h, "nanos"));
        assert_eq!(header.expires_at, h["expires_at"].as_i64());
        assert_eq!(header.files, uint(h, "files"));
        assert_eq!(header.bytes, uint(h, "bytes"));
        assert_eq!(header.body_hash, key32(h, "body_hash"));
        assert_eq!(header.body_len, uint(h, "body_len"));
        let body: TreeBody = env.open_body(&header).unwrap();
        assert_eq!(body.entries, list_ref(&m["body"]));
    }
    // The certificate and the config of the store.
    let c = &v["certificates"][0];
    let so: SignedObject = from_cbor(&opened(&c["object"], &secrets, "writers")).unwrap();
    assert_eq!(so.body, hex_of(c, "body_cbor_hex"));
    let config = open(
        &hex_of(&v["config"]["object"], "sealed_hex"),
        &secrets.backup_identity(),
    )
    .unwrap();
    assert_eq!(config, hex_of(&v["config"]["object"], "payload_hex"));
    for p in list(&v, "packs") {
        opened(&p["object"], &secrets, "data");
    }
    for i in list(&v, "indexes") {
        opened(&i["object"], &secrets, "index");
    }
}

// ---------------------------------------------------------------- the store

/// A copy of repo-v3 (and a phrase file) in `tmp`: the store's root.
fn store_copy(v: &Value, tmp: &Path) -> (PathBuf, PathBuf) {
    let store = tmp.join("store");
    copy_tree(Path::new(&format!("{VECTORS}/repo-v3")), &store);
    let phrase = tmp.join("phrase");
    fs::write(&phrase, format!("{}\n", text(&v["key"], "phrase"))).unwrap();
    (store, phrase)
}

/// Writes a vector's sealed `object` into the store at its key.
fn plant(store: &Path, obj: &Value) {
    let path = store.join(text(obj, "store_key"));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, hex_of(obj, "sealed_hex")).unwrap();
}

fn repo_at(store: &Path, locator: &str) -> Repo {
    let store = Store::open(
        &format!("file://{}", store.display()),
        &StoreOptions::default(),
        false,
    )
    .unwrap();
    Repo::new(store, locator)
}

#[test]
fn repo_v3_holds_the_good_objects_only() {
    let v = tree_json();
    let root = PathBuf::from(format!("{VECTORS}/repo-v3"));
    let mut found = BTreeSet::new();
    fn walk(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_str().unwrap().to_string());
            }
        }
    }
    walk(&root, &root, &mut found);
    let listed: BTreeSet<String> = list(&v["store"], "objects")
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, listed);
    for f in list(&v, "fail_cases") {
        assert!(!listed.contains(&text(&f["object"], "store_key")));
        for x in list(f, "extra_objects") {
            assert!(!listed.contains(&text(x, "store_key")));
        }
    }
}

#[test]
fn crossing_reads_every_list_and_trusts_both_manifests() {
    let v = tree_json();
    let secrets = secrets(&v);
    let keys = ReadKeys::of(&secrets);
    let tmp = tempfile::tempdir().unwrap();
    let (store, _) = store_copy(&v, tmp.path());
    let repo = repo_at(&store, &secrets.public().locator);
    for m in list(&v, "manifests") {
        let (stream, met) = repo.read_list(&keys, &list_ref(&m["body"])).unwrap();
        assert_eq!(stream, hex_of(m, "stream_hex"));
        // Every ref met: the parts of every level.
        let expected: BTreeSet<Vec<u8>> = list(m, "levels")
            .iter()
            .flat_map(|l| list(l, "refs").iter().map(|r| hex_of(r, "ref_hex")))
            .collect();
        let got: BTreeSet<Vec<u8>> = met
            .iter()
            .map(|r| {
                let mut b = Vec::new();
                r.write(&mut b);
                b
            })
            .collect();
        assert_eq!(got, expected);
        // The snapshot's packs: those of every ref met and of the files' blobs.
        let mut packs: BTreeSet<String> = met.iter().map(BlobRef::pack_name).collect();
        for e in decode_entries(&stream).unwrap() {
            packs.extend(refs(&e.blobs).unwrap().map(|r| r.pack_name()));
        }
        let want: BTreeSet<String> = list(m, "packs")
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        assert_eq!(packs, want);
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let history = repo.history(&keys, now).unwrap();
    assert_eq!(history.snapshots.len(), 2);
    for j in &history.snapshots {
        assert_eq!(j.trust, Trust::Trusted, "{}", j.id);
    }
    assert_eq!(history.latest().unwrap().id, text(&v, "latest"));
    assert!(history.notes.is_empty(), "{:?}", history.notes);
}

/// What a restore of manifest `m` must leave at the target: kinds, modes,
/// mtimes, contents and symlink targets of every entry, nothing else.
fn expected_tree(m: &Value) -> Tree {
    let contents: std::collections::HashMap<Vec<u8>, Vec<u8>> = list(m, "files")
        .iter()
        .map(|f| (hex_of(f, "path_hex"), hex_of(f, "content_hex")))
        .collect();
    let mut tree = Tree::new();
    for e in list(m, "entries") {
        let path = hex_of(e, "path_hex");
        let kind = kind_of(e["kind"].as_str().unwrap());
        let node = match kind {
            Kind::Fifo => panic!("the vectors hold no FIFO"),
            Kind::Dir => Node::Dir,
            Kind::Symlink => Node::Symlink {
                target: hex_of(e, "target_hex"),
            },
            Kind::File => {
                let content = &contents[&path];
                assert_eq!(content.len() as u64, uint(e, "size"));
                Node::File {
                    size: content.len() as u64,
                    blake3: blake3::hash(content).to_hex().to_string(),
                }
            }
        };
        let mode = if kind == Kind::Symlink {
            0
        } else {
            uint(e, "mode") as u32
        };
        tree.insert(
            path,
            Meta {
                node,
                mode,
                mtime_ns: int(e, "mtime_ns"),
            },
        );
    }
    tree
}

/// `crossing restore --json [extra]` from `store` into a fresh `tmp/name`.
fn restore(
    tmp: &Path,
    store: &Path,
    phrase: &Path,
    name: &str,
    extra: &[&str],
) -> (kit::Out, PathBuf) {
    let target = tmp.join(name);
    let url = format!("file://{}", store.display());
    let mut args = restore_args(&url, &target, phrase);
    args.push("--json".into());
    args.extend(extra.iter().map(Into::into));
    let out = run(Some(&tmp.join(format!("home-{name}"))), args);
    (out, target)
}

fn manifest_named<'a>(v: &'a Value, name: &str) -> &'a Value {
    list(v, "manifests")
        .iter()
        .find(|m| m["object"]["name"] == name)
        .unwrap()
}

#[track_caller]
fn restores_latest(v: &Value, tmp: &Path, store: &Path, phrase: &Path, name: &str) {
    let latest = text(v, "latest");
    let (out, target) = restore(tmp, store, phrase, name, &[]);
    let summary = out.expect(0, "restore of latest").json();
    assert_eq!(summary["snapshot"], latest.as_str());
    let m = manifest_named(v, &latest);
    assert_eq!(summary["files"], m["header"]["files"]);
    assert_eq!(summary["bytes"], m["header"]["bytes"]);
    assert_same_tree(&expected_tree(m), &scan(&target), "restore of latest");
}

#[test]
fn the_binary_restores_each_manifest() {
    let v = tree_json();
    let tmp = tempfile::tempdir().unwrap();
    let (store, phrase) = store_copy(&v, tmp.path());
    restores_latest(&v, tmp.path(), &store, &phrase, "latest");
    for (i, m) in list(&v, "manifests").iter().enumerate() {
        let id = text(&m["object"], "name");
        let (out, target) = restore(
            tmp.path(),
            &store,
            &phrase,
            &format!("by-id-{i}"),
            &["--snapshot", &id],
        );
        let summary = out.expect(0, &format!("restore --snapshot {id}")).json();
        assert_eq!(summary["snapshot"], id.as_str());
        assert_same_tree(&expected_tree(m), &scan(&target), &format!("manifest {i}"));
    }
}

#[test]
fn the_binary_refuses_every_fail_case_and_still_restores_latest() {
    let v = tree_json();
    let cases = list(&v, "fail_cases");
    assert!(cases.len() >= 6);
    for f in cases {
        let name = text(f, "name");
        assert_eq!(text(f, "expect"), "corrupt");
        let tmp = tempfile::tempdir().unwrap();
        let (store, phrase) = store_copy(&v, tmp.path());
        plant(&store, &f["object"]);
        for x in list(f, "extra_objects") {
            plant(&store, x);
        }
        let id = text(&f["object"], "name");
        let (out, target) = restore(tmp.path(), &store, &phrase, "refused", &["--snapshot", &id]);
        assert_eq!(
            out.code, 6,
            "{name}: integrity exit code\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
        assert!(!target.exists(), "{name}: the target was made");
        restores_latest(&v, tmp.path(), &store, &phrase, "latest");
    }
}
