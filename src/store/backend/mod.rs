//! The kinds of store, one file each: which URLs a kind claims and how it
//! reads them, its naming rules, which option keys it takes and which are
//! secrets, what its error messages advise, and how it opens its client.
//!
//! To add a kind (WebDAV, say): write `webdav.rs` holding a `pub static
//! KIND: Kind` and the functions it names, and add `&webdav::KIND` to
//! [`KINDS`]. A cloud client built by an object_store builder uses
//! [`open_cloud`], which applies the recipe every cloud shares (timeouts,
//! environment, profile options, retries). Messages are worded in
//! `url.rs`, `options.rs` and `errors.rs`; a kind supplies their particulars.

pub mod local;

mod azure;
mod gcs;
mod memory;
mod s3;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use object_store::{ClientConfigKey, ObjectStore, RetryConfig};

use super::errors::misconfigured;
use super::options::{is_plain_http, plain_http, StoreOptions};
use super::url::StoreUrl;
use super::StoreError;

/// Every kind, in the order that messages list them. The first kind that
/// claims a URL takes it.
pub static KINDS: &[&Kind] = &[
    &local::KIND,
    &s3::KIND,
    &gcs::KIND,
    &azure::KIND,
    &memory::KIND,
];

/// The kind that claims `url`, if any.
pub fn claiming(url: &url::Url) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|kind| (kind.claims)(url))
}

/// What every kind of store provides: how messages speak of it, and the
/// functions that read its URLs and options and open its client.
pub struct Kind {
    /// A short name, for tests and debugging: "s3".
    pub name: &'static str,
    /// How messages name a store of this kind: "S3 bucket".
    pub service: &'static str,
    /// The scheme as the "unknown scheme" message lists it: "s3://".
    pub shown_as: &'static str,
    /// Listed apart, as a store for tests only.
    pub for_tests: bool,
    /// The variables that hold the credentials, for messages.
    pub credential_vars: &'static str,
    /// Environment variables whose values are secrets, to redact from messages.
    pub secret_vars: &'static [&'static str],
    /// What to check when the store does not answer.
    pub unreachable_fix: &'static str,
    /// Appended to "create it, or correct the store URL" when the bucket is missing.
    pub bucket_missing_fix: &'static str,

    /// Whether this kind takes the URL (by its scheme, and maybe its host).
    pub claims: fn(&url::Url) -> bool,
    /// The bucket (or folder), prefix and account a claimed URL names, or
    /// why it names none (the end of an "invalid store URL" message).
    pub locate: fn(&url::Url) -> Result<Located, String>,
    /// Why a bucket name breaks this kind's naming rules, if it does.
    pub bad_name: fn(&str) -> Option<String>,
    /// Checks a `--store-option` key (crossing's own keys are taken before).
    pub check_key: fn(&str) -> Result<(), Refusal>,
    /// Opens the client (options are validated already); `create` makes a
    /// missing local folder.
    pub open: fn(&StoreUrl, &StoreOptions, bool) -> anyhow::Result<Opened>,
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Where a URL points inside its kind of store.
#[derive(Debug)]
pub struct Located {
    /// The folder, or the bucket (or container) name.
    pub location: String,
    /// Path prefix inside the bucket (empty for none).
    pub prefix: String,
    /// The storage account, when the URL names it (Azure).
    pub account: Option<String>,
}

impl Located {
    pub fn at(location: &str, prefix: &str) -> Located {
        Located {
            location: location.to_string(),
            prefix: prefix.to_string(),
            account: None,
        }
    }
}

/// Why an option key is refused (options.rs words the message).
#[derive(Debug)]
pub enum Refusal {
    /// A secret: set this (these) environment variable(s) instead.
    Secret(&'static str),
    /// The store URL names the bucket or container.
    FromUrl,
    /// Not a key of this cloud (named so in the message: "S3").
    Unknown(&'static str),
    /// This kind takes no options but crossing's own ("file://").
    NoOptions(&'static str),
}

/// An open client.
pub struct Opened {
    pub inner: Arc<dyn ObjectStore>,
    /// For file:// stores, the folder, so that writes can be fsynced.
    pub local_root: Option<PathBuf>,
}

/// The URL's path without its slashes: the prefix inside a bucket.
pub fn path(url: &url::Url) -> String {
    url.path().trim_matches('/').to_string()
}

/// The bucket a `SCHEME://BUCKET/PREFIX` URL names in its host.
pub fn host_bucket(url: &url::Url) -> Result<&str, String> {
    match url.host_str().unwrap_or("") {
        "" => Err("the URL names no bucket or container, like s3://my-bucket/prefix".into()),
        host => Ok(host),
    }
}

/// `SCHEME://BUCKET/PREFIX`: the bucket in the host, the prefix in the path.
pub fn bucket_and_prefix(url: &url::Url) -> Result<Located, String> {
    Ok(Located::at(host_bucket(url)?, &path(url)))
}

/// A cloud's naming rule, checked so that a typo is a usage error rather
/// than an HTTP 400 from the service: 3 to `max` characters, each
/// `allowed`; `chars` ends the list in the message ("lower-case letters,
/// digits{chars}").
pub fn name_rule(
    service: &str,
    name: &str,
    max: usize,
    allowed: fn(char) -> bool,
    chars: &str,
) -> Option<String> {
    if name.len() < 3 || name.len() > max {
        return Some(format!(
            "{service} names have 3 to {max} characters, \"{name}\" has {}",
            name.len()
        ));
    }
    if !name.chars().all(allowed) {
        return Some(format!(
            "\"{name}\" is not a valid {service} name (lower-case letters, digits{chars})"
        ));
    }
    None
}

/// A cloud's option key, read as object_store's configuration key `K`;
/// `rule` refuses secrets and what the URL names.
pub fn cloud_key<K: FromStr>(
    key: &str,
    cloud: &'static str,
    rule: impl FnOnce(K) -> Result<(), Refusal>,
) -> Result<(), Refusal> {
    K::from_str(key).map_or(Err(Refusal::Unknown(cloud)), rule)
}

/// Whole-request timeout: a 5 MiB part must fit in it on a slow uplink (about 20 KiB/s).
const REQUEST_TIMEOUT: &str = "300s";
const CONNECT_TIMEOUT: &str = "10s";

/// What the cloud recipe needs of an object_store builder (the three have
/// these methods, but no trait in common).
pub trait CloudBuilder: Default {
    type Key: FromStr;
    fn client_key(key: ClientConfigKey) -> Self::Key;
    fn set(self, key: Self::Key, value: String) -> Self;
    fn value(&self, key: &Self::Key) -> Option<String>;
    fn retry(self, retry: RetryConfig) -> Self;
    fn finish(self) -> object_store::Result<Arc<dyn ObjectStore>>;
}

/// Implements [`CloudBuilder`] for an object_store builder and its key type.
macro_rules! cloud_builder {
    ($builder:ty, $key:ty) => {
        impl $crate::store::backend::CloudBuilder for $builder {
            type Key = $key;
            fn client_key(key: object_store::ClientConfigKey) -> $key {
                <$key>::Client(key)
            }
            fn set(self, key: $key, value: String) -> Self {
                self.with_config(key, value)
            }
            fn value(&self, key: &$key) -> Option<String> {
                self.get_config_value(key)
            }
            fn retry(self, retry: object_store::RetryConfig) -> Self {
                self.with_retry(retry)
            }
            fn finish(self) -> object_store::Result<std::sync::Arc<dyn object_store::ObjectStore>> {
                Ok(std::sync::Arc::new(self.build()?))
            }
        }
    };
}
pub(crate) use cloud_builder;

/// The recipe every cloud shares: request and connect timeouts, then the
/// standard environment variables (`env_prefix…`, as `from_env` reads
/// them), then the profile's options; `with_url` then checks the
/// credentials and sets what the URL names (bucket, account), and the
/// client is built with crossing's retry policy.
///
/// Without credentials, object_store would ask the cloud's instance-metadata
/// address for them; on a laptop that means a long wait and an unclear
/// error. So the kinds ask for explicit credentials, and use instance
/// metadata only when its endpoint is configured explicitly.
pub fn open_cloud<B: CloudBuilder>(
    url: &StoreUrl,
    options: &StoreOptions,
    env_prefix: &'static str,
    with_url: fn(&StoreUrl, B) -> Result<B, StoreError>,
) -> anyhow::Result<Opened> {
    let retry = options.retry_config()?;
    let mut b = B::default()
        .set(
            B::client_key(ClientConfigKey::Timeout),
            REQUEST_TIMEOUT.into(),
        )
        .set(
            B::client_key(ClientConfigKey::ConnectTimeout),
            CONNECT_TIMEOUT.into(),
        );
    let mut http_endpoint = None;
    for (k, v) in env_settings(env_prefix).chain(owned(options)) {
        if let Ok(key) = B::Key::from_str(&k) {
            if k.ends_with("endpoint") {
                // An environment variable is named as it is set: AWS_ENDPOINT.
                let named = match k.starts_with(&env_prefix.to_ascii_lowercase()) {
                    true => k.to_ascii_uppercase(),
                    false => k.clone(),
                };
                http_endpoint = is_plain_http(&v).then(|| (named, v.clone()));
            }
            b = b.set(key, v);
        }
    }
    // The endpoint may come from the environment (AWS_ENDPOINT): checked
    // again here, with everything the client will use.
    if let Some((key, value)) = http_endpoint {
        if !truthy(&b, B::client_key(ClientConfigKey::AllowHttp)) {
            return Err(plain_http(&key, &value).into());
        }
    }
    let inner = with_url(url, b)?
        .retry(retry)
        .finish()
        .map_err(|e| misconfigured(url, e))?;
    Ok(Opened {
        inner,
        local_root: None,
    })
}

/// `PREFIX…` environment variables as lower-case configuration keys, as `from_env` reads them.
fn env_settings(prefix: &'static str) -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(move |(k, v)| {
        let (k, v) = (k.into_string().ok()?, v.into_string().ok()?);
        k.starts_with(prefix).then(|| (k.to_ascii_lowercase(), v))
    })
}

fn owned(options: &StoreOptions) -> impl Iterator<Item = (String, String)> + '_ {
    options
        .for_builder()
        .map(|(k, v)| (k.to_string(), v.to_string()))
}

/// Whether the builder holds a non-empty `key`.
pub fn has<B: CloudBuilder>(b: &B, key: B::Key) -> bool {
    b.value(&key).is_some_and(|v| !v.is_empty())
}

/// Whether the builder holds `key` as a yes ("1", "true", "yes", "on").
pub fn truthy<B: CloudBuilder>(b: &B, key: B::Key) -> bool {
    b.value(&key)
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

/// "no credentials for …: set" the kind's credential variables.
pub fn no_credentials(url: &StoreUrl) -> StoreError {
    StoreError::NoCredentials {
        what: url.what(),
        vars: url.kind.credential_vars.to_string(),
    }
}

/// The kind named `name` (tests).
#[cfg(test)]
pub fn kind(name: &str) -> &'static Kind {
    KINDS
        .iter()
        .copied()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("no store kind {name}"))
}
