//! Store URLs: which kind of store, which bucket (or folder), which prefix.

use super::StoreError;

/// The schemes a profile may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    File,
    S3,
    Gcs,
    Azure,
    Memory,
}

impl Scheme {
    /// How error messages name the store's kind.
    pub fn service(self) -> &'static str {
        match self {
            Scheme::File => "folder",
            Scheme::S3 => "S3 bucket",
            Scheme::Gcs => "GCS bucket",
            Scheme::Azure => "Azure container",
            Scheme::Memory => "memory store",
        }
    }
}

/// A checked store URL: scheme, bucket (or folder) and prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUrl {
    pub url: String,
    pub scheme: Scheme,
    /// For file://, the folder; for buckets, the bucket (or container) name.
    pub location: String,
    /// Path prefix inside the bucket (empty for none).
    pub prefix: String,
    /// The Azure storage account, when the URL names it.
    pub account: Option<String>,
}

const AZURE_HOST: &str = ".blob.core.windows.net";

impl StoreUrl {
    pub fn parse(input: &str) -> Result<StoreUrl, StoreError> {
        let invalid = |why: &str| StoreError::InvalidUrl {
            url: input.to_string(),
            why: why.to_string(),
        };
        let parsed = url::Url::parse(input).map_err(|e| {
            invalid(&format!(
                "{e}; expected e.g. file:///path or s3://bucket/prefix"
            ))
        })?;
        let scheme = match parsed.scheme() {
            "file" => Scheme::File,
            "s3" | "s3a" => Scheme::S3,
            "gs" => Scheme::Gcs,
            "az" | "azure" | "abfs" | "abfss" => Scheme::Azure,
            "https" if host_is_azure(&parsed) => Scheme::Azure,
            "https" | "http" => {
                return Err(invalid(
                    "only Azure's https://ACCOUNT.blob.core.windows.net/CONTAINER form is a store URL; for an S3-compatible service use s3://BUCKET with --store-option endpoint=URL",
                ))
            }
            "memory" => Scheme::Memory,
            other => {
                return Err(invalid(&format!(
                    "unknown scheme \"{other}\"; crossing stores are file://, s3://, gs://, az:// (or memory:// for tests)"
                )))
            }
        };
        let path = parsed.path().trim_matches('/').to_string();
        let mut account = None;
        let (location, prefix) = match scheme {
            Scheme::File => {
                if parsed
                    .host_str()
                    .is_some_and(|h| !h.is_empty() && h != "localhost")
                {
                    return Err(invalid("a file:// URL needs an absolute path, like file:///home/me/store (three slashes)"));
                }
                let path = parsed
                    .to_file_path()
                    .map_err(|_| invalid("not a valid absolute file path"))?;
                (path.to_string_lossy().into_owned(), String::new())
            }
            Scheme::Memory => (parsed.host_str().unwrap_or("").to_string(), path),
            Scheme::Azure if parsed.scheme() == "https" => {
                // https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]
                account = Some(azure_account(&parsed));
                let (container, prefix) = path.split_once('/').unwrap_or((&path, ""));
                if container.is_empty() {
                    return Err(invalid(
                        "the URL names no container, like https://ACCOUNT.blob.core.windows.net/CONTAINER",
                    ));
                }
                (container.to_string(), prefix.to_string())
            }
            _ => {
                let host = parsed.host_str().unwrap_or("");
                if host.is_empty() {
                    return Err(invalid(
                        "the URL names no bucket or container, like s3://my-bucket/prefix",
                    ));
                }
                if scheme == Scheme::Azure && !parsed.username().is_empty() {
                    // az://CONTAINER@ACCOUNT.blob.core.windows.net/PREFIX
                    if !host_is_azure(&parsed) {
                        return Err(invalid(
                            "expected az://CONTAINER@ACCOUNT.blob.core.windows.net/PREFIX",
                        ));
                    }
                    account = Some(azure_account(&parsed));
                    (parsed.username().to_string(), path)
                } else {
                    if host.contains('.') && scheme == Scheme::Azure {
                        return Err(invalid("an Azure container name has no dots; the account goes in AZURE_STORAGE_ACCOUNT_NAME or in https://ACCOUNT.blob.core.windows.net/CONTAINER"));
                    }
                    (host.to_string(), path)
                }
            }
        };
        if let Some(why) = bad_bucket_name(scheme, &location) {
            return Err(invalid(&why));
        }
        Ok(StoreUrl {
            url: input.to_string(),
            scheme,
            location,
            prefix,
            account,
        })
    }

    /// "S3 bucket \"b\"", for messages.
    pub fn what(&self) -> String {
        format!("{} \"{}\"", self.scheme.service(), self.location)
    }
}

/// The clouds' naming rules, checked here so that a typo is a usage error
/// rather than an HTTP 400 from the service.
fn bad_bucket_name(scheme: Scheme, name: &str) -> Option<String> {
    let (max, allowed): (usize, fn(char) -> bool) = match scheme {
        Scheme::S3 => (63, |c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        Scheme::Gcs => (222, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)
        }),
        Scheme::Azure if name == "$root" || name == "$web" => return None,
        Scheme::Azure => (63, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        }),
        Scheme::File | Scheme::Memory => return None,
    };
    let kind = scheme.service();
    if name.len() < 3 || name.len() > max {
        return Some(format!(
            "{kind} names have 3 to {max} characters, \"{name}\" has {}",
            name.len()
        ));
    }
    if !name.chars().all(allowed) {
        return Some(format!(
            "\"{name}\" is not a valid {kind} name (lower-case letters, digits{})",
            if scheme == Scheme::Azure {
                " and hyphens"
            } else {
                ", dots, hyphens"
            }
        ));
    }
    None
}

fn host_is_azure(u: &url::Url) -> bool {
    u.host_str()
        .and_then(|h| h.strip_suffix(AZURE_HOST))
        .is_some_and(|a| !a.is_empty() && !a.contains('.'))
}

fn azure_account(u: &url::Url) -> String {
    let host = u.host_str().unwrap_or("");
    host.strip_suffix(AZURE_HOST).unwrap_or(host).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        let u = StoreUrl::parse("s3://bucket/some/prefix/").unwrap();
        assert_eq!(
            (u.scheme, u.location.as_str(), u.prefix.as_str()),
            (Scheme::S3, "bucket", "some/prefix")
        );
        let f = StoreUrl::parse("file:///tmp/store").unwrap();
        assert_eq!(
            (f.scheme, f.location.as_str()),
            (Scheme::File, "/tmp/store")
        );
        assert_eq!(
            StoreUrl::parse("az://container").unwrap().scheme,
            Scheme::Azure
        );
        assert_eq!(StoreUrl::parse("gs://bkt/p").unwrap().scheme, Scheme::Gcs);
        assert_eq!(StoreUrl::parse("az://$web").unwrap().location, "$web");
        for bad in [
            "ftp://x/y",
            "s3:///nobucket",
            "file://host/path",
            "not a url",
            "/tmp/x",
            "https://example.com/bucket",
            "https://acct.blob.core.windows.net/",
            "az://has.dots/p",
            "s3://b/p",
            "az://Upper/p",
            "gs://under_score_OK_but_not_UPPER",
        ] {
            assert!(StoreUrl::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn azure_forms_name_the_account() {
        for url in [
            "https://myacct.blob.core.windows.net/backups/me",
            "az://backups@myacct.blob.core.windows.net/me",
        ] {
            let u = StoreUrl::parse(url).unwrap();
            assert_eq!(u.scheme, Scheme::Azure, "{url}");
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
