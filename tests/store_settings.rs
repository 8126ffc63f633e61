//! Store URLs, options and credentials, checked before any request: these
//! need no server and always run.

mod kit;

use predicates::prelude::*;
use serde_json::Value;

use kit::{crossing, error_line, json, Fixture, ABANDON};

/// `snapshots` on `url` with `env`: exit 5 and the one error line.
fn unreachable_line(url: &str, env: &[(&str, &str)]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = crossing(home.path())
        .env("HOME", home.path()) // no gcloud default credentials
        .envs(env.iter().copied())
        .args(["snapshots", "--store", url, "--phrase-file", "-"])
        .write_stdin(ABANDON)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(5)
        .get_output()
        .clone();
    error_line(&out.stderr)
}

#[test]
fn missing_credentials_name_the_bucket_and_the_variables() {
    let line = unreachable_line("s3://my-bucket/p", &[]);
    assert!(
        line.contains("no credentials for S3 bucket \"my-bucket\""),
        "{line}"
    );
    assert!(
        line.contains("AWS_ACCESS_KEY_ID") && line.contains("AWS_SECRET_ACCESS_KEY"),
        "{line}"
    );

    let line = unreachable_line("s3://my-bucket/p", &[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")]);
    assert!(
        line.contains("AWS_SECRET_ACCESS_KEY") && line.contains("\"my-bucket\""),
        "{line}"
    );

    let line = unreachable_line("gs://my-bucket", &[]);
    assert!(
        line.contains("GCS bucket \"my-bucket\"")
            && line.contains("GOOGLE_APPLICATION_CREDENTIALS"),
        "{line}"
    );

    let line = unreachable_line("az://backups/p", &[]);
    assert!(
        line.contains("Azure container \"backups\"") && line.contains("AZURE_STORAGE_ACCOUNT_NAME"),
        "{line}"
    );

    let line = unreachable_line("https://myaccount.blob.core.windows.net/backups/p", &[]);
    assert!(
        line.contains("Azure container \"backups\"") && line.contains("AZURE_STORAGE_ACCOUNT_KEY"),
        "{line}"
    );
}

#[test]
fn options_are_checked_kept_and_never_secret() {
    let fx = Fixture::unconfigured(|data| std::fs::create_dir(data).unwrap());
    let (home, data) = (&fx.home, &fx.data);
    let init = |name: &str, url: &str, opts: &[&str]| {
        let mut cmd = crossing(home);
        cmd.args(["init", "--name", name, "--data-dir"])
            .arg(data)
            .args(["--store", url]);
        for o in opts {
            cmd.args(["--store-option", o]);
        }
        cmd
    };
    init(
        "minio",
        "s3://backups/me",
        &[
            "endpoint=https://minio.example.net:9000",
            "region=eu-central-1",
            "retries=4",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "endpoint=https://minio.example.net:9000",
    ));
    let shown = json(crossing(home).args(["profile", "show", "minio", "--json"]));
    assert_eq!(
        shown["store_options"]["endpoint"],
        "https://minio.example.net:9000"
    );
    assert_eq!(shown["store_options"]["region"], "eu-central-1");
    assert_eq!(shown["store_options"]["retries"], "4");

    // Secrets stay in the environment: refused, and not echoed.
    for (url, opt, var) in [
        (
            "s3://bkt/p",
            "secret_access_key=s3cr3t-value",
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            "s3://bkt/p",
            "aws_session_token=s3cr3t-value",
            "AWS_SESSION_TOKEN",
        ),
        (
            "az://ctr/p",
            "account_key=s3cr3t-value",
            "AZURE_STORAGE_ACCOUNT_KEY",
        ),
        (
            "az://ctr/p",
            "sas_token=s3cr3t-value",
            "AZURE_STORAGE_SAS_TOKEN",
        ),
        (
            "gs://bkt/p",
            "service_account_key=s3cr3t-value",
            "GOOGLE_SERVICE_ACCOUNT_KEY",
        ),
    ] {
        init("x", url, &[opt])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(var).and(predicate::str::contains("s3cr3t").not()));
    }
    // Keys that are not the cloud's, or malformed, are usage errors.
    init("x", "s3://bkt/p", &["use_emulator=true"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a setting of S3 stores"));
    init("x", "file:///tmp/s", &["region=x"]).assert().code(2);
    init("x", "s3://bkt/p", &["retries=lots"]).assert().code(2);
    init("x", "s3://bkt/p", &["endpoint"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("KEY=VALUE"));
    let all = json(crossing(home).args(["profile", "list", "--json"]));
    assert_eq!(
        all.as_array().unwrap().len(),
        1,
        "a refused profile was recorded: {all}"
    );

    // Azure's https form and az://CONTAINER@ACCOUNT are store URLs; other https ones are not.
    for (name, url) in [
        ("az1", "https://myaccount.blob.core.windows.net/backups/me"),
        ("az2", "az://backups@myaccount.blob.core.windows.net/me"),
    ] {
        init(name, url, &[]).assert().success();
    }
    init("x", "s3://b/p", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 to 63 characters"));
    init("x", "https://s3.amazonaws.com/bucket", &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--store-option endpoint="));
    let shown: Value = json(crossing(home).args(["profile", "show", "az1", "--json"]));
    assert_eq!(shown["store_options"], serde_json::json!({}));
}

#[test]
fn a_plain_absolute_path_is_a_folder_store_and_a_relative_one_is_refused() {
    let fx = Fixture::unconfigured(|data| kit::random_files(data, 9, &[("a", 4000)]));
    let folder = fx.root().join("usb store");
    let made = json(
        crossing(&fx.home)
            .args(["init", "--name", "usb", "--data-dir"])
            .arg(&fx.data)
            .arg("--store")
            .arg(&folder)
            .arg("--json"),
    );
    assert_eq!(
        made["store_url"],
        format!("file://{}", folder.display()),
        "recorded as the file:// URL"
    );
    crossing(&fx.home).args(["backup"]).assert().success();
    assert!(
        std::fs::read_dir(&folder).unwrap().next().is_some(),
        "nothing stored in {}",
        folder.display()
    );
    // The same folder named either way reads the same snapshots.
    let list = json(
        crossing(&fx.home)
            .arg("snapshots")
            .arg("--store")
            .arg(&folder)
            .args(["--phrase-file"])
            .arg(&fx.phrase_file)
            .arg("--json"),
    );
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

    crossing(&fx.home)
        .args(["init", "--name", "rel", "--data-dir"])
        .arg(&fx.data)
        .args(["--store", "backups/crossing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a relative path is not a store: give an absolute one",
        ));
}

#[test]
fn a_plain_http_endpoint_needs_allow_http() {
    let home = tempfile::tempdir().unwrap();
    let snapshots = |extra: &[&str]| {
        let mut cmd = crossing(home.path());
        cmd.args([
            "snapshots",
            "--store",
            "s3://my-bucket/p",
            "--phrase-file",
            "-",
        ])
        .args([
            "--store-option",
            "endpoint=http://127.0.0.1:9",
            "--store-option",
            "retries=0",
        ])
        .envs([
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "x"),
        ])
        .env("AWS_REGION", "us-east-1");
        for e in extra {
            cmd.args(["--store-option", e]);
        }
        cmd.write_stdin(ABANDON).assert()
    };
    snapshots(&[]).code(2).stderr(
        predicate::str::contains("http://127.0.0.1:9 is plain HTTP")
            .and(predicate::str::contains("--store-option allow_http=true")),
    );
    // init refuses it too, before recording a profile every backup would fail with.
    let fx = Fixture::unconfigured(|data| std::fs::create_dir(data).unwrap());
    crossing(&fx.home)
        .args(["init", "--data-dir"])
        .arg(&fx.data)
        .args([
            "--store",
            "s3://my-bucket/p",
            "--store-option",
            "endpoint=http://10.0.0.1:9000",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--store-option allow_http=true"));
    // Allowed, the request is made (and finds nothing listening).
    snapshots(&["allow_http=true"])
        .code(5)
        .stderr(predicate::str::contains("not reachable"));
}
