//! The history as a burn-down chart: one self-contained SVG (no script, no
//! external reference, every text escaped), the same bytes for the same
//! history. Each rule is a stacked area, so the top edge is the total; the
//! areas are steps, because the baseline allows a count from the commit
//! that set it until the next one changes it. Time runs along the x axis
//! (UTC), with ticks on whole days, months or years; each commit is a dot
//! on the total whose tooltip names it.
//!
//! `render` takes the plain `History`; `render_inline` is the same chart
//! for a page to embed (the HTML map).

use std::fmt::Write;

use super::History;

const SECONDS_PER_DAY: i64 = 86_400;

/// Plot area, in SVG user units: the legend sits right of it.
const LEFT: f64 = 64.0;
const TOP: f64 = 40.0;
const PLOT_WIDTH: f64 = 560.0;
const PLOT_HEIGHT: f64 = 280.0;
const LEGEND_X: f64 = LEFT + PLOT_WIDTH + 24.0;
const LEGEND_ROW: f64 = 18.0;
/// A rough character width of the 12-unit sans-serif text, to size the
/// canvas to the legend's longest name.
const CHAR_WIDTH: f64 = 7.0;

/// Tableau 10: told apart by most colour-blind readers. With more rules
/// than colours, the last (grey) is the area of the smallest rules together.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The chart as an SVG file.
pub fn render(history: &History) -> String {
    chart(history, " xmlns=\"http://www.w3.org/2000/svg\"")
}

/// The chart as an `<svg>` element inside an HTML page, whose parser gives
/// it its namespace: without the `xmlns` URL, the page holds no URL at all.
pub fn render_inline(history: &History) -> String {
    chart(history, "")
}

/// The chart, the root element's attributes starting with `xmlns`.
fn chart(history: &History, xmlns: &str) -> String {
    let series = series(history);
    let longest = series
        .iter()
        .map(|series| series.label.chars().count())
        .max();
    let width = (LEGEND_X + 40.0 + CHAR_WIDTH * longest.unwrap_or(12) as f64).max(800.0);
    let legend_height = TOP + LEGEND_ROW * (series.len() as f64 + 1.0);
    let height = (TOP + PLOT_HEIGHT + 48.0).max(legend_height);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg{xmlns} width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\" \
         role=\"img\" aria-labelledby=\"gate-history-title\">"
    );
    let title = format!("Baseline debt over time: {}", history.path);
    let _ = writeln!(
        svg,
        "<title id=\"gate-history-title\">{0}</title>\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"{LEFT}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{0}</text>",
        escape(&title)
    );
    match Scale::of(history) {
        Some(scale) => {
            axes(&mut svg, &scale);
            areas(&mut svg, &scale, history, &series);
            commits(&mut svg, &scale, history);
            legend(&mut svg, history, &series);
        }
        None => {
            let _ = writeln!(
                svg,
                "<text x=\"{LEFT}\" y=\"{:.1}\">no commit changed the baseline</text>",
                TOP + PLOT_HEIGHT / 2.0
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// From times and counts to the plot area's coordinates.
struct Scale {
    /// The first commit's time.
    start: i64,
    /// A little after the last commit's.
    end: i64,
    /// Between count ticks.
    count_step: u64,
    /// The top of the count axis.
    count_top: u64,
}

impl Scale {
    /// `None` for a history without a point.
    fn of(history: &History) -> Option<Scale> {
        let first = history.points.first()?.commit.time;
        let last = history.points.last()?.commit.time;
        // The last count still holds: a little room right of the last
        // commit shows it, and gives a single commit a width.
        let end = last + ((last - first) / 20).max(SECONDS_PER_DAY);
        let max_total = history.points.iter().map(|p| p.total()).max()?;
        let (count_step, count_top) = count_ticks(max_total);
        Some(Scale {
            start: first,
            end,
            count_step,
            count_top,
        })
    }

    fn x(&self, time: i64) -> f64 {
        LEFT + PLOT_WIDTH * (time - self.start) as f64 / (self.end - self.start) as f64
    }

    fn y(&self, count: u64) -> f64 {
        TOP + PLOT_HEIGHT - PLOT_HEIGHT * count as f64 / self.count_top as f64
    }

    /// `M…` through the steps of `values` at `times`: each value holds
    /// until the next time, the last until the end of the axis.
    fn steps(&self, times: &[i64], values: &[u64]) -> String {
        let mut d = String::new();
        for (i, (time, value)) in times.iter().zip(values).enumerate() {
            let right = times.get(i + 1).copied().unwrap_or(self.end);
            let command = if i == 0 { 'M' } else { 'L' };
            let _ = write!(
                d,
                "{command}{:.1},{:.1}L{:.1},{:.1}",
                self.x(*time),
                self.y(*value),
                self.x(right),
                self.y(*value)
            );
        }
        d
    }
}

/// The count grid and labels, the date ticks, the axis lines and title.
fn axes(svg: &mut String, scale: &Scale) {
    let bottom = TOP + PLOT_HEIGHT;
    let mut count = 0;
    while count <= scale.count_top {
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"#e0e0e0\"/>\n\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{count}</text>",
            scale.y(count),
            LEFT + PLOT_WIDTH,
            LEFT - 6.0,
            scale.y(count) + 4.0
        );
        count += scale.count_step;
    }
    for (time, label) in time_ticks(scale.start, scale.end) {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"{bottom:.1}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#606060\"/>\n\
             <text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{label}</text>",
            scale.x(time),
            bottom + 5.0,
            bottom + 18.0
        );
    }
    let _ = writeln!(
        svg,
        "<path d=\"M{LEFT:.1},{TOP:.1}V{bottom:.1}H{:.1}\" fill=\"none\" stroke=\"#606060\"/>\n\
         <text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">\
         violations allowed</text>",
        LEFT + PLOT_WIDTH,
        TOP + PLOT_HEIGHT / 2.0
    );
}

/// One stacked area: a rule, or the smallest rules together.
#[derive(Debug, PartialEq, Eq)]
struct Series {
    /// For the legend.
    label: String,
    /// The rules it counts, for its tooltip.
    rules: Vec<String>,
    color: &'static str,
    /// Its count at each point.
    counts: Vec<u64>,
}

/// A series per rule, in name order, each with its own colour; with more
/// rules than colours, those of the smallest peak share the last series,
/// so that no two areas look alike.
fn series(history: &History) -> Vec<Series> {
    let rules = history.rules();
    let counts = |rule: &str| -> Vec<u64> {
        let count = |point: &super::Point| point.per_rule.get(rule).copied().unwrap_or(0);
        history.points.iter().map(count).collect()
    };
    let own = if rules.len() <= PALETTE.len() {
        rules.clone()
    } else {
        let mut by_peak: Vec<(u64, &str)> = rules
            .iter()
            .map(|rule| (counts(rule).into_iter().max().unwrap_or(0), *rule))
            .collect();
        by_peak.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut own: Vec<&str> = by_peak[..PALETTE.len() - 1]
            .iter()
            .map(|(_, rule)| *rule)
            .collect();
        own.sort_unstable();
        own
    };
    let mut series: Vec<Series> = own
        .iter()
        .zip(PALETTE)
        .map(|(rule, color)| Series {
            label: rule.to_string(),
            rules: vec![rule.to_string()],
            color,
            counts: counts(rule),
        })
        .collect();
    let others: Vec<&str> = rules.into_iter().filter(|r| !own.contains(r)).collect();
    if !others.is_empty() {
        let mut together = vec![0u64; history.points.len()];
        for rule in &others {
            for (sum, count) in together.iter_mut().zip(counts(rule)) {
                *sum += count;
            }
        }
        series.push(Series {
            label: format!("{} other rules", others.len()),
            rules: others.iter().map(|rule| rule.to_string()).collect(),
            color: PALETTE[PALETTE.len() - 1],
            counts: together,
        });
    }
    series
}

/// One stacked step area per series, the first at the bottom.
fn areas(svg: &mut String, scale: &Scale, history: &History, series: &[Series]) {
    let times: Vec<i64> = history.points.iter().map(|p| p.commit.time).collect();
    let mut below = vec![0u64; history.points.len()];
    for series in series {
        let above: Vec<u64> = below
            .iter()
            .zip(&series.counts)
            .map(|(under, count)| under + count)
            .collect();
        let mut d = scale.steps(&times, &above);
        // Back along the layer below, right to left.
        for i in (0..times.len()).rev() {
            let right = times.get(i + 1).copied().unwrap_or(scale.end);
            let _ = write!(
                d,
                "L{:.1},{:.1}L{:.1},{:.1}",
                scale.x(right),
                scale.y(below[i]),
                scale.x(times[i]),
                scale.y(below[i])
            );
        }
        let _ = writeln!(
            svg,
            "<path d=\"{d}Z\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"none\"><title>{}</title></path>",
            series.color,
            escape(&series.rules.join(", "))
        );
        below = above;
    }
}

/// The total as a line, and a dot per commit whose tooltip names it.
fn commits(svg: &mut String, scale: &Scale, history: &History) {
    let times: Vec<i64> = history.points.iter().map(|p| p.commit.time).collect();
    let totals: Vec<u64> = history.points.iter().map(|p| p.total()).collect();
    let _ = writeln!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"#202020\" stroke-width=\"1.5\"/>",
        scale.steps(&times, &totals)
    );
    // Hundreds of full-size dots would merge into a thick line.
    let radius = if history.points.len() > 100 { 1.5 } else { 3.0 };
    for point in &history.points {
        let deleted = if point.deleted {
            " (baseline deleted)"
        } else {
            ""
        };
        let tooltip = format!(
            "{} {} {}{deleted}: {} allowed",
            point.commit.day(),
            point.commit.short_sha(),
            point.commit.subject,
            point.total()
        );
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\" fill=\"#202020\"><title>{}</title></circle>",
            scale.x(point.commit.time),
            scale.y(point.total()),
            escape(&tooltip)
        );
    }
}

/// The series top to bottom as their areas stack, each with its latest
/// count, under the latest total.
fn legend(svg: &mut String, history: &History, series: &[Series]) {
    let _ = writeln!(
        svg,
        "<text x=\"{LEGEND_X:.1}\" y=\"{TOP:.1}\" font-weight=\"bold\">now: {} allowed</text>",
        history.points.last().map_or(0, |point| point.total())
    );
    for (row, series) in series.iter().rev().enumerate() {
        let row_y = TOP + LEGEND_ROW * (row as f64 + 1.0);
        let _ = writeln!(
            svg,
            "<rect x=\"{LEGEND_X:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n\
             <text x=\"{:.1}\" y=\"{row_y:.1}\">{}: {}</text>",
            row_y - 9.0,
            series.color,
            LEGEND_X + 16.0,
            escape(&series.label),
            series.counts.last().copied().unwrap_or(0)
        );
    }
}

/// The step between count ticks (1, 2 or 5 times a power of ten, for about
/// five ticks) and the top of the axis, the first tick at or above `max`.
fn count_ticks(max: u64) -> (u64, u64) {
    let rough = max.div_ceil(5).max(1);
    let mut power = 1u64;
    while power.saturating_mul(10) <= rough {
        power *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|factor| power.saturating_mul(factor))
        .find(|step| *step >= rough)
        .unwrap_or(power);
    let top = max.div_ceil(step).max(1).saturating_mul(step);
    (step, top)
}

/// Ticks between `start` and `end` (seconds since 1970) on whole UTC days,
/// months or years, the finest for which there are at most eight, each
/// with its label (`2026-01-31`, `2026-01`, `2026`).
fn time_ticks(start: i64, end: i64) -> Vec<(i64, String)> {
    const MAX_TICKS: i64 = 8;
    let days = (end - start) / SECONDS_PER_DAY;
    if let Some(step) = [1, 2, 7, 14]
        .into_iter()
        .find(|step| days / step < MAX_TICKS)
    {
        let first = start.div_euclid(SECONDS_PER_DAY);
        return (first..=end.div_euclid(SECONDS_PER_DAY))
            .filter(|day| day % step == 0)
            .map(|day| day * SECONDS_PER_DAY)
            .filter(|time| (start..=end).contains(time))
            .map(|time| {
                let (year, month, day) = civil_from_days(time / SECONDS_PER_DAY);
                (time, format!("{year:04}-{month:02}-{day:02}"))
            })
            .collect();
    }
    let (first_year, first_month, _) = civil_from_days(start.div_euclid(SECONDS_PER_DAY));
    let (last_year, last_month, _) = civil_from_days(end.div_euclid(SECONDS_PER_DAY));
    let months = (last_year - first_year) * 12 + i64::from(last_month) - i64::from(first_month);
    let month_step = [1, 2, 3, 6]
        .into_iter()
        .find(|step| months / step < MAX_TICKS);
    let year_step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|step| (last_year - first_year) / step < MAX_TICKS)
        .unwrap_or(1000);
    let mut ticks = Vec::new();
    for year in first_year..=last_year {
        for month in 1..=12u32 {
            let index = year * 12 + i64::from(month) - 1;
            let (keep, label) = match month_step {
                Some(step) => (index % step == 0, format!("{year:04}-{month:02}")),
                None => (month == 1 && year % year_step == 0, format!("{year:04}")),
            };
            let time = days_from_civil(year, month, 1) * SECONDS_PER_DAY;
            if keep && (start..=end).contains(&time) {
                ticks.push((time, label));
            }
        }
    }
    ticks
}

/// Year, month and day of the day `days` after 1970-01-01 (Howard
/// Hinnant's `civil_from_days`, proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `text` fit for an SVG text node or attribute: markup characters as
/// entities, and the control characters XML forbids as visible escapes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::output::visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_axis_ends_on_a_round_tick_at_or_above_the_maximum() {
        assert_eq!(count_ticks(0), (1, 1));
        assert_eq!(count_ticks(3), (1, 3));
        assert_eq!(count_ticks(7), (2, 8));
        assert_eq!(count_ticks(10), (2, 10));
        assert_eq!(count_ticks(37), (10, 40));
        assert_eq!(count_ticks(301), (100, 400));
        assert_eq!(count_ticks(1234), (500, 1500));
    }

    #[test]
    fn dates_convert_both_ways_across_leap_years_and_1970() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(days_from_civil(2026, 12, 5), 20_792);
        for days in [-800_000, -1, 0, 59, 11_016, 20_792, 3_000_000] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    fn at(year: i64, month: u32, day: u32) -> i64 {
        days_from_civil(year, month, day) * SECONDS_PER_DAY
    }

    #[test]
    fn time_ticks_fall_on_whole_days_months_or_years() {
        let labels = |start, end| -> Vec<String> {
            time_ticks(start, end)
                .into_iter()
                .map(|(_, label)| label)
                .collect()
        };
        assert_eq!(
            labels(at(2026, 1, 1) + 3600, at(2026, 1, 4)),
            ["2026-01-02", "2026-01-03", "2026-01-04"]
        );
        assert_eq!(
            labels(at(2026, 1, 15), at(2026, 5, 20)),
            ["2026-02", "2026-03", "2026-04", "2026-05"]
        );
        assert_eq!(
            labels(at(2019, 6, 1), at(2026, 6, 1)),
            ["2020", "2021", "2022", "2023", "2024", "2025", "2026"]
        );
        for (start, end) in [
            (at(2026, 1, 1), at(2026, 1, 1) + 60),
            (at(2026, 1, 1), at(2026, 3, 1)),
            (at(1990, 1, 1), at(2026, 1, 1)),
        ] {
            let ticks = time_ticks(start, end);
            assert!(ticks.len() <= 8, "{ticks:?}");
            assert!(ticks.iter().all(|(time, _)| (start..=end).contains(time)));
        }
    }

    /// A history of one point allowing `count` of each rule.
    fn one_point(counts: &[(String, u64)]) -> History {
        History {
            path: "baseline.json".into(),
            points: vec![crate::history::Point {
                commit: crate::history::Commit {
                    sha: "a".repeat(40),
                    time: 0,
                    date: "1970-01-01T00:00:00Z".into(),
                    subject: "s".into(),
                },
                deleted: false,
                per_rule: counts.iter().cloned().collect(),
            }],
            ..History::default()
        }
    }

    /// Rules `rule-00`… allowing 1, 2, … occurrences.
    fn rules(count: u64) -> Vec<(String, u64)> {
        (0..count)
            .map(|i| (format!("rule-{i:02}"), i + 1))
            .collect()
    }

    #[test]
    fn past_ten_rules_the_smallest_share_one_grey_area() {
        let ten = series(&one_point(&rules(10)));
        assert_eq!(ten.len(), 10);
        assert_eq!(ten[0].label, "rule-00");
        let twelve = series(&one_point(&rules(12)));
        let labels: Vec<&str> = twelve.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "rule-03",
                "rule-04",
                "rule-05",
                "rule-06",
                "rule-07",
                "rule-08",
                "rule-09",
                "rule-10",
                "rule-11",
                "3 other rules"
            ]
        );
        let other = twelve.last().unwrap();
        assert_eq!(other.rules, ["rule-00", "rule-01", "rule-02"]);
        assert_eq!(other.counts, [1 + 2 + 3]);
        let mut colors: Vec<&str> = twelve.iter().map(|s| s.color).collect();
        colors.sort_unstable();
        colors.dedup();
        assert_eq!(colors.len(), 10, "two areas share a colour");
    }

    #[test]
    fn svg_text_escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<script>\"a\" & 'b'\u{1b}[31m"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;\\u{1b}[31m"
        );
    }
}
