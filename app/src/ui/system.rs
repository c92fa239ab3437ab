//! The system page: cards with the daemon's version, object counts and disk usage.

use leptos::prelude::*;
use serde_json::Value;

use super::ErrorBanner;
use crate::api::system::{system_statistics, system_version};

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

/// Shows a JSON value as text: strings as they are, `null` as a dash, anything else as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// Builds the overview cards from `docker version` and the daemon statistics (both as the REST API
/// reports them under `/api/system/version` and `/api/system/stats`).
pub fn overview_cards(version: &Value, stats: &Value) -> Vec<Card> {
    let disk = &stats["disk"];
    let size_of = |kind: &str| show(&disk[kind]["size"]);
    vec![
        Card {
            key: "version",
            title: "Docker",
            value: show(&version["version"]),
            details: vec![
                ("API", show(&version["api_version"])),
                (
                    "Platform",
                    format!("{}/{}", show(&version["os"]), show(&version["arch"])),
                ),
            ],
        },
        Card {
            key: "containers",
            title: "Containers",
            value: show(&stats["containers"]["total"]),
            details: vec![
                ("Running", show(&stats["containers"]["running"])),
                ("Stopped", show(&stats["containers"]["stopped"])),
                ("Paused", show(&stats["containers"]["paused"])),
            ],
        },
        Card {
            key: "images",
            title: "Images",
            value: show(&stats["images"]),
            details: vec![("Size", size_of("images"))],
        },
        Card {
            key: "volumes",
            title: "Volumes",
            value: show(&stats["volumes"]),
            details: vec![("Size", size_of("volumes"))],
        },
        Card {
            key: "networks",
            title: "Networks",
            value: show(&stats["networks"]),
            details: Vec::new(),
        },
        Card {
            key: "disk",
            title: "Disk usage",
            value: show(&disk["total_size"]),
            details: vec![
                ("Reclaimable", show(&disk["total_reclaimable"])),
                ("Containers", size_of("containers")),
                ("Build cache", size_of("build_cache")),
            ],
        },
    ]
}

/// The system page.
#[component]
pub fn SystemPage() -> impl IntoView {
    let refresh = RwSignal::new(0_u32);
    let version = Resource::new(move || refresh.get(), |_| system_version());
    let stats = Resource::new(move || refresh.get(), |_| system_statistics());

    view! {
        <section class="page">
            <div class="page-head">
                <h1>"System"</h1>
                <button class="refresh" on:click=move |_| refresh.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading system overview…"</p> }>
                {move || Suspend::new(async move {
                    match (version.await, stats.await) {
                        (Ok(version), Ok(stats)) => {
                            let cards = overview_cards(&version, &stats);
                            view! { <Overview cards/> }.into_any()
                        }
                        (Err(error), _) | (_, Err(error)) => view! { <ErrorBanner error/> }.into_any(),
                    }
                })}
            </Transition>
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
    use serde_json::json;

    #[test]
    fn cards_read_the_rest_documents() {
        let version =
            json!({"version": "20.10.24", "api_version": "1.41", "os": "linux", "arch": "amd64"});
        let stats = json!({
            "containers": {"total": 3, "running": 1, "stopped": 2, "paused": 0},
            "images": 4,
            "volumes": 2,
            "networks": 3,
            "disk": {
                "images": {"size": "10MB"},
                "containers": {"size": "1kB"},
                "volumes": {"size": "0B"},
                "build_cache": {"size": "0B"},
                "total_size": "10MB",
                "total_reclaimable": "5MB",
            },
        });
        let cards = overview_cards(&version, &stats);
        assert_eq!(cards[0].value, "20.10.24");
        assert_eq!(cards[0].details[1].1, "linux/amd64");
        assert_eq!(cards[1].value, "3");
        assert_eq!(cards[1].details[0], ("Running", "1".to_string()));
        assert_eq!(cards[5].value, "10MB");
        assert_eq!(cards[5].details[0].1, "5MB");
    }

    #[test]
    fn missing_fields_show_a_dash() {
        let cards = overview_cards(&json!({}), &json!({}));
        assert_eq!(cards[0].value, "—");
        assert_eq!(cards[2].value, "—");
    }
}
