//! S3, GCS and Azure clients: the standard environment variables
//! (`from_env`), then the profile's options, then crossing's checks.
//!
//! Without credentials, object_store would ask the cloud's instance-metadata
//! address for them; on a laptop that means a long wait and an unclear
//! error. So crossing asks for explicit credentials, and uses instance
//! metadata only when its endpoint is configured explicitly.

use std::str::FromStr;
use std::sync::Arc;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey as S3Key};
use object_store::azure::{AzureConfigKey as AzKey, MicrosoftAzureBuilder};
use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey as GcsKey};
use object_store::{ClientConfigKey, ObjectStore};

use super::errors::{credential_vars, misconfigured};
use super::options::StoreOptions;
use super::url::{Scheme, StoreUrl};
use super::StoreError;

/// Whole-request timeout: a 5 MiB part must fit in it on a slow uplink (about 20 KiB/s).
const REQUEST_TIMEOUT: &str = "300s";
const CONNECT_TIMEOUT: &str = "10s";

pub fn open(url: &StoreUrl, options: &StoreOptions) -> Result<Arc<dyn ObjectStore>, StoreError> {
    options.validate(url.scheme)?;
    let retry = options.retry_config()?;
    let bad = |e| misconfigured(url, e);
    Ok(match url.scheme {
        Scheme::S3 => {
            let mut b = AmazonS3Builder::new()
                .with_config(S3Key::Client(ClientConfigKey::Timeout), REQUEST_TIMEOUT)
                .with_config(
                    S3Key::Client(ClientConfigKey::ConnectTimeout),
                    CONNECT_TIMEOUT,
                );
            for (k, v) in env_settings("AWS_").chain(owned(options)) {
                if let Ok(key) = S3Key::from_str(&k) {
                    b = b.with_config(key, v);
                }
            }
            s3_credentials(url, &b)?;
            Arc::new(
                b.with_bucket_name(&url.location)
                    .with_retry(retry)
                    .build()
                    .map_err(bad)?,
            )
        }
        Scheme::Gcs => {
            let mut b = GoogleCloudStorageBuilder::new()
                .with_config(GcsKey::Client(ClientConfigKey::Timeout), REQUEST_TIMEOUT)
                .with_config(
                    GcsKey::Client(ClientConfigKey::ConnectTimeout),
                    CONNECT_TIMEOUT,
                );
            for (k, v) in env_settings("GOOGLE_").chain(owned(options)) {
                if let Ok(key) = GcsKey::from_str(&k) {
                    b = b.with_config(key, v);
                }
            }
            gcs_credentials(url, &b)?;
            Arc::new(
                b.with_bucket_name(&url.location)
                    .with_retry(retry)
                    .build()
                    .map_err(bad)?,
            )
        }
        Scheme::Azure => {
            let mut b = MicrosoftAzureBuilder::new()
                .with_config(AzKey::Client(ClientConfigKey::Timeout), REQUEST_TIMEOUT)
                .with_config(
                    AzKey::Client(ClientConfigKey::ConnectTimeout),
                    CONNECT_TIMEOUT,
                );
            for (k, v) in env_settings("AZURE_").chain(owned(options)) {
                if let Ok(key) = AzKey::from_str(&k) {
                    b = b.with_config(key, v);
                }
            }
            if let Some(account) = &url.account {
                b = b.with_account(account);
            }
            azure_credentials(url, &b)?;
            Arc::new(
                b.with_container_name(&url.location)
                    .with_retry(retry)
                    .build()
                    .map_err(bad)?,
            )
        }
        Scheme::File | Scheme::Memory => unreachable!("local stores are opened by Store::open"),
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

fn no_credentials(url: &StoreUrl) -> StoreError {
    StoreError::NoCredentials {
        what: url.what(),
        vars: credential_vars(url.scheme).to_string(),
    }
}

fn truthy(v: Option<String>) -> bool {
    v.is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

fn s3_credentials(url: &StoreUrl, b: &AmazonS3Builder) -> Result<(), StoreError> {
    let has = |k: S3Key| b.get_config_value(&k).is_some_and(|v| !v.is_empty());
    match (has(S3Key::AccessKeyId), has(S3Key::SecretAccessKey)) {
        (true, true) => return Ok(()),
        (true, false) => {
            return Err(StoreError::NoCredentials {
                what: url.what(),
                vars: "AWS_SECRET_ACCESS_KEY (AWS_ACCESS_KEY_ID is set without it)".into(),
            })
        }
        (false, true) => {
            return Err(StoreError::NoCredentials {
                what: url.what(),
                vars: "AWS_ACCESS_KEY_ID (AWS_SECRET_ACCESS_KEY is set without it)".into(),
            })
        }
        (false, false) => {}
    }
    let other = (has(S3Key::WebIdentityTokenFile) && has(S3Key::RoleArn))
        || has(S3Key::ContainerCredentialsRelativeUri)
        || (has(S3Key::ContainerCredentialsFullUri) && has(S3Key::ContainerAuthorizationTokenFile))
        || has(S3Key::MetadataEndpoint)
        || truthy(b.get_config_value(&S3Key::SkipSignature));
    if other {
        Ok(())
    } else {
        Err(no_credentials(url))
    }
}

fn gcs_credentials(url: &StoreUrl, b: &GoogleCloudStorageBuilder) -> Result<(), StoreError> {
    let has = |k: GcsKey| b.get_config_value(&k).is_some_and(|v| !v.is_empty());
    let well_known = dirs::home_dir()
        .map(|h| h.join(".config/gcloud/application_default_credentials.json"))
        .is_some_and(|p| p.is_file());
    if has(GcsKey::ServiceAccount)
        || has(GcsKey::ServiceAccountKey)
        || has(GcsKey::ApplicationCredentials)
        || has(GcsKey::BearerToken)
        || truthy(b.get_config_value(&GcsKey::SkipSignature))
        || well_known
    {
        Ok(())
    } else {
        Err(no_credentials(url))
    }
}

fn azure_credentials(url: &StoreUrl, b: &MicrosoftAzureBuilder) -> Result<(), StoreError> {
    let has = |k: AzKey| b.get_config_value(&k).is_some_and(|v| !v.is_empty());
    if truthy(b.get_config_value(&AzKey::UseEmulator)) {
        return Ok(());
    }
    if !has(AzKey::AccountName) {
        return Err(StoreError::NoCredentials {
            what: url.what(),
            vars: "AZURE_STORAGE_ACCOUNT_NAME (or use https://ACCOUNT.blob.core.windows.net/CONTAINER), with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN".into(),
        });
    }
    let client = has(AzKey::ClientId) && has(AzKey::AuthorityId);
    if has(AzKey::AccessKey)
        || has(AzKey::SasKey)
        || has(AzKey::Token)
        || (client && (has(AzKey::ClientSecret) || has(AzKey::FederatedTokenFile)))
        || truthy(b.get_config_value(&AzKey::UseAzureCli))
        || has(AzKey::MsiEndpoint)
        || truthy(b.get_config_value(&AzKey::SkipSignature))
    {
        Ok(())
    } else {
        Err(no_credentials(url))
    }
}
