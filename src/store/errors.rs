//! Store errors: what went wrong, on one line, naming the bucket and the
//! variable to set; never a secret. Every cause a user can fix by hand
//! (credentials, bucket, region, network) is exit code 5.

use crate::error::ExitKind;

use super::backend::KINDS;
use super::url::StoreUrl;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid store URL \"{url}\": {why}")]
    InvalidUrl { url: String, why: String },
    #[error("invalid store option \"{key}\": {why}")]
    InvalidOption { key: String, why: String },
    #[error("no credentials for {what}: set {vars}")]
    NoCredentials { what: String, vars: String },
    #[error("{what} cannot be used as configured ({detail}); {fix}")]
    Misconfigured {
        what: String,
        detail: String,
        fix: String,
    },
    #[error("{what} does not exist ({code}): create it, or correct the store URL{fix}")]
    NoSuchBucket {
        what: String,
        code: String,
        fix: String,
    },
    #[error(
        "access denied to {what} ({code}): check {vars}, and that they may list, read and write it"
    )]
    AccessDenied {
        what: String,
        code: String,
        vars: String,
    },
    #[error("{what} is in another region than the one configured ({detail}): set AWS_REGION{hint} or --store-option region=…")]
    WrongRegion {
        what: String,
        detail: String,
        hint: String,
    },
    #[error("{what} ({url}) is not reachable: {detail}; {fix}")]
    Unreachable {
        what: String,
        url: String,
        detail: String,
        fix: String,
    },
    #[error("object {object} is missing from the store")]
    Missing { object: String },
    #[error("object {object} has {size} bytes, more than the {max} it may have; not downloaded")]
    TooLarge { object: String, size: u64, max: u64 },
    #[error(
        "these credentials cannot delete from {what} ({code} deleting {object}): prune needs delete rights, so run it on a trusted machine that has them; this device can only append (see docs/append-only.md)"
    )]
    CannotDelete {
        what: String,
        code: String,
        object: String,
    },
}

impl StoreError {
    pub fn exit_kind(&self) -> ExitKind {
        match self {
            StoreError::InvalidUrl { .. } | StoreError::InvalidOption { .. } => ExitKind::Usage,
            StoreError::Missing { .. } | StoreError::TooLarge { .. } => ExitKind::Integrity,
            _ => ExitKind::NotReachable,
        }
    }
}

/// Turns an object_store error for `key` into the error a user can act on.
pub fn classify(url: &StoreUrl, key: &str, e: object_store::Error) -> StoreError {
    let text = redact(&chain_text(&e));
    let code = error_code(&text);
    let what = url.what();
    let kind = url.kind;
    let code_or = |fallback: &str| code.clone().unwrap_or_else(|| fallback.to_string());
    let bucket_missing = matches!(
        code.as_deref(),
        Some("NoSuchBucket" | "ContainerNotFound" | "ContainerBeingDeleted")
    ) || text.contains("bucket does not exist");
    if bucket_missing {
        return StoreError::NoSuchBucket {
            what,
            code: code_or("not found"),
            fix: kind.bucket_missing_fix.to_string(),
        };
    }
    if is_wrong_region(code.as_deref(), &text) {
        let region = between(&text, "<Region>", "</Region>")
            .or_else(|| between(&text, "expecting '", "'"))
            .map(|r| format!("={r}"))
            .unwrap_or_default();
        return StoreError::WrongRegion {
            what,
            detail: code_or("redirected"),
            hint: region,
        };
    }
    if http_status(&text) == Some("400") {
        // The service found the request malformed: a setting, not the network.
        return StoreError::Misconfigured {
            what,
            detail: match &code {
                Some(code) => format!("HTTP 400, {code}"),
                None => "HTTP 400".into(),
            },
            fix: format!(
                "check the store URL, the --store-option values and {}",
                kind.credential_vars
            ),
        };
    }
    match e {
        object_store::Error::NotFound { .. } => StoreError::Missing {
            object: key.to_string(),
        },
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => StoreError::AccessDenied {
            what,
            code: code
                .clone()
                .or_else(|| http_status(&text).map(|s| format!("HTTP {s}")))
                .unwrap_or_else(|| "HTTP 401/403".into()),
            vars: kind.credential_vars.to_string(),
        },
        _ => StoreError::Unreachable {
            what,
            url: url.url.clone(),
            detail: summary(&text, code.as_deref()),
            fix: kind.unreachable_fix.to_string(),
        },
    }
}

/// A failed delete: refused for want of the right (an append-only
/// device's credentials), or whatever else went wrong.
pub fn delete_error(url: &StoreUrl, key: &str, e: object_store::Error) -> StoreError {
    // object_store deletes from S3 and Azure in bulk requests, whose answer
    // reports each refused key: "… failed for key K: … (code: AccessDenied)"
    // (S3), "(code: 403)" (Azure).
    let text = chain_text(&e);
    let refused_in_bulk = ["AccessDenied", "403", "AuthorizationPermissionMismatch"]
        .iter()
        .any(|code| text.contains(&format!("(code: {code})")));
    match classify(url, key, e) {
        StoreError::AccessDenied { what, code, .. } => StoreError::CannotDelete {
            what,
            code,
            object: key.to_string(),
        },
        StoreError::Unreachable { what, .. } if refused_in_bulk => StoreError::CannotDelete {
            what,
            code: "access denied".into(),
            object: key.to_string(),
        },
        other => other,
    }
}

/// A builder refused the configuration (bad value, missing account, …).
pub fn misconfigured(url: &StoreUrl, e: object_store::Error) -> StoreError {
    StoreError::Misconfigured {
        what: url.what(),
        detail: one_line(&redact(&chain_text(&e)), 300),
        fix: format!(
            "check the store URL, --store-option values and {}",
            url.kind.credential_vars
        ),
    }
}

fn is_wrong_region(code: Option<&str>, text: &str) -> bool {
    matches!(
        code,
        Some(
            "AuthorizationHeaderMalformed"
                | "PermanentRedirect"
                | "IllegalLocationConstraintException"
                | "InvalidRegion"
        )
    ) || text.contains("incorrectly configured region")
        || text.contains("301 Moved Permanently")
}

/// The error and its sources, each once, joined by ": ".
fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// The service's error code (`<Code>…</Code>` in S3, GCS and Azure XML bodies).
fn error_code(text: &str) -> Option<String> {
    between(text, "<Code>", "</Code>").map(str::to_string)
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len]).filter(|s| !s.is_empty() && s.len() < 100)
}

/// A short reason: the transport error or the HTTP status (no body), then
/// the request and how often it was tried, as object_store reports them.
fn summary(text: &str, code: Option<&str>) -> String {
    let lower = text.to_ascii_lowercase();
    let reason = if lower.contains("connection refused") {
        "connection refused".to_string()
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        "the host name does not resolve".to_string()
    } else if lower.contains("timed out") || lower.contains("operation timed out") {
        "timed out".to_string()
    } else if lower.contains("connection reset") || lower.contains("connection closed") {
        "the connection was dropped".to_string()
    } else if let Some(status) = http_status(text) {
        match code {
            Some(code) => format!("HTTP {status} ({code})"),
            None => format!("HTTP {status}"),
        }
    } else {
        let cut = text.find('<').unwrap_or(text.len());
        one_line(&text[..cut], 300)
    };
    let request = between(text, "Error performing ", " in ");
    let tries = between(text, "after ", " retries").map(|n| format!("{n} retries"));
    let elapsed = between(text, " in ", ",")
        .or_else(|| between(text, " in ", " - "))
        .and_then(short_duration);
    let mut context: Vec<String> = Vec::new();
    if let Some(r) = request {
        // The path without its query string: enough to see which host was asked.
        context.push(one_line(r.split('?').next().unwrap_or(r), 160));
    }
    match (tries, elapsed) {
        (Some(t), Some(e)) => context.push(format!("{t} over {e}")),
        (Some(t), None) => context.push(t),
        (None, Some(e)) => context.push(format!("after {e}")),
        (None, None) => {}
    }
    if context.is_empty() {
        reason
    } else {
        format!("{reason} ({})", context.join(", "))
    }
}

/// "1.5s" from a `Duration`'s debug form ("1.5213s", "784.3ms").
fn short_duration(d: &str) -> Option<String> {
    let unit_at = d.find(|c: char| c.is_ascii_alphabetic() || c == 'µ')?;
    let (number, unit) = d.split_at(unit_at);
    let n: f64 = number.trim().parse().ok()?;
    let secs = match unit.trim() {
        "s" => n,
        "ms" => n / 1e3,
        "µs" | "us" => n / 1e6,
        "ns" => n / 1e9,
        _ => return None,
    };
    Some(format!("{secs:.1}s"))
}

/// "404" from "… status code: 404 Not Found …".
fn http_status(text: &str) -> Option<&str> {
    let rest = &text[text.find("status code: ")? + "status code: ".len()..];
    Some(&rest[..3]).filter(|s| s.chars().all(|c| c.is_ascii_digit()))
}

fn one_line(text: &str, max: usize) -> String {
    let mut s = text.split_whitespace().collect::<Vec<_>>().join(" ");
    s = s.trim_end_matches([':', ' ', '-']).to_string();
    if s.chars().count() > max {
        s = s.chars().take(max).collect::<String>() + "…";
    }
    s
}

/// Removes secret values (from the environment variables every kind names)
/// and URL signatures from a message.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for value in secret_values() {
        out = out.replace(&value, "[redacted]");
    }
    // SAS and presigned-URL signatures, wherever they came from.
    for marker in [
        "sig=",
        "X-Amz-Signature=",
        "X-Amz-Credential=",
        "X-Amz-Security-Token=",
    ] {
        let mut from = 0;
        while let Some(pos) = out[from..].find(marker) {
            let start = from + pos + marker.len();
            let end = out[start..]
                .find(|c: char| c == '&' || c.is_whitespace() || c == '"' || c == '\'')
                .map_or(out.len(), |n| start + n);
            out.replace_range(start..end, "[redacted]");
            from = start + "[redacted]".len();
        }
    }
    out
}

/// The values of the secret variables that are set, the longest first (so
/// that a secret holding another is redacted whole).
fn secret_values() -> Vec<String> {
    let mut values: Vec<String> = KINDS
        .iter()
        .flat_map(|kind| kind.secret_vars)
        .filter_map(|var| std::env::var(var).ok())
        .map(|value| value.trim().trim_start_matches('?').to_string())
        .filter(|value| value.len() >= 6)
        .collect();
    values.sort_by_key(|value| std::cmp::Reverse(value.len()));
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic(msg: &str) -> object_store::Error {
        object_store::Error::Generic {
            store: "S3",
            source: msg.to_string().into(),
        }
    }

    #[test]
    fn wrong_region_names_the_right_one() {
        // What AWS answers when the request is signed for the wrong region.
        let url = StoreUrl::parse("s3://bkt/p").unwrap();
        let body = "Server returned non-2xx status code: 400 Bad Request: <?xml version=\"1.0\"?><Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region></Error>";
        let e = classify(&url, "k", generic(body));
        assert!(matches!(e, StoreError::WrongRegion { .. }));
        let msg = e.to_string();
        assert!(
            msg.contains("AWS_REGION=eu-west-1") && msg.contains("S3 bucket \"bkt\""),
            "{msg}"
        );
        let bare = "Received redirect without LOCATION, this normally indicates an incorrectly configured region";
        assert!(matches!(
            classify(&url, "k", generic(bare)),
            StoreError::WrongRegion { .. }
        ));
    }

    #[test]
    fn summaries_are_one_line_without_bodies() {
        let url = StoreUrl::parse("az://ctr").unwrap();
        let e = classify(
            &url,
            "k",
            generic("Error performing PUT http://x/c/k in 2s - Server returned non-2xx status code: 500 Internal Server Error: <?xml version=\"1.0\"?>\n<Error>\n<Code>InternalError</Code>\n</Error>"),
        );
        let msg = e.to_string();
        assert!(!msg.contains('\n') && !msg.contains("<?xml"), "{msg}");
        assert!(
            msg.contains("HTTP 500 (InternalError)") && msg.contains("Azure container \"ctr\""),
            "{msg}"
        );
        assert!(msg.contains("(PUT http://x/c/k, after 2.0s)"), "{msg}");
        let refused = "Generic S3 error: Error performing HEAD http://127.0.0.1:1/b/k?x=1 in 784.310986ms, after 3 retries, max_retries: 3, retry_timeout: 180s - HTTP error: error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)";
        let msg = classify(&url, "k", generic(refused)).to_string();
        assert!(
            msg.contains("not reachable: connection refused (HEAD http://127.0.0.1:1/b/k, 3 retries over 0.8s)"),
            "{msg}"
        );
    }

    #[test]
    fn gcs_answers_are_classified() {
        // GCS's XML API error bodies, as documented and as object_store reports them.
        let url = StoreUrl::parse("gs://photos/p").unwrap();
        let missing = object_store::Error::NotFound {
            path: "p/x/config".into(),
            source: "Error performing GET https://storage.googleapis.com/photos?list-type=2 in 80ms - Server returned non-2xx status code: 404 Not Found: <?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message></Error>".into(),
        };
        let msg = classify(&url, "p/x", missing).to_string();
        assert!(
            msg.starts_with("GCS bucket \"photos\" does not exist (NoSuchBucket)"),
            "{msg}"
        );
        let denied = object_store::Error::PermissionDenied {
            path: "p/x/config".into(),
            source: "Server returned non-2xx status code: 403 Forbidden: <?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code><Message>Access denied.</Message></Error>".into(),
        };
        let msg = classify(&url, "p/x", denied).to_string();
        assert!(
            msg.starts_with("access denied to GCS bucket \"photos\" (AccessDenied)"),
            "{msg}"
        );
        assert!(msg.contains("GOOGLE_APPLICATION_CREDENTIALS"), "{msg}");
        let object = object_store::Error::NotFound {
            path: "p/x/config".into(),
            source: "Server returned non-2xx status code: 404 Not Found: ".into(),
        };
        assert!(matches!(
            classify(&url, "x/config", object),
            StoreError::Missing { .. }
        ));
    }

    #[test]
    fn refused_deletes_say_where_prune_belongs() {
        let url = StoreUrl::parse("s3://bkt/p").unwrap();
        // What DeleteObjects reports for a key the credentials may not delete.
        let bulk = generic(
            "DeleteObjects request failed for key p/r/index/x: Access Denied (code: AccessDenied)",
        );
        let msg = delete_error(&url, "r/index/x", bulk).to_string();
        assert!(
            msg.starts_with("these credentials cannot delete from S3 bucket \"bkt\" (access denied deleting r/index/x)")
                && msg.contains("trusted machine"),
            "{msg}"
        );
        let denied = object_store::Error::PermissionDenied {
            path: "p/r/x".into(),
            source: "Server returned non-2xx status code: 403 Forbidden: <Error><Code>AuthorizationPermissionMismatch</Code></Error>".into(),
        };
        assert!(matches!(
            delete_error(&url, "r/x", denied),
            StoreError::CannotDelete { .. }
        ));
        let azure = generic("Bulk delete request failed for key p/k: This request is not authorized to perform this operation using this permission. (code: 403)");
        assert!(matches!(
            delete_error(&url, "k", azure),
            StoreError::CannotDelete { .. }
        ));
        let down = generic("Error performing DELETE http://x/b/k in 2s - Server returned non-2xx status code: 500 Internal Server Error");
        assert!(matches!(
            delete_error(&url, "k", down),
            StoreError::Unreachable { .. }
        ));
    }

    #[test]
    fn signatures_are_redacted() {
        let s = redact("GET https://a.blob.core.windows.net/c/k?sv=2020&sig=abc%2Bdef&se=1 failed");
        assert_eq!(
            s,
            "GET https://a.blob.core.windows.net/c/k?sv=2020&sig=[redacted]&se=1 failed"
        );
    }
}
