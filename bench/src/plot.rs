//! The fleet's picture: requests per second over time, per process and in total, against the
//! quota, with the Redis outage shaded; one panel per run, as SVG.

use plotters::prelude::*;
use std::path::Path;

/// One line of a chart.
pub(crate) struct Series {
    pub(crate) name: String,
    /// (seconds, requests per second)
    pub(crate) points: Vec<(f64, f64)>,
}

/// One panel.
pub(crate) struct Chart {
    pub(crate) title: String,
    /// The first series is the total, drawn thicker.
    pub(crate) series: Vec<Series>,
    /// Requests per second the service allows.
    pub(crate) quota: f64,
    /// When Redis was down, in seconds.
    pub(crate) outage: Option<(f64, f64)>,
}

const COLOURS: [RGBColor; 5] = [
    RGBColor(0x22, 0x22, 0x22),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
];
const QUOTA_COLOUR: RGBColor = RGBColor(0xd6, 0x27, 0x28);

/// Draws the charts one above the other into `path`.
pub(crate) fn draw(path: &Path, charts: &[Chart]) -> Result<(), Box<dyn std::error::Error>> {
    let height = 380 * u32::try_from(charts.len().max(1))?;
    let root = SVGBackend::new(path, (960, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let seconds = charts
        .iter()
        .flat_map(|c| c.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)))
        .fold(1.0_f64, f64::max)
        .ceil();
    for (chart, area) in charts.iter().zip(root.split_evenly((charts.len(), 1))) {
        panel(&area, chart, seconds)?;
    }
    root.present()?;
    Ok(())
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    chart: &Chart,
    seconds: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let top = chart.quota * 1.2;
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..seconds, 0.0..top)?;
    plot.configure_mesh()
        .x_desc("seconds since the fleet started")
        .y_desc("requests per second")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    if let Some((from, to)) = chart.outage {
        plot.draw_series(std::iter::once(Rectangle::new(
            [(from, 0.0), (to, top)],
            BLACK.mix(0.08).filled(),
        )))?
        .label("Redis stopped")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], BLACK.mix(0.15).filled()));
    }
    plot.draw_series(DashedLineSeries::new(
        [(0.0, chart.quota), (seconds, chart.quota)],
        8,
        5,
        QUOTA_COLOUR.stroke_width(2),
    ))?
    .label(format!("quota ({:.0}/s)", chart.quota))
    .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], QUOTA_COLOUR.stroke_width(2)));
    for (i, series) in chart.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let width = if i == 0 { 3 } else { 2 };
        plot.draw_series(LineSeries::new(
            series.points.iter().copied(),
            colour.stroke_width(width),
        ))?
        .label(series.name.clone())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(width)));
    }
    plot.configure_series_labels()
        .position(SeriesLabelPosition::MiddleRight)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}
