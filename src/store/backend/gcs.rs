//! Google Cloud Storage: `gs://BUCKET/PREFIX`.

use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey as GcsKey};

use super::{open_cloud, Kind, Refusal};
use crate::store::url::StoreUrl;
use crate::store::StoreError;

pub static KIND: Kind = Kind {
    name: "gcs",
    service: "GCS bucket",
    shown_as: "gs://",
    for_tests: false,
    credential_vars: "GOOGLE_APPLICATION_CREDENTIALS (or GOOGLE_SERVICE_ACCOUNT) to a service-account key file",
    secret_vars: &["GOOGLE_SERVICE_ACCOUNT_KEY", "GOOGLE_BEARER_TOKEN"],
    unreachable_fix: "check the network and the address (--store-option base_url=URL, or gcs_base_url in the key file), then run the command again",
    bucket_missing_fix: "",
    claims: |url| url.scheme() == "gs",
    locate: super::bucket_and_prefix,
    bad_name,
    check_key,
    open: |url, options, _| open_cloud(url, options, "GOOGLE_", with_url),
};

fn bad_name(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    super::name_rule(KIND.service, name, 222, allowed, ", dots, hyphens")
}

fn check_key(key: &str) -> Result<(), Refusal> {
    super::cloud_key(key, "GCS", |k| match k {
        GcsKey::ServiceAccountKey => Err(Refusal::Secret("GOOGLE_SERVICE_ACCOUNT_KEY")),
        GcsKey::BearerToken => Err(Refusal::Secret("GOOGLE_BEARER_TOKEN")),
        GcsKey::Bucket => Err(Refusal::FromUrl),
        _ => Ok(()),
    })
}

super::cloud_builder!(GoogleCloudStorageBuilder, GcsKey);

/// Checks the credentials, then names the bucket.
fn with_url(
    url: &StoreUrl,
    b: GoogleCloudStorageBuilder,
) -> Result<GoogleCloudStorageBuilder, StoreError> {
    credentials(url, &b)?;
    Ok(b.with_bucket_name(&url.location))
}

/// A service account (file or key), application credentials (named, or
/// gcloud's well-known file), a bearer token, or unsigned requests.
fn credentials(url: &StoreUrl, b: &GoogleCloudStorageBuilder) -> Result<(), StoreError> {
    let has = |k: GcsKey| super::has(b, k);
    let well_known = dirs::home_dir()
        .map(|h| h.join(".config/gcloud/application_default_credentials.json"))
        .is_some_and(|p| p.is_file());
    if has(GcsKey::ServiceAccount)
        || has(GcsKey::ServiceAccountKey)
        || has(GcsKey::ApplicationCredentials)
        || has(GcsKey::BearerToken)
        || super::truthy(b, GcsKey::SkipSignature)
        || well_known
    {
        Ok(())
    } else {
        Err(super::no_credentials(url))
    }
}
