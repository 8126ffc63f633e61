//! Append-only stores (docs/append-only.md), against real servers on
//! loopback started by .ci/servers.sh:
//!
//! - create-only writes (`PutMode::Create`, what crossing sends for every
//!   repository object) leave an existing object as it is, on every kind of
//!   store a server here accepts uploads for;
//! - credentials that cannot delete: an Azure SAS without `d` (azurite) and
//!   an IAM user without `s3:DeleteObject` (moto, which enforces IAM
//!   policies): backup, depart and snapshots work, prune fails at once
//!   with one line, a machine with delete rights prunes;
//! - what each server refuses to such credentials, checked directly.

mod kit;

use std::sync::Arc;

use bytes::Bytes;
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};

use kit::cloud::{unique, Cloud, AZURITE_ACCOUNT};
use kit::scenarios;
use kit::servers::configured;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn put(
    store: &dyn ObjectStore,
    key: &str,
    bytes: &'static [u8],
    mode: PutMode,
) -> object_store::Result<()> {
    let payload = PutPayload::from_bytes(Bytes::from_static(bytes));
    block_on(store.put_opts(&ObjPath::from(key), payload, PutOptions::from(mode))).map(|_| ())
}

fn get(store: &dyn ObjectStore, key: &str) -> Bytes {
    block_on(async { store.get(&ObjPath::from(key)).await?.bytes().await }).unwrap()
}

/// A second create-only write of `key` fails with AlreadyExists and leaves
/// the first one's bytes.
fn create_does_not_replace(store: &dyn ObjectStore, what: &str) {
    let key = format!("{}/object", unique("co"));
    put(store, &key, b"first", PutMode::Create).unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = put(store, &key, b"second", PutMode::Create);
    assert!(
        matches!(again, Err(object_store::Error::AlreadyExists { .. })),
        "{what}: a create-only write of an existing object gave {again:?}"
    );
    assert_eq!(get(store, &key), "first", "{what} replaced the object");
}

#[test]
fn create_only_writes_leave_existing_objects_on_file_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let local = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    create_does_not_replace(&local, "file://");
    create_does_not_replace(&object_store::memory::InMemory::new(), "memory://");
}

#[test]
fn create_only_writes_leave_existing_objects_on_s3s_fs() {
    let Some(cloud) = Cloud::s3() else { return };
    create_does_not_replace(&*cloud.client(), "s3s-fs");
}

#[test]
fn create_only_writes_leave_existing_objects_on_azurite() {
    let Some(cloud) = Cloud::azure() else { return };
    create_does_not_replace(&*cloud.client(), "azurite");
}

#[test]
fn create_only_writes_leave_existing_objects_on_moto() {
    let Some((device, _)) = moto() else { return };
    create_does_not_replace(&*device.client(), "moto");
}

#[test]
fn the_gcs_emulator_takes_no_upload_from_object_store() {
    // Evidence for docs/stores.md: fake-gcs-server refuses object_store's
    // XML-API uploads, so no create-only write (and no backup) can be tested
    // on gs://. When this fails, the emulator has learnt them: test the
    // write path of GCS (tests/cloud_gcs.rs) and update the docs.
    let Some(url) = configured("CROSSING_TEST_GCS_URL", "the GCS server (fake-gcs-server)") else {
        return;
    };
    let bucket = std::env::var("CROSSING_TEST_GCS_BUCKET").unwrap();
    // A key naming the emulator, without OAuth (as tests/cloud_gcs.rs does):
    // nothing asks a metadata server for a token.
    let key = serde_json::json!({
        "private_key": "",
        "private_key_id": "",
        "client_email": "",
        "gcs_base_url": url,
        "disable_oauth": true,
    });
    let gcs = object_store::gcp::GoogleCloudStorageBuilder::new()
        .with_bucket_name(&bucket)
        .with_service_account_key(key.to_string())
        .with_config(
            object_store::gcp::GoogleConfigKey::Client(object_store::ClientConfigKey::AllowHttp),
            "true",
        )
        .build()
        .unwrap();
    let err = put(
        &gcs,
        &format!("{}/object", unique("co")),
        b"first",
        PutMode::Create,
    )
    .expect_err("fake-gcs-server took an XML-API upload");
    assert!(err.to_string().contains("invalid uploadType"), "{err}");
}

/// Fails unless the server refused the request for want of a right: HTTP
/// 403, or a refused key in a bulk delete's answer (S3's DeleteObjects,
/// Azure's blob batch: object_store deletes through them).
#[track_caller]
fn refused(r: object_store::Result<()>, what: &str) {
    let ok = match &r {
        Err(object_store::Error::PermissionDenied { .. }) => true,
        Err(e) => ["(code: 403)", "(code: AccessDenied)"]
            .iter()
            .any(|c| e.to_string().contains(c)),
        Ok(()) => false,
    };
    assert!(ok, "{what} was not refused: {r:?}");
}

/// The shared moto server: the "device" user (no delete) and the "trusted" one.
fn moto() -> Option<(Cloud, Cloud)> {
    let endpoint = configured(
        "CROSSING_TEST_MOTO_ENDPOINT",
        "the S3 server with IAM (moto)",
    )?;
    let bucket = std::env::var("CROSSING_TEST_MOTO_BUCKET").unwrap();
    let user = |who: &str| {
        let var = |what: &str| std::env::var(format!("CROSSING_TEST_MOTO_{who}_{what}")).unwrap();
        Cloud::s3_at(&endpoint, &bucket, &var("KEY"), &var("SECRET"))
    };
    Some((user("DEVICE"), user("TRUSTED")))
}

/// The shared azurite through a container SAS (`CROSSING_TEST_AZURE_SAS_{name}`).
fn azure_sas(name: &str) -> Option<(Cloud, String)> {
    let cloud = Cloud::azure()?;
    let sas = std::env::var(format!("CROSSING_TEST_AZURE_SAS_{name}"))
        .expect("the SAS tokens .ci/servers.sh makes");
    let mut device = cloud.clone();
    device
        .env
        .push(("AZURE_STORAGE_SAS_TOKEN".into(), sas.clone()));
    let signature = sas.split("sig=").nth(1).unwrap_or_default().to_string();
    device.secrets.push(signature);
    Some((device, sas))
}

/// An object_store client of the test's own, signing with `sas`.
fn azure_client(cloud: &Cloud, sas: &str) -> Arc<dyn ObjectStore> {
    Arc::new(
        MicrosoftAzureBuilder::new()
            .with_endpoint(format!("{}/{AZURITE_ACCOUNT}", cloud.endpoint))
            .with_allow_http(true)
            .with_account(AZURITE_ACCOUNT)
            .with_config(AzureConfigKey::SasKey, sas)
            .with_container_name(&cloud.bucket)
            .build()
            .unwrap(),
    )
}

#[test]
fn azure_sas_without_delete_appends_and_a_trusted_machine_prunes() {
    let Some((device, _)) = azure_sas("APPEND") else {
        return;
    };
    let trusted = Cloud::azure().unwrap();
    scenarios::device_appends_trusted_machine_prunes(&device, &trusted);
}

#[test]
fn s3_user_without_delete_appends_and_a_trusted_machine_prunes() {
    let Some((device, trusted)) = moto() else {
        return;
    };
    scenarios::device_appends_trusted_machine_prunes(&device, &trusted);
}

/// What azurite enforces for a SAS: without `d` nothing is deleted; `w`
/// allows overwriting (so racwl leaves only crossing's own create-only
/// writes between an object and its replacement), and a SAS without `w`
/// (rcl) refuses every overwrite but also block uploads.
#[test]
fn azure_sas_permissions_as_the_emulator_enforces_them() {
    let Some((cloud, append)) = azure_sas("APPEND") else {
        return;
    };
    let create = std::env::var("CROSSING_TEST_AZURE_SAS_CREATE").unwrap();
    let (racwl, rcl) = (azure_client(&cloud, &append), azure_client(&cloud, &create));
    let dir = unique("sas");
    let key = format!("{dir}/object");
    let path = ObjPath::from(key.as_str());

    create_does_not_replace(&*racwl, "azurite with a racwl SAS");
    put(&*racwl, &key, b"first", PutMode::Create).unwrap();
    refused(block_on(racwl.delete(&path)), "delete with racwl");
    refused(block_on(rcl.delete(&path)), "delete with rcl");
    refused(
        put(&*rcl, &key, b"second", PutMode::Overwrite),
        "overwrite with rcl",
    );
    assert_eq!(get(&*racwl, &key), "first");
    // rcl creates new objects in one request, but not in blocks.
    put(&*rcl, &format!("{dir}/new"), b"new", PutMode::Overwrite).unwrap();
    let blocks = block_on(async {
        let mut upload = rcl
            .put_multipart(&ObjPath::from(format!("{dir}/big")))
            .await?;
        upload.put_part(PutPayload::from_static(b"part")).await?;
        upload.complete().await
    });
    refused(blocks.map(|_| ()), "a block upload with rcl");
    // racwl may overwrite: only create-only writes keep an object.
    put(&*racwl, &key, b"second", PutMode::Overwrite).unwrap();
    assert_eq!(get(&*racwl, &key), "second");
}

/// What moto enforces for the device's IAM policy: no delete (even of a
/// missing object, which is how prune checks before it changes anything);
/// overwriting is an s3:PutObject like any other write, which only S3's
/// conditional-write bucket policy or Object Lock prevents (not emulated).
#[test]
fn s3_policy_without_delete_as_moto_enforces_it() {
    let Some((device, trusted)) = moto() else {
        return;
    };
    let (d, t) = (device.client(), trusted.client());
    let key = format!("{}/object", unique("iam"));
    let path = ObjPath::from(key.as_str());
    put(&*d, &key, b"first", PutMode::Create).unwrap();
    for target in [path.clone(), ObjPath::from(format!("{key}-absent"))] {
        refused(block_on(d.delete(&target)), "a delete by the device");
    }
    assert_eq!(get(&*d, &key), "first");
    put(&*d, &key, b"second", PutMode::Overwrite).unwrap();
    assert_eq!(get(&*d, &key), "second");
    block_on(t.delete(&path)).unwrap();
}
