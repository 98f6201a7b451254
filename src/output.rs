//! What gate writes for the user: standard output and report files. Failures
//! are diagnostics naming what could not be written.

use std::path::Path;

use crate::diagnostic::Diagnostic;

/// Prints `text` to standard output. A reader that went away (`gate check
/// | head`) is not an error: the output was not wanted any more.
pub fn print_stdout(text: &str) -> Result<(), Diagnostic> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Diagnostic::caused_by(
            "cannot write to standard output",
            &error,
        )),
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` (see `crate::write`), creating its folder,
/// naming the file on failure.
pub fn write_output(path: &Path, contents: &str) -> Result<(), Diagnostic> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|error| {
            Diagnostic::caused_by(
                format_args!("cannot create the folder {}", folder.display()),
                &error,
            )
        })?;
    }
    // The error's message names `path` ("cannot write out.json: …").
    crate::write::write_atomic(path, contents.as_bytes())
        .map_err(|error| Diagnostic::of_error(&error))
}
