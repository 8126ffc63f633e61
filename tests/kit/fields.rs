//! Reading the fields of a JSON vector file, failing with the field's name.

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
