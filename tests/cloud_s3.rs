//! S3 through a real server: s3s-fs, which checks SigV4 signatures, started
//! by .ci/servers.sh (and privately by the fault tests, which stop it).

mod kit;

use kit::cloud::Cloud;
use kit::scenarios::{self, Stop};
use kit::servers;

#[test]
fn round_trip() {
    let Some(cloud) = Cloud::s3() else { return };
    scenarios::round_trip(&cloud);
}

#[test]
fn endpoint_kept_in_the_profile() {
    // The S3-compatible way: the endpoint is a profile setting, not a variable.
    let Some(mut cloud) = Cloud::s3() else { return };
    cloud
        .env
        .retain(|(k, _)| k != "AWS_ENDPOINT" && k != "AWS_ALLOW_HTTP");
    cloud.options = vec![
        format!("endpoint={}", cloud.endpoint),
        "allow_http=true".into(),
    ];
    scenarios::round_trip(&cloud);
}

#[test]
fn store_emptied_behind_crossings_back() {
    let Some(cloud) = Cloud::s3() else { return };
    scenarios::store_emptied(&cloud);
}

#[test]
fn bad_settings_are_clear() {
    let Some(cloud) = Cloud::s3() else { return };
    scenarios::bad_settings(&cloud, "AWS_SECRET_ACCESS_KEY", false);
}

#[test]
fn server_killed_mid_backup() {
    let Some((mut server, cloud)) = servers::s3s_fs("fault") else {
        return;
    };
    scenarios::server_stops_mid_backup(&mut server, &cloud, Stop::Kill);
}

#[test]
fn restore_through_dropped_connections() {
    let Some(cloud) = Cloud::s3() else { return };
    scenarios::restore_through_dropped_connections(&cloud);
}

#[test]
fn server_stopped_mid_restore() {
    let Some((mut server, cloud)) = servers::s3s_fs("fault") else {
        return;
    };
    scenarios::server_stops_mid_restore(&mut server, &cloud, Stop::Kill);
}
