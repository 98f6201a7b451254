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
//!   (16 bytes kept), and the file's stat data when it was last read or
//!   confirmed: size, modification and change times (seconds and
//!   nanoseconds) and inode, the fields git's index compares
//!   (`ie_match_stat`). Not the device, as git by default: its number
//!   changes when a network share is mounted again or a container
//!   restarts, which would send every file down the hash path, and with
//!   the inode and the change time to the nanosecond it tells nothing more.
//!
//! A file whose stat data all equal its entry's is taken from the cache
//! without being opened, unless the entry is *racy* (below); any other file
//! is read and hashed, and the digest decides: equal, its cached facts are
//! used and the entry's stat data refreshed (the cache is written again,
//! once); different, it is parsed. So the stat data are a fast path that
//! can only say "unchanged" and the hash confirms everything else:
//!
//! - Times are compared to the nanosecond, and both of them: tools that
//!   restore a time (`tar`, `rsync -t`, `cp -p`, `touch -d`) set the
//!   modification time, never the change time, which any write, rename or
//!   `chmod` sets to the clock's now. A file replaced by another (an
//!   editor's save-and-rename, `git checkout`) has another inode.
//! - Racy entries, as git handles "racy git"
//!   (Documentation/technical/racy-git.txt, `is_racy_timestamp`): the
//!   header records when the run that wrote the cache started, before it
//!   read any file. An edit made after that, in the same tick of the file
//!   system's clock as the entry's times, would leave the stat data as
//!   they were; so an entry whose modification or change time is not
//!   strictly older than that start, less [`RACY_MARGIN`], is never
//!   trusted on stat data alone: the file is read and hashed. The margin
//!   covers file systems whose times are coarser than the clock read
//!   here (2 s on FAT, 1 s on ext3 and HFS+; Linux stamps files with a
//!   clock up to a scheduler tick behind). A racy entry stays racy until
//!   a cache is written by a run that started more than the margin after
//!   the entry's times; a run that confirms such an entry by its bytes
//!   writes the cache again (once), so a tree checked right after a clone
//!   or a checkout takes the fast path from the run after next on.
//! - Where stat data say nothing, everything is hashed, as before: in CI
//!   every file is a fresh checkout (another inode and change time), so a
//!   restored cache takes the hash path there, its entries' stat data are
//!   refreshed and the cache written once; on a system that is not Unix
//!   (no inode or change time in std), stat data are not recorded at all.
//! - What stays unseen: on a file system that keeps no change time (FAT,
//!   for which Linux reports another time in its place), a file rewritten
//!   in place with the same size and its modification time then set back; a clock set back by more than the margin between two runs;
//!   a network share whose server's clock lags this machine's by more than
//!   the margin, with two writes to a file in one tick of that clock around
//!   gate's stat. git trusts the same data in the same way.
//!
//! SHA-256 rather than a faster non-cryptographic hash because the content
//! is hostile input: a pull request must not be able to craft a file whose
//! digest equals a cached one to have its violations read from the old
//! facts (sha2 is already a dependency, and hashes about 1 GB/s here). The
//! size is compared first, as the cheap reject.
//!
//! ## The file
//!
//! A header (magic, format, version, build, settings, the writing run's
//! start); each file's facts as a postcard blob, sorted by path; the index
//! (path, size, digest, stat data, blob length per file); a trailer of the
//! index's length and a checksum (of the start, the blobs and the index). The
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
use std::time::{Duration, SystemTime};

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
const FORMAT: u32 = 2;

/// How much older than the start of the run that wrote the cache a file's
/// times must be for its stat data to be trusted: more than the coarsest
/// file system time (FAT's 2 s) and the lag of the kernel's file clock.
pub const RACY_MARGIN: Duration = Duration::from_secs(3);

/// A time as nanoseconds since the Unix epoch (negative before it).
type Nanos = i128;

fn nanos_of(time: SystemTime) -> Nanos {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => Nanos::try_from(after.as_nanos()).unwrap_or(Nanos::MAX),
        Err(before) => -Nanos::try_from(before.duration().as_nanos()).unwrap_or(Nanos::MAX),
    }
}

/// `start` less [`RACY_MARGIN`]: files older than that may be trusted on
/// their stat data by a cache written by the run that started at `start`.
fn less_margin(start: Nanos) -> Nanos {
    start.saturating_sub(Nanos::try_from(RACY_MARGIN.as_nanos()).expect("a short margin"))
}

/// A file's stat data, as the cache compares them: all equal, and older
/// than the cache, and the file is taken as unchanged without being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified: Nanos,
    changed: Nanos,
    inode: u64,
}

impl Stamp {
    /// The stat data of `metadata`; `None` where std has no inode or change
    /// time (not Unix): such files are always read and hashed.
    pub fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos =
                |secs: i64, nsec: i64| Nanos::from(secs) * 1_000_000_000 + Nanos::from(nsec);
            Some(Stamp {
                size: metadata.size(),
                modified: nanos(metadata.mtime(), metadata.mtime_nsec()),
                changed: nanos(metadata.ctime(), metadata.ctime_nsec()),
                inode: metadata.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }
}

/// Whether a file whose stat data are `now` is the file an entry recorded
/// as `then`, without reading it: every field equal, and both times
/// strictly older than `trust_before` (the start of the run that wrote the
/// entry, less [`RACY_MARGIN`]): an entry as recent as that run is racy,
/// as an edit in the same clock tick would not show in its stat data.
fn unchanged_by_stamp(then: Option<&Stamp>, now: Option<&Stamp>, trust_before: Nanos) -> bool {
    match (then, now) {
        (Some(then), Some(now)) => {
            then == now && then.modified < trust_before && then.changed < trust_before
        }
        _ => false,
    }
}

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
    /// When the file was last read or confirmed.
    stamp: Option<Stamp>,
    /// The length of its blob; the blobs precede the index, in its order.
    blob_len: u32,
}

/// A cached file: where its blob lies in [`FactsCache::blobs`].
struct Slot {
    size: u64,
    digest: ContentDigest,
    stamp: Option<Stamp>,
    blob: Range<usize>,
}

/// What the next cache holds for one file.
#[derive(Debug)]
pub struct Record {
    size: u64,
    digest: ContentDigest,
    stamp: Option<Stamp>,
    /// Where its blob lies in the loaded cache; `None` for a file parsed in
    /// this run, whose facts are encoded when the cache is written.
    kept: Option<Range<usize>>,
    /// The loaded entry is this record as it is: same blob, same stat data.
    current: bool,
}

/// The cache of one run: what was loaded, and where to save.
pub struct FactsCache {
    dir: PathBuf,
    file: PathBuf,
    /// How warnings name the file.
    shown: String,
    identity: Identity,
    /// When this run started, before it read any file: the next run trusts
    /// only entries older than this (less [`RACY_MARGIN`]).
    started: Nanos,
    /// The loaded cache's start less [`RACY_MARGIN`]: entries whose times
    /// are older may be trusted on their stat data.
    trust_before: Nanos,
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
        // Taken first: every file of the run is read after it.
        let started = nanos_of(SystemTime::now());
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
            started,
            trust_before: Nanos::MIN,
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
        let written_start = reader.take(16).ok_or_else(|| corrupt("truncated header"))?;
        let mut checksum = Checksum::default();
        checksum.add(written_start);
        let written_start = Nanos::from_le_bytes(written_start.try_into().expect("16 bytes"));
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
                    stamp: entry.stamp,
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
        self.trust_before = less_margin(written_start);
        Ok(())
    }

    /// Whether a cache written by this run would let the next trust a file
    /// whose stat data are `stamp`: confirmed racy entries that would are
    /// written again (once: the next run takes them by their stat data),
    /// those still as recent as this run are not (that would write the
    /// cache on every run, for a file whose time lies in the future).
    fn trusted_next_time(&self, stamp: Option<Stamp>) -> bool {
        let stamp = stamp.as_ref();
        unchanged_by_stamp(stamp, stamp, less_margin(self.started))
    }

    /// The cached facts of the file at `path` whose stat data are `stamp`,
    /// when they say it is unchanged (`unchanged_by_stamp`): then the
    /// file need not be read. Also what the next cache keeps for it.
    pub fn unchanged(&self, path: &str, stamp: Option<Stamp>) -> Option<(FileFacts, Record)> {
        let slot = self.index.get(path)?;
        if !unchanged_by_stamp(slot.stamp.as_ref(), stamp.as_ref(), self.trust_before) {
            return None;
        }
        let facts = self.decode(slot)?;
        let record = Record {
            size: slot.size,
            digest: slot.digest,
            stamp,
            kept: Some(slot.blob.clone()),
            current: true,
        };
        Some((facts, record))
    }

    /// The facts of `slot`; `None` (and the cache marked damaged) when its
    /// blob does not decode.
    fn decode(&self, slot: &Slot) -> Option<FileFacts> {
        match postcard::from_bytes::<FileFacts>(&self.blobs[slot.blob.clone()]) {
            Ok(mut facts) => {
                facts.share_scopes();
                Some(facts)
            }
            Err(_) => {
                self.damaged.store(true, Ordering::Relaxed);
                None
            }
        }
    }

    /// The facts of the file at `path` (relative to the project root) whose
    /// content is `bytes`, read after its stat data `stamp`: from the cache
    /// when it holds these bytes, else from `parse`. Also what the next
    /// cache keeps for the file.
    pub fn facts(
        &self,
        path: &str,
        stamp: Option<Stamp>,
        bytes: &[u8],
        parse: impl FnOnce() -> FileFacts,
    ) -> (FileFacts, Record) {
        let size = bytes.len() as u64;
        let digest = content_digest(bytes);
        if let Some(slot) = self.index.get(path)
            && slot.size == size
            && slot.digest == digest
            && let Some(facts) = self.decode(slot)
        {
            let record = Record {
                size,
                digest,
                stamp,
                kept: Some(slot.blob.clone()),
                current: slot.stamp == stamp && !self.trusted_next_time(stamp),
            };
            return (facts, record);
        }
        let record = Record {
            size,
            digest,
            stamp,
            kept: None,
            current: false,
        };
        (parse(), record)
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
        // A current record is the loaded entry of the same path, as it is.
        let unchanged =
            files.len() == self.index.len() && files.iter().all(|(_, _, record)| record.current);
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
        let started = self.started.to_le_bytes();
        header.extend_from_slice(&started);
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
            sum.add(&started);
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
                    stamp: record.stamp,
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

#[cfg(test)]
impl FactsCache {
    /// As if the loaded cache had been written `later` than it was: its
    /// entries `later` old are no longer racy (the tests cannot set a
    /// file's change time back).
    pub(crate) fn written_later(mut self, later: Duration) -> Self {
        self.trust_before += Nanos::try_from(later.as_nanos()).unwrap();
        self
    }

    /// As if this run had started `later` than it did.
    pub(crate) fn started_later(mut self, later: Duration) -> Self {
        self.started += Nanos::try_from(later.as_nanos()).unwrap();
        self
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
        let (facts, record) = cache.facts("a.py", None, source, || parsed.clone());
        assert_eq!(facts, parsed);
        assert!(
            cache
                .save([("a.py", &facts, Some(&record))].into_iter())
                .is_empty()
        );
        let written = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(written, 2, "the cache file and its .gitignore");

        let cache = cache_in(dir.path());
        let (facts, record) = cache.facts("a.py", None, source, || panic!("parsed again"));
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
        let (facts, record) = cache.facts("a.py", None, b"x = 1\n", FileFacts::default);
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

    const HOUR: Nanos = 3_600 * 1_000_000_000;

    fn stamp(size: u64, at: Nanos) -> Stamp {
        Stamp {
            size,
            modified: at,
            changed: at,
            inode: 7,
        }
    }

    #[test]
    fn stat_data_say_unchanged_only_when_all_equal_and_older_than_the_cache() {
        let before = 1_000 * HOUR;
        let then = stamp(10, before - 1);
        let trusted = |now: Stamp| unchanged_by_stamp(Some(&then), Some(&now), before);
        assert!(trusted(then));
        let others = [
            Stamp { size: 11, ..then },
            Stamp {
                modified: then.modified + 1,
                ..then
            },
            Stamp {
                changed: then.changed + 1,
                ..then
            },
            Stamp { inode: 8, ..then },
        ];
        for other in others {
            assert!(!trusted(other), "{other:?}");
        }
        // Racy: a time not strictly older than the cache's start (less the
        // margin) is never trusted, equal as the stat data may be.
        for racy in [
            Stamp {
                modified: before,
                ..then
            },
            Stamp {
                changed: before,
                ..then
            },
            stamp(10, before + HOUR),
        ] {
            assert!(
                !unchanged_by_stamp(Some(&racy), Some(&racy), before),
                "{racy:?}"
            );
        }
        // No stat data (not Unix, or an entry without them): the hash decides.
        assert!(!unchanged_by_stamp(None, Some(&then), before));
        assert!(!unchanged_by_stamp(Some(&then), None, before));
        assert!(!unchanged_by_stamp(None, None, before));
    }

    /// The cache of `dir` after a run that saw `files` (path, stat data,
    /// bytes), each parsed unless the cache had it.
    fn run(dir: &Path, files: &[(&str, Stamp, &[u8])]) -> (FactsCache, Vec<(FileFacts, Record)>) {
        let cache = cache_in(dir);
        let seen = files
            .iter()
            .map(|(path, stamp, bytes)| {
                cache.unchanged(path, Some(*stamp)).unwrap_or_else(|| {
                    cache.facts(path, Some(*stamp), bytes, || {
                        crate::parse::parse_file(bytes)
                    })
                })
            })
            .collect();
        (cache, seen)
    }

    fn save(cache: FactsCache, files: &[(&str, Stamp, &[u8])], seen: &[(FileFacts, Record)]) {
        let warnings = cache.save(
            files
                .iter()
                .zip(seen)
                .map(|((path, _, _), (facts, record))| (*path, facts, Some(record))),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn an_entry_as_recent_as_the_cache_is_confirmed_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let now = nanos_of(SystemTime::now());
        let old = b"import os\n";
        // The same size: `os` becomes `re`.
        let new = b"import re\n";
        // Written in the tick the cache was written in: the same stat data
        // for the old bytes and the new.
        let racy = stamp(10, now);
        let files = [("a.py", racy, old.as_slice())];
        let (cache, seen) = run(dir.path(), &files);
        save(cache, &files, &seen);

        let cache = cache_in(dir.path());
        assert!(cache.unchanged("a.py", Some(racy)).is_none(), "racy");
        let (facts, record) =
            cache.facts("a.py", Some(racy), new, || crate::parse::parse_file(new));
        assert!(record.kept.is_none(), "the new bytes are parsed");
        assert_eq!(facts, crate::parse::parse_file(new));
        // Had the cache been written more than the margin later, the
        // entry would be trusted.
        let later = RACY_MARGIN + Duration::from_secs(1);
        let cache = cache_in(dir.path()).written_later(later);
        assert!(cache.unchanged("a.py", Some(racy)).is_some());
    }

    #[test]
    fn a_racy_entry_is_written_again_once_a_run_starts_after_the_margin() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"import os\n";
        let racy = stamp(10, nanos_of(SystemTime::now()));
        let files = [("a.py", racy, bytes.as_slice())];
        let (cache, seen) = run(dir.path(), &files);
        save(cache, &files, &seen);
        let file = cache_file_of(dir.path());
        let written = std::fs::read(&file).unwrap();

        // Confirmed, and still as recent as this run: the cache stays.
        let cache = cache_in(dir.path());
        assert!(cache.unchanged("a.py", Some(racy)).is_none());
        let (facts, record) = cache.facts("a.py", Some(racy), bytes, || panic!("parsed"));
        assert!(record.current);
        save(cache, &files, &[(facts, record)]);
        assert_eq!(std::fs::read(&file).unwrap(), written);

        // Confirmed by a run that started after the margin: written again,
        // and the next run trusts the stat data.
        let later = RACY_MARGIN + Duration::from_secs(1);
        let cache = cache_in(dir.path()).started_later(later);
        assert!(cache.unchanged("a.py", Some(racy)).is_none());
        let (facts, record) = cache.facts("a.py", Some(racy), bytes, || panic!("parsed"));
        assert!(record.kept.is_some() && !record.current);
        save(cache, &files, &[(facts, record)]);
        assert_ne!(std::fs::read(&file).unwrap(), written);
        let cache = cache_in(dir.path());
        assert!(cache.unchanged("a.py", Some(racy)).is_some());
    }

    #[test]
    fn an_entry_older_than_the_cache_is_used_without_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let old = nanos_of(SystemTime::now()) - HOUR;
        let bytes = b"import os\n";
        let files = [("a.py", stamp(10, old), bytes.as_slice())];
        let (cache, seen) = run(dir.path(), &files);
        save(cache, &files, &seen);

        let cache = cache_in(dir.path());
        let (facts, record) = cache.unchanged("a.py", Some(stamp(10, old))).unwrap();
        assert_eq!(facts, crate::parse::parse_file(bytes));
        assert!(record.current);
        // Any other stat data: the bytes are needed.
        assert!(cache.unchanged("a.py", Some(stamp(10, old + 1))).is_none());
        assert!(cache.unchanged("b.py", Some(stamp(10, old))).is_none());
    }

    #[test]
    fn a_touched_file_is_confirmed_by_its_bytes_and_its_entry_refreshed_once() {
        let dir = tempfile::tempdir().unwrap();
        let old = nanos_of(SystemTime::now()) - 2 * HOUR;
        let bytes = b"import os\n";
        let files = [("a.py", stamp(10, old), bytes.as_slice())];
        let (cache, seen) = run(dir.path(), &files);
        save(cache, &files, &seen);
        let file = cache_file_of(dir.path());
        let written = std::fs::read(&file).unwrap();

        // Touched: new times, the same bytes. Not parsed again, but the
        // entry's stat data are refreshed, so the cache is written again.
        let touched = stamp(10, old + HOUR);
        let cache = cache_in(dir.path());
        assert!(cache.unchanged("a.py", Some(touched)).is_none());
        let (facts, record) = cache.facts("a.py", Some(touched), bytes, || panic!("parsed"));
        assert!(record.kept.is_some() && !record.current);
        save(cache, &[("a.py", touched, bytes)], &[(facts, record)]);
        let rewritten = std::fs::read(&file).unwrap();
        assert_ne!(rewritten, written);

        // The next run trusts the new stat data, and writes nothing.
        let cache = cache_in(dir.path());
        let (facts, record) = cache.unchanged("a.py", Some(touched)).unwrap();
        assert!(record.current);
        save(cache, &[("a.py", touched, bytes)], &[(facts, record)]);
        assert_eq!(std::fs::read(&file).unwrap(), rewritten);
    }

    #[test]
    fn the_start_in_the_header_is_under_the_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let old = nanos_of(SystemTime::now()) - HOUR;
        let files = [("a.py", stamp(10, old), b"import os\n".as_slice())];
        let (cache, seen) = run(dir.path(), &files);
        save(cache, &files, &seen);
        let file = cache_file_of(dir.path());
        let mut bytes = std::fs::read(&file).unwrap();
        // magic, format, the version's length and the version, build and
        // settings digests; then the start, whose top byte is 0.
        let at = 8 + 4 + 1 + env!("CARGO_PKG_VERSION").len() + 16 + 16 + 15;
        assert_eq!(bytes[at], 0);
        bytes[at] = 0x7f;
        std::fs::write(&file, bytes).unwrap();
        let cache = cache_in(dir.path());
        assert!(cache.index.is_empty());
        assert_eq!(
            cache.rejected.as_deref(),
            Some("is corrupt (checksum mismatch)")
        );
    }

    fn cache_file_of(dir: &Path) -> PathBuf {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }
}
