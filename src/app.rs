//! From the process's arguments to its exit code: parse them with clap
//! (`crate::cli`), turn them into plain options before any work is done,
//! run the command, and print its error through the one renderer.
//!
//! This is the only module besides `cli` that knows clap.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Parser;

use crate::cache::CacheLocation;
use crate::cli::HistoryArgs;
use crate::cli::{
    self, BaselineCommand, CheckArgs, CiArgs, Cli, ColorChoice, Command, GithubReportArgs,
    GraphArgs, InitArgs, ProjectArgs, RunArgs, SarifKnown,
};
use crate::cli::{BaselineArgs, MapArgs, MapGranularity};
use crate::commands;
use crate::commands::baseline::{HistoryFormat, HistoryOptions};
use crate::commands::baseline::{InitOptions, UpdateOptions};
use crate::commands::ci::CiOptions;
use crate::commands::graph::{GraphFormat, GraphOptions};
use crate::commands::map::MapOptions;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::facts::FactSet;
use crate::github::publish::PublishOptions;
use crate::map::{self, MapFormat};
use crate::report::{Format, GithubReportOptions, KnownInSarif, ReportOptions, TextOptions};
use crate::run::{BaselineChoice, ProjectOptions, RunOptions};
use crate::settings::Granularity;

/// A command and everything it was told, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invocation {
    Init(commands::init::InitOptions),
    Check {
        run: RunOptions,
        report: ReportOptions,
    },
    BaselineInit(InitOptions),
    BaselineUpdate(UpdateOptions),
    BaselineHistory(HistoryOptions),
    Explain {
        kind: String,
    },
    Rules,
    Graph(GraphOptions),
    Ci(CiOptions),
    Map(MapOptions),
}

/// Parses the arguments, runs the command, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints usage errors, and also `--help` and `--version`.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::Error
            } else {
                ExitCode::Clean
            };
        }
    };
    let invocation = match invocation(cli) {
        Ok(invocation) => invocation,
        Err(diagnostic) => {
            eprintln!("{diagnostic}");
            return ExitCode::Error;
        }
    };
    let result = match invocation {
        Invocation::Init(options) => commands::init::run(&options),
        Invocation::Check { run, report } => commands::check::run(&run, &report),
        Invocation::BaselineInit(options) => commands::baseline::init(&options),
        Invocation::BaselineUpdate(options) => commands::baseline::update(&options),
        Invocation::BaselineHistory(options) => commands::baseline::history(&options),
        Invocation::Explain { kind } => commands::explain::explain(&kind),
        Invocation::Rules => commands::explain::list(),
        Invocation::Graph(options) => commands::graph::run(&options),
        Invocation::Ci(options) => commands::ci::run(&options),
        Invocation::Map(options) => commands::map::run(&options),
    };
    result.unwrap_or_else(|diagnostic| {
        crate::eprintln_inert!("{diagnostic}");
        ExitCode::Error
    })
}

/// The parsed command line as the options the commands take. Choices that
/// depend on the terminal (colour) are made here, once.
pub fn invocation(cli: Cli) -> Result<Invocation, Diagnostic> {
    Ok(match cli.command {
        Command::Init(args) => Invocation::Init(init_options(args)),
        Command::Check(args) => Invocation::Check {
            report: report_options(&args)?,
            run: run_options(args.run),
        },
        Command::Baseline(BaselineCommand::Init {
            project,
            baseline,
            force,
        }) => Invocation::BaselineInit(InitOptions {
            project: project_options(project),
            baseline,
            force,
        }),
        Command::Baseline(BaselineCommand::Update {
            paths,
            project,
            baseline,
            accept_new,
        }) => Invocation::BaselineUpdate(UpdateOptions {
            paths,
            project: project_options(project),
            baseline,
            accept_new,
        }),
        Command::Baseline(BaselineCommand::History(args)) => {
            Invocation::BaselineHistory(history_options(args)?)
        }
        Command::Explain { kind } => Invocation::Explain { kind },
        Command::Rules => Invocation::Rules,
        Command::Graph(args) => Invocation::Graph(graph_options(args)),
        Command::Ci(args) => Invocation::Ci(ci_options(args)),
        Command::Map(args) => Invocation::Map(map_options(args)?),
    })
}

fn init_options(args: InitArgs) -> commands::init::InitOptions {
    commands::init::InitOptions {
        path: args.path,
        pyproject: args.pyproject,
        dry_run: args.dry_run,
        force: args.force,
        no_baseline: args.no_baseline,
        threads: args.threads.map(usize::from),
    }
}

fn project_options(args: ProjectArgs) -> ProjectOptions {
    let cache_dir = args.cache_dir.or_else(|| {
        std::env::var_os(CACHE_DIR_VARIABLE)
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
    });
    ProjectOptions {
        config: args.config,
        threads: args.threads.map(usize::from),
        verbose: args.verbose,
        cache: match (args.no_cache, cache_dir) {
            (true, _) => CacheLocation::Off,
            (false, Some(dir)) => CacheLocation::Dir(dir),
            (false, None) => CacheLocation::ProjectRoot,
        },
        facts: FactSet::BASE,
        timings: args.timings,
    }
}

/// Names the cache folder when `--cache-dir` does not.
const CACHE_DIR_VARIABLE: &str = "GATE_CACHE_DIR";

fn run_options(args: RunArgs) -> RunOptions {
    let baseline = baseline_choice(args.baseline);
    RunOptions {
        project: project_options(args.project),
        paths: args.paths,
        baseline,
        fail_on_stale: args.fail_on_stale,
        strict: args.strict,
    }
}

/// `--no-baseline`, `--baseline FILE`, or the configured baseline.
fn baseline_choice(args: BaselineArgs) -> BaselineChoice {
    match (args.no_baseline, args.baseline) {
        (true, _) => BaselineChoice::Without,
        (false, Some(path)) => BaselineChoice::File(path),
        (false, None) => BaselineChoice::Configured,
    }
}

fn report_options(args: &CheckArgs) -> Result<ReportOptions, Diagnostic> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    Ok(ReportOptions {
        format: CHECK_FORMATS.pick(
            args.format.map(|format| match format {
                cli::Format::Text => Format::Text,
                cli::Format::Json => Format::Json,
                cli::Format::Sarif => Format::Sarif,
                cli::Format::Github => Format::Github,
                cli::Format::Markdown => Format::Markdown,
            }),
            args.output.as_deref(),
        )?,
        output: args.output.clone(),
        json: args.json.clone(),
        sarif: args.sarif.clone(),
        markdown: args.markdown.clone(),
        github: github_report_options(&args.github),
        text: TextOptions {
            // Colour never goes into a file.
            color: color && args.output.is_none(),
            quiet: args.quiet,
            show_known: args.show_known,
            statistics: args.statistics,
        },
    })
}

/// The formats of `gate check`. A report never lands in a file whose name
/// says another format (text in a `.sarif` upload would fail far from its
/// cause), nor in one whose name says none.
const CHECK_FORMATS: Formats<Format> = Formats {
    all: &[
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
    ],
    name: Format::name,
    extensions: &[
        ("sarif", Format::Sarif),
        ("json", Format::Json),
        ("md", Format::Markdown),
        ("markdown", Format::Markdown),
        ("txt", Format::Text),
        ("text", Format::Text),
        ("log", Format::Text),
    ],
    default: Format::Text,
    unnamed_is_default: false,
};

/// How a command picks its output format: `--format`, else the format the
/// extension of `--output` names, else `default`.
struct Formats<F: 'static> {
    /// Every format, in the order `--format` lists them.
    all: &'static [F],
    /// As `--format` names a format.
    name: fn(F) -> &'static str,
    /// The extensions (lower case) that name a format; the first of each
    /// format is the one the help suggests.
    extensions: &'static [(&'static str, F)],
    /// The format of standard output.
    default: F,
    /// An output file whose extension names no format gets `default`
    /// (else the command refuses it without `--format`).
    unnamed_is_default: bool,
}

impl<F: Copy + Eq> Formats<F> {
    /// The format `--format chosen` and `--output output` ask for: a
    /// `--format` that contradicts the file's extension is refused.
    fn pick(&self, chosen: Option<F>, output: Option<&std::path::Path>) -> Result<F, Diagnostic> {
        let Some(output) = output else {
            return Ok(chosen.unwrap_or(self.default));
        };
        let named = extension(output).and_then(|extension| {
            self.extensions
                .iter()
                .find(|(known, _)| *known == extension)
                .map(|(_, format)| *format)
        });
        match (chosen, named) {
            (Some(chosen), Some(named)) if chosen != named => Err(format_mismatch(
                (self.name)(chosen),
                (self.name)(named),
                output,
            )),
            (Some(format), _) | (None, Some(format)) => Ok(format),
            (None, None) if self.unnamed_is_default => Ok(self.default),
            (None, None) => Err(Diagnostic::error(format!(
                "cannot tell the format of {} from its extension",
                output.display()
            ))
            .with_help(format!(
                "pass --format ({}), or name the file {}",
                or_list(
                    self.all
                        .iter()
                        .map(|format| (self.name)(*format).to_string())
                ),
                or_list(self.suggested_extensions())
            ))),
        }
    }

    /// The first extension of each format that has one, as `.ext`.
    fn suggested_extensions(&self) -> Vec<String> {
        let mut seen: Vec<F> = Vec::new();
        let mut suggested = Vec::new();
        for (extension, format) in self.extensions {
            if !seen.contains(format) {
                seen.push(*format);
                suggested.push(format!(".{extension}"));
            }
        }
        suggested
    }
}

/// `a, b or c`.
fn or_list(items: impl IntoIterator<Item = String>) -> String {
    let mut items: Vec<String> = items.into_iter().collect();
    let last = items.pop().unwrap_or_default();
    match items.is_empty() {
        true => last,
        false => format!("{} or {last}", items.join(", ")),
    }
}

/// The extension of `output`, in lower case.
fn extension(output: &std::path::Path) -> Option<String> {
    output
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
}

/// `--format chosen` with an output file whose extension says `named`.
fn format_mismatch(chosen: &str, named: &str, output: &std::path::Path) -> Diagnostic {
    Diagnostic::error(format!(
        "--format {chosen} would write {chosen} into {}, whose extension says {named}",
        output.display()
    ))
    .with_help(format!(
        "drop --format to write {named} there, or name the file after the format"
    ))
}

fn github_report_options(args: &GithubReportArgs) -> GithubReportOptions {
    GithubReportOptions {
        sarif_known: match args.sarif_known {
            SarifKnown::Omit => KnownInSarif::Omit,
            SarifKnown::Suppressed => KnownInSarif::Suppressed,
            SarifKnown::Open => KnownInSarif::Open,
        },
        category: args.category.clone(),
    }
}

fn graph_options(args: GraphArgs) -> GraphOptions {
    GraphOptions {
        project: project_options(args.project),
        format: match args.format {
            cli::GraphFormat::Text => GraphFormat::Text,
            cli::GraphFormat::Json => GraphFormat::Json,
        },
    }
}

fn history_options(args: HistoryArgs) -> Result<HistoryOptions, Diagnostic> {
    Ok(HistoryOptions {
        format: HISTORY_FORMATS.pick(
            args.format.map(|format| match format {
                cli::HistoryFormat::Text => HistoryFormat::Text,
                cli::HistoryFormat::Json => HistoryFormat::Json,
                cli::HistoryFormat::Svg => HistoryFormat::Svg,
            }),
            args.output.as_deref(),
        )?,
        project: ProjectOptions {
            config: args.config,
            threads: None,
            verbose: args.verbose,
            // It reads baselines from git and parses no Python file.
            cache: CacheLocation::Off,
            facts: FactSet::BASE,
            timings: false,
        },
        baseline: args.baseline,
        read: crate::history::ReadOptions {
            since: args.since,
            max_count: args.max_count,
            offline: false,
        },
        output: args.output,
    })
}

/// The formats of `gate baseline history`: as for `check`, a chart never
/// lands in a `.json` file; a file named otherwise gets text.
const HISTORY_FORMATS: Formats<HistoryFormat> = Formats {
    all: &[HistoryFormat::Text, HistoryFormat::Json, HistoryFormat::Svg],
    name: HistoryFormat::name,
    extensions: &[
        ("svg", HistoryFormat::Svg),
        ("json", HistoryFormat::Json),
        ("txt", HistoryFormat::Text),
        ("text", HistoryFormat::Text),
        ("log", HistoryFormat::Text),
    ],
    default: HistoryFormat::Text,
    unnamed_is_default: true,
};

fn ci_options(args: CiArgs) -> CiOptions {
    CiOptions {
        github: github_report_options(&args.github),
        publish: PublishOptions {
            comment: !args.no_comment,
            token_variable: args.github_token_env,
            github_timeout: std::time::Duration::from_secs(args.github_timeout),
        },
        sarif: args.sarif,
        run: with_facts(run_options(args.run), args.map_summary),
        map_summary: args.map_summary,
    }
}

/// `run`, whose files' facts include the map's when `map` is drawn.
fn with_facts(mut run: RunOptions, map: bool) -> RunOptions {
    if map {
        run.project.facts = map::FACTS;
    }
    run
}

/// The formats of `gate map`, as for `check`.
const MAP_FORMATS: Formats<MapFormat> = Formats {
    all: &[
        MapFormat::Text,
        MapFormat::Json,
        MapFormat::Markdown,
        MapFormat::Dot,
        MapFormat::Mermaid,
        MapFormat::Html,
    ],
    name: MapFormat::name,
    extensions: &[
        ("txt", MapFormat::Text),
        ("text", MapFormat::Text),
        ("json", MapFormat::Json),
        ("md", MapFormat::Markdown),
        ("markdown", MapFormat::Markdown),
        ("dot", MapFormat::Dot),
        ("gv", MapFormat::Dot),
        ("mmd", MapFormat::Mermaid),
        ("mermaid", MapFormat::Mermaid),
        ("html", MapFormat::Html),
        ("htm", MapFormat::Html),
    ],
    default: MapFormat::Text,
    unnamed_is_default: false,
};

fn map_options(args: MapArgs) -> Result<MapOptions, Diagnostic> {
    let depth = args.depth.map_or(map::DEFAULT_DEPTH, usize::from);
    let chosen = args.format.map(|format| match format {
        cli::MapFormat::Text => MapFormat::Text,
        cli::MapFormat::Json => MapFormat::Json,
        cli::MapFormat::Markdown => MapFormat::Markdown,
        cli::MapFormat::Dot => MapFormat::Dot,
        cli::MapFormat::Mermaid => MapFormat::Mermaid,
        cli::MapFormat::Html => MapFormat::Html,
    });
    let format = MAP_FORMATS.pick(chosen, args.output.as_deref())?;
    Ok(MapOptions {
        run: with_facts(
            RunOptions {
                project: project_options(args.project),
                baseline: baseline_choice(args.baseline),
                ..RunOptions::default()
            },
            true,
        ),
        granularity: match args.granularity {
            MapGranularity::Package => Granularity::Package { depth },
            MapGranularity::Module => Granularity::Module,
        },
        format,
        output: args.output,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn parse(args: &[&str]) -> Invocation {
        invocation(Cli::try_parse_from([&["gate"], args].concat()).unwrap()).unwrap()
    }

    #[test]
    fn check_arguments_become_run_and_report_options() {
        let Invocation::Check { run, report } = parse(&[
            "check",
            "app",
            "--no-baseline",
            "--threads",
            "3",
            "--format",
            "sarif",
            "--sarif-known",
            "suppressed",
            "--category",
            "gate/backend/",
            "--color",
            "always",
            "--output",
            "out.sarif",
        ]) else {
            panic!("not a check");
        };
        assert_eq!(run.baseline, BaselineChoice::Without);
        assert_eq!(run.paths, [PathBuf::from("app")]);
        assert_eq!(run.project.threads, Some(3));
        assert_eq!(report.format, Format::Sarif);
        assert_eq!(report.github.sarif_known, KnownInSarif::Suppressed);
        assert_eq!(report.github.category, "gate/backend");
        // Colour never goes into a file, even when asked for.
        assert!(!report.text.color);
    }

    #[test]
    fn a_named_baseline_is_chosen_over_the_configured_one() {
        let Invocation::Ci(ci) = parse(&["ci", "--baseline", "b.json", "--no-comment"]) else {
            panic!("not ci");
        };
        assert_eq!(ci.run.baseline, BaselineChoice::File("b.json".into()));
        assert_eq!(ci.sarif, PathBuf::from("gate.sarif"));
        assert!(!ci.publish.comment);
        assert_eq!(ci.publish.token_variable, "GITHUB_TOKEN");
    }

    #[test]
    fn map_arguments_become_map_options() {
        let Invocation::Map(map) =
            parse(&["map", "--depth", "3", "-o", "out/map.HTML", "--no-baseline"])
        else {
            panic!("not map");
        };
        assert_eq!(map.granularity, Granularity::Package { depth: 3 });
        assert_eq!(map.format, MapFormat::Html);
        assert_eq!(map.output, Some(PathBuf::from("out/map.HTML")));
        assert_eq!(map.run.baseline, BaselineChoice::Without);
        let Invocation::Map(map) = parse(&["map", "--granularity", "module", "--format", "dot"])
        else {
            panic!("not map");
        };
        assert_eq!(map.granularity, Granularity::Module);
        assert_eq!(map.format, MapFormat::Dot);
        let Invocation::Map(map) = parse(&["map"]) else {
            panic!("not map");
        };
        assert_eq!(
            (map.granularity, map.format),
            (
                Granularity::Package {
                    depth: map::DEFAULT_DEPTH
                },
                MapFormat::Text
            )
        );
        let Invocation::Ci(ci) = parse(&["ci", "--map-summary"]) else {
            panic!("not ci");
        };
        assert!(ci.map_summary);
    }

    #[test]
    fn init_arguments_become_init_options() {
        let Invocation::Init(init) = parse(&[
            "init",
            "backend",
            "--pyproject",
            "--dry-run",
            "--threads",
            "2",
        ]) else {
            panic!("not init");
        };
        assert_eq!(init.path, Some(PathBuf::from("backend")));
        assert!(init.pyproject && init.dry_run);
        assert!(!init.force && !init.no_baseline);
        assert_eq!(init.threads, Some(2));
    }

    /// The error of `gate ARGS`, as printed.
    fn refused(args: &[&str]) -> String {
        let cli = Cli::try_parse_from([&["gate"], args].concat()).unwrap();
        invocation(cli).unwrap_err().to_string()
    }

    #[test]
    fn an_output_file_named_for_no_format_or_another_is_refused() {
        for (command, help) in [
            (
                "check",
                "pass --format (text, json, sarif, github or markdown), or name the file \
                 .sarif, .json, .md or .txt",
            ),
            (
                "map",
                "pass --format (text, json, markdown, dot, mermaid or html), or name the file \
                 .txt, .json, .md, .dot, .mmd or .html",
            ),
        ] {
            let unknown = refused(&[command, "--output", "out.xyz"]);
            assert!(
                unknown.contains("cannot tell the format of out.xyz from its extension"),
                "{unknown}"
            );
            assert!(unknown.contains(help), "{unknown}");
            let clash = refused(&[command, "--format", "json", "--output", "out.md"]);
            assert!(
                clash.contains(
                    "--format json would write json into out.md, whose extension says markdown"
                ),
                "{clash}"
            );
        }
    }

    #[test]
    fn history_takes_its_format_from_the_output_file_unless_told() {
        let format = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["gate", "baseline", "history"], args].concat());
            match invocation(cli.unwrap()) {
                Ok(Invocation::BaselineHistory(history)) => Ok(history.format),
                Ok(_) => panic!("not history"),
                Err(diagnostic) => Err(diagnostic.to_string()),
            }
        };
        assert_eq!(format(&[]), Ok(HistoryFormat::Text));
        assert_eq!(format(&["-o", "debt.SVG"]), Ok(HistoryFormat::Svg));
        assert_eq!(format(&["-o", "debt.json"]), Ok(HistoryFormat::Json));
        assert_eq!(format(&["-o", "debt"]), Ok(HistoryFormat::Text));
        assert_eq!(
            format(&["--format", "svg", "-o", "chart.html"]),
            Ok(HistoryFormat::Svg)
        );
        let refused = format(&["--format", "text", "-o", "debt.svg"]).unwrap_err();
        assert!(
            refused
                .contains("--format text would write text into debt.svg, whose extension says svg"),
            "{refused}"
        );
    }
}
