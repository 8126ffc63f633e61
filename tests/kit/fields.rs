//! Reading the fields of a JSON vector file, failing with the field's name.

use crossing::repo::format::{Entry, Kind};
use serde_json::Value;

#[track_caller]
pub fn hex_of(v: &Value, field: &str) -> Vec<u8> {
    let s = v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no hex field {field}"));
    hex::decode(s).unwrap_or_else(|e| panic!("{field}: {e}"))
}

#[track_caller]
pub fn key32(v: &Value, field: &str) -> [u8; 32] {
    hex_of(v, field).try_into().expect("32 bytes")
}

#[track_caller]
pub fn uint(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no uint field {field}"))
}

#[track_caller]
pub fn int(v: &Value, field: &str) -> i64 {
    v[field]
        .as_i64()
        .unwrap_or_else(|| panic!("no int field {field}"))
}

#[track_caller]
pub fn text(v: &Value, field: &str) -> String {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string field {field}"))
        .to_string()
}

/// A manifest entry as the vector files write it.
pub fn entry_of(e: &Value) -> Entry {
    Entry {
        path: hex_of(e, "path_hex"),
        kind: match e["kind"].as_str().unwrap() {
            "file" => Kind::File,
            "dir" => Kind::Dir,
            "symlink" => Kind::Symlink,
            other => panic!("kind {other}"),
        },
        mode: uint(e, "mode") as u32,
        mtime_ns: int(e, "mtime_ns"),
        size: uint(e, "size"),
        target: e
            .get("target_hex")
            .map(|_| hex_of(e, "target_hex"))
            .unwrap_or_default(),
        chunks: e
            .get("chunks")
            .map(|c| {
                c.as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|id| hex::decode(id.as_str().unwrap()).unwrap())
                    .collect()
            })
            .unwrap_or_default(),
        link: vec![],
    }
}
