//! Azure Blob Storage through a real server: Microsoft's emulator azurite,
//! started by .ci/servers.sh (and privately by the fault test, which stops it).

mod kit;

use kit::cloud::Cloud;
use kit::scenarios::{self, Stop};
use kit::servers;

#[test]
fn round_trip() {
    let Some(cloud) = Cloud::azure() else { return };
    scenarios::round_trip(&cloud);
}

#[test]
fn account_key_and_endpoint() {
    // Not the emulator switch: an account, its key and an endpoint, as for
    // a real account (the emulator's account and key are public).
    let Some(mut cloud) = Cloud::azure() else {
        return;
    };
    cloud.env = vec![
        (
            "AZURE_STORAGE_ACCOUNT_NAME".into(),
            kit::cloud::AZURITE_ACCOUNT.into(),
        ),
        (
            "AZURE_STORAGE_ACCOUNT_KEY".into(),
            kit::cloud::AZURITE_KEY.into(),
        ),
    ];
    cloud.options = vec![
        format!(
            "endpoint={}/{}",
            cloud.endpoint,
            kit::cloud::AZURITE_ACCOUNT
        ),
        "allow_http=true".into(),
    ];
    scenarios::round_trip(&cloud);
}

#[test]
fn store_emptied_behind_crossings_back() {
    let Some(cloud) = Cloud::azure() else { return };
    scenarios::store_emptied(&cloud);
}

#[test]
fn bad_settings_are_clear() {
    let Some(cloud) = Cloud::azure() else { return };
    scenarios::bad_settings(&cloud, "AZURE_STORAGE_ACCOUNT_KEY", true);
}

#[test]
fn server_stopped_mid_backup() {
    let Some((mut server, cloud)) = servers::azurite("fault") else {
        return;
    };
    // SIGTERM: azurite keeps its metadata in memory and saves it on exit.
    scenarios::server_stops_mid_backup(&mut server, &cloud, Stop::Terminate);
}

#[test]
fn restore_through_dropped_connections() {
    let Some(cloud) = Cloud::azure() else { return };
    scenarios::restore_through_dropped_connections(&cloud);
}

#[test]
fn server_stopped_mid_restore() {
    let Some((mut server, cloud)) = servers::azurite("fault") else {
        return;
    };
    scenarios::server_stops_mid_restore(&mut server, &cloud, Stop::Terminate);
}
