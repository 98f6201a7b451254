//! The analysed files, each with the facts parsed from it, addressed by
//! [`FileId`]: the hand-off from discovery and parsing to every later
//! stage.

use std::num::NonZeroU32;
use std::ops::{Index, IndexMut};

use serde::Serialize;

use crate::discover::SourceFile;
use crate::facts::FileFacts;

/// A file of the analysis: its position in the path order, so ids compare
/// as the paths do. Stored as the index plus one, so that an `Option<FileId>` (every import
/// edge's target has one) takes four bytes, not eight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(NonZeroU32);

impl FileId {
    /// The id of the file at `index` in the path order.
    pub fn new(index: usize) -> Self {
        // Four billion files do not fit in memory long before this.
        let stored = u32::try_from(index + 1).expect("fewer than 2^32 - 1 files");
        FileId(NonZeroU32::new(stored).expect("an index plus one is not zero"))
    }

    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// The files of one analysis, sorted by path, and their facts.
#[derive(Debug, Default)]
pub struct Files {
    sources: Vec<SourceFile>,
    facts: Vec<FileFacts>,
}

impl Files {
    /// `files` sorted by path; each file's id is its position.
    pub fn new(files: impl IntoIterator<Item = (SourceFile, FileFacts)>) -> Self {
        let (sources, facts) = files.into_iter().unzip();
        Files { sources, facts }
    }

    pub fn len(&self) -> usize {
        self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn source(&self, file: FileId) -> &SourceFile {
        &self.sources[file.index()]
    }

    pub fn facts(&self, file: FileId) -> &FileFacts {
        &self.facts[file.index()]
    }

    /// Every file, in path order.
    pub fn sources(&self) -> &[SourceFile] {
        &self.sources
    }

    /// A value for each file, computed from the file.
    pub fn map<'a, T>(
        &'a self,
        mut value: impl FnMut(FileId, &'a SourceFile, &'a FileFacts) -> T,
    ) -> PerFile<T> {
        PerFile(
            self.iter()
                .map(|(id, source, facts)| value(id, source, facts))
                .collect(),
        )
    }

    /// Every file with its id and facts, in path order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (FileId, &SourceFile, &FileFacts)> {
        self.sources
            .iter()
            .zip(&self.facts)
            .enumerate()
            .map(|(index, (source, facts))| (FileId::new(index), source, facts))
    }
}

/// One value for each file of an analysis, indexed by [`FileId`].
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct PerFile<T>(Vec<T>);

impl<T> PerFile<T> {
    /// The values in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T> Index<FileId> for PerFile<T> {
    type Output = T;

    fn index(&self, file: FileId) -> &T {
        &self.0[file.index()]
    }
}

impl<T> IndexMut<FileId> for PerFile<T> {
    fn index_mut(&mut self, file: FileId) -> &mut T {
        &mut self.0[file.index()]
    }
}
