//! Amazon S3 and S3-compatible services: `s3://BUCKET/PREFIX` (or `s3a://`),
//! another endpoint with `--store-option endpoint=URL`.

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey as S3Key};

use super::{open_cloud, Kind, Refusal};
use crate::store::url::StoreUrl;
use crate::store::StoreError;

pub static KIND: Kind = Kind {
    name: "s3",
    service: "S3 bucket",
    shown_as: "s3://",
    for_tests: false,
    credential_vars: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)",
    secret_vars: &[
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SSE_CUSTOMER_KEY_BASE64",
    ],
    unreachable_fix: "check the network and the endpoint (AWS_ENDPOINT, or --store-option endpoint=URL), then run the command again",
    bucket_missing_fix: " (and AWS_ENDPOINT or AWS_REGION if it lives elsewhere)",
    claims: |url| matches!(url.scheme(), "s3" | "s3a"),
    locate: super::bucket_and_prefix,
    bad_name,
    check_key,
    open: |url, options, _| open_cloud(url, options, "AWS_", with_url),
};

fn bad_name(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    super::name_rule(KIND.service, name, 63, allowed, ", dots, hyphens")
}

fn check_key(key: &str) -> Result<(), Refusal> {
    super::cloud_key(key, "S3", |k| match k {
        S3Key::SecretAccessKey | S3Key::AccessKeyId => Err(Refusal::Secret(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )),
        S3Key::Token => Err(Refusal::Secret("AWS_SESSION_TOKEN")),
        S3Key::Encryption(_) if key.contains("customer_key") => {
            Err(Refusal::Secret("AWS_SSE_CUSTOMER_KEY_BASE64"))
        }
        S3Key::Bucket => Err(Refusal::FromUrl),
        _ => Ok(()),
    })
}

super::cloud_builder!(AmazonS3Builder, S3Key);

/// Checks the credentials, then names the bucket.
fn with_url(url: &StoreUrl, b: AmazonS3Builder) -> Result<AmazonS3Builder, StoreError> {
    credentials(url, &b)?;
    Ok(b.with_bucket_name(&url.location))
}

/// An access key pair, or web identity, container or instance credentials
/// (their endpoints configured), or unsigned requests.
fn credentials(url: &StoreUrl, b: &AmazonS3Builder) -> Result<(), StoreError> {
    let has = |k: S3Key| super::has(b, k);
    let missing = |vars: &str| {
        Err(StoreError::NoCredentials {
            what: url.what(),
            vars: vars.into(),
        })
    };
    match (has(S3Key::AccessKeyId), has(S3Key::SecretAccessKey)) {
        (true, true) => return Ok(()),
        (true, false) => {
            return missing("AWS_SECRET_ACCESS_KEY (AWS_ACCESS_KEY_ID is set without it)")
        }
        (false, true) => {
            return missing("AWS_ACCESS_KEY_ID (AWS_SECRET_ACCESS_KEY is set without it)")
        }
        (false, false) => {}
    }
    let other = (has(S3Key::WebIdentityTokenFile) && has(S3Key::RoleArn))
        || has(S3Key::ContainerCredentialsRelativeUri)
        || (has(S3Key::ContainerCredentialsFullUri) && has(S3Key::ContainerAuthorizationTokenFile))
        || has(S3Key::MetadataEndpoint)
        || super::truthy(b, S3Key::SkipSignature);
    if other {
        Ok(())
    } else {
        Err(super::no_credentials(url))
    }
}
