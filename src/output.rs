//! What gate writes for the user: standard output and report files. Failures
//! are diagnostics naming what could not be written.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::Diagnostic;

/// Prints `text` to standard output, every line inert (see `inert`). A
/// reader that went away (`gate check | head`) is not an error: the output
/// was not wanted any more.
pub fn print_stdout(text: &str) -> Result<(), Diagnostic> {
    write_stdout(&inert(text))
}

fn write_stdout(text: &str) -> Result<(), Diagnostic> {
    let mut stdout = std::io::stdout().lock();
    stdout_result(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    )
}

/// Prints what `render` writes to standard output as it writes it, every
/// line inert (see `inert`): a report of any size is never held whole.
pub fn stream_stdout(
    render: impl FnOnce(&mut InertLines<'_>) -> fmt::Result,
) -> Result<(), Diagnostic> {
    let mut lines = InertLines {
        line: String::new(),
        out: io::BufWriter::new(io::stdout().lock()),
        error: None,
    };
    // A failed write makes `render` stop; the error is the one kept.
    let _ = render(&mut lines);
    let result = lines.finish();
    stdout_result(result)
}

/// A write to standard output: a reader that went away (`gate check |
/// head`) is not an error, the output was not wanted any more.
fn stdout_result(result: io::Result<()>) -> Result<(), Diagnostic> {
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(Diagnostic::caused_by(
            "cannot write to standard output",
            &error,
        )),
        _ => Ok(()),
    }
}

/// Text written to standard output a line at a time, each line made inert
/// as it is complete.
pub struct InertLines<'a> {
    line: String,
    out: io::BufWriter<io::StdoutLock<'a>>,
    error: Option<io::Error>,
}

impl InertLines<'_> {
    fn finish(mut self) -> io::Result<()> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let rest = std::mem::take(&mut self.line);
        self.out.write_all(inert(&rest).as_bytes())?;
        self.out.flush()
    }
}

impl fmt::Write for InertLines<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.error.is_some() {
            return Err(fmt::Error);
        }
        for piece in text.split_inclusive('\n') {
            self.line.push_str(piece);
            if !piece.ends_with('\n') {
                continue;
            }
            // `inert` reads a line at a time: each complete line is made
            // inert alone exactly as it would be within the whole text.
            let written = self.out.write_all(inert(&self.line).as_bytes());
            self.line.clear();
            if let Err(error) = written {
                self.error = Some(error);
                return Err(fmt::Error);
            }
        }
        Ok(())
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

/// Prints `text` to standard output as it is: only for workflow commands
/// gate makes itself (annotations, notices), whose user text is escaped by
/// `report::github`. Everything else goes through `print_stdout`.
pub fn print_workflow_commands(text: &str) -> Result<(), Diagnostic> {
    write_stdout(text)
}

/// Prints `text` to standard error, every line inert (see `inert`).
pub fn print_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(inert(text).as_bytes());
}

/// `eprintln!` through `output::print_stderr`: no line gate prints can be
/// taken for a workflow command, whatever file name or module string it
/// holds.
#[macro_export]
macro_rules! eprintln_inert {
    ($($arg:tt)*) => {
        $crate::output::print_stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Text in which no line starts a GitHub Actions workflow command. The
/// runner reads each line of a step's standard output and error (split at
/// `\n` and at `\r`) as a command when, after leading whitespace, it starts
/// with `::`, and, in the legacy syntax, when it holds `##[` anywhere. Such
/// a line gets a `\` in front (`\::warning …`), and `##[` becomes `#\#[`.
///
/// Done always, not only under GitHub Actions: the output is the same
/// everywhere (tests, logs compared across CI systems), and gate's own
/// lines never start with `::` except the commands it means, which go
/// through `print_workflow_commands`.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.contains("::") && !text.contains("##[") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for piece in text.split_inclusive(['\n', '\r']) {
        let body = piece.trim_start_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r');
        if body.starts_with("::") {
            out.push_str(&piece[..piece.len() - body.len()]);
            out.push('\\');
            out.push_str(body);
        } else {
            out.push_str(piece);
        }
    }
    Cow::Owned(out.replace("##[", "#\\#["))
}

/// `text` with its control characters shown as escapes (`\n`, `\r`,
/// `\u{1b}`), for one-line messages that hold user text (file names,
/// module strings): a line break cannot split them, an escape sequence
/// cannot repaint the terminal. Tabs stay.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !may_hold_control(text) || !text.chars().any(|c| c.is_control() && c != '\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// False when `text` surely holds no control character but a tab: no C0
/// byte, no DEL, and no 0xC2 lead byte (C1 controls, U+0080 to U+009F, are
/// 0xC2 0x80 to 0xC2 0x9F). A byte test the compiler vectorises; reports
/// are megabytes of messages, nearly all plain.
fn may_hold_control(text: &str) -> bool {
    text.bytes().fold(false, |seen, byte| {
        seen | ((byte < 0x20 && byte != b'\t') | (byte == 0x7F) | (byte == 0xC2))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_of_inert_text_starts_a_workflow_command() {
        assert_eq!(inert("a::b\nplain"), "a::b\nplain");
        assert_eq!(
            inert("x\n::warning::forged\r  ::stop-commands::t\n##[error]old"),
            "x\n\\::warning::forged\r  \\::stop-commands::t\n#\\#[error]old"
        );
        assert_eq!(inert("::error::first"), "\\::error::first");
    }

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(visible("a.py"), "a.py");
        assert_eq!(visible("a\n::b\r\u{1b}[2J\tc"), "a\\n::b\\r\\u{1b}[2J\tc");
        assert_eq!(
            visible("del\u{7f} c1\u{85} \u{9f}"),
            "del\\u{7f} c1\\u{85} \\u{9f}"
        );
        assert!(matches!(visible("« © é \u{a0} 模块"), Cow::Borrowed(_)));
    }
}
