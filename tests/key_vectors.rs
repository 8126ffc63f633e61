//! docs/keys.md's test vectors (tests/vectors/keys.json, made by an
//! independent Python implementation) against crossing's derivation.

mod kit;

use crossing::keys::{labels, Phrase};
use serde_json::Value;

fn vectors() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/keys.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn labels_match_the_spec() {
    let v = vectors();
    assert_eq!(v["labels"]["backup_identity"], labels::BACKUP_IDENTITY);
    assert_eq!(v["labels"]["store_locator"], labels::STORE_LOCATOR);
    assert_eq!(v["labels"]["dedup_key"], labels::DEDUP_KEY);
    assert_eq!(v["labels"]["writer_authority"], labels::WRITER_AUTHORITY);
}

#[test]
fn every_vector_derives_the_same_public_values() {
    let v = vectors();
    let list = v["vectors"].as_array().unwrap();
    assert!(list.len() >= 3);
    assert!(list
        .iter()
        .any(|t| t["phrase"].as_str().unwrap().ends_with("abandon about")));
    for t in list {
        let phrase = Phrase::parse(t["phrase"].as_str().unwrap()).unwrap();
        assert_eq!(
            hex::encode(*phrase.master_seed()),
            t["master_seed"],
            "{}",
            t["phrase"]
        );
        let keys = phrase.derive();
        let public = keys.public();
        assert_eq!(public.id, t["id"].as_str().unwrap());
        assert_eq!(public.id.len(), 66);
        assert_eq!(public.ed25519_public, t["ed25519_public"].as_str().unwrap());
        assert_eq!(
            public.backup_recipient,
            t["backup_recipient"].as_str().unwrap()
        );
        assert_eq!(public.locator, t["locator"].as_str().unwrap());
        assert_eq!(
            hex::encode(public.dedup_key.0),
            t["dedup_key"].as_str().unwrap()
        );
        assert_eq!(
            keys.backup_identity().to_public().to_string(),
            public.backup_recipient
        );
        // Format 2: the key that certifies this phrase's writers.
        assert_eq!(
            hex::encode(keys.writer_authority().verifying_key().to_bytes()),
            t["writer_authority_public"].as_str().unwrap(),
            "{}",
            t["phrase"]
        );
    }
}

#[test]
fn the_writer_authority_is_its_own_key() {
    // Its seed is derived, never the master seed itself: the authority is not
    // the identity key (which signs remote-wipe messages and pseudonym proofs).
    for t in vectors()["vectors"].as_array().unwrap() {
        assert_ne!(t["writer_authority_public"], t["ed25519_public"]);
    }
}

#[test]
fn the_binary_reports_the_vector_values() {
    let v = vectors();
    let t = &v["vectors"][1];
    let home = tempfile::tempdir().unwrap();
    let out = kit::crossing(home.path())
        .args([
            "pseudonym",
            "import",
            "--name",
            "v",
            "--phrase-file",
            "-",
            "--json",
        ])
        .write_stdin(t["phrase"].as_str().unwrap())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let shown: Value = serde_json::from_slice(&out).unwrap();
    for field in ["id", "ed25519_public", "backup_recipient", "locator"] {
        assert_eq!(shown[field], t[field], "{field}");
    }
}
