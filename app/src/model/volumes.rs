//! Volume views and requests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One row of `GET /api/volumes`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeSummary {
    /// The volume's name.
    pub name: String,
    /// The volume driver, e.g. `local`.
    pub driver: String,
    /// Where the volume lives on the daemon's host.
    pub mountpoint: String,
    /// Creation time as the daemon reports it (RFC 3339).
    pub created: String,
    /// Volume labels.
    pub labels: BTreeMap<String, String>,
    /// `local` or `global`.
    pub scope: String,
    /// The driver options the volume was created with (`docker volume create --opt`).
    pub options: BTreeMap<String, String>,
}

/// A container that uses a volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeUser {
    /// 12-character short id of the container.
    pub id: String,
    /// Container name without `/`.
    pub name: String,
    /// Docker's state of the container: `running`, `exited`, `created`...
    pub status: String,
    /// Where the volume is mounted in the container.
    pub destination: String,
    /// Whether the mount is writable.
    pub rw: bool,
}

/// `GET /api/volumes/{name}`: one volume and the containers using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeDetails {
    /// The volume's name.
    pub name: String,
    /// The volume driver.
    pub driver: String,
    /// Where the volume lives on the daemon's host.
    pub mountpoint: String,
    /// Creation time (RFC 3339).
    pub created: String,
    /// Volume labels.
    pub labels: BTreeMap<String, String>,
    /// `local` or `global`.
    pub scope: String,
    /// Driver options.
    pub options: BTreeMap<String, String>,
    /// Whether any container (running or not) uses the volume.
    pub in_use: bool,
    /// The containers using the volume.
    pub containers: Vec<VolumeUser>,
}

/// Body of `POST /api/volumes` (`docker volume create`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateVolumeRequest {
    /// The name; omitted, the daemon generates one.
    pub name: Option<String>,
    /// The driver (default `local`).
    pub driver: Option<String>,
    /// Labels.
    pub labels: Option<BTreeMap<String, String>>,
    /// Driver options, as `docker volume create --opt k=v` (docker-py calls them `driver_opts`).
    #[serde(alias = "driver_opts")]
    pub options: Option<BTreeMap<String, String>>,
}

/// What a volume create or remove did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The volume's name.
    pub name: String,
    /// `created` or `removed`.
    pub status: String,
    /// The volume as the daemon reports it (create only).
    pub volume: Option<VolumeSummary>,
}

/// What `POST /api/volumes/prune` removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PruneVolumesResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The names of the volumes removed, exactly as the daemon reported them.
    pub volumes_deleted: Vec<String>,
    /// How many volumes were removed.
    pub count: usize,
    /// Bytes freed.
    pub space_reclaimed: i64,
    /// Bytes freed, in decimal units.
    pub space_reclaimed_human: String,
}

/// One volume in `GET /api/volumes/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeUsage {
    /// The volume's name.
    pub name: String,
    /// The volume driver.
    pub driver: String,
    /// Size in bytes (`-1` when the driver cannot tell).
    pub size_bytes: i64,
    /// Size in decimal units (`N/A` when unknown).
    pub size: String,
    /// How many containers reference it, per the daemon.
    pub ref_count: i64,
    /// Whether a container uses it.
    pub in_use: bool,
    /// Names of the containers using it.
    pub containers: Vec<String>,
}

/// Totals for one volume driver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DriverUsage {
    /// Volumes of this driver.
    pub count: usize,
    /// Their total known size in bytes.
    pub size_bytes: i64,
    /// Their total known size in decimal units.
    pub size: String,
}

/// `GET /api/volumes/stats`: sizes and users of every volume, with totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VolumeStats {
    /// Number of volumes.
    pub total_count: usize,
    /// Total known size in bytes.
    pub total_size_bytes: i64,
    /// Total known size in decimal units.
    pub total_size: String,
    /// Volumes used by at least one container.
    pub in_use: usize,
    /// Volumes no container uses.
    pub unused: usize,
    /// Bytes held by unused volumes (what a prune of all unused volumes would free).
    pub reclaimable_bytes: i64,
    /// Reclaimable space in decimal units.
    pub reclaimable: String,
    /// Totals per driver.
    pub by_driver: BTreeMap<String, DriverUsage>,
    /// Every volume, largest first.
    pub volumes: Vec<VolumeUsage>,
    /// When the statistics were taken, RFC 3339 UTC.
    pub timestamp: String,
}
