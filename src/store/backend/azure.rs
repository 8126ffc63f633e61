//! Azure Blob Storage: `az://CONTAINER/PREFIX` (or `azure://`, `abfs://`,
//! `abfss://`) with the account in the environment, or with the account in
//! the URL: `https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX`,
//! `az://CONTAINER@ACCOUNT.blob.core.windows.net/PREFIX`.

use object_store::azure::{AzureConfigKey as AzKey, MicrosoftAzureBuilder};

use super::{open_cloud, Kind, Located, Refusal};
use crate::store::url::StoreUrl;
use crate::store::StoreError;

const AZURE_HOST: &str = ".blob.core.windows.net";

pub static KIND: Kind = Kind {
    name: "azure",
    service: "Azure container",
    shown_as: "az://",
    for_tests: false,
    credential_vars: "AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN",
    secret_vars: &[
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCESS_KEY",
        "AZURE_STORAGE_MASTER_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_STORAGE_SAS_KEY",
        "AZURE_STORAGE_TOKEN",
        "AZURE_CLIENT_SECRET",
        "AZURE_STORAGE_CLIENT_SECRET",
        "AZURE_STORAGE_ENCRYPTION_KEY",
    ],
    unreachable_fix: "check the network and the endpoint (AZURE_STORAGE_ENDPOINT, or AZURE_STORAGE_USE_EMULATOR with AZURITE_BLOB_STORAGE_URL), then run the command again",
    bucket_missing_fix: " (and AZURE_STORAGE_ACCOUNT_NAME if it lives in another account)",
    claims,
    locate,
    bad_name,
    check_key,
    open: |url, options, _| open_cloud(url, options, "AZURE_", with_url),
};

fn claims(url: &url::Url) -> bool {
    match url.scheme() {
        "az" | "azure" | "abfs" | "abfss" => true,
        "https" => host_is_azure(url),
        _ => false,
    }
}

fn locate(url: &url::Url) -> Result<Located, String> {
    let path = super::path(url);
    if url.scheme() == "https" {
        // https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]
        let (container, prefix) = path.split_once('/').unwrap_or((&path, ""));
        if container.is_empty() {
            return Err(
                "the URL names no container, like https://ACCOUNT.blob.core.windows.net/CONTAINER"
                    .into(),
            );
        }
        return Ok(Located {
            account: Some(account(url)),
            ..Located::at(container, prefix)
        });
    }
    let host = super::host_bucket(url)?;
    if !url.username().is_empty() {
        // az://CONTAINER@ACCOUNT.blob.core.windows.net/PREFIX
        if !host_is_azure(url) {
            return Err("expected az://CONTAINER@ACCOUNT.blob.core.windows.net/PREFIX".into());
        }
        return Ok(Located {
            account: Some(account(url)),
            ..Located::at(url.username(), &path)
        });
    }
    if host.contains('.') {
        return Err("an Azure container name has no dots; the account goes in AZURE_STORAGE_ACCOUNT_NAME or in https://ACCOUNT.blob.core.windows.net/CONTAINER".into());
    }
    Ok(Located::at(host, &path))
}

fn bad_name(name: &str) -> Option<String> {
    if name == "$root" || name == "$web" {
        return None;
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    super::name_rule(KIND.service, name, 63, allowed, " and hyphens")
}

fn check_key(key: &str) -> Result<(), Refusal> {
    super::cloud_key(key, "Azure", |k| match k {
        AzKey::AccessKey => Err(Refusal::Secret("AZURE_STORAGE_ACCOUNT_KEY")),
        AzKey::SasKey => Err(Refusal::Secret("AZURE_STORAGE_SAS_TOKEN")),
        AzKey::ClientSecret => Err(Refusal::Secret("AZURE_CLIENT_SECRET")),
        AzKey::Token => Err(Refusal::Secret("AZURE_STORAGE_TOKEN")),
        AzKey::EncryptionKey => Err(Refusal::Secret("AZURE_STORAGE_ENCRYPTION_KEY")),
        AzKey::FabricSessionToken => Err(Refusal::Secret("AZURE_FABRIC_SESSION_TOKEN")),
        AzKey::ContainerName => Err(Refusal::FromUrl),
        _ => Ok(()),
    })
}

super::cloud_builder!(MicrosoftAzureBuilder, AzKey);

/// Names the account (when the URL does), checks the credentials, then
/// names the container.
fn with_url(
    url: &StoreUrl,
    mut b: MicrosoftAzureBuilder,
) -> Result<MicrosoftAzureBuilder, StoreError> {
    if let Some(account) = &url.account {
        b = b.with_account(account);
    }
    credentials(url, &b)?;
    Ok(b.with_container_name(&url.location))
}

/// The emulator, or an account with a key, a SAS, a token, a service
/// principal (secret or federated token), the Azure CLI, managed identity
/// (its endpoint configured), or unsigned requests.
fn credentials(url: &StoreUrl, b: &MicrosoftAzureBuilder) -> Result<(), StoreError> {
    let has = |k: AzKey| super::has(b, k);
    if super::truthy(b, AzKey::UseEmulator) {
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
        || super::truthy(b, AzKey::UseAzureCli)
        || has(AzKey::MsiEndpoint)
        || super::truthy(b, AzKey::SkipSignature)
    {
        Ok(())
    } else {
        Err(super::no_credentials(url))
    }
}

fn host_is_azure(u: &url::Url) -> bool {
    u.host_str()
        .and_then(|h| h.strip_suffix(AZURE_HOST))
        .is_some_and(|a| !a.is_empty() && !a.contains('.'))
}

fn account(u: &url::Url) -> String {
    let host = u.host_str().unwrap_or("");
    host.strip_suffix(AZURE_HOST).unwrap_or(host).to_string()
}

#[cfg(test)]
mod tests {
    use crate::store::url::StoreUrl;

    #[test]
    fn azure_forms_name_the_account() {
        for url in [
            "https://myacct.blob.core.windows.net/backups/me",
            "az://backups@myacct.blob.core.windows.net/me",
        ] {
            let u = StoreUrl::parse(url).unwrap();
            assert_eq!(u.kind.name, "azure", "{url}");
            assert_eq!(u.account.as_deref(), Some("myacct"), "{url}");
            assert_eq!(
                (u.location.as_str(), u.prefix.as_str()),
                ("backups", "me"),
                "{url}"
            );
        }
        let plain = StoreUrl::parse("azure://backups/x").unwrap();
        assert_eq!((plain.account, plain.prefix.as_str()), (None, "x"));
    }
}
