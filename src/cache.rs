//! The facts cache: each file's [`FileFacts`] from the last run, so that a
//! file whose bytes have not changed is not parsed again. Everything after
//! parsing (the graph, the rules, suppression, the baseline diff) always
//! runs: the cache changes how long a run takes, never what it reports.
//!
//! ## Where
//!
//! `.gate_cache/` in the project root (the folder of the config), or the
//! folder of `--cache-dir` / `GATE_CACHE_DIR`; `--no-cache` neither reads nor
//! writes it. The folder gets a `.gitignore` of `*`, as ruff does for
//! `.ruff_cache`. One file per config and extraction settings,
//! `facts-<hash of the config's absolute path>-<hash of the settings>.bin`,
//! so that two configs of one project (or projects sharing a
//! `--cache-dir`), or `gate check` and `gate map` (which also reads line
//! counts), do not overwrite each other's facts.
//!
//! ## When an entry is used
//!
//! The facts of a file depend only on its bytes and on the extraction
//! settings (the target Python, the facts the configured rules read), so an
//! entry is keyed on those, and on the build of gate that wrote it:
//!
//! - The file header holds gate's version and a digest of the extraction's
//!   own source code (`EXTRACTION_SOURCES`), so a cache written by another
//!   version, or by another build of the same version whose extraction
//!   differs, is never read (a warning says so, once). Other settings (the
//!   config changed) are another file, written anew without a warning; the
//!   files of settings no longer used stay until the folder is deleted, as
//!   ruff's caches of its older versions do.
//! - Each file's entry holds its size and a SHA-256 digest of its bytes
//!   (16 bytes kept). A file is always read and hashed; only the parse is
//!   skipped. Size and modification time alone, without reading, would
//!   save a few milliseconds but are not trustworthy: file systems store
//!   times as coarsely as 1 or 2 s, so an edit within the same tick that
//!   keeps the size goes unseen; `git checkout`, `tar`, `rsync -t` and CI
//!   cache restores set times that say nothing about the content; and in
//!   CI every file has a fresh checkout time, so a time-keyed cache would
//!   miss everything there. Reading and hashing a file costs microseconds
//!   where parsing it costs a hundred or more. The size is compared first,
//!   as the cheap reject. SHA-256 rather than a faster non-cryptographic
//!   hash because the content is hostile input: a pull request must not be
//!   able to craft a file whose digest equals a cached one to have its
//!   violations read from the old facts (sha2 is already a dependency, and
//!   hashes about 1 GB/s here).
//!
//! ## The file
//!
//! A header (magic, format, version, build, settings); each file's facts as
//! a postcard blob, sorted by path; the index (path, size, digest, blob
//! length per file); a trailer of the index's length and a checksum. The
//! index comes last so that the file is streamed out, each new file's facts
//! encoded as they are written, never all held in memory at once.
//! postcard (serde, varint integers) is compact and fast, with two small
//! dependencies; blobs are decoded by the walker thread that reads the file,
//! so decoding runs in parallel, and an unchanged file's blob is copied into
//! the next cache as it is, never re-encoded.
//!
//! It is written only when something changed, through a temporary file and
//! a rename ([`crate::write::replace_unsynced`]): a reader sees the old file
//! or the new one, never half of either, and when two gate processes share
//! the cache the last writer wins. It is not synced to disk: after a crash
//! the payload checksum rejects whatever the disk kept. A cache that does
//! not pass every check is ignored and rewritten, with one warning.

use std::hash::Hasher;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::facts::FileFacts;
use crate::warning::{Warning, WarningKind};

/// Where the cache lives, as the command line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheLocation {
    /// [`DEFAULT_DIR`] in the project root.
    #[default]
    ProjectRoot,
    /// `--cache-dir` or `GATE_CACHE_DIR`, relative to the current folder.
    Dir(PathBuf),
    /// `--no-cache`.
    Off,
}

/// The cache folder in the project root, unless told otherwise.
pub const DEFAULT_DIR: &str = ".gate_cache";

const MAGIC: &[u8; 8] = b"gatefact";

/// The layout of the file; a file of another format is another version's.
const FORMAT: u32 = 1;

/// The code whose change changes what a file's facts are (or how they are
/// encoded): hashed into the build digest, so a cache never outlives the
/// extraction that wrote it, even when the version number stays.
const EXTRACTION_SOURCES: &[&str] = &[
    include_str!("cache.rs"),
    include_str!("facts.rs"),
    include_str!("span.rs"),
    include_str!("parse/mod.rs"),
    include_str!("parse/comments.rs"),
    include_str!("parse/decode.rs"),
    include_str!("parse/locate.rs"),
    include_str!("parse/extract/mod.rs"),
    include_str!("parse/extract/conditions.rs"),
    include_str!("parse/extract/exports.rs"),
    include_str!("parse/extract/expressions.rs"),
    include_str!("parse/extract/imports.rs"),
    include_str!("parse/extract/stores.rs"),
];

/// 16 bytes of SHA-256: collisions and second preimages stay out of reach.
type ContentDigest = [u8; 16];

fn content_digest(bytes: &[u8]) -> ContentDigest {
    let full = Sha256::digest(bytes);
    let mut digest = [0; 16];
    digest.copy_from_slice(&full[..16]);
    digest
}

/// The checksum, over each blob and then the index: it guards
/// against accidents (a crash, a bad disk), not against someone who can
/// write the file anyway.
#[derive(Default)]
struct Checksum(FxHasher);

impl Checksum {
    fn add(&mut self, piece: &[u8]) {
        self.0.write(piece);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// What a cache file must match to be read.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Identity {
    version: &'static str,
    build: ContentDigest,
    settings: ContentDigest,
}

impl Identity {
    fn new(settings: &[u8]) -> Self {
        let mut build = Sha256::new();
        for source in EXTRACTION_SOURCES {
            build.update(source.as_bytes());
            build.update([0]);
        }
        let mut digest = [0; 16];
        digest.copy_from_slice(&build.finalize()[..16]);
        Identity {
            version: env!("CARGO_PKG_VERSION"),
            build: digest,
            settings: content_digest(settings),
        }
    }
}

/// One file of the index.
#[derive(Serialize, Deserialize)]
struct IndexEntry {
    path: Box<str>,
    size: u64,
    digest: ContentDigest,
    /// The length of its blob; the blobs precede the index, in its order.
    blob_len: u32,
}

/// A cached file: where its blob lies in [`FactsCache::blobs`].
struct Slot {
    size: u64,
    digest: ContentDigest,
    blob: Range<usize>,
}

/// What the next cache holds for one file.
#[derive(Debug)]
pub struct Record {
    size: u64,
    digest: ContentDigest,
    /// Where its blob lies in the loaded cache; `None` for a file parsed in
    /// this run, whose facts are encoded when the cache is written.
    kept: Option<Range<usize>>,
}

/// The cache of one run: what was loaded, and where to save.
pub struct FactsCache {
    dir: PathBuf,
    file: PathBuf,
    /// How warnings name the file.
    shown: String,
    identity: Identity,
    /// The loaded payload; the index points into it.
    blobs: Vec<u8>,
    index: FxHashMap<Box<str>, Slot>,
    /// Why the file on disk was not used, when that deserves a warning.
    rejected: Option<String>,
    /// A blob that passed the checksum failed to decode.
    damaged: AtomicBool,
}

impl FactsCache {
    /// The cache for the config `config_file` of the project at `root`,
    /// with what the last run left for these `settings` (the extraction
    /// settings, as bytes); `None` under `--no-cache`.
    pub fn open(
        location: &CacheLocation,
        root: &Path,
        config_file: &Path,
        settings: &[u8],
    ) -> Option<Self> {
        let dir = match location {
            CacheLocation::Off => return None,
            CacheLocation::ProjectRoot => root.join(DEFAULT_DIR),
            CacheLocation::Dir(dir) => dir.clone(),
        };
        // The config lies in the root; `config_file` is as the user named
        // it, relative to wherever gate was started.
        let config = root.join(config_file.file_name().unwrap_or(config_file.as_os_str()));
        let name = content_digest(config.to_string_lossy().as_bytes());
        // The settings too: `gate check` and `gate map` extract different
        // facts, and would otherwise rebuild each other's cache every time.
        let identity = Identity::new(settings);
        let file = dir.join(format!(
            "facts-{}-{}.bin",
            hex(&name[..8]),
            hex(&identity.settings[..4])
        ));
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let mut cache = FactsCache {
            dir,
            file,
            shown,
            identity,
            blobs: Vec::new(),
            index: FxHashMap::default(),
            rejected: None,
            damaged: AtomicBool::new(false),
        };
        match std::fs::read(&cache.file) {
            Ok(bytes) => {
                if let Err(Rejected::Warn(why)) = cache.load(bytes) {
                    cache.rejected = Some(why);
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => cache.rejected = Some(format!("cannot be read ({error})")),
        }
        Some(cache)
    }

    /// Takes in the file's `bytes` if every check passes.
    fn load(&mut self, bytes: Vec<u8>) -> Result<(), Rejected> {
        let corrupt = |what: &str| Rejected::Warn(format!("is corrupt ({what})"));
        let mut reader = Reader {
            bytes: &bytes,
            at: 0,
        };
        if reader.take(MAGIC.len()) != Some(MAGIC.as_slice()) {
            return Err(corrupt("not a gate facts cache"));
        }
        let format = reader.u32().ok_or_else(|| corrupt("truncated header"))?;
        if format != FORMAT {
            return Err(Rejected::Warn(
                "was written by another version of gate".to_string(),
            ));
        }
        let version = reader
            .u8()
            .and_then(|len| reader.take(usize::from(len)))
            .ok_or_else(|| corrupt("truncated header"))?;
        let version = String::from_utf8_lossy(version);
        let build = reader.digest().ok_or_else(|| corrupt("truncated header"))?;
        if version != self.identity.version {
            return Err(Rejected::Warn(format!(
                "was written by gate {version}, this is {}",
                self.identity.version
            )));
        }
        if build != self.identity.build {
            return Err(Rejected::Warn(format!(
                "was written by another build of gate {version}, whose extraction differs"
            )));
        }
        let settings = reader.digest().ok_or_else(|| corrupt("truncated header"))?;
        if settings != self.identity.settings {
            // The config changed what is extracted: expected, no warning.
            return Err(Rejected::Silently);
        }
        // The trailer: the index's length and the checksum.
        let start = reader.at;
        let Some(trailer) = bytes.len().checked_sub(16).filter(|&end| end >= start) else {
            return Err(corrupt("truncated"));
        };
        let mut fields = Reader {
            bytes: &bytes,
            at: trailer,
        };
        let (index_len, sum) = (fields.u64(), fields.u64());
        let Some(index_start) = index_len
            .and_then(|len| trailer.checked_sub(usize::try_from(len).ok()?))
            .filter(|&at| at >= start)
        else {
            return Err(corrupt("truncated"));
        };
        let index_bytes = &bytes[index_start..trailer];
        let entries: Vec<IndexEntry> =
            postcard::from_bytes(index_bytes).map_err(|_| corrupt("unreadable index"))?;
        let mut checksum = Checksum::default();
        let mut at = start;
        let mut index = FxHashMap::default();
        index.reserve(entries.len());
        for entry in entries {
            let end = at + entry.blob_len as usize;
            let Some(blob) = bytes.get(at..end).filter(|_| end <= index_start) else {
                return Err(corrupt("index and blobs disagree"));
            };
            checksum.add(blob);
            index.insert(
                entry.path,
                Slot {
                    size: entry.size,
                    digest: entry.digest,
                    blob: at..end,
                },
            );
            at = end;
        }
        checksum.add(index_bytes);
        if at != index_start {
            return Err(corrupt("index and blobs disagree"));
        }
        if Some(checksum.finish()) != sum {
            return Err(corrupt("checksum mismatch"));
        }
        self.blobs = bytes;
        self.index = index;
        Ok(())
    }

    /// The facts of the file at `path` (relative to the project root) whose
    /// content is `bytes`: from the cache when it holds these bytes, else
    /// from `parse`. Also what the next cache keeps for the file.
    pub fn facts(
        &self,
        path: &str,
        bytes: &[u8],
        parse: impl FnOnce() -> FileFacts,
    ) -> (FileFacts, Record) {
        let size = bytes.len() as u64;
        let digest = content_digest(bytes);
        if let Some(slot) = self.index.get(path)
            && slot.size == size
            && slot.digest == digest
        {
            match postcard::from_bytes::<FileFacts>(&self.blobs[slot.blob.clone()]) {
                Ok(mut facts) => {
                    facts.share_scopes();
                    let kept = Some(slot.blob.clone());
                    return (facts, Record { size, digest, kept });
                }
                Err(_) => self.damaged.store(true, Ordering::Relaxed),
            }
        }
        let kept = None;
        (parse(), Record { size, digest, kept })
    }

    /// Writes the cache for `files` (path, facts and record, in path order;
    /// no record for a file that was not parsed) when it differs from the
    /// one loaded. The warnings: a cache that was ignored, or not written.
    pub fn save<'a>(
        self,
        files: impl Iterator<Item = (&'a str, &'a FileFacts, Option<&'a Record>)>,
    ) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let rejected = self.rejected.clone().or_else(|| {
            self.damaged
                .load(Ordering::Relaxed)
                .then(|| "is corrupt (an entry does not decode)".to_string())
        });
        if let Some(why) = rejected {
            warnings.push(Warning::new(
                WarningKind::Cache,
                format!(
                    "the facts cache {} {why}: it was ignored, and is written anew",
                    self.shown
                ),
            ));
        }
        let files: Vec<(&str, &FileFacts, &Record)> = files
            .filter_map(|(path, facts, record)| Some((path, facts, record?)))
            .collect();
        // A kept blob is the loaded entry of the same path.
        let unchanged = files.len() == self.index.len()
            && files.iter().all(|(_, _, record)| record.kept.is_some());
        if unchanged {
            return warnings;
        }
        if let Err(error) = self.write(&files) {
            warnings.push(Warning::new(
                WarningKind::Cache,
                format!(
                    "cannot write the facts cache {}: {error}; the next run parses every file \
                     again (`--no-cache` skips the cache)",
                    self.shown
                ),
            ));
        }
        warnings
    }

    /// Streams the file out: blobs first, each new one encoded as it is
    /// written, so that the encoded facts are never all in memory; then the
    /// index of their lengths, then the trailer.
    fn write(&self, files: &[(&str, &FileFacts, &Record)]) -> std::io::Result<()> {
        let version = self.identity.version.as_bytes();
        let mut header = Vec::with_capacity(64);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.push(u8::try_from(version.len()).expect("a short version"));
        header.extend_from_slice(version);
        header.extend_from_slice(&self.identity.build);
        header.extend_from_slice(&self.identity.settings);
        std::fs::create_dir_all(&self.dir)?;
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            let text = b"# Created by gate: nothing here belongs in git.\n*\n";
            crate::write::replace_unsynced(&ignore, &mut |file| file.write_all(text))?;
        }
        crate::write::replace_unsynced(&self.file, &mut |file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            out.write_all(&header)?;
            let mut sum = Checksum::default();
            let mut entries = Vec::with_capacity(files.len());
            let mut encoded = Vec::new();
            for (path, facts, record) in files {
                let blob = match &record.kept {
                    Some(range) => &self.blobs[range.clone()],
                    None => {
                        encoded.clear();
                        encoded = postcard::to_extend(facts, std::mem::take(&mut encoded))
                            .expect("facts have no unencodable values");
                        &encoded
                    }
                };
                sum.add(blob);
                out.write_all(blob)?;
                entries.push(IndexEntry {
                    path: (*path).into(),
                    size: record.size,
                    digest: record.digest,
                    blob_len: u32::try_from(blob.len()).expect("facts of under 4 GiB"),
                });
            }
            let index = postcard::to_allocvec(&entries).expect("the index encodes");
            sum.add(&index);
            out.write_all(&index)?;
            out.write_all(&(index.len() as u64).to_le_bytes())?;
            out.write_all(&sum.finish().to_le_bytes())?;
            out.flush()
        })
    }
}

/// Why a cache file on disk is not used.
enum Rejected {
    /// Corrupt or foreign: the run says so.
    Warn(String),
    /// Written for other settings: nothing to tell.
    Silently,
}

/// Reads the header's fields in order.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn digest(&mut self) -> Option<ContentDigest> {
        self.take(16)?.try_into().ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extraction_source_is_in_the_build_digest() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut folders = vec![src.join("parse")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path.file_name() != Some("tests".as_ref()) {
                        folders.push(path);
                    }
                } else {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if !EXTRACTION_SOURCES.contains(&text.as_str()) {
                        missing.push(path);
                    }
                }
            }
        }
        assert!(missing.is_empty(), "add to EXTRACTION_SOURCES: {missing:?}");
    }

    fn cache_in(dir: &Path) -> FactsCache {
        FactsCache::open(
            &CacheLocation::Dir(dir.to_path_buf()),
            dir,
            Path::new("gate.toml"),
            b"settings",
        )
        .unwrap()
    }

    #[test]
    fn a_saved_file_is_read_back_and_an_unchanged_run_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let source = b"import os\nos.getcwd()\n";
        let parsed = crate::parse::parse_file(source);
        let cache = cache_in(dir.path());
        let (facts, record) = cache.facts("a.py", source, || parsed.clone());
        assert_eq!(facts, parsed);
        assert!(
            cache
                .save([("a.py", &facts, Some(&record))].into_iter())
                .is_empty()
        );
        let written = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(written, 2, "the cache file and its .gitignore");

        let cache = cache_in(dir.path());
        let (facts, record) = cache.facts("a.py", source, || panic!("parsed again"));
        assert_eq!(facts, parsed);
        assert!(record.kept.is_some());
        let file = cache.file.clone();
        let before = std::fs::metadata(&file).unwrap().modified().unwrap();
        assert!(
            cache
                .save([("a.py", &facts, Some(&record))].into_iter())
                .is_empty()
        );
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            before
        );
    }

    #[test]
    fn other_settings_rebuild_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path());
        let (facts, record) = cache.facts("a.py", b"x = 1\n", FileFacts::default);
        assert!(
            cache
                .save([("a.py", &facts, Some(&record))].into_iter())
                .is_empty()
        );
        let other = FactsCache::open(
            &CacheLocation::Dir(dir.path().to_path_buf()),
            dir.path(),
            Path::new("gate.toml"),
            b"other settings",
        )
        .unwrap();
        assert!(other.index.is_empty());
        assert!(other.rejected.is_none());
    }
}
