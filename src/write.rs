//! File writes that never leave half a file and never damage what the user
//! set up.
//!
//! - A regular file (or a new one) is replaced atomically: a temporary file
//!   beside it is written, flushed and renamed over it. The file keeps its
//!   mode (and, for root, its owner); a new file gets the umask's mode.
//! - A symbolic link is written through: the temporary file goes beside the
//!   link's final target and replaces that; the link stays.
//! - Anything else (a FIFO, a device, `/dev/stdout`, a folder) is opened and
//!   written as it is, never renamed over: renaming would replace `/dev/null`
//!   by a plain file when run as root.
//! - Temporary files are named `.gate-tmp-<pid>-<n>-<name>`, so a run that
//!   was killed leaves something the next write recognises: those of a
//!   process that no longer runs, or older than `STALE_AFTER`, are removed.
//! - A failure names the destination as given, never the temporary file.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// Every temporary file gate writes starts with this.
const TEMP_PREFIX: &str = ".gate-tmp-";

/// A temporary file older than this is stale even if its pid is in use:
/// pids are reused, and writing a report or a baseline takes seconds, not
/// an hour, even on a slow network file system.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Symbolic links followed before giving up, as Linux does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// A write that failed; its message names the destination as given.
#[derive(Debug)]
struct WriteError {
    path: PathBuf,
    /// The file a symbolic link at `path` leads to.
    target: Option<PathBuf>,
    /// What gate was doing, when it says more than "write".
    step: Option<&'static str>,
    source: io::Error,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write {}", self.path.display())?;
        if let Some(target) = &self.target {
            write!(f, " (a link to {})", target.display())?;
        }
        if let Some(step) = self.step {
            write!(f, " ({step})")?;
        }
        Ok(())
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Writes `contents` to `path` as the module documentation says. On failure
/// a regular file at `path` is left as it was; the error's message is
/// "cannot write PATH" and its source the cause.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let fail = |target: Option<&Path>, step, source: io::Error| {
        io::Error::new(
            source.kind(),
            WriteError {
                path: path.to_path_buf(),
                target: target.map(Path::to_path_buf),
                step,
                source,
            },
        )
    };
    let Some(target) = resolve_links(path).map_err(|error| fail(None, None, error))? else {
        return write_in_place(path, contents).map_err(|error| fail(None, None, error));
    };
    let link_target = (target != path).then_some(target.as_path());
    match fs::metadata(&target) {
        Ok(metadata) if !metadata.is_file() => {
            write_in_place(path, contents).map_err(|error| fail(link_target, None, error))
        }
        Ok(metadata) => replace(&target, &mut bytes(contents), Some(&metadata), Durable::Yes)
            .map_err(|(step, error)| fail(link_target, step, error)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            replace(&target, &mut bytes(contents), None, Durable::Yes)
                .map_err(|(step, error)| fail(link_target, step, error))
        }
        Err(error) => Err(fail(link_target, None, error)),
    }
}

/// Replaces the regular file `path` that gate owns (a cache file) with what
/// `fill` writes, through a temporary file and a rename, like
/// [`write_atomic`], but without waiting for the disk: a reader never sees
/// half a file, and after a crash the file may be old, empty or garbage,
/// which its reader must detect. Links and special files are not looked
/// for. `fill` writes to the file itself, so a large file need not be held
/// in memory first.
pub fn replace_unsynced(
    path: &Path,
    fill: &mut dyn FnMut(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    replace(path, fill, None, Durable::No).map_err(|(step, source)| {
        io::Error::new(
            source.kind(),
            WriteError {
                path: path.to_path_buf(),
                target: None,
                step,
                source,
            },
        )
    })
}

/// What writes `contents` to a file.
fn bytes(contents: &[u8]) -> impl FnMut(&mut fs::File) -> io::Result<()> + '_ {
    move |file| file.write_all(contents)
}

/// Whether a replacement waits until the new file and the rename are on
/// disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durable {
    Yes,
    No,
}

/// The file `path` leads to after following symbolic links (which may not
/// exist yet); `None` for the kernel's special files (`/dev/…`, `/proc/…`,
/// like `/dev/stdout` → `/proc/self/fd/1` → `pipe:[…]`), which are written
/// in place whatever they lead to.
fn resolve_links(path: &Path) -> io::Result<Option<PathBuf>> {
    let special = |path: &Path| path.starts_with("/dev") || path.starts_with("/proc");
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if special(&current) {
            return Ok(None);
        }
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(folder) if link.is_relative() => folder.join(link),
                    _ => link,
                };
            }
            _ => return Ok(Some(current)),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row"
    )))
}

/// A plain write: open (creating if needed), truncate, write.
fn write_in_place(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(contents)?;
    file.flush()
}

/// Which step failed, and why.
type StepError = (Option<&'static str>, io::Error);

/// Replaces the regular file `target` (or creates it) through a temporary
/// file beside it; `existing` is the file being replaced.
fn replace(
    target: &Path,
    fill: &mut dyn FnMut(&mut fs::File) -> io::Result<()>,
    existing: Option<&fs::Metadata>,
    durable: Durable,
) -> Result<(), StepError> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| (None, io::Error::other("the path names no file")))?
        .to_string_lossy()
        .into_owned();
    remove_stale_temp_files(folder, &name);
    let temp = folder.join(temp_name(&name));
    let result = write_temp(&temp, fill, existing, durable).and_then(|()| {
        fs::rename(&temp, target)
            .map_err(|error| (Some("renaming the temporary file over it"), error))
    });
    match result {
        Ok(()) => {
            // Make the rename itself durable; a folder that cannot be
            // synced (some network file systems) is no reason to fail.
            if durable == Durable::No {
                return Ok(());
            }
            if let Ok(folder) = fs::File::open(folder) {
                let _ = folder.sync_all();
            }
            Ok(())
        }
        Err(error) => {
            let _ = fs::remove_file(&temp);
            Err(error)
        }
    }
}

fn write_temp(
    temp: &Path,
    fill: &mut dyn FnMut(&mut fs::File) -> io::Result<()>,
    existing: Option<&fs::Metadata>,
    durable: Durable,
) -> Result<(), StepError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // The umask applies, as for any file a program creates (tempfile's
        // 0600 made every rewritten baseline private).
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    let mut file = options
        .open(temp)
        .map_err(|error| (Some("creating a temporary file beside it"), error))?;
    let writing = Some("writing a temporary file beside it");
    fill(&mut file).map_err(|error| (writing, error))?;
    if let Some(existing) = existing {
        keep_owner_and_mode(&file, existing).map_err(|error| (writing, error))?;
    }
    match durable {
        Durable::Yes => file.sync_all().map_err(|error| (writing, error)),
        Durable::No => Ok(()),
    }
}

/// Gives the new file the mode (and, where allowed, the owner) of the one
/// it replaces.
fn keep_owner_and_mode(file: &fs::File, existing: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let own = file.metadata()?;
        if (own.uid(), own.gid()) != (existing.uid(), existing.gid()) {
            // Only root may give a file away; others keep their own.
            let _ = std::os::unix::fs::fchown(file, Some(existing.uid()), Some(existing.gid()));
        }
    }
    file.set_permissions(existing.permissions())
}

/// `.gate-tmp-<pid>-<n>-<name>`: unique within the process, and telling
/// which process wrote it.
fn temp_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{TEMP_PREFIX}{}-{n}-{name}", std::process::id())
}

/// The pid in a temporary file's name for `name`, if it is one.
fn temp_pid(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix(TEMP_PREFIX)?;
    let (pid, rest) = rest.split_once('-')?;
    let (n, rest) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (rest == name && digits(n)).then_some(())?;
    pid.parse().ok().filter(|_| digits(pid))
}

/// Removes the temporary files for `name` in `folder` that a killed run
/// left: its process is gone, or the file is older than `STALE_AFTER`.
/// Failures are ignored: this is housekeeping.
fn remove_stale_temp_files(folder: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|f| temp_pid(f, name)) else {
            continue;
        };
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let old = metadata
            .modified()
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if metadata.is_file() && (old || !process_alive(pid)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether a process `pid` runs; where that cannot be told (no `/proc`),
/// it is assumed to, and only age makes its files stale.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("out.json");
        let error = write_atomic(&path, b"new").unwrap_err();
        assert!(!path.exists());
        assert_eq!(
            error.to_string(),
            format!(
                "cannot write {} (creating a temporary file beside it)",
                path.display()
            )
        );
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn temp_names_are_recognised_for_their_file_only() {
        assert_eq!(
            temp_pid(".gate-tmp-12-0-baseline.json", "baseline.json"),
            Some(12)
        );
        assert_eq!(temp_pid(".gate-tmp-12-0-a-b.json", "a-b.json"), Some(12));
        assert_eq!(temp_pid(".gate-tmp-12-0-baseline.json", "other.json"), None);
        assert_eq!(
            temp_pid(".gate-tmp-x-0-baseline.json", "baseline.json"),
            None
        );
        assert_eq!(temp_pid(".tmpAbc", "baseline.json"), None);
        let name = temp_name("baseline.json");
        assert_eq!(temp_pid(&name, "baseline.json"), Some(std::process::id()));
    }

    #[test]
    fn a_dangling_link_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("baseline.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("real.json")).unwrap(),
            "new"
        );
    }
}
