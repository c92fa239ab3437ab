//! The system page: cards with the daemon's version, object counts and disk usage.

use leptos::prelude::*;

use super::dashboard::show;
use super::resource::{ResourceView, page_resource};
use crate::api::system::{system_statistics, system_version};
use crate::model::system::{SystemStatistics, SystemVersion};

/// One card of the system overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Stable key, used as the card's `data-card` attribute.
    pub key: &'static str,
    /// The card's title.
    pub title: &'static str,
    /// The headline figure.
    pub value: String,
    /// Smaller `(label, value)` lines under the figure.
    pub details: Vec<(&'static str, String)>,
}

/// Builds the overview cards from `docker version` and the daemon statistics (both as the REST API
/// reports them under `/api/system/version` and `/api/system/stats`).
pub fn overview_cards(version: &SystemVersion, stats: &SystemStatistics) -> Vec<Card> {
    let disk = &stats.disk;
    vec![
        Card {
            key: "version",
            title: "Docker",
            value: show(&version.version),
            details: vec![
                ("API", show(&version.api_version)),
                (
                    "Platform",
                    format!("{}/{}", show(&version.os), show(&version.arch)),
                ),
            ],
        },
        Card {
            key: "containers",
            title: "Containers",
            value: show(&stats.containers.total),
            details: vec![
                ("Running", show(&stats.containers.running)),
                ("Stopped", show(&stats.containers.stopped)),
                ("Paused", show(&stats.containers.paused)),
            ],
        },
        Card {
            key: "images",
            title: "Images",
            value: show(&stats.images),
            details: vec![("Size", disk.images.size.clone())],
        },
        Card {
            key: "volumes",
            title: "Volumes",
            value: stats.volumes.to_string(),
            details: vec![("Size", disk.volumes.size.clone())],
        },
        Card {
            key: "networks",
            title: "Networks",
            value: stats.networks.to_string(),
            details: Vec::new(),
        },
        Card {
            key: "disk",
            title: "Disk usage",
            value: disk.total_size.clone(),
            details: vec![
                ("Reclaimable", disk.total_reclaimable.clone()),
                ("Containers", disk.containers.size.clone()),
                ("Build cache", disk.build_cache.size.clone()),
            ],
        },
    ]
}

/// The system page.
#[component]
pub fn SystemPage() -> impl IntoView {
    let refresh = RwSignal::new(0_u32);
    let overview = page_resource(
        move || refresh.get(),
        |_| async move {
            let (version, stats) = futures_util::join!(system_version(), system_statistics());
            Ok::<_, crate::error::AppError>((version?, stats?))
        },
    );

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"System"</h1>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </div>
            <ResourceView resource=overview loading="Loading system overview…" render=|overview, _| {
                view! {
                    {move || overview.with(|(version, stats)| {
                        view! { <Overview cards=overview_cards(version, stats)/> }
                    })}
                }
                .into_any()
            }/>
        </section>
    }
}

#[component]
fn Overview(cards: Vec<Card>) -> impl IntoView {
    let cards = cards
        .into_iter()
        .map(|card| {
            let details = card
                .details
                .into_iter()
                .map(|(label, value)| {
                    view! {
                        <div class="detail">
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <article class="card" data-card=card.key>
                    <h2>{card.title}</h2>
                    <p class="card-value">{card.value}</p>
                    <dl class="card-details">{details}</dl>
                </article>
            }
        })
        .collect_view();
    view! { <div id="system-overview" class="cards">{cards}</div> }
}

#[cfg(test)]
mod tests {
    use super::overview_cards;
    use crate::model::system::{
        ContainerCounts, DiskUsage, DiskUsageOfKind, SystemStatistics, SystemVersion,
    };

    fn sized(size: &str) -> DiskUsageOfKind {
        DiskUsageOfKind {
            size: size.into(),
            ..Default::default()
        }
    }

    #[test]
    fn cards_read_the_rest_documents() {
        let version = SystemVersion {
            version: Some("20.10.24".into()),
            api_version: Some("1.41".into()),
            os: Some("linux".into()),
            arch: Some("amd64".into()),
            ..Default::default()
        };
        let stats = SystemStatistics {
            containers: ContainerCounts {
                total: Some(3),
                running: Some(1),
                stopped: Some(2),
                paused: Some(0),
            },
            images: Some(4),
            volumes: 2,
            networks: 3,
            disk: DiskUsage {
                images: sized("10MB"),
                containers: sized("1kB"),
                volumes: sized("0B"),
                build_cache: sized("0B"),
                total_size: "10MB".into(),
                total_reclaimable: "5MB".into(),
                ..Default::default()
            },
            timestamp: String::new(),
        };
        let cards = overview_cards(&version, &stats);
        assert_eq!(cards[0].value, "20.10.24");
        assert_eq!(cards[0].details[1].1, "linux/amd64");
        assert_eq!(cards[1].value, "3");
        assert_eq!(cards[1].details[0], ("Running", "1".to_string()));
        assert_eq!(cards[3].value, "2");
        assert_eq!(cards[5].value, "10MB");
        assert_eq!(cards[5].details[0].1, "5MB");
    }

    #[test]
    fn missing_fields_show_a_dash() {
        let cards = overview_cards(&SystemVersion::default(), &SystemStatistics::default());
        assert_eq!(cards[0].value, "—");
        assert_eq!(cards[2].value, "—");
    }
}
