//! Store URLs: which kind of store, which bucket (or folder), which prefix.
//! What each kind accepts is in its file in `backend/`; this is the split
//! and the dispatch common to all of them.

use super::backend::{self, Kind, Located, KINDS};
use super::StoreError;

/// A checked store URL: its kind, bucket (or folder) and prefix.
#[derive(Debug, Clone)]
pub struct StoreUrl {
    pub url: String,
    pub kind: &'static Kind,
    /// For file://, the folder; for buckets, the bucket (or container) name.
    pub location: String,
    /// Path prefix inside the bucket (empty for none).
    pub prefix: String,
    /// The Azure storage account, when the URL names it.
    pub account: Option<String>,
}

impl StoreUrl {
    pub fn parse(input: &str) -> Result<StoreUrl, StoreError> {
        let invalid = |why: String| StoreError::InvalidUrl {
            url: input.to_string(),
            why,
        };
        let parsed = match url::Url::parse(input) {
            // A plain absolute path is a folder store, as file:// would name it.
            Err(_) if input.starts_with('/') => url::Url::from_file_path(input)
                .map_err(|()| invalid("not a valid absolute path".into()))?,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                return Err(invalid(format!(
                    "a relative path is not a store: give an absolute one, like {} or file:///media/usb/crossing",
                    std::path::absolute(input)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|_| "/media/usb/crossing".into())
                )))
            }
            Err(e) => {
                return Err(invalid(format!(
                    "{e}; expected e.g. /media/usb/crossing, file:///path or s3://bucket/prefix"
                )))
            }
            Ok(parsed) => parsed,
        };
        let kind = backend::claiming(&parsed).ok_or_else(|| invalid(unclaimed(parsed.scheme())))?;
        let Located {
            location,
            prefix,
            account,
        } = (kind.locate)(&parsed).map_err(invalid)?;
        if let Some(why) = (kind.bad_name)(&location) {
            return Err(invalid(why));
        }
        // Spelled as file:// so that both spellings share a backup cache.
        let url = match input.starts_with('/') {
            true => format!("file://{input}"),
            false => input.to_string(),
        };
        Ok(StoreUrl {
            url,
            kind,
            location,
            prefix,
            account,
        })
    }

    /// "S3 bucket \"b\"", for messages.
    pub fn what(&self) -> String {
        format!("{} \"{}\"", self.kind.service, self.location)
    }
}

/// Why no kind takes a URL with this scheme.
fn unclaimed(scheme: &str) -> String {
    match scheme {
        "https" | "http" => "only Azure's https://ACCOUNT.blob.core.windows.net/CONTAINER form is a store URL; for an S3-compatible service use s3://BUCKET with --store-option endpoint=URL".into(),
        other => {
            let shown = |tests: bool| {
                KINDS
                    .iter()
                    .filter(|kind| kind.for_tests == tests)
                    .map(|kind| kind.shown_as)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let for_tests = match shown(true) {
                none if none.is_empty() => none,
                some => format!(" (or {some} for tests)"),
            };
            format!(
                "unknown scheme \"{other}\"; crossing stores are {}{for_tests}",
                shown(false)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        let u = StoreUrl::parse("s3://bucket/some/prefix/").unwrap();
        assert_eq!(
            (u.kind.name, u.location.as_str(), u.prefix.as_str()),
            ("s3", "bucket", "some/prefix")
        );
        for folder in ["file:///tmp/my store", "/tmp/my store"] {
            let f = StoreUrl::parse(folder).unwrap();
            assert_eq!(
                (f.kind.name, f.location.as_str()),
                ("file", "/tmp/my store")
            );
        }
        assert_eq!(
            StoreUrl::parse("az://container").unwrap().kind.name,
            "azure"
        );
        assert_eq!(StoreUrl::parse("gs://bkt/p").unwrap().kind.name, "gcs");
        assert_eq!(StoreUrl::parse("az://$web").unwrap().location, "$web");
        for bad in [
            "ftp://x/y",
            "s3:///nobucket",
            "file://host/path",
            "not a url",
            "relative/store",
            "./store",
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
    fn unknown_schemes_list_the_kinds() {
        let err = StoreUrl::parse("ftp://x/y").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid store URL \"ftp://x/y\": unknown scheme \"ftp\"; crossing stores are file://, s3://, gs://, az:// (or memory:// for tests)"
        );
    }
}
