//! The Stats tab: CPU and memory of the last [`SAMPLES_KEPT`] samples (about one a second, from the stats
//! stream), drawn as small SVG line charts, with the latest figures of network, block I/O and processes.

use leptos::prelude::*;

use crate::model::containers::ContainerStats;
use crate::model::human_size;
use crate::ui::live::use_container_stats;

/// How many samples the charts show.
pub const SAMPLES_KEPT: usize = 60;

/// The charts' drawing size, in SVG units.
const CHART_WIDTH: f64 = 300.0;
const CHART_HEIGHT: f64 = 80.0;

/// The points of an SVG polyline for `values`, scaled so that `ceiling` touches the top; the newest value
/// is at the right edge and each sample takes 1/[`SAMPLES_KEPT`] of the width.
pub fn chart_points(values: &[f64], ceiling: f64) -> String {
    let ceiling = if ceiling > 0.0 { ceiling } else { 1.0 };
    let step = CHART_WIDTH / (SAMPLES_KEPT.saturating_sub(1).max(1)) as f64;
    let offset = SAMPLES_KEPT.saturating_sub(values.len()) as f64 * step;
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let x = offset + index as f64 * step;
            let y = CHART_HEIGHT - (value.max(0.0) / ceiling).min(1.0) * CHART_HEIGHT;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The top of a chart: a quarter above the highest sample, so the line's shape shows even for small
/// values, and at least `floor` (an idle container draws a flat line near the bottom, not noise scaled up).
pub fn chart_ceiling(values: &[f64], floor: f64) -> f64 {
    let highest = values.iter().copied().fold(0.0, f64::max);
    (highest * 1.25).max(floor)
}

/// The Stats tab.
#[component]
pub fn StatsTab(
    /// The container's name.
    name: String,
    /// Whether it runs (a stopped container has no samples).
    running: bool,
) -> impl IntoView {
    if !running {
        return view! { <p class="muted">"The container is not running: start it to see its usage."</p> }
            .into_any();
    }
    let samples = use_container_stats(&name, SAMPLES_KEPT);
    let latest = move || samples.with(|samples| samples.last().cloned());
    let cpu =
        move || samples.with(|samples| samples.iter().map(|s| s.cpu_percent).collect::<Vec<_>>());
    let memory = move || {
        samples.with(|samples| {
            samples
                .iter()
                .map(|s| s.memory_usage as f64)
                .collect::<Vec<_>>()
        })
    };
    let cpu_top = move || chart_ceiling(&cpu(), 1.0);
    let memory_top = move || chart_ceiling(&memory(), 1_000_000.0);
    let cpu_text =
        move || latest().map_or_else(|| "—".to_string(), |s| format!("{:.1} %", s.cpu_percent));
    let memory_text = move || {
        latest().map_or_else(
            || "—".to_string(),
            |s| {
                format!(
                    "{} of {} ({:.1} %)",
                    human_size(s.memory_usage as i64),
                    human_size(s.memory_limit as i64),
                    s.memory_percent
                )
            },
        )
    };
    view! {
        <p class="muted stats-summary">
            {move || samples.with(|s| if s.is_empty() { "Waiting for the first sample…".to_string() } else { format!("Last {} samples, about one a second", s.len()) })}
        </p>
        <div class="charts">
            <Chart
                id="cpu-chart"
                title="CPU"
                figure=Signal::derive(cpu_text)
                top=Signal::derive(move || format!("{:.1} %", cpu_top()))
                points=Signal::derive(move || chart_points(&cpu(), cpu_top()))
            />
            <Chart
                id="memory-chart"
                title="Memory"
                figure=Signal::derive(memory_text)
                top=Signal::derive(move || human_size(memory_top() as i64))
                points=Signal::derive(move || chart_points(&memory(), memory_top()))
            />
        </div>
        {move || latest().map(|sample| view! { <StatsFigures sample/> })}
    }
    .into_any()
}

#[component]
fn Chart(
    id: &'static str,
    title: &'static str,
    figure: Signal<String>,
    top: Signal<String>,
    points: Signal<String>,
) -> impl IntoView {
    view! {
        <figure class="chart-card" id=id>
            <figcaption><strong>{title}</strong>" "<span class="chart-figure">{move || figure.get()}</span></figcaption>
            <svg
                class="chart"
                viewBox=format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=move || format!("{title} over the last minute: {}", figure.get())
            >
                <line class="chart-grid" x1="0" y1=CHART_HEIGHT / 2.0 x2=CHART_WIDTH y2=CHART_HEIGHT / 2.0/>
                <polyline class="chart-line" fill="none" points=move || points.get()/>
            </svg>
            <p class="chart-scale muted">{move || format!("Top of the chart: {}", top.get())}</p>
        </figure>
    }
}

#[component]
fn StatsFigures(sample: ContainerStats) -> impl IntoView {
    let figures = [
        ("Network in", human_size(sample.network_rx_bytes as i64)),
        ("Network out", human_size(sample.network_tx_bytes as i64)),
        ("Block read", human_size(sample.block_read_bytes as i64)),
        ("Block written", human_size(sample.block_write_bytes as i64)),
        ("Processes", sample.pids.to_string()),
    ];
    let figures = figures
        .into_iter()
        .map(|(label, value)| view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="facts stats-figures">{figures}</dl> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_sample_is_at_the_right_edge_and_values_scale_to_the_ceiling() {
        let points = chart_points(&[0.0, 50.0, 100.0], 100.0);
        let pairs: Vec<&str> = points.split(' ').collect();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[2], "300.0,0.0");
        assert!(pairs[1].ends_with(",40.0"));
        assert!(pairs[0].ends_with(",80.0"));
        assert_eq!(chart_points(&[], 100.0), "");
    }

    #[test]
    fn a_chart_s_top_follows_its_highest_sample_above_a_floor() {
        assert_eq!(chart_ceiling(&[3.0, 20.0], 1.0), 25.0);
        assert_eq!(chart_ceiling(&[150.0], 1.0), 187.5);
        assert_eq!(chart_ceiling(&[0.1], 1.0), 1.0);
        assert_eq!(chart_ceiling(&[], 1.0), 1.0);
    }
}
