//! Non-secret store settings (`--store-option KEY=VALUE`), kept in a profile.
//!
//! Keys are object_store's configuration keys for the URL's cloud (e.g.
//! `endpoint`, `region`, `allow_http`, `timeout`), plus crossing's own
//! `retries` and `retry_timeout`. Secrets are refused: they stay in the
//! environment, so that the state database never holds one.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::backend::{Kind, Refusal};
use super::StoreError;

/// Retries after a transient error (connection refused or reset, timeout, 5xx, 429).
pub const DEFAULT_RETRIES: usize = 10;
/// No retry starts later than this after a request's first attempt.
pub const DEFAULT_RETRY_TIMEOUT: Duration = Duration::from_secs(180);

/// KEY=VALUE settings, keys in lower case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoreOptions(pub BTreeMap<String, String>);

impl StoreOptions {
    /// Parses `KEY=VALUE` arguments (not yet checked against a scheme).
    pub fn parse_pairs(pairs: &[String]) -> Result<StoreOptions, StoreError> {
        let mut map = BTreeMap::new();
        for pair in pairs {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| StoreError::InvalidOption {
                    key: pair.clone(),
                    why: "expected KEY=VALUE, e.g. --store-option endpoint=https://s3.example.net"
                        .into(),
                })?;
            let key = key.trim().to_ascii_lowercase().replace('-', "_");
            if key.is_empty() {
                return Err(StoreError::InvalidOption {
                    key: pair.clone(),
                    why: "empty key".into(),
                });
            }
            map.insert(key, value.trim().to_string());
        }
        Ok(StoreOptions(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// These options, with `over`'s values taking precedence.
    pub fn merged(&self, over: &StoreOptions) -> StoreOptions {
        let mut map = self.0.clone();
        map.extend(over.0.iter().map(|(k, v)| (k.clone(), v.clone())));
        StoreOptions(map)
    }

    /// Checks every key against the store's kind, and refuses secrets.
    pub(super) fn validate(&self, kind: &Kind) -> Result<(), StoreError> {
        for (key, value) in &self.0 {
            check_key(kind, key)?;
            match key.as_str() {
                "retries" => {
                    parse_retries(value)?;
                }
                "retry_timeout" => {
                    parse_duration(key, value)?;
                }
                _ => {}
            }
        }
        // Checked here too, so that `init` refuses what every backup would.
        let allowed = self.0.get("allow_http").is_some_and(|v| yes(v))
            || ["AWS_ALLOW_HTTP", "AZURE_ALLOW_HTTP", "GOOGLE_ALLOW_HTTP"]
                .iter()
                .any(|var| std::env::var(var).is_ok_and(|v| yes(&v)));
        match self
            .0
            .iter()
            .find(|(k, v)| k.ends_with("endpoint") && is_plain_http(v))
        {
            Some((key, value)) if !allowed => Err(plain_http(key, value)),
            _ => Ok(()),
        }
    }

    /// The options that object_store takes (crossing's own removed).
    pub fn for_builder(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .filter(|(k, _)| !CROSSING_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Retries with exponential backoff and jitter (object_store's
    /// decorrelated jitter: each wait is drawn between 0.5 s and 3 times the
    /// previous one, at most 30 s), `retries` times at most, none started
    /// after `retry_timeout`. A store that is down is given up on after
    /// about a minute (5%–95%: 14 s to 2.5 min) per request.
    pub fn retry_config(&self) -> Result<object_store::RetryConfig, StoreError> {
        let max_retries = match self.0.get("retries") {
            Some(v) => parse_retries(v)?,
            None => DEFAULT_RETRIES,
        };
        let retry_timeout = match self.0.get("retry_timeout") {
            Some(v) => parse_duration("retry_timeout", v)?,
            None => DEFAULT_RETRY_TIMEOUT,
        };
        Ok(object_store::RetryConfig {
            backoff: object_store::BackoffConfig {
                init_backoff: Duration::from_millis(500),
                max_backoff: Duration::from_secs(30),
                base: 3.0,
            },
            max_retries,
            retry_timeout,
        })
    }
}

impl std::fmt::Display for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&pairs.join(" "))
    }
}

/// Whether a setting's value says yes, as object_store reads one.
fn yes(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

/// Whether an endpoint is plain HTTP.
pub fn is_plain_http(endpoint: &str) -> bool {
    endpoint.to_ascii_lowercase().starts_with("http://")
}

/// An `http://` endpoint without `allow_http`: the HTTP client would refuse
/// it at the first request with a message that reads like a network failure.
pub fn plain_http(key: &str, value: &str) -> StoreError {
    StoreError::InvalidOption {
        key: key.to_string(),
        why: format!("{value} is plain HTTP (not TLS), which crossing uses only when told: add --store-option allow_http=true, or use https://"),
    }
}

const CROSSING_KEYS: &[&str] = &["retries", "retry_timeout"];

fn parse_retries(v: &str) -> Result<usize, StoreError> {
    v.parse::<usize>()
        .ok()
        .filter(|n| *n <= 100)
        .ok_or_else(|| StoreError::InvalidOption {
            key: "retries".into(),
            why: format!("\"{v}\" is not a number of retries from 0 to 100"),
        })
}

fn parse_duration(key: &str, v: &str) -> Result<Duration, StoreError> {
    humantime::parse_duration(v).map_err(|e| StoreError::InvalidOption {
        key: key.into(),
        why: format!("\"{v}\" is not a duration like 30s or 3m ({e})"),
    })
}

/// crossing's own keys, then the kind's; a refused key's message says why.
fn check_key(kind: &Kind, key: &str) -> Result<(), StoreError> {
    if CROSSING_KEYS.contains(&key) {
        return Ok(());
    }
    let why = match (kind.check_key)(key) {
        Ok(()) => return Ok(()),
        Err(Refusal::Secret(var)) => format!(
            "this is a secret, and a profile stores no secrets: set {var} in the environment instead"
        ),
        Err(Refusal::FromUrl) => "the store URL names the bucket or container".into(),
        Err(Refusal::Unknown(cloud)) => format!(
            "not a setting of {cloud} stores; see docs/stores.md for the keys (e.g. endpoint, region, allow_http, timeout, retries, retry_timeout)"
        ),
        Err(Refusal::NoOptions(scheme)) => {
            format!("{scheme} stores take no options except retries and retry_timeout")
        }
    };
    Err(StoreError::InvalidOption {
        key: key.to_string(),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::kind;

    fn opts(pairs: &[&str]) -> StoreOptions {
        StoreOptions::parse_pairs(&pairs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn keys_are_checked_per_cloud_and_secrets_refused() {
        let s3 = opts(&[
            "Endpoint=http://127.0.0.1:9000",
            "region=eu-west-1",
            "allow-http=true",
        ]);
        assert_eq!(s3.0["endpoint"], "http://127.0.0.1:9000");
        assert!(s3.0.contains_key("allow_http"));
        s3.validate(kind("s3")).unwrap();
        assert!(s3.validate(kind("file")).is_err());
        let err = opts(&["secret_access_key=x"])
            .validate(kind("s3"))
            .unwrap_err();
        assert!(err.to_string().contains("AWS_SECRET_ACCESS_KEY"), "{err}");
        let err = opts(&["account_key=x"])
            .validate(kind("azure"))
            .unwrap_err();
        assert!(
            err.to_string().contains("AZURE_STORAGE_ACCOUNT_KEY"),
            "{err}"
        );
        let err = opts(&["sas_token=x"]).validate(kind("azure")).unwrap_err();
        assert!(!err.to_string().contains("=x"), "{err}");
        assert!(opts(&["service_account_key=x"])
            .validate(kind("gcs"))
            .is_err());
        assert!(opts(&["bucket=other"]).validate(kind("s3")).is_err());
        assert!(opts(&["no_such_key=1"]).validate(kind("s3")).is_err());
        opts(&["use_emulator=true", "account_name=dev"])
            .validate(kind("azure"))
            .unwrap();
        opts(&["service_account=/etc/key.json"])
            .validate(kind("gcs"))
            .unwrap();
        assert!(StoreOptions::parse_pairs(&["novalue".into()]).is_err());
    }

    #[test]
    fn retry_policy_is_tunable() {
        let default = StoreOptions::default().retry_config().unwrap();
        assert_eq!(
            (default.max_retries, default.retry_timeout),
            (DEFAULT_RETRIES, DEFAULT_RETRY_TIMEOUT)
        );
        let quick = opts(&["retries=2", "retry_timeout=5s"]);
        quick.validate(kind("file")).unwrap();
        let rc = quick.retry_config().unwrap();
        assert_eq!(
            (rc.max_retries, rc.retry_timeout),
            (2, Duration::from_secs(5))
        );
        assert_eq!(quick.for_builder().count(), 0);
        assert!(opts(&["retries=many"]).validate(kind("s3")).is_err());
        assert!(opts(&["retry_timeout=soon"]).validate(kind("s3")).is_err());
        let merged = opts(&["retries=1", "region=a"]).merged(&opts(&["region=b"]));
        assert_eq!(merged.0["region"], "b");
        assert_eq!(merged.0["retries"], "1");
    }
}
