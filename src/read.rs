//! Reading a file the walk found, for the analysis and for `gate init`:
//! regular files only (a FIFO would block the run) and at most
//! [`MAX_FILE_BYTES`].

/// Files larger than this are not read: one `syntax-error` finding says so.
/// ruff's lexer addresses text with 32-bit offsets (it panics at 4 GiB), and
/// parsing takes several bytes of memory per byte of input. The largest
/// Python files of real projects (generated protobuf modules, data tables)
/// are a few megabytes: 100 MiB leaves a wide margin.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// What is at a path the walk found.
#[derive(Debug, PartialEq)]
pub enum Source {
    Bytes(Vec<u8>),
    /// A regular file of more than the limit, with its size: not read.
    TooLarge(u64),
    /// Not a regular file: what it is instead.
    NotAFile(&'static str),
}

/// What is at a path the walk found, from one `stat`: a regular file's
/// metadata, for [`read_found`] (or for the facts cache, which may not need
/// its bytes), or why it is not read.
#[derive(Debug)]
pub enum Found {
    File(std::fs::Metadata),
    /// A regular file of more than the limit, or not a regular file: what
    /// [`read_source`] returns for it.
    Unread(Source),
}

/// What is at `path` (a symlink is followed): the type is checked before
/// opening, as opening a FIFO waits for a writer, and the size against
/// `limit`.
pub fn stat_source(path: &std::path::Path, limit: u64) -> std::io::Result<Found> {
    let metadata = std::fs::metadata(path)?;
    Ok(if !metadata.is_file() {
        Found::Unread(Source::NotAFile(file_type_name(&metadata.file_type())))
    } else if metadata.len() > limit {
        Found::Unread(Source::TooLarge(metadata.len()))
    } else {
        Found::File(metadata)
    })
}

/// The bytes of the regular file at `path`, whose `metadata`
/// [`stat_source`] gave; the read stops past `limit`, in case the file grew
/// in between.
pub fn read_found(
    path: &std::path::Path,
    metadata: &std::fs::Metadata,
    limit: u64,
) -> std::io::Result<Source> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    std::fs::File::open(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Source::TooLarge(bytes.len() as u64));
    }
    Ok(Source::Bytes(bytes))
}

/// The bytes of the regular file at `path` (a symlink is followed), unless
/// it is larger than `limit`: [`stat_source`], then [`read_found`].
pub fn read_source(path: &std::path::Path, limit: u64) -> std::io::Result<Source> {
    match stat_source(path, limit)? {
        Found::File(metadata) => read_found(path, &metadata, limit),
        Found::Unread(source) => Ok(source),
    }
}

/// What a file that is not a regular file is, for a warning.
fn file_type_name(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}
