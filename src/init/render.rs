//! A [`Proposal`] as the commented TOML that `gate init` writes: a whole
//! `gate.toml`, or the `[tool.gate]` tables to append to `pyproject.toml`.

use std::fmt::Write as _;

use super::propose::{Proposal, ProposedDbWrite};
use super::survey::{Orm, Survey};

/// Where the config goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    GateToml,
    Pyproject,
}

impl Target {
    /// The table prefix: `[tool.gate.project]` in pyproject.toml.
    fn prefix(self) -> &'static str {
        match self {
            Target::GateToml => "",
            Target::Pyproject => "tool.gate.",
        }
    }
}

/// The methods of Django's manager writes (`Incident.objects.create(...)`),
/// the ones `db-write` knows.
use crate::rules::writes::DJANGO_WRITES as DJANGO_WRITE_METHODS;

pub fn render(proposal: &Proposal, survey: &Survey, target: Target) -> String {
    let prefix = target.prefix();
    let mut out = String::new();
    let line = |out: &mut String, text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let config_name = match target {
        Target::GateToml => "This file",
        Target::Pyproject => "[tool.gate]",
    };
    line(
        &mut out,
        &format!(
            "# gate: the architecture rules of this project, proposed by `gate init`.\n\
             # {config_name} is a starting point guessed from folder names: keep\n\
             # what matches how the code is meant to be layered, change the rest.\n\
             # `gate explain KIND` documents every rule kind and its options;\n\
             # `gate baseline update` drops fixed violations from baseline.json."
        ),
    );
    for note in found_notes(proposal, survey) {
        line(&mut out, &format!("# {note}"));
    }

    line(&mut out, &format!("\n[{prefix}project]"));
    line(
        &mut out,
        "# Source roots: a file's module is its path below the deepest root\n\
         # (root \"src\": src/app/api/x.py is module app.api.x).",
    );
    line(&mut out, "roots = [");
    for root in &proposal.roots {
        line(
            &mut out,
            &format!("    {},  # {}", toml_string(&root.path), root.why),
        );
    }
    line(&mut out, "]");
    if !proposal.exclude.is_empty() {
        line(
            &mut out,
            "# Not the project's own code: virtualenvs, build output, node_modules,\n\
             # generated schema migrations.",
        );
        line(
            &mut out,
            &format!("exclude = {}", toml_list(&proposal.exclude)),
        );
    }
    line(
        &mut out,
        "# baseline = \"baseline.json\"  # the default; a baseline named here must exist",
    );

    if !proposal.layers.is_empty() {
        line(
            &mut out,
            "\n# Layers, top first: a module may import its own layer and the layers\n\
             # below it, never one above (`may-import = [...]` narrows a layer to the\n\
             # ones it names). Modules in no layer are not checked by the `layers`\n\
             # rule, which these tables turn on.",
        );
        for layer in &proposal.layers {
            line(&mut out, &format!("\n[[{prefix}layer]]"));
            line(
                &mut out,
                &format!("name = {}  # {}", toml_string(layer.name), layer.about),
            );
            line(
                &mut out,
                &format!("modules = {}", toml_list(&layer.modules)),
            );
        }
    }

    line(
        &mut out,
        "\n# Always on, nothing to configure: `syntax-error` (a file that does not\n\
         # parse; its recovered imports are still checked) and `unused-ignore`\n\
         # (a `# gate: ignore[rule]` comment that suppresses nothing).",
    );
    line(&mut out, &format!("\n[[{prefix}rule]]"));
    line(&mut out, "kind = \"sys-path\"");
    line(
        &mut out,
        "name = \"no-sys-path-hacks\"  # install the project and run it with `python -m` instead",
    );

    line(&mut out, &format!("\n[[{prefix}rule]]"));
    line(&mut out, "kind = \"import-cycle\"");
    line(&mut out, "name = \"no-package-cycles\"");
    line(&mut out, "granularity = \"package\"");
    let examples = if proposal.cycle_examples.is_empty() {
        String::new()
    } else {
        format!(": {}", proposal.cycle_examples.join(", "))
    };
    line(
        &mut out,
        &format!(
            "depth = {}  # cycles between packages of {} segment{}{examples}",
            proposal.cycle_depth,
            proposal.cycle_depth,
            if proposal.cycle_depth == 1 { "" } else { "s" }
        ),
    );
    line(
        &mut out,
        "# imports = \"module-level\"  # to leave out imports inside functions (deliberate lazy imports)",
    );

    for db_write in &proposal.db_writes {
        render_db_write(&mut out, prefix, db_write);
    }
    out
}

fn render_db_write(out: &mut String, prefix: &str, db_write: &ProposedDbWrite) {
    let _ = writeln!(out, "\n[[{prefix}rule]]");
    let _ = writeln!(out, "kind = \"db-write\"");
    match db_write.orm {
        Orm::SqlAlchemy => {
            let _ = writeln!(
                out,
                "name = \"api-no-db-writes\"  # SQLAlchemy is imported: session.add/commit/... belong below the api layer"
            );
        }
        Orm::Django => {
            let _ = writeln!(
                out,
                "name = \"api-no-orm-writes\"  # django.db is imported: Model.objects.create/... belong below the api layer"
            );
            let _ = writeln!(out, "methods = {}", toml_list(DJANGO_WRITE_METHODS));
            let _ = writeln!(out, "receivers = [\"objects\"]");
        }
    }
    let _ = writeln!(out, "in = {}", toml_list(&db_write.modules));
}

/// One comment line per thing found that the config follows from.
fn found_notes(proposal: &Proposal, survey: &Survey) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(python) = &survey.python {
        notes.push(format!(
            "Python {} (from {}); gate reads the syntax of every Python 3 version.",
            python.spec, python.source
        ));
    }
    for django in &proposal.django {
        let folder = if django.folder.is_empty() {
            "manage.py".to_string()
        } else {
            format!("{}/manage.py", django.folder)
        };
        let settings = django
            .settings
            .as_ref()
            .map(|settings| format!(", settings {settings}"))
            .unwrap_or_default();
        let apps = if django.apps.is_empty() {
            String::new()
        } else {
            format!(", apps {}", django.apps.join(", "))
        };
        notes.push(format!("Django project: {folder}{settings}{apps}."));
    }
    notes
}

/// `text` as a TOML basic string, escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn toml_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|item| toml_string(item.as_ref()))
        .collect();
    let one_line = format!("[{}]", items.join(", "));
    if one_line.len() <= 72 {
        return one_line;
    }
    let mut list = String::from("[\n");
    for item in items {
        list.push_str(&format!("    {item},\n"));
    }
    list.push(']');
    list
}
