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
