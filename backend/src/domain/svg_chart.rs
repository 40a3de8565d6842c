//! Charts drawn on the server as inline SVG (no script, no external file): grouped columns
//! for series over categories, horizontal bars for one value per row. Every text is escaped;
//! each chart carries a title for assistive technologies, and the page gives its data as a
//! table next to it.

use std::fmt::Write;

use handlebars::html_escape as escape;

/// One series of a column chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const AXIS: &str = "#666666";
const TEXT: &str = "#161616";

/// The smallest of 1, 2, 5 × 10ⁿ at or above `value`, for the top of an axis.
pub fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|top| *top >= value)
        .unwrap_or(10.0 * magnitude)
}

fn open(out: &mut String, title: &str, height: f64) {
    let title = escape(title);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{title}" font-family="Marianne, Arial, sans-serif" font-size="12"><title>{title}</title>"#
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{TEXT}">{}</text>"#,
        escape(content)
    );
}

/// Columns per category, one per series, with a legend and a value axis; `label` writes the
/// axis' values.
pub fn columns(
    title: &str,
    categories: &[String],
    series: &[Series],
    top: Option<f64>,
    label: impl Fn(f64) -> String,
) -> String {
    let (left, right, upper, lower, height) = (56.0, 12.0, 34.0, 46.0, 280.0);
    let plot = (WIDTH - left - right, height - upper - lower);
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0, f64::max);
    let top = top.unwrap_or_else(|| nice_ceiling(highest));
    let mut out = String::new();
    open(&mut out, title, height);
    // Legend.
    let mut x = left;
    for s in series {
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="8" width="12" height="12" fill="{}"/>"#,
            s.color
        );
        text(&mut out, x + 16.0, 18.0, "start", s.name);
        x += 24.0 + 7.0 * s.name.chars().count() as f64;
    }
    // Value axis: 0, half, top.
    for step in [0.0, 0.5, 1.0] {
        let y = upper + plot.1 * (1.0 - step);
        let _ = write!(
            out,
            r#"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{AXIS}" stroke-width="{}"/>"#,
            left + plot.0,
            if step == 0.0 { 1.0 } else { 0.3 }
        );
        text(&mut out, left - 6.0, y + 4.0, "end", &label(top * step));
    }
    let group = plot.0 / categories.len().max(1) as f64;
    let bar = group * 0.8 / series.len().max(1) as f64;
    // Label every category while they fit, else every n-th.
    let every = (categories.len() as f64 * 70.0 / plot.0).ceil().max(1.0) as usize;
    for (i, category) in categories.iter().enumerate() {
        let x0 = left + group * i as f64 + group * 0.1;
        for (j, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
            let h = plot.1 * (value / top).min(1.0);
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{} — {} : {}</title></rect>"#,
                x0 + bar * j as f64,
                upper + plot.1 - h,
                bar.max(1.0),
                s.color,
                escape(category),
                escape(s.name),
                escape(&label(value))
            );
        }
        if i % every == 0 {
            text(
                &mut out,
                x0 + group * 0.4,
                height - lower + 16.0,
                "middle",
                category,
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One bar per row, its value written after it; `reference` draws a vertical line (a
/// commitment) with its label.
pub fn bars(
    title: &str,
    rows: &[(String, f64)],
    color: &str,
    range: (f64, Option<f64>),
    reference: Option<(f64, &str)>,
    label: impl Fn(f64) -> String,
) -> String {
    let (left, right, upper, row) = (230.0, 90.0, 28.0, 26.0);
    let height = upper + row * rows.len().max(1) as f64 + 12.0;
    let (low, top) = (
        range.0,
        range
            .1
            .unwrap_or_else(|| nice_ceiling(rows.iter().map(|r| r.1).fold(0.0, f64::max))),
    );
    let span = (top - low).max(f64::EPSILON);
    let width = WIDTH - left - right;
    let mut out = String::new();
    open(&mut out, title, height);
    for (i, (name, value)) in rows.iter().enumerate() {
        let y = upper + row * i as f64;
        let w = width * ((value - low) / span).clamp(0.0, 1.0);
        let short: String = name.chars().take(34).collect();
        text(&mut out, left - 8.0, y + 15.0, "end", &short);
        let _ = write!(
            out,
            r#"<rect x="{left}" y="{:.1}" width="{w:.1}" height="18" fill="{color}"><title>{} : {}</title></rect>"#,
            y + 2.0,
            escape(name),
            escape(&label(*value))
        );
        text(&mut out, left + w + 6.0, y + 15.0, "start", &label(*value));
    }
    if let Some((at, name)) = reference {
        let x = left + width * ((at - low) / span).clamp(0.0, 1.0);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{:.1}" stroke="#E1000F" stroke-width="2" stroke-dasharray="4 3"/>"##,
            upper - 6.0,
            height - 6.0
        );
        text(&mut out, x, upper - 10.0, "middle", name);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_values() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(420.0), 500.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
    }

    #[test]
    fn columns_draw_a_bar_per_value_and_escape_every_text() {
        let svg = columns(
            "Tickets <par> semaine",
            &["S1".to_owned(), "S2".to_owned()],
            &[
                Series {
                    name: "Ouverts",
                    color: "#000091",
                    values: vec![4.0, 2.0],
                },
                Series {
                    name: "Résolus & clos",
                    color: "#18753C",
                    values: vec![1.0, 3.0],
                },
            ],
            None,
            |v| format!("{v}"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<rect").count(),
            2 + 4,
            "two legend keys, four bars"
        );
        assert!(svg.contains("Tickets &lt;par&gt; semaine"));
        assert!(svg.contains("Résolus &amp; clos"));
        assert!(!svg.contains("<par>"));
    }

    #[test]
    fn bars_scale_to_their_range_and_draw_the_reference() {
        let svg = bars(
            "Disponibilité",
            &[("ENT".to_owned(), 99.0), ("<script>".to_owned(), 100.0)],
            "#000091",
            (95.0, Some(100.0)),
            Some((99.7, "engagement 99,7 %")),
            |v| format!("{v} %"),
        );
        // 99 on a 95–100 scale is 80 % of the 400-pixel plot.
        assert!(svg.contains(r#"width="320.0""#), "{svg}");
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("stroke-dasharray"));
    }
}
