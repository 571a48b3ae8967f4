//! The sweep as a picture (SVG): aggregate throughput at inclusion and at finality against the
//! shard count, beside the linear ideal `S * TPS(1)`, and the scaling efficiency
//! `TPS(S) / (S * TPS(1))`.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::report::BenchReport;

/// Why the plot could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("drawing the plot: {0}")]
pub struct PlotError(String);

fn drawing<E: std::fmt::Debug>(error: E) -> PlotError {
    PlotError(format!("{error:?}"))
}

/// The SVG text of the plot of `report`.
pub fn svg(report: &BenchReport) -> Result<String, PlotError> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (1000, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let (left, right) = root.split_horizontally(560);
        let points = &report.points;
        let max_shards = points.iter().map(|p| p.shards).max().unwrap_or(1).max(1);
        let base = points
            .iter()
            .find(|p| p.shards == 1)
            .map_or(0.0, |p| p.included_tps);
        let top = points
            .iter()
            .map(|p| p.included_tps.max(p.offered_tps))
            .fold(base * max_shards as f64, f64::max)
            .max(1.0)
            * 1.1;

        let mut chart = ChartBuilder::on(&left)
            .caption("Aggregate throughput", ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..(max_shards as f64 + 0.5), 0f64..top)
            .map_err(drawing)?;
        draw_mesh(&mut chart, max_shards, "transfers per second", 0)?;
        if base > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(1.0, base), (max_shards as f64, base * max_shards as f64)],
                    ShapeStyle::from(&RGBColor(150, 150, 150)).stroke_width(1),
                ))
                .map_err(drawing)?
                .label("linear: S x TPS(1)")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], RGBColor(150, 150, 150)));
        }
        let series = [
            (
                "offered",
                RGBColor(120, 120, 200),
                points
                    .iter()
                    .map(|p| (p.shards as f64, p.offered_tps))
                    .collect::<Vec<_>>(),
            ),
            (
                "included",
                RGBColor(31, 119, 180),
                points
                    .iter()
                    .map(|p| (p.shards as f64, p.included_tps))
                    .collect(),
            ),
            (
                "finalized",
                RGBColor(44, 160, 44),
                points
                    .iter()
                    .map(|p| (p.shards as f64, p.finalized_tps))
                    .collect(),
            ),
        ];
        for (name, color, data) in series {
            chart
                .draw_series(LineSeries::new(
                    data.clone(),
                    ShapeStyle::from(&color).stroke_width(2),
                ))
                .map_err(drawing)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    data.into_iter()
                        .map(|xy| Circle::new(xy, 4, color.filled())),
                )
                .map_err(drawing)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(drawing)?;

        let mut chart = ChartBuilder::on(&right)
            .caption("Scaling efficiency", ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..(max_shards as f64 + 0.5), 0f64..1.2f64)
            .map_err(drawing)?;
        draw_mesh(&mut chart, max_shards, "TPS(S) / (S x TPS(1))", 1)?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 1.0), (max_shards as f64 + 0.5, 1.0)],
                RGBColor(150, 150, 150),
            ))
            .map_err(drawing)?;
        let efficiency: Vec<(f64, f64)> = points
            .iter()
            .filter_map(|p| p.efficiency.map(|e| (p.shards as f64, e)))
            .collect();
        let color = RGBColor(214, 39, 40);
        chart
            .draw_series(LineSeries::new(
                efficiency.clone(),
                ShapeStyle::from(&color).stroke_width(2),
            ))
            .map_err(drawing)?;
        chart
            .draw_series(
                efficiency
                    .into_iter()
                    .map(|xy| Circle::new(xy, 4, color.filled())),
            )
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(text)
}

/// The grid and axes of a chart over shard counts: a label per shard count, `y_desc` with
/// `decimals` on the vertical axis.
fn draw_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    max_shards: u64,
    y_desc: &str,
    decimals: usize,
) -> Result<(), PlotError> {
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_labels(max_shards as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.decimals$}"))
        .x_desc("active shards")
        .y_desc(y_desc)
        .draw()
        .map_err(drawing)
}

#[cfg(test)]
mod tests {
    use super::super::report::tests::point;
    use super::*;

    #[test]
    fn the_plot_is_an_svg_with_both_charts() {
        let report = BenchReport::new(
            String::new(),
            400.0,
            2000,
            40.0,
            vec![
                point(1, 400.0, 0.5),
                point(2, 780.0, 0.5),
                point(4, 1200.0, 0.5),
            ],
        );
        let svg = svg(&report).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.contains("Aggregate throughput"));
        assert!(svg.contains("Scaling efficiency"));
        assert!(svg.contains("finalized"));
    }
}
