//! `/system/df`, typed: the daemon's disk usage document in both of its shapes (API < 1.52 lists every
//! object; 1.52+ sends one usage summary per kind), and its summary the way `docker system df` prints it.
//! bollard's typed model follows API 1.52 only, so the document is read into these structs of our own.

use serde::de::{Deserializer, IgnoredAny};
use serde::{Deserialize, Serialize};

use crate::model::human_size;
use crate::model::system::{DiskUsage, DiskUsageOfKind};

/// Reads `null` (which old engines send for an empty list) as the type's default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// The daemon's `/system/df` answer (the fields Berth reads).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct DiskUsageDocument {
    /// API < 1.52: the size of every image layer, shared ones once.
    #[serde(deserialize_with = "null_as_default")]
    layers_size: i64,
    /// API < 1.52: every image.
    #[serde(deserialize_with = "null_as_default")]
    images: Vec<ImageUsageItem>,
    /// API < 1.52: every container.
    #[serde(deserialize_with = "null_as_default")]
    containers: Vec<ContainerUsageItem>,
    /// API < 1.52: every volume.
    #[serde(deserialize_with = "null_as_default")]
    volumes: Vec<VolumeUsageItem>,
    /// API < 1.52: every build cache record.
    #[serde(deserialize_with = "null_as_default")]
    build_cache: Vec<BuildCacheItem>,
    /// API 1.52+: the images' summary.
    image_usage: Option<UsageGroup>,
    /// API 1.52+: the containers' summary.
    container_usage: Option<UsageGroup>,
    /// API 1.52+: the volumes' summary, with the volumes.
    volume_usage: Option<UsageGroup<VolumeUsageItem>>,
    /// API 1.52+: the build cache's summary.
    build_cache_usage: Option<UsageGroup>,
}

/// One image of an old-shape document.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ImageUsageItem {
    #[serde(deserialize_with = "null_as_default")]
    containers: i64,
    #[serde(deserialize_with = "null_as_default")]
    size: i64,
    #[serde(deserialize_with = "null_as_default")]
    shared_size: i64,
}

/// One container of an old-shape document.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct ContainerUsageItem {
    #[serde(deserialize_with = "null_as_default")]
    state: String,
    #[serde(deserialize_with = "null_as_default")]
    size_rw: i64,
}

/// One volume, in either shape.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumeUsageItem {
    #[serde(deserialize_with = "null_as_default")]
    name: String,
    #[serde(deserialize_with = "null_as_default")]
    driver: String,
    usage_data: Option<VolumeUsageData>,
}

/// A volume's size and users as the daemon counts them (-1 when it does not know).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct VolumeUsageData {
    size: i64,
    ref_count: i64,
}

impl Default for VolumeUsageData {
    fn default() -> Self {
        Self {
            size: -1,
            ref_count: -1,
        }
    }
}

/// One build cache record of an old-shape document.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BuildCacheItem {
    #[serde(deserialize_with = "null_as_default")]
    size: i64,
    #[serde(deserialize_with = "null_as_default")]
    in_use: bool,
    #[serde(deserialize_with = "null_as_default")]
    shared: bool,
}

/// One kind's summary in a 1.52+ document.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", default, bound = "Item: Deserialize<'de>")]
struct UsageGroup<Item = IgnoredAny> {
    #[serde(deserialize_with = "null_as_default")]
    total_count: i64,
    #[serde(deserialize_with = "null_as_default")]
    active_count: i64,
    #[serde(deserialize_with = "null_as_default")]
    total_size: i64,
    #[serde(deserialize_with = "null_as_default")]
    reclaimable: i64,
    #[serde(deserialize_with = "null_as_default")]
    items: Vec<Item>,
}

impl<Item> Default for UsageGroup<Item> {
    fn default() -> Self {
        Self {
            total_count: 0,
            active_count: 0,
            total_size: 0,
            reclaimable: 0,
            items: Vec::new(),
        }
    }
}

impl<Item> UsageGroup<Item> {
    fn totals(&self) -> UsageTotals {
        UsageTotals {
            total_count: self.total_count,
            active: self.active_count,
            size: self.total_size,
            reclaimable: self.reclaimable,
        }
    }
}

/// A volume as `/system/df` reports it: name, driver, size and reference count (-1 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct VolumeDiskUsage {
    pub name: String,
    pub driver: String,
    pub size: i64,
    pub ref_count: i64,
}

/// Totals of one kind of object in `docker system df`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UsageTotals {
    pub total_count: i64,
    pub active: i64,
    pub size: i64,
    pub reclaimable: i64,
}

impl UsageTotals {
    fn view(self) -> DiskUsageOfKind {
        let percent = if self.size > 0 {
            (self.reclaimable as f64 / self.size as f64 * 1000.0).round() / 10.0
        } else {
            0.0
        };
        DiskUsageOfKind {
            total_count: self.total_count,
            active: self.active,
            size_bytes: self.size,
            size: human_size(self.size),
            reclaimable_bytes: self.reclaimable,
            reclaimable: human_size(self.reclaimable),
            reclaimable_percent: percent,
        }
    }
}

impl DiskUsageDocument {
    /// Every volume with its size and reference count, from either shape.
    pub(crate) fn volumes(&self) -> Vec<VolumeDiskUsage> {
        let volumes = match &self.volume_usage {
            Some(group) if self.volumes.is_empty() => &group.items,
            _ => &self.volumes,
        };
        volumes
            .iter()
            .map(|volume| {
                let usage = volume.usage_data.as_ref();
                VolumeDiskUsage {
                    name: volume.name.clone(),
                    driver: volume.driver.clone(),
                    size: usage.map_or(-1, |u| u.size),
                    ref_count: usage.map_or(-1, |u| u.ref_count),
                }
            })
            .collect()
    }

    /// Images, containers, volumes and build cache summarised the way `docker system df` does.
    pub(crate) fn summarise(&self) -> [UsageTotals; 4] {
        if let Some(images) = &self.image_usage {
            let totals = |group: Option<UsageTotals>| group.unwrap_or_default();
            return [
                images.totals(),
                totals(self.container_usage.as_ref().map(UsageGroup::totals)),
                totals(self.volume_usage.as_ref().map(UsageGroup::totals)),
                totals(self.build_cache_usage.as_ref().map(UsageGroup::totals)),
            ];
        }
        let mut used = 0;
        let mut active_images = 0;
        for image in self.images.iter().filter(|image| image.containers > 0) {
            active_images += 1;
            if image.size >= 0 && image.shared_size >= 0 {
                used += image.size - image.shared_size;
            }
        }
        let images = UsageTotals {
            total_count: self.images.len() as i64,
            active: active_images,
            size: self.layers_size,
            reclaimable: (self.layers_size - used).max(0),
        };

        let mut containers = UsageTotals::default();
        for container in &self.containers {
            containers.total_count += 1;
            let size = container.size_rw.max(0);
            containers.size += size;
            if container.state == "running" {
                containers.active += 1;
            } else {
                containers.reclaimable += size;
            }
        }

        let mut volumes = UsageTotals::default();
        for volume in self.volumes() {
            volumes.total_count += 1;
            let size = volume.size.max(0);
            volumes.size += size;
            if volume.ref_count > 0 {
                volumes.active += 1;
            } else {
                volumes.reclaimable += size;
            }
        }

        let mut cache = UsageTotals::default();
        for record in &self.build_cache {
            cache.total_count += 1;
            if record.in_use {
                cache.active += 1;
            }
            if !record.shared {
                let size = record.size.max(0);
                cache.size += size;
                if !record.in_use {
                    cache.reclaimable += size;
                }
            }
        }
        [images, containers, volumes, cache]
    }

    /// The summary `GET /api/system/df` answers.
    pub(crate) fn view(&self) -> DiskUsage {
        let [images, containers, volumes, build_cache] = self.summarise();
        let total = images.size + containers.size + volumes.size + build_cache.size;
        let reclaimable = images.reclaimable
            + containers.reclaimable
            + volumes.reclaimable
            + build_cache.reclaimable;
        DiskUsage {
            images: images.view(),
            containers: containers.view(),
            volumes: volumes.view(),
            build_cache: build_cache.view(),
            total_size_bytes: total,
            total_size: human_size(total),
            total_reclaimable_bytes: reclaimable,
            total_reclaimable: human_size(reclaimable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(value: serde_json::Value) -> DiskUsageDocument {
        serde_json::from_value(value).expect("a df document")
    }

    #[test]
    fn old_df_documents_are_summarised_like_docker_system_df() {
        let doc = document(json!({
            "LayersSize": 1000,
            "Images": [
                {"Containers": 1, "Size": 600, "SharedSize": 0},
                {"Containers": 0, "Size": 400, "SharedSize": 0}
            ],
            "Containers": [
                {"State": "running", "SizeRw": 10},
                {"State": "exited", "SizeRw": 5}
            ],
            "Volumes": [
                {"UsageData": {"Size": 100, "RefCount": 1}},
                {"UsageData": {"Size": 50, "RefCount": 0}}
            ],
            "BuildCache": [{"Size": 7, "InUse": false, "Shared": false}]
        }));
        let [images, containers, volumes, cache] = doc.summarise();
        let totals = |total_count, active, size, reclaimable| UsageTotals {
            total_count,
            active,
            size,
            reclaimable,
        };
        assert_eq!(images, totals(2, 1, 1000, 400));
        assert_eq!(containers, totals(2, 1, 15, 5));
        assert_eq!(volumes, totals(2, 1, 150, 50));
        assert_eq!(cache, totals(1, 0, 7, 7));
    }

    #[test]
    fn new_df_documents_are_read_too() {
        let doc = document(json!({
            "ImageUsage": {"TotalCount": 3, "ActiveCount": 1, "TotalSize": 9, "Reclaimable": 4, "Items": [{}]},
            "VolumeUsage": {"TotalCount": 1, "ActiveCount": 0, "TotalSize": 5, "Reclaimable": 5,
                "Items": [{"Name": "v", "Driver": "local", "UsageData": {"Size": 5, "RefCount": 0}}]}
        }));
        let [images, _, volumes, cache] = doc.summarise();
        assert_eq!(
            images,
            UsageTotals {
                total_count: 3,
                active: 1,
                size: 9,
                reclaimable: 4
            }
        );
        assert_eq!(volumes.size, 5);
        assert_eq!(cache, UsageTotals::default());
        assert_eq!(
            doc.volumes(),
            vec![VolumeDiskUsage {
                name: "v".into(),
                driver: "local".into(),
                size: 5,
                ref_count: 0
            }]
        );
    }

    #[test]
    fn nulls_and_missing_fields_of_old_engines_read_as_empty() {
        let doc = document(json!({
            "LayersSize": 0, "Images": null, "Containers": [], "BuildCache": null,
            "Volumes": [{"Name": "v", "Driver": "local", "UsageData": null}]
        }));
        assert_eq!(doc.volumes()[0].size, -1);
        let view = serde_json::to_value(doc.view()).expect("a view");
        assert_eq!(view["volumes"]["total_count"], 1);
        assert_eq!(view["volumes"]["size_bytes"], 0);
    }

    #[test]
    fn the_view_keeps_the_documented_shape_and_key_order() {
        let view = document(json!({"LayersSize": 2048, "Images": [{"Containers": 0, "Size": 2048, "SharedSize": 0}]})).view();
        let text = serde_json::to_string(&view).expect("json");
        assert_eq!(
            text,
            concat!(
                r#"{"images":{"total_count":1,"active":0,"size_bytes":2048,"size":"2.048kB","reclaimable_bytes":2048,"reclaimable":"2.048kB","reclaimable_percent":100.0},"#,
                r#""containers":{"total_count":0,"active":0,"size_bytes":0,"size":"0B","reclaimable_bytes":0,"reclaimable":"0B","reclaimable_percent":0.0},"#,
                r#""volumes":{"total_count":0,"active":0,"size_bytes":0,"size":"0B","reclaimable_bytes":0,"reclaimable":"0B","reclaimable_percent":0.0},"#,
                r#""build_cache":{"total_count":0,"active":0,"size_bytes":0,"size":"0B","reclaimable_bytes":0,"reclaimable":"0B","reclaimable_percent":0.0},"#,
                r#""total_size_bytes":2048,"total_size":"2.048kB","total_reclaimable_bytes":2048,"total_reclaimable":"2.048kB"}"#
            )
        );
    }
}
