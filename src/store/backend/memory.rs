//! `memory://NAME/PREFIX`: one in-memory store per name, shared within the
//! process (tests).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use object_store::ObjectStore;

use super::{Kind, Located, Opened, Refusal};
use crate::store::options::StoreOptions;
use crate::store::url::StoreUrl;

pub static KIND: Kind = Kind {
    name: "memory",
    service: "memory store",
    shown_as: "memory://",
    for_tests: true,
    credential_vars: "nothing (local store)",
    secret_vars: &[],
    unreachable_fix: "check that the folder (or its drive) is there, then run the command again",
    bucket_missing_fix: "",
    claims: |url| url.scheme() == "memory",
    locate: |url| Ok(Located::at(url.host_str().unwrap_or(""), &super::path(url))),
    bad_name: |_| None,
    check_key: |_| Err(Refusal::NoOptions("memory://")),
    open,
};

fn open(url: &StoreUrl, _: &StoreOptions, _: bool) -> anyhow::Result<Opened> {
    static STORES: OnceLock<Mutex<HashMap<String, Arc<dyn ObjectStore>>>> = OnceLock::new();
    let mut map = STORES
        .get_or_init(Default::default)
        .lock()
        .expect("memory store map");
    let inner = map
        .entry(url.location.clone())
        .or_insert_with(|| Arc::new(object_store::memory::InMemory::new()))
        .clone();
    Ok(Opened {
        inner,
        local_root: None,
    })
}
