//! `--timings`: where a run's time went, stage by stage and rule by rule,
//! printed on standard error at the end of the command (as ESLint's
//! `TIMING=1` does for its rules). Every run measures them, a few clock
//! reads in all; only `--timings` prints them, so reports stay the same
//! bytes from run to run.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::output::visible;

/// The stages of one run in the order they ran, and its rules.
#[derive(Debug, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    pub rules: Vec<RuleTime>,
}

/// One configured rule: its name, kind, time and what it found (before
/// suppression comments and before the names of one import statement
/// that lead to one module are merged).
#[derive(Debug)]
pub struct RuleTime {
    pub name: String,
    pub kind: &'static str,
    pub took: Duration,
    pub found: usize,
}

/// A clock for consecutive stages: each [`Lap::split`] ends one and
/// starts the next.
pub struct Lap(Instant);

impl Lap {
    pub fn start() -> Self {
        Lap(Instant::now())
    }

    /// The time since the start or the last call.
    pub fn split(&mut self) -> Duration {
        let now = Instant::now();
        let took = now - self.0;
        self.0 = now;
        took
    }
}

impl Timings {
    pub fn add(&mut self, stage: &'static str, took: Duration) {
        self.stages.push((stage, took));
    }

    /// The table `--timings` prints: the stages in order with their total,
    /// then the rules, slowest first (ties by name). Rules run in parallel,
    /// so their times add up to more than the rules stage.
    pub fn render(&self) -> String {
        let mut text = String::from("timings:\n");
        let stage_width = self.stages.iter().map(|(stage, _)| stage.len()).max();
        let stage_width = stage_width.unwrap_or(0).max("total".len());
        for (stage, took) in &self.stages {
            let _ = writeln!(text, "  {stage:<stage_width$}  {}", millis(*took));
        }
        let total: Duration = self.stages.iter().map(|(_, took)| *took).sum();
        let _ = writeln!(text, "  {:<stage_width$}  {}", "total", millis(total));
        if self.rules.is_empty() {
            return text;
        }
        // In parallel, rules' times add up to more than the rules stage.
        text.push_str("rules, slowest first (they run in parallel):\n");
        let mut rules: Vec<&RuleTime> = self.rules.iter().collect();
        rules.sort_by(|a, b| b.took.cmp(&a.took).then_with(|| a.name.cmp(&b.name)));
        let labels: Vec<String> = rules
            .iter()
            .map(|rule| format!("{} ({})", visible(&rule.name), rule.kind))
            .collect();
        let label_width = labels.iter().map(|label| label.chars().count()).max();
        let label_width = label_width.unwrap_or(0);
        for (rule, label) in rules.iter().zip(&labels) {
            let noun = if rule.found == 1 {
                "finding"
            } else {
                "findings"
            };
            let _ = writeln!(
                text,
                "  {label:<label_width$}  {}  {} {noun}",
                millis(rule.took),
                rule.found
            );
        }
        text
    }
}

/// `  12.3 ms`, right-aligned to a common width.
fn millis(took: Duration) -> String {
    format!("{:>8.1} ms", took.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_keep_their_order_and_rules_come_slowest_first() {
        let mut timings = Timings::default();
        timings.add("find, read and parse files", Duration::from_micros(59_300));
        timings.add("import graph", Duration::from_micros(2_800));
        for (name, micros, found) in [("b", 1_000, 1), ("a", 1_000, 0), ("slow", 7_240, 134)] {
            timings.rules.push(RuleTime {
                name: name.to_string(),
                kind: "import-cycle",
                took: Duration::from_micros(micros),
                found,
            });
        }
        let text = timings.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "timings:");
        assert_eq!(lines[1], "  find, read and parse files      59.3 ms");
        assert_eq!(lines[2], "  import graph                     2.8 ms");
        assert_eq!(lines[3], "  total                           62.1 ms");
        assert_eq!(lines[4], "rules, slowest first (they run in parallel):");
        assert_eq!(lines[5], "  slow (import-cycle)       7.2 ms  134 findings");
        assert_eq!(lines[6], "  a (import-cycle)          1.0 ms  0 findings");
        assert_eq!(lines[7], "  b (import-cycle)          1.0 ms  1 finding");
        assert_eq!(lines.len(), 8);
    }

    #[test]
    fn a_lap_measures_from_the_last_one() {
        let mut lap = Lap::start();
        std::thread::sleep(Duration::from_millis(20));
        let first = lap.split();
        let second = lap.split();
        assert!(first >= Duration::from_millis(20));
        assert!(second < first);
    }
}
