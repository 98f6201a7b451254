//! baseline.json on disk: reading and checking it (with an error that says
//! what to do next), and writing it sorted, byte-stable and atomically.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Baseline, BaselineEntry};

/// The only `version` of baseline.json this build reads and writes.
pub const VERSION: u32 = 1;

/// The file's shape; `Baseline` itself leaves the version out because a
/// loaded baseline always has the current one.
#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `version` and `entries`"
)]
struct BaselineFile<Entries> {
    version: u32,
    entries: Entries,
}

/// Read when the whole file does not parse, so that a future version's
/// different shape is reported as an unsupported version, not as a missing
/// field.
#[derive(Deserialize)]
#[serde(expecting = "an object with `version` and `entries`")]
struct VersionProbe {
    version: serde_json::Value,
}

/// Why a baseline could not be loaded. Each message names the file and says
/// what to do next.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error(
        "the baseline {} does not exist\n  \
         = help: run `gate baseline init` to create one from the current violations, \
         or pass --no-baseline to report every violation as new",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error(
        "cannot read the baseline {}: {error}\n  \
         = help: check that it is a readable file, or pass --no-baseline",
        path.display()
    )]
    Unreadable { path: PathBuf, error: io::Error },
    #[error(
        "the baseline {} is not valid JSON: {error}\n  \
         = help: repair it (an unresolved merge conflict?), \
         or recreate it with `gate baseline init --force`",
        path.display()
    )]
    InvalidJson {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error(
        "the baseline {} has version {found}, but this gate reads only version {VERSION}\n  \
         = help: use the gate release that wrote it, \
         or recreate it with `gate baseline init --force`",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, found: String },
    #[error(
        "the baseline {} is not a gate baseline: {error}\n  \
         = help: a baseline is {{\"version\": 1, \"entries\": [...]}}, each entry with \
         rule, path, scope, subject, count and message; \
         repair it, or recreate it with `gate baseline init --force`",
        path.display()
    )]
    Malformed {
        path: PathBuf,
        error: serde_json::Error,
    },
}

/// Reads and checks the baseline at `path`. The file is never written.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let bytes = std::fs::read(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => BaselineError::Missing {
            path: path.to_path_buf(),
        },
        _ => BaselineError::Unreadable {
            path: path.to_path_buf(),
            error,
        },
    })?;
    parse(path, &bytes)
}

/// Checks the baseline text `bytes`, read from `path` (named in errors).
/// A UTF-8 byte-order mark (some Windows editors add one) is skipped, as it
/// is in gate.toml and Python files.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let shape_error = |error: serde_json::Error| {
        let path = path.to_path_buf();
        if error.is_data() {
            BaselineError::Malformed { path, error }
        } else {
            BaselineError::InvalidJson { path, error }
        }
    };
    let unsupported = |found: String| BaselineError::UnsupportedVersion {
        path: path.to_path_buf(),
        found,
    };
    // Read once when it is well formed (a baseline can be megabytes); when
    // it is not, its version decides which error to report.
    match serde_json::from_slice::<BaselineFile<Vec<BaselineEntry>>>(bytes) {
        Ok(file) if file.version == VERSION => Ok(Baseline {
            entries: file.entries,
        }),
        Ok(file) => Err(unsupported(file.version.to_string())),
        Err(error) => {
            let probe: VersionProbe = serde_json::from_slice(bytes).map_err(shape_error)?;
            if probe.version != VERSION {
                return Err(unsupported(probe.version.to_string()));
            }
            Err(shape_error(error))
        }
    }
}

/// Writes `baseline` to `path` atomically: a failure leaves the old file as
/// it was. The error names `path`: the temporary file the write goes
/// through is an implementation detail the user cannot act on.
pub fn save(path: &Path, baseline: &Baseline) -> io::Result<()> {
    // The error names `path` (never the temporary file), with the OS's
    // reason as its source.
    crate::write::write_atomic(path, baseline.to_json().as_bytes())
}

impl Baseline {
    /// The file's text: sorted entries, two-space indent, trailing newline,
    /// the same bytes for the same entries.
    pub fn to_json(&self) -> String {
        let mut entries: Vec<&BaselineEntry> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let file = BaselineFile {
            version: VERSION,
            entries,
        };
        let mut json = serde_json::to_string_pretty(&file).expect("a baseline serializes");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::from_violations;
    use crate::baseline::tests::{guard, violation};

    #[test]
    fn output_is_byte_stable_for_shuffled_input() {
        let violations = [
            guard(20),
            violation("app/b.py", 3, "<module>", "session.commit"),
            guard(10),
            violation("app/a.py", 1, "Router.create", "db.merge"),
            violation("app/a.py", 9, "<module>", "db.merge"),
        ];
        let mut shuffled = violations.clone();
        shuffled.reverse();
        shuffled.swap(0, 2);
        let json = from_violations(&violations).to_json();
        assert_eq!(json, from_violations(&shuffled).to_json());
        let mut unsorted = from_violations(&violations);
        unsorted.entries.reverse();
        assert_eq!(json, unsorted.to_json());
        assert_eq!(
            json,
            r#"{
  "version": 1,
  "entries": [
    {
      "rule": "api-no-db-writes",
      "path": "app/a.py",
      "scope": "<module>",
      "subject": "db.merge",
      "count": 1,
      "message": "db.merge() at line 9"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/a.py",
      "scope": "Router.create",
      "subject": "db.merge",
      "count": 1,
      "message": "db.merge() at line 1"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/api/guard.py",
      "scope": "create",
      "subject": "session.add",
      "count": 2,
      "message": "session.add() at line 10"
    },
    {
      "rule": "api-no-db-writes",
      "path": "app/b.py",
      "scope": "<module>",
      "subject": "session.commit",
      "count": 1,
      "message": "session.commit() at line 3"
    }
  ]
}
"#
        );
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let baseline = from_violations(&[guard(10), guard(20)]);
        save(&path, &baseline).unwrap();
        assert_eq!(load(&path).unwrap(), baseline);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), baseline.to_json());
    }

    #[test]
    fn a_failed_save_leaves_the_old_file_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty folder fails on every OS, even
        // for root, who could write into a read-only folder.
        let path = dir.path().join("baseline.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("old"), "old contents").unwrap();
        assert!(save(&path, &from_violations(&[guard(10)])).is_err());
        assert_eq!(
            std::fs::read_to_string(path.join("old")).unwrap(),
            "old contents"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_save_names_the_baseline_not_the_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // The temporary file cannot be created beside it.
        let path = dir.path().join("missing").join("baseline.json");
        let error = save(&path, &from_violations(&[guard(10)])).unwrap_err();
        let message = crate::diagnostic::Diagnostic::of_error(&error).to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("No such file or directory"), "{message}");
        // No temporary file's name besides the baseline's own path (the
        // test's folder is itself a `.tmp…` folder).
        let rest = message.replace(&path.display().to_string(), "");
        assert!(
            !rest.contains(".tmp") && !rest.contains(".gate-tmp"),
            "{message}"
        );
    }

    #[test]
    fn a_baseline_with_a_byte_order_mark_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let baseline = from_violations(&[guard(10)]);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(baseline.to_json().as_bytes());
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load(&path).unwrap(), baseline);
    }

    #[test]
    fn save_into_a_missing_folder_fails_without_creating_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("baseline.json");
        assert!(save(&path, &Baseline::default()).is_err());
        assert!(!dir.path().join("missing").exists());
    }

    /// The message of loading `contents` (or nothing) from a file named
    /// baseline.json, and the file's contents afterwards.
    fn load_error(contents: Option<&str>) -> (String, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        if let Some(contents) = contents {
            std::fs::write(&path, contents).unwrap();
        }
        let error = load(&path).unwrap_err().to_string();
        let message = error.replace(&dir.path().display().to_string(), "DIR");
        (message, std::fs::read_to_string(&path).ok())
    }

    #[test]
    fn a_missing_baseline_says_how_to_create_one() {
        let (message, left) = load_error(None);
        assert_eq!(
            message,
            "the baseline DIR/baseline.json does not exist\n  \
             = help: run `gate baseline init` to create one from the current violations, \
             or pass --no-baseline to report every violation as new"
        );
        assert_eq!(left, None, "load created the file");
    }

    #[test]
    fn an_unreadable_baseline_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let error = load(dir.path()).unwrap_err();
        assert!(
            matches!(error, BaselineError::Unreadable { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "cannot read the baseline {}: ",
                dir.path().display()
            )),
            "{message}"
        );
        assert!(message.ends_with("or pass --no-baseline"), "{message}");
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let contents = "{\"version\": 1, \"entries\": [\n";
        let (message, left) = load_error(Some(contents));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json is not valid JSON: \
             EOF while parsing a list at line 2 column 0\n  \
             = help: repair it (an unresolved merge conflict?), \
             or recreate it with `gate baseline init --force`"
        );
        assert_eq!(left.as_deref(), Some(contents));
    }

    #[test]
    fn an_unknown_version_names_the_supported_one() {
        let (message, _) = load_error(Some("{\"version\": 7, \"entries\": {\"new\": []}}\n"));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json has version 7, but this gate reads only version 1\n  \
             = help: use the gate release that wrote it, \
             or recreate it with `gate baseline init --force`"
        );
    }

    #[test]
    fn an_unknown_version_of_the_same_shape_is_unsupported_too() {
        let (message, _) = load_error(Some("{\"version\": 2, \"entries\": []}\n"));
        assert!(
            message.starts_with(
                "the baseline DIR/baseline.json has version 2, but this gate reads only version 1"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_missing_field_is_named_with_its_place() {
        let contents = r#"{
  "version": 1,
  "entries": [
    {"rule": "r", "path": "a.py", "scope": "<module>", "subject": "s", "message": "m"}
  ]
}
"#;
        let (message, _) = load_error(Some(contents));
        assert_eq!(
            message,
            "the baseline DIR/baseline.json is not a gate baseline: \
             missing field `count` at line 4 column 86\n  \
             = help: a baseline is {\"version\": 1, \"entries\": [...]}, each entry with \
             rule, path, scope, subject, count and message; \
             repair it, or recreate it with `gate baseline init --force`"
        );
    }

    #[test]
    fn a_file_that_is_not_an_object_says_what_is_expected() {
        let (message, _) = load_error(Some("\"x\""));
        assert!(
            message.contains(
                "is not a gate baseline: invalid type: string \"x\", \
                 expected an object with `version` and `entries` at line 1 column 3"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_missing_version_is_malformed() {
        let (message, _) = load_error(Some("{\"entries\": []}"));
        assert!(
            message.contains("is not a gate baseline: missing field `version` at line 1"),
            "{message}"
        );
    }
}
