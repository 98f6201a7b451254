//! `gate baseline init` (adopt every current violation) and `gate baseline
//! update` (the ratchet: the baseline only shrinks unless --accept-new).

use anyhow::{Result, bail};

use crate::baseline;
use crate::cli::BaselineCommand;
use crate::commands;

pub fn run(command: &BaselineCommand) -> Result<i32> {
    match command {
        BaselineCommand::Init {
            project,
            baseline: explicit,
            force,
        } => {
            let config = commands::load_config(project)?;
            let path = commands::baseline_path(&config, explicit.as_deref());
            if path.exists() && !force {
                bail!(
                    "{} already exists; `gate baseline update` ratchets it, `gate baseline init --force` replaces it",
                    path.display()
                );
            }
            let analysis = commands::analyze(&config, project, &[])?;
            let new_baseline = baseline::from_violations(&analysis.violations);
            baseline::save(&path, &new_baseline)?;
            eprintln!(
                "wrote {}: {} entries for {} violations in {} files",
                path.display(),
                new_baseline.entries.len(),
                analysis.violations.len(),
                analysis.files.len()
            );
            Ok(0)
        }
        BaselineCommand::Update {
            project,
            baseline: explicit,
            accept_new,
        } => {
            let config = commands::load_config(project)?;
            let path = commands::baseline_path(&config, explicit.as_deref());
            let old = baseline::load(&path)?;
            let analysis = commands::analyze(&config, project, &[])?;
            let outcome = baseline::update(&old, &analysis.violations, *accept_new);
            if outcome.baseline != old {
                baseline::save(&path, &outcome.baseline)?;
            }
            eprintln!("{}", outcome.summary(&path));
            Ok(if outcome.refused > 0 { 1 } else { 0 })
        }
    }
}
